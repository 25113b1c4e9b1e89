package p402.udfs.sql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.InputGroup;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code P402_COST_PER_ACCEPTED(cost_usd, accepted)}: quality-adjusted unit cost, {@code cost /
 * accepted} as {@code margin_window.cost_per_accepted_usd} defines it; null when nothing was
 * accepted. Rounded half-even to 18 decimal places, the one rounding.
 */
public class CostPerAccepted extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final int SCALE = 18;

    public @DataTypeHint("DECIMAL(38, 18)") BigDecimal eval(
            @DataTypeHint(inputGroup = InputGroup.ANY) Object costUsd, Long accepted) {
        BigDecimal cost = SqlDecimals.exact(costUsd);
        if (cost == null || accepted == null || accepted == 0) {
            return null;
        }
        BigDecimal perAccepted =
                cost.divide(BigDecimal.valueOf(accepted), SCALE, RoundingMode.HALF_EVEN);
        return SqlDecimals.fit(perAccepted, 38, SCALE);
    }
}
