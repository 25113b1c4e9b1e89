package p402.local.cli;

import java.util.concurrent.Callable;
import p402.jobs.config.MarginJobConfig;
import p402.local.LocalPostgres;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code p402 migrate}: gets the database ready and applies the schema migrations. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Applies the sink-schemas migrations to Postgres and exits.",
            "For the local server (127.0.0.1:5432) it also starts PostgreSQL and creates the"
                    + " role and database when they are missing (needs root)."
        })
final class MigrateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    @Override
    public Integer call() {
        String schema = new MarginJobConfig().schema;
        LocalPostgres.ensureReady(jdbc.url, jdbc.user, jdbc.password);
        int applied = LocalPostgres.migrate(jdbc.url, jdbc.user, jdbc.password, schema);
        spec.commandLine()
                .getOut()
                .printf(
                        "%s: %d migration(s) applied, schema %s up to date%n",
                        jdbc.url, applied, schema);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
