package p402.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a Postgres database ready for the job: the machine's own server started and its role and
 * database created when the JDBC URL points at it, then the schema migrations applied.
 *
 * <p>The local server is the Debian PostgreSQL {@value #CLUSTER_VERSION} cluster {@value
 * #CLUSTER_NAME} on port {@value #LOCAL_PORT}. Starting it and creating roles needs root (or the
 * {@code postgres} user): roles are created through the local socket, where {@code postgres} is
 * trusted by peer authentication. A URL naming any other server is only connected to: its owner
 * provisions it.
 */
public final class LocalPostgres {

    /** Where the migrations are: {@code sink-schemas/*.sql}, copied there by the build. */
    public static final String MIGRATIONS = "classpath:db/migration";

    static final String CLUSTER_VERSION = "15";
    static final String CLUSTER_NAME = "main";
    static final int LOCAL_PORT = 5432;

    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private LocalPostgres() {}

    /**
     * Returns once {@code user} can log in to the database of {@code jdbcUrl}. For the local server
     * it first starts the cluster if nothing answers and creates a missing role (with {@code
     * password}) or database (owned by the role).
     *
     * @throws IllegalStateException when the database cannot be reached, with the reason
     */
    public static void ensureReady(String jdbcUrl, String user, String password) {
        Target target = Target.parse(jdbcUrl);
        if (!target.isLocalServer()) {
            checkLogin(jdbcUrl, user, password);
            return;
        }

        if (!answers(target)) {
            startLocalCluster(target);
        }
        SQLException refused = tryLogin(jdbcUrl, user, password);
        if (refused == null) {
            return;
        }
        if (!isMissingRoleOrDatabase(refused)) {
            throw unreachable(jdbcUrl, user, refused);
        }

        LOG.info("Creating role {} and database {} on the local server", user, target.database());
        String bootstrapOutput = createRoleAndDatabase(user, password, target.database());
        refused = tryLogin(jdbcUrl, user, password);
        if (refused != null) {
            IllegalStateException e = unreachable(jdbcUrl, user, refused);
            if (!bootstrapOutput.isBlank()) {
                e.addSuppressed(new IllegalStateException("psql said: " + bootstrapOutput));
            }
            throw e;
        }
    }

    /**
     * Applies the project's migrations ({@link #MIGRATIONS}) to {@code schema}, creating the schema
     * if needed. Applying them again is harmless: applied migrations are validated, not re-run.
     *
     * @return how many migrations this call applied
     */
    public static int migrate(String jdbcUrl, String user, String password, String schema) {
        return migrate(jdbcUrl, user, password, schema, MIGRATIONS);
    }

    /** {@link #migrate(String, String, String, String)} from other Flyway locations. */
    public static int migrate(
            String jdbcUrl, String user, String password, String schema, String... locations) {
        int applied =
                flyway(jdbcUrl, user, password, schema, locations).migrate().migrationsExecuted;
        LOG.info("Schema {}: {} migration(s) applied", schema, applied);
        return applied;
    }

    /**
     * Checks the applied migrations of {@code schema} against {@code locations}: none missing, none
     * changed since it was applied.
     *
     * @throws org.flywaydb.core.api.exception.FlywayValidateException when they differ
     */
    public static void validate(
            String jdbcUrl, String user, String password, String schema, String... locations) {
        flyway(jdbcUrl, user, password, schema, locations).validate();
    }

    /** A new connection; the caller closes it. */
    public static Connection connect(String jdbcUrl, String user, String password)
            throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    private static Flyway flyway(
            String jdbcUrl, String user, String password, String schema, String... locations) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations(locations)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                // A schema that already holds tables but no history is taken as the baseline.
                .baselineOnMigrate(true)
                // The SQL is plain Postgres: a `${` in it is data, never a Flyway placeholder.
                .placeholderReplacement(false)
                .load();
    }

    private static void checkLogin(String jdbcUrl, String user, String password) {
        SQLException refused = tryLogin(jdbcUrl, user, password);
        if (refused != null) {
            throw unreachable(jdbcUrl, user, refused);
        }
    }

    private static SQLException tryLogin(String jdbcUrl, String user, String password) {
        try (Connection c = connect(jdbcUrl, user, password)) {
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    /** 28P01 is also what Postgres answers for a role that does not exist. */
    private static boolean isMissingRoleOrDatabase(SQLException e) {
        String state = e.getSQLState();
        return "28P01".equals(state) || "28000".equals(state) || "3D000".equals(state);
    }

    private static IllegalStateException unreachable(String jdbcUrl, String user, SQLException e) {
        return new IllegalStateException(
                "cannot log in to " + jdbcUrl + " as " + user + ": " + e.getMessage(), e);
    }

    private static boolean answers(Target target) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void startLocalCluster(Target target) {
        requirePrivilege("start PostgreSQL");
        LOG.info("Starting the local PostgreSQL {} cluster", CLUSTER_VERSION);
        // Exit code 2 means it is already running: another process started it meanwhile.
        Result r = run(List.of("pg_ctlcluster", CLUSTER_VERSION, CLUSTER_NAME, "start"), null);
        if (r.exitCode != 0 && r.exitCode != 2) {
            throw new IllegalStateException(
                    "pg_ctlcluster "
                            + CLUSTER_VERSION
                            + " "
                            + CLUSTER_NAME
                            + " start failed: "
                            + r.output);
        }

        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!acceptsConnections(target)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "PostgreSQL did not accept connections within " + START_TIMEOUT);
            }
            sleep(200);
        }
    }

    /** Up and past recovery: a login attempt is answered, successful or not. */
    private static boolean acceptsConnections(Target target) {
        if (!answers(target)) {
            return false;
        }
        Result r =
                run(
                        List.of(
                                "pg_isready",
                                "-q",
                                "-h",
                                target.host(),
                                "-p",
                                String.valueOf(target.port())),
                        null);
        return r.exitCode == 0;
    }

    private static String createRoleAndDatabase(String role, String password, String database) {
        String script =
                "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')\n"
                        + " WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')"
                        + " \\gexec\n"
                        + "SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')\n"
                        + " WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')"
                        + " \\gexec\n";
        List<String> command = new ArrayList<>(asPostgresUser());
        command.addAll(
                List.of(
                        "psql",
                        "-X",
                        "-q",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-v",
                        "role=" + role,
                        "-v",
                        "pw=" + password,
                        "-v",
                        "db=" + database,
                        "-d",
                        "postgres",
                        "-f",
                        "-"));
        Result r = run(command, script);
        if (r.exitCode != 0) {
            // Possibly a concurrent bootstrap won the race; the login retry decides.
            LOG.warn("psql exited with {}: {}", r.exitCode, r.output);
        }
        return r.output;
    }

    /** The prefix that runs a command as the {@code postgres} user, trusted on the socket. */
    private static List<String> asPostgresUser() {
        String me = System.getProperty("user.name");
        if ("postgres".equals(me)) {
            return List.of();
        }
        requirePrivilege("create a PostgreSQL role");
        return List.of("runuser", "-u", "postgres", "--");
    }

    private static void requirePrivilege(String what) {
        String me = System.getProperty("user.name");
        if (!"root".equals(me) && !"postgres".equals(me)) {
            throw new IllegalStateException(
                    "the local PostgreSQL needs root to "
                            + what
                            + "; run as root, or once: sudo pg_ctlcluster "
                            + CLUSTER_VERSION
                            + " "
                            + CLUSTER_NAME
                            + " start, and create the role and database");
        }
    }

    private static Result run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output;
            try (InputStream out = p.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish in time");
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
        }
    }

    private record Result(int exitCode, String output) {}

    /** The server and database a {@code jdbc:postgresql://host[:port]/database} URL names. */
    public record Target(String hostInUrl, int port, String database) {

        public static Target parse(String jdbcUrl) {
            String prefix = "jdbc:postgresql://";
            if (jdbcUrl == null || !jdbcUrl.startsWith(prefix)) {
                throw new IllegalArgumentException(
                        "not a jdbc:postgresql://host[:port]/database URL: " + jdbcUrl);
            }
            URI uri = URI.create("postgresql://" + jdbcUrl.substring(prefix.length()));
            String host = uri.getHost();
            String path = uri.getPath();
            if (host == null || path == null || path.length() < 2 || host.contains(",")) {
                throw new IllegalArgumentException(
                        "expected one host and a database in " + jdbcUrl);
            }
            int port = uri.getPort() < 0 ? LOCAL_PORT : uri.getPort();
            return new Target(host.toLowerCase(Locale.ROOT), port, path.substring(1));
        }

        boolean isLocalServer() {
            return LOCAL_HOSTS.contains(hostInUrl) && port == LOCAL_PORT;
        }

        /** The host as a socket address takes it: IPv6 without the URL's brackets. */
        String host() {
            return hostInUrl.startsWith("[")
                    ? hostInUrl.substring(1, hostInUrl.length() - 1)
                    : hostInUrl;
        }
    }
}
