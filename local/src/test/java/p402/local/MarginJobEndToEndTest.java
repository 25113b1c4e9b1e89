package p402.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.testing.LocalStackExtension;

/**
 * The whole job through a real broker, a local Flink and the real Postgres, on a scenario whose
 * every number is worked out by hand below (window spec {@code 1h/30m}: windows start on the half
 * hour and last an hour).
 *
 * <p>Tenant {@code t-e2e}, 2026-11-10 (UTC). Calls (cost as provided by the gateway):
 *
 * <pre>
 *  c1 acme   meter   chat/w1    10:05  0.010  tokens in 1000 (200 cached), out 300 (100 reasoning)
 *  c2 acme   header  chat/w1    10:10  0.020  (header names in mixed case)
 *  c3 acme   body    search/    10:35  0.030
 *  c4 acme   meter   chat/w1    10:40  0.040  (a header names acme-x: a disagreement)
 *  c5 -      none    /          10:20  0.005  -> __unattributed__
 *  c6 globex meter   chat/      10:50  0.100  revenue_usd 0.25 of its own
 *  c7 acme   meter   search/    10:55  unpriced (unknown model), tokens in 100, out 50
 *  c1 again (a duplicate delivery), and one malformed line
 * </pre>
 *
 * Outcomes: c3 accepted 0.8 at 10:36; c1 accepted 1.0 at 12:05 (two hours after the call); c2
 * rejected at 10:12, then edited 0.5 at 10:30 (the later one wins). Revenue: acme $300 over 30 days
 * from 09:00 (a monthly subscription: $0.41666... an hour); acme -$5.00 refund at 10:45 (delivered
 * twice); acme $2.00 for feature search at 10:15; globex $10.00 at 09:40.
 *
 * <p>The frontier at the end is the latest event time, 12:05, so the subscription has earned 300 *
 * 3h05m / 720h up to then, and nothing after.
 */
class MarginJobEndToEndTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    private static final String T = "t-e2e";
    private static final String DAY = "2026-11-10T";

    @BeforeAll
    static void runScenario() throws Exception {
        try (Connection c = STACK.jdbc()) {
            for (String table :
                    List.of(
                            "margin_window",
                            "call_ledger",
                            "revenue_ledger",
                            "outcome_ledger",
                            "duplicate_delivery",
                            "dead_letter")) {
                String where =
                        table.equals("dead_letter") || table.equals("duplicate_delivery")
                                ? "topic LIKE 'p402.%'"
                                : "tenant_id = '" + T + "'";
                c.createStatement().execute("DELETE FROM p402." + table + " WHERE " + where);
            }
        }

        STACK.publish(
                "p402.calls",
                List.of(
                        call(
                                "c1",
                                "10:05",
                                "\"customer_id\":\"acme\",\"feature_id\":\"chat\","
                                    + "\"workflow_id\":\"w1\",\"cost_usd\":\"0.010\","
                                    + "\"response\":{\"model\":\"gpt-4o\",\"usage\":{"
                                    + "\"prompt_tokens\":1000,\"completion_tokens\":300,"
                                    + "\"total_tokens\":1300,"
                                    + "\"prompt_tokens_details\":{\"cached_tokens\":200},"
                                    + "\"completion_tokens_details\":{\"reasoning_tokens\":100}}}"),
                        call(
                                "c2",
                                "10:10",
                                "\"headers\":{\"X-P402-Customer-ID\":\"acme\","
                                    + "\"x-p402-FEATURE-id\":\"chat\",\"X-P402-Workflow-Id\":\"w1\"},"
                                    + "\"cost_usd\":0.020"),
                        call("c5", "10:20", "\"cost_usd\":\"0.005\""),
                        call(
                                "c3",
                                "10:35",
                                "\"request\":{\"model\":\"gpt-4o\",\"p402\":{"
                                        + "\"customer_id\":\"acme\",\"feature_id\":\"search\"}},"
                                        + "\"cost_usd\":\"0.030\""),
                        call(
                                "c1",
                                "10:05",
                                "\"customer_id\":\"acme\",\"feature_id\":\"chat\","
                                        + "\"workflow_id\":\"w1\",\"cost_usd\":\"0.010\""),
                        call(
                                "c4",
                                "10:40",
                                "\"customer_id\":\"acme\",\"feature_id\":\"chat\","
                                    + "\"workflow_id\":\"w1\",\"headers\":{"
                                    + "\"x-p402-customer-id\":\"acme-x\"},\"cost_usd\":\"0.040\""),
                        "{\"schema\":\"p402.call.v1\",\"event_id\":",
                        call(
                                "c6",
                                "10:50",
                                "\"customer_id\":\"globex\",\"feature_id\":\"chat\","
                                        + "\"cost_usd\":\"0.100\",\"revenue_usd\":\"0.25\""),
                        call(
                                "c7",
                                "10:55",
                                "\"customer_id\":\"acme\",\"feature_id\":\"search\","
                                    + "\"model\":\"no-such-model\",\"usage\":{\"prompt_tokens\":100,"
                                    + "\"completion_tokens\":50,\"total_tokens\":150}")));
        STACK.publish(
                "p402.outcomes",
                List.of(
                        outcome("o3", "c2", "10:12", "rejected", null),
                        outcome("o4", "c2", "10:30", "edited", "0.5"),
                        outcome("o1", "c3", "10:36", "accepted", "0.8"),
                        outcome("o2", "c1", "12:05", "accepted", "1.0")));
        STACK.publish(
                "p402.revenue",
                List.of(
                        revenue(
                                "r1",
                                "acme",
                                "09:00",
                                "300",
                                null,
                                "\"service_period\":{\"start\":\"2026-11-10T09:00:00Z\","
                                        + "\"end\":\"2026-12-10T09:00:00Z\"},"
                                        + "\"kind\":\"subscription\""),
                        revenue("r4", "globex", "09:40", "10.00", null, "\"kind\":\"one_time\""),
                        revenue("r3", "acme", "10:15", "2.00", "search", "\"kind\":\"one_time\""),
                        revenue("r2", "acme", "10:45", "-5.00", null, "\"kind\":\"refund\""),
                        revenue("r2", "acme", "10:45", "-5.00", null, "\"kind\":\"refund\"")));

        MarginJobConfig config = STACK.jobConfig(Map.of("windows", "1h/30m:30d"));
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        MarginJob.build(env, config);
        env.execute("margin-e2e");
    }

    @Test
    void everyWindowRowIsTheHandComputedOne() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        // key: start customer/feature/workflow -> calls pending accepted edited unpriced cost
        //      revenue quality_sum/scored final
        String sub = "0.416666666667"; // 300 * 1h / 720h, rounded once at the 12th place
        expected.put("08:30 acme//", row(0, 0, 0, 0, 0, "0", "0.208333333333", "0/0"));
        expected.put("09:00 acme//", row(0, 0, 0, 0, 0, "0", sub, "0/0"));
        expected.put("09:00 globex//", row(0, 0, 0, 0, 0, "0", "10.00", "0/0"));
        // 09:30-10:30: acme's calls are c1, c2 (chat/w1): the subscription goes to them; the
        // search add-on finds no search call and stays on search/''.
        expected.put("09:30 acme/chat/w1", row(2, 0, 1, 1, 0, "0.030", sub, "1.5/2"));
        expected.put("09:30 acme/search/", row(0, 0, 0, 0, 0, "0", "2.00", "0/0"));
        expected.put("09:30 globex//", row(0, 0, 0, 0, 0, "0", "10.00", "0/0"));
        expected.put("09:30 __unattributed__//", row(1, 1, 0, 0, 0, "0.005", "0", "0/0"));
        // 10:00-11:00: customer revenue 0.41666... - 5 = -4.583333333333 over 5 calls, 3 chat
        // and 2 search: 2.7499999999998 and 1.8333333333332 truncate; the leftover unit goes
        // to chat (remainder 4/5 against 1/5): -2.750000000000 and -1.833333333333. Search adds
        // its own 2.00: 0.166666666667.
        expected.put("10:00 acme/chat/w1", row(3, 1, 1, 1, 0, "0.070", "-2.75", "1.5/2"));
        expected.put("10:00 acme/search/", row(2, 1, 1, 0, 1, "0.030", "0.166666666667", "0.8/1"));
        expected.put("10:00 globex/chat/", row(1, 1, 0, 0, 0, "0.100", "0.25", "0/0"));
        expected.put("10:00 __unattributed__//", row(1, 1, 0, 0, 0, "0.005", "0", "0/0"));
        // 10:30-11:30: -4.583333333333 over 1 chat and 2 search calls: 1.527777777777 r2 and
        // 3.055555555555 r1; the unit goes to chat.
        expected.put("10:30 acme/chat/w1", row(1, 1, 0, 0, 0, "0.040", "-1.527777777778", "0/0"));
        expected.put("10:30 acme/search/", row(2, 1, 1, 0, 1, "0.030", "-3.055555555555", "0.8/1"));
        expected.put("10:30 globex/chat/", row(1, 1, 0, 0, 0, "0.100", "0.25", "0/0"));
        expected.put("11:00 acme//", row(0, 0, 0, 0, 0, "0", sub, "0/0"));
        // 11:30-12:30 earns 35 minutes, 12:00-13:00 five: the frontier is 12:05.
        expected.put("11:30 acme//", row(0, 0, 0, 0, 0, "0", "0.243055555556", "0/0"));
        expected.put("12:00 acme//", row(0, 0, 0, 0, 0, "0", "0.034722222222", "0/0"));

        assertThat(marginRows()).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void tokensAreSummedFromTheNormalisedUsage() throws Exception {
        try (Connection c = STACK.jdbc();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT input_tokens, cached_input_tokens, output_tokens,"
                                        + " reasoning_tokens FROM p402.margin_window"
                                        + " WHERE tenant_id = ? AND customer_id = 'acme'"
                                        + " AND window_start = '2026-11-10T10:00:00Z'"
                                        + " AND feature_id = ?")) {
            ps.setString(1, T);
            ps.setString(2, "chat");
            assertThat(longs(ps)).containsExactly(1000L, 200L, 300L, 100L);
            ps.setString(2, "search");
            assertThat(longs(ps)).containsExactly(100L, 0L, 50L, 0L);
        }
    }

    @Test
    void rollUpsAddUpTheirChildren() throws Exception {
        // acme 10:00-11:00: 5 calls, cost 0.070 + 0.030, revenue -2.75 + 0.166666666667.
        assertThat(
                        one(
                                "SELECT calls || ' ' || trim_scale(cost_usd) || ' ' || revenue_usd"
                                        + " || ' ' || gross_margin_usd FROM"
                                        + " p402.margin_by_customer"
                                        + " WHERE tenant_id = ? AND customer_id = 'acme' AND"
                                        + " window_start = '2026-11-10T10:00:00Z'"))
                .isEqualTo("5 0.1 -2.583333333333 -2.683333333333");
        // The tenant adds globex (0.100, 0.25) and the unattributed call (0.005).
        assertThat(
                        one(
                                "SELECT calls || ' ' || trim_scale(cost_usd) || ' ' || revenue_usd"
                                        + " FROM p402.margin_by_tenant WHERE tenant_id = ? AND"
                                        + " window_start = '2026-11-10T10:00:00Z'"))
                .isEqualTo("7 0.205 -2.333333333333");
        // Chat across customers: acme 3 calls and globex 1.
        assertThat(
                        one(
                                "SELECT calls || ' ' || trim_scale(cost_usd) || ' '"
                                        + " || trim_scale(revenue_usd)"
                                        + " FROM p402.margin_by_feature WHERE tenant_id = ? AND"
                                        + " feature_id = 'chat' AND"
                                        + " window_start = '2026-11-10T10:00:00Z'"))
                .isEqualTo("4 0.17 -2.5");
        assertThat(
                        one(
                                "SELECT calls || ' ' || revenue_usd || ' '"
                                        + " || trim_scale(cost_per_accepted_usd)"
                                        + " FROM p402.margin_by_customer_feature WHERE"
                                        + " tenant_id = ? AND customer_id = 'acme' AND"
                                        + " feature_id = 'search' AND"
                                        + " window_start = '2026-11-10T10:30:00Z'"))
                .isEqualTo("2 -3.055555555555 0.03");
        // Every roll-up equals the sum of margin_window, over all windows of the tenant.
        for (String view :
                List.of(
                        "margin_by_tenant",
                        "margin_by_customer",
                        "margin_by_customer_feature",
                        "margin_by_feature",
                        "margin_by_workflow")) {
            assertThat(
                            one(
                                    "SELECT (SELECT trim_scale(sum(cost_usd)) || '/'"
                                            + " || sum(revenue_usd)"
                                            + " || '/' || sum(calls) FROM p402."
                                            + view
                                            + " WHERE tenant_id = ?)"))
                    .as(view)
                    .isEqualTo("0.41/17.069444444446/14");
        }
    }

    @Test
    void theLedgerHasEachCallOnceWithItsAttribution() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = STACK.jdbc();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT event_id, customer_id, attribution_source,"
                                        + " attribution_conflict, cost_source,"
                                        + " coalesce(cost_usd::text, '-'),"
                                        + " coalesce(outcome_status, '-') FROM p402.call_ledger"
                                        + " WHERE tenant_id = ? ORDER BY event_id")) {
            ps.setString(1, T);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(
                            rs.getString(1)
                                    + " "
                                    + rs.getString(2)
                                    + " "
                                    + rs.getString(3)
                                    + " "
                                    + rs.getBoolean(4)
                                    + " "
                                    + rs.getString(5)
                                    + " "
                                    + rs.getString(6)
                                    + " "
                                    + rs.getString(7));
                }
            }
        }
        assertThat(rows)
                .containsExactly(
                        "c1 acme meter false provided 0.010 accepted",
                        "c2 acme header false provided 0.020 edited",
                        "c3 acme body false provided 0.030 accepted",
                        "c4 acme meter true provided 0.040 -",
                        "c5 __unattributed__ none false provided 0.005 -",
                        "c6 globex meter false provided 0.100 -",
                        "c7 acme meter false unpriced - -");
    }

    @Test
    void everyRecordReadIsAccountedForOnce() throws Exception {
        // 9 call records + 5 revenue + 4 outcomes = 18 = 7 calls + 4 revenue + 4 outcomes
        // + 2 duplicates (c1, r2) + 1 dead letter.
        assertThat(one("SELECT count(*)::text FROM p402.call_ledger WHERE tenant_id = ?"))
                .isEqualTo("7");
        assertThat(one("SELECT count(*)::text FROM p402.revenue_ledger WHERE tenant_id = ?"))
                .isEqualTo("4");
        assertThat(
                        one(
                                "SELECT string_agg(event_id || ':' || disposition, ' ' ORDER BY"
                                    + " event_id) FROM p402.outcome_ledger WHERE tenant_id = ?"))
                .isEqualTo("o1:applied o2:applied o3:superseded o4:applied");
        assertThat(
                        one(
                                "SELECT string_agg(topic || ':' || event_id, ' ' ORDER BY topic)"
                                        + " FROM p402.duplicate_delivery WHERE tenant_id = ?"))
                .isEqualTo("p402.calls:c1 p402.revenue:r2");
        assertThat(
                        one(
                                "SELECT count(*) || ' ' || min(reason) FROM p402.dead_letter"
                                        + " WHERE topic = 'p402.calls' AND ?::text IS NOT NULL"))
                .startsWith("1 malformed JSON");
    }

    // ------------------------------------------------------------------------------ helpers

    private static String call(String id, String time, String rest) {
        return "{\"schema\":\"p402.call.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + T
                + "\",\"occurred_at\":\""
                + DAY
                + time
                + ":00Z\",\"provider\":\"openai\","
                + rest
                + "}";
    }

    private static String outcome(
            String id, String callId, String time, String status, String quality) {
        return "{\"schema\":\"p402.outcome.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + T
                + "\",\"call_event_id\":\""
                + callId
                + "\",\"occurred_at\":\""
                + DAY
                + time
                + ":00Z\",\"status\":\""
                + status
                + "\""
                + (quality == null ? "" : ",\"quality_score\":" + quality)
                + "}";
    }

    private static String revenue(
            String id, String customer, String time, String amount, String feature, String rest) {
        return "{\"schema\":\"p402.revenue.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + T
                + "\",\"customer_id\":\""
                + customer
                + "\",\"occurred_at\":\""
                + DAY
                + time
                + ":00Z\",\"amount_usd\":\""
                + amount
                + "\""
                + (feature == null ? "" : ",\"feature_id\":\"" + feature + "\"")
                + ","
                + rest
                + "}";
    }

    private static String row(
            long calls,
            long pending,
            long accepted,
            long edited,
            long unpriced,
            String cost,
            String revenue,
            String quality) {
        return calls
                + " "
                + pending
                + " "
                + accepted
                + " "
                + edited
                + " "
                + unpriced
                + " "
                + new BigDecimal(cost).stripTrailingZeros().toPlainString()
                + " "
                + new BigDecimal(revenue).stripTrailingZeros().toPlainString()
                + " "
                + quality
                + " final";
    }

    private static Map<String, String> marginRows() throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = STACK.jdbc();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI'),"
                                        + " customer_id, feature_id, workflow_id, calls, pending,"
                                        + " accepted, edited, unpriced_calls, cost_usd,"
                                        + " revenue_usd, quality_score_sum, quality_scored,"
                                        + " is_final, window_end - window_start"
                                        + " FROM p402.margin_window"
                                        + " WHERE tenant_id = ? AND window_spec = '1h/30m'")) {
            ps.setString(1, T);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString(15)).isEqualTo("01:00:00");
                    String key =
                            rs.getString(1)
                                    + " "
                                    + rs.getString(2)
                                    + "/"
                                    + rs.getString(3)
                                    + "/"
                                    + rs.getString(4);
                    String value =
                            rs.getLong(5)
                                    + " "
                                    + rs.getLong(6)
                                    + " "
                                    + rs.getLong(7)
                                    + " "
                                    + rs.getLong(8)
                                    + " "
                                    + rs.getLong(9)
                                    + " "
                                    + plain(rs.getBigDecimal(10))
                                    + " "
                                    + plain(rs.getBigDecimal(11))
                                    + " "
                                    + plain(rs.getBigDecimal(12))
                                    + "/"
                                    + rs.getLong(13)
                                    + (rs.getBoolean(14) ? " final" : " open");
                    rows.put(key, value);
                }
            }
        }
        return rows;
    }

    private static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    private static String one(String sql) throws SQLException {
        try (Connection c = STACK.jdbc();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, T);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<Long> longs(PreparedStatement ps) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.add(rs.getLong(i));
            }
        }
        return out;
    }
}
