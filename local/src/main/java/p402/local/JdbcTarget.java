package p402.local;

import java.sql.Connection;
import java.sql.SQLException;

/** Where a command's Postgres is: the same URL, user and password every command takes. */
public record JdbcTarget(String url, String user, String password, String schema) {

    /** A new connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return LocalPostgres.connect(url, user, password);
    }

    /** {@code schema.table}, quoted. */
    public String table(String name) {
        return quote(schema) + "." + quote(name);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
