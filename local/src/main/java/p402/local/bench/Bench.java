package p402.local.bench;

import java.io.PrintWriter;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.config.WindowSpec;
import p402.local.EmbeddedKafka;
import p402.local.EventKind;
import p402.local.LocalFlink;
import p402.local.LocalPostgres;
import p402.local.demo.BuiltinTrace;
import p402.local.demo.CustomerShares;
import p402.local.demo.ReplayTraffic;
import p402.local.demo.ReplayedRecord;
import p402.local.demo.TraceRequest;
import p402.local.sql.SqlRunner;
import p402.local.sql.SqlScript;
import p402.local.sql.SqlVariables;
import p402.udfs.cost.CostEngine;
import p402.udfs.cost.UsageVector;

/**
 * Throughput and freshness of the margin job next to a Postgres-only design, on one machine.
 *
 * <p>Every run reads the same input: the demo's traffic (calls of four providers, outcomes,
 * revenue, repeats and bad records) generated from the built-in trace distributions, preloaded into
 * a fresh in-process broker. Work is measured as CPU time, of this JVM (Flink and the broker's
 * serving of fetches) plus the PostgreSQL server's processes, so "per core" means per CPU-second,
 * whatever else the machine does. A program, not a test: it prints numbers and asserts nothing.
 */
public final class Bench {

    /** What to run. */
    public record Settings(
            int records,
            int eventRate,
            List<Integer> parallelisms,
            List<String> windowVariants,
            List<String> designs,
            List<Integer> offeredRates,
            int lagSeconds,
            List<Integer> postgresRows,
            String jdbcUrl,
            String jdbcUser,
            String jdbcPassword) {}

    private static final int PARTITIONS = 2;
    private static final String PROBE_TENANT = "bench-probe";

    private final Settings settings;
    private final PrintWriter out;
    private final List<String[]> table = new ArrayList<>();

    public Bench(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs everything and prints the results as a Markdown table. */
    public void run() throws Exception {
        LocalPostgres.ensureReady(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        MarginJobConfig base = new MarginJobConfig();
        LocalPostgres.migrate(
                settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword(), base.schema);

        List<ReplayedRecord> input = input(settings.records());
        long calls = input.stream().filter(r -> r.kind() == EventKind.CALL).count();
        out.printf(
                "input: %,d records (%,d calls) of the demo's shape, built-in trace, %s%n",
                input.size(),
                calls,
                settings.eventRate() > 0
                        ? String.format("%,d calls per second of event time", settings.eventRate())
                        : "the trace's own arrival times");
        out.flush();

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(PARTITIONS, base.callsTopic, base.revenueTopic, base.outcomesTopic);
            long t0 = System.nanoTime();
            publish(kafka.bootstrapServers(), base, input);
            out.printf("preloaded into the broker in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            out.flush();
            input = null;

            // One unmeasured run first: JIT compilation and the first connections would otherwise
            // be charged to whichever configuration happens to run first.
            marginJob(kafka, settings.windowVariants().get(0), 2, calls, false);
            table.clear();

            boolean job = settings.designs().contains("job");
            boolean sql = settings.designs().contains("sql");
            for (String windows : settings.windowVariants()) {
                for (int p : settings.parallelisms()) {
                    if (!windows.equals(settings.windowVariants().get(0))
                            && p
                                    != settings.parallelisms()
                                            .get(settings.parallelisms().size() - 1)) {
                        continue;
                    }
                    if (job) {
                        marginJob(kafka, windows, p, calls, true);
                    }
                    if (sql) {
                        sqlMargin(kafka, windows, p, calls);
                    }
                }
            }
            if (settings.lagSeconds() > 0) {
                int run = 0;
                for (int rate : settings.offeredRates()) {
                    if (job) {
                        lag(kafka, rate, run++, false);
                    }
                    if (sql) {
                        lag(kafka, rate, run++, true);
                    }
                }
            }
        }
        for (int rows : settings.postgresRows()) {
            if (rows > 0) {
                postgresOnly(rows);
            }
        }
        print();
    }

    // ---------------------------------------------------------------------- (a) the margin job

    private void marginJob(
            EmbeddedKafka kafka, String windows, int parallelism, long calls, boolean report)
            throws Exception {
        MarginJobConfig config = config(kafka, windows, parallelism);
        config.bounded = true;
        config.groupId = "bench-" + System.nanoTime();
        truncate(config);
        Path checkpoints = Files.createTempDirectory("p402-bench-chk-");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        parallelism, checkpointed(checkpoints));
        MarginJob.build(env, config);
        measure(
                report ? "margin job" : "margin job (warm-up)",
                config,
                parallelism,
                calls,
                checkpoints,
                () -> env.execute("p402-bench"),
                "margin_window",
                "SELECT count(*) FROM (SELECT DISTINCT tenant_id, customer_id, feature_id,"
                        + " workflow_id FROM p402.call_ledger) k");
    }

    /** A bounded run to measure. */
    private interface BoundedRun {
        void run() throws Exception;
    }

    /**
     * Runs {@code run} and reports it: wall and CPU time (this JVM's and Postgres's), peak RSS, the
     * largest checkpoint per key ({@code keysSql} counts the keys), the window rows written.
     */
    private void measure(
            String design,
            MarginJobConfig config,
            int parallelism,
            long calls,
            Path checkpoints,
            BoundedRun run,
            String windowTable,
            String keysSql)
            throws Exception {
        // Checkpoints of a finished job are deleted with it, so their size is sampled as it runs.
        AtomicLong stateBytes = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler =
                new Thread(
                        () -> {
                            while (running.get()) {
                                try {
                                    stateBytes.accumulateAndGet(
                                            largestCheckpoint(checkpoints), Math::max);
                                    Thread.sleep(200);
                                } catch (Exception e) {
                                    return;
                                }
                            }
                        },
                        "bench-state-size");
        sampler.setDaemon(true);

        System.gc();
        Resources.resetPeakRss();
        sampler.start();
        double cpu0 = Resources.jvmCpuSeconds();
        double pg0 = Resources.postgresCpuSeconds();
        long t0 = System.nanoTime();
        try {
            run.run();
        } finally {
            running.set(false);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = Resources.jvmCpuSeconds() - cpu0;
        double pg = Resources.postgresCpuSeconds() - pg0;
        long rss = Resources.peakRssMib();

        long keys = scalar(config, keysSql);
        long rows = scalar(config, "SELECT count(*) FROM p402." + windowTable);
        String windows = config.windows.toString().replaceAll("[\\[\\] ]", "");
        row(
                design,
                windows,
                String.valueOf(parallelism),
                String.format("%,.0f", calls / wall),
                String.format("%,.0f", calls / (cpu + pg)),
                String.format("%.1f + %.1f", cpu, pg),
                "-",
                rss + " MiB",
                keys == 0 ? "-" : String.format("%,d B", stateBytes.get() / keys),
                String.format("%,d rows", rows));
        out.printf(
                "%s %s p=%d: %.1f s wall, %.1f s JVM CPU, %.1f s Postgres CPU, %,d rows%n",
                design, windows, parallelism, wall, cpu, pg, rows);
        out.flush();
    }

    // ------------------------------------------------------ (b) the live margin in Flink SQL

    /**
     * {@code sql/jobs/live_margin.sql} once per window spec, submitted together as one streaming
     * job over the preloaded topics (read up to their end), into {@code margin_window_sql}.
     */
    private void sqlMargin(EmbeddedKafka kafka, String windows, int parallelism, long calls)
            throws Exception {
        MarginJobConfig config = config(kafka, windows, parallelism);
        truncate(config);
        Path checkpoints = Files.createTempDirectory("p402-bench-sql-chk-");
        Map<String, String> values = sqlValues(config, "latest-offset");
        SqlRunner runner = new SqlRunner(sqlSettings(checkpointed(checkpoints), parallelism), null);
        List<String> setup = SqlScript.contractTables(SqlVariables.sqlHome(), values);
        List<String> scripts = liveMarginScripts(config, values);
        measure(
                "Flink SQL live margin",
                config,
                parallelism,
                calls,
                checkpoints,
                () -> runner.submitTogether(setup, scripts).getJobExecutionResult().get(),
                "margin_window_sql",
                "SELECT count(*) FROM (SELECT DISTINCT tenant_id, customer_id, feature_id,"
                        + " workflow_id FROM p402.margin_window_sql WHERE calls > 0) k");
    }

    /** The placeholders of {@code sql/} for this run's broker, topics and database. */
    private static Map<String, String> sqlValues(MarginJobConfig config, String boundedMode) {
        Map<String, String> v =
                SqlVariables.defaults(
                        config.bootstrapServers,
                        config.jdbcUrl,
                        config.jdbcUser,
                        config.jdbcPassword);
        v.put("kafka.topic.calls", config.callsTopic);
        v.put("kafka.topic.revenue", config.revenueTopic);
        v.put("kafka.topic.outcomes", config.outcomesTopic);
        v.put("kafka.group-id", "bench-sql-" + System.nanoTime());
        v.put("kafka.bounded-mode", boundedMode);
        return v;
    }

    /** The live margin's script, filled in once for each of the run's window specs. */
    private static List<String> liveMarginScripts(
            MarginJobConfig config, Map<String, String> values) throws Exception {
        String text = Files.readString(SqlVariables.sqlHome().resolve("jobs/live_margin.sql"));
        List<String> scripts = new ArrayList<>();
        for (WindowSpec spec : config.windows) {
            Map<String, String> v = new LinkedHashMap<>(values);
            v.put("window.spec", spec.name);
            v.put("window.retention-seconds", String.valueOf(spec.retentionMillis / 1000));
            scripts.add(SqlScript.substitute(text, SqlVariables.complete(v)));
        }
        return scripts;
    }

    /** The local Flink settings of {@code base} at {@code parallelism}, as SQL settings. */
    private static Map<String, String> sqlSettings(Configuration base, int parallelism) {
        Map<String, String> s = new LinkedHashMap<>(base.toMap());
        s.put("parallelism.default", String.valueOf(parallelism));
        // The planner names its operators itself; the job's rule that every operator carries a
        // hand-set uid() does not apply to SQL.
        s.put(PipelineOptions.AUTO_GENERATE_UIDS.key(), "true");
        return s;
    }

    /** Local Flink settings plus checkpoints kept on disk, so the state's size can be read. */
    private static Configuration checkpointed(Path dir) {
        Configuration conf = LocalFlink.configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(3));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return conf;
    }

    /** The largest retained checkpoint: the state at its fullest, all operators together. */
    private static long largestCheckpoint(Path dir) throws Exception {
        long largest = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var jobs = Files.list(dir)) {
            for (Path job : (Iterable<Path>) jobs::iterator) {
                try (var chks = Files.list(job)) {
                    for (Path chk : (Iterable<Path>) chks::iterator) {
                        if (chk.getFileName().toString().startsWith("chk-")) {
                            largest = Math.max(largest, Resources.sizeOf(chk));
                        }
                    }
                }
                // Incremental or shared state files would be counted here; heap state has none.
            }
        }
        return largest;
    }

    // ---------------------------------------------------------------- event-to-tile lag, live

    /**
     * The job runs unbounded while calls are offered at a fixed rate with event time = now; every
     * 50 ms a probe call of a customer never seen before goes out, and the time until its first
     * {@code margin_window} row is visible in Postgres is its event-to-tile lag.
     */
    private void lag(EmbeddedKafka kafka, int rate, int run, boolean sql) throws Exception {
        int parallelism = settings.parallelisms().get(settings.parallelisms().size() - 1);
        MarginJobConfig config = config(kafka, settings.windowVariants().get(0), parallelism);
        config.callsTopic = "bench.live" + run + ".calls";
        config.revenueTopic = "bench.live" + run + ".revenue";
        config.outcomesTopic = "bench.live" + run + ".outcomes";
        config.groupId = "bench-live-" + System.nanoTime();
        kafka.createTopics(
                PARTITIONS, config.callsTopic, config.revenueTopic, config.outcomesTopic);
        truncate(config);

        JobClient job;
        String table;
        if (sql) {
            Map<String, String> values = sqlValues(config, "unbounded");
            SqlRunner runner =
                    new SqlRunner(sqlSettings(LocalFlink.configuration(), parallelism), null);
            job =
                    runner.submitTogether(
                            SqlScript.contractTables(SqlVariables.sqlHome(), values),
                            liveMarginScripts(config, values));
            table = "margin_window_sql";
        } else {
            StreamExecutionEnvironment env = LocalFlink.environment(parallelism);
            MarginJob.build(env, config);
            job = env.executeAsync("p402-bench-live");
            table = "margin_window";
        }
        Thread.sleep(3000);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong offered = new AtomicLong();
        Map<String, Long> probesSent = Collections.synchronizedMap(new LinkedHashMap<>());
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread producer =
                new Thread(
                        () -> offer(kafka, config, rate, stop, offered, probesSent, failure),
                        "bench-offer");
        long start = System.nanoTime();
        producer.start();

        List<Long> lags = new ArrayList<>();
        // The live run's revenue and outcome topics are silent: until they are declared idle
        // (config.idleness) the watermark, and so every window, waits. That is start-up, not lag.
        long warmUpEnd = start + config.idleness.toNanos() + TimeUnit.SECONDS.toNanos(5);
        long end = start + TimeUnit.SECONDS.toNanos(settings.lagSeconds());
        Map<String, Long> pending = new HashMap<>();
        try (Connection c =
                        LocalPostgres.connect(
                                config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
                PreparedStatement seen =
                        c.prepareStatement(
                                "SELECT DISTINCT customer_id FROM p402."
                                        + table
                                        + " WHERE tenant_id = ? AND customer_id = ANY (?)")) {
            while (System.nanoTime() < end + TimeUnit.SECONDS.toNanos(10)) {
                synchronized (probesSent) {
                    pending.putAll(probesSent);
                    probesSent.clear();
                }
                if (System.nanoTime() >= end) {
                    stop.set(true);
                }
                if (pending.isEmpty() && stop.get()) {
                    break;
                }
                seen.setString(1, PROBE_TENANT);
                seen.setArray(2, c.createArrayOf("text", pending.keySet().toArray()));
                long now = System.nanoTime();
                try (ResultSet rs = seen.executeQuery()) {
                    while (rs.next()) {
                        Long sent = pending.remove(rs.getString(1));
                        if (sent != null && sent > warmUpEnd) {
                            lags.add(now - sent);
                        }
                    }
                }
                Thread.sleep(20);
            }
        } finally {
            stop.set(true);
            producer.join(10_000);
            job.cancel().get(1, TimeUnit.MINUTES);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        Collections.sort(lags);
        double seconds = settings.lagSeconds();
        row(
                sql ? "Flink SQL live margin, live" : "margin job, live",
                config.windows.toString().replaceAll("[\\[\\] ]", ""),
                String.valueOf(parallelism),
                String.format("%,.0f offered", offered.get() / seconds),
                "-",
                "-",
                lags.isEmpty()
                        ? "no probe seen"
                        : String.format(
                                "p50 %d ms, p99 %d ms (%d probes)",
                                percentile(lags, 50) / 1_000_000,
                                percentile(lags, 99) / 1_000_000,
                                lags.size()),
                "-",
                "-",
                pending.size() + " probes unseen");
    }

    private void offer(
            EmbeddedKafka kafka,
            MarginJobConfig config,
            int rate,
            AtomicBoolean stop,
            AtomicLong offered,
            Map<String, Long> probesSent,
            AtomicReference<Exception> failure) {
        SplittableRandom random = new SplittableRandom(402);
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
            long start = System.nanoTime();
            long nextProbe = start;
            int probe = 0;
            while (!stop.get()) {
                long now = System.nanoTime();
                long due = (long) ((now - start) / 1e9 * rate);
                while (offered.get() < due) {
                    long n = offered.incrementAndGet();
                    String json =
                            liveCall(
                                    "bench-live-" + n,
                                    "bench-" + random.nextInt(3),
                                    "cust-" + random.nextInt(1000),
                                    random.nextInt(200, 4000),
                                    random.nextInt(20, 800));
                    producer.send(
                            new ProducerRecord<>(
                                    config.callsTopic, json.getBytes(StandardCharsets.UTF_8)));
                }
                if (now >= nextProbe) {
                    String customer = "probe-" + probe++;
                    producer.send(
                            new ProducerRecord<>(
                                    config.callsTopic,
                                    liveCallOf(PROBE_TENANT, customer, "probe-call-" + probe)
                                            .getBytes(StandardCharsets.UTF_8)));
                    producer.flush();
                    probesSent.put(customer, System.nanoTime());
                    nextProbe = now + TimeUnit.MILLISECONDS.toNanos(50);
                }
                Thread.sleep(1);
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private static String liveCall(
            String id, String tenant, String customer, int input, int output) {
        return "{\"schema\":\"p402.call.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + tenant
                + "\",\"occurred_at\":\""
                + Instant.now()
                + "\",\"provider\":\"openai\","
                + "\"customer_id\":\""
                + customer
                + "\",\"feature_id\":\"chat\","
                + "\"model\":\"gpt-4o-mini\",\"usage\":{\"prompt_tokens\":"
                + input
                + ",\"completion_tokens\":"
                + output
                + "}}";
    }

    private static String liveCallOf(String tenant, String customer, String id) {
        return liveCall(id, tenant, customer, 100, 10);
    }

    // ------------------------------------------------------------- (c) Postgres alone

    /**
     * The design a team without a stream processor would pick: every call priced in the ingest
     * client and inserted as a raw row; tiles computed by {@code GROUP BY} when they are read.
     */
    private void postgresOnly(int rows) throws Exception {
        try (Connection c =
                        LocalPostgres.connect(
                                settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench_pg");
            st.execute("DROP TABLE IF EXISTS bench_pg.raw_calls");
            st.execute(
                    "CREATE TABLE bench_pg.raw_calls (tenant_id text NOT NULL, customer_id text"
                            + " NOT NULL, feature_id text NOT NULL, workflow_id text NOT NULL,"
                            + " occurred_at timestamptz NOT NULL, input_tokens bigint NOT NULL,"
                            + " output_tokens bigint NOT NULL, cost_usd numeric)");
            st.execute("CREATE INDEX ON bench_pg.raw_calls (tenant_id, occurred_at)");

            double cpu0 = Resources.jvmCpuSeconds();
            double pg0 = Resources.postgresCpuSeconds();
            long t0 = System.nanoTime();
            insertRaw(c, rows);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = Resources.jvmCpuSeconds() - cpu0 + Resources.postgresCpuSeconds() - pg0;
            st.execute("ANALYZE bench_pg.raw_calls");

            String byCustomer =
                    "SELECT customer_id, count(*), sum(cost_usd) FROM bench_pg.raw_calls WHERE"
                        + " tenant_id = 'bench-1' AND occurred_at >= ?::timestamptz - interval '24"
                        + " hours' AND occurred_at < ? GROUP BY customer_id ORDER BY 3 DESC LIMIT"
                        + " 20";
            String slidingHour =
                    "SELECT w.start, count(r.*), sum(r.cost_usd) FROM"
                        + " generate_series(?::timestamptz - interval '24 hours', ?::timestamptz -"
                        + " interval '1 hour', interval '1 minute') AS w(start) LEFT JOIN"
                        + " bench_pg.raw_calls r ON r.tenant_id = 'bench-1' AND r.customer_id ="
                        + " 'cust-7' AND r.occurred_at >= w.start AND r.occurred_at < w.start +"
                        + " interval '1 hour' GROUP BY w.start";
            long q1 = timeQuery(c, byCustomer);
            long q2 = timeQuery(c, slidingHour);
            row(
                    "Postgres only",
                    "GROUP BY on read",
                    "-",
                    String.format("%,.0f", rows / wall),
                    String.format("%,.0f", rows / cpu),
                    String.format("%.1f", cpu),
                    "tile = query time",
                    "-",
                    "-",
                    String.format(
                            "%,d rows: 24h by customer %d ms, 1h/1m series %d ms", rows, q1, q2));
        }
    }

    private static final Instant PG_END = Instant.parse("2026-03-09T00:00:00Z");

    private static void insertRaw(Connection c, int rows) throws Exception {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        SplittableRandom random = new SplittableRandom(402);
        StringBuilder batch = new StringBuilder(1 << 20);
        long span = Duration.ofDays(7).toMillis();
        long from = PG_END.toEpochMilli() - span;
        CostEngine engine = CostEngine.builtIn();
        for (int i = 0; i < rows; i++) {
            long at = from + (long) i * span / rows;
            long input = random.nextInt(200, 4000);
            long output = random.nextInt(20, 800);
            BigDecimal cost =
                    engine.quote(
                                    "openai",
                                    "gpt-4o-mini",
                                    new UsageVector(input, 0, 0, 0, output, 0, 0),
                                    null,
                                    at)
                            .costUsd;
            batch.append("bench-")
                    .append(random.nextInt(3))
                    .append("\tcust-")
                    .append(random.nextInt(1000))
                    .append("\tchat\t\t")
                    .append(Instant.ofEpochMilli(at))
                    .append('\t')
                    .append(input)
                    .append('\t')
                    .append(output)
                    .append('\t')
                    .append(cost == null ? "\\N" : cost.toPlainString())
                    .append('\n');
            if (batch.length() > (1 << 20) || i == rows - 1) {
                copy.copyIn(
                        "COPY bench_pg.raw_calls FROM STDIN", new StringReader(batch.toString()));
                batch.setLength(0);
            }
        }
    }

    /** The median of five runs of the query, after one warm-up, in milliseconds. */
    private static long timeQuery(Connection c, String sql) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setTimestamp(1, Timestamp.from(PG_END));
                ps.setTimestamp(2, Timestamp.from(PG_END));
                long t0 = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // Drain it: the client pays for the rows too.
                    }
                }
                if (i > 0) {
                    times.add((System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }

    // ------------------------------------------------------------------------------- helpers

    private List<ReplayedRecord> input(int records) {
        // The demo's traffic has about 1.9 records per trace request (call, outcome, repeats).
        int requests = Math.max(100, (int) (records / 1.86));
        List<TraceRequest> trace = BuiltinTrace.generate(ReplayTraffic.DEFAULT_SEED, requests);
        if (settings.eventRate() > 0) {
            // A production service sending this many calls a second packs them this densely in
            // event time; the trace's own 2.6 requests a second would spread them over days, and
            // the windows they open, not the calls, would be what the run measures.
            List<TraceRequest> dense = new ArrayList<>(trace.size());
            for (int i = 0; i < trace.size(); i++) {
                TraceRequest r = trace.get(i);
                dense.add(
                        new TraceRequest(
                                i * 1_000_000_000L / settings.eventRate(),
                                r.contextTokens(),
                                r.generatedTokens()));
            }
            trace = dense;
        }
        ReplayTraffic.Replay replay =
                ReplayTraffic.generate(
                        trace,
                        CustomerShares.builtIn(),
                        ReplayTraffic.DEFAULT_SEED,
                        ReplayTraffic.DEFAULT_START);
        return replay.records();
    }

    private static void publish(String bootstrap, MarginJobConfig config, List<ReplayedRecord> in)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (ReplayedRecord r : in) {
                String topic =
                        switch (r.kind()) {
                            case CALL -> config.callsTopic;
                            case REVENUE -> config.revenueTopic;
                            case OUTCOME -> config.outcomesTopic;
                        };
                byte[] value = r.json().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, r.kind().keyOf(value), value));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private MarginJobConfig config(EmbeddedKafka kafka, String windows, int parallelism) {
        Map<String, String> s = new HashMap<>();
        s.put("windows", windows);
        s.put("parallelism", String.valueOf(parallelism));
        s.put("jdbc.url", settings.jdbcUrl());
        s.put("jdbc.user", settings.jdbcUser());
        s.put("jdbc.password", settings.jdbcPassword());
        MarginJobConfig config = MarginJobConfig.fromMap(s);
        config.bootstrapServers = kafka.bootstrapServers();
        return config;
    }

    private static void truncate(MarginJobConfig config) throws Exception {
        try (Connection c =
                        LocalPostgres.connect(
                                config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
                Statement st = c.createStatement()) {
            st.execute(
                    "TRUNCATE p402.margin_window, p402.margin_window_sql, p402.call_ledger,"
                            + " p402.revenue_ledger, p402.outcome_ledger, p402.duplicate_delivery,"
                            + " p402.dead_letter");
        }
    }

    private static long scalar(MarginJobConfig config, String sql) throws Exception {
        try (Connection c =
                        LocalPostgres.connect(
                                config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private void row(String... cells) {
        table.add(cells);
    }

    private void print() {
        out.println();
        out.println(
                "| design | windows | parallelism | calls/s (wall) | calls/s per core (CPU) | CPU s"
                        + " (JVM + Postgres) | event-to-tile lag | peak RSS | state per key |"
                        + " notes |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String[] r : table) {
            out.println("| " + String.join(" | ", r) + " |");
        }
        out.flush();
    }
}
