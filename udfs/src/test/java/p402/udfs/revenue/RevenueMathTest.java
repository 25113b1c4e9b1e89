package p402.udfs.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RevenueMathTest {

    private static final long DAY = 86_400_000L;

    @Test
    void monthlySubscriptionEarnsItsShareOfOneDay() {
        // $99 over 30 days: one day earns 99 / 30 = 3.3 exactly.
        BigDecimal earned =
                new Accrual().addFraction(new BigDecimal("99"), DAY, 30 * DAY).rounded();
        assertThat(earned).isEqualByComparingTo("3.3");
        assertThat(earned.scale()).isEqualTo(12);
    }

    @Test
    void aThirdIsRoundedOnceHalfEven() {
        // $100 over 3 days, one day: 33.333333333333 333... rounds down at the 12th place.
        assertThat(new Accrual().addFraction(new BigDecimal("100"), DAY, 3 * DAY).rounded())
                .isEqualTo(new BigDecimal("33.333333333333"));
        // $200 over 3 days, one day: 66.666666666666 666... rounds up.
        assertThat(new Accrual().addFraction(new BigDecimal("200"), DAY, 3 * DAY).rounded())
                .isEqualTo(new BigDecimal("66.666666666667"));
    }

    @Test
    void termsAreSummedBeforeRounding() {
        // 1/3 + 2/3 of $1 is exactly $1; rounding each term first would give 0.999999999999+1e-12.
        Accrual a = new Accrual();
        a.addFraction(BigDecimal.ONE, 1, 3).addFraction(BigDecimal.ONE, 2, 3);
        assertThat(a.rounded()).isEqualTo(new BigDecimal("1.000000000000"));
    }

    @Test
    void refundsAreNegative() {
        Accrual a = new Accrual().add(new BigDecimal("-25.50")).add(new BigDecimal("10"));
        assertThat(a.rounded()).isEqualByComparingTo("-15.5");
    }

    @Test
    void allocationPartsAddUpToTheWhole() {
        // $1 over weights 1,1,1: 0.333333333333 each leaves one unit, given to the first part.
        BigDecimal[] parts = Allocation.byWeight(BigDecimal.ONE, new long[] {1, 1, 1});
        assertThat(parts)
                .containsExactly(
                        new BigDecimal("0.333333333334"),
                        new BigDecimal("0.333333333333"),
                        new BigDecimal("0.333333333333"));
    }

    @Test
    void allocationGivesLeftoversToTheLargestRemainders() {
        // $10 over weights 1,2: exact shares 3.333..., 6.666...; the second has the larger
        // remainder (2/3 of a unit vs 1/3), so it gets the leftover unit.
        BigDecimal[] parts = Allocation.byWeight(BigDecimal.TEN, new long[] {1, 2});
        assertThat(parts)
                .containsExactly(
                        new BigDecimal("3.333333333333"), new BigDecimal("6.666666666667"));
    }

    @Test
    void negativeAmountsAllocateSymmetrically() {
        BigDecimal[] parts = Allocation.byWeight(new BigDecimal("-10"), new long[] {1, 2});
        assertThat(parts)
                .containsExactly(
                        new BigDecimal("-3.333333333333"), new BigDecimal("-6.666666666667"));
        assertThat(Arrays.stream(parts).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("-10");
    }

    @Test
    void zeroWeightPartsGetNothing() {
        BigDecimal[] parts = Allocation.byWeight(new BigDecimal("7"), new long[] {0, 3, 4});
        assertThat(parts)
                .containsExactly(
                        new BigDecimal("0E-12"),
                        new BigDecimal("3.000000000000"),
                        new BigDecimal("4.000000000000"));
    }
}
