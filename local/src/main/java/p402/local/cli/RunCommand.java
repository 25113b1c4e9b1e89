package p402.local.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.EmbeddedKafka;
import p402.local.EventKind;
import p402.local.JsonlPublisher;
import p402.local.LocalFlink;
import p402.local.LocalPostgres;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code p402 run}: the whole product on this machine. Postgres is made ready and migrated, a fresh
 * in-process broker gets the three topics and the given files, and only then does the job start, so
 * a bounded run sees every event and ends when it has processed them.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Publishes JSON Lines files to a fresh in-process Kafka and runs the margin job on a"
                    + " local Flink, writing to Postgres.",
            "Without --bounded it keeps running, reading new events, until Ctrl-C."
        })
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    static final int PARTITIONS = 2;

    /** The tables a run reports on; one that does not exist (yet) is reported as absent. */
    static final List<String> SUMMARY_TABLES =
            List.of("call_ledger", "margin_window", "dead_letter");

    /** Settings that have their own option, or that a local run decides itself. */
    private static final Map<String, String> OWNED_SETTINGS =
            Map.of(
                    "kafka.bootstrap-servers", "the run's own broker",
                    "bounded", "--bounded",
                    "jdbc.url", "--jdbc-url",
                    "jdbc.user", "--jdbc-user",
                    "jdbc.password", "--jdbc-password",
                    "parallelism", "--parallelism",
                    "prices.file", "--prices",
                    "prices.effective-from", "--prices-effective-from");

    /** Adds the job to an environment; the margin job unless a test puts another here. */
    interface JobBuilder {
        void build(StreamExecutionEnvironment env, MarginJobConfig config);
    }

    private final JobBuilder jobBuilder;

    @Spec CommandSpec spec;

    @Option(names = "--calls", paramLabel = "FILE", description = "Call events, JSON Lines.")
    Path calls;

    @Option(names = "--revenue", paramLabel = "FILE", description = "Revenue events, JSON Lines.")
    Path revenue;

    @Option(names = "--outcomes", paramLabel = "FILE", description = "Outcome events, JSON Lines.")
    Path outcomes;

    @Option(
            names = "--bounded",
            description = "Process what was published, then stop and print a summary.")
    boolean bounded;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description =
                    "A price book (p402.price-book.v1) or a LiteLLM model price map, added to the"
                            + " built-in book.")
    Path prices;

    @Option(
            names = "--prices-effective-from",
            paramLabel = "TIME",
            description =
                    "When a LiteLLM map's prices take effect, RFC 3339 (default:"
                            + " 2000-01-01T00:00:00Z).")
    String pricesEffectiveFrom;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Flink parallelism (default: the job's own, 2).")
    Integer parallelism;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any other job setting, as MarginJobConfig reads it (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    RunCommand() {
        this(MarginJob::build);
    }

    RunCommand(JobBuilder jobBuilder) {
        this.jobBuilder = jobBuilder;
    }

    @Override
    public Integer call() throws Exception {
        MarginJobConfig config = config();
        for (Path file : new Path[] {calls, revenue, outcomes, prices}) {
            if (file != null && !Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + file);
            }
        }
        PrintWriter out = spec.commandLine().getOut();

        LocalPostgres.ensureReady(config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
        LocalPostgres.migrate(config.jdbcUrl, config.jdbcUser, config.jdbcPassword, config.schema);

        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            config.bootstrapServers = kafka.bootstrapServers();
            kafka.createTopics(
                    PARTITIONS, config.callsTopic, config.revenueTopic, config.outcomesTopic);
            publishInputs(kafka, config, out);

            StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism);
            jobBuilder.build(env, config);
            if (bounded) {
                Map<String, Long> before = rowCounts(config);
                runToEnd(env, config, out, before);
            } else {
                runUntilStopped(env, kafka, out);
            }
            return 0;
        } finally {
            kafka.close();
        }
    }

    private MarginJobConfig config() {
        for (String key : settings.keySet()) {
            String owner = OWNED_SETTINGS.get(key);
            if (owner != null) {
                throw new ParameterException(
                        spec.commandLine(), "--set " + key + " is not allowed here: use " + owner);
            }
        }
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("bounded", String.valueOf(bounded));
        all.put("jdbc.url", jdbc.url);
        all.put("jdbc.user", jdbc.user);
        all.put("jdbc.password", jdbc.password);
        if (parallelism != null) {
            if (parallelism < 1) {
                throw new ParameterException(spec.commandLine(), "--parallelism must be >= 1");
            }
            all.put("parallelism", String.valueOf(parallelism));
        }
        if (prices != null) {
            all.put("prices.file", prices.toAbsolutePath().toString());
        }
        if (pricesEffectiveFrom != null) {
            all.put("prices.effective-from", pricesEffectiveFrom);
        }
        try {
            return MarginJobConfig.fromMap(all);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
        }
    }

    private void publishInputs(EmbeddedKafka kafka, MarginJobConfig config, PrintWriter out)
            throws Exception {
        try (JsonlPublisher publisher = new JsonlPublisher(kafka.bootstrapServers())) {
            publish(publisher, config.callsTopic, EventKind.CALL, calls);
            publish(publisher, config.revenueTopic, EventKind.REVENUE, revenue);
            publish(publisher, config.outcomesTopic, EventKind.OUTCOME, outcomes);
        }
        // What the job will find, as the broker counts it.
        for (String topic : List.of(config.callsTopic, config.revenueTopic, config.outcomesTopic)) {
            out.printf("topic %s: %d records%n", topic, kafka.recordCount(topic));
        }
        out.flush();
    }

    private static void publish(JsonlPublisher publisher, String topic, EventKind kind, Path file)
            throws Exception {
        if (file != null) {
            long n = publisher.publish(topic, kind, file);
            LOG.info("Published {} records from {} to {}", n, file, topic);
        }
    }

    /**
     * Runs the job to its end and prints the rows of each summary table: how many there are, and
     * how many more than {@code before} (the database may hold earlier runs' rows).
     */
    private void runToEnd(
            StreamExecutionEnvironment env,
            MarginJobConfig config,
            PrintWriter out,
            Map<String, Long> before)
            throws Exception {
        long started = System.nanoTime();
        env.execute("p402-margin");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        out.printf("job finished in %.1f s%n", millis / 1000.0);
        Map<String, Long> after = rowCounts(config);
        for (String table : SUMMARY_TABLES) {
            String name = config.schema + "." + table;
            Long rows = after.get(table);
            if (rows == null) {
                out.printf("%s: absent%n", name);
            } else {
                long added = rows - before.getOrDefault(table, 0L);
                out.printf("%s: %d rows (%+d in this run)%n", name, rows, added);
            }
        }
        out.flush();
    }

    /** Row count per summary table; a table that does not exist has no entry. */
    private static Map<String, Long> rowCounts(MarginJobConfig config) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c =
                LocalPostgres.connect(config.jdbcUrl, config.jdbcUser, config.jdbcPassword)) {
            for (String table : SUMMARY_TABLES) {
                Long rows = rowCount(c, config.schema, table);
                if (rows != null) {
                    counts.put(table, rows);
                }
            }
        }
        return counts;
    }

    private void runUntilStopped(
            StreamExecutionEnvironment env, EmbeddedKafka kafka, PrintWriter out) throws Exception {
        JobClient job = env.executeAsync("p402-margin");
        out.printf(
                "job %s running; Kafka at %s; Ctrl-C stops it%n",
                job.getJobID(), kafka.bootstrapServers());
        out.flush();

        AtomicBoolean stopping = new AtomicBoolean();
        Thread stop =
                new Thread(
                        () -> {
                            stopping.set(true);
                            try {
                                job.cancel().get(30, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                LOG.warn("could not cancel the job cleanly", e);
                            }
                            kafka.close();
                        },
                        "p402-shutdown");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            job.getJobExecutionResult().get();
            Runtime.getRuntime().removeShutdownHook(stop);
        } catch (ExecutionException e) {
            if (!stopping.get()) {
                throw e;
            }
            // Cancelled by Ctrl-C: the expected way for an unbounded run to end.
        }
    }

    /** The table's row count, or {@code null} when it does not exist. */
    private static Long rowCount(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, quoteIdent(schema) + "." + quoteIdent(table));
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return null;
                }
            }
        }
        String sql = "SELECT count(*) FROM " + quoteIdent(schema) + "." + quoteIdent(table);
        try (PreparedStatement count = c.prepareStatement(sql);
                ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
