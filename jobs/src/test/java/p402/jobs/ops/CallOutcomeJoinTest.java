package p402.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static p402.jobs.testing.Events.at;
import static p402.jobs.testing.Events.call;
import static p402.jobs.testing.Events.outcome;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p402.jobs.events.CallEvent;
import p402.jobs.events.MarginInput;
import p402.jobs.events.Measures;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.sink.CallLedgerRow;
import p402.jobs.sink.DuplicateDelivery;
import p402.jobs.testing.Metrics;

/**
 * {@link CallOutcomeJoin} with an outcome horizon of 1 h and a dedup horizon of 2 h: a call's state
 * lives until {@code max(occurred_at, watermark) + 2h}, an outcome waiting for its call until
 * {@code max(occurred_at, watermark) + 1h}.
 */
class CallOutcomeJoinTest {

    private static final Duration OUTCOME_HORIZON = Duration.ofHours(1);
    private static final Duration DEDUP_HORIZON = Duration.ofHours(2);
    private static final OutputTag<DuplicateDelivery> DUPLICATES =
            new OutputTag<>("duplicates", TypeInformation.of(DuplicateDelivery.class));

    private CallOutcomeJoin join;
    private KeyedTwoInputStreamOperatorTestHarness<String, CallEvent, OutcomeEvent, MarginInput>
            harness;

    @BeforeEach
    void open() throws Exception {
        join = new CallOutcomeJoin("p402.calls", OUTCOME_HORIZON, DEDUP_HORIZON, DUPLICATES);
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(join),
                        c -> c.tenantId + '\u0000' + c.eventId,
                        o -> o.tenantId + '\u0000' + o.callEventId,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    // ------------------------------------------------------------------------------ helpers

    private void send(CallEvent c) throws Exception {
        harness.processElement1(c, c.occurredAt);
    }

    private void send(OutcomeEvent o) throws Exception {
        harness.processElement2(o, o.occurredAt);
    }

    private void watermark(long t) throws Exception {
        harness.processBothWatermarks(new Watermark(t));
    }

    private List<MarginInput> margin() {
        return harness.extractOutputValues();
    }

    private <T> List<T> side(OutputTag<T> tag) {
        return harness.getSideOutput(tag) == null
                ? List.of()
                : harness.getSideOutput(tag).stream().map(StreamRecord::getValue).toList();
    }

    private List<String> dispositions() {
        return side(CallOutcomeJoin.OUTCOMES).stream()
                .map(r -> r.outcome.eventId + ":" + r.disposition)
                .toList();
    }

    private CallLedgerRow lastLedgerRow() {
        List<CallLedgerRow> rows = side(CallOutcomeJoin.LEDGER);
        return rows.get(rows.size() - 1);
    }

    private static Measures sum(List<MarginInput> inputs) {
        Measures total = new Measures();
        for (MarginInput m : inputs) {
            total.add(m.delta);
        }
        return total;
    }

    private void assertStateAndTimers(int entries, int eventTimers) {
        assertThat(harness.numKeyedStateEntries()).as("state entries").isEqualTo(entries);
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isEqualTo(eventTimers);
        assertThat(harness.numProcessingTimeTimers()).as("processing-time timers").isZero();
    }

    // -------------------------------------------------------------------------- both orders

    @Test
    void callThenOutcome() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        send(outcome("o1", "c1", at("10:05:00"), "accepted", "0.8"));

        assertThat(margin())
                .extracting(m -> m.type)
                .containsExactly(MarginInput.Type.CALL, MarginInput.Type.OUTCOME_CHANGE);
        // The correction lands in the call's panes: it carries the call's time and grain.
        assertThat(margin().get(1).eventTime).isEqualTo(at("10:00:00"));
        assertThat(margin().get(1).customerId).isEqualTo("acme");
        assertAcceptedOnce(sum(margin()));
        assertThat(dispositions()).containsExactly("o1:applied");
        assertThat(lastLedgerRow().outcomeStatus).isEqualTo("accepted");
        // The call and its outcome; one timer, at 10:00 + max(1h, 2h).
        assertStateAndTimers(2, 1);

        watermark(at("11:59:59.999"));
        assertStateAndTimers(2, 1);
        watermark(at("12:00:00"));
        assertStateAndTimers(0, 0);
    }

    @Test
    void outcomeThenCall() throws Exception {
        send(outcome("o1", "c1", at("10:05:00"), "accepted", "0.8"));
        assertThat(margin()).isEmpty();
        assertThat(dispositions()).containsExactly("o1:pending");
        // The waiting outcome and its orphan timer at 10:05 + 1h.
        assertStateAndTimers(1, 1);

        send(call("c1", "acme", at("10:00:00"), "0.010"));
        // One input, already counted accepted: the same sum as the other order.
        assertThat(margin()).extracting(m -> m.type).containsExactly(MarginInput.Type.CALL);
        assertAcceptedOnce(sum(margin()));
        assertThat(dispositions()).containsExactly("o1:pending", "o1:applied");
        assertThat(lastLedgerRow().outcomeStatus).isEqualTo("accepted");
        assertStateAndTimers(2, 2);

        // The orphan timer finds the call and leaves everything to the call's own timer.
        watermark(at("11:05:00"));
        assertThat(dispositions()).doesNotContain("o1:orphan");
        assertStateAndTimers(2, 1);
        watermark(at("12:00:00"));
        assertStateAndTimers(0, 0);
    }

    private static void assertAcceptedOnce(Measures m) {
        assertThat(m.calls).isEqualTo(1);
        assertThat(m.pending).isZero();
        assertThat(m.accepted).isEqualTo(1);
        assertThat(m.rejected + m.edited + m.abandoned).isZero();
        assertThat(m.costUsd).isEqualByComparingTo("0.010");
        assertThat(m.qualityScoreSum).isEqualByComparingTo("0.8");
        assertThat(m.qualityScored).isEqualTo(1);
        // The fixture's usage: 800 uncached + 200 cached in, 200 visible + 100 reasoning out.
        assertThat(m.inputTokens).isEqualTo(1000);
        assertThat(m.cachedInputTokens).isEqualTo(200);
        assertThat(m.outputTokens).isEqualTo(300);
        assertThat(m.reasoningTokens).isEqualTo(100);
    }

    // ------------------------------------------------------------------- several outcomes

    @Test
    void theLatestOutcomeByOccurredAtWinsAndATieGoesToTheLaterArrival() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        send(outcome("o1", "c1", at("10:10:00"), "rejected", null));
        send(outcome("o2", "c1", at("10:20:00"), "edited", "0.5"));
        send(outcome("o3", "c1", at("10:15:00"), "accepted", "1.0")); // older than o2
        send(outcome("o4", "c1", at("10:20:00"), "abandoned", null)); // as old as o2

        assertThat(margin())
                .extracting(m -> m.type)
                .containsExactly(
                        MarginInput.Type.CALL,
                        MarginInput.Type.OUTCOME_CHANGE,
                        MarginInput.Type.OUTCOME_CHANGE,
                        MarginInput.Type.OUTCOME_CHANGE);
        // pending -> rejected -> edited (0.5) -> abandoned: only abandoned remains.
        Measures m = sum(margin());
        assertThat(m.calls).isEqualTo(1);
        assertThat(m.abandoned).isEqualTo(1);
        assertThat(m.pending + m.accepted + m.rejected + m.edited).isZero();
        assertThat(m.qualityScoreSum).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(m.qualityScored).isZero();
        assertThat(dispositions())
                .containsExactly(
                        "o1:applied",
                        "o1:superseded",
                        "o2:applied",
                        "o3:superseded",
                        "o2:superseded",
                        "o4:applied");
        assertThat(lastLedgerRow().outcomeStatus).isEqualTo("abandoned");
        assertThat(lastLedgerRow().outcomeOccurredAt).isEqualTo(at("10:20:00"));
        assertStateAndTimers(2, 1);
    }

    // ------------------------------------------------------------------------ late outcome

    @Test
    void anOutcomeAtTheHorizonStillCounts() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        send(outcome("o1", "c1", at("11:00:00"), "accepted", null)); // exactly 1 h later

        assertThat(margin()).extracting(m -> m.type).contains(MarginInput.Type.OUTCOME_CHANGE);
        assertThat(dispositions()).containsExactly("o1:applied");
        assertThat(Metrics.count(join, "lateOutcomes")).isZero();
    }

    @Test
    void anOutcomePastTheHorizonUpdatesTheLedgerOnly() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        send(outcome("o1", "c1", at("11:00:00.001"), "accepted", "0.9"));

        assertThat(margin()).extracting(m -> m.type).containsExactly(MarginInput.Type.CALL);
        assertThat(dispositions()).containsExactly("o1:late");
        CallLedgerRow row = lastLedgerRow();
        assertThat(row.outcomeStatus).isEqualTo("accepted");
        assertThat(row.qualityScore).isEqualByComparingTo("0.9");
        assertThat(row.outcomeLate).isTrue();
        // The windows keep counting the call pending.
        assertThat(row.windowStatus).isNull();
        assertThat(Metrics.count(join, "lateOutcomes")).isEqualTo(1);
        assertStateAndTimers(2, 1);
    }

    @Test
    void aLateOutcomeBeforeItsCallIsCountedLateToo() throws Exception {
        send(outcome("o1", "c1", at("11:30:00"), "accepted", null));
        send(call("c1", "acme", at("10:00:00"), "0.010"));

        Measures m = sum(margin());
        assertThat(m.pending).isEqualTo(1);
        assertThat(m.accepted).isZero();
        assertThat(dispositions()).containsExactly("o1:pending", "o1:late");
        assertThat(lastLedgerRow().outcomeStatus).isEqualTo("accepted");
        assertThat(Metrics.count(join, "lateOutcomes")).isEqualTo(1);
    }

    // -------------------------------------------------------------------------- duplicates

    @Test
    void aRepeatedCallIsADuplicateUntilTheLongerHorizon() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        watermark(at("11:59:59.999")); // past the outcome horizon, not the dedup horizon
        CallEvent again = call("c1", "acme", at("10:00:00"), "0.010");
        again.partition = 3;
        again.offset = 42;
        send(again);

        assertThat(margin()).hasSize(1);
        assertThat(side(DUPLICATES))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.topic).isEqualTo("p402.calls");
                            assertThat(d.partition).isEqualTo(3);
                            assertThat(d.offset).isEqualTo(42);
                            assertThat(d.eventId).isEqualTo("c1");
                        });
        assertThat(side(CallOutcomeJoin.LEDGER)).hasSize(1);
        assertStateAndTimers(1, 1);
    }

    // ------------------------------------------------------------ a partner that never comes

    @Test
    void anOutcomeWhoseCallNeverComesIsAnOrphanAfterItsHorizon() throws Exception {
        send(outcome("o1", "c9", at("10:00:00"), "accepted", null));
        watermark(at("10:59:59.999"));
        assertThat(dispositions()).containsExactly("o1:pending");
        assertStateAndTimers(1, 1);

        watermark(at("11:00:00"));
        assertThat(dispositions()).containsExactly("o1:pending", "o1:orphan");
        assertThat(Metrics.count(join, "orphanOutcomes")).isEqualTo(1);
        assertThat(margin()).isEmpty();
        assertStateAndTimers(0, 0);
    }

    @Test
    void aSupersededOrphanWaitsForTheWinnersHorizon() throws Exception {
        send(outcome("o1", "c9", at("10:00:00"), "rejected", null));
        send(outcome("o2", "c9", at("10:30:00"), "accepted", null));
        assertStateAndTimers(1, 2);

        // o1's timer fires first: o2 is what waits, until 10:30 + 1h.
        watermark(at("11:00:00"));
        assertThat(dispositions()).doesNotContain("o1:orphan", "o2:orphan");
        assertStateAndTimers(1, 1);

        watermark(at("11:30:00"));
        assertThat(dispositions()).endsWith("o2:orphan").doesNotContain("o1:orphan");
        assertStateAndTimers(0, 0);
    }

    @Test
    void aLateOrphanWaitsFromTheWatermark() throws Exception {
        watermark(at("10:30:00"));
        send(outcome("o1", "c9", at("10:00:00"), "accepted", null));

        watermark(at("11:29:59.999"));
        assertStateAndTimers(1, 1);
        watermark(at("11:30:00"));
        assertThat(dispositions()).endsWith("o1:orphan");
        assertStateAndTimers(0, 0);
    }

    @Test
    void aCallWhoseOutcomeNeverComesIsClearedAfterTheLongerHorizon() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        assertStateAndTimers(1, 1);

        watermark(at("11:59:59.999"));
        assertStateAndTimers(1, 1);
        watermark(at("12:00:00"));
        assertStateAndTimers(0, 0);

        // Forgotten: a repeat now is a new call.
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        assertThat(margin()).hasSize(2);
        assertThat(side(DUPLICATES)).isEmpty();
    }

    @Test
    void aLateCallLivesFromTheWatermark() throws Exception {
        watermark(at("10:30:00"));
        send(call("c1", "acme", at("10:00:00"), "0.010"));
        assertThat(lastLedgerRow().expiresAt).isEqualTo(at("12:30:00"));

        watermark(at("12:29:59.999"));
        assertStateAndTimers(1, 1);
        watermark(at("12:30:00"));
        assertStateAndTimers(0, 0);
    }

    /**
     * A silent outcome topic. With {@code withIdleness} its source subtasks declare themselves
     * idle: they send {@link WatermarkStatus#IDLE} downstream instead of watermarks, and a
     * two-input operator then takes its watermark from the active input alone. Without that the
     * operator's watermark is the minimum of both inputs and stays at the start of time.
     */
    @Test
    void anIdleOutcomeInputDoesNotHoldTheCallsBack() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));

        harness.processWatermarkStatus2(WatermarkStatus.IDLE);
        harness.processWatermark1(new Watermark(at("12:00:00")));

        assertStateAndTimers(0, 0);
    }

    @Test
    void aSilentOutcomeInputThatIsNotIdleHoldsTheCallsBack() throws Exception {
        send(call("c1", "acme", at("10:00:00"), "0.010"));

        harness.processWatermark1(new Watermark(at("12:00:00")));
        assertStateAndTimers(1, 1);

        // Once the outcome input reports idle, the held-back watermark takes effect.
        harness.processWatermarkStatus2(WatermarkStatus.IDLE);
        assertStateAndTimers(0, 0);
    }
}
