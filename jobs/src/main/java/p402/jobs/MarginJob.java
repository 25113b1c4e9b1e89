package p402.jobs;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import p402.jobs.config.MarginJobConfig;

/** The margin job: three Kafka topics in, the Postgres tables of the contract out. */
public final class MarginJob {

    private MarginJob() {}

    public static void main(String[] args) throws Exception {
        MarginJobConfig config = MarginJobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("p402-margin");
    }

    /**
     * Adds the whole topology (Kafka sources, processing, Postgres sinks) to {@code env}. The
     * caller executes it.
     */
    public static void build(StreamExecutionEnvironment env, MarginJobConfig config) {
        // Placeholder until the pipeline lands: a no-op so callers can be written against it.
        env.fromData(1).map(x -> x).name("placeholder");
    }
}
