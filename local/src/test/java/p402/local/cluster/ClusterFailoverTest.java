package p402.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.EventKind;
import p402.local.LocalFlink;
import p402.local.testing.LocalStackExtension;
import p402.local.testing.ScratchDatabase;
import p402.local.testing.TableSnapshot;
import p402.local.testing.Traffic;

/**
 * The shaded job jar on a real standalone cluster (JobManager and TaskManager processes started by
 * {@link FlinkCluster}, the job submitted with the Flink client as {@code flink run} does, RocksDB
 * with incremental checkpoints from {@code flink-conf/config.yaml}): a TaskManager killed with
 * {@code kill -9} in the middle of the traffic, a new one started, and the Postgres tables end up
 * equal to those of a clean run of the same input.
 */
class ClusterFailoverTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    static final String TENANT = "t-failover";
    static final String TOPICS = "failover.";
    static final Duration PATIENCE = ClusterTesting.PATIENCE;

    static FlinkCluster cluster;
    static String clusterDb;
    static String cleanDb;

    @BeforeAll
    static void startCluster() throws Exception {
        clusterDb = ScratchDatabase.create("p402_cluster_failover");
        cleanDb = ScratchDatabase.create("p402_clean_failover");
        cluster = ClusterTesting.start("failover");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void aKilledTaskManagerIsReplacedAndTheJobRecoversFromItsCheckpoint() throws Exception {
        STACK.kafka().createTopics(2, topic("calls"), topic("revenue"), topic("outcomes"));
        Traffic traffic = new Traffic(TENANT, "2026-11-10");
        List<String> args = ClusterTesting.jobArgs(STACK, TOPICS, clusterDb);
        String job = cluster.submit(ClusterTesting.jobJar(), null, null, 2, args);
        cluster.awaitRunning(job, PATIENCE);

        // Before the failure: processed, and in a completed checkpoint.
        publish(traffic.calls("a", "10:00", 30), traffic.outcomes("a", "10:00", 30));
        STACK.publish(topic("revenue"), EventKind.REVENUE, traffic.revenue("ra", "10:10"));
        ClusterTesting.awaitCount(clusterDb, "call_ledger", TENANT, 30);
        long processed = System.currentTimeMillis();
        ClusterTesting.awaitCheckpointAfter(cluster, job, processed);

        long taskManager = cluster.taskManagerPids().get(0);
        cluster.kill(taskManager);

        // While no TaskManager runs: more calls, outcomes of calls from before, a repeat.
        publish(traffic.calls("b", "10:40", 30), traffic.outcomes("a", "10:00", 30));
        cluster.startTaskManager();
        cluster.awaitRunning(job, PATIENCE);
        ClusterTesting.awaitCount(clusterDb, "call_ledger", TENANT, 60);
        STACK.publish(
                topic("calls"),
                EventKind.CALL,
                Traffic.clockCalls("t-clock", "2026-11-20T00:00:00Z"));

        JsonNode checkpoints = cluster.checkpoints(job);
        assertThat(checkpoints.path("latest").path("restored").isObject())
                .as("the job restarted from a checkpoint: %s", checkpoints.path("latest"))
                .isTrue();
        assertThat(cluster.rest("/jobs/" + job).path("state").asText()).isEqualTo("RUNNING");

        runClean();
        Map<String, List<String>> clean = TableSnapshot.of(cleanDb, TENANT, TOPICS);
        assertThat(clean.get("call_ledger")).hasSize(60);
        assertThat(clean.get("duplicate_delivery")).isNotEmpty();
        assertThat(clean.get("dead_letter")).hasSize(2);
        ClusterTesting.awaitEqual(clusterDb, clean, TENANT, TOPICS, PATIENCE);

        cluster.cancel(job);
    }

    private static void publish(List<String> calls, List<String> outcomes) {
        STACK.publish(topic("calls"), EventKind.CALL, calls);
        STACK.publish(topic("outcomes"), EventKind.OUTCOME, outcomes);
    }

    /** The same input, bounded, on an in-process Flink: what the tables must hold. */
    private static void runClean() throws Exception {
        List<String> args = new ArrayList<>(ClusterTesting.jobArgs(STACK, TOPICS, cleanDb));
        args.addAll(List.of("--bounded", "true"));
        MarginJobConfig config = MarginJobConfig.fromArgs(args.toArray(new String[0]));
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        MarginJob.build(env, config);
        env.execute("clean run");
    }

    private static String topic(String name) {
        return TOPICS + name;
    }
}
