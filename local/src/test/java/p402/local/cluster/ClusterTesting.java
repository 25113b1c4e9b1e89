package p402.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import p402.local.testing.LocalStackExtension;
import p402.local.testing.TableSnapshot;

/** A cluster for a test class, and the waits that tests on it share. */
final class ClusterTesting {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Duration PATIENCE = Duration.ofSeconds(90);

    private ClusterTesting() {}

    /**
     * One JobManager and one TaskManager with two slots, on free ports, from the production-like
     * {@code flink-conf/config.yaml}, with checkpoints every second and heartbeats every second so
     * the test waits little.
     */
    static FlinkCluster start(String name) throws IOException {
        Path runDir = ROOT.resolve("local/target/flink-cluster-" + name);
        deleteRecursively(runDir);
        FlinkCluster cluster =
                new FlinkCluster(runDir, ROOT.resolve("cluster/target/flink-classpath.txt"));
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("rest.port", String.valueOf(FlinkCluster.freePort()));
        overrides.put("jobmanager.rpc.port", String.valueOf(FlinkCluster.freePort()));
        overrides.put("jobmanager.memory.process.size", "1g");
        overrides.put("taskmanager.memory.process.size", "1600m");
        overrides.put("taskmanager.numberOfTaskSlots", "2");
        overrides.put("execution.checkpointing.interval", "1s");
        overrides.put("execution.checkpointing.min-pause", "200ms");
        // A killed TaskManager is noticed at its first missed heartbeat RPC: sooner with these.
        overrides.put("heartbeat.interval", "1s");
        overrides.put("heartbeat.rpc-failure-threshold", "1");
        cluster.start(ROOT.resolve("flink-conf/config.yaml"), overrides, 1);
        return cluster;
    }

    static Path jobJar() {
        return FlinkCluster.jobJar(ROOT);
    }

    /** The job's program arguments for this stack, its topics {@code prefix + calls} etc. */
    static List<String> jobArgs(LocalStackExtension stack, String prefix, String jdbcUrl) {
        return List.of(
                "--kafka.bootstrap-servers",
                stack.bootstrapServers(),
                "--kafka.group-id",
                prefix + "margin",
                "--kafka.topic.calls",
                prefix + "calls",
                "--kafka.topic.revenue",
                prefix + "revenue",
                "--kafka.topic.outcomes",
                prefix + "outcomes",
                "--jdbc.url",
                jdbcUrl,
                "--windows",
                "30m/10m:30d,1h/30m:30d",
                "--parallelism",
                "2");
    }

    static void awaitCount(String jdbcUrl, String table, String tenant, long count)
            throws IOException {
        FlinkCluster.awaitTrue(
                () -> {
                    try {
                        return TableSnapshot.count(
                                        jdbcUrl,
                                        "SELECT count(*) FROM p402."
                                                + table
                                                + " WHERE tenant_id = ?",
                                        tenant)
                                >= count;
                    } catch (SQLException e) {
                        throw new IOException(e);
                    }
                },
                PATIENCE,
                count + " rows of " + tenant + " in " + table);
    }

    /** Waits for a checkpoint triggered after {@code millis} to complete. */
    static void awaitCheckpointAfter(FlinkCluster cluster, String job, long millis)
            throws IOException {
        FlinkCluster.awaitTrue(
                () -> {
                    JsonNode completed = cluster.checkpoints(job).path("latest").path("completed");
                    return completed.isObject()
                            && completed.path("trigger_timestamp").asLong() > millis;
                },
                PATIENCE,
                "a checkpoint of job " + job + " after " + millis);
    }

    /**
     * Waits until the job's tables equal {@code expected}; then asserts it, so a timeout shows the
     * difference.
     */
    static void awaitEqual(
            String jdbcUrl,
            Map<String, List<String>> expected,
            String tenant,
            String topicPrefix,
            Duration timeout)
            throws Exception {
        awaitEqual(jdbcUrl, expected, tenant, topicPrefix, timeout, row -> false);
    }

    /** As above, leaving out the job's rows that {@code ignored} matches. */
    static void awaitEqual(
            String jdbcUrl,
            Map<String, List<String>> expected,
            String tenant,
            String topicPrefix,
            Duration timeout,
            Predicate<String> ignored)
            throws Exception {
        try {
            FlinkCluster.awaitTrue(
                    () -> {
                        try {
                            return without(TableSnapshot.of(jdbcUrl, tenant, topicPrefix), ignored)
                                    .equals(expected);
                        } catch (SQLException e) {
                            throw new IOException(e);
                        }
                    },
                    timeout,
                    "the tables of " + tenant + " to equal the clean run's");
        } catch (IllegalStateException timedOut) {
            // Fall through to the assertion, which shows what differs.
        }
        Map<String, List<String>> actual =
                without(TableSnapshot.of(jdbcUrl, tenant, topicPrefix), ignored);
        for (String table : expected.keySet()) {
            assertThat(actual.get(table)).as(table).containsExactlyElementsOf(expected.get(table));
        }
    }

    private static Map<String, List<String>> without(
            Map<String, List<String>> tables, Predicate<String> ignored) {
        tables.values().forEach(rows -> rows.removeIf(ignored));
        return tables;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
