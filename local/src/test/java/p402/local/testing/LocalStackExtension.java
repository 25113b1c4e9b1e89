package p402.local.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import p402.jobs.config.MarginJobConfig;
import p402.local.EmbeddedKafka;
import p402.local.EventKind;
import p402.local.JsonlPublisher;
import p402.local.LocalPostgres;

/**
 * The local stack for a test class: one in-process Kafka broker with the three default topics (2
 * partitions each), and the Postgres database made ready and migrated. Register it as a static
 * field:
 *
 * <pre>{@code
 * @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();
 * }</pre>
 *
 * <p>The database is the one the job uses by default, shared by every test of the build; the system
 * properties {@code p402.jdbc.url}, {@code p402.jdbc.user} and {@code p402.jdbc.password} point it
 * elsewhere. Tests that count rows should use tenant ids of their own, or call {@link
 * #truncateTables()} first.
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {

    private static final MarginJobConfig DEFAULTS = new MarginJobConfig();

    private final String jdbcUrl =
            System.getProperty("p402.jdbc.url", MarginJobConfig.DEFAULT_JDBC_URL);
    private final String jdbcUser = System.getProperty("p402.jdbc.user", DEFAULTS.jdbcUser);
    private final String jdbcPassword =
            System.getProperty("p402.jdbc.password", DEFAULTS.jdbcPassword);

    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalPostgres.ensureReady(jdbcUrl, jdbcUser, jdbcPassword);
        LocalPostgres.migrate(jdbcUrl, jdbcUser, jdbcPassword, DEFAULTS.schema);

        kafka = EmbeddedKafka.start();
        kafka.createTopics(2, DEFAULTS.callsTopic, DEFAULTS.revenueTopic, DEFAULTS.outcomesTopic);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("the stack runs only inside its test class");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /**
     * A job configuration for this stack: its broker and database, bounded (the job stops at the
     * offsets present when it starts), every other setting at its default, which {@code overrides}
     * (keys as {@link MarginJobConfig#fromMap} reads them) may change.
     */
    public MarginJobConfig jobConfig(Map<String, String> overrides) {
        MarginJobConfig config = MarginJobConfig.fromMap(overrides);
        config.bootstrapServers = bootstrapServers();
        config.bounded = true;
        config.jdbcUrl = jdbcUrl;
        config.jdbcUser = jdbcUser;
        config.jdbcPassword = jdbcPassword;
        return config;
    }

    public MarginJobConfig jobConfig() {
        return jobConfig(Map.of());
    }

    /**
     * Publishes one record per non-blank line to one of the three default topics, keyed as the
     * contract recommends for that topic; returns once all are acknowledged.
     */
    public long publish(String topic, List<String> lines) {
        return publish(topic, kindOf(topic), lines);
    }

    /** Publishes to any topic, keyed as {@code kind} events are. */
    public long publish(String topic, EventKind kind, List<String> lines) {
        try (JsonlPublisher publisher = new JsonlPublisher(bootstrapServers())) {
            return publisher.publish(topic, kind, lines);
        }
    }

    /** A new connection to the job's database; the caller closes it. */
    public Connection jdbc() throws SQLException {
        return LocalPostgres.connect(jdbcUrl, jdbcUser, jdbcPassword);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Empties every table of the job's schema except Flyway's history. */
    public void truncateTables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = jdbc();
                Statement st = c.createStatement()) {
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)"
                                    + " FROM pg_tables WHERE schemaname = '"
                                    + DEFAULTS.schema
                                    + "' AND tablename <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            if (!tables.isEmpty()) {
                st.execute("TRUNCATE " + String.join(", ", tables));
            }
        }
    }

    private static EventKind kindOf(String topic) {
        if (topic.equals(DEFAULTS.callsTopic)) {
            return EventKind.CALL;
        }
        if (topic.equals(DEFAULTS.revenueTopic)) {
            return EventKind.REVENUE;
        }
        if (topic.equals(DEFAULTS.outcomesTopic)) {
            return EventKind.OUTCOME;
        }
        throw new IllegalArgumentException(
                topic + " is not a default topic: say which kind of event it holds");
    }
}
