package p402.udfs.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Price-book updates as they travel to a running job: one JSON document per update, in either of
 * two forms.
 *
 * <ul>
 *   <li>a price book in the project's own format ({@code "format": "p402.price-book.v1"}, see
 *       {@link PriceBookJson}): its versions and aliases are added;
 *   <li>a LiteLLM price map wrapped with the instant it takes effect: {@code {"format":
 *       "litellm.model-prices", "label": "...", "effective_from": "2026-07-24T00:00:00Z", "prices":
 *       {<the contents of model_prices_and_context_window.json>}}}.
 * </ul>
 *
 * Either way the versions go through {@link PriceBook#withVersions}, which refuses a price that
 * moved 100 times or more against its neighbour, so a unit slip in a public table is reported
 * instead of used.
 */
public final class PriceUpdates {

    public static final String LITELLM_FORMAT = "litellm.model-prices";

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private PriceUpdates() {}

    /** What applying one document did: the new book, and what it refused. */
    public static final class Applied {
        private final PriceBook book;
        private final int added;
        private final List<String> refused;

        Applied(PriceBook book, int added, List<String> refused) {
            this.book = book;
            this.added = added;
            this.refused = List.copyOf(refused);
        }

        public PriceBook book() {
            return book;
        }

        public int added() {
            return added;
        }

        /** One line per refused version, with the reason. */
        public List<String> refused() {
            return refused;
        }
    }

    /**
     * Adds the document's versions to {@code book}.
     *
     * @throws IllegalArgumentException when the document is not one of the two forms
     */
    public static Applied apply(PriceBook book, String document) {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (IOException e) {
            throw new IllegalArgumentException("price update is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("price update is not a JSON object");
        }
        String format = root.path("format").asText("");
        if (format.equals(PriceBookJson.FORMAT)) {
            return addBook(book, PriceBookJson.read(root));
        }
        if (format.equals(LITELLM_FORMAT)) {
            return addLiteLlm(book, root);
        }
        throw new IllegalArgumentException(
                "price update format '"
                        + format
                        + "' is neither "
                        + PriceBookJson.FORMAT
                        + " nor "
                        + LITELLM_FORMAT);
    }

    private static Applied addBook(PriceBook book, PriceBook update) {
        List<ModelPriceVersion> versions = new ArrayList<>();
        for (String key : update.keys()) {
            int slash = key.indexOf('/');
            for (PriceVersion v : update.versions(key)) {
                versions.add(
                        new ModelPriceVersion(
                                key.substring(0, slash), key.substring(slash + 1), v));
            }
        }
        PriceBook.Merge merge = book.withVersions(versions);
        PriceBook next = merge.book();
        for (Map.Entry<String, String> alias : update.aliases().entrySet()) {
            int slash = alias.getKey().indexOf('/');
            next =
                    next.withAlias(
                            alias.getKey().substring(0, slash),
                            alias.getKey().substring(slash + 1),
                            alias.getValue());
        }
        return new Applied(next, merge.added(), describe(merge));
    }

    private static Applied addLiteLlm(PriceBook book, JsonNode root) {
        String label = root.path("label").asText("");
        if (label.isEmpty()) {
            throw new IllegalArgumentException("a LiteLLM price update needs a label");
        }
        Instant from;
        try {
            from = Instant.parse(root.path("effective_from").asText(""));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "a LiteLLM price update needs effective_from as an RFC 3339 UTC instant");
        }
        JsonNode prices = root.get("prices");
        if (prices == null || !prices.isObject()) {
            throw new IllegalArgumentException("a LiteLLM price update needs a prices object");
        }
        LiteLlmPriceMap.Import imported;
        try {
            byte[] raw = JSON.writeValueAsBytes(prices);
            imported = LiteLlmPriceMap.load(new ByteArrayInputStream(raw), from, label);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable LiteLLM prices: " + e.getMessage(), e);
        }
        PriceBook.Merge merge = book.withVersions(imported.versions());
        return new Applied(merge.book(), merge.added(), describe(merge));
    }

    private static List<String> describe(PriceBook.Merge merge) {
        List<String> out = new ArrayList<>();
        for (PriceBook.Rejection r : merge.rejected()) {
            out.add(r.toString());
        }
        return out;
    }

    /**
     * Adds a price file to {@code book}: a price book in our format, or a LiteLLM price map whose
     * prices take effect at {@code liteLlmEffectiveFrom} (our format carries its own dates). The
     * job's {@code prices.file} and the SQL functions both read files this way.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is neither form
     */
    public static Applied applyFile(PriceBook book, Path file, Instant liteLlmEffectiveFrom)
            throws IOException {
        byte[] raw = Files.readAllBytes(file);
        String text = new String(raw, StandardCharsets.UTF_8);
        if (!text.contains("\"" + PriceBookJson.FORMAT + "\"")) {
            text = wrapLiteLlm(file.getFileName().toString(), liteLlmEffectiveFrom, raw);
        }
        return apply(book, text);
    }

    /** Wraps a LiteLLM price map file's text as an update document. */
    public static String wrapLiteLlm(String label, Instant effectiveFrom, byte[] mapJson)
            throws IOException {
        JsonNode map = JSON.readTree(new String(mapJson, StandardCharsets.UTF_8));
        var doc = JSON.createObjectNode();
        doc.put("format", LITELLM_FORMAT);
        doc.put("label", label);
        doc.put("effective_from", effectiveFrom.toString());
        doc.set("prices", map);
        return JSON.writeValueAsString(doc);
    }
}
