package p402.udfs.sql;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;
import p402.udfs.cost.InvalidUsageException;
import p402.udfs.cost.UsageVector;

/**
 * {@code P402_USAGE(provider, usage_json)}: a provider's usage object split into the disjoint
 * buckets the cost engine prices, each token in exactly one of them.
 *
 * <p>Returns {@code ROW<uncached_input, cache_read, cache_write_5m, cache_write_1h, visible_output,
 * reasoning, requests BIGINT, invalid_reason STRING>}. Usage that does not add up has null counts
 * and the reason the job would give the dead letter.
 */
@FunctionHint(
        output =
                @DataTypeHint(
                        "ROW<uncached_input BIGINT, cache_read BIGINT, cache_write_5m BIGINT,"
                                + " cache_write_1h BIGINT, visible_output BIGINT, reasoning BIGINT,"
                                + " requests BIGINT, invalid_reason STRING>"))
public class UsageBuckets extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    public Row eval(String provider, String usageJson) {
        UsageVector u;
        try {
            u = UsageJson.normalize(provider, usageJson);
        } catch (InvalidUsageException e) {
            return Row.of(null, null, null, null, null, null, null, e.getMessage());
        }
        return Row.of(
                u.uncachedInput,
                u.cacheRead,
                u.cacheWrite5m,
                u.cacheWrite1h,
                u.visibleOutput,
                u.reasoning,
                u.requests,
                null);
    }
}
