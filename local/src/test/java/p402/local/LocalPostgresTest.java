package p402.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import p402.jobs.config.MarginJobConfig;

class LocalPostgresTest {

    private static final String URL = MarginJobConfig.DEFAULT_JDBC_URL;

    @Test
    void migratingTwiceIsHarmless() throws Exception {
        LocalPostgres.ensureReady(URL, "p402", "p402");
        LocalPostgres.ensureReady(URL, "p402", "p402");

        LocalPostgres.migrate(URL, "p402", "p402", "p402");
        assertThat(LocalPostgres.migrate(URL, "p402", "p402", "p402")).isZero();
        LocalPostgres.validate(URL, "p402", "p402", "p402", LocalPostgres.MIGRATIONS);

        try (Connection c = LocalPostgres.connect(URL, "p402", "p402");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT count(*) FROM p402.flyway_schema_history"
                                        + " WHERE NOT success")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void anotherServerIsOnlyConnectedTo() {
        // Port 1 on loopback: not the local cluster's port, so nothing is started or created.
        assertThatThrownBy(
                        () ->
                                LocalPostgres.ensureReady(
                                        "jdbc:postgresql://127.0.0.1:1/p402", "p402", "p402"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot log in to jdbc:postgresql://127.0.0.1:1/p402");
    }

    @Test
    void onlyTheMachinesOwnServerCountsAsLocal() {
        assertThat(LocalPostgres.Target.parse(URL).isLocalServer()).isTrue();
        assertThat(LocalPostgres.Target.parse("jdbc:postgresql://localhost/p402").isLocalServer())
                .isTrue();
        assertThat(LocalPostgres.Target.parse("jdbc:postgresql://[::1]:5432/x?ssl=true"))
                .satisfies(t -> assertThat(t.isLocalServer()).isTrue())
                .satisfies(t -> assertThat(t.host()).isEqualTo("::1"))
                .satisfies(t -> assertThat(t.database()).isEqualTo("x"));
        assertThat(LocalPostgres.Target.parse("jdbc:postgresql://db.example:5432/p402"))
                .satisfies(t -> assertThat(t.isLocalServer()).isFalse());
        assertThat(LocalPostgres.Target.parse("jdbc:postgresql://127.0.0.1:5433/p402"))
                .satisfies(t -> assertThat(t.isLocalServer()).isFalse());
        assertThatThrownBy(() -> LocalPostgres.Target.parse("jdbc:mysql://127.0.0.1/p402"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
