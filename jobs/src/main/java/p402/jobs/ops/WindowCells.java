package p402.jobs.ops;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import p402.jobs.events.PaneCell;
import p402.jobs.events.PaneGroup;

/**
 * The (feature, workflow) cells of one spec's windows, each the sum of the window's panes. Asked
 * for windows in ascending order it slides instead of summing again: the pane entering is added and
 * the pane leaving subtracted, so a run of consecutive windows costs two pane reads per window, not
 * size/slide. Used within one timer call only: the panes must not change while it slides.
 *
 * <p>The result is the direct sum exactly, scale included. Additions and subtractions of decimals
 * are exact, but a sum's scale is the largest of its terms' scales, and one that was subtracted
 * again would otherwise stay in it ({@code 0.0012} would read {@code 0.001200}); the scales of the
 * panes in the window are counted per grain so the sum is brought back to the direct sum's scale. A
 * grain is a cell as long as one pane in the window has it, as in the direct sum.
 */
final class WindowCells {

    /** Reads one pane of the spec, null when it has none. */
    interface Panes {
        PaneGroup get(long pane) throws Exception;
    }

    private final int panesPerWindow;
    private final Panes panes;
    private final Map<String, Running> running = new HashMap<>();
    private boolean summed;
    private long first;

    WindowCells(int panesPerWindow, Panes panes) {
        this.panesPerWindow = panesPerWindow;
        this.panes = panes;
    }

    /** The cells of the window whose first pane is {@code start}, in no particular order. */
    PaneCell[] at(long start) throws Exception {
        if (!summed || start < first || start - first >= panesPerWindow) {
            running.clear();
            for (long p = start; p < start + panesPerWindow; p++) {
                enter(p);
            }
        } else {
            for (long w = first; w < start; w++) {
                leave(w);
                enter(w + panesPerWindow);
            }
        }
        summed = true;
        first = start;

        PaneCell[] cells = new PaneCell[running.size()];
        int i = 0;
        for (Running r : running.values()) {
            cells[i++] = r.cell();
        }
        return cells;
    }

    private void enter(long pane) throws Exception {
        PaneGroup g = panes.get(pane);
        if (g == null) {
            return;
        }
        for (PaneCell c : g.cells) {
            running.computeIfAbsent(grain(c), x -> new Running(c)).enter(c);
        }
    }

    private void leave(long pane) throws Exception {
        PaneGroup g = panes.get(pane);
        if (g == null) {
            return;
        }
        for (PaneCell c : g.cells) {
            String grain = grain(c);
            if (running.get(grain).leave(c)) {
                running.remove(grain);
            }
        }
    }

    private static String grain(PaneCell c) {
        return c.featureId + '\u0000' + c.workflowId;
    }

    /** One grain's sum over the panes in the window, and how many panes hold each scale. */
    private static final class Running {
        final PaneCell sum;
        final Scales cost = new Scales();
        final Scales callRevenue = new Scales();
        final Scales quality = new Scales();
        int panes;

        Running(PaneCell c) {
            sum = new PaneCell(c.featureId, c.workflowId);
        }

        void enter(PaneCell c) {
            sum.add(c);
            cost.count(c.costUsd, 1);
            callRevenue.count(c.callRevenueUsd, 1);
            quality.count(c.qualityScoreSum, 1);
            panes++;
        }

        /** True when no pane in the window has this grain any more. */
        boolean leave(PaneCell c) {
            sum.subtract(c);
            cost.count(c.costUsd, -1);
            callRevenue.count(c.callRevenueUsd, -1);
            quality.count(c.qualityScoreSum, -1);
            return --panes == 0;
        }

        PaneCell cell() {
            PaneCell c = new PaneCell(sum.featureId, sum.workflowId);
            c.add(sum);
            c.costUsd = cost.apply(c.costUsd);
            c.callRevenueUsd = callRevenue.apply(c.callRevenueUsd);
            c.qualityScoreSum = quality.apply(c.qualityScoreSum);
            return c;
        }
    }

    /**
     * How many of the window's panes hold a decimal of each scale; a direct sum starts from {@link
     * BigDecimal#ZERO}, so its scale is at least 0.
     */
    private static final class Scales {
        private int[] panes = new int[16];

        void count(BigDecimal v, int n) {
            int scale = Math.max(0, v.scale());
            if (scale >= panes.length) {
                int[] grown = new int[Math.max(scale + 1, 2 * panes.length)];
                System.arraycopy(panes, 0, grown, 0, panes.length);
                panes = grown;
            }
            panes[scale] += n;
        }

        BigDecimal apply(BigDecimal sum) {
            int scale = panes.length - 1;
            while (scale > 0 && panes[scale] == 0) {
                scale--;
            }
            return sum.setScale(scale, RoundingMode.UNNECESSARY);
        }
    }
}
