package p402.jobs.config;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting the margin job reads, with its default. Endpoints and credentials only ever come
 * from here, filled from the command line or a properties map; none is written in code.
 *
 * <p>Keys (all optional): {@code kafka.bootstrap-servers}, {@code kafka.group-id}, {@code
 * kafka.topic.calls}, {@code kafka.topic.revenue}, {@code kafka.topic.outcomes}, {@code
 * kafka.topic.prices}, {@code kafka.starting-offsets} ({@code earliest}, {@code committed}, {@code
 * latest}, or epoch millis), {@code bounded}, {@code jdbc.url}, {@code jdbc.user}, {@code
 * jdbc.password}, {@code jdbc.schema}, {@code windows} (comma-separated {@code
 * size/slide[:retention]}), {@code out-of-orderness}, {@code idleness}, {@code horizon.outcome},
 * {@code horizon.dedup}, {@code emit.interval}, {@code sink.flush-interval}, {@code
 * sink.batch-size}, {@code sink.retry-timeout}, {@code parallelism}, and for a reprocessing run
 * {@code reprocess.from}, {@code reprocess.until} (RFC 3339), {@code reprocess.label}, {@code
 * reprocess.at}. Durations are written as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h},
 * {@code 2d}. Alerts and budgets: {@code alerts.enabled}, {@code alerts.window}, {@code
 * alerts.margin-threshold-pct}, {@code alerts.cost-per-accepted-jump}, {@code alerts.min-accepted},
 * {@code kafka.topic.alerts}, {@code budgets.shares}, {@code budgets.projection-after}, {@code
 * budgets.refresh} (docs/configuration.md).
 */
public final class MarginJobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/p402";

    public String bootstrapServers = "127.0.0.1:9092";
    public String groupId = "p402-margin";
    public String callsTopic = "p402.calls";
    public String revenueTopic = "p402.revenue";
    public String outcomesTopic = "p402.outcomes";

    /**
     * Compacted topic of price-book updates applied while the job runs; empty (the default) reads
     * none, for clusters that have no such topic.
     */
    public String pricesTopic = "";

    /**
     * A price book in the project's format or a LiteLLM price map, read when the job is built and
     * added to the built-in book; empty for the built-in book alone.
     */
    public String pricesFile = "";

    /** When a LiteLLM map's prices take effect (the project's format carries its own dates). */
    public String pricesEffectiveFrom = "2000-01-01T00:00:00Z";

    public String startingOffsets = "earliest";
    public boolean bounded = false;

    public String jdbcUrl = DEFAULT_JDBC_URL;
    public String jdbcUser = "p402";
    public String jdbcPassword = "p402";
    public String schema = "p402";

    public List<WindowSpec> windows = WindowSpec.parseList("5m/10s:6h,1h/1m:2d,24h/15m:35d");

    /** How far behind the latest event time the watermark trails. */
    public Duration outOfOrderness = Duration.ofSeconds(5);

    /** A partition silent this long stops holding the watermark back. */
    public Duration idleness = Duration.ofSeconds(10);

    /** How long after a call its outcome still restates the call's windows. */
    public Duration outcomeHorizon = Duration.ofHours(24);

    /** How long after its event time a delivery is still recognised as a duplicate. */
    public Duration dedupHorizon = Duration.ofHours(48);

    /** How often changed window rows are emitted while a window is open. */
    public Duration emitInterval = Duration.ofMillis(200);

    public Duration sinkFlushInterval = Duration.ofMillis(200);
    public int sinkBatchSize = 2000;

    /**
     * How long a failing flush is retried (fresh connection, growing pause) before the job fails
     * over; long enough to ride out a database restart.
     */
    public Duration sinkRetryTimeout = Duration.ofSeconds(60);

    public int parallelism = 2;

    /** Margin and budget alerts on; off, the job writes no alerts and reads no budgets. */
    public boolean alertsEnabled = true;

    /**
     * The window spec margin alerts are evaluated on (one of {@link #windows}); its final windows
     * are the "configured window" of a condition. Empty: {@value #DEFAULT_ALERTS_WINDOW} when it is
     * configured, else the first spec.
     */
    public String alertsWindow = "";

    public static final String DEFAULT_ALERTS_WINDOW = "1h/1m";

    /** A margin % below this (with revenue, and a margin of zero or more) is low_margin. */
    public BigDecimal alertsMarginThresholdPct = new BigDecimal("20");

    /** Cost per accepted output this many times that of one window size earlier is a jump. */
    public BigDecimal alertsCostPerAcceptedJump = new BigDecimal("1.5");

    /** Fewer accepted outputs than this in either window and cost per accepted says nothing. */
    public long alertsMinAccepted = 5;

    /** Where alerts are published as JSON besides the alert table; empty publishes none. */
    public String alertsTopic = "p402.alerts";

    /** The shares of a month's budget at which budget_share alerts are raised. */
    public List<BigDecimal> budgetShares = List.of(new BigDecimal("0.8"), new BigDecimal("1.0"));

    /** No projected-cost alert before this much of the month has passed (event time). */
    public Duration budgetProjectionAfter = Duration.ofDays(1);

    /** How often the budget table is read again (processing time). */
    public Duration budgetRefresh = Duration.ofMinutes(1);

    /**
     * A reprocessing run: the start of the range it restates (epoch millis), or {@code
     * Long.MIN_VALUE} for the live job. Only windows starting at or after it, and calls at or after
     * it, are written.
     */
    public long reprocessFrom = Long.MIN_VALUE;

    /**
     * The end of the restated range: windows ending after it and calls at or after it are not
     * written.
     */
    public long reprocessUntil = Long.MAX_VALUE;

    /** The reprocessing run's label, written to the rows it restates. */
    public String reprocessLabel = "";

    /** When the reprocessing run was started, written to the rows it restates. */
    public long reprocessAt;

    public static MarginJobConfig fromMap(Map<String, String> settings) {
        MarginJobConfig c = new MarginJobConfig();
        Map<String, String> s = new LinkedHashMap<>(settings);
        c.bootstrapServers = s.getOrDefault("kafka.bootstrap-servers", c.bootstrapServers);
        c.groupId = s.getOrDefault("kafka.group-id", c.groupId);
        c.callsTopic = s.getOrDefault("kafka.topic.calls", c.callsTopic);
        c.revenueTopic = s.getOrDefault("kafka.topic.revenue", c.revenueTopic);
        c.outcomesTopic = s.getOrDefault("kafka.topic.outcomes", c.outcomesTopic);
        c.pricesTopic = s.getOrDefault("kafka.topic.prices", c.pricesTopic);
        c.pricesFile = s.getOrDefault("prices.file", c.pricesFile);
        c.pricesEffectiveFrom = s.getOrDefault("prices.effective-from", c.pricesEffectiveFrom);
        c.startingOffsets = s.getOrDefault("kafka.starting-offsets", c.startingOffsets);
        c.bounded = Boolean.parseBoolean(s.getOrDefault("bounded", String.valueOf(c.bounded)));
        c.jdbcUrl = s.getOrDefault("jdbc.url", c.jdbcUrl);
        c.jdbcUser = s.getOrDefault("jdbc.user", c.jdbcUser);
        c.jdbcPassword = s.getOrDefault("jdbc.password", c.jdbcPassword);
        c.schema = s.getOrDefault("jdbc.schema", c.schema);
        if (s.containsKey("windows")) {
            c.windows = WindowSpec.parseList(s.get("windows"));
        }
        c.outOfOrderness = duration(s, "out-of-orderness", c.outOfOrderness);
        c.idleness = duration(s, "idleness", c.idleness);
        c.outcomeHorizon = duration(s, "horizon.outcome", c.outcomeHorizon);
        c.dedupHorizon = duration(s, "horizon.dedup", c.dedupHorizon);
        c.emitInterval = duration(s, "emit.interval", c.emitInterval);
        c.sinkFlushInterval = duration(s, "sink.flush-interval", c.sinkFlushInterval);
        c.sinkBatchSize = Integer.parseInt(s.getOrDefault("sink.batch-size", "" + c.sinkBatchSize));
        c.sinkRetryTimeout = duration(s, "sink.retry-timeout", c.sinkRetryTimeout);
        c.parallelism = Integer.parseInt(s.getOrDefault("parallelism", "" + c.parallelism));
        c.alertsEnabled =
                Boolean.parseBoolean(s.getOrDefault("alerts.enabled", "" + c.alertsEnabled));
        c.alertsWindow = s.getOrDefault("alerts.window", c.alertsWindow);
        c.alertsMarginThresholdPct =
                decimal(s, "alerts.margin-threshold-pct", c.alertsMarginThresholdPct);
        c.alertsCostPerAcceptedJump =
                decimal(s, "alerts.cost-per-accepted-jump", c.alertsCostPerAcceptedJump);
        c.alertsMinAccepted =
                Long.parseLong(s.getOrDefault("alerts.min-accepted", "" + c.alertsMinAccepted));
        c.alertsTopic = s.getOrDefault("kafka.topic.alerts", c.alertsTopic);
        if (s.containsKey("budgets.shares")) {
            List<BigDecimal> shares = new ArrayList<>();
            for (String part : s.get("budgets.shares").split(",")) {
                if (!part.isBlank()) {
                    shares.add(new BigDecimal(part.trim()));
                }
            }
            c.budgetShares = List.copyOf(shares);
        }
        c.budgetProjectionAfter = duration(s, "budgets.projection-after", c.budgetProjectionAfter);
        c.budgetRefresh = duration(s, "budgets.refresh", c.budgetRefresh);
        if (s.containsKey("reprocess.from")) {
            c.reprocessFrom = Instant.parse(s.get("reprocess.from")).toEpochMilli();
            String until = s.get("reprocess.until");
            if (until == null) {
                throw new IllegalArgumentException(
                        "reprocess.until is required with reprocess.from");
            }
            c.reprocessUntil = Instant.parse(until).toEpochMilli();
            c.reprocessLabel = s.getOrDefault("reprocess.label", "");
            c.reprocessAt =
                    s.containsKey("reprocess.at")
                            ? Instant.parse(s.get("reprocess.at")).toEpochMilli()
                            : System.currentTimeMillis();
            // A reprocessing run is a fresh bounded job that reads from before the range (so
            // that the range's windows are complete) to the offsets present when it starts.
            c.bounded = true;
            if (!s.containsKey("kafka.group-id")) {
                // Its offset commits must not look like the live job's progress.
                c.groupId = c.groupId + "-reprocess-" + c.reprocessLabel;
            }
            c.startingOffsets = String.valueOf(c.reprocessFrom - c.maxWindowMillis());
        }
        c.validate();
        return c;
    }

    /** Reads {@code --key value} pairs, the form Flink's CLI passes program arguments in. */
    public static MarginJobConfig fromArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --key value, got " + a);
            }
            String key = a.substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                m.put(key, args[++i]);
            } else {
                m.put(key, "true");
            }
        }
        return fromMap(m);
    }

    public boolean isReprocessing() {
        return reprocessFrom != Long.MIN_VALUE;
    }

    public void validate() {
        if (isReprocessing()) {
            if (reprocessLabel.isBlank()) {
                throw new IllegalArgumentException(
                        "reprocess.label is required with reprocess.from");
            }
            if (reprocessUntil <= reprocessFrom) {
                throw new IllegalArgumentException("reprocess.until must be after reprocess.from");
            }
        }
        if (alertsEnabled) {
            alertSpec();
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("at least one window spec is needed");
        }
        if (emitInterval.toMillis() <= 0 || sinkFlushInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("emit and flush intervals must be positive");
        }
        if (sinkFlushInterval.toMillis() > 1000) {
            throw new IllegalArgumentException("sink.flush-interval must be at most 1s");
        }
    }

    /** The longest window size: how far back an event can still change a window's row. */
    public long maxWindowMillis() {
        long max = 0;
        for (WindowSpec w : windows) {
            max = Math.max(max, w.sizeMillis);
        }
        return max;
    }

    public List<String> windowNames() {
        List<String> names = new ArrayList<>();
        for (WindowSpec w : windows) {
            names.add(w.name);
        }
        return names;
    }

    /** The window spec alerts are evaluated on, or null when alerts are off. */
    public WindowSpec alertSpec() {
        if (!alertsEnabled) {
            return null;
        }
        String wanted = alertsWindow.isEmpty() ? DEFAULT_ALERTS_WINDOW : alertsWindow;
        for (WindowSpec w : windows) {
            if (w.name.equals(wanted)) {
                return w;
            }
        }
        if (alertsWindow.isEmpty() && !windows.isEmpty()) {
            return windows.get(0);
        }
        throw new IllegalArgumentException(
                "alerts.window " + alertsWindow + " is not one of the windows " + windowNames());
    }

    static BigDecimal decimal(Map<String, String> s, String key, BigDecimal fallback) {
        String v = s.get(key);
        return v == null ? fallback : new BigDecimal(v.trim());
    }

    static Duration duration(Map<String, String> s, String key, Duration fallback) {
        String v = s.get(key);
        return v == null ? fallback : Durations.parse(v);
    }
}
