package p402.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;
import org.junit.jupiter.api.Test;
import p402.jobs.config.MarginJobConfig;

/**
 * The margin job's topology, built but never executed: the endpoints below are never contacted.
 *
 * <p>Every operator's uid is the name its state is restored by. With auto-generated uids off (as
 * {@link MarginJob#build} sets), building the stream graph fails on an operator without one, so
 * building it here is the test; the listing below pins the names themselves.
 */
class MarginJobTopologyTest {

    private static MarginJobConfig config(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("kafka.bootstrap-servers", "never-contacted.invalid:9092");
        settings.put("jdbc.url", "jdbc:postgresql://never-contacted.invalid:5432/p402");
        return MarginJobConfig.fromMap(settings);
    }

    private static StreamExecutionEnvironment built(MarginJobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MarginJob.build(env, config);
        return env;
    }

    /** Every transformation reachable from the sinks. */
    private static Set<Transformation<?>> transformations(StreamExecutionEnvironment env) {
        Set<Transformation<?>> all = new LinkedHashSet<>();
        for (Transformation<?> t : env.getTransformations()) {
            all.addAll(t.getTransitivePredecessors());
        }
        return all;
    }

    /** Partitioning, side outputs and unions are edges of the graph, not operators. */
    private static boolean isOperator(Transformation<?> t) {
        return !(t instanceof PartitionTransformation
                || t instanceof SideOutputTransformation
                || t instanceof UnionTransformation);
    }

    private static Set<String> streamGraphUids(StreamExecutionEnvironment env) {
        StreamGraph graph = env.getStreamGraph();
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID())
                    .as("uid of %s", node.getOperatorName())
                    .isNotNull();
            assertThat(uids.add(node.getTransformationUID()))
                    .as("uid %s used twice", node.getTransformationUID())
                    .isTrue();
        }
        return uids;
    }

    private static List<String> uidConstants() throws IllegalAccessException {
        List<String> uids = new ArrayList<>();
        for (Field f : MarginJob.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("UID_")) {
                uids.add((String) f.get(null));
            }
        }
        return uids;
    }

    @Test
    void everyOperatorHasAUid() {
        StreamExecutionEnvironment env = built(config(Map.of()));
        List<String> missing = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Transformation<?> t : transformations(env)) {
            if (!isOperator(t)) {
                continue;
            }
            if (t.getUid() == null) {
                missing.add(t.getName());
            } else {
                assertThat(seen.add(t.getUid())).as("uid %s used twice", t.getUid()).isTrue();
            }
        }
        assertThat(missing).as("operators without a uid").isEmpty();
    }

    @Test
    void noStreamCarriesAGenericType() {
        StreamExecutionEnvironment env = built(config(Map.of()));
        for (Transformation<?> t : transformations(env)) {
            assertThat(t.getOutputType()).as(t.getName()).isNotInstanceOf(GenericTypeInfo.class);
        }
    }

    @Test
    void theStreamGraphBuildsAndItsUidsAreTheRestoreContract() throws Exception {
        Set<String> uids = streamGraphUids(built(config(Map.of())));

        Set<String> expected = new TreeSet<>(uidConstants());
        expected.remove(MarginJob.UID_SOURCE_PRICES); // no price-update topic configured
        expected.removeAll(REPROCESSING_ONLY);
        expected.addAll(
                List.of(
                        "unwrap-calls",
                        "unwrap-outcomes",
                        "call-times",
                        "revenue-times",
                        "outcome-times",
                        // Flink names the Kafka sink's committer after the sink's uid.
                        "Sink Committer: " + MarginJob.UID_SINK_ALERTS_TOPIC));
        assertThat(uids).isEqualTo(expected);
    }

    @Test
    void withAlertsOffThereIsNoAlertOperator() throws Exception {
        Set<String> uids = streamGraphUids(built(config(Map.of("alerts.enabled", "false"))));
        assertThat(uids)
                .doesNotContain(
                        MarginJob.UID_ALERT_SUBJECTS,
                        MarginJob.UID_MARGIN_ALERTS,
                        MarginJob.UID_BUDGET_WATCH,
                        MarginJob.UID_SINK_ALERTS,
                        MarginJob.UID_SINK_ALERTS_TOPIC);
    }

    private static final List<String> REPROCESSING_ONLY =
            List.of(
                    MarginJob.UID_RESTATED_WINDOWS,
                    MarginJob.UID_RESTATED_CALLS,
                    MarginJob.UID_SINK_RESTATED_MARGIN,
                    MarginJob.UID_SINK_RESTATED_LEDGER);

    @Test
    void aReprocessingRunWritesOnlyRestatedWindowsAndCalls() throws Exception {
        Set<String> uids =
                streamGraphUids(
                        built(
                                config(
                                        Map.of(
                                                "reprocess.from", "2026-11-10T10:00:00Z",
                                                "reprocess.until", "2026-11-10T12:00:00Z",
                                                "reprocess.label", "fix"))));
        assertThat(uids)
                .containsAll(REPROCESSING_ONLY)
                .doesNotContain(
                        MarginJob.UID_SINK_MARGIN,
                        MarginJob.UID_SINK_LEDGER,
                        MarginJob.UID_SINK_REVENUE,
                        MarginJob.UID_SINK_OUTCOMES,
                        MarginJob.UID_SINK_DEAD,
                        MarginJob.UID_SINK_DUPLICATES);
    }

    @Test
    void withAPriceTopicTheUpdatesSourceHasItsUidToo() throws Exception {
        Set<String> uids =
                streamGraphUids(built(config(Map.of("kafka.topic.prices", "p402.prices"))));
        assertThat(uids).contains(MarginJob.UID_SOURCE_PRICES, MarginJob.UID_PRICE);
    }

    @Test
    void anOperatorWithoutAUidFailsTheBuild() {
        // What the tests above rely on: one map without a uid and the graph cannot be built.
        StreamExecutionEnvironment env = built(config(Map.of()));
        env.fromData(1L, 2L).uid("extra-source").map(x -> x + 1).print().uid("extra-print");

        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("UID");
    }
}
