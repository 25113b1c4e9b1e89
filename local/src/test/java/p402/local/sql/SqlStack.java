package p402.local.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.EmbeddedKafka;
import p402.local.EventKind;
import p402.local.JsonlPublisher;
import p402.local.LocalFlink;
import p402.local.LocalPostgres;
import p402.local.testing.ScratchDatabase;

/**
 * The fixture of the SQL tests: a database of their own, a broker holding the traffic in {@code
 * src/test/resources/sql}, and the margin job's bounded run over it (window spec {@value #SPEC}),
 * so SQL can be checked against what the job wrote.
 */
final class SqlStack implements AutoCloseable {

    static final String SPEC = "1h/30m";
    static final String USER = "p402";
    static final String PASSWORD = "p402";

    final String jdbcUrl;
    final EmbeddedKafka kafka;

    private SqlStack(String jdbcUrl, EmbeddedKafka kafka) {
        this.jdbcUrl = jdbcUrl;
        this.kafka = kafka;
    }

    static SqlStack start(String database) throws Exception {
        String url = ScratchDatabase.create(database);
        EmbeddedKafka kafka = EmbeddedKafka.start();
        SqlStack stack = new SqlStack(url, kafka);
        MarginJobConfig config = stack.jobConfig();
        kafka.createTopics(2, config.callsTopic, config.revenueTopic, config.outcomesTopic);
        Path edge = Path.of("src/test/resources/sql");
        try (JsonlPublisher p = new JsonlPublisher(kafka.bootstrapServers())) {
            p.publish(config.callsTopic, EventKind.CALL, edge.resolve("edge-calls.jsonl"));
            p.publish(config.revenueTopic, EventKind.REVENUE, edge.resolve("edge-revenue.jsonl"));
            p.publish(config.outcomesTopic, EventKind.OUTCOME, edge.resolve("edge-outcomes.jsonl"));
        }
        // A failure fails the fixture at once, with its cause, instead of restarting.
        Configuration flink = LocalFlink.configuration();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        MarginJob.build(env, config);
        env.execute("p402-sql-fixture");
        return stack;
    }

    MarginJobConfig jobConfig() {
        MarginJobConfig config = MarginJobConfig.fromMap(Map.of("windows", SPEC + ":3650d"));
        config.bootstrapServers = kafka.bootstrapServers();
        config.bounded = true;
        config.jdbcUrl = jdbcUrl;
        config.jdbcUser = USER;
        config.jdbcPassword = PASSWORD;
        return config;
    }

    /** Runs a file of {@code sql/} with the contract's tables registered; its results. */
    List<SqlRunner.Result> run(String file, Map<String, String> vars) throws Exception {
        Map<String, String> values =
                SqlVariables.defaults(kafka.bootstrapServers(), jdbcUrl, USER, PASSWORD);
        values.put("window.spec", SPEC);
        values.putAll(vars);
        values = SqlVariables.complete(values);
        Path home = SqlVariables.sqlHome();
        List<String> setup = SqlScript.contractTables(home, values);
        String script = SqlScript.substitute(Files.readString(home.resolve(file)), values);
        return new SqlRunner(Map.of("parallelism.default", "2"), null).run(setup, script);
    }

    /** Rows of a Postgres query, each as its columns joined by {@code |}. */
    List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(jdbcUrl, USER, PASSWORD);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
