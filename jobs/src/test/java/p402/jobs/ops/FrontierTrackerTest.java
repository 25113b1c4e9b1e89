package p402.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** {@link FrontierTracker}: what it holds back, what it emits at the end, what it restores. */
class FrontierTrackerTest {

    private static OneInputStreamOperatorTestHarness<Long, Long> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new FrontierTracker());
    }

    private static OneInputStreamOperatorTestHarness<Long, Long> harness(
            int parallelism, int subtask) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new FrontierTracker(), 128, parallelism, subtask);
    }

    /** Records as their values, watermarks as "wm:" and the timestamp. */
    private static List<String> output(OneInputStreamOperatorTestHarness<Long, Long> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark w) {
                out.add(w.getTimestamp() == Long.MAX_VALUE ? "wm:MAX" : "wm:" + w.getTimestamp());
            } else {
                out.add(String.valueOf(((StreamRecord<?>) o).getValue()));
            }
        }
        return out;
    }

    private static void see(OneInputStreamOperatorTestHarness<Long, Long> h, long t)
            throws Exception {
        h.processElement(t, t);
    }

    @Test
    void passesWatermarksButHoldsBackTheEndOfTimeUntilTheInputEnds() throws Exception {
        try (OneInputStreamOperatorTestHarness<Long, Long> h = harness()) {
            h.open();
            see(h, 500);
            see(h, 900);
            see(h, 700); // out of order: the maximum stays 900
            h.processWatermark(new Watermark(600));
            h.processWatermark(Watermark.MAX_WATERMARK);

            assertThat(output(h)).containsExactly("wm:600");

            h.endInput();
            // The frontier first, then the final watermark, so timers see the frontier.
            assertThat(output(h)).containsExactly("wm:600", "900", "wm:MAX");
        }
    }

    @Test
    void withNothingSeenOnlyTheFinalWatermarkIsSent() throws Exception {
        try (OneInputStreamOperatorTestHarness<Long, Long> h = harness()) {
            h.open();
            h.endInput();
            assertThat(output(h)).containsExactly("wm:MAX");
        }
    }

    @Test
    void restoresTheMaximumFromASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<Long, Long> h = harness()) {
            h.open();
            see(h, 900);
            see(h, 400);
            snapshot = h.snapshot(1, 1);
        }

        try (OneInputStreamOperatorTestHarness<Long, Long> h = harness()) {
            h.initializeState(snapshot);
            h.open();
            see(h, 800); // below what the first run saw
            h.endInput();
            assertThat(output(h)).containsExactly("900", "wm:MAX");
        }
    }

    @Test
    void aRestoreAtAnotherParallelismKnowsTheMaximumOfAllSubtasks() throws Exception {
        OperatorSubtaskState first;
        OperatorSubtaskState second;
        try (OneInputStreamOperatorTestHarness<Long, Long> h = harness(2, 0)) {
            h.open();
            see(h, 700);
            first = h.snapshot(1, 1);
        }
        try (OneInputStreamOperatorTestHarness<Long, Long> h = harness(2, 1)) {
            h.open();
            see(h, 900);
            second = h.snapshot(1, 1);
        }
        OperatorSubtaskState both = AbstractStreamOperatorTestHarness.repackageState(first, second);

        // Union state: each of the new subtasks gets every entry, so both know 900.
        for (int subtask = 0; subtask < 3; subtask++) {
            try (OneInputStreamOperatorTestHarness<Long, Long> h = harness(3, subtask)) {
                h.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                both, 128, 2, 3, subtask));
                h.open();
                h.endInput();
                assertThat(output(h)).containsExactly("900", "wm:MAX");
            }
        }
    }
}
