package p402.local.cli;

import java.util.concurrent.Callable;
import p402.local.TenantReaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code p402 tenants grant}: a login role that reads one tenant's rows and nothing else. */
@Command(
        name = "tenants",
        mixinStandardHelpOptions = true,
        description = "Reader roles confined to one tenant by row-level security.",
        subcommands = {TenantsCommand.Grant.class})
final class TenantsCommand {

    @Command(
            name = "grant",
            mixinStandardHelpOptions = true,
            description = {
                "Creates (or updates) a read-only login role that sees only --tenant's rows in"
                        + " every table and view of the p402 schema: for a tenant's Grafana data"
                        + " source or analysts.",
                "Creating roles needs an admin: --jdbc-user must be a superuser or have"
                        + " CREATEROLE, or --as-postgres runs it as the local postgres user"
                        + " (needs root)."
            })
    static final class Grant implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin JdbcOptions jdbc = new JdbcOptions();

        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--role", required = true, description = "The reader role's name.")
        String role;

        @Option(names = "--password", description = "Its login password (default: the role).")
        String password;

        @Option(names = "--owner", description = "The job's role, owner of the tables.")
        String owner = "p402";

        @Option(
                names = "--as-postgres",
                description = "Run as the local postgres superuser over the socket (root only).")
        boolean asPostgres;

        @Override
        public Integer call() throws Exception {
            String pw = password == null ? role : password;
            if (asPostgres) {
                TenantReaders.grantAsPostgres(jdbc.url, owner, role, pw, tenant);
            } else {
                TenantReaders.grant(jdbc.url, jdbc.user, jdbc.password, owner, role, pw, tenant);
            }
            spec.commandLine().getOut().printf("%s reads tenant %s only%n", role, tenant);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
