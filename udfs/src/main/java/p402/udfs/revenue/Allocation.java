package p402.udfs.revenue;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Splits an amount across parts in proportion to integer weights (calls), at {@link Accrual#SCALE}
 * places, so that the parts add up to the whole to the last place.
 *
 * <p>Largest remainder: every part first gets its exact share truncated to the last place; the
 * units left over go one each to the parts with the largest truncated remainders, the earlier part
 * first on a tie. The caller orders the parts deterministically (by feature, then workflow), so a
 * replay allocates identically.
 */
public final class Allocation {

    private Allocation() {}

    public static BigDecimal[] byWeight(BigDecimal total, long[] weights) {
        long sum = 0;
        for (long w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w);
            }
            sum = Math.addExact(sum, w);
        }
        if (sum == 0) {
            throw new IllegalArgumentException("nothing to allocate to");
        }
        BigInteger units = total.setScale(Accrual.SCALE).unscaledValue();
        int sign = units.signum();
        units = units.abs();
        BigInteger weightSum = BigInteger.valueOf(sum);

        BigInteger[] base = new BigInteger[weights.length];
        BigInteger[] remainder = new BigInteger[weights.length];
        BigInteger given = BigInteger.ZERO;
        for (int i = 0; i < weights.length; i++) {
            BigInteger[] qr =
                    units.multiply(BigInteger.valueOf(weights[i])).divideAndRemainder(weightSum);
            base[i] = qr[0];
            remainder[i] = qr[1];
            given = given.add(qr[0]);
        }

        // At most weights.length - 1 units are left over, so a selection per unit is cheap.
        long leftover = units.subtract(given).longValueExact();
        boolean[] bumped = new boolean[weights.length];
        for (long u = 0; u < leftover; u++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                if (!bumped[i]
                        && weights[i] > 0
                        && (best < 0 || remainder[i].compareTo(remainder[best]) > 0)) {
                    best = i;
                }
            }
            bumped[best] = true;
            base[best] = base[best].add(BigInteger.ONE);
        }

        BigDecimal[] parts = new BigDecimal[weights.length];
        for (int i = 0; i < weights.length; i++) {
            BigInteger v = sign < 0 ? base[i].negate() : base[i];
            parts[i] = new BigDecimal(v, Accrual.SCALE);
        }
        return parts;
    }
}
