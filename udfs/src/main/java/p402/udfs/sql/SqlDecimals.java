package p402.udfs.sql;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact decimals into SQL DECIMAL(p, s) without the silent NULL Flink gives on overflow. */
final class SqlDecimals {

    private SqlDecimals() {}

    /**
     * {@code value} at scale {@code scale}, unchanged in value.
     *
     * @throws ArithmeticException when it needs more than {@code scale} decimals or more than
     *     {@code precision} digits: Flink would turn either into NULL without a word
     */
    static BigDecimal fit(BigDecimal value, int precision, int scale) {
        if (value == null) {
            return null;
        }
        BigDecimal exact;
        try {
            exact = value.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new ArithmeticException(
                    value.toPlainString() + " has more than " + scale + " decimal places");
        }
        if (exact.precision() > precision) {
            throw new ArithmeticException(
                    value.toPlainString()
                            + " does not fit DECIMAL("
                            + precision
                            + ", "
                            + scale
                            + ")");
        }
        return exact;
    }

    /**
     * An exact SQL number as a {@link BigDecimal}: DECIMAL or an integer type.
     *
     * @throws IllegalArgumentException for FLOAT, DOUBLE or anything else, which carry binary
     *     fractions no money should pass through
     */
    static BigDecimal exact(Object sqlNumber) {
        if (sqlNumber == null || sqlNumber instanceof BigDecimal) {
            return (BigDecimal) sqlNumber;
        }
        if (sqlNumber instanceof Long
                || sqlNumber instanceof Integer
                || sqlNumber instanceof Short
                || sqlNumber instanceof Byte) {
            return BigDecimal.valueOf(((Number) sqlNumber).longValue());
        }
        throw new IllegalArgumentException(
                "expected a DECIMAL or an integer, got "
                        + sqlNumber.getClass().getSimpleName()
                        + ": money never passes through a binary float");
    }

    /** {@code value} rounded half-even to {@code scale}, then checked as {@link #fit}. */
    static BigDecimal round(BigDecimal value, int precision, int scale) {
        return value == null
                ? null
                : fit(value.setScale(scale, RoundingMode.HALF_EVEN), precision, scale);
    }
}
