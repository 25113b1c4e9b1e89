package p402.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import p402.jobs.events.Envelope;

/**
 * {@link Money} reads amounts exactly. JSON numbers are read through {@link EventParser}, whose
 * mapper keeps them as {@link BigDecimal}: that configuration is what makes them exact.
 */
class MoneyTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final EventParser REVENUE =
            new EventParser(EventParser.Topic.REVENUE, "p402.revenue");

    /** amount_usd of a revenue event whose JSON writes the amount as {@code raw}. */
    private static BigDecimal amount(String raw) {
        String json =
                "{\"schema\":\"p402.revenue.v1\",\"event_id\":\"r1\",\"tenant_id\":\"t1\","
                        + "\"customer_id\":\"acme\",\"occurred_at\":\"2026-11-10T10:00:00Z\","
                        + "\"amount_usd\":"
                        + raw
                        + "}";
        Envelope e = REVENUE.parse(json.getBytes(StandardCharsets.UTF_8), 0, 0, 0);
        assertThat(e.kind)
                .as("%s", e.dead == null ? "" : e.dead.reason)
                .isEqualTo(Envelope.Kind.REVENUE);
        return e.revenue.amountUsd;
    }

    @Test
    void pointOnePlusPointTwoIsPointThree() {
        // Through a double this is 0.30000000000000004.
        assertThat(amount("0.1").add(amount("0.2"))).isEqualTo(new BigDecimal("0.3"));
        assertThat(amount("\"0.1\"").add(amount("\"0.2\""))).isEqualTo(new BigDecimal("0.3"));
    }

    @Test
    void smallAmountsAreExact() {
        assertThat(amount("\"0.000000123\"")).isEqualTo(new BigDecimal("0.000000123"));
        assertThat(amount("0.000000123")).isEqualTo(new BigDecimal("0.000000123"));
        assertThat(amount("0.000000123").toPlainString()).isEqualTo("0.000000123");
    }

    @Test
    void digitsPastWhatADoubleHoldsAreKept() {
        // 18 significant digits: a double keeps about 16 and would change the last ones.
        assertThat(amount("0.123456789012345678"))
                .isEqualTo(new BigDecimal("0.123456789012345678"));
        assertThat(amount("123456789.123456789")).isEqualTo(new BigDecimal("123456789.123456789"));
    }

    @ParameterizedTest
    @CsvSource({"1.5e-7, 0.00000015", "1.23E-4, 0.000123", "1E+2, 100", "2e3, 2000", "-2.5E1, -25"})
    void jsonNumbersWithExponents(String raw, String expected) {
        BigDecimal v = amount(raw);
        assertThat(v).isEqualByComparingTo(expected);
        assertThat(v.scale()).isNotNegative();
    }

    @Test
    void amountsKeepTheScaleTheyWereWrittenWith() {
        assertThat(amount("0.020").toPlainString()).isEqualTo("0.020");
        assertThat(amount("\"0.020\"").toPlainString()).isEqualTo("0.020");
        assertThat(amount("\"+1.50\"")).isEqualTo(new BigDecimal("1.50"));
        assertThat(amount("\" 2.00 \"")).isEqualTo(new BigDecimal("2.00"));
        assertThat(amount("-5")).isEqualTo(new BigDecimal("-5"));
    }

    @Test
    void theLimitsAreJustOutside() throws BadRecordException {
        assertThat(Money.parseOptional(NODES.textNode("999999999999999.99"), "a"))
                .isEqualTo(new BigDecimal("999999999999999.99"));
        assertThatThrownBy(() -> Money.parseOptional(NODES.textNode("1000000000000000"), "a"))
                .hasMessage("a: 1000000000000000 is out of range");
        assertThat(Money.parseOptional(NODES.textNode("0.000000000000000001"), "a"))
                .isEqualTo(new BigDecimal("1E-18"));
        // Trailing zeros past the 18th place are not places that carry anything.
        assertThat(Money.parseOptional(NODES.textNode("0.10000000000000000000"), "a"))
                .isEqualByComparingTo("0.1");
        assertThatThrownBy(() -> Money.parseOptional(NODES.textNode("0.0000000000000000001"), "a"))
                .hasMessageContaining("more than 18 decimal places");
    }

    @Test
    void absentAndNullAreNoAmount() throws BadRecordException {
        assertThat(Money.parseOptional(null, "a")).isNull();
        assertThat(Money.parseOptional(NODES.nullNode(), "a")).isNull();
        assertThat(Money.parseOptional(NODES.missingNode(), "a")).isNull();
        assertThatThrownBy(() -> Money.parseRequired(NODES.nullNode(), "amount_usd"))
                .hasMessage("missing required field amount_usd");
    }

    @Test
    void aDoubleNodeIsStillReadByItsShortestDecimal() throws BadRecordException {
        // Should a mapper without BigDecimal floats ever be used, 0.1 is not 0.1000000000000000055.
        assertThat(Money.parseOptional(NODES.numberNode(0.1d), "a"))
                .isEqualTo(new BigDecimal("0.1"));
    }
}
