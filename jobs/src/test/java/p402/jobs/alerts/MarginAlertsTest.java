package p402.jobs.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p402.jobs.config.WindowSpec;

/**
 * {@link MarginAlerts} on {@code 4m/1m}: windows of four minutes every minute, one customer with
 * two cells. The watermark either walks window by window or jumps over all of them at once (the end
 * of a bounded input, a catch-up): both give the same episodes, and the state of passed windows
 * goes.
 */
class MarginAlertsTest {

    private static final WindowSpec SPEC = WindowSpec.parse("4m/1m:1d");
    private static final long MINUTE = 60_000L;
    private static final AlertSubject ACME = new AlertSubject("t1", AlertSubject.CUSTOMER, "acme");

    private KeyedProcessOperator<String, AlertInput, Alert> operator;
    private KeyedOneInputStreamOperatorTestHarness<String, AlertInput, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        operator =
                new KeyedProcessOperator<>(
                        new MarginAlerts(SPEC, new BigDecimal("20"), new BigDecimal("2"), 1));
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, in -> in.subject.key(), Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void row(long windowEnd, String cell, String cost, String revenue) throws Exception {
        AlertInput in = new AlertInput();
        in.subject = ACME;
        in.cell = cell;
        in.windowEnd = windowEnd;
        in.calls = 1;
        in.accepted = 1;
        in.costUsd = new BigDecimal(cost);
        in.revenueUsd = new BigDecimal(revenue);
        harness.processElement(in, windowEnd - 1);
    }

    /**
     * Windows ending at minutes 4..13; two cells each, the second restated once. Windows 6..8 lose
     * money, the rest earn more than 20 %.
     */
    private void rows() throws Exception {
        for (long m = 4; m <= 13; m++) {
            boolean losing = m >= 6 && m <= 8;
            row(m * MINUTE, "chat/w1", "1.00", losing ? "0.50" : "2.00");
            row(m * MINUTE, "chat/w2", "1.00", "9.00");
            row(m * MINUTE, "chat/w2", "1.00", losing ? "0.10" : "2.00");
        }
    }

    private List<String> alerts() {
        return harness.extractOutputValues().stream()
                .map(a -> a.kind + " " + a.state + " " + a.openedAt / MINUTE)
                .toList();
    }

    @Test
    void aJumpOverEveryWindowGivesTheEpisodesOfAWalk() throws Exception {
        rows();
        for (long m = 4; m <= 13; m++) {
            harness.processWatermark(new Watermark(m * MINUTE));
        }
        List<String> walked = alerts();

        close();
        open();
        rows();
        harness.processWatermark(new Watermark(13 * MINUTE));

        assertThat(walked).containsExactly("negative_margin open 6", "negative_margin cleared 6");
        assertThat(alerts()).isEqualTo(walked);
    }

    @Test
    void passedWindowsLeaveOnlyTheTotalsALaterWindowComparesWith() throws Exception {
        rows();
        harness.processWatermark(new Watermark(13 * MINUTE));

        // No cells: every window passed. Totals of the windows ending at 10..13, the ones windows
        // up to 17 compare with.
        operator.setCurrentKey(ACME.key());
        assertThat(mapState("cells", Types.STRING).keys()).isEmpty();
        assertThat(mapState("totals", Types.LONG).keys())
                .containsExactlyInAnyOrder(10 * MINUTE, 11 * MINUTE, 12 * MINUTE, 13 * MINUTE);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private <K> MapState<K, WindowTotals> mapState(String name, TypeInformation<K> keys)
            throws Exception {
        return operator.getKeyedStateBackend()
                .getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new MapStateDescriptor<>(
                                name, keys, TypeInformation.of(WindowTotals.class)));
    }
}
