package p402.udfs.sql;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Locale;
import p402.udfs.cost.InvalidUsageException;
import p402.udfs.cost.UsageNormalizer;
import p402.udfs.cost.UsageVector;

/**
 * Reads a usage object handed to a SQL function as JSON text, the way the job reads it from an
 * event: numbers exactly (a fractional count is then refused, not truncated), duplicate keys and
 * trailing text refused.
 */
final class UsageJson {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .build();

    private UsageJson() {}

    /**
     * The normalised usage.
     *
     * @throws InvalidUsageException when the text is not JSON or the usage does not add up; the
     *     message is the reason the job would write to the dead letter
     */
    static UsageVector normalize(String provider, String usageJson) throws InvalidUsageException {
        if (usageJson == null) {
            throw new InvalidUsageException("usage: missing");
        }
        JsonNode usage;
        try {
            usage = MAPPER.readTree(usageJson);
        } catch (JsonProcessingException e) {
            throw new InvalidUsageException("usage: not JSON: " + e.getOriginalMessage());
        }
        String p = provider == null ? "" : provider.trim().toLowerCase(Locale.ROOT);
        return UsageNormalizer.normalize(p, usage);
    }
}
