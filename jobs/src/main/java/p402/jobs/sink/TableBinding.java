package p402.jobs.sink;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How rows of one type become upserts (and deletes) of one Postgres table. The statements are built
 * from the column lists; the binder sets the values in the same order.
 */
public abstract class TableBinding<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final List<String> keyColumns;
    private final List<String> valueColumns;

    protected TableBinding(String table, List<String> keyColumns, List<String> valueColumns) {
        this.table = table;
        this.keyColumns = keyColumns;
        this.valueColumns = valueColumns;
    }

    public String table() {
        return table;
    }

    /** Identity of the row: two rows with one key in a flush collapse to the last. */
    public abstract String key(T row);

    public boolean isDelete(T row) {
        return false;
    }

    /** Sets the key columns, then the value columns, from parameter 1. */
    public abstract void bind(PreparedStatement ps, T row) throws SQLException;

    /** Sets only the key columns, from parameter 1. */
    public void bindKey(PreparedStatement ps, T row) throws SQLException {
        throw new UnsupportedOperationException(table + " has no deletes");
    }

    /**
     * How far event time must move before {@link #purge} runs again; 0 means the table keeps
     * everything.
     */
    public long purgeStepMillis() {
        return 0;
    }

    /** Deletes the rows past their retention at event time {@code watermark}. */
    public void purge(Connection c, String schema, long watermark) throws SQLException {}

    public String upsertSql(String schema) {
        if (!hasTimestamp()) {
            return upsertSqlWithoutTimestamp(schema);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(schema).append('.');
        sql.append(table).append(" (");
        StringBuilder marks = new StringBuilder();
        boolean first = true;
        for (String c : concat()) {
            sql.append(first ? "" : ", ").append(c);
            marks.append(first ? "?" : ", ?");
            first = false;
        }
        sql.append(", updated_at) VALUES (").append(marks).append(", now()) ON CONFLICT (");
        sql.append(String.join(", ", keyColumns)).append(") DO UPDATE SET ");
        for (String c : valueColumns) {
            sql.append(c).append(" = EXCLUDED.").append(c).append(", ");
        }
        return sql.append("updated_at = now()").toString();
    }

    /** For tables without an {@code updated_at} column. */
    private String upsertSqlWithoutTimestamp(String schema) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(schema).append('.');
        sql.append(table).append(" (").append(String.join(", ", concat())).append(") VALUES (");
        for (int i = 0; i < concat().size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") ON CONFLICT (")
                .append(String.join(", ", keyColumns))
                .append(") DO UPDATE SET ");
        for (int i = 0; i < valueColumns.size(); i++) {
            String c = valueColumns.get(i);
            sql.append(i == 0 ? "" : ", ").append(c).append(" = EXCLUDED.").append(c);
        }
        return sql.toString();
    }

    public boolean hasTimestamp() {
        return true;
    }

    public String deleteSql(String schema) {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(schema).append('.');
        sql.append(table).append(" WHERE ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(keyColumns.get(i)).append(" = ?");
        }
        return sql.toString();
    }

    private List<String> concat() {
        List<String> all = new ArrayList<>(keyColumns);
        all.addAll(valueColumns);
        return all;
    }
}
