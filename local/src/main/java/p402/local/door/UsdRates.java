package p402.local.door;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns an amount in a currency into exact US dollars. USD needs nothing; any other currency needs
 * a rate configured by the operator ({@code p402 serve --usd-rate EUR=1.08}): an amount in a
 * currency without one is refused, never counted as dollars.
 *
 * <p><b>Limitation</b>: one fixed rate per currency for the life of the server, not the rate of the
 * day the money moved. Rates are kept to 12 decimal places after multiplying (half-even), the
 * precision revenue is earned at.
 */
public final class UsdRates {

    /** Stripe's zero-decimal currencies: an amount of 500 JPY is sent as 500, not 50000. */
    private static final Set<String> ZERO_DECIMAL =
            Set.of(
                    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                    "vnd", "vuv", "xaf", "xof", "xpf");

    /** Stripe's three-decimal currencies. */
    private static final Set<String> THREE_DECIMAL = Set.of("bhd", "jod", "kwd", "omr", "tnd");

    private static final int MAX_SCALE = 12;

    /** A currency without a rate. */
    public static final class NoRate extends Exception {
        private static final long serialVersionUID = 1L;

        NoRate(String currency) {
            super(
                    currency.isEmpty()
                            ? "amount without a currency: not counted"
                            : "amount in "
                                    + currency.toUpperCase(Locale.ROOT)
                                    + ", which has no configured USD rate: not counted (p402 serve"
                                    + " --usd-rate "
                                    + currency.toUpperCase(Locale.ROOT)
                                    + "=RATE counts it)",
                    null,
                    false,
                    false);
        }
    }

    private final Map<String, BigDecimal> rates = new TreeMap<>();

    public UsdRates(Map<String, BigDecimal> ratesByCurrency) {
        ratesByCurrency.forEach(
                (currency, rate) -> {
                    if (rate.signum() <= 0) {
                        throw new IllegalArgumentException(
                                "the USD rate of " + currency + " must be positive");
                    }
                    rates.put(currency.toLowerCase(Locale.ROOT), rate);
                });
    }

    public static UsdRates usdOnly() {
        return new UsdRates(Map.of());
    }

    /** Stripe's minor units ({@code 999} usd is 9.99) as exact dollars. */
    public BigDecimal fromMinorUnits(long amount, String currency) throws NoRate {
        String c = normalise(currency);
        int digits = ZERO_DECIMAL.contains(c) ? 0 : THREE_DECIMAL.contains(c) ? 3 : 2;
        return toUsd(BigDecimal.valueOf(amount, digits), c);
    }

    /** An amount in major units ({@code "9.99"} eur) as exact dollars. */
    public BigDecimal toUsd(BigDecimal amount, String currency) throws NoRate {
        String c = normalise(currency);
        if (c.equals("usd")) {
            return amount;
        }
        BigDecimal rate = rates.get(c);
        if (rate == null) {
            throw new NoRate(c);
        }
        BigDecimal usd = amount.multiply(rate);
        return usd.scale() > MAX_SCALE ? usd.setScale(MAX_SCALE, RoundingMode.HALF_EVEN) : usd;
    }

    private static String normalise(String currency) {
        // No currency is no currency, never dollars by default.
        return currency == null ? "" : currency.trim().toLowerCase(Locale.ROOT);
    }
}
