package p402.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-node Kafka broker (KRaft, combined broker and controller) inside this JVM, on free loopback
 * ports and a temporary log directory that {@link #close()} deletes.
 *
 * <p>Nothing is kept between runs: every instance formats a new cluster. It is meant for the local
 * runner and for tests, never for a job jar.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path logDir;
    private final String bootstrapServers;
    private final Properties props;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(
            Path logDir, String bootstrapServers, Properties props, KafkaRaftServer server) {
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.props = props;
        this.server = server;
    }

    /** Formats a fresh log directory, starts the broker and returns once it serves requests. */
    public static EmbeddedKafka start() {
        Path logDir = null;
        KafkaRaftServer server = null;
        try {
            logDir = Files.createTempDirectory("p402-kafka-");
            int brokerPort = freePort();
            int controllerPort = freePort();
            Properties props = brokerProperties(logDir, brokerPort, controllerPort);

            format(logDir, props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();

            EmbeddedKafka kafka =
                    new EmbeddedKafka(logDir, "127.0.0.1:" + brokerPort, props, server);
            kafka.awaitReady();
            LOG.info("Kafka broker ready at {}", kafka.bootstrapServers);
            return kafka;
        } catch (IOException | RuntimeException e) {
            stopQuietly(server);
            deleteQuietly(logDir);
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    /** The broker's address, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    Path logDir() {
        return logDir;
    }

    /** Creates each topic with {@code partitions} partitions; a topic that exists is left as is. */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "could not create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics", e);
        }
    }

    /**
     * How many records {@code topic} holds: the sum of its partitions' end offsets. Exact for
     * topics written without transactions (no control records) and never compacted or trimmed,
     * which is every topic of a local run.
     */
    public long recordCount(String topic) {
        try (Admin admin = admin()) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description
                    .partitions()
                    .forEach(
                            p ->
                                    request.put(
                                            new TopicPartition(topic, p.partition()),
                                            OffsetSpec.latest()));
            long count = 0;
            for (var offsets : admin.listOffsets(request).all().get().values()) {
                count += offsets.offset();
            }
            return count;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting records", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not count records of " + topic, e.getCause());
        }
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    /**
     * Stops the broker and starts it again on the same ports and log directory, as a broker restart
     * in production would: the topics and their records survive, clients reconnect.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        stopQuietly(server);
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        awaitReady();
        LOG.info("Kafka broker restarted at {}", bootstrapServers);
    }

    /** Stops the broker and deletes its log directory. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(server);
        deleteQuietly(logDir);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        // Asking for a group's offsets creates the offsets topic and loads its
                        // coordinator now, so the job's first offset commit does not find it
                        // missing.
                        admin.listConsumerGroupOffsets("p402-warm-up")
                                .partitionsToOffsetAndMetadata()
                                .get(5, TimeUnit.SECONDS);
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
        throw new IllegalStateException(
                "the embedded broker did not answer within " + STARTUP_TIMEOUT, last);
    }

    private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());

        // One node: every internal topic has to fit on it.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");

        // A short-lived broker: small internal topics and no rebalance pause make it start and
        // serve its first consumer group in well under a second.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Records up to 4 MiB reach the job, so an oversized one meets the job's own 1 MiB limit
        // and becomes a dead letter with its reason, instead of being refused at the producer.
        p.put("message.max.bytes", String.valueOf(4 << 20));
        return p;
    }

    private static void format(Path logDir, Properties props) throws IOException {
        Path configFile = logDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            props.store(out, "p402 embedded broker");
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            // execute, never main: main ends the JVM.
            rc =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                configFile.toString(),
                                "--ignore-formatted"
                            },
                            out);
        }
        if (rc != 0) {
            throw new IllegalStateException(
                    "formatting the Kafka log dir failed: "
                            + captured.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down cleanly", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(EmbeddedKafka::deleteOne);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}", dir, e);
        }
    }

    private static void deleteOne(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
