package p402.local.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL live margin ({@code sql/jobs/live_margin.sql}) against the DataStream job's {@code
 * margin_window} for the same bounded input: the quickstart traffic (three customers, subscription
 * revenue, outcomes) and edge cases (a duplicate call and refund, header names in mixed case, body
 * attribution, an offset timestamp, epoch millis, an unpriced model, an error call, feature revenue
 * with and without calls of its feature, an outcome outside the horizon, a malformed line).
 */
class LiveMarginSqlTest {

    private static SqlStack stack;

    /** Every column but updated_at and the derived ones, numbers by value. */
    private static final String COLUMNS =
            "tenant_id, customer_id, feature_id, workflow_id, window_spec, window_start,"
                    + " window_end, calls, error_calls, accepted, rejected, edited, abandoned,"
                    + " pending, unpriced_calls, input_tokens, cached_input_tokens, output_tokens,"
                    + " reasoning_tokens, trim_scale(cost_usd), trim_scale(revenue_usd),"
                    + " trim_scale(quality_score_sum), quality_scored, is_final";

    @BeforeAll
    static void runBoth() throws Exception {
        stack = SqlStack.start("p402_sql_live_margin");
        stack.run("jobs/live_margin.sql", Map.of());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyRowEqualsTheJobs() throws Exception {
        List<String> job =
                stack.rows("SELECT " + COLUMNS + " FROM p402.margin_window ORDER BY 1, 2, 3, 4, 6");
        List<String> sql =
                stack.rows(
                        "SELECT "
                                + COLUMNS
                                + " FROM p402.margin_window_sql ORDER BY 1, 2, 3, 4, 6");
        assertThat(job).hasSizeGreaterThan(100);
        assertThat(sql).containsExactlyElementsOf(job);
    }

    @Test
    void theHandComputedRowsAreThere() throws Exception {
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
}
