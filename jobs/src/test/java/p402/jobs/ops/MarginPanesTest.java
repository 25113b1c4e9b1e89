package p402.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static p402.jobs.testing.Events.at;
import static p402.jobs.testing.Events.callInput;
import static p402.jobs.testing.Events.outcomeChange;
import static p402.jobs.testing.Events.revenue;
import static p402.jobs.testing.Events.revenueInput;
import static p402.jobs.testing.Events.subscription;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p402.jobs.config.WindowSpec;
import p402.jobs.events.MarginInput;
import p402.jobs.events.RevenueEvent;
import p402.jobs.sink.MarginRow;
import p402.jobs.testing.Metrics;

/**
 * {@link MarginPanes} on one spec, {@code 1m/30s:1d}: panes of 30 s, windows of a minute starting
 * every 30 s. Lateness is 2 minutes, rows are emitted on processing-time ticks of one second.
 *
 * <p>A window {@code [s, s + 1m)} is produced (its row exists, open) once the watermark has reached
 * its last slide, {@code s + 30s}, and is final once the watermark reaches {@code s + 1m}. Rows are
 * named below by their window start and grain, as {@code "10:00:00 chat/w1 open"}.
 *
 * <p>The harness feeds every watermark to both inputs: in the job the broadcast frontier input
 * carries the watermark through {@link FrontierTracker}, and the operator's watermark is the
 * minimum of its two inputs.
 */
class MarginPanesTest {

    private static final WindowSpec SPEC = WindowSpec.parse("1m/30s:1d");
    private static final Duration LATENESS = Duration.ofMinutes(2);
    private static final Duration EMIT_INTERVAL = Duration.ofSeconds(1);
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private MarginPanes panes;
    private KeyedTwoInputStreamOperatorTestHarness<String, MarginInput, Long, MarginRow> harness;
    private long tick;

    @BeforeEach
    void open() throws Exception {
        panes = new MarginPanes(List.of(SPEC), LATENESS, EMIT_INTERVAL);
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(panes, List.of(MarginPanes.FRONTIER)),
                        MarginInput::key,
                        null,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    // ------------------------------------------------------------------------------ helpers

    private void send(MarginInput in) throws Exception {
        harness.processElement1(in, in.eventTime);
    }

    private void watermark(long t) throws Exception {
        harness.processBothWatermarks(new Watermark(t));
    }

    /** The next processing-time tick: every changed produced window is emitted. */
    private void tick() throws Exception {
        tick += EMIT_INTERVAL.toMillis();
        harness.setProcessingTime(tick);
    }

    /** The rows emitted since the last call. */
    private List<MarginRow> rows() {
        List<MarginRow> rows = harness.extractOutputValues();
        harness.getOutput().clear();
        return rows;
    }

    private static List<MarginRow> live(List<MarginRow> rows) {
        return rows.stream().filter(r -> !r.delete).toList();
    }

    private static String name(MarginRow r) {
        String start = CLOCK.format(Instant.ofEpochMilli(r.windowStart));
        String state = r.delete ? "delete" : r.isFinal ? "final" : "open";
        return start + " " + r.featureId + "/" + r.workflowId + " " + state;
    }

    private static MarginRow find(List<MarginRow> rows, String name) {
        return rows.stream()
                .filter(r -> name(r).equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + name + " in " + names(rows)));
    }

    private static List<String> names(List<MarginRow> rows) {
        return rows.stream().map(MarginPanesTest::name).toList();
    }

    private void assertNoState() {
        assertThat(harness.numKeyedStateEntries()).as("state entries").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    }

    // ---------------------------------------------------------------- open and final rows

    @Test
    void anInOrderCallIsOpenOnTheTickAfterItsLastSlideAndFinalAtItsEnd() throws Exception {
        watermark(at("10:00:05"));
        send(callInput("acme", "chat", "w1", at("10:00:10"), "0.010"));

        // Nothing before the tick; the windows holding 10:00:10 are [09:59:30, 10:00:30), whose
        // last slide (10:00:00) the watermark has reached, and [10:00:00, 10:01:00), whose last
        // slide (10:00:30) it has not.
        assertThat(rows()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        tick();
        List<MarginRow> first = rows();
        assertThat(names(first)).containsExactly("09:59:30 chat/w1 open");
        MarginRow open = first.get(0);
        assertThat(open.tenantId).isEqualTo("t1");
        assertThat(open.customerId).isEqualTo("acme");
        assertThat(open.windowSpec).isEqualTo("1m/30s");
        assertThat(open.windowEnd).isEqualTo(at("10:00:30"));
        assertThat(open.calls).isEqualTo(1);
        assertThat(open.pending).isEqualTo(1);
        assertThat(open.costUsd).isEqualByComparingTo("0.010");
        assertThat(open.revenueUsd).isEqualByComparingTo("0");

        // 10:00:30 closes the first window and opens the second.
        watermark(at("10:00:30"));
        assertThat(names(rows()))
                .containsExactly("09:59:30 chat/w1 final", "10:00:00 chat/w1 open");

        // 10:01:00 closes the second; [10:00:30, 10:01:30) holds no data and has no row.
        watermark(at("10:01:00"));
        List<MarginRow> last = rows();
        assertThat(names(last)).containsExactly("10:00:00 chat/w1 final");
        assertThat(last.get(0).calls).isEqualTo(1);

        // The pane is kept for size + lateness past its end: 10:00:30 + 1m + 2m = 10:03:30.
        watermark(at("10:03:29"));
        assertThat(harness.numKeyedStateEntries()).isPositive();
        watermark(at("10:03:30"));
        assertThat(rows()).isEmpty();
        assertNoState();
    }

    @Test
    void anOutcomeCorrectionRestatesTheWindowsHoldingTheCall() throws Exception {
        watermark(at("10:00:40"));
        send(callInput("acme", "chat", "w1", at("10:00:10"), "0.010"));
        tick();
        assertThat(names(rows()))
                .containsExactly("09:59:30 chat/w1 final", "10:00:00 chat/w1 open");

        send(outcomeChange("acme", "chat", "w1", at("10:00:10"), "accepted"));
        tick();
        List<MarginRow> restated = rows();
        assertThat(names(restated))
                .containsExactly("09:59:30 chat/w1 final", "10:00:00 chat/w1 open");
        for (MarginRow r : restated) {
            assertThat(r.calls).isEqualTo(1);
            assertThat(r.pending).isZero();
            assertThat(r.accepted).isEqualTo(1);
            assertThat(r.costUsd).isEqualByComparingTo("0.010");
        }
    }

    // ------------------------------------------------------------------------------ revenue

    @Test
    void aServicePeriodIsEarnedUpToTheFrontierOnly() throws Exception {
        // $60 over [10:00:00, 10:10:00): 60 / 600 s = $0.1 a second.
        RevenueEvent sub = subscription("r1", "acme", at("10:00:00"), at("10:10:00"), "60");
        watermark(at("10:00:45"));
        send(revenueInput(sub));
        tick();
        List<MarginRow> atFirst = rows();
        assertThat(names(atFirst)).containsExactly("09:59:30 / final", "10:00:00 / open");
        // [09:59:30, 10:00:30) holds 30 s of the period: 30 * 0.1 = 3.
        assertThat(find(atFirst, "09:59:30 / final").revenueUsd)
                .isEqualTo(new BigDecimal("3.000000000000"));
        // [10:00:00, 10:01:00) has earned up to the watermark, 10:00:45: 45 * 0.1 = 4.5.
        assertThat(find(atFirst, "10:00:00 / open").revenueUsd)
                .isEqualTo(new BigDecimal("4.500000000000"));

        watermark(at("10:01:00"));
        List<MarginRow> atMinute = rows();
        assertThat(names(atMinute)).containsExactly("10:00:00 / final", "10:00:30 / open");
        // 60 s * 0.1 = 6; [10:00:30, 10:01:30) up to 10:01:00: 30 s * 0.1 = 3.
        assertThat(find(atMinute, "10:00:00 / final").revenueUsd)
                .isEqualTo(new BigDecimal("6.000000000000"));
        assertThat(find(atMinute, "10:00:30 / open").revenueUsd)
                .isEqualTo(new BigDecimal("3.000000000000"));

        // A bounded input ends: the latest event time seen, 10:01:15, is broadcast before the
        // final watermark; the period is earned up to it and no further.
        harness.processElement2(at("10:01:15"), at("10:01:15"));
        watermark(Long.MAX_VALUE);
        List<MarginRow> atEnd = rows();
        assertThat(names(atEnd)).containsExactly("10:00:30 / final", "10:01:00 / final");
        // [10:00:30, 10:01:30) up to 10:01:15: 45 s * 0.1 = 4.5; [10:01:00, 10:02:00): 15 s = 1.5.
        assertThat(find(atEnd, "10:00:30 / final").revenueUsd)
                .isEqualTo(new BigDecimal("4.500000000000"));
        assertThat(find(atEnd, "10:01:00 / final").revenueUsd)
                .isEqualTo(new BigDecimal("1.500000000000"));
        assertNoState();
    }

    @Test
    void customerRevenueIsSplitByCallShareAndThePartsAddUpExactly() throws Exception {
        watermark(at("10:00:40"));
        send(callInput("acme", "chat", "w1", at("10:00:05"), "0.010"));
        send(callInput("acme", "chat", "w1", at("10:00:15"), "0.020"));
        send(callInput("acme", "search", "", at("10:00:20"), "0.030"));
        send(revenueInput(revenue("r1", "acme", at("10:00:25"), "1.00")));
        RevenueEvent addOn = revenue("r2", "acme", at("10:00:26"), "0.50");
        addOn.featureId = "search";
        send(revenueInput(addOn));
        tick();

        List<MarginRow> rows = live(rows());
        assertThat(names(rows))
                .containsExactlyInAnyOrder(
                        "09:59:30 chat/w1 final",
                        "09:59:30 search/ final",
                        "10:00:00 chat/w1 open",
                        "10:00:00 search/ open");
        for (String window : List.of("09:59:30 %s final", "10:00:00 %s open")) {
            MarginRow chat = find(rows, window.formatted("chat/w1"));
            MarginRow search = find(rows, window.formatted("search/"));
            // $1.00 over 2 chat calls and 1 search call: 0.666666666666|6 and 0.333333333333|3
            // truncated leave one unit of 10^-12, which goes to the larger remainder (chat).
            assertThat(chat.revenueUsd).isEqualTo(new BigDecimal("0.666666666667"));
            // The search add-on, $0.50, belongs to the search calls alone.
            assertThat(search.revenueUsd).isEqualTo(new BigDecimal("0.833333333333"));
            assertThat(chat.revenueUsd.add(search.revenueUsd)).isEqualByComparingTo("1.50");
            assertThat(chat.calls).isEqualTo(2);
            assertThat(chat.costUsd).isEqualByComparingTo("0.030");
            assertThat(search.calls).isEqualTo(1);
            assertThat(search.costUsd).isEqualByComparingTo("0.030");
        }
    }

    @Test
    void revenueWithoutCallsParksOnAPlaceholderThatIsDeletedWhenACallArrives() throws Exception {
        watermark(at("10:00:40"));
        send(revenueInput(revenue("r1", "acme", at("10:00:10"), "5.00")));
        tick();
        List<MarginRow> parked = rows();
        assertThat(names(parked)).containsExactly("09:59:30 / final", "10:00:00 / open");
        assertThat(find(parked, "10:00:00 / open").revenueUsd).isEqualByComparingTo("5.00");

        // A call at 10:00:50 falls in [10:00:00, 10:01:00) (and the unproduced [10:00:30, ...)).
        send(callInput("acme", "chat", "w1", at("10:00:50"), "0.010"));
        tick();
        List<MarginRow> moved = rows();
        assertThat(names(moved))
                .containsExactlyInAnyOrder("10:00:00 chat/w1 open", "10:00:00 / delete");
        MarginRow chat = find(moved, "10:00:00 chat/w1 open");
        assertThat(chat.revenueUsd).isEqualByComparingTo("5.00");
        assertThat(chat.calls).isEqualTo(1);
        MarginRow gone = find(moved, "10:00:00 / delete");
        assertThat(gone.windowSpec).isEqualTo("1m/30s");
        assertThat(gone.windowStart).isEqualTo(at("10:00:00"));
        assertThat(gone.customerId).isEqualTo("acme");
    }

    // -------------------------------------------------------------------------- late input

    @Test
    void aCallForAPanePastLatenessIsDroppedAndCounted() throws Exception {
        // The pane [10:00:00, 10:00:30) is kept until its end + size + lateness: 10:03:30.
        watermark(at("10:03:30"));
        send(callInput("acme", "chat", "w1", at("10:00:10"), "0.010"));
        tick();

        assertThat(rows()).isEmpty();
        assertThat(Metrics.count(panes, "lateDropped")).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aCallOneMillisecondInsideLatenessStillCounts() throws Exception {
        watermark(at("10:03:29.999"));
        send(callInput("acme", "chat", "w1", at("10:00:10"), "0.010"));
        tick();

        assertThat(Metrics.count(panes, "lateDropped")).isZero();
        assertThat(names(rows())).contains("10:00:00 chat/w1 final");
    }

    // ------------------------------------------------------------------------- end of input

    @Test
    void theFinalWatermarkEmitsEveryWindowAndClearsAllState() throws Exception {
        send(callInput("acme", "chat", "w1", at("10:00:10"), "0.010"));
        send(revenueInput(revenue("r1", "acme", at("10:00:20"), "2.00")));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processElement2(at("10:00:20"), at("10:00:20"));
        watermark(Long.MAX_VALUE);
        List<MarginRow> rows = live(rows());
        assertThat(names(rows))
                .containsExactlyInAnyOrder("09:59:30 chat/w1 final", "10:00:00 chat/w1 final");
        for (MarginRow r : rows) {
            assertThat(r.revenueUsd).isEqualByComparingTo("2.00");
        }
        assertNoState();

        // A tick left over from before the end emits nothing and leaves nothing behind.
        tick();
        assertThat(rows()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
