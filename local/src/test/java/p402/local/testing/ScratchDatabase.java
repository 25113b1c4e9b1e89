package p402.local.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import p402.jobs.config.MarginJobConfig;
import p402.local.LocalPostgres;

/**
 * A database of a test's own on the local server, created afresh (dropped first if a previous run
 * left it) and migrated, so tests that compare whole tables do not share rows with the rest of the
 * build. The {@code p402} role may not create databases, so the {@code postgres} superuser does,
 * over its trusted local socket: the test runs as root (as CI does) or as {@code postgres}.
 */
public final class ScratchDatabase {

    private static final MarginJobConfig DEFAULTS = new MarginJobConfig();
    private static final String HOST_URL = "jdbc:postgresql://127.0.0.1:5432/";

    private ScratchDatabase() {}

    /** Creates database {@code name} owned by the job's role, migrated; returns its JDBC URL. */
    public static String create(String name) {
        LocalPostgres.ensureReady(
                MarginJobConfig.DEFAULT_JDBC_URL, DEFAULTS.jdbcUser, DEFAULTS.jdbcPassword);
        psql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        psql("CREATE DATABASE " + name + " OWNER " + DEFAULTS.jdbcUser);
        String url = HOST_URL + name;
        LocalPostgres.migrate(url, DEFAULTS.jdbcUser, DEFAULTS.jdbcPassword, DEFAULTS.schema);
        return url;
    }

    private static void psql(String sql) {
        List<String> command = new ArrayList<>();
        if (!"postgres".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("psql -c '" + sql + "' failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run psql (needs root or postgres)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
