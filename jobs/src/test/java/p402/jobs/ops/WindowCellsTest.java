package p402.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import p402.jobs.events.PaneCell;
import p402.jobs.events.PaneGroup;

/**
 * {@link WindowCells} slides to exactly what summing a window's panes gives, scale included, over
 * runs of consecutive windows, gaps shorter and longer than a window, and grains that leave.
 */
class WindowCellsTest {

    private static final int PANES_PER_WINDOW = 6;

    @Test
    void slidingEqualsTheDirectSumScaleIncluded() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            Map<Long, PaneGroup> panes = randomPanes(random);
            WindowCells cells = new WindowCells(PANES_PER_WINDOW, panes::get);
            long w = -3;
            while (w < 60) {
                assertThat(rendered(cells.at(w)))
                        .as("round %d, window %d", round, w)
                        .isEqualTo(rendered(direct(panes, w)));
                w += random.nextInt(10) < 7 ? 1 : 1 + random.nextInt(2 * PANES_PER_WINDOW);
            }
        }
    }

    @Test
    void aWindowAskedAgainOrEarlierIsSummedAfresh() throws Exception {
        Map<Long, PaneGroup> panes = randomPanes(new Random(7));
        WindowCells cells = new WindowCells(PANES_PER_WINDOW, panes::get);
        for (long w : List.of(10L, 11L, 11L, 4L, 5L, 30L)) {
            assertThat(rendered(cells.at(w))).isEqualTo(rendered(direct(panes, w)));
        }
    }

    private static Map<Long, PaneGroup> randomPanes(Random random) {
        String[] features = {"chat", "search", ""};
        String[] workflows = {"w1", "w2"};
        Map<Long, PaneGroup> panes = new HashMap<>();
        for (long p = 0; p < 60; p++) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            PaneGroup g = new PaneGroup();
            for (int i = random.nextInt(3); i >= 0; i--) {
                PaneCell c =
                        g.cell(
                                features[random.nextInt(features.length)],
                                workflows[random.nextInt(workflows.length)]);
                c.calls += random.nextInt(5) - 1;
                c.accepted += random.nextInt(3);
                c.inputTokens += random.nextInt(1000);
                c.costUsd = c.costUsd.add(decimal(random));
                c.callRevenueUsd = c.callRevenueUsd.add(decimal(random));
                c.qualityScoreSum = c.qualityScoreSum.add(decimal(random));
                c.qualityScored += 1;
            }
            panes.put(p, g);
        }
        return panes;
    }

    /** Scales from negative to 14, trailing zeros included: 1E+2, 0.50, 0.00012000000000. */
    private static BigDecimal decimal(Random random) {
        return BigDecimal.valueOf(random.nextInt(2001) - 1000, random.nextInt(17) - 2);
    }

    /** Summing the window's panes one by one, as the operator did before sliding. */
    private static PaneCell[] direct(Map<Long, PaneGroup> panes, long start) {
        Map<String, PaneCell> byGrain = new HashMap<>();
        for (long p = start; p < start + PANES_PER_WINDOW; p++) {
            PaneGroup g = panes.get(p);
            if (g == null) {
                continue;
            }
            for (PaneCell c : g.cells) {
                byGrain.computeIfAbsent(
                                c.featureId + '\u0000' + c.workflowId,
                                x -> new PaneCell(c.featureId, c.workflowId))
                        .add(c);
            }
        }
        return byGrain.values().toArray(new PaneCell[0]);
    }

    /** Every field, decimals by their text: equal text means equal value and scale. */
    private static List<String> rendered(PaneCell[] cells) {
        return Arrays.stream(cells)
                .sorted(
                        Comparator.comparing((PaneCell c) -> c.featureId)
                                .thenComparing(c -> c.workflowId))
                .map(
                        c ->
                                String.join(
                                        " ",
                                        c.featureId + "/" + c.workflowId,
                                        "calls=" + c.calls,
                                        "errors=" + c.errorCalls,
                                        "accepted=" + c.accepted,
                                        "input=" + c.inputTokens,
                                        "cost=" + c.costUsd,
                                        "revenue=" + c.callRevenueUsd,
                                        "quality=" + c.qualityScoreSum,
                                        "scored=" + c.qualityScored))
                .toList();
    }
}
