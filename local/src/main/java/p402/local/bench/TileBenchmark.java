package p402.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import p402.local.LocalPostgres;
import p402.local.TenantReaders;

/**
 * Times every dashboard query on a scratch database of 1,000,000 synthetic {@code margin_window}
 * rows, as a tenant's reader role (row-level security on), and prints p50/p95 per panel. Not a
 * test: timings depend on the machine. Run with {@code bin/p402-bench-tiles} (docs/grafana.md).
 *
 * <p>Arguments: JDBC URL of an empty, migrated database owned by p402; the dashboards folder.
 */
public final class TileBenchmark {

    private static final int RUNS = 7;

    private TileBenchmark() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path dashboards = Path.of(args[1]);
        try (Connection c = LocalPostgres.connect(url, "p402", "p402");
                Statement st = c.createStatement()) {
            long t0 = System.nanoTime();
            // 10 tenants x 100 customers x 2 features x 1 workflow x 500 windows of 1h/1m
            // = 1,000,000 rows; one 24h/15m window per tenant/customer/feature on top.
            st.execute("TRUNCATE p402.margin_window, p402.call_ledger, p402.alert");
            st.execute(
                    "INSERT INTO p402.margin_window (tenant_id, customer_id, feature_id,"
                            + " workflow_id, window_spec, window_start, window_end, calls,"
                            + " accepted, unpriced_calls, cost_usd, revenue_usd, is_final)"
                            + " SELECT 't' || t, 'c' || c, 'f' || f, 'w1', '1h/1m',"
                            + " timestamptz '2026-11-10' + w * interval '1 minute',"
                            + " timestamptz '2026-11-10' + (w + 60) * interval '1 minute',"
                            + " 10 + (c % 7), 5 + (c % 3), c % 2, (c % 13) * 0.0123,"
                            + " (c % 11) * 0.0171, true"
                            + " FROM generate_series(0, 9) t, generate_series(0, 99) c,"
                            + " generate_series(0, 1) f, generate_series(0, 499) w");
            // As autovacuum would after a load: statistics, and the visibility map that lets the
            // time series read its sums from the index alone.
            st.execute("VACUUM ANALYZE p402.margin_window");
            System.out.printf(
                    "loaded 1,000,000 margin_window rows in %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
        }
        TenantReaders.grantAsPostgres(url, "p402", "p402_bench_reader", "p402_bench_reader", "t3");

        ObjectMapper json = new ObjectMapper();
        List<String[]> queries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dashboards, "*.json")) {
            for (Path f : ds) {
                JsonNode d = json.readTree(f.toFile());
                for (JsonNode v : d.path("templating").path("list")) {
                    if (v.path("type").asText().equals("query")) {
                        queries.add(
                                new String[] {
                                    "$" + v.path("name").asText(), v.path("query").asText()
                                });
                    }
                }
                for (JsonNode p : d.path("panels")) {
                    queries.add(
                            new String[] {
                                p.path("title").asText(),
                                p.path("targets").path(0).path("rawSql").asText()
                            });
                }
            }
        }
        System.out.printf(
                "%-70s %9s %9s %6s%n", "query (as the reader of t3)", "p50 ms", "p95 ms", "rows");
        try (Connection c = LocalPostgres.connect(url, "p402_bench_reader", "p402_bench_reader");
                Statement st = c.createStatement()) {
            for (String[] q : queries) {
                String sql = fill(q[1]);
                double[] ms = new double[RUNS];
                int rows = 0;
                for (int i = 0; i < RUNS; i++) {
                    long t = System.nanoTime();
                    try (ResultSet rs = st.executeQuery(sql)) {
                        rows = 0;
                        while (rs.next()) {
                            rows++;
                        }
                    }
                    ms[i] = (System.nanoTime() - t) / 1e6;
                }
                Arrays.sort(ms);
                String name = q[0].length() > 70 ? q[0].substring(0, 70) : q[0];
                System.out.printf(
                        "%-70s %9.2f %9.2f %6d%n", name, ms[RUNS / 2], ms[RUNS - 1], rows);
            }
        }
    }

    /** The variables and macros as Grafana fills them: the last 8 hours of the loaded data. */
    static String fill(String sql) {
        String from = "'2026-11-10T00:20:00Z'::timestamptz";
        String to = "'2026-11-10T08:20:00Z'::timestamptz";
        return sql.replaceAll("\\$__timeFilter\\((\\w+)\\)", "$1 BETWEEN " + from + " AND " + to)
                .replace("$__timeFrom()", from)
                .replace("$__timeTo()", to)
                .replace("${customer}", "__all")
                .replace("$customer", "__all")
                .replace("${feature}", "__all")
                .replace("$feature", "__all")
                .replace("${workflow}", "__all")
                .replace("$workflow", "__all")
                .replace("$tenant", "t3")
                .replace("$spec", "1h/1m")
                .replace("$threshold", "20");
    }
}
