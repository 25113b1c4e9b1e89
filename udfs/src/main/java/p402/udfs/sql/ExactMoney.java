package p402.udfs.sql;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code P402_MONEY(text)}: a contract amount, as {@code DECIMAL(33, 18)}, from the exact text the
 * producer wrote (the Kafka tables declare money as STRING, and the JSON format hands a JSON number
 * to a STRING column as its literal text, so no binary float is ever involved).
 *
 * <p>{@code DECIMAL(33, 18)} holds every amount the contract accepts (under 10^15, at most 18
 * decimal places) exactly. Anything else is an error naming the value, never the rounded or NULL
 * value Flink's own DECIMAL conversion would give.
 */
public class ExactMoney extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final Pattern DECIMAL =
            Pattern.compile("[-+]?\\d{1,40}(\\.\\d{1,40})?([eE][-+]?\\d{1,3})?");
    private static final BigDecimal LIMIT = BigDecimal.TEN.pow(15);

    public @DataTypeHint("DECIMAL(33, 18)") BigDecimal eval(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        if (!DECIMAL.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a decimal amount");
        }
        BigDecimal v = new BigDecimal(s);
        if (v.abs().compareTo(LIMIT) >= 0) {
            throw new ArithmeticException(v.toPlainString() + " is out of range (10^15)");
        }
        return SqlDecimals.fit(v.stripTrailingZeros(), 33, 18);
    }
}
