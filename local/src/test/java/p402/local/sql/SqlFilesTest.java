package p402.local.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import p402.local.cli.P402Command;
import picocli.CommandLine;

/**
 * Every file of {@code sql/} run against the local stack on known input (the edge cases in {@code
 * src/test/resources/sql}: a duplicate call and refund, header names in mixed case, body
 * attribution, an offset timestamp, epoch millis, an unpriced model, an error call, feature revenue
 * with and without calls of its feature, an outcome outside the horizon, a malformed line, a
 * revenue event without its customer, which the job dead-letters and the SQL must skip), its result
 * checked against a second method: the DataStream job's own tables for the same input, queried in
 * Postgres, and numbers worked out by hand.
 */
class SqlFilesTest {

    private static SqlStack stack;

    /** Every margin_window column but updated_at and the derived ones, numbers by value. */
    private static final String MARGIN_COLUMNS =
            "tenant_id, customer_id, feature_id, workflow_id, window_spec, window_start,"
                    + " window_end, calls, error_calls, accepted, rejected, edited, abandoned,"
                    + " pending, unpriced_calls, input_tokens, cached_input_tokens, output_tokens,"
                    + " reasoning_tokens, trim_scale(cost_usd), trim_scale(revenue_usd),"
                    + " trim_scale(quality_score_sum), quality_scored, is_final";

    @BeforeAll
    static void runTheJobAndTheSqlJob() throws Exception {
        stack = SqlStack.start("p402_sql_files");
        stack.run("jobs/live_margin.sql", Map.of());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theSqlLiveMarginEqualsTheJobsRowForRow() throws Exception {
        String order = " ORDER BY 1, 2, 3, 4, 6";
        List<String> job =
                stack.rows("SELECT " + MARGIN_COLUMNS + " FROM p402.margin_window" + order);
        List<String> sql =
                stack.rows("SELECT " + MARGIN_COLUMNS + " FROM p402.margin_window_sql" + order);
        assertThat(job).hasSizeGreaterThan(100);
        assertThat(sql).containsExactlyElementsOf(job);
    }

    @Test
    void theSqlLiveMarginHasTheHandComputedRows() throws Exception {
        // 10:00-11:00: customer revenue 300/720 - 5 = -4.583333333333 over acme's 5 calls, 3
        // chat and 2 search; the leftover unit goes to chat: -2.75; search adds its own 2.00.
        assertThat(
                        stack.rows(
                                "SELECT feature_id, calls, trim_scale(revenue_usd) FROM"
                                        + " p402.margin_window_sql WHERE tenant_id = 't-sql' AND"
                                        + " customer_id = 'acme' AND window_start ="
                                        + " '2026-11-10T10:00:00Z' ORDER BY 1"))
                .containsExactly("chat|3|-2.75", "search|2|0.166666666667");
    }

    @Test
    void costPerAcceptedByModel() throws Exception {
        List<String> sql = query("analyses/cost_per_accepted_by_model.sql");
        assertThat(sql)
                .containsExactlyInAnyOrderElementsOf(
                        pg(
                                "SELECT provider, model, count(*), count(*) FILTER (WHERE"
                                    + " outcome_status = 'accepted'), count(*) FILTER (WHERE"
                                    + " cost_source = 'unpriced'), coalesce(sum(cost_usd), 0),"
                                    + " round(sum(cost_usd) / nullif(count(*) FILTER (WHERE"
                                    + " outcome_status = 'accepted'), 0), 18) FROM p402.call_ledger"
                                    + " GROUP BY 1, 2"));
        // openai/gpt-4o is c1 alone (0.010, accepted): c3 names gpt-4o only in request.model,
        // which the contract does not read (model, else response.model).
        assertThat(sql).contains("openai|gpt-4o|1|1|0|0.01|0.01");
    }

    @Test
    void acceptanceByWorkflow() throws Exception {
        assertThat(query("analyses/acceptance_by_workflow.sql"))
                .containsExactlyElementsOf(
                        pg(
                                "SELECT tenant_id, feature_id, workflow_id, count(*),"
                                    + " count(outcome_status), count(*) FILTER (WHERE"
                                    + " outcome_status = 'accepted'), count(*) FILTER (WHERE"
                                    + " outcome_status = 'rejected'), count(*) FILTER (WHERE"
                                    + " outcome_status = 'edited'), count(*) FILTER (WHERE"
                                    + " outcome_status = 'abandoned'), round(100.0 * count(*)"
                                    + " FILTER (WHERE outcome_status = 'accepted') /"
                                    + " nullif(count(outcome_status), 0), 1),"
                                    + " round(sum(quality_score) / nullif(count(quality_score), 0),"
                                    + " 6) FROM p402.call_ledger GROUP BY 1, 2, 3 ORDER BY 1, 2,"
                                    + " 3"));
    }

    @Test
    void unpricedAndUnattributedShares() throws Exception {
        List<String> sql = query("analyses/unpriced_unattributed.sql");
        assertThat(sql)
                .containsExactlyElementsOf(
                        pg(
                                "SELECT tenant_id, count(*), count(*) FILTER (WHERE cost_source ="
                                    + " 'unpriced'), round(100.0 * count(*) FILTER (WHERE"
                                    + " cost_source = 'unpriced') / count(*), 2), count(*) FILTER"
                                    + " (WHERE attribution_source = 'none'), round(100.0 * count(*)"
                                    + " FILTER (WHERE attribution_source = 'none') / count(*), 2),"
                                    + " coalesce(sum(cost_usd) FILTER (WHERE attribution_source ="
                                    + " 'none'), 0), coalesce(sum(cost_usd), 0) FROM"
                                    + " p402.call_ledger GROUP BY 1 ORDER BY 1"));
        // 9 distinct calls; c7 unpriced, c5 unattributed (0.005).
        assertThat(sql.get(0)).startsWith("t-sql|9|1|11.11|1|11.11|0.005|");
    }

    @Test
    void gatewayAgainstPriceBookDrift() throws Exception {
        List<String> sql = query("analyses/cost_drift.sql");
        assertThat(sql)
                .containsExactlyElementsOf(
                        pg(
                                "SELECT provider, model, count(*), sum(cost_usd),"
                                        + " sum(computed_cost_usd), sum(cost_drift_usd),"
                                        + " round(100 * sum(cost_drift_usd) /"
                                        + " sum(computed_cost_usd), 12) FROM p402.call_ledger"
                                        + " WHERE cost_source = 'provided' AND computed_cost_usd"
                                        + " IS NOT NULL GROUP BY 1, 2"));
        // c1: 1000 prompt tokens (200 cached) and 300 completion at gpt-4o's book prices, against
        // the gateway's 0.010.
        assertThat(sql).hasSize(1);
        assertThat(sql.get(0)).startsWith("openai|gpt-4o|1|0.01|");
    }

    @Test
    void upsideDownCustomers() throws Exception {
        List<String> sql = columns(query("analyses/upside_down_customers.sql"), 0, 1, 3, 4, 5, 6);
        assertThat(sql)
                .containsExactlyElementsOf(
                        pg(
                                "WITH l AS (SELECT tenant_id, max(window_end) AS e FROM"
                                    + " p402.margin_window WHERE window_spec = '1h/30m' GROUP BY 1)"
                                    + " SELECT m.tenant_id, customer_id, sum(calls),"
                                    + " sum(revenue_usd), sum(cost_usd), sum(revenue_usd) -"
                                    + " sum(cost_usd) FROM p402.margin_window m JOIN l ON"
                                    + " l.tenant_id = m.tenant_id AND l.e = m.window_end WHERE"
                                    + " window_spec = '1h/30m' GROUP BY 1, 2 HAVING"
                                    + " sum(revenue_usd) < sum(cost_usd) ORDER BY 6, 1, 2"));
        // The latest window (11-12 10:00-11:00) holds initech's 0.5 call and nothing else: acme's
        // subscription is earned only up to the frontier, 10:00, the window's start. Initech is
        // its tenant's median customer.
        assertThat(sql).containsExactly("t-sql|initech|1|0|0.5|-0.5");
        assertThat(query("analyses/upside_down_customers.sql").get(0)).endsWith("|null|null|1");
    }

    @Test
    void marginByFeature() throws Exception {
        List<String> sql = columns(query("analyses/margin_by_feature.sql"), 0, 1, 2, 3, 4);
        assertThat(sql)
                .containsExactlyInAnyOrderElementsOf(
                        pg(
                                "WITH l AS (SELECT tenant_id, max(window_end) AS e FROM"
                                    + " p402.margin_window WHERE window_spec = '1h/30m' GROUP BY 1)"
                                    + " SELECT m.tenant_id, feature_id, sum(calls),"
                                    + " sum(revenue_usd), sum(cost_usd) FROM p402.margin_window m"
                                    + " JOIN l ON l.tenant_id = m.tenant_id AND l.e = m.window_end"
                                    + " WHERE window_spec = '1h/30m' GROUP BY 1, 2"));
    }

    @Test
    void theCommandPrintsAnAlignedTableWithoutKafka() {
        StringWriter out = new StringWriter();
        CommandLine cli = P402Command.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit =
                cli.execute(
                        "sql",
                        SqlVariables.sqlHome().resolve("analyses/margin_by_feature.sql").toString(),
                        "--jdbc-url",
                        stack.jdbcUrl,
                        "--var",
                        "window.spec=" + SqlStack.SPEC);
        assertThat(exit).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).startsWith("tenant_id | feature_id | calls | revenue_usd");
        assertThat(lines[1]).matches("-+(-\\+-+)+");
        // Aligned: every column separator of a row is where the header has it.
        assertThat(lines[2].indexOf(" | ")).isEqualTo(lines[0].indexOf(" | "));
        assertThat(out.toString()).containsPattern("\\d+ rows?\n");
    }

    /** The rows of the last query of a file, each cell normalised, joined by {@code |}. */
    private static List<String> query(String file) throws Exception {
        List<SqlRunner.Result> results = stack.run(file, Map.of());
        SqlRunner.Result last = results.get(results.size() - 1);
        List<String> rows = new ArrayList<>();
        for (List<String> row : last.rows()) {
            List<String> cells = new ArrayList<>();
            for (String cell : row) {
                cells.add(normalise(cell));
            }
            rows.add(String.join("|", cells));
        }
        return rows;
    }

    private static List<String> pg(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String row : stack.rows(sql)) {
            List<String> cells = new ArrayList<>();
            for (String cell : row.split("\\|", -1)) {
                cells.add(normalise(cell));
            }
            rows.add(String.join("|", cells));
        }
        return rows;
    }

    private static List<String> columns(List<String> rows, int... keep) {
        List<String> out = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split("\\|", -1);
            List<String> kept = new ArrayList<>();
            for (int k : keep) {
                kept.add(cells[k]);
            }
            out.add(String.join("|", kept));
        }
        return out;
    }

    /** Numbers by value (0.0100 is 0.01), NULL as null. */
    private static String normalise(String cell) {
        if (cell == null || cell.equals("null")) {
            return "null";
        }
        try {
            BigDecimal d = new BigDecimal(cell);
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return cell;
        }
    }
}
