package p402.local.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p402.jobs.MarginJob;
import p402.jobs.config.Durations;
import p402.jobs.config.MarginJobConfig;
import p402.local.EmbeddedKafka;
import p402.local.LocalFlink;
import p402.local.LocalPostgres;
import p402.local.door.DoorServer;
import p402.local.door.UsdRates;
import p402.local.feed.CostBasisFeed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code p402 serve}: the HTTP door (docs/ingest.md). Without {@code --bootstrap-servers} it brings
 * the whole local stack up first, as {@code p402 run} does but unbounded: an in-process broker, the
 * margin job on a local Flink, Postgres; so {@code curl} fills the tiles. With it, it only ingests
 * into that cluster (and publishes the cost basis from Postgres).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the HTTP ingest (POST /v1/calls, /v1/revenue, /v1/outcomes), the Stripe and"
                    + " billing webhooks, and publishes the cost-basis feed.",
            "Without --bootstrap-servers it runs on the local stack (broker, job, Postgres) until"
                    + " Ctrl-C."
        })
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec CommandSpec spec;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port = 8402;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host = "127.0.0.1";

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description =
                    "An existing Kafka cluster: only ingest into it (no local broker or job).")
    String bootstrapServers;

    @Option(
            names = "--usd-rate",
            paramLabel = "CUR=RATE",
            description =
                    "Dollars per unit of a currency, e.g. EUR=1.08 (repeatable). Amounts in a"
                            + " currency without a rate are refused.")
    Map<String, String> usdRates = new LinkedHashMap<>();

    @Option(
            names = "--signature-tolerance",
            paramLabel = "DURATION",
            description = "How far a webhook signature's timestamp may be from now (default: 5m).")
    String signatureTolerance = "5m";

    @Option(
            names = "--cost-basis-topic",
            paramLabel = "TOPIC",
            description = "Topic of the cost-basis CloudEvents (default: ${DEFAULT-VALUE}).")
    String costBasisTopic = CostBasisFeed.DEFAULT_TOPIC;

    @Option(
            names = "--cost-basis-interval",
            paramLabel = "DURATION",
            description = "How often final periods are looked for (default: 10s).")
    String costBasisInterval = "10s";

    @Option(names = "--no-cost-basis", description = "Do not publish the cost-basis feed.")
    boolean noCostBasis;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "The local job's parallelism (default: the job's own, 2).")
    Integer parallelism;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any other job setting (topics, windows; repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("jdbc.url", jdbc.url);
        all.put("jdbc.user", jdbc.user);
        all.put("jdbc.password", jdbc.password);
        if (parallelism != null) {
            all.put("parallelism", String.valueOf(parallelism));
        }
        MarginJobConfig config;
        UsdRates rates;
        Duration tolerance;
        Duration feedInterval;
        try {
            config = MarginJobConfig.fromMap(all);
            Map<String, BigDecimal> parsed = new LinkedHashMap<>();
            usdRates.forEach((c, r) -> parsed.put(c, new BigDecimal(r)));
            rates = new UsdRates(parsed);
            tolerance = Durations.parse(signatureTolerance);
            feedInterval = Durations.parse(costBasisInterval);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
        }

        LocalPostgres.ensureReady(config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
        LocalPostgres.migrate(config.jdbcUrl, config.jdbcUser, config.jdbcPassword, config.schema);

        EmbeddedKafka kafka = null;
        JobClient job = null;
        ScheduledExecutorService feedTimer = null;
        CostBasisFeed feed = null;
        DoorServer door = null;
        PrintWriter out = spec.commandLine().getOut();
        try {
            String servers = bootstrapServers;
            if (servers == null) {
                kafka = EmbeddedKafka.start();
                servers = kafka.bootstrapServers();
                kafka.createTopics(
                        RunCommand.PARTITIONS,
                        config.callsTopic,
                        config.revenueTopic,
                        config.outcomesTopic,
                        costBasisTopic);
                config.bootstrapServers = servers;
                StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism);
                MarginJob.build(env, config);
                job = env.executeAsync("p402-margin");
                out.printf(
                        "job %s running on the local stack; Kafka at %s%n",
                        job.getJobID(), servers);
            }

            door =
                    DoorServer.start(
                            new DoorServer.Settings(
                                    host, port, servers, config, jdbc.target(), rates, tolerance));
            if (!noCostBasis) {
                feed = new CostBasisFeed(jdbc.target(), servers, costBasisTopic, config.windows);
                feedTimer = Executors.newSingleThreadScheduledExecutor();
                CostBasisFeed f = feed;
                feedTimer.scheduleWithFixedDelay(
                        () -> {
                            try {
                                f.publishFinalPeriods();
                            } catch (Exception e) {
                                LOG.warn("The cost-basis feed failed; it tries again", e);
                            }
                        },
                        feedInterval.toMillis(),
                        feedInterval.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            out.printf("p402 serve: listening on http://%s:%d (Ctrl-C stops)%n", host, door.port());
            out.flush();

            // Ctrl-C: the hook lets this thread stop everything below, and waits for it (the JVM
            // ends when the hooks return).
            CountDownLatch stopped = new CountDownLatch(1);
            CountDownLatch cleaned = new CountDownLatch(1);
            cleanedUp = cleaned;
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        stopped.countDown();
                                        try {
                                            cleaned.await(40, TimeUnit.SECONDS);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    },
                                    "p402-serve-stop"));
            stopped.await();
            return 0;
        } finally {
            if (feedTimer != null) {
                feedTimer.shutdownNow();
            }
            if (door != null) {
                door.close();
            }
            if (feed != null) {
                feed.close();
            }
            if (job != null) {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("could not cancel the job cleanly", e);
                }
            }
            if (kafka != null) {
                kafka.close();
            }
            if (cleanedUp != null) {
                cleanedUp.countDown();
            }
        }
    }

    private CountDownLatch cleanedUp;
}
