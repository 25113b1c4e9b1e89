package p402.local.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import p402.jobs.config.MarginJobConfig;
import p402.local.LocalPostgres;

/**
 * What the job wrote for one tenant and one set of topics, every column except {@code updated_at}
 * (the wall-clock time of the write), as sorted JSON rows per table: two runs that agree on every
 * number, flag and Kafka coordinate have equal snapshots.
 */
public final class TableSnapshot {

    private static final MarginJobConfig DEFAULTS = new MarginJobConfig();
    private static final List<String> TENANT_TABLES =
            List.of("margin_window", "call_ledger", "revenue_ledger", "outcome_ledger");
    private static final List<String> TOPIC_TABLES = List.of("dead_letter", "duplicate_delivery");

    private TableSnapshot() {}

    /**
     * @param topicPrefix the rows of {@code dead_letter} and {@code duplicate_delivery} taken are
     *     those of topics starting with it
     */
    public static Map<String, List<String>> of(String jdbcUrl, String tenant, String topicPrefix)
            throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection c =
                LocalPostgres.connect(jdbcUrl, DEFAULTS.jdbcUser, DEFAULTS.jdbcPassword)) {
            for (String table : TENANT_TABLES) {
                tables.put(table, rows(c, table, "tenant_id = ?", tenant));
            }
            for (String table : TOPIC_TABLES) {
                tables.put(table, rows(c, table, "starts_with(topic, ?)", topicPrefix));
            }
        }
        return tables;
    }

    /** How many rows a query on the job's tables counts; {@code ?} is bound to {@code value}. */
    public static long count(String jdbcUrl, String sql, String value) throws SQLException {
        try (Connection c =
                        LocalPostgres.connect(jdbcUrl, DEFAULTS.jdbcUser, DEFAULTS.jdbcPassword);
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> rows(Connection c, String table, String where, String value)
            throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT (to_jsonb(t) - 'updated_at')::text FROM p402."
                                + table
                                + " t WHERE "
                                + where
                                + " ORDER BY 1")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }
}
