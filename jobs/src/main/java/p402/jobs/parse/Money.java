package p402.jobs.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Reads money exactly: a JSON number (the parser is configured to keep floats as {@link
 * BigDecimal}) or a decimal string. NaN, Infinity, exponents past the range and trailing garbage
 * never become an amount.
 */
public final class Money {

    /** 10^15 USD: more than any single call or invoice this product will meet. */
    private static final BigDecimal LIMIT = BigDecimal.TEN.pow(15);

    /** Digits past the 18th decimal are noise no price or invoice carries. */
    private static final int MAX_SCALE = 18;

    private static final Pattern DECIMAL = Pattern.compile("[-+]?\\d{1,40}(\\.\\d{1,40})?");

    private Money() {}

    /** The amount, or null when absent or JSON null. */
    public static BigDecimal parseOptional(JsonNode node, String field) throws BadRecordException {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        BigDecimal v;
        if (node.isNumber()) {
            v = node.decimalValue();
        } else if (node.isTextual()) {
            String s = node.textValue().trim();
            if (!DECIMAL.matcher(s).matches()) {
                throw new BadRecordException(
                        field + ": '" + EventTimes.abbreviate(s) + "' is not a decimal amount");
            }
            v = new BigDecimal(s);
        } else {
            throw new BadRecordException(
                    field + ": expected a decimal string or number, got " + EventTimes.kind(node));
        }
        if (v.abs().compareTo(LIMIT) >= 0) {
            throw new BadRecordException(field + ": " + v.toPlainString() + " is out of range");
        }
        if (v.stripTrailingZeros().scale() > MAX_SCALE) {
            throw new BadRecordException(
                    field + ": more than " + MAX_SCALE + " decimal places in " + v.toPlainString());
        }
        // Kept as written ("0.010" stays 0.010), so the ledger shows what the producer sent.
        return v.scale() < 0 ? v.setScale(0) : v;
    }

    public static BigDecimal parseRequired(JsonNode node, String field) throws BadRecordException {
        BigDecimal v = parseOptional(node, field);
        if (v == null) {
            throw new BadRecordException("missing required field " + field);
        }
        return v;
    }
}
