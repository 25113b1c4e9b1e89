package p402.local.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        String text =
                "-- a comment; not a statement\n"
                        + "SET 'a' = 'b;c';\n"
                        + "SELECT 'it''s; fine', `x;y` /* ; */ FROM t;\n"
                        + "-- only a comment;\n"
                        + "SELECT 1";
        assertThat(SqlScript.statements(text))
                .containsExactly(
                        "-- a comment; not a statement\nSET 'a' = 'b;c'",
                        "SELECT 'it''s; fine', `x;y` /* ; */ FROM t",
                        "-- only a comment;\nSELECT 1");
    }

    @Test
    void fillsPlaceholdersAndRefusesUnknownOnes() {
        assertThat(SqlScript.substitute("'${a.b-c}' '${x}'", Map.of("a.b-c", "1", "x", "$2")))
                .isEqualTo("'1' '$2'");
        assertThatThrownBy(() -> SqlScript.substitute("${nope} ${also}", Map.of()))
                .hasMessageContaining("${also}, ${nope}");
    }

    @Test
    void derivesTheWindowSecondsFromTheSpec() {
        Map<String, String> v = SqlVariables.complete(Map.of("window.spec", "1h/30m"));
        assertThat(v).containsEntry("window.size-seconds", "3600");
        assertThat(v).containsEntry("window.slide-seconds", "1800");
    }

    @Test
    void printsAnAlignedTable() {
        assertThat(
                        TextTable.format(
                                List.of("a", "long_name"),
                                List.of(List.of("xyz", "1"), java.util.Arrays.asList("q", null))))
                .isEqualTo("a   | long_name\n----+----------\nxyz | 1\nq   | NULL\n2 rows\n");
    }
}
