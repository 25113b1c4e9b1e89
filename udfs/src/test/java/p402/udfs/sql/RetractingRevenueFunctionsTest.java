package p402.udfs.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The revenue functions as a streaming query drives them: terms and cells withdrawn and replaced.
 * Every expected value is worked out by hand in the comment beside it.
 */
class RetractingRevenueFunctionsTest {

    @Test
    void earnedRevenueWithdrawsATermExactly() {
        EarnedRevenue earned = new EarnedRevenue();
        EarnedRevenue.Sum acc = earned.createAccumulator();

        // 100 * 1/3 + 50 * 1/7, then the first term withdrawn: 50/7 = 7.142857142857 (12 places).
        earned.accumulate(acc, new BigDecimal("100"), 1L, 3L);
        earned.accumulate(acc, new BigDecimal("50.00"), 1L, 7L);
        earned.retract(acc, new BigDecimal("100"), 1L, 3L);

        assertThat(earned.getValue(acc)).isEqualByComparingTo("7.142857142857");
    }

    @Test
    void earnedRevenueOfATermReplacedByALargerOne() {
        EarnedRevenue earned = new EarnedRevenue();
        EarnedRevenue.Sum acc = earned.createAccumulator();

        // The frontier moves: 30 earned for 10 of 30 days, then for 11: 30 * 11/30 = 11 exactly.
        earned.accumulate(acc, new BigDecimal("30"), 10L, 30L);
        earned.retract(acc, new BigDecimal("30"), 10L, 30L);
        earned.accumulate(acc, new BigDecimal("30"), 11L, 30L);

        assertThat(earned.getValue(acc)).isEqualByComparingTo("11");
    }

    @Test
    void allocationFollowsACellWhoseCallsChange() throws Exception {
        AllocatedRevenue allocated = new AllocatedRevenue();
        AllocatedRevenue.Cells acc = allocated.createAccumulator();

        // 10.00 over chat (1 call) and search (1 call), target chat: 5.00. Then chat has 3 calls:
        // 10 * 3/4 = 7.5 exactly to chat.
        allocated.accumulate(acc, new BigDecimal("10.00"), "chat", "", 1L, "chat", "");
        allocated.accumulate(acc, new BigDecimal("10.00"), "search", "", 1L, "chat", "");
        assertThat(allocated.getValue(acc)).isEqualByComparingTo("5");

        allocated.retract(acc, new BigDecimal("10.00"), "chat", "", 1L, "chat", "");
        allocated.accumulate(acc, new BigDecimal("10.00"), "chat", "", 3L, "chat", "");
        assertThat(allocated.getValue(acc)).isEqualByComparingTo("7.5");
    }

    @Test
    void allocationFollowsANewTotalAndKeepsTheLargestRemainderRule() throws Exception {
        AllocatedRevenue allocated = new AllocatedRevenue();
        AllocatedRevenue.Cells acc = allocated.createAccumulator();

        // 1 over three cells of one call each, target b: 1/3 = 0.333333333333 each, and the one
        // leftover unit (10^-12) goes to the first cell on the tie, a. Then the total becomes 2:
        // 0.666666666666 each with two leftover units for a and b, so b gets 0.666666666667.
        for (String cell : List.of("a", "b", "c")) {
            allocated.accumulate(acc, BigDecimal.ONE, cell, "", 1L, "b", "");
        }
        assertThat(allocated.getValue(acc)).isEqualByComparingTo("0.333333333333");

        for (String cell : List.of("a", "b", "c")) {
            allocated.retract(acc, BigDecimal.ONE, cell, "", 1L, "b", "");
            allocated.accumulate(acc, new BigDecimal("2"), cell, "", 1L, "b", "");
        }
        assertThat(allocated.getValue(acc)).isEqualByComparingTo("0.666666666667");
    }

    @Test
    void theSplitGivesEveryCellItsPartAndFollowsAChangedCell() throws Exception {
        RevenueSplit split = new RevenueSplit();
        AllocatedRevenue.Cells acc = split.createAccumulator();

        // 1 over (chat, w1) with 2 calls and (search, '') with 1: 2/3 truncates to 0.666666666666
        // and 1/3 to 0.333333333333, one unit (10^-12) left over; chat's remainder (2/3 of a unit)
        // is larger than search's (1/3), so chat gets it.
        split.accumulate(acc, BigDecimal.ONE, "search", "", 1L);
        split.accumulate(acc, BigDecimal.ONE, "chat", "w1", 2L);
        assertThat(parts(split.getValue(acc)))
                .containsExactly("chat|w1|0.666666666667", "search||0.333333333333");

        // search now has 2 calls: 1/2 each, exactly.
        split.retract(acc, BigDecimal.ONE, "search", "", 1L);
        split.accumulate(acc, BigDecimal.ONE, "search", "", 2L);
        assertThat(parts(split.getValue(acc))).containsExactly("chat|w1|0.5", "search||0.5");
    }

    private static List<String> parts(Row[] rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(
                    r.getField(0)
                            + "|"
                            + r.getField(1)
                            + "|"
                            + ((BigDecimal) r.getField(2)).stripTrailingZeros().toPlainString());
        }
        return out;
    }

    @Test
    void windowEndsFillTheGapBetweenTwoFirings() {
        List<Object> ends = ends(at(10, 0), at(11, 0), 1800L, 0L);

        // (10:00, 11:00] by 30 minutes.
        assertThat(ends).containsExactly(at(10, 30), at(11, 0));
    }

    @Test
    void theFirstFiringLooksBack() {
        List<Object> ends = ends(null, at(11, 0), 1800L, 3600L);

        // From the lookback (an hour) before 11:00 up to 11:00, both named: 10:00, 10:30, 11:00.
        assertThat(ends).containsExactly(at(10, 0), at(10, 30), at(11, 0));
    }

    @Test
    void anEndNotAfterThePreviousNamesNothing() {
        assertThat(ends(at(11, 0), at(11, 0), 1800L, 0L)).isEmpty();
    }

    private static List<Object> ends(
            LocalDateTime previous, LocalDateTime end, Long slide, Long lookback) {
        List<Object> out = new ArrayList<>();
        PassedWindowEnds f = new PassedWindowEnds();
        f.setCollector(
                new Collector<>() {
                    @Override
                    public void collect(Row row) {
                        out.add(row.getField(0));
                    }

                    @Override
                    public void close() {}
                });
        f.eval(previous, end, slide, lookback);
        return out;
    }

    private static LocalDateTime at(int hour, int minute) {
        return LocalDateTime.of(2026, 11, 10, hour, minute);
    }
}
