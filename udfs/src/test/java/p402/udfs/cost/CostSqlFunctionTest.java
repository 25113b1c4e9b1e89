package p402.udfs.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import p402.udfs.sql.OpaqueCustomerId;
import p402.udfs.sql.SqlFunctions;

/**
 * The cost engine's table of hand-computed cases ({@link CostEngineTest}), run again through the
 * SQL function in a real Flink table environment: the same cost, price version and unpriced reason
 * as the Java code, case for case. The other SQL functions are checked against values worked out in
 * the comments.
 */
class CostSqlFunctionTest {

    private static TableEnvironment sql;

    @BeforeAll
    static void tableEnvironment() {
        sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        sql.getConfig().set("table.local-time-zone", "UTC");
        for (Map.Entry<String, ?> f : SqlFunctions.ALL.entrySet()) {
            sql.executeSql(
                    "CREATE TEMPORARY SYSTEM FUNCTION "
                            + f.getKey()
                            + " AS '"
                            + ((Class<?>) f.getValue()).getName()
                            + "'");
        }
    }

    @Test
    void pricesEveryBuiltInCaseAsTheJavaEngineAndTheHandComputedValue() throws Exception {
        // name, provider, model, tier, usage, at, expected cost, expected version
        List<Object[]> cases = CostEngineTest.builtInCases().map(Arguments::get).toList();

        List<Row> rows =
                cost(cases.stream().map(a -> new Object[] {a[1], a[2], a[3], a[4], a[5]}).toList());

        for (int i = 0; i < cases.size(); i++) {
            Object[] a = cases.get(i);
            Row row = rows.get(i);
            CostQuote java = javaQuote(a[1], a[2], a[3], a[4], a[5]);
            assertThat((BigDecimal) row.getField(1)).as((String) a[0]).isNotNull();
            assertThat((BigDecimal) row.getField(1))
                    .as((String) a[0])
                    .isEqualByComparingTo(new BigDecimal((String) a[6]))
                    .isEqualByComparingTo(java.costUsd);
            assertThat(row.getField(2)).as((String) a[0]).isEqualTo(a[7]);
            assertThat(row.getField(2)).isEqualTo(java.priceVersion);
            assertThat(row.getField(3)).as((String) a[0]).isNull();
        }
    }

    @Test
    void unpricedCasesAreNullWithTheSameReasonNeverZero() throws Exception {
        List<Object[]> cases = CostEngineTest.unpricedCases().map(Arguments::get).toList();

        List<Row> rows =
                cost(cases.stream().map(a -> new Object[] {a[0], a[1], a[2], a[3], a[4]}).toList());

        for (int i = 0; i < cases.size(); i++) {
            Object[] a = cases.get(i);
            Row row = rows.get(i);
            assertThat(row.getField(1)).as((String) a[5]).isNull();
            assertThat(row.getField(2)).isNull();
            assertThat(row.getField(3)).isEqualTo(a[5]);
            assertThat(row.getField(3))
                    .isEqualTo(javaQuote(a[0], a[1], a[2], a[3], a[4]).unpricedReason);
        }
    }

    @Test
    void usageThatDoesNotAddUpIsUnpricedWithTheDeadLetterReason() throws Exception {
        List<Row> rows =
                cost(
                        List.<Object[]>of(
                                new Object[] {
                                    "openai",
                                    "gpt-4o",
                                    null,
                                    "{'prompt_tokens': 100, 'completion_tokens': 20,"
                                            + " 'total_tokens': 150}",
                                    CostEngineTest.LATE_2026
                                },
                                new Object[] {
                                    "openai",
                                    "gpt-4o",
                                    null,
                                    "{'prompt_tokens': 1.5}",
                                    CostEngineTest.LATE_2026
                                }));

        assertThat(rows.get(0).getField(1)).isNull();
        assertThat(rows.get(0).getField(3))
                .isEqualTo(
                        "invalid usage: usage: total_tokens 150 != prompt_tokens +"
                                + " completion_tokens 120");
        assertThat(rows.get(1).getField(1)).isNull();
        assertThat((String) rows.get(1).getField(3)).startsWith("invalid usage: ");
    }

    @Test
    void usageBucketsAreDisjoint() throws Exception {
        // OpenAI counts cached inside the prompt and reasoning inside the completion:
        // uncached 1000 - 300 = 700, cache read 300, visible 500 - 200 = 300, reasoning 200.
        List<Row> rows =
                query(
                        "SELECT u.uncached_input, u.cache_read, u.cache_write_5m,"
                                + " u.cache_write_1h, u.visible_output, u.reasoning, u.requests,"
                                + " u.invalid_reason FROM (SELECT P402_USAGE('openai', '"
                                + "{\"prompt_tokens\": 1000, \"completion_tokens\": 500,"
                                + " \"prompt_tokens_details\": {\"cached_tokens\": 300},"
                                + " \"completion_tokens_details\": {\"reasoning_tokens\": 200}}"
                                + "') AS u)");

        assertThat(rows.get(0).getField(0)).isEqualTo(700L);
        assertThat(rows.get(0).getField(1)).isEqualTo(300L);
        assertThat(rows.get(0).getField(2)).isEqualTo(0L);
        assertThat(rows.get(0).getField(3)).isEqualTo(0L);
        assertThat(rows.get(0).getField(4)).isEqualTo(300L);
        assertThat(rows.get(0).getField(5)).isEqualTo(200L);
        assertThat(rows.get(0).getField(6)).isEqualTo(0L);
        assertThat(rows.get(0).getField(7)).isNull();
    }

    @Test
    void marginAndCostPerAcceptedAreExact() throws Exception {
        List<Row> rows =
                query(
                        "SELECT P402_MARGIN_PCT(CAST(3 AS DECIMAL(10, 2)), CAST(1 AS DECIMAL(10,"
                                + " 2))), P402_MARGIN_PCT(CAST(0 AS DECIMAL(10, 2)), CAST(1 AS"
                                + " DECIMAL(10, 2))), P402_MARGIN_PCT(CAST(-10 AS DECIMAL(10, 2)),"
                                + " CAST(5 AS DECIMAL(10, 2))), P402_COST_PER_ACCEPTED(CAST(1 AS"
                                + " DECIMAL(10, 2)), CAST(3 AS BIGINT)),"
                                + " P402_COST_PER_ACCEPTED(CAST(1 AS DECIMAL(10, 2)), CAST(0 AS"
                                + " BIGINT))");

        Row r = rows.get(0);
        // 100 * (3 - 1) / 3 = 66.666...: half-even at 12 places.
        assertThat((BigDecimal) r.getField(0)).isEqualByComparingTo("66.666666666667");
        // No revenue: no margin %.
        assertThat(r.getField(1)).isNull();
        // A refund: 100 * (-10 - 5) / -10 = 150.
        assertThat((BigDecimal) r.getField(2)).isEqualByComparingTo("150");
        // 1 / 3 at 18 places, half-even.
        assertThat((BigDecimal) r.getField(3)).isEqualByComparingTo("0.333333333333333333");
        assertThat(r.getField(4)).isNull();
    }

    @Test
    void aDoubleIsRefusedNotUsedAsMoney() {
        assertThatThrownBy(() -> query("SELECT P402_MARGIN_PCT(CAST(3 AS DOUBLE), 1)"))
                .hasStackTraceContaining("money never passes through a binary float");
    }

    @Test
    void opaqueCustomerIdIsHmacSha256Hex() throws Exception {
        List<Row> rows = query("SELECT P402_CUSTOMER_ID('cus_123', 'tenant-secret')");

        // A second method: the JDK's HMAC through the static helper agrees, and the RFC 4231
        // test case 2 ("what do ya want for nothing?" keyed "Jefe") pins the algorithm itself.
        assertThat(rows.get(0).getField(0))
                .isEqualTo(OpaqueCustomerId.hmacHex("cus_123", "tenant-secret"));
        assertThat(OpaqueCustomerId.hmacHex("what do ya want for nothing?", "Jefe"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    /** P402_COST over (provider, model, tier, usage with single quotes, RFC 3339 time) rows. */
    private static List<Row> cost(List<Object[]> cases) throws Exception {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            Object[] c = cases.get(i);
            if (i > 0) {
                values.append(", ");
            }
            values.append('(')
                    .append(i)
                    .append(", ")
                    .append(literal(c[0]))
                    .append(", ")
                    .append(literal(c[1]))
                    .append(", ")
                    .append(literal(c[2]))
                    .append(", ")
                    .append(literal(((String) c[3]).replace('\'', '"')))
                    .append(", ")
                    .append(Instant.parse((String) c[4]).toEpochMilli())
                    .append(')');
        }
        List<Row> rows =
                query(
                        "SELECT i, c.cost_usd, c.price_version, c.unpriced_reason FROM (SELECT i,"
                                + " P402_COST(provider, model, usage_json, TO_TIMESTAMP_LTZ(at_ms,"
                                + " 3), tier) AS c FROM (VALUES "
                                + values
                                + ") AS t(i, provider, model, tier, usage_json, at_ms)) ORDER BY"
                                + " i");
        assertThat(rows).hasSize(cases.size());
        return rows;
    }

    private static CostQuote javaQuote(
            Object provider, Object model, Object tier, Object usage, Object at) throws Exception {
        return CostEngine.builtIn()
                .quote(
                        (String) provider,
                        (String) model,
                        UsageNormalizer.normalize(
                                (String) provider, UsageNormalizerTest.json((String) usage)),
                        (String) tier,
                        Instant.parse((String) at).toEpochMilli());
    }

    private static String literal(Object value) {
        return value == null
                ? "CAST(NULL AS STRING)"
                : "'" + ((String) value).replace("'", "''") + "'";
    }

    private static List<Row> query(String statement) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = sql.executeSql(statement).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
