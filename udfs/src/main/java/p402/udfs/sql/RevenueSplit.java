package p402.udfs.sql;

import java.math.BigDecimal;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.annotation.InputGroup;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.types.Row;

/**
 * {@code P402_SPLIT(total, feature_id, workflow_id, calls)}: {@code total} split across the cells
 * aggregated (one row per cell) by their calls, as the margin job splits a customer's revenue
 * ({@code Allocation.byWeight} at 12 places, largest remainder, cells in (feature, workflow)
 * order): {@code ARRAY<ROW<feature_id, workflow_id, revenue DECIMAL(38, 12)>>}, one element per
 * cell, adding up to the total exactly. {@code CROSS JOIN UNNEST} turns it into rows.
 *
 * <p>Where {@code P402_ALLOCATED} needs the cells joined with themselves (a row per pair), this
 * sees each cell once: a streaming query that changes one cell's calls sends this one withdrawal
 * and one addition instead of one per other cell. Retracts as {@code P402_ALLOCATED} does.
 */
@FunctionHint(
        output =
                @DataTypeHint(
                        "ARRAY<ROW<feature_id STRING, workflow_id STRING,"
                                + " revenue DECIMAL(38, 12)>>"))
public class RevenueSplit extends AggregateFunction<Row[], AllocatedRevenue.Cells> {

    private static final long serialVersionUID = 1L;

    @Override
    public AllocatedRevenue.Cells createAccumulator() {
        return new AllocatedRevenue.Cells();
    }

    public void accumulate(
            AllocatedRevenue.Cells acc,
            @DataTypeHint(inputGroup = InputGroup.ANY) Object total,
            String featureId,
            String workflowId,
            Long calls)
            throws Exception {
        AllocatedRevenue.count(acc, total, featureId, workflowId, calls, 1);
    }

    public void retract(
            AllocatedRevenue.Cells acc,
            @DataTypeHint(inputGroup = InputGroup.ANY) Object total,
            String featureId,
            String workflowId,
            Long calls)
            throws Exception {
        AllocatedRevenue.count(acc, total, featureId, workflowId, calls, -1);
    }

    @Override
    public Row[] getValue(AllocatedRevenue.Cells acc) {
        AllocatedRevenue.Split split = AllocatedRevenue.split(acc);
        if (split == null) {
            return null;
        }
        Row[] rows = new Row[split.parts().length];
        for (int i = 0; i < rows.length; i++) {
            BigDecimal part = split.parts()[i];
            rows[i] = Row.of(split.feature(i), split.workflow(i), part);
        }
        return rows;
    }
}
