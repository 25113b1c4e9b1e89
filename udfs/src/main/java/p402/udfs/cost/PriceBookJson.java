package p402.udfs.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the project's price-book JSON ({@code p402.price-book.v1}). Prices are USD per token (per
 * request for {@code per_request}), written as decimal strings; JSON numbers are accepted too and
 * read exactly, never through a double. Unknown fields are errors, so a misspelt bucket cannot
 * silently leave a price out.
 *
 * <pre>{@code
 * {
 *   "format": "p402.price-book.v1",
 *   "label": "builtin-2026-07-24",
 *   "aliases": {"anthropic/claude-sonnet-4-0": "claude-sonnet-4"},
 *   "models": [{
 *     "provider": "openai", "model": "gpt-4o",
 *     "versions": [{
 *       "id": "builtin-2026-07-24:openai/gpt-4o",
 *       "effective_from": "2025-02-06T00:00:00Z",
 *       "prices": {"input": "0.0000025", "cache_read": "0.00000125", "output": "0.00001"},
 *       "tiers": {"batch": {"multiplier": "0.5", "prices": {"input": "0.00000125"}}},
 *       "long_context": [{"above_input_tokens": 200000, "prices": {...}, "tiers": {...}}]
 *     }]
 *   }]
 * }
 * }</pre>
 *
 * <p>Buckets: {@code input, cache_read, cache_write_5m, cache_write_1h, output, reasoning,
 * per_request}. A version's {@code id} defaults to {@code label:provider/model}.
 */
public final class PriceBookJson {

    public static final String FORMAT = "p402.price-book.v1";

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private PriceBookJson() {}

    public static PriceBook read(InputStream json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        return read(root);
    }

    public static PriceBook read(JsonNode root) {
        object(root, "price book");
        allowOnly(root, "price book", Set.of("format", "label", "source", "aliases", "models"));
        String format = root.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(
                    "price book: format must be \"" + FORMAT + "\", not " + root.get("format"));
        }
        String label = root.hasNonNull("label") ? root.get("label").asText() : null;

        Map<String, String> aliases = new LinkedHashMap<>();
        if (root.has("aliases")) {
            object(root.get("aliases"), "aliases");
            root.get("aliases")
                    .fields()
                    .forEachRemaining(
                            e ->
                                    aliases.put(
                                            e.getKey(),
                                            text(e.getValue(), "aliases." + e.getKey())));
        }

        List<ModelPriceVersion> entries = new ArrayList<>();
        JsonNode models = root.path("models");
        if (!models.isArray()) {
            throw new IllegalArgumentException("price book: models must be an array");
        }
        for (int i = 0; i < models.size(); i++) {
            JsonNode model = models.get(i);
            String where = "models[" + i + "]";
            object(model, where);
            allowOnly(model, where, Set.of("provider", "model", "source", "versions"));
            String provider = ModelIds.provider(text(model.get("provider"), where + ".provider"));
            String id = ModelIds.model(provider, text(model.get("model"), where + ".model"));
            where = ModelIds.key(provider, id);
            JsonNode versions = model.path("versions");
            if (!versions.isArray() || versions.isEmpty()) {
                throw new IllegalArgumentException(where + ": versions must be a non-empty array");
            }
            for (int j = 0; j < versions.size(); j++) {
                String defaultId = label == null ? null : label + ':' + where;
                entries.add(
                        new ModelPriceVersion(
                                provider,
                                id,
                                version(
                                        versions.get(j),
                                        where + " versions[" + j + "]",
                                        defaultId)));
            }
        }
        return PriceBook.of(entries, aliases);
    }

    private static PriceVersion version(JsonNode v, String where, String defaultId) {
        object(v, where);
        allowOnly(v, where, Set.of("id", "effective_from", "prices", "tiers", "long_context"));
        String id = v.hasNonNull("id") ? text(v.get("id"), where + ".id") : defaultId;
        if (id == null) {
            throw new IllegalArgumentException(
                    where + ": id is required when the book has no label");
        }
        Instant from = instant(v.get("effective_from"), where + ".effective_from");
        BucketPrices prices = prices(v.get("prices"), where + ".prices");

        Map<String, PriceVersion.TierPrices> tiers = new LinkedHashMap<>();
        if (v.has("tiers")) {
            object(v.get("tiers"), where + ".tiers");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.get("tiers").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> t = it.next();
                String tw = where + ".tiers." + t.getKey();
                object(t.getValue(), tw);
                allowOnly(t.getValue(), tw, Set.of("multiplier", "prices"));
                BigDecimal multiplier =
                        t.getValue().has("multiplier")
                                ? decimal(t.getValue().get("multiplier"), tw + ".multiplier")
                                : null;
                BucketPrices tierPrices =
                        t.getValue().has("prices")
                                ? prices(t.getValue().get("prices"), tw + ".prices")
                                : BucketPrices.NONE;
                tiers.put(
                        tierName(t.getKey(), tw),
                        new PriceVersion.TierPrices(multiplier, tierPrices));
            }
        }

        List<PriceVersion.LongContextTier> longContext = new ArrayList<>();
        if (v.has("long_context")) {
            JsonNode list = v.get("long_context");
            if (!list.isArray()) {
                throw new IllegalArgumentException(where + ".long_context must be an array");
            }
            for (int k = 0; k < list.size(); k++) {
                longContext.add(longContext(list.get(k), where + ".long_context[" + k + "]"));
            }
        }
        try {
            return new PriceVersion(id, from, prices, tiers, longContext);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static PriceVersion.LongContextTier longContext(JsonNode lc, String where) {
        object(lc, where);
        allowOnly(lc, where, Set.of("above_input_tokens", "prices", "tiers"));
        JsonNode threshold = lc.get("above_input_tokens");
        if (threshold == null
                || !threshold.canConvertToExactIntegral()
                || threshold.asLong() <= 0) {
            throw new IllegalArgumentException(
                    where + ".above_input_tokens must be a positive integer");
        }
        Map<String, BucketPrices> tiers = new LinkedHashMap<>();
        if (lc.has("tiers")) {
            object(lc.get("tiers"), where + ".tiers");
            for (Iterator<Map.Entry<String, JsonNode>> it = lc.get("tiers").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> t = it.next();
                String tw = where + ".tiers." + t.getKey();
                object(t.getValue(), tw);
                allowOnly(t.getValue(), tw, Set.of("prices"));
                tiers.put(
                        tierName(t.getKey(), tw),
                        prices(t.getValue().get("prices"), tw + ".prices"));
            }
        }
        return new PriceVersion.LongContextTier(
                threshold.longValue(), prices(lc.get("prices"), where + ".prices"), tiers);
    }

    private static BucketPrices prices(JsonNode p, String where) {
        if (p == null) {
            throw new IllegalArgumentException(where + " is required");
        }
        object(p, where);
        Map<Bucket, BigDecimal> prices = new EnumMap<>(Bucket.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Bucket bucket;
            try {
                bucket = Bucket.fromKey(e.getKey());
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException(where + ": " + unknown.getMessage(), unknown);
            }
            prices.put(bucket, decimal(e.getValue(), where + "." + e.getKey()));
        }
        return BucketPrices.of(prices);
    }

    static String tierName(String raw, String where) {
        String name = raw.trim().toLowerCase(Locale.ROOT);
        if (CostEngine.serviceTier(name).equals(PriceVersion.STANDARD)) {
            throw new IllegalArgumentException(where + ": the standard tier is the base prices");
        }
        return name;
    }

    /** Exact decimal from a JSON string or number; never through a binary float. */
    static BigDecimal decimal(JsonNode n, String where) {
        BigDecimal d;
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(where + " is required");
        } else if (n.isTextual()) {
            try {
                d = new BigDecimal(n.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        where + ": not a decimal: \"" + n.asText() + "\"", e);
            }
        } else if (n.isBigDecimal() || n.isIntegralNumber()) {
            d = n.decimalValue();
        } else {
            throw new IllegalArgumentException(where + ": not an exact decimal: " + n);
        }
        if (d.signum() < 0) {
            throw new IllegalArgumentException(where + ": negative price " + d.toPlainString());
        }
        return d;
    }

    private static Instant instant(JsonNode n, String where) {
        String s = text(n, where);
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": not an RFC 3339 timestamp: " + s, e);
        }
    }

    private static String text(JsonNode n, String where) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(where + " must be a non-empty string");
        }
        return n.asText();
    }

    private static void object(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
    }

    private static void allowOnly(JsonNode n, String where, Set<String> allowed) {
        n.fieldNames()
                .forEachRemaining(
                        f -> {
                            if (!allowed.contains(f)) {
                                throw new IllegalArgumentException(
                                        where + ": unknown field '" + f + "'");
                            }
                        });
    }
}
