package p402.local.export;

import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;
import p402.local.JdbcTarget;

/**
 * A tenant's rows of one table as CSV with a header: every column in the table's order, each value
 * as Postgres writes it as text (numeric exactly as stored, timestamps in UTC), read through a
 * server-side cursor so the heap holds one fetch of rows, not the month. Strings are quoted and
 * NULL is an empty unquoted field, so {@code ""} (an absent feature) and NULL stay apart.
 */
public final class CsvExport {

    /** What can be exported, and the time column the range applies to. */
    public enum What {
        LEDGER("call_ledger", "occurred_at", "occurred_at, event_id"),
        REVENUE("revenue_ledger", "occurred_at", "occurred_at, event_id"),
        MARGIN(
                "margin_window",
                "window_start",
                "window_spec, window_start, customer_id, feature_id, workflow_id");

        final String table;
        final String timeColumn;
        final String order;

        What(String table, String timeColumn, String order) {
            this.table = table;
            this.timeColumn = timeColumn;
            this.order = order;
        }

        public static What parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** Rows per round trip of the cursor. */
    static final int FETCH_SIZE = 2000;

    private CsvExport() {}

    /**
     * Writes the rows of {@code tenant} whose time column is in {@code [from, to)}, optionally of
     * one customer and one feature.
     *
     * @return the number of rows written
     */
    public static long write(
            JdbcTarget db,
            What what,
            String tenant,
            String customer,
            String feature,
            Instant from,
            Instant to,
            Writer out)
            throws SQLException, IOException {
        String sql =
                "SELECT "
                        + textColumns(db, what)
                        + " FROM "
                        + db.table(what.table)
                        + " WHERE tenant_id = ? AND "
                        + what.timeColumn
                        + " >= ? AND "
                        + what.timeColumn
                        + " < ?"
                        + (customer == null ? "" : " AND customer_id = ?")
                        + (feature == null ? "" : " AND feature_id = ?")
                        + " ORDER BY "
                        + what.order;
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET TIME ZONE 'UTC'");
            }
            // The driver streams through a cursor only inside a transaction.
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setFetchSize(FETCH_SIZE);
                int p = 1;
                st.setString(p++, tenant);
                st.setTimestamp(p++, Timestamp.from(from));
                st.setTimestamp(p++, Timestamp.from(to));
                if (customer != null) {
                    st.setString(p++, customer);
                }
                if (feature != null) {
                    st.setString(p, feature);
                }
                try (ResultSet rs = st.executeQuery()) {
                    return print(rs, out);
                }
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * Every column cast to text by Postgres itself, so a value is written exactly as Postgres
     * writes it, whatever the driver would make of the type.
     */
    private static String textColumns(JdbcTarget db, What what) throws SQLException {
        StringBuilder columns = new StringBuilder();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT * FROM " + db.table(what.table) + " LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String quoted = "\"" + md.getColumnLabel(i).replace("\"", "\"\"") + "\"";
                if (i > 1) {
                    columns.append(", ");
                }
                columns.append(quoted).append("::text AS ").append(quoted);
            }
        }
        return columns.toString();
    }

    private static long print(ResultSet rs, Writer out) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] header = new String[n];
        for (int i = 0; i < n; i++) {
            header[i] = md.getColumnLabel(i + 1);
        }
        CSVFormat format =
                CSVFormat.RFC4180
                        .builder()
                        .setHeader(header)
                        .setQuoteMode(QuoteMode.ALL_NON_NULL)
                        .setRecordSeparator("\n")
                        .get();
        long rows = 0;
        CSVPrinter csv = new CSVPrinter(out, format);
        Object[] values = new Object[n];
        while (rs.next()) {
            for (int i = 0; i < n; i++) {
                values[i] = rs.getString(i + 1);
            }
            csv.printRecord(values);
            rows++;
        }
        csv.flush();
        return rows;
    }
}
