package p402.jobs.alerts;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code budget} table, read whole and cached, refreshed at most every {@code refreshMillis} of
 * processing time when asked. A failed read keeps the last good copy and is retried after the same
 * interval, so a database hiccup never fails the job; budgets set meanwhile apply late.
 *
 * <p>Known limitation: every subtask holds the whole table. That is fine for thousands of budgets;
 * far more would want a keyed lookup or a compacted topic.
 */
final class BudgetBook {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetBook.class);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String schema;
    private final long refreshMillis;

    private Map<String, BigDecimal> budgets = new HashMap<>();
    private long readAt = Long.MIN_VALUE;

    BudgetBook(String jdbcUrl, String user, String password, String schema, long refreshMillis) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.schema = schema;
        this.refreshMillis = refreshMillis;
    }

    /**
     * The customer's budget for the month ({@code 2026-12}), else the tenant's default, else null.
     */
    BigDecimal budget(String tenant, String customer, String month, long nowMillis) {
        if (readAt == Long.MIN_VALUE || nowMillis - readAt >= refreshMillis) {
            refresh(nowMillis);
        }
        BigDecimal own = budgets.get(key(tenant, customer, month));
        return own != null ? own : budgets.get(key(tenant, "", month));
    }

    private void refresh(long nowMillis) {
        readAt = nowMillis;
        Map<String, BigDecimal> read = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT tenant_id, customer_id, to_char(month, 'YYYY-MM'),"
                                        + " budget_usd FROM "
                                        + schema
                                        + ".budget")) {
            while (rs.next()) {
                read.put(
                        key(rs.getString(1), rs.getString(2), rs.getString(3)),
                        rs.getBigDecimal(4));
            }
            budgets = read;
            LOG.debug("Budgets: {} read", read.size());
        } catch (SQLException e) {
            LOG.warn("Cannot read budgets, keeping the {} known: {}", budgets.size(), e.toString());
        }
    }

    private static String key(String tenant, String customer, String month) {
        return tenant + '\u0000' + customer + '\u0000' + month;
    }
}
