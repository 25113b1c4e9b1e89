package p402.local.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import p402.local.LocalPostgres;
import p402.local.door.ApiKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code p402 keys}: the API keys that let a tenant's producers post to {@code p402 serve}. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Creates, lists and revokes the API keys of p402 serve.",
        subcommands = {
            KeysCommand.Create.class,
            KeysCommand.ListKeys.class,
            KeysCommand.Revoke.class
        })
final class KeysCommand {

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Creates a key for a tenant and prints it once, alone on the last line.",
                "Only a salted hash of it is stored: keep the key, it cannot be shown again."
            })
    static final class Create implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin JdbcOptions jdbc = new JdbcOptions();

        @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant.")
        String tenant;

        @Option(names = "--label", paramLabel = "TEXT", description = "What the key is for.")
        String label;

        @Override
        public Integer call() throws Exception {
            migrated(jdbc);
            ApiKeys.Created key = new ApiKeys(jdbc.target()).create(tenant, label);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "key %s for tenant %s (shown once; only its hash is stored):%n",
                    key.keyId(), key.tenantId());
            out.println(key.key());
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists keys, never their secrets.")
    static final class ListKeys implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin JdbcOptions jdbc = new JdbcOptions();

        @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant's keys.")
        String tenant;

        @Override
        public Integer call() throws Exception {
            migrated(jdbc);
            PrintWriter out = spec.commandLine().getOut();
            out.println("key_id\ttenant_id\tcreated_at\trevoked_at\tlabel");
            for (ApiKeys.Listed k : new ApiKeys(jdbc.target()).list(tenant)) {
                out.printf(
                        "%s\t%s\t%s\t%s\t%s%n",
                        k.keyId(),
                        k.tenantId(),
                        k.createdAt().toInstant(),
                        k.revokedAt() == null ? "-" : k.revokedAt().toInstant(),
                        k.label() == null ? "" : k.label());
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = {
                "Revokes a key by its id (see keys list).",
                "A running p402 serve may accept it for up to 10 s more (its key cache)."
            })
    static final class Revoke implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin JdbcOptions jdbc = new JdbcOptions();

        @Parameters(paramLabel = "KEY_ID", description = "The key's id, not the key.")
        String keyId;

        @Override
        public Integer call() throws Exception {
            migrated(jdbc);
            boolean revoked = new ApiKeys(jdbc.target()).revoke(keyId);
            spec.commandLine()
                    .getOut()
                    .printf(revoked ? "key %s revoked%n" : "no active key %s%n", keyId);
            spec.commandLine().getOut().flush();
            return revoked ? 0 : 1;
        }
    }

    /** The tables of the door exist before a key is written or read. */
    static void migrated(JdbcOptions jdbc) {
        LocalPostgres.ensureReady(jdbc.url, jdbc.user, jdbc.password);
        LocalPostgres.migrate(jdbc.url, jdbc.user, jdbc.password, jdbc.target().schema());
    }
}
