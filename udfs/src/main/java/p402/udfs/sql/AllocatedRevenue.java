package p402.udfs.sql;

import java.math.BigDecimal;
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
 */
@FunctionHint(output = @DataTypeHint("DECIMAL(38, 12)"))
public class AllocatedRevenue extends AggregateFunction<BigDecimal, AllocatedRevenue.Cells> {

    private static final long serialVersionUID = 1L;

    private static final char SEP = '\u0000';

    /** Every cell's calls, keyed by feature NUL workflow, plus the total and the target. */
    public static class Cells {
        public @DataTypeHint("DECIMAL(38, 12)") BigDecimal total;
        public String target;
        public MapView<String, Long> calls = new MapView<>();
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
        acc.total = SqlDecimals.exact(total);
        acc.target = targetFeatureId + SEP + targetWorkflowId;
        acc.calls.put(featureId + SEP + workflowId, calls == null ? 0L : calls);
    }

    @Override
    public @DataTypeHint("DECIMAL(38, 12)") BigDecimal getValue(Cells acc) {
        if (acc.total == null || acc.target == null) {
            return null;
        }
        // (feature, workflow) order: NUL sorts before every other character, so the key order is
        // the order of the pair.
        TreeMap<String, Long> cells = new TreeMap<>();
        try {
            for (Map.Entry<String, Long> e : acc.calls.entries()) {
                cells.put(e.getKey(), e.getValue());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the cells", e);
        }
        long[] weights = new long[cells.size()];
        int target = -1;
        int i = 0;
        for (Map.Entry<String, Long> e : cells.entrySet()) {
            weights[i] = Math.max(0, e.getValue());
            if (e.getKey().equals(acc.target)) {
                target = i;
            }
            i++;
        }
        if (target < 0) {
            return null;
        }
        return SqlDecimals.fit(Allocation.byWeight(acc.total, weights)[target], 38, 12);
    }
}
