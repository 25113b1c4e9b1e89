package p402.udfs.revenue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * An exact sum of revenue earned pro rata: each term is {@code amount * overlap / period}, kept as
 * a fraction of integers so that several service periods in one window are added without any
 * intermediate rounding. {@link #rounded()} rounds once, half-even, to {@link #SCALE} places.
 */
public final class Accrual {

    /** Decimal places revenue is kept at, as the contract says. */
    public static final int SCALE = 12;

    private BigInteger numerator = BigInteger.ZERO;
    private BigInteger denominator = BigInteger.ONE;

    /** Adds the whole of {@code amount}. */
    public Accrual add(BigDecimal amount) {
        return addFraction(amount, 1, 1);
    }

    /**
     * Adds the share of {@code amount} earned in {@code overlapMillis} of a period of {@code
     * periodMillis}, evenly over the period.
     */
    public Accrual addFraction(BigDecimal amount, long overlapMillis, long periodMillis) {
        if (overlapMillis <= 0 || amount.signum() == 0) {
            return this;
        }
        if (periodMillis <= 0 || overlapMillis > periodMillis) {
            throw new IllegalArgumentException(
                    "overlap " + overlapMillis + " outside a period of " + periodMillis);
        }
        // amount = unscaled / 10^scale, so the term is unscaled * overlap / (10^scale * period).
        BigInteger num = amount.unscaledValue().multiply(BigInteger.valueOf(overlapMillis));
        BigInteger den = BigInteger.valueOf(periodMillis);
        if (amount.scale() > 0) {
            den = den.multiply(BigInteger.TEN.pow(amount.scale()));
        } else if (amount.scale() < 0) {
            num = num.multiply(BigInteger.TEN.pow(-amount.scale()));
        }
        numerator = numerator.multiply(den).add(num.multiply(denominator));
        denominator = denominator.multiply(den);
        BigInteger g = numerator.gcd(denominator);
        if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
            numerator = numerator.divide(g);
            denominator = denominator.divide(g);
        }
        return this;
    }

    public boolean isZero() {
        return numerator.signum() == 0;
    }

    /** The exact sum rounded once, half-even, to {@link #SCALE} places. */
    public BigDecimal rounded() {
        return new BigDecimal(numerator)
                .divide(new BigDecimal(denominator), SCALE, RoundingMode.HALF_EVEN);
    }

    /** Milliseconds of {@code [from, to)} that fall in {@code [windowStart, windowEnd)}. */
    public static long overlap(long from, long to, long windowStart, long windowEnd) {
        return Math.max(0, Math.min(to, windowEnd) - Math.max(from, windowStart));
    }
}
