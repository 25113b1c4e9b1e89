package p402.local.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import p402.udfs.sql.OpaqueCustomerId;
import p402.udfs.sql.SqlFunctions;

/**
 * {@code sql/functions.sql} registers every function by {@code CREATE FUNCTION ... AS} in a bare
 * table environment (nothing registered by the runner), and the functions then answer, including
 * the revenue ones the SQL live margin is built on.
 */
class FunctionsSqlTest {

    @Test
    void createFunctionRegistersEveryFunctionOfTheRunner() throws Exception {
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(new Configuration())
                                .build());
        String file = Files.readString(SqlVariables.sqlHome().resolve("functions.sql"));
        List<String> statements = SqlScript.statements(file);
        for (String statement : statements) {
            env.executeSql(statement);
        }
        assertThat(statements).hasSize(SqlFunctions.ALL.size());
        assertThat(List.of(env.listFunctions()))
                .containsAll(SqlFunctions.ALL.keySet().stream().map(String::toLowerCase).toList());

        Row row =
                one(
                        env,
                        "SELECT P402_CUSTOMER_ID('cus_123', 'secret'), P402_MONEY('0.010'),"
                            + " P402_EVENT_TIME('2026-11-10T11:35:00+01:00'),"
                            + " P402_MARGIN_PCT(CAST(2 AS DECIMAL(10, 2)), CAST(3 AS DECIMAL(10,"
                            + " 2)))");
        assertThat(row.getField(0)).isEqualTo(OpaqueCustomerId.hmacHex("cus_123", "secret"));
        assertThat(row.getField(1).toString()).isEqualTo("0.010000000000000000");
        assertThat(row.getField(2).toString()).isEqualTo("2026-11-10T10:35:00Z");
        assertThat(row.getField(3).toString()).isEqualTo("-50.000000000000");

        // $300 over 30 days from 09:00, frontier 12:05, windows 1h/30m: one term per window;
        // 300 * 1h / 720h = 0.416666666667 rounded once.
        List<String> earned = new ArrayList<>();
        try (CloseableIterator<Row> it =
                env.executeSql(
                                "SELECT CAST(w.window_start AS STRING),"
                                        + " P402_EARNED(CAST(300 AS DECIMAL(10, 2)), w.overlap_ms,"
                                        + " w.period_ms) FROM (VALUES (1)) AS t(x), LATERAL"
                                        + " TABLE(P402_REVENUE_WINDOWS(TO_TIMESTAMP_LTZ(0, 3),"
                                        + " P402_EVENT_TIME('2026-11-10T09:00:00Z'),"
                                        + " P402_EVENT_TIME('2026-12-10T09:00:00Z'),"
                                        + " P402_EVENT_TIME('2026-11-10T12:05:00Z'),"
                                        + " CAST(3600 AS BIGINT), CAST(1800 AS BIGINT))) AS w"
                                        + " GROUP BY w.window_start ORDER BY 1")
                        .collect()) {
            it.forEachRemaining(r -> earned.add(r.getField(0) + " " + r.getField(1)));
        }
        assertThat(earned)
                .containsExactly(
                        "2026-11-10 08:30:00.000 0.208333333333",
                        "2026-11-10 09:00:00.000 0.416666666667",
                        "2026-11-10 09:30:00.000 0.416666666667",
                        "2026-11-10 10:00:00.000 0.416666666667",
                        "2026-11-10 10:30:00.000 0.416666666667",
                        "2026-11-10 11:00:00.000 0.416666666667",
                        "2026-11-10 11:30:00.000 0.243055555556",
                        "2026-11-10 12:00:00.000 0.034722222222");
    }

    private static Row one(TableEnvironment env, String sql) throws Exception {
        try (CloseableIterator<Row> it = env.executeSql(sql).collect()) {
            return it.next();
        }
    }
}
