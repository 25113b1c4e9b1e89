package p402.local.cli;

import p402.jobs.config.MarginJobConfig;
import p402.local.JdbcTarget;
import picocli.CommandLine.Option;

/** Where the Postgres sink is, with the same options and defaults in every command. */
final class JdbcOptions {

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            description = "Postgres JDBC URL (default: ${DEFAULT-VALUE}).")
    String url = MarginJobConfig.DEFAULT_JDBC_URL;

    @Option(
            names = "--jdbc-user",
            paramLabel = "U",
            description = "Postgres user (default: ${DEFAULT-VALUE}).")
    String user = "p402";

    @Option(
            names = "--jdbc-password",
            paramLabel = "P",
            description = "Postgres password (default: ${DEFAULT-VALUE}).")
    String password = "p402";

    /** These options as a target in the job's schema. */
    JdbcTarget target() {
        return new JdbcTarget(url, user, password, new MarginJobConfig().schema);
    }
}
