package p402.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p402.jobs.config.MarginJobConfig;
import picocli.CommandLine;

/**
 * The {@code run} command end to end, except that the job it runs is a small stand-in that reads
 * the calls topic to its end: what is under test here is the command, not the margin job.
 */
class RunCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private RunCommand.JobBuilder builder = RunCommandTest::readCalls;

    @Test
    void publishesEveryNonBlankLineBeforeTheJobStarts(@TempDir Path dir) throws Exception {
        Path calls = dir.resolve("calls.jsonl");
        Files.writeString(
                calls,
                "{\"tenant_id\":\"t1\",\"event_id\":\"e1\"}\n"
                        + "\n"
                        + "not json at all {\n"
                        + "{\"tenant_id\":\"t1\",\"event_id\":\"e2\"}\n"
                        + "   \n"
                        + "{\"truncated\":",
                StandardCharsets.UTF_8);

        int exit = run("run", "--calls", calls.toString(), "--bounded", "--parallelism", "1");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("topic p402.calls: 4 records")
                .contains("topic p402.revenue: 0 records")
                .contains("topic p402.outcomes: 0 records")
                .contains("job finished in")
                .containsPattern("p402\\.dead_letter: (\\d+ rows|absent)");
    }

    @Test
    void settingsWithTheirOwnOptionAreRefusedInSet() {
        int exit = run("run", "--bounded", "--set", "jdbc.url=jdbc:postgresql://elsewhere/db");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--set jdbc.url is not allowed here: use --jdbc-url");
    }

    @Test
    void aFailureIsOneLineAndANonZeroExit(@TempDir Path dir) throws Exception {
        Path calls = Files.writeString(dir.resolve("calls.jsonl"), "{}\n");

        int exit =
                run(
                        "run",
                        "--calls",
                        calls.toString(),
                        "--bounded",
                        "--jdbc-url",
                        "jdbc:postgresql://127.0.0.1:1/p402");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines())
                .singleElement()
                .asString()
                .startsWith("p402 run: error: cannot log in to jdbc:postgresql://127.0.0.1:1/p402");
    }

    @Test
    void aJobThatAlwaysFailsEndsABoundedRun(@TempDir Path dir) throws Exception {
        Path calls = Files.writeString(dir.resolve("calls.jsonl"), "{}\n");
        builder = RunCommandTest::failOnEveryRecord;

        int exit = run("run", "--calls", calls.toString(), "--bounded", "--parallelism", "1");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines())
                .singleElement()
                .asString()
                .startsWith("p402 run: error: ")
                .contains("no record is welcome");
    }

    private int run(String... args) {
        CommandLine cli =
                P402Command.commandLine(
                        new CommandLine.IFactory() {
                            @Override
                            public <K> K create(Class<K> type) throws Exception {
                                if (type == RunCommand.class) {
                                    return type.cast(new RunCommand(builder));
                                }
                                return CommandLine.defaultFactory().create(type);
                            }
                        });
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Reads the calls topic to the offsets present at start, the way the margin job does. */
    private static void readCalls(StreamExecutionEnvironment env, MarginJobConfig config) {
        callsSource(env, config).sinkTo(new DiscardingSink<>()).uid("discard");
    }

    private static void failOnEveryRecord(StreamExecutionEnvironment env, MarginJobConfig config) {
        env.fromData("a record")
                .uid("one-record")
                .map(new Refuse())
                .uid("refuse")
                .sinkTo(new DiscardingSink<>())
                .uid("discard");
    }

    /** Fails on its first record, on every restart. */
    private static final class Refuse implements MapFunction<String, String> {
        @Override
        public String map(String value) {
            throw new IllegalStateException("no record is welcome");
        }
    }

    private static DataStream<String> callsSource(
            StreamExecutionEnvironment env, MarginJobConfig config) {
        KafkaSource<String> source =
                KafkaSource.<String>builder()
                        .setBootstrapServers(config.bootstrapServers)
                        .setTopics(config.callsTopic)
                        .setGroupId("run-command-test")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "calls")
                .uid("calls-source");
    }
}
