package p402.local.reconcile;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import p402.jobs.config.WindowSpec;

/**
 * Checks that nothing was lost and nothing counted twice, from the outside: the Kafka topics and
 * the Postgres tables, never the job's own counters.
 *
 * <ul>
 *   <li><b>Records.</b> For every partition of the three topics, each offset whose record was
 *       appended in {@code [from, to)} (Kafka's timestamp) must be in exactly one of {@code
 *       call_ledger}, {@code revenue_ledger}, {@code outcome_ledger}, {@code duplicate_delivery},
 *       {@code dead_letter}, all of which carry the record's coordinates.
 *   <li><b>Cost.</b> The calls' costs in the ledger, for calls that occurred in {@code [from, to)},
 *       equal the sum of {@code margin_window.cost_usd} over the windows of one spec that tile time
 *       (those whose start is a multiple of the size), exactly.
 *   <li><b>Revenue.</b> The same windows' {@code revenue_usd} equals what the revenue ledger and
 *       the calls' own revenue say was earned in them up to the frontier, worked out here a second
 *       way (each term to 50 significant digits, one half-even rounding to 12 places per customer,
 *       feature and window, as the contract rounds), exactly.
 * </ul>
 *
 * Money is compared for event time, so run it on a finished bounded run or a stopped job: while a
 * job runs, its open windows are still filling. {@code from} and {@code to} must fall on the spec's
 * window boundaries for the money checks.
 */
public final class Reconciliation {

    private static final MathContext TERM = new MathContext(50, RoundingMode.HALF_EVEN);

    private static final int REVENUE_SCALE = 12;

    /** Everything the three topics' records can end up in, with the column names of each. */
    private static final String[][] LEDGERS = {
        {"call_ledger", "calls", "kafka_partition", "kafka_offset", null},
        {"revenue_ledger", "revenue", "kafka_partition", "kafka_offset", null},
        {"outcome_ledger", "outcomes", "kafka_partition", "kafka_offset", null},
        {"duplicate_delivery", null, "\"partition\"", "\"offset\"", "topic"},
        {"dead_letter", null, "\"partition\"", "\"offset\"", "topic"},
    };

    private final Connection db;
    private final String schema;
    private final Map<String, String> topics;

    /**
     * @param topics the topic names by role: {@code calls}, {@code revenue}, {@code outcomes}
     */
    public Reconciliation(Connection db, String schema, Map<String, String> topics) {
        this.db = db;
        this.schema = schema;
        this.topics = topics;
    }

    /** What one check found. */
    public static final class Line {
        public final String what;
        public final String expected;
        public final String found;
        public final boolean ok;

        Line(String what, String expected, String found, boolean ok) {
            this.what = what;
            this.expected = expected;
            this.found = found;
            this.ok = ok;
        }
    }

    /** The lines of a whole reconciliation. */
    public static final class Report {
        public final List<Line> lines = new ArrayList<>();

        public boolean ok() {
            return lines.stream().allMatch(l -> l.ok);
        }

        void add(String what, Object expected, Object found, boolean ok) {
            lines.add(new Line(what, String.valueOf(expected), String.valueOf(found), ok));
        }

        public void print(PrintWriter out) {
            int width = lines.stream().mapToInt(l -> l.what.length()).max().orElse(10);
            for (Line l : lines) {
                out.printf(
                        "%-" + width + "s  %-4s expected %s, found %s%n",
                        l.what,
                        l.ok ? "ok" : "FAIL",
                        l.expected,
                        l.found);
            }
            out.printf("%s%n", ok() ? "reconciled" : "NOT reconciled");
            out.flush();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (Line l : lines) {
                b.append(l.ok ? "ok   " : "FAIL ")
                        .append(l.what)
                        .append(": expected ")
                        .append(l.expected)
                        .append(", found ")
                        .append(l.found)
                        .append('\n');
            }
            return b.toString();
        }
    }

    /**
     * Every record appended to the topics in {@code [from, to)} (null: no bound) is accounted for
     * exactly once.
     */
    public void records(Admin kafka, Instant from, Instant to, Report report)
            throws SQLException, InterruptedException, ExecutionException {
        for (Map.Entry<String, String> role : topics.entrySet()) {
            String topic = role.getValue();
            Map<Integer, long[]> ranges = offsetRanges(kafka, topic, from, to);

            Map<Integer, BitSet> seen = new HashMap<>();
            Map<String, Long> perTable = new LinkedHashMap<>();
            long doubles = 0;
            for (String[] ledger : LEDGERS) {
                if (ledger[1] != null && !ledger[1].equals(role.getKey())) {
                    continue;
                }
                long inRange = 0;
                String sql =
                        "SELECT "
                                + ledger[2]
                                + ", "
                                + ledger[3]
                                + " FROM "
                                + table(ledger[0])
                                + (ledger[4] == null ? "" : " WHERE " + ledger[4] + " = ?");
                try (PreparedStatement ps = db.prepareStatement(sql)) {
                    if (ledger[4] != null) {
                        ps.setString(1, topic);
                    }
                    ps.setFetchSize(10_000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long[] range = ranges.get(rs.getInt(1));
                            long offset = rs.getLong(2);
                            if (rs.wasNull() || range == null) {
                                continue;
                            }
                            if (offset < range[0] || offset >= range[1]) {
                                continue;
                            }
                            inRange++;
                            BitSet bits = seen.computeIfAbsent(rs.getInt(1), p -> new BitSet());
                            int bit = Math.toIntExact(offset - range[0]);
                            if (bits.get(bit)) {
                                doubles++;
                            }
                            bits.set(bit);
                        }
                    }
                }
                perTable.put(ledger[0], inRange);
            }

            long read = 0;
            long accounted = 0;
            List<String> missing = new ArrayList<>();
            for (Map.Entry<Integer, long[]> r : ranges.entrySet()) {
                long[] range = r.getValue();
                read += range[1] - range[0];
                BitSet bits = seen.getOrDefault(r.getKey(), new BitSet());
                accounted += bits.cardinality();
                int firstMissing = bits.nextClearBit(0);
                if (firstMissing < range[1] - range[0] && missing.size() < 5) {
                    missing.add(topic + "-" + r.getKey() + "@" + (range[0] + firstMissing));
                }
            }
            long rows = perTable.values().stream().mapToLong(Long::longValue).sum();
            report.add(
                    "records " + topic + " = " + String.join(" + ", perTable.keySet()),
                    read,
                    rows + " (" + perTable.values() + ")",
                    read == rows && accounted == read && doubles == 0);
            if (!missing.isEmpty()) {
                report.add("first unaccounted offsets in " + topic, "none", missing, false);
            }
            if (doubles > 0) {
                report.add("offsets accounted twice in " + topic, 0, doubles, false);
            }
        }
    }

    /**
     * The cost and revenue of the ledgers equal the sums of {@code spec}'s tiling windows in {@code
     * [from, to)} (null: no bound), for one tenant or (null) all.
     */
    public void money(WindowSpec spec, Instant from, Instant to, String tenant, Report report)
            throws SQLException {
        money(spec, from, to, tenant, null, report);
    }

    /**
     * As {@link #money(WindowSpec, Instant, Instant, String, Report)}, with the frontier the run
     * earned revenue up to; null means the latest event time in the ledgers, which is right for a
     * database that holds one bounded run.
     */
    public void money(
            WindowSpec spec,
            Instant from,
            Instant to,
            String tenant,
            Instant frontier,
            Report report)
            throws SQLException {
        long size = spec.sizeMillis;
        for (Instant bound : new Instant[] {from, to}) {
            if (bound != null && bound.toEpochMilli() % size != 0) {
                throw new IllegalArgumentException(
                        bound + " is not on a " + spec.name + " window boundary");
            }
        }
        long lo = from == null ? Long.MIN_VALUE : from.toEpochMilli();
        long hi = to == null ? Long.MAX_VALUE : to.toEpochMilli();

        // The windows' side: the tiling windows of the spec, every grain.
        BigDecimal windowCost;
        BigDecimal windowRevenue;
        long windowCalls;
        try (PreparedStatement ps =
                db.prepareStatement(
                        "SELECT coalesce(sum(cost_usd), 0), coalesce(sum(revenue_usd), 0),"
                                + " coalesce(sum(calls), 0) FROM "
                                + table("margin_window")
                                + " WHERE window_spec = ?"
                                + " AND (extract(epoch FROM window_start) * 1000)::bigint % ? = 0"
                                + " AND window_start >= ? AND window_end <= ?"
                                + " AND (?::text IS NULL OR tenant_id = ?)")) {
            ps.setString(1, spec.name);
            ps.setLong(2, size);
            ps.setTimestamp(3, timestamp(lo));
            ps.setTimestamp(4, timestamp(hi));
            ps.setString(5, tenant);
            ps.setString(6, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                windowCost = rs.getBigDecimal(1);
                windowRevenue = rs.getBigDecimal(2);
                windowCalls = rs.getLong(3);
            }
        }

        // The ledger's side: calls that occurred in the range.
        BigDecimal ledgerCost;
        BigDecimal callRevenue;
        long ledgerCalls;
        try (PreparedStatement ps =
                db.prepareStatement(
                        "SELECT coalesce(sum(cost_usd), 0), coalesce(sum(revenue_usd), 0),"
                                + " count(*) FROM "
                                + table("call_ledger")
                                + " WHERE occurred_at >= ? AND occurred_at < ?"
                                + " AND (?::text IS NULL OR tenant_id = ?)")) {
            ps.setTimestamp(1, timestamp(lo));
            ps.setTimestamp(2, timestamp(hi));
            ps.setString(3, tenant);
            ps.setString(4, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                ledgerCost = rs.getBigDecimal(1);
                callRevenue = rs.getBigDecimal(2);
                ledgerCalls = rs.getLong(3);
            }
        }
        long earnedUpTo = frontier == null ? frontier() : frontier.toEpochMilli();
        BigDecimal earned = earnedRevenue(spec, lo, hi, tenant, earnedUpTo);
        BigDecimal expectedRevenue = callRevenue.add(earned);

        report.add(
                "calls in " + spec.name + " windows = call_ledger",
                ledgerCalls,
                windowCalls,
                ledgerCalls == windowCalls);
        report.add(
                "cost_usd in " + spec.name + " windows = call_ledger",
                ledgerCost.toPlainString(),
                windowCost.toPlainString(),
                ledgerCost.compareTo(windowCost) == 0);
        report.add(
                "revenue_usd in "
                        + spec.name
                        + " windows = earned from revenue_ledger + call revenue",
                expectedRevenue.toPlainString(),
                windowRevenue.toPlainString(),
                expectedRevenue.compareTo(windowRevenue) == 0);
    }

    /**
     * Revenue earned in the tiling windows of {@code [lo, hi)} up to the frontier, rounded once per
     * (tenant, customer, feature, window) as the contract says.
     */
    private BigDecimal earnedRevenue(
            WindowSpec spec, long lo, long hi, String tenant, long frontier) throws SQLException {
        Map<String, BigDecimal> perCell = new HashMap<>();
        try (PreparedStatement ps =
                db.prepareStatement(
                        "SELECT tenant_id, customer_id, feature_id, occurred_at, amount_usd,"
                                + " service_start, service_end FROM "
                                + table("revenue_ledger")
                                + " WHERE (?::text IS NULL OR tenant_id = ?)")) {
            ps.setString(1, tenant);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String who =
                            rs.getString(1)
                                    + '\u0000'
                                    + rs.getString(2)
                                    + '\u0000'
                                    + rs.getString(3)
                                    + '\u0000';
                    BigDecimal amount = rs.getBigDecimal(5);
                    Timestamp start = rs.getTimestamp(6);
                    if (start == null) {
                        long at = rs.getTimestamp(4).getTime();
                        if (at > frontier || at < lo || at >= hi) {
                            continue;
                        }
                        long window = Math.floorDiv(at, spec.sizeMillis) * spec.sizeMillis;
                        perCell.merge(who + window, amount, BigDecimal::add);
                        continue;
                    }
                    long s = start.getTime();
                    long e = rs.getTimestamp(7).getTime();
                    BigDecimal period = BigDecimal.valueOf(e - s);
                    long earnedTo = Math.min(Math.min(e, frontier), hi);
                    long from = Math.max(s, lo);
                    for (long w = Math.floorDiv(from, spec.sizeMillis) * spec.sizeMillis;
                            w < earnedTo;
                            w += spec.sizeMillis) {
                        long overlap = Math.min(earnedTo, w + spec.sizeMillis) - Math.max(from, w);
                        if (overlap <= 0) {
                            continue;
                        }
                        BigDecimal term =
                                amount.multiply(BigDecimal.valueOf(overlap)).divide(period, TERM);
                        perCell.merge(who + w, term, BigDecimal::add);
                    }
                }
            }
        }
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal cell : perCell.values()) {
            total = total.add(cell.setScale(REVENUE_SCALE, RoundingMode.HALF_EVEN));
        }
        return total;
    }

    /** The latest event time in any ledger: the frontier a finished bounded run earned up to. */
    private long frontier() throws SQLException {
        try (PreparedStatement ps =
                        db.prepareStatement(
                                "SELECT greatest((SELECT max(occurred_at) FROM "
                                        + table("call_ledger")
                                        + "), (SELECT max(occurred_at) FROM "
                                        + table("revenue_ledger")
                                        + "), (SELECT max(occurred_at) FROM "
                                        + table("outcome_ledger")
                                        + "))");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t == null ? Long.MIN_VALUE : t.getTime();
        }
    }

    /** Per partition, the offsets {@code [first, end)} of the records appended in the range. */
    private static Map<Integer, long[]> offsetRanges(
            Admin kafka, String topic, Instant from, Instant to)
            throws InterruptedException, ExecutionException {
        List<TopicPartition> partitions = new ArrayList<>();
        kafka.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));

        Map<TopicPartition, Long> ends = offsets(kafka, partitions, OffsetSpec.latest(), null);
        Map<TopicPartition, Long> firsts =
                from == null
                        ? offsets(kafka, partitions, OffsetSpec.earliest(), null)
                        : offsets(
                                kafka,
                                partitions,
                                OffsetSpec.forTimestamp(from.toEpochMilli()),
                                ends);
        Map<TopicPartition, Long> lasts =
                to == null
                        ? ends
                        : offsets(
                                kafka,
                                partitions,
                                OffsetSpec.forTimestamp(to.toEpochMilli()),
                                ends);
        Map<Integer, long[]> ranges = new HashMap<>();
        for (TopicPartition tp : partitions) {
            ranges.put(tp.partition(), new long[] {firsts.get(tp), lasts.get(tp)});
        }
        return ranges;
    }

    /** The offsets {@code spec} names; where no record matches a timestamp, the end. */
    private static Map<TopicPartition, Long> offsets(
            Admin kafka,
            List<TopicPartition> partitions,
            OffsetSpec spec,
            Map<TopicPartition, Long> whenNone)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e :
                kafka.listOffsets(request).all().get().entrySet()) {
            long offset = e.getValue().offset();
            out.put(e.getKey(), offset < 0 && whenNone != null ? whenNone.get(e.getKey()) : offset);
        }
        return out;
    }

    private String table(String name) {
        return "\"" + schema.replace("\"", "\"\"") + "\"." + name;
    }

    private static Timestamp timestamp(long millis) {
        // An open bound becomes year 1 or 9999, inside what both Java and Postgres can write.
        long clamped = Math.max(-62_135_596_800_000L, Math.min(millis, 253_402_300_799_999L));
        return new Timestamp(clamped);
    }
}
