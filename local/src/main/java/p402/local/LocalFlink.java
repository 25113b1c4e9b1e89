package p402.local;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The Flink settings of a local run, the same ones a cluster's {@code config.yaml} sets. */
public final class LocalFlink {

    /** Short enough that a stopped local run loses little, long enough to stay out of the way. */
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

    /** More failures than this within {@link #FAILURE_RATE_INTERVAL} fail the run. */
    public static final int MAX_FAILURES_PER_INTERVAL = 3;

    public static final Duration FAILURE_RATE_INTERVAL = Duration.ofMinutes(1);

    /** Where local runs checkpoint, as {@code flink-conf/config-local.yaml} says. */
    public static final Path CHECKPOINTS =
            Path.of(System.getProperty("java.io.tmpdir"), "p402", "checkpoints");

    private LocalFlink() {}

    /**
     * The configuration every local run uses: no Kryo fallback for any type, no generated operator
     * uids (a missing {@code uid()} fails at submission instead of silently dropping state on a
     * later restore), checkpoints every {@link #CHECKPOINT_INTERVAL}, heap state.
     */
    public static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        // On disk, not in the JobManager's memory, whose 5 MiB limit a few thousand calls' join
        // state already passes: a failed checkpoint fails the job over, again and again. Each job
        // gets a folder of its own under this one, deleted when the job ends unless retained.
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, CHECKPOINTS.toUri().toString());
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL,
                MAX_FAILURES_PER_INTERVAL);
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL,
                FAILURE_RATE_INTERVAL);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, Duration.ofSeconds(1));
        return conf;
    }

    /** An in-process Flink with {@code parallelism} slots and {@link #configuration()}. */
    public static StreamExecutionEnvironment environment(int parallelism) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration());
    }
}
