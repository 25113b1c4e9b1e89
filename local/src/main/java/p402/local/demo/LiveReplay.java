package p402.local.demo;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.config.WindowSpec;
import p402.local.EmbeddedKafka;
import p402.local.EventKind;
import p402.local.LocalFlink;
import p402.local.LocalPostgres;

/**
 * Runs a replay through the whole local stack while it is being published: the margin job reads
 * from a fresh in-process broker as the records arrive, and this class watches Postgres to measure
 * how long each call takes to reach the tiles. Once everything published is in a ledger, the live
 * job is cancelled and the same job runs bounded over the same topics, from an empty database, so
 * every window ends final and revenue is earned up to the latest event time seen.
 *
 * <p>The database is emptied first: the demo owns it (see docs/demo.md).
 */
public final class LiveReplay {

    /** The tables a record can land in; together they hold every record read exactly once. */
    public static final List<String> RECORD_TABLES =
            List.of(
                    "call_ledger",
                    "revenue_ledger",
                    "outcome_ledger",
                    "duplicate_delivery",
                    "dead_letter");

    static final int PARTITIONS = 2;
    static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);

    /** After the ledgers are complete, how long to wait for the tiles to pass the last calls. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);

    static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(20);

    /** Where the job writes, and how fast to publish. */
    public record Settings(
            String jdbcUrl, String jdbcUser, String jdbcPassword, int parallelism, double speed) {}

    /** One lag sample: a call's event time and how long after its publish its tile showed it. */
    public record LagSample(long eventTimeMillis, long lagMillis) {}

    /** What the run measured. */
    public record Outcome(
            MarginJobConfig config,
            long published,
            long publishMillis,
            long catchUpMillis,
            long totalMillis,
            WindowSpec lagSpec,
            List<LagSample> lag) {}

    private LiveReplay() {}

    public static Outcome run(ReplayTraffic.Replay replay, Settings settings, PrintWriter out)
            throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("jdbc.url", settings.jdbcUrl());
        s.put("jdbc.user", settings.jdbcUser());
        s.put("jdbc.password", settings.jdbcPassword());
        s.put("parallelism", String.valueOf(settings.parallelism()));
        MarginJobConfig config = MarginJobConfig.fromMap(s);
        WindowSpec lagSpec =
                config.windows.stream()
                        .min(Comparator.comparingLong(w -> w.slideMillis))
                        .orElseThrow();

        LocalPostgres.ensureReady(config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
        LocalPostgres.migrate(config.jdbcUrl, config.jdbcUser, config.jdbcPassword, config.schema);
        emptyTables(config);

        long started = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            config.bootstrapServers = kafka.bootstrapServers();
            kafka.createTopics(
                    PARTITIONS, config.callsTopic, config.revenueTopic, config.outcomesTopic);

            StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism);
            MarginJob.build(env, config);
            JobClient job = env.executeAsync("p402-demo");
            awaitRunning(job);
            out.printf(
                    "job %s running; replaying %,d records%n",
                    job.getJobID(), replay.records().size());
            out.flush();

            Publisher publisher = new Publisher(replay, config, settings.speed());
            Thread publishing = new Thread(publisher, "p402-demo-publisher");
            long publishStart = System.nanoTime();
            publishing.start();

            Watcher watcher = new Watcher(replay, config, lagSpec, publisher, publishStart, out);
            try {
                watcher.watchUntilCaughtUp(publishing);
            } finally {
                publishing.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (publisher.failure.get() != null) {
                throw new IllegalStateException("publishing failed", publisher.failure.get());
            }
            long caughtUp = System.nanoTime();

            // The live job's open windows stay open (its watermark trails the latest event), so
            // the finished stream is processed once more by the same job, bounded, from an empty
            // database: every window ends final and revenue is earned up to the latest event time,
            // as any bounded run of these records would leave Postgres.
            out.println("caught up; closing every window with a bounded run over the same topics");
            out.flush();
            job.cancel().get(1, TimeUnit.MINUTES);
            try {
                job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException expected) {
                // Cancelled, as asked.
            }
            emptyTables(config);
            config.bounded = true;
            config.groupId = config.groupId + "-final";
            StreamExecutionEnvironment bounded = LocalFlink.environment(config.parallelism);
            MarginJob.build(bounded, config);
            bounded.execute("p402-demo-final");
            long finished = System.nanoTime();

            return new Outcome(
                    config,
                    publisher.sent.get(),
                    TimeUnit.NANOSECONDS.toMillis(publisher.finishedNanos - publishStart),
                    TimeUnit.NANOSECONDS.toMillis(caughtUp - publishStart),
                    TimeUnit.NANOSECONDS.toMillis(finished - started),
                    lagSpec,
                    watcher.samples);
        }
    }

    /** Empties every table of the job's schema except the migration history. */
    static void emptyTables(MarginJobConfig config) throws SQLException {
        try (Connection c =
                        LocalPostgres.connect(
                                config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)"
                                    + " FROM pg_tables WHERE schemaname = ?"
                                    + " AND tablename <> 'flyway_schema_history'")) {
                ps.setString(1, config.schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            if (!tables.isEmpty()) {
                st.execute("TRUNCATE " + String.join(", ", tables));
            }
        }
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job did not start within 60 s");
            }
            Thread.sleep(50);
        }
    }

    /** Publishes the records in order, at {@code speed} times the trace's pace (0: no pause). */
    private static final class Publisher implements Runnable {
        private final ReplayTraffic.Replay replay;
        private final MarginJobConfig config;
        private final double speed;
        final AtomicLong sent = new AtomicLong();
        final AtomicLongArray ackNanos;
        final AtomicReference<Exception> failure = new AtomicReference<>();
        volatile long finishedNanos;
        volatile boolean finished;

        Publisher(ReplayTraffic.Replay replay, MarginJobConfig config, double speed) {
            this.replay = replay;
            this.config = config;
            this.speed = speed;
            this.ackNanos = new AtomicLongArray(replay.expected().calls().size());
        }

        @Override
        public void run() {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            long wallStart = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                for (ReplayedRecord r : replay.records()) {
                    if (speed > 0) {
                        long due =
                                wallStart
                                        + (long)
                                                ((r.publishAtMillis() - replay.startMillis())
                                                        * 1e6
                                                        / speed);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            producer.flush();
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    byte[] value = r.json().getBytes(StandardCharsets.UTF_8);
                    int call = r.callIndex();
                    producer.send(
                            new ProducerRecord<>(topic(r.kind()), r.kind().keyOf(value), value),
                            (metadata, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else if (call >= 0) {
                                    ackNanos.set(call, System.nanoTime());
                                }
                            });
                    sent.incrementAndGet();
                }
                producer.flush();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            } finally {
                finishedNanos = System.nanoTime();
                finished = true;
            }
        }

        private String topic(EventKind kind) {
            return switch (kind) {
                case CALL -> config.callsTopic;
                case REVENUE -> config.revenueTopic;
                case OUTCOME -> config.outcomesTopic;
            };
        }
    }

    /**
     * Polls Postgres: how many records are in the ledgers, and per tenant how far the tiles of the
     * finest window spec have got in event time (the latest window end less one slide: a window has
     * a row once the job's frontier reached its last slide). A call's lag is the time from its
     * publish (broker acknowledgement) to the first poll that finds its tenant's tiles at or past
     * its event time.
     */
    private static final class Watcher {
        private final ReplayTraffic.Replay replay;
        private final MarginJobConfig config;
        private final WindowSpec spec;
        private final Publisher publisher;
        private final long publishStart;
        private final PrintWriter out;
        private final Map<String, int[]> callsByTenant = new LinkedHashMap<>();
        private final Map<String, Integer> nextByTenant = new LinkedHashMap<>();
        final List<LagSample> samples = new ArrayList<>();

        Watcher(
                ReplayTraffic.Replay replay,
                MarginJobConfig config,
                WindowSpec spec,
                Publisher publisher,
                long publishStart,
                PrintWriter out) {
            this.replay = replay;
            this.config = config;
            this.spec = spec;
            this.publisher = publisher;
            this.publishStart = publishStart;
            this.out = out;
            List<ExpectedLedger.Call> calls = replay.expected().calls();
            Map<String, List<Integer>> by = new LinkedHashMap<>();
            for (int i = 0; i < calls.size(); i++) {
                by.computeIfAbsent(calls.get(i).tenantId(), t -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<String, List<Integer>> e : by.entrySet()) {
                int[] idx = e.getValue().stream().mapToInt(Integer::intValue).toArray();
                callsByTenant.put(e.getKey(), idx);
                nextByTenant.put(e.getKey(), 0);
            }
        }

        void watchUntilCaughtUp(Thread publishing) throws Exception {
            long expected = replay.expected().published();
            long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
            long lastProgress = 0;
            long completeSince = -1;
            try (Connection c =
                    LocalPostgres.connect(config.jdbcUrl, config.jdbcUser, config.jdbcPassword)) {
                while (true) {
                    long now = System.nanoTime();
                    long inLedgers = ledgered(c);
                    Map<String, Long> tiles = tileFrontiers(c);
                    sample(tiles, now);

                    boolean complete = publisher.finished && inLedgers >= expected;
                    if (complete && completeSince < 0) {
                        completeSince = now;
                    }
                    boolean allSampled = samples.size() == replay.expected().calls().size();
                    if (now - lastProgress >= PROGRESS_INTERVAL.toNanos()
                            || (complete && allSampled)) {
                        progress(now, inLedgers, expected, tiles);
                        lastProgress = now;
                    }
                    if (complete
                            && (allSampled || now - completeSince > SETTLE_TIMEOUT.toNanos())) {
                        return;
                    }
                    if (publisher.failure.get() != null) {
                        return;
                    }
                    if (now > deadline) {
                        throw new IllegalStateException(
                                "the job did not catch up within "
                                        + CATCH_UP_TIMEOUT
                                        + ": "
                                        + inLedgers
                                        + " of "
                                        + expected
                                        + " records in the ledgers");
                    }
                    Thread.sleep(POLL_INTERVAL.toMillis());
                }
            }
        }

        private void sample(Map<String, Long> tiles, long now) {
            List<ExpectedLedger.Call> calls = replay.expected().calls();
            for (Map.Entry<String, int[]> e : callsByTenant.entrySet()) {
                Long frontier = tiles.get(e.getKey());
                if (frontier == null) {
                    continue;
                }
                int[] idx = e.getValue();
                int next = nextByTenant.get(e.getKey());
                while (next < idx.length) {
                    int i = idx[next];
                    long acked = publisher.ackNanos.get(i);
                    if (acked == 0 || calls.get(i).occurredAt() > frontier) {
                        break;
                    }
                    samples.add(
                            new LagSample(
                                    calls.get(i).occurredAt(),
                                    TimeUnit.NANOSECONDS.toMillis(now - acked)));
                    next++;
                }
                nextByTenant.put(e.getKey(), next);
            }
        }

        private void progress(long now, long inLedgers, long expected, Map<String, Long> tiles) {
            long tileTime =
                    tiles.values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
            long[] lags = samples.stream().mapToLong(LagSample::lagMillis).sorted().toArray();
            out.printf(
                    "  %5.1f s  published %,d/%,d  in ledgers %,d  tiles at %s  lag p50 %s%n",
                    (now - publishStart) / 1e9,
                    publisher.sent.get(),
                    expected,
                    inLedgers,
                    tileTime == Long.MIN_VALUE
                            ? "-"
                            : ReplayTraffic.time(tileTime).substring(11, 19),
                    lags.length == 0
                            ? "-"
                            : String.format("%.2f s", lags[lags.length / 2] / 1000.0));
            out.flush();
        }

        private long ledgered(Connection c) throws SQLException {
            StringBuilder sql = new StringBuilder("SELECT 0");
            for (String table : RECORD_TABLES) {
                sql.append(" + (SELECT count(*) FROM ")
                        .append(config.schema)
                        .append('.')
                        .append(table)
                        .append(')');
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql.toString())) {
                rs.next();
                return rs.getLong(1);
            }
        }

        private Map<String, Long> tileFrontiers(Connection c) throws SQLException {
            Map<String, Long> frontiers = new LinkedHashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT max(window_end) FROM "
                                    + config.schema
                                    + ".margin_window WHERE tenant_id = ? AND window_spec = ?")) {
                for (String tenant : callsByTenant.keySet()) {
                    ps.setString(1, tenant);
                    ps.setString(2, spec.name);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        Timestamp end = rs.getTimestamp(1);
                        if (end != null) {
                            frontiers.put(tenant, end.getTime() - spec.slideMillis);
                        }
                    }
                }
            }
            return frontiers;
        }
    }

    static long[] sortedLags(List<LagSample> samples) {
        long[] lags = samples.stream().mapToLong(LagSample::lagMillis).toArray();
        Arrays.sort(lags);
        return lags;
    }
}
