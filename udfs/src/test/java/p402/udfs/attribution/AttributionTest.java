package p402.udfs.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The contract's precedence, case by case: field, then header, then body, per id. */
class AttributionTest {

    @Test
    void theTopLevelFieldWinsAndNamesTheSourceMeter() {
        Attribution who =
                Attribution.of(
                        new String[] {"acme", "acme", null},
                        new String[] {null, "chat", "chat"},
                        new String[] {null, null, "w1"});

        assertThat(who).isEqualTo(new Attribution("acme", "chat", "w1", "meter", false));
    }

    @Test
    void eachIdTakesItsOwnFirstPlace() {
        // The customer from the body, the feature from the header: the source follows the
        // customer.
        Attribution who =
                Attribution.of(
                        new String[] {null, null, "globex"},
                        new String[] {null, "search", null},
                        new String[] {null, null, null});

        assertThat(who).isEqualTo(new Attribution("globex", "search", "", "body", false));
    }

    @Test
    void twoPlacesNamingDifferentValuesIsAConflictAndTheFirstStillWins() {
        Attribution who =
                Attribution.of(
                        new String[] {null, "acme", "acme"},
                        new String[] {"chat", null, "draft"},
                        new String[] {null, null, null});

        assertThat(who).isEqualTo(new Attribution("acme", "chat", "", "header", true));
    }

    @Test
    void noCustomerAnywhereIsUnattributed() {
        Attribution who =
                Attribution.of(
                        new String[] {null, null, null},
                        new String[] {null, null, null},
                        new String[] {null, null, null});

        assertThat(who).isEqualTo(new Attribution("__unattributed__", "", "", "none", false));
    }
}
