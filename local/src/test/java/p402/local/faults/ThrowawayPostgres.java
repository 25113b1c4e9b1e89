package p402.local.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL 15 cluster of its own, in a temporary directory on a free port, that a test may
 * stop, restart and make unreachable without disturbing the machine's server that other tests use.
 * Needs the Debian server binaries and root (the server runs as the postgres user).
 */
final class ThrowawayPostgres implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final int port;

    private ThrowawayPostgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static boolean available() {
        return Files.isExecutable(BIN.resolve("initdb"))
                && "root".equals(System.getProperty("user.name"));
    }

    static ThrowawayPostgres start() throws Exception {
        Path dir = Files.createTempDirectory("p402-pg-");
        run("chown", "postgres:postgres", dir.toString());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(dir, port);
        asPostgres(
                BIN.resolve("initdb").toString(),
                "-D",
                pg.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8");
        pg.up();
        return pg;
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    void createDatabase(String name) throws SQLException {
        try (Connection c = superuser();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
    }

    Connection superuser() throws SQLException {
        return DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
    }

    void up() throws Exception {
        asPostgres(
                BIN.resolve("pg_ctl").toString(),
                "-D",
                data(),
                "-w",
                "-t",
                "60",
                "-l",
                dir.resolve("log").toString(),
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start");
    }

    void down() throws Exception {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data(), "-w", "-m", "fast", "stop");
    }

    void restart() throws Exception {
        asPostgres(
                BIN.resolve("pg_ctl").toString(),
                "-D",
                data(),
                "-w",
                "-m",
                "fast",
                "-l",
                dir.resolve("log").toString(),
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "restart");
    }

    /**
     * Kills every connection the job's sinks hold, as an operator's {@code pg_terminate_backend}.
     */
    int terminateSinkConnections() throws SQLException {
        try (Connection c = superuser();
                Statement st = c.createStatement();
                var rs =
                        st.executeQuery(
                                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                        + " WHERE application_name = 'p402-margin'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            down();
        } catch (Exception ignored) {
            // Already down.
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void asPostgres(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        c.addAll(List.of(command));
        run(c.toArray(new String[0]));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
