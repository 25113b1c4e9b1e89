package p402.udfs.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.annotation.InputGroup;
import org.apache.flink.table.functions.AggregateFunction;
import p402.udfs.revenue.Accrual;

/**
 * {@code P402_EARNED(amount, overlap_ms, period_ms)}: the revenue a group of terms {@code amount *
 * overlap_ms / period_ms} earned, summed as an exact fraction and rounded once, half-even, to 12
 * places ({@code DECIMAL(38, 12)}), as the margin job computes a window's revenue. The terms come
 * from {@code P402_REVENUE_WINDOWS}.
 *
 * <p>It retracts exactly too (a streaming query withdraws a window's terms when the frontier moves
 * and the window earns more), so it can sit behind joins and updating inputs.
 */
@FunctionHint(output = @DataTypeHint("DECIMAL(38, 12)"))
public class EarnedRevenue extends AggregateFunction<BigDecimal, EarnedRevenue.Sum> {

    private static final long serialVersionUID = 1L;

    /** The exact fraction so far, as decimal strings of two integers (SQL has no BigInteger). */
    public static class Sum {
        public String numerator = "0";
        public String denominator = "1";
    }

    @Override
    public Sum createAccumulator() {
        return new Sum();
    }

    public void accumulate(
            Sum acc,
            @DataTypeHint(inputGroup = InputGroup.ANY) Object amount,
            Long overlapMillis,
            Long periodMillis) {
        addTerm(acc, amount, overlapMillis, periodMillis, false);
    }

    public void retract(
            Sum acc,
            @DataTypeHint(inputGroup = InputGroup.ANY) Object amount,
            Long overlapMillis,
            Long periodMillis) {
        addTerm(acc, amount, overlapMillis, periodMillis, true);
    }

    private static void addTerm(
            Sum acc, Object amount, Long overlapMillis, Long periodMillis, boolean negate) {
        BigDecimal a = SqlDecimals.exact(amount);
        if (a == null || overlapMillis == null || periodMillis == null) {
            return;
        }
        if (overlapMillis <= 0 || a.signum() == 0) {
            return;
        }
        if (periodMillis <= 0 || overlapMillis > periodMillis) {
            throw new IllegalArgumentException(
                    "overlap " + overlapMillis + " outside a period of " + periodMillis);
        }
        // As Accrual: amount = unscaled / 10^scale, so the term is unscaled * overlap / (10^scale
        // * period).
        BigInteger num = a.unscaledValue().multiply(BigInteger.valueOf(overlapMillis));
        BigInteger den = BigInteger.valueOf(periodMillis);
        if (a.scale() > 0) {
            den = den.multiply(BigInteger.TEN.pow(a.scale()));
        } else if (a.scale() < 0) {
            num = num.multiply(BigInteger.TEN.pow(-a.scale()));
        }
        add(acc, negate ? num.negate() : num, den);
    }

    public void merge(Sum acc, Iterable<Sum> others) {
        for (Sum o : others) {
            add(acc, new BigInteger(o.numerator), new BigInteger(o.denominator));
        }
    }

    @Override
    public @DataTypeHint("DECIMAL(38, 12)") BigDecimal getValue(Sum acc) {
        BigDecimal exact = new BigDecimal(new BigInteger(acc.numerator));
        BigDecimal rounded =
                exact.divide(
                        new BigDecimal(new BigInteger(acc.denominator)),
                        Accrual.SCALE,
                        RoundingMode.HALF_EVEN);
        return SqlDecimals.fit(rounded, 38, Accrual.SCALE);
    }

    private static void add(Sum acc, BigInteger num, BigInteger den) {
        BigInteger n = new BigInteger(acc.numerator);
        BigInteger d = new BigInteger(acc.denominator);
        n = n.multiply(den).add(num.multiply(d));
        d = d.multiply(den);
        BigInteger g = n.gcd(d);
        if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
            n = n.divide(g);
            d = d.divide(g);
        }
        acc.numerator = n.toString();
        acc.denominator = d.toString();
    }
}
