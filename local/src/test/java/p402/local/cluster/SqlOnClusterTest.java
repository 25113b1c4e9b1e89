package p402.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import p402.local.EventKind;
import p402.local.LocalPostgres;
import p402.local.cli.P402Command;
import p402.local.sql.SqlVariables;
import p402.local.testing.LocalStackExtension;
import p402.local.testing.ScratchDatabase;
import picocli.CommandLine;

/**
 * The Flink SQL live margin as a live job on a standalone cluster: {@code p402 sql
 * jobs/live_margin.sql --jobmanager ... --detached} over unbounded topics. Its rows appear while it
 * runs, an outcome that arrives later restates them, and a window turns final when the watermark
 * passes its end; every number is worked out by hand in the comments.
 */
class SqlOnClusterTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    static final String TENANT = "t-sql-live";
    static final String TOPICS = "sqllive.";

    static FlinkCluster cluster;
    static String db;

    @BeforeAll
    static void startCluster() throws Exception {
        db = ScratchDatabase.create("p402_sql_cluster");
        cluster = ClusterTesting.start("sql");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void theSqlLiveMarginRunsOnTheClusterAndRestatesItsRows() throws Exception {
        STACK.kafka().createTopics(2, TOPICS + "calls", TOPICS + "revenue", TOPICS + "outcomes");
        // Two calls of acme (10:05, 10:20) and one of beta (10:40): with 1h/30m, acme is in
        // [09:30, 10:30) and [10:00, 11:00) with both calls, beta in [10:00, 11:00) and
        // [10:30, 11:30). The watermark reaches 10:39:55, past 10:30.
        STACK.publish(
                TOPICS + "calls",
                EventKind.CALL,
                List.of(
                        call("c1", "acme", "10:05:00", "0.010"),
                        call("c2", "acme", "10:20:00", "0.020"),
                        call("c3", "beta", "10:40:00", "0.005")));

        String job = submit();
        try {
            // acme's first window: 2 calls, both pending, 0.030; final (10:30 <= 10:39:55).
            awaitRow("acme", "09:30", "2|0|2|0.03|t");
            // The open window: not final yet.
            awaitRow("acme", "10:00", "2|0|2|0.03|f");
            awaitRow("beta", "10:30", "1|0|1|0.005|f");

            // c1 accepted at 10:50, within the 24 h horizon: both of c1's windows are restated,
            // the final one too, and stay as final as they were.
            STACK.publish(
                    TOPICS + "outcomes",
                    EventKind.OUTCOME,
                    List.of(outcome("o1", "c1", "10:50:00", "accepted")));
            awaitRow("acme", "09:30", "2|1|1|0.03|t");
            awaitRow("acme", "10:00", "2|1|1|0.03|f");

            // A call at 11:10 takes the watermark to 11:09:55, past 11:00: [10:00, 11:00)
            // becomes final, with the outcome still in it.
            STACK.publish(
                    TOPICS + "calls",
                    EventKind.CALL,
                    List.of(call("c4", "beta", "11:10:00", "0.001")));
            awaitRow("acme", "10:00", "2|1|1|0.03|t");
            // beta's [10:30, 11:30) now holds c3 and c4 and is still open.
            awaitRow("beta", "10:30", "2|0|2|0.006|f");
        } finally {
            cluster.cancel(job);
        }
    }

    /** Submits the live margin to the cluster detached, over unbounded topics; its job id. */
    private static String submit() {
        StringWriter out = new StringWriter();
        CommandLine cli = P402Command.commandLine();
        cli.setOut(new PrintWriter(out));
        String restUrl;
        try {
            restUrl = cluster.restUrl();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int exit =
                cli.execute(
                        "sql",
                        SqlVariables.sqlHome().resolve("jobs/live_margin.sql").toString(),
                        "--jobmanager",
                        restUrl.substring("http://".length()),
                        "--detached",
                        "--bootstrap-servers",
                        STACK.bootstrapServers(),
                        "--jdbc-url",
                        db,
                        "--var",
                        "kafka.bounded-mode=unbounded",
                        "--var",
                        "kafka.group-id=sql-live",
                        "--var",
                        "kafka.topic.calls=" + TOPICS + "calls",
                        "--var",
                        "kafka.topic.revenue=" + TOPICS + "revenue",
                        "--var",
                        "kafka.topic.outcomes=" + TOPICS + "outcomes",
                        "--var",
                        "window.spec=1h/30m");
        assertThat(exit).as(out.toString()).isZero();
        Matcher job = Pattern.compile("job ([0-9a-f]{32}) submitted").matcher(out.toString());
        assertThat(job.find()).as(out.toString()).isTrue();
        return job.group(1);
    }

    /** Waits until the customer's row of the window starting at {@code hhmm} reads as given. */
    private static void awaitRow(String customer, String hhmm, String expected) throws IOException {
        String sql =
                "SELECT calls || '|' || accepted || '|' || pending || '|' || trim_scale(cost_usd)"
                        + " || '|' || CASE WHEN is_final THEN 't' ELSE 'f' END"
                        + " FROM p402.margin_window_sql WHERE tenant_id = '"
                        + TENANT
                        + "' AND customer_id = '"
                        + customer
                        + "' AND window_start = '2026-11-10T"
                        + hhmm
                        + ":00Z'";
        List<String> seen = new ArrayList<>();
        try {
            FlinkCluster.awaitTrue(
                    () -> {
                        seen.clear();
                        seen.addAll(rows(sql));
                        return seen.equals(List.of(expected));
                    },
                    ClusterTesting.PATIENCE,
                    customer + " at " + hhmm + " = " + expected);
        } finally {
            assertThat(seen).as(customer + " at " + hhmm).containsExactly(expected);
        }
    }

    private static List<String> rows(String sql) throws IOException {
        List<String> rows = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(db, "p402", "p402");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IOException(e);
        }
        return rows;
    }

    private static String call(String id, String customer, String time, String cost) {
        return "{\"schema\":\"p402.call.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + TENANT
                + "\",\"occurred_at\":\"2026-11-10T"
                + time
                + "Z\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"customer_id\":\""
                + customer
                + "\",\"cost_usd\":"
                + cost
                + ",\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}";
    }

    private static String outcome(String id, String callId, String time, String status) {
        return "{\"schema\":\"p402.outcome.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + TENANT
                + "\",\"call_event_id\":\""
                + callId
                + "\",\"occurred_at\":\"2026-11-10T"
                + time
                + "Z\",\"status\":\""
                + status
                + "\"}";
    }
}
