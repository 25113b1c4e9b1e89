package p402.local.demo;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.config.WindowSpec;

/**
 * What the demo prints and charts, read from Postgres after the replay, and the reconciliation of
 * Postgres against what the generator wrote.
 *
 * <p>Margins are summed over the windows of one spec that tile time without overlap (those whose
 * start is a multiple of the spec's size), so every call and every earned dollar is counted once.
 */
public final class DemoReport {

    /** How many of the worst customers the report lists. */
    static final int WORST = 8;

    public record Margin(
            String name,
            long calls,
            long accepted,
            BigDecimal costUsd,
            BigDecimal revenueUsd,
            BigDecimal marginUsd,
            BigDecimal marginPct,
            BigDecimal costPerAcceptedUsd) {}

    public record CustomerMargin(
            String tenantId, String customerId, Margin margin, BigDecimal trafficVsMedian) {}

    public record Check(String name, String expected, String actual, boolean ok) {}

    public record Report(
            WindowSpec spec,
            List<Margin> tenants,
            List<CustomerMargin> customers,
            List<CustomerMargin> worst,
            List<Margin> features,
            List<Margin> models,
            long calls,
            long unpricedCalls,
            Map<String, Long> unpricedReasons,
            long unattributedCalls,
            BigDecimal unattributedCostUsd,
            BigDecimal totalCostUsd,
            Map<String, Long> deadLetters,
            List<LiveReplay.LagSample> lag,
            List<Check> reconciliation) {

        public boolean reconciled() {
            return reconciliation.stream().allMatch(Check::ok);
        }
    }

    private DemoReport() {}

    /**
     * The spec to sum over: the finest whose retention keeps every window of the replay (rows older
     * than the retention are deleted by the job).
     */
    public static WindowSpec tilingSpec(MarginJobConfig config, ReplayTraffic.Replay replay) {
        long span = replay.expected().frontier() - replay.startMillis();
        return config.windows.stream()
                .filter(w -> w.retentionMillis >= span + 2 * w.sizeMillis)
                .min(Comparator.comparingLong(w -> w.sizeMillis))
                .orElseThrow(
                        () -> new IllegalStateException("no window spec keeps a replay this long"));
    }

    public static Report read(
            Connection c,
            MarginJobConfig config,
            ReplayTraffic.Replay replay,
            List<LiveReplay.LagSample> lag)
            throws SQLException {
        WindowSpec spec = tilingSpec(config, replay);
        String schema = config.schema;
        String tiles =
                " FROM "
                        + schema
                        + ".margin_window WHERE window_spec = ? AND"
                        + " (extract(epoch FROM window_start) * 1000)::bigint % ? = 0";

        // Margins over the hour the trace covers: after it only late outcomes arrive, while
        // subscriptions keep earning, which would flatter every margin.
        String traceTiles =
                tiles
                        + " AND window_start < to_timestamp("
                        + replay.traceEndMillis()
                        + " / 1000.0)";
        List<Margin> tenants = margins(c, "tenant_id", traceTiles, spec);
        List<CustomerMargin> customers = new ArrayList<>();
        List<Long> attributedCalls = new ArrayList<>();
        for (Margin m : margins(c, "tenant_id || '/' || customer_id", traceTiles, spec)) {
            String[] key = m.name().split("/", 2);
            customers.add(new CustomerMargin(key[0], key[1], m, null));
            if (!key[1].equals("__unattributed__")) {
                attributedCalls.add(m.calls());
            }
        }
        attributedCalls.sort(Comparator.naturalOrder());
        BigDecimal median = median(attributedCalls);
        List<CustomerMargin> withTraffic = new ArrayList<>();
        for (CustomerMargin cm : customers) {
            BigDecimal ratio =
                    median.signum() == 0
                            ? null
                            : BigDecimal.valueOf(cm.margin().calls())
                                    .divide(median, 1, RoundingMode.HALF_EVEN);
            withTraffic.add(new CustomerMargin(cm.tenantId(), cm.customerId(), cm.margin(), ratio));
        }
        List<CustomerMargin> worst =
                withTraffic.stream()
                        .filter(cm -> !cm.customerId().equals("__unattributed__"))
                        .filter(cm -> cm.margin().marginPct() != null)
                        .sorted(
                                Comparator.comparing(
                                        (CustomerMargin cm) -> cm.margin().marginPct()))
                        .limit(WORST)
                        .toList();

        List<Margin> features =
                margins(
                        c,
                        "CASE WHEN feature_id = '' THEN '(no call in window)' ELSE feature_id END",
                        traceTiles,
                        spec);
        List<Margin> models = modelMargins(c, schema);

        long calls = one(c, "SELECT count(*) FROM " + schema + ".call_ledger");
        long unpriced =
                one(
                        c,
                        "SELECT count(*) FROM "
                                + schema
                                + ".call_ledger WHERE cost_source = 'unpriced'");
        Map<String, Long> unpricedReasons =
                counts(
                        c,
                        "SELECT split_part(unpriced_reason, ' at ', 1), count(*) FROM "
                                + schema
                                + ".call_ledger WHERE cost_source = 'unpriced' GROUP BY 1 ORDER BY"
                                + " 2 DESC, 1");
        long unattributed =
                one(
                        c,
                        "SELECT count(*) FROM "
                                + schema
                                + ".call_ledger WHERE customer_id = '__unattributed__'");
        BigDecimal unattributedCost =
                money(
                        c,
                        "SELECT coalesce(sum(cost_usd), 0) FROM "
                                + schema
                                + ".call_ledger WHERE customer_id = '__unattributed__'");
        BigDecimal totalCost =
                money(c, "SELECT coalesce(sum(cost_usd), 0) FROM " + schema + ".call_ledger");
        // A reason names the record's own position after a colon; the kind of fault is before it.
        Map<String, Long> dead =
                counts(
                        c,
                        "SELECT split_part(reason, ':', 1), count(*) FROM "
                                + schema
                                + ".dead_letter GROUP BY 1 ORDER BY 2 DESC, 1");

        List<Check> checks = reconcile(c, schema, replay.expected(), spec, tiles);
        return new Report(
                spec,
                tenants,
                withTraffic,
                worst,
                features,
                models,
                calls,
                unpriced,
                unpricedReasons,
                unattributed,
                unattributedCost,
                totalCost,
                dead,
                lag,
                checks);
    }

    private static List<Margin> margins(Connection c, String key, String tiles, WindowSpec spec)
            throws SQLException {
        String sql =
                "SELECT "
                        + key
                        + ", sum(calls), sum(accepted), sum(cost_usd), sum(revenue_usd)"
                        + tiles
                        + " GROUP BY 1 ORDER BY 1";
        List<Margin> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, spec.name);
            ps.setLong(2, spec.sizeMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(
                            margin(
                                    rs.getString(1),
                                    rs.getLong(2),
                                    rs.getLong(3),
                                    rs.getBigDecimal(4),
                                    rs.getBigDecimal(5)));
                }
            }
        }
        return rows;
    }

    /** Cost per accepted output by model, from the ledger (windows do not keep the model). */
    private static List<Margin> modelMargins(Connection c, String schema) throws SQLException {
        List<Margin> rows = new ArrayList<>();
        try (PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT coalesce(model, '(none)'), count(*), count(*) FILTER (WHERE"
                                    + " outcome_status = 'accepted'), coalesce(sum(cost_usd), 0),"
                                    + " coalesce(sum(revenue_usd), 0) FROM "
                                        + schema
                                        + ".call_ledger"
                                        + " WHERE cost_source <> 'unpriced' GROUP BY 1 ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(
                        margin(
                                rs.getString(1),
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getBigDecimal(4),
                                rs.getBigDecimal(5)));
            }
        }
        return rows;
    }

    static Margin margin(
            String name, long calls, long accepted, BigDecimal cost, BigDecimal revenue) {
        BigDecimal margin = revenue.subtract(cost);
        BigDecimal pct =
                revenue.signum() == 0
                        ? null
                        : margin.multiply(BigDecimal.valueOf(100))
                                .divide(revenue, 1, RoundingMode.HALF_EVEN);
        BigDecimal perAccepted =
                accepted == 0
                        ? null
                        : cost.divide(BigDecimal.valueOf(accepted), 6, RoundingMode.HALF_EVEN);
        return new Margin(name, calls, accepted, cost, revenue, margin, pct, perAccepted);
    }

    private static BigDecimal median(List<Long> sorted) {
        if (sorted.isEmpty()) {
            return BigDecimal.ZERO;
        }
        int n = sorted.size();
        if (n % 2 == 1) {
            return BigDecimal.valueOf(sorted.get(n / 2));
        }
        return BigDecimal.valueOf(sorted.get(n / 2 - 1) + sorted.get(n / 2))
                .divide(BigDecimal.valueOf(2));
    }

    // -------------------------------------------------------------------------------
    // reconciliation

    private static List<Check> reconcile(
            Connection c, String schema, ExpectedLedger expected, WindowSpec spec, String tiles)
            throws SQLException {
        List<Check> checks = new ArrayList<>();
        BigDecimal cost = expected.costUsd();
        checks.add(
                check(
                        "cost in the input = call_ledger",
                        cost,
                        money(
                                c,
                                "SELECT coalesce(sum(cost_usd), 0) FROM "
                                        + schema
                                        + ".call_ledger")));
        checks.add(
                check(
                        "cost in the input = margin_window " + spec.name + " tiles",
                        cost,
                        tileSum(c, "cost_usd", tiles, spec)));
        checks.add(
                check(
                        "unpriced calls in the input = call_ledger",
                        BigDecimal.valueOf(expected.unpricedCalls()),
                        money(
                                c,
                                "SELECT count(*) FROM "
                                        + schema
                                        + ".call_ledger WHERE cost_source = 'unpriced'")));
        checks.add(
                check(
                        "revenue booked in the input = revenue_ledger",
                        expected.revenueBookedUsd(),
                        money(
                                c,
                                "SELECT coalesce(sum(amount_usd), 0) FROM "
                                        + schema
                                        + ".revenue_ledger")));
        checks.add(
                check(
                        "per-call revenue in the input = call_ledger",
                        expected.callRevenueUsd(),
                        money(
                                c,
                                "SELECT coalesce(sum(revenue_usd), 0) FROM "
                                        + schema
                                        + ".call_ledger")));
        checks.add(
                check(
                        "revenue earned to the frontier = margin_window " + spec.name + " tiles",
                        expected.revenueInTilingWindows(spec.sizeMillis),
                        tileSum(c, "revenue_usd", tiles, spec)));
        checks.add(
                check(
                        "calls in the input = margin_window " + spec.name + " tiles",
                        BigDecimal.valueOf(expected.calls().size()),
                        tileSum(c, "calls", tiles, spec)));

        long[] want = {
            expected.calls().size(),
            expected.revenue().size(),
            expected.outcomes(),
            expected.duplicates(),
            expected.deadLetters()
        };
        long total = 0;
        StringBuilder parts = new StringBuilder();
        List<Check> perTable = new ArrayList<>();
        for (int i = 0; i < LiveReplay.RECORD_TABLES.size(); i++) {
            String table = LiveReplay.RECORD_TABLES.get(i);
            long rows = one(c, "SELECT count(*) FROM " + schema + "." + table);
            total += rows;
            perTable.add(
                    check(
                            "  " + table + " rows",
                            BigDecimal.valueOf(want[i]),
                            BigDecimal.valueOf(rows)));
            parts.append(i == 0 ? "" : " + ").append(rows);
        }
        checks.add(
                new Check(
                        "records published = ledgers + duplicates + dead letters",
                        String.valueOf(expected.published()),
                        total + " (" + parts + ")",
                        total == expected.published()));
        checks.addAll(perTable);
        return checks;
    }

    private static Check check(String name, BigDecimal expected, BigDecimal actual) {
        return new Check(
                name,
                expected.toPlainString(),
                actual.toPlainString(),
                expected.compareTo(actual) == 0);
    }

    private static BigDecimal tileSum(Connection c, String column, String tiles, WindowSpec spec)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT coalesce(sum(" + column + "), 0)" + tiles)) {
            ps.setString(1, spec.name);
            ps.setLong(2, spec.sizeMillis);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    private static long one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static BigDecimal money(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }

    private static Map<String, Long> counts(Connection c, String sql) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    // ------------------------------------------------------------------------------- text

    public static void print(Report r, PrintWriter out) {
        out.println();
        out.printf(
                "== Tenants (over the trace's span: the %s windows that tile it) ==%n",
                r.spec().name);
        out.printf(
                "%-14s %8s %14s %14s %14s %9s%n",
                "tenant", "calls", "revenue $", "cost $", "margin $", "margin %");
        for (Margin m : r.tenants()) {
            out.printf(
                    "%-14s %,8d %14s %14s %14s %9s%n",
                    m.name(),
                    m.calls(),
                    usd(m.revenueUsd()),
                    usd(m.costUsd()),
                    usd(m.marginUsd()),
                    pct(m.marginPct()));
        }

        out.println();
        out.println("== Customers with the worst unit economics ==");
        out.printf(
                "%-12s %-9s %7s %12s %12s %9s %14s %10s%n",
                "tenant",
                "customer",
                "calls",
                "revenue $",
                "cost $",
                "margin %",
                "$/accepted",
                "x median");
        for (CustomerMargin cm : r.worst()) {
            Margin m = cm.margin();
            out.printf(
                    "%-12s %-9s %,7d %12s %12s %9s %14s %10s%n",
                    cm.tenantId(),
                    cm.customerId(),
                    m.calls(),
                    usd(m.revenueUsd()),
                    usd(m.costUsd()),
                    pct(m.marginPct()),
                    plain(m.costPerAcceptedUsd()),
                    cm.trafficVsMedian() == null
                            ? "-"
                            : cm.trafficVsMedian().toPlainString() + "x");
        }

        out.println();
        out.println("== Margin per feature (all tenants) ==");
        out.printf(
                "%-22s %8s %12s %12s %12s %9s %14s%n",
                "feature", "calls", "revenue $", "cost $", "margin $", "margin %", "$/accepted");
        for (Margin m : r.features()) {
            out.printf(
                    "%-22s %,8d %12s %12s %12s %9s %14s%n",
                    m.name(),
                    m.calls(),
                    usd(m.revenueUsd()),
                    usd(m.costUsd()),
                    usd(m.marginUsd()),
                    pct(m.marginPct()),
                    plain(m.costPerAcceptedUsd()));
        }

        out.println();
        out.println("== Unpriced and unattributed ==");
        out.printf(
                "unpriced calls: %,d of %,d (%s)%n",
                r.unpricedCalls(), r.calls(), share(r.unpricedCalls(), r.calls()));
        r.unpricedReasons().forEach((reason, n) -> out.printf("  %,6d  %s%n", n, reason));
        out.printf(
                "unattributed calls: %,d of %,d (%s); their cost $%s of $%s (%s)%n",
                r.unattributedCalls(),
                r.calls(),
                share(r.unattributedCalls(), r.calls()),
                usd(r.unattributedCostUsd()),
                usd(r.totalCostUsd()),
                r.totalCostUsd().signum() == 0
                        ? "-"
                        : r.unattributedCostUsd()
                                        .multiply(BigDecimal.valueOf(100))
                                        .divide(r.totalCostUsd(), 2, RoundingMode.HALF_EVEN)
                                + " %");

        out.println();
        out.println("== Dead letters by reason ==");
        if (r.deadLetters().isEmpty()) {
            out.println("  none");
        }
        r.deadLetters().forEach((reason, n) -> out.printf("  %,6d  %s%n", n, reason));

        out.println();
        out.println(
                "== Event-to-tile lag (a call's publish to its tenant's finest tiles passing it)"
                        + " ==");
        long[] lags = LiveReplay.sortedLags(r.lag());
        if (lags.length == 0) {
            out.println("  no samples");
        } else {
            out.printf(
                    "  %,d calls sampled: p50 %s  p95 %s  p99 %s  max %s%n",
                    lags.length,
                    secs(pct(lags, 50)),
                    secs(pct(lags, 95)),
                    secs(pct(lags, 99)),
                    secs(lags[lags.length - 1]));
            long unsampled = r.calls() - lags.length;
            if (unsampled > 0) {
                out.printf(
                        "  %,d calls (the last ones) were not yet passed by the live job's"
                                + " watermark when it was closed%n",
                        unsampled);
            }
        }

        out.println();
        out.println(
                "== Reconciliation (input as the generator wrote it against Postgres, exactly) ==");
        for (Check ch : r.reconciliation()) {
            out.printf(
                    "  %-4s %-62s expected %s, got %s%n",
                    ch.ok() ? "ok" : "FAIL", ch.name(), ch.expected(), ch.actual());
        }
        out.println(r.reconciled() ? "RECONCILED" : "NOT RECONCILED");
        out.flush();
    }

    static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String secs(long millis) {
        return String.format("%.2f s", millis / 1000.0);
    }

    private static String share(long part, long whole) {
        return whole == 0
                ? "-"
                : BigDecimal.valueOf(part * 100)
                                .divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_EVEN)
                        + " %";
    }

    /** Dollars to the cent for reading; the exact sums are in the reconciliation. */
    static String usd(BigDecimal v) {
        return String.format("%,.2f", v.setScale(2, RoundingMode.HALF_EVEN));
    }

    static String pct(BigDecimal v) {
        return v == null ? "-" : v.toPlainString();
    }

    static String plain(BigDecimal v) {
        return v == null ? "-" : v.toPlainString();
    }
}
