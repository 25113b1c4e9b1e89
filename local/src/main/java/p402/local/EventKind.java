package p402.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The three kinds of input event and the Kafka key the contract recommends for each: {@code
 * tenant_id/<id>}, so that every event about one call (or one customer's revenue) lands in one
 * partition, in order.
 */
public enum EventKind {
    CALL("event_id"),
    REVENUE("customer_id"),
    OUTCOME("call_event_id");

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String idField;

    EventKind(String idField) {
        this.idField = idField;
    }

    /**
     * The key for one event's raw JSON: {@code tenant_id/<id>} in UTF-8, or {@code null} when the
     * value is not a JSON object carrying both fields as scalars. A value without a key is still
     * published: rejecting it is the job's business, not the publisher's.
     */
    public byte[] keyOf(byte[] value) {
        JsonNode event;
        try {
            event = MAPPER.readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (event == null || !event.isObject()) {
            return null;
        }
        JsonNode tenant = event.get("tenant_id");
        JsonNode id = event.get(idField);
        if (!isScalar(tenant) || !isScalar(id)) {
            return null;
        }
        return (tenant.asText() + "/" + id.asText()).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isScalar(JsonNode node) {
        return node != null && node.isValueNode() && !node.isNull();
    }
}
