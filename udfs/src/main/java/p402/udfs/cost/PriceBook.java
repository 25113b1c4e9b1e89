package p402.udfs.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Effective-dated prices per {@code (provider, model)}: each model has versions sorted by the
 * instant they take effect, and a call is priced by the latest version whose start is not after the
 * call. Immutable; every change returns a new book.
 *
 * <p>Model ids are resolved as {@link ModelIds} describes. The JSON form is read by {@link
 * PriceBookJson}; LiteLLM's table is read by {@link LiteLlmPriceMap}.
 */
public final class PriceBook implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * A price that moves by this factor or more between two versions of one model is refused: in
     * practice such jumps in public price tables are unit mistakes (per 1M vs per token), and
     * pricing a day of calls 1000 times too high is worse than leaving a new price out.
     */
    public static final BigDecimal SUSPICIOUS_FACTOR = BigDecimal.valueOf(100);

    private static final PriceBook EMPTY = new PriceBook(Map.of(), Map.of());

    private final Map<String, List<PriceVersion>> versions;
    private final Map<String, String> aliases;

    private PriceBook(Map<String, List<PriceVersion>> versions, Map<String, String> aliases) {
        this.versions = Collections.unmodifiableMap(new HashMap<>(versions));
        this.aliases = Collections.unmodifiableMap(new HashMap<>(aliases));
    }

    public static PriceBook empty() {
        return EMPTY;
    }

    /** The book shipped in this jar: {@code p402/prices/builtin.json}, loaded once. */
    public static PriceBook builtIn() {
        return BuiltIn.BOOK;
    }

    public static PriceBook fromJson(InputStream json) throws IOException {
        return PriceBookJson.read(json);
    }

    public static PriceBook fromJson(Path json) throws IOException {
        try (InputStream in = Files.newInputStream(json)) {
            return PriceBookJson.read(in);
        }
    }

    /**
     * Builds a book from versions that are trusted as a whole (a curated file): a suspicious jump
     * between them is not refused, but two versions of one model at one instant still are.
     */
    public static PriceBook of(Collection<ModelPriceVersion> entries, Map<String, String> aliases) {
        Map<String, List<PriceVersion>> byModel = new HashMap<>();
        for (ModelPriceVersion e : entries) {
            byModel.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.version());
        }
        for (Map.Entry<String, List<PriceVersion>> e : byModel.entrySet()) {
            List<PriceVersion> list = e.getValue();
            list.sort(Comparator.comparing(PriceVersion::effectiveFrom));
            Set<String> ids = new TreeSet<>();
            for (int i = 0; i < list.size(); i++) {
                if (!ids.add(list.get(i).id())) {
                    throw new IllegalArgumentException(
                            e.getKey() + ": version id " + list.get(i).id() + " used twice");
                }
                if (i > 0 && list.get(i).effectiveFrom().equals(list.get(i - 1).effectiveFrom())) {
                    throw new IllegalArgumentException(
                            e.getKey()
                                    + ": two versions effective at "
                                    + list.get(i).effectiveFrom());
                }
            }
            e.setValue(Collections.unmodifiableList(list));
        }
        Map<String, String> aliasMap = new HashMap<>();
        aliases.forEach(
                (from, to) -> aliasMap.put(normaliseAliasKey(from), ModelIds.model(null, to)));
        return new PriceBook(byModel, aliasMap);
    }

    /**
     * Adds versions one by one, each checked against the versions of its model already in the book:
     * a version with any price {@link #SUSPICIOUS_FACTOR} times its neighbour's (before or after it
     * in time), or a different version at an instant already taken, is refused and reported; a
     * version identical to the one already at its instant is ignored, so importing the same table
     * twice changes nothing.
     */
    public Merge withVersions(Collection<ModelPriceVersion> entries) {
        List<ModelPriceVersion> sorted = new ArrayList<>(entries);
        sorted.sort(
                Comparator.comparing(ModelPriceVersion::key)
                        .thenComparing(e -> e.version().effectiveFrom()));
        Map<String, List<PriceVersion>> next = new HashMap<>(versions);
        List<Rejection> rejected = new ArrayList<>();
        int added = 0;
        for (ModelPriceVersion e : sorted) {
            List<PriceVersion> current = next.getOrDefault(e.key(), List.of());
            String refusal = refusal(e, current);
            if (refusal != null) {
                rejected.add(new Rejection(e.key(), e.version().id(), refusal));
                continue;
            }
            if (find(current, e.version().effectiveFrom()) != null) {
                continue;
            }
            List<PriceVersion> list = new ArrayList<>(current);
            list.add(e.version());
            list.sort(Comparator.comparing(PriceVersion::effectiveFrom));
            next.put(e.key(), Collections.unmodifiableList(list));
            added++;
        }
        return new Merge(new PriceBook(next, aliases), added, rejected);
    }

    /** A copy that also resolves {@code provider/alias} to {@code targetModel}. */
    public PriceBook withAlias(String provider, String alias, String targetModel) {
        Map<String, String> next = new HashMap<>(aliases);
        String p = ModelIds.provider(provider);
        next.put(ModelIds.key(p, ModelIds.model(p, alias)), ModelIds.model(p, targetModel));
        return new PriceBook(versions, next);
    }

    /**
     * The {@code provider/model} key whose prices apply to this model id, or null when the book has
     * none; see {@link ModelIds} for the rules.
     */
    public String resolve(String provider, String model) {
        String p = ModelIds.provider(provider);
        String m = ModelIds.model(p, model);
        if (p == null || m == null || p.isEmpty() || m.isEmpty()) {
            return null;
        }
        m = aliases.getOrDefault(ModelIds.key(p, m), m);
        if (versions.containsKey(ModelIds.key(p, m))) {
            return ModelIds.key(p, m);
        }
        String base = ModelIds.withoutDateSuffix(m);
        if (base == null) {
            return null;
        }
        base = aliases.getOrDefault(ModelIds.key(p, base), base);
        return versions.containsKey(ModelIds.key(p, base)) ? ModelIds.key(p, base) : null;
    }

    /** The version in force at {@code at} for a key from {@link #resolve}, or null. */
    public PriceVersion versionAt(String key, Instant at) {
        List<PriceVersion> list = versions.getOrDefault(key, List.of());
        int lo = 0;
        int hi = list.size() - 1;
        PriceVersion hit = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).effectiveFrom().isAfter(at)) {
                hi = mid - 1;
            } else {
                hit = list.get(mid);
                lo = mid + 1;
            }
        }
        return hit;
    }

    /** Every version of one key, oldest first; empty when the key is unknown. */
    public List<PriceVersion> versions(String key) {
        return versions.getOrDefault(key, List.of());
    }

    /** Every {@code provider/model} key, sorted. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(new TreeSet<>(versions.keySet()));
    }

    public Map<String, String> aliases() {
        return aliases;
    }

    private static String refusal(ModelPriceVersion e, List<PriceVersion> current) {
        PriceVersion v = e.version();
        PriceVersion same = find(current, v.effectiveFrom());
        if (same != null) {
            return same.samePricesAs(v)
                    ? null
                    : "a different version ("
                            + same.id()
                            + ") is already in force from "
                            + v.effectiveFrom();
        }
        for (PriceVersion other : current) {
            if (other.id().equals(v.id())) {
                return "version id " + v.id() + " is already used";
            }
        }
        PriceVersion before = null;
        PriceVersion after = null;
        for (PriceVersion other : current) {
            if (other.effectiveFrom().isBefore(v.effectiveFrom())) {
                before = other;
            } else if (after == null) {
                after = other;
            }
        }
        String jump = jump(e.key(), before, v);
        return jump != null ? jump : jump(e.key(), after, v);
    }

    private static String jump(String key, PriceVersion neighbour, PriceVersion v) {
        if (neighbour == null) {
            return null;
        }
        Map<String, BigDecimal> old = neighbour.flatten();
        for (Map.Entry<String, BigDecimal> price : v.flatten().entrySet()) {
            BigDecimal was = old.get(price.getKey());
            BigDecimal now = price.getValue();
            // A zero on either side has no ratio: free-to-paid is a business change, not a unit
            // slip.
            if (was == null || was.signum() == 0 || now.signum() == 0) {
                continue;
            }
            BigDecimal lo = was.min(now);
            BigDecimal hi = was.max(now);
            if (hi.compareTo(lo.multiply(SUSPICIOUS_FACTOR)) >= 0) {
                return key
                        + " "
                        + price.getKey()
                        + " "
                        + plain(was)
                        + " -> "
                        + plain(now)
                        + " vs "
                        + neighbour.id()
                        + ": a change by a factor of 100 or more looks like a unit error";
            }
        }
        return null;
    }

    private static PriceVersion find(List<PriceVersion> list, Instant at) {
        for (PriceVersion v : list) {
            if (v.effectiveFrom().equals(at)) {
                return v;
            }
        }
        return null;
    }

    private static String normaliseAliasKey(String providerSlashAlias) {
        int slash = providerSlashAlias.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException(
                    "alias '" + providerSlashAlias + "' must be provider/model");
        }
        String p = ModelIds.provider(providerSlashAlias.substring(0, slash));
        return ModelIds.key(p, ModelIds.model(p, providerSlashAlias.substring(slash + 1)));
    }

    static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    /** The outcome of {@link #withVersions}: the new book and what it refused. */
    public static final class Merge {
        private final PriceBook book;
        private final int added;
        private final List<Rejection> rejected;

        Merge(PriceBook book, int added, List<Rejection> rejected) {
            this.book = book;
            this.added = added;
            this.rejected = Collections.unmodifiableList(rejected);
        }

        public PriceBook book() {
            return book;
        }

        /** How many versions were new to the book. */
        public int added() {
            return added;
        }

        public List<Rejection> rejected() {
            return rejected;
        }
    }

    /** A version the book refused, and why. */
    public static final class Rejection {
        private final String key;
        private final String versionId;
        private final String reason;

        Rejection(String key, String versionId, String reason) {
            this.key = Objects.requireNonNull(key);
            this.versionId = Objects.requireNonNull(versionId);
            this.reason = Objects.requireNonNull(reason);
        }

        /** {@code provider/model}. */
        public String key() {
            return key;
        }

        public String versionId() {
            return versionId;
        }

        public String reason() {
            return reason;
        }

        @Override
        public String toString() {
            return versionId + ": " + reason;
        }
    }

    private static final class BuiltIn {
        static final PriceBook BOOK = load();

        private static PriceBook load() {
            String resource = "/p402/prices/builtin.json";
            try (InputStream in = PriceBook.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the classpath");
                }
                return PriceBookJson.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
    }
}
