package p402.local.door;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A POST body as the events in it: one JSON object, or a JSON array of them. Each event is cut out
 * of the body as the exact bytes the client sent (located with Jackson's streaming parser, never
 * re-serialised), so what reaches the topic is what was written, and the job's parser judges the
 * same bytes the door judged.
 */
final class EventBatch {

    private static final JsonFactory JSON = new JsonFactory();

    /** The body is not JSON, or not an object or an array. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    private EventBatch() {}

    /**
     * The events of {@code body}, in order; an element of an array that is not an object is
     * returned as it is, and the parser refuses it with its own reason.
     */
    static List<byte[]> split(byte[] body) throws Malformed {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                p.skipChildren();
                requireEnd(p);
                return List.of(body);
            }
            if (first != JsonToken.START_ARRAY) {
                throw new Malformed("the body is neither a JSON object nor a JSON array");
            }
            List<byte[]> events = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw new Malformed("the JSON array is not closed");
                }
                int start = (int) p.currentTokenLocation().getByteOffset();
                if (t.isStructStart()) {
                    p.skipChildren();
                } else {
                    p.finishToken();
                }
                int end = (int) p.currentLocation().getByteOffset();
                events.add(Arrays.copyOfRange(body, start, end));
            }
            requireEnd(p);
            return events;
        } catch (IOException e) {
            throw new Malformed("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static void requireEnd(JsonParser p) throws IOException, Malformed {
        if (p.nextToken() != null) {
            throw new Malformed("trailing content after the JSON value");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
