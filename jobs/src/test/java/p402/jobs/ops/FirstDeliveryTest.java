package p402.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static p402.jobs.testing.Events.at;
import static p402.jobs.testing.Events.envelope;
import static p402.jobs.testing.Events.outcome;
import static p402.jobs.testing.Events.revenue;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p402.jobs.events.Envelope;
import p402.jobs.sink.DuplicateDelivery;

/**
 * {@link FirstDelivery} with a one-hour horizon, keyed as the job keys it ({@code tenant \0
 * event_id}). The marker of a delivery lives until the watermark reaches {@code max(occurred_at,
 * watermark at first sight) + 1h}.
 */
class FirstDeliveryTest {

    private static final Duration HORIZON = Duration.ofHours(1);
    private static final OutputTag<DuplicateDelivery> DUPLICATES =
            new OutputTag<>("duplicates", TypeInformation.of(DuplicateDelivery.class));

    private KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new FirstDelivery("p402.outcomes", HORIZON, DUPLICATES)),
                        FirstDeliveryTest::key,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static String key(Envelope e) {
        return e.kind == Envelope.Kind.OUTCOME
                ? e.outcome.tenantId + '\u0000' + e.outcome.eventId
                : e.revenue.tenantId + '\u0000' + e.revenue.eventId;
    }

    private void deliver(Envelope e) throws Exception {
        harness.processElement(e, e.eventTime());
    }

    private List<Envelope> passed() {
        return harness.extractOutputValues();
    }

    private List<DuplicateDelivery> duplicates() {
        return harness.getSideOutput(DUPLICATES) == null
                ? List.of()
                : harness.getSideOutput(DUPLICATES).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void theFirstDeliveryPassesAndARepeatIsADuplicate() throws Exception {
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 0, 10));
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 1, 11));

        assertThat(passed())
                .singleElement()
                .satisfies(e -> assertThat(e.outcome.offset).isEqualTo(10));
        assertThat(duplicates())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.topic).isEqualTo("p402.outcomes");
                            assertThat(d.partition).isEqualTo(1);
                            assertThat(d.offset).isEqualTo(11);
                            assertThat(d.tenantId).isEqualTo("t1");
                            assertThat(d.eventId).isEqualTo("o1");
                            assertThat(d.eventTime).isEqualTo(at("10:00:00"));
                        });
        // One marker and its timer; the repeat registers nothing.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void distinctIdsAreNotDuplicates() throws Exception {
        deliver(envelope(revenue("r1", "acme", at("10:00:00"), "1.00"), 0, 1));
        deliver(envelope(revenue("r2", "acme", at("10:00:00"), "1.00"), 0, 2));

        assertThat(passed()).extracting(e -> e.revenue.eventId).containsExactly("r1", "r2");
        assertThat(duplicates()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void theMarkerIsForgottenAtOccurredAtPlusTheHorizon() throws Exception {
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 0, 10));

        // 10:00 + 1h = 11:00: one millisecond before it the marker is still there.
        harness.processWatermark(at("10:59:59.999"));
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 0, 11));
        assertThat(duplicates()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(at("11:00:00"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        // Past the horizon a repeat is taken as new: the horizon is the promise.
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 0, 12));
        assertThat(passed()).extracting(e -> e.outcome.offset).containsExactly(10L, 12L);
        assertThat(duplicates()).hasSize(1);
        // Its marker now lives until the watermark at first sight plus the horizon: 12:00.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(at("11:59:59.999"));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(at("12:00:00"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void lateInputGetsItsHorizonFromTheWatermark() throws Exception {
        harness.processWatermark(at("10:30:00"));
        // occurred_at 10:00 is below the watermark: the marker lives until 10:30 + 1h = 11:30,
        // not 11:00, so a repeat read at the same pace as the original is still recognised.
        deliver(envelope(revenue("r1", "acme", at("10:00:00"), "5.00"), 0, 1));

        harness.processWatermark(at("11:00:00"));
        deliver(envelope(revenue("r1", "acme", at("10:00:00"), "5.00"), 0, 2));
        assertThat(passed()).hasSize(1);
        assertThat(duplicates()).extracting(d -> d.offset).containsExactly(2L);

        harness.processWatermark(at("11:29:59.999"));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(at("11:30:00"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void withoutAnyWatermarkTheTtlIsTheBackstop() throws Exception {
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 0, 10));

        // The processing-time TTL is twice the horizon; the event-time timer is still waiting.
        harness.setStateTtlProcessingTime(2 * HORIZON.toMillis() - 1);
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 0, 11));
        assertThat(duplicates()).hasSize(1);

        harness.setStateTtlProcessingTime(2 * HORIZON.toMillis() + 1);
        deliver(envelope(outcome("o1", "c1", at("10:00:00"), "accepted", null), 0, 12));
        assertThat(passed()).extracting(e -> e.outcome.offset).containsExactly(10L, 12L);
    }
}
