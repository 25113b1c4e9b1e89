package p402.udfs.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.annotation.InputGroup;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.functions.AggregateFunction;
import p402.udfs.revenue.Allocation;

/**
 * {@code P402_ALLOCATED(total, feature_id, workflow_id, calls, target_feature_id,
 * target_workflow_id)}: the part of {@code total} that falls to the target cell when it is split
 * across the cells aggregated (one row per cell) by their calls, as the margin job splits a
 * customer's revenue: {@code Allocation.byWeight} at 12 places, largest remainder, cells in
 * (feature, workflow) order. Returns {@code DECIMAL(38, 12)}; the parts of all targets add up to
 * the total exactly.
 *
 * <p>Aggregate over the cross product of a window's cells with itself, grouped by the target cell:
 * each group sees every cell once and the same target.
 *
 * <p>Rows can be retracted: a streaming query withdraws a cell's old call count (or the old total)
 * before it adds the new one. The accumulator therefore keeps multisets, counting each (cell,
 * calls) and each total it was given, and splits with what has a positive count. Between a
 * withdrawal and its replacement in different batches a group can see two counts for one cell; it
 * then takes the larger, and the next batch puts it right.
 */
@FunctionHint(output = @DataTypeHint("DECIMAL(38, 12)"))
public class AllocatedRevenue extends AggregateFunction<BigDecimal, AllocatedRevenue.Cells> {

    private static final long serialVersionUID = 1L;

    private static final char SEP = '\u0000';

    /**
     * How often each (feature NUL workflow NUL calls) and each total (plain decimal text) was
     * added, less how often it was withdrawn; and the target cell.
     */
    public static class Cells {
        public String target;
        public MapView<String, Long> calls = new MapView<>();
        public MapView<String, Long> totals = new MapView<>();
    }

    @Override
    public Cells createAccumulator() {
        return new Cells();
    }

    public void accumulate(
            Cells acc,
            @DataTypeHint(inputGroup = InputGroup.ANY) Object total,
            String featureId,
            String workflowId,
            Long calls,
            String targetFeatureId,
            String targetWorkflowId)
            throws Exception {
        count(acc, total, featureId, workflowId, calls, 1);
        acc.target = targetFeatureId + SEP + targetWorkflowId;
    }

    public void retract(
            Cells acc,
            @DataTypeHint(inputGroup = InputGroup.ANY) Object total,
            String featureId,
            String workflowId,
            Long calls,
            String targetFeatureId,
            String targetWorkflowId)
            throws Exception {
        count(acc, total, featureId, workflowId, calls, -1);
    }

    static void count(
            Cells acc, Object total, String featureId, String workflowId, Long calls, long by)
            throws Exception {
        BigDecimal exact = SqlDecimals.exact(total);
        if (exact != null) {
            bump(acc.totals, exact.toPlainString(), by);
        }
        bump(acc.calls, featureId + SEP + workflowId + SEP + (calls == null ? 0L : calls), by);
    }

    private static void bump(MapView<String, Long> multiset, String key, long by) throws Exception {
        Long n = multiset.get(key);
        long next = (n == null ? 0 : n) + by;
        if (next == 0) {
            multiset.remove(key);
        } else {
            multiset.put(key, next);
        }
    }

    @Override
    public @DataTypeHint("DECIMAL(38, 12)") BigDecimal getValue(Cells acc) {
        if (acc.target == null) {
            return null;
        }
        Split split = split(acc);
        if (split == null) {
            return null;
        }
        int target = split.cells().indexOf(acc.target);
        return target < 0 ? null : split.parts()[target];
    }

    /** The cells in (feature, workflow) order, as {@code feature NUL workflow}, and their parts. */
    record Split(List<String> cells, BigDecimal[] parts) {

        String feature(int i) {
            return cells.get(i).substring(0, cells.get(i).indexOf(SEP));
        }

        String workflow(int i) {
            return cells.get(i).substring(cells.get(i).indexOf(SEP) + 1);
        }
    }

    /** The total split over the cells with a positive count, or null without a total. */
    static Split split(Cells acc) {
        BigDecimal total = null;
        // (feature, workflow) order: NUL sorts before every other character, so the key order is
        // the order of the pair.
        TreeMap<String, Long> cells = new TreeMap<>();
        try {
            for (Map.Entry<String, Long> e : acc.totals.entries()) {
                if (e.getValue() > 0) {
                    total = new BigDecimal(e.getKey());
                }
            }
            for (Map.Entry<String, Long> e : acc.calls.entries()) {
                if (e.getValue() <= 0) {
                    continue;
                }
                int cut = e.getKey().lastIndexOf(SEP);
                long calls = Long.parseLong(e.getKey().substring(cut + 1));
                cells.merge(e.getKey().substring(0, cut), calls, Math::max);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the cells", e);
        }
        if (total == null || cells.isEmpty()) {
            return null;
        }
        long[] weights = new long[cells.size()];
        int i = 0;
        for (long calls : cells.values()) {
            weights[i++] = Math.max(0, calls);
        }
        BigDecimal[] parts = Allocation.byWeight(total, weights);
        for (int j = 0; j < parts.length; j++) {
            parts[j] = SqlDecimals.fit(parts[j], 38, 12);
        }
        return new Split(new ArrayList<>(cells.keySet()), parts);
    }
}
