package p402.udfs.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads LiteLLM's {@code model_prices_and_context_window.json} into price versions that all take
 * effect at one instant, to be added to a book with {@link PriceBook#withVersions}.
 *
 * <p>Prices are read exactly from the JSON text ({@code 1e-06} becomes the decimal 0.000001).
 * Fields mapped, per token:
 *
 * <ul>
 *   <li>{@code input_cost_per_token}, {@code cache_read_input_token_cost} (else DeepSeek's {@code
 *       input_cost_per_token_cache_hit}), {@code cache_creation_input_token_cost} (5-minute
 *       writes), {@code cache_creation_input_token_cost_above_1hr}, {@code output_cost_per_token},
 *       {@code output_cost_per_reasoning_token};
 *   <li>the same with {@code _above_<N>k_tokens}: a long-context tier above N×1000 input tokens;
 *   <li>the same with {@code _batches}, {@code _flex} or {@code _priority} (after any {@code
 *       _above_} part): explicit service-tier prices. No multiplier is invented, so a bucket a tier
 *       does not price stays unpriced in that tier.
 * </ul>
 *
 * <p>Other fields (audio, image, per-second, search) are not read. Entries are imported when their
 * {@code mode} is chat, completion or responses (or absent) and they have a token price. The
 * provider is {@code litellm_provider}, with {@code gemini} renamed {@code google} and every {@code
 * vertex_ai*} provider named {@code vertex_ai}; the model is the key without a leading provider
 * segment. When two keys name one model ({@code deepseek-chat} and {@code deepseek/deepseek-chat}),
 * the one with the prefix wins and the other is reported as skipped.
 */
public final class LiteLlmPriceMap {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private static final Pattern PRICE_FIELD =
            Pattern.compile(
                    "^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
                            + "|cache_creation_input_token_cost(?:_above_1hr)?"
                            + "|output_cost_per_reasoning_token)"
                            + "(?:_above_(\\d+)k_tokens)?(?:_(batches|flex|priority))?$");

    private static final Map<String, Bucket> BUCKETS =
            Map.of(
                    "input_cost_per_token", Bucket.INPUT,
                    "cache_read_input_token_cost", Bucket.CACHE_READ,
                    "cache_creation_input_token_cost", Bucket.CACHE_WRITE_5M,
                    "cache_creation_input_token_cost_above_1hr", Bucket.CACHE_WRITE_1H,
                    "output_cost_per_token", Bucket.OUTPUT,
                    "output_cost_per_reasoning_token", Bucket.REASONING);

    private static final Set<String> TOKEN_MODES = Set.of("chat", "completion", "responses");

    private LiteLlmPriceMap() {}

    public static Import load(Path file, Instant effectiveFrom, String versionLabel)
            throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, effectiveFrom, versionLabel);
        }
    }

    /**
     * @param effectiveFrom when these prices take effect (the snapshot's date, usually)
     * @param versionLabel prefix of every version id: {@code <label>:<provider>/<model>}
     */
    public static Import load(InputStream json, Instant effectiveFrom, String versionLabel)
            throws IOException {
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        if (versionLabel == null || versionLabel.isBlank()) {
            throw new IllegalArgumentException("versionLabel is empty");
        }
        JsonNode root = MAPPER.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("LiteLLM price map must be a JSON object");
        }

        Map<String, Candidate> byModel = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String litellmKey = e.getKey();
            JsonNode entry = e.getValue();
            if (!entry.isObject() || "sample_spec".equals(litellmKey)) {
                continue;
            }
            String mode = entry.path("mode").asText("");
            if (!mode.isEmpty() && !TOKEN_MODES.contains(mode)) {
                skipped.add(litellmKey + ": mode " + mode);
                continue;
            }
            String litellmProvider = entry.path("litellm_provider").asText("");
            if (litellmProvider.isEmpty()) {
                skipped.add(litellmKey + ": no litellm_provider");
                continue;
            }
            String provider = provider(litellmProvider);
            String model = model(litellmKey, litellmProvider, provider);
            String key = ModelIds.key(provider, model);
            PriceVersion version;
            try {
                version = version(entry, versionLabel + ':' + key, effectiveFrom);
            } catch (IllegalArgumentException bad) {
                skipped.add(litellmKey + ": " + bad.getMessage());
                continue;
            }
            if (version == null) {
                skipped.add(litellmKey + ": no per-token price");
                continue;
            }
            boolean prefixed = !litellmKey.toLowerCase(Locale.ROOT).equals(model);
            Candidate previous = byModel.get(key);
            if (previous != null) {
                if (previous.prefixed || !prefixed) {
                    skipped.add(litellmKey + ": shadowed by " + previous.litellmKey);
                    continue;
                }
                skipped.add(previous.litellmKey + ": shadowed by " + litellmKey);
            }
            byModel.put(
                    key,
                    new Candidate(
                            litellmKey, prefixed, new ModelPriceVersion(provider, model, version)));
        }

        List<ModelPriceVersion> versions = new ArrayList<>();
        byModel.values().forEach(c -> versions.add(c.version));
        return new Import(versions, skipped);
    }

    static String provider(String litellmProvider) {
        String p = litellmProvider.trim().toLowerCase(Locale.ROOT);
        if (p.equals("gemini")) {
            return "google";
        }
        if (p.startsWith("vertex_ai")) {
            return "vertex_ai";
        }
        return p;
    }

    private static String model(String litellmKey, String litellmProvider, String provider) {
        String m = litellmKey.trim().toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {litellmProvider.toLowerCase(Locale.ROOT), provider}) {
            if (m.startsWith(prefix + "/")) {
                return m.substring(prefix.length() + 1);
            }
        }
        return ModelIds.model(provider, m);
    }

    private static PriceVersion version(JsonNode entry, String id, Instant effectiveFrom) {
        Map<Bucket, BigDecimal> base = new EnumMap<>(Bucket.class);
        Map<String, Map<Bucket, BigDecimal>> tiers = new TreeMap<>();
        Map<Long, Map<Bucket, BigDecimal>> longBase = new TreeMap<>();
        Map<Long, Map<String, Map<Bucket, BigDecimal>>> longTiers = new TreeMap<>();

        for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            Matcher m = PRICE_FIELD.matcher(f.getKey());
            if (!m.matches()) {
                continue;
            }
            Bucket bucket = BUCKETS.get(m.group(1));
            BigDecimal price = PriceBookJson.decimal(f.getValue(), f.getKey());
            String tier = m.group(3) == null ? null : CostEngine.serviceTier(m.group(3));
            if (m.group(2) == null) {
                (tier == null
                                ? base
                                : tiers.computeIfAbsent(tier, t -> new EnumMap<>(Bucket.class)))
                        .put(bucket, price);
            } else {
                long threshold = Long.parseLong(m.group(2)) * 1000;
                if (tier == null) {
                    longBase.computeIfAbsent(threshold, t -> new EnumMap<>(Bucket.class))
                            .put(bucket, price);
                } else {
                    longTiers
                            .computeIfAbsent(threshold, t -> new TreeMap<>())
                            .computeIfAbsent(tier, t -> new EnumMap<>(Bucket.class))
                            .put(bucket, price);
                }
            }
        }
        if (!base.containsKey(Bucket.CACHE_READ) && entry.has("input_cost_per_token_cache_hit")) {
            base.put(
                    Bucket.CACHE_READ,
                    PriceBookJson.decimal(
                            entry.get("input_cost_per_token_cache_hit"),
                            "input_cost_per_token_cache_hit"));
        }
        if (base.isEmpty() && tiers.isEmpty() && longBase.isEmpty()) {
            return null;
        }

        Map<String, PriceVersion.TierPrices> tierPrices = new LinkedHashMap<>();
        tiers.forEach(
                (t, p) -> tierPrices.put(t, new PriceVersion.TierPrices(null, BucketPrices.of(p))));
        List<PriceVersion.LongContextTier> longContext = new ArrayList<>();
        Set<Long> thresholds = new java.util.TreeSet<>(longBase.keySet());
        thresholds.addAll(longTiers.keySet());
        for (long threshold : thresholds) {
            Map<String, BucketPrices> lt = new TreeMap<>();
            longTiers
                    .getOrDefault(threshold, Map.of())
                    .forEach((t, p) -> lt.put(t, BucketPrices.of(p)));
            longContext.add(
                    new PriceVersion.LongContextTier(
                            threshold,
                            BucketPrices.of(longBase.getOrDefault(threshold, Map.of())),
                            lt));
        }
        return new PriceVersion(id, effectiveFrom, BucketPrices.of(base), tierPrices, longContext);
    }

    private static final class Candidate {
        final String litellmKey;
        final boolean prefixed;
        final ModelPriceVersion version;

        Candidate(String litellmKey, boolean prefixed, ModelPriceVersion version) {
            this.litellmKey = litellmKey;
            this.prefixed = prefixed;
            this.version = version;
        }
    }

    /** The versions read from one table, and the entries left out with the reason. */
    public static final class Import {
        private final List<ModelPriceVersion> versions;
        private final List<String> skipped;

        Import(List<ModelPriceVersion> versions, List<String> skipped) {
            this.versions = Collections.unmodifiableList(versions);
            this.skipped = Collections.unmodifiableList(skipped);
        }

        public List<ModelPriceVersion> versions() {
            return versions;
        }

        /** {@code "<litellm key>: <reason>"} per entry not imported. */
        public List<String> skipped() {
            return skipped;
        }
    }
}
