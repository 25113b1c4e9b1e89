package p402.udfs.sql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.InputGroup;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code P402_MARGIN_PCT(revenue_usd, cost_usd)}: {@code 100 * (revenue - cost) / revenue}, as
 * {@code margin_window.gross_margin_pct} defines it; null when revenue is 0 or either is null.
 * Exact until the one division, which is rounded half-even to 12 decimal places. Arguments are
 * DECIMAL or integer types; a DOUBLE or FLOAT is refused, not used.
 */
public class GrossMarginPct extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final int SCALE = 12;

    public @DataTypeHint("DECIMAL(38, 12)") BigDecimal eval(
            @DataTypeHint(inputGroup = InputGroup.ANY) Object revenueUsd,
            @DataTypeHint(inputGroup = InputGroup.ANY) Object costUsd) {
        BigDecimal revenue = SqlDecimals.exact(revenueUsd);
        BigDecimal cost = SqlDecimals.exact(costUsd);
        if (revenue == null || cost == null || revenue.signum() == 0) {
            return null;
        }
        BigDecimal pct =
                revenue.subtract(cost)
                        .multiply(BigDecimal.valueOf(100))
                        .divide(revenue, SCALE, RoundingMode.HALF_EVEN);
        return SqlDecimals.fit(pct, 38, SCALE);
    }
}
