package p402.local.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a trace in the shape of the Azure LLM inference trace 2023 ({@code
 * TIMESTAMP,ContextTokens,GeneratedTokens}, timestamps {@code YYYY-MM-DD HH:MM:SS.fffffff} without
 * a zone, rows in arrival order).
 */
public final class AzureTrace {

    /** The code trace, relative to the shared data folder. */
    public static final String CODE_TRACE =
            "azure-llm-inference-2023/AzureLLMInferenceTrace_code.csv";

    private static final String HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";

    private AzureTrace() {}

    /**
     * The first {@code limit} requests of the file (all when {@code limit <= 0}), with arrival
     * times relative to the first one.
     */
    public static List<TraceRequest> read(Path file, int limit) throws IOException {
        List<TraceRequest> requests = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.strip().equals(HEADER)) {
                throw new IOException(file + ": expected the header " + HEADER + ", got " + header);
            }
            long first = Long.MIN_VALUE;
            long previous = Long.MIN_VALUE;
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null && (limit <= 0 || requests.size() < limit)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split(",");
                if (f.length != 3) {
                    throw new IOException(file + ":" + lineNo + ": expected 3 columns: " + line);
                }
                long at;
                try {
                    at = epochNanos(f[0]);
                } catch (RuntimeException e) {
                    throw new IOException(file + ":" + lineNo + ": bad TIMESTAMP " + f[0], e);
                }
                if (at < previous) {
                    throw new IOException(file + ":" + lineNo + ": rows are not in arrival order");
                }
                if (first == Long.MIN_VALUE) {
                    first = at;
                }
                previous = at;
                long context = Long.parseLong(f[1].strip());
                long generated = Long.parseLong(f[2].strip());
                if (context < 0 || generated < 0) {
                    throw new IOException(file + ":" + lineNo + ": negative token count");
                }
                requests.add(new TraceRequest(at - first, context, generated));
            }
        }
        if (requests.isEmpty()) {
            throw new IOException(file + ": no requests");
        }
        return requests;
    }

    /**
     * {@code 2023-11-16 18:17:03.9799600} as nanoseconds; the zone does not matter, only the gaps
     * are used.
     */
    static long epochNanos(String timestamp) {
        String t = timestamp.strip();
        int dot = t.indexOf('.');
        String seconds = dot < 0 ? t : t.substring(0, dot);
        long nanos = 0;
        if (dot >= 0) {
            String fraction = t.substring(dot + 1);
            if (fraction.isEmpty() || fraction.length() > 9 || !fraction.matches("[0-9]+")) {
                throw new IllegalArgumentException("bad fraction in " + t);
            }
            nanos = Long.parseLong((fraction + "000000000").substring(0, 9));
        }
        LocalDateTime at = LocalDateTime.parse(seconds.replace(' ', 'T'));
        return at.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + nanos;
    }
}
