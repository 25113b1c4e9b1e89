package p402.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.config.WindowSpec;
import p402.local.EmbeddedKafka;
import p402.local.EventKind;
import p402.local.JsonlPublisher;
import p402.local.LocalFlink;
import p402.local.LocalPostgres;
import p402.local.reconcile.Reconciliation;

/**
 * Exactly-once effect: the same input is run once without faults, then once per fault injected
 * mid-stream (after a checkpoint, with input still flowing), each run into a database of its own;
 * every table of the Postgres side must equal the clean run's, row for row and value for value
 * ({@code updated_at} aside, which says when, not what).
 *
 * <p>Postgres here is a cluster of the test's own ({@link ThrowawayPostgres}) so it can be
 * restarted and stopped without disturbing anything else on the machine.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class FaultToleranceTest {

    private static final List<String> TABLES =
            List.of(
                    "margin_window",
                    "call_ledger",
                    "revenue_ledger",
                    "outcome_ledger",
                    "duplicate_delivery",
                    "dead_letter");

    private static final Map<String, String> SETTINGS =
            Map.of("windows", "15m/5m:30d,1h/30m:30d", "sink.flush-interval", "100ms");

    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

    private static final int CALLS = 4000;
    private static final long FAULT_AFTER = 1500;

    private static ThrowawayPostgres pg;
    private static EmbeddedKafka kafka;
    private static Map<String, List<String>> clean;

    @BeforeAll
    static void cleanRun() throws Exception {
        assumeTrue(ThrowawayPostgres.available(), "needs root and the PostgreSQL 15 binaries");
        pg = ThrowawayPostgres.start();
        kafka = EmbeddedKafka.start();
        MarginJobConfig defaults = new MarginJobConfig();
        kafka.createTopics(2, defaults.callsTopic, defaults.revenueTopic, defaults.outcomesTopic);
        Scenario s = new Scenario(402, CALLS);
        try (JsonlPublisher p = new JsonlPublisher(kafka.bootstrapServers())) {
            p.publish(defaults.callsTopic, EventKind.CALL, s.calls);
            p.publish(defaults.revenueTopic, EventKind.REVENUE, s.revenue);
            p.publish(defaults.outcomesTopic, EventKind.OUTCOME, s.outcomes);
        }

        MarginJobConfig config = config("clean");
        StreamExecutionEnvironment env = environment(null, null);
        MarginJob.build(env, config, FaultPoint.arm(FaultPoint.Action.SIGNAL, Long.MAX_VALUE));
        env.execute("clean");
        assertReconciled("clean");
        clean = contents("clean");
        assertThat(clean.get("call_ledger")).hasSizeGreaterThan(CALLS * 9 / 10);
        assertThat(clean.get("margin_window")).hasSizeGreaterThan(1000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void anExceptionInsideAnOperator() throws Exception {
        assertSameAsClean("operator_exception", FaultPoint.Action.THROW, () -> {});
    }

    @Test
    void postgresRestartedMidStream() throws Exception {
        assertSameAsClean("pg_restart", FaultPoint.Action.SIGNAL, () -> pg.restart());
    }

    @Test
    void postgresUnreachableForThirtySeconds() throws Exception {
        assertSameAsClean(
                "pg_down",
                FaultPoint.Action.SIGNAL,
                () -> {
                    pg.down();
                    Thread.sleep(30_000);
                    pg.up();
                });
    }

    @Test
    void theKafkaBrokerRestarted() throws Exception {
        assertSameAsClean("kafka_restart", FaultPoint.Action.SIGNAL, () -> kafka.restart());
    }

    @Test
    void theSinkConnectionsKilled() throws Exception {
        assertSameAsClean(
                "terminate_backend",
                FaultPoint.Action.SIGNAL,
                () -> assertThat(pg.terminateSinkConnections()).isPositive());
    }

    @Test
    void cancelledAndResumedFromTheLatestCheckpoint() throws Exception {
        String db = "cancel_resume";
        Path checkpoints = Files.createTempDirectory("p402-checkpoints-");
        MarginJobConfig config = config(db);
        StreamExecutionEnvironment env = environment(checkpoints, null);
        MarginJob.build(env, config, FaultPoint.arm(FaultPoint.Action.PAUSE, FAULT_AFTER));
        JobClient job = env.executeAsync(db);
        FaultPoint.awaitReached(Duration.ofSeconds(120));
        job.cancel().get(60, TimeUnit.SECONDS);

        Path latest = latestCheckpoint(checkpoints);
        FaultPoint.disarm();
        StreamExecutionEnvironment resumed = environment(checkpoints, latest);
        MarginJob.build(resumed, config, FaultPoint.arm(FaultPoint.Action.SIGNAL, Long.MAX_VALUE));
        JobClient resumedJob = resumed.executeAsync(db + "-resumed");

        // A bounded Kafka source restored from a checkpoint never ends by itself (FLINK-31006:
        // the restored enumerator never tells its readers there are no more splits). So wait
        // until the job has committed every offset, then stop it with a drain, which ends the
        // input exactly as the end of a bounded source does: final watermark, then end of input.
        awaitCommitted(config, Duration.ofMinutes(3));
        resumedJob
                .stopWithSavepoint(
                        true,
                        Files.createTempDirectory("p402-savepoints-").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        resumedJob.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        assertSame(db);
    }

    /**
     * Waits until the job's consumer group has committed the end offset of every partition it
     * commits at all, and then two more checkpoint intervals: a partition that a reader had
     * finished before the checkpoint it was restored from is in no reader's state and may never be
     * committed again, while one still being read commits at every checkpoint.
     */
    private static void awaitCommitted(MarginJobConfig config, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic :
                    List.of(config.callsTopic, config.revenueTopic, config.outcomesTopic)) {
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .forEach(
                                p ->
                                        latest.put(
                                                new TopicPartition(topic, p.partition()),
                                                OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, o) -> ends.put(tp, o.offset()));
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(config.groupId)
                                .partitionsToOffsetAndMetadata()
                                .get();
                boolean caughtUp =
                        !committed.isEmpty()
                                && committed.entrySet().stream()
                                        .allMatch(
                                                e ->
                                                        e.getValue().offset()
                                                                >= ends.getOrDefault(
                                                                        e.getKey(), 0L));
                quietChecks = caughtUp ? quietChecks + 1 : 0;
                if (quietChecks > 2 * CHECKPOINT_INTERVAL.toMillis() / 200) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "the resumed job did not commit " + ends + "; committed " + committed);
                }
                Thread.sleep(200);
            }
        }
    }

    interface Fault {
        void inject() throws Exception;
    }

    private static void assertSameAsClean(String db, FaultPoint.Action action, Fault fault)
            throws Exception {
        MarginJobConfig config = config(db);
        StreamExecutionEnvironment env = environment(null, null);
        MarginJob.build(env, config, FaultPoint.arm(action, FAULT_AFTER));
        JobClient job = env.executeAsync(db);
        FaultPoint.awaitReached(Duration.ofSeconds(120));
        fault.inject();
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertSame(db);
    }

    private static void assertSame(String db) throws Exception {
        assertReconciled(db);
        Map<String, List<String>> got = contents(db);
        for (String table : TABLES) {
            assertThat(got.get(table)).as(table).containsExactlyElementsOf(clean.get(table));
        }
    }

    private static MarginJobConfig config(String db) throws Exception {
        pg.createDatabase(db);
        String url = pg.jdbcUrl(db);
        LocalPostgres.migrate(url, "postgres", "", "p402");
        MarginJobConfig c = MarginJobConfig.fromMap(SETTINGS);
        c.bootstrapServers = kafka.bootstrapServers();
        c.bounded = true;
        c.jdbcUrl = url;
        c.jdbcUser = "postgres";
        c.jdbcPassword = "";
        c.groupId = "p402-" + db;
        return c;
    }

    private static StreamExecutionEnvironment environment(Path checkpoints, Path restoreFrom) {
        Configuration conf = LocalFlink.configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        if (checkpoints != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            conf.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toString());
        }
        return StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    }

    private static Path latestCheckpoint(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .max(
                            Comparator.comparingLong(
                                    p -> Long.parseLong(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint in " + dir));
        }
    }

    /**
     * Every record of the topics accounted for once, and the ledger's cost and revenue equal to the
     * tiling windows' of each spec: the check a user runs with {@code bin/p402 reconcile}.
     */
    private static void assertReconciled(String db) throws Exception {
        MarginJobConfig config = MarginJobConfig.fromMap(SETTINGS);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), "postgres", "");
                Admin admin = kafka.admin()) {
            Reconciliation r =
                    new Reconciliation(
                            c,
                            "p402",
                            Map.of(
                                    "calls", config.callsTopic,
                                    "revenue", config.revenueTopic,
                                    "outcomes", config.outcomesTopic));
            Reconciliation.Report report = new Reconciliation.Report();
            r.records(admin, null, null, report);
            for (WindowSpec spec : config.windows) {
                r.money(spec, null, null, null, report);
            }
            assertThat(report.ok()).as(db + "\n" + report).isTrue();
        }
    }

    /** Every row of every table, each as one line of its values, sorted. */
    private static Map<String, List<String>> contents(String db) throws Exception {
        Map<String, List<String>> all = new java.util.LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), "postgres", "");
                Statement st = c.createStatement()) {
            for (String table : TABLES) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT * FROM p402." + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            if (!md.getColumnName(i).equals("updated_at")) {
                                row.append(rs.getString(i)).append('|');
                            }
                        }
                        rows.add(row.toString());
                    }
                }
                Collections.sort(rows);
                all.put(table, rows);
            }
        }
        return all;
    }
}
