package p402.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reader roles of one tenant (sink-schemas/V8__tenant_isolation.sql): a login role with SELECT on
 * the schema's tables and views, read-only transactions, and a row in {@code p402.tenant_reader};
 * the policies do the rest. Tables added by later migrations are granted by default privileges of
 * the owner. Creating a role needs an admin connection.
 */
public final class TenantReaders {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private TenantReaders() {}

    /** The SQL that creates or updates {@code role} as the reader of {@code tenant}. */
    public static String script(String owner, String role, String password, String tenant) {
        for (String name : List.of(owner, role)) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a plain role name: " + name);
            }
        }
        String pw = literal(password);
        return String.join(
                "\n",
                "DO $$ BEGIN",
                "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN",
                "    CREATE ROLE " + role + " LOGIN PASSWORD " + pw + ";",
                "  END IF;",
                "END $$;",
                "ALTER ROLE "
                        + role
                        + " LOGIN PASSWORD "
                        + pw
                        + " NOSUPERUSER NOCREATEDB"
                        + " NOCREATEROLE NOBYPASSRLS;",
                "ALTER ROLE " + role + " SET default_transaction_read_only = on;",
                "GRANT USAGE ON SCHEMA p402 TO " + role + ";",
                "GRANT SELECT ON ALL TABLES IN SCHEMA p402 TO " + role + ";",
                "REVOKE ALL ON p402.flyway_schema_history FROM " + role + ";",
                "ALTER DEFAULT PRIVILEGES FOR ROLE "
                        + owner
                        + " IN SCHEMA p402 GRANT SELECT ON"
                        + " TABLES TO "
                        + role
                        + ";",
                "INSERT INTO p402.tenant_reader (role_name, tenant_id) VALUES ('"
                        + role
                        + "', "
                        + literal(tenant)
                        + ") ON CONFLICT (role_name) DO UPDATE SET tenant_id ="
                        + " EXCLUDED.tenant_id;",
                "");
    }

    /** Runs {@link #script} over JDBC as {@code adminUser} (superuser, or CREATEROLE). */
    public static void grant(
            String jdbcUrl,
            String adminUser,
            String adminPassword,
            String owner,
            String role,
            String password,
            String tenant)
            throws SQLException {
        try (Connection c = LocalPostgres.connect(jdbcUrl, adminUser, adminPassword);
                Statement st = c.createStatement()) {
            st.execute(script(owner, role, password, tenant));
        }
    }

    /** Runs {@link #script} as the local {@code postgres} superuser through psql (root only). */
    public static void grantAsPostgres(
            String jdbcUrl, String owner, String role, String password, String tenant) {
        String database = LocalPostgres.Target.parse(jdbcUrl).database();
        List<String> command = new ArrayList<>();
        if (!"postgres".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(script(owner, role, password, tenant).getBytes(StandardCharsets.UTF_8));
            }
            String out;
            try (InputStream o = p.getInputStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("psql as postgres failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run psql as postgres (needs root)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
