package p402.local.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import p402.local.door.WebhookSecrets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code p402 secrets set}: a tenant's webhook signing secrets. */
@Command(
        name = "secrets",
        mixinStandardHelpOptions = true,
        description = "Stores the signing secrets of a tenant's webhooks.",
        subcommands = {SecretsCommand.Set.class})
final class SecretsCommand {

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = {
                "Sets a tenant's Stripe endpoint secret (whsec_...) or billing webhook secret.",
                "Give - as the secret to read it from stdin, out of the process list."
            })
    static final class Set implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin JdbcOptions jdbc = new JdbcOptions();

        @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant.")
        String tenant;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(
                    names = "--stripe",
                    paramLabel = "SECRET",
                    description = "The Stripe webhook endpoint's signing secret.")
            String stripe;

            @Option(
                    names = "--billing",
                    paramLabel = "SECRET",
                    description = "The shared secret of the generic billing webhook.")
            String billing;
        }

        @Override
        public Integer call() throws Exception {
            KeysCommand.migrated(jdbc);
            WebhookSecrets.Source source =
                    which.stripe != null
                            ? WebhookSecrets.Source.STRIPE
                            : WebhookSecrets.Source.BILLING;
            String secret = which.stripe != null ? which.stripe : which.billing;
            if (secret.equals("-")) {
                secret =
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                                .readLine();
            }
            new WebhookSecrets(jdbc.target())
                    .set(tenant, source, secret == null ? "" : secret.trim());
            spec.commandLine()
                    .getOut()
                    .printf("%s signing secret of tenant %s set%n", source.column, tenant);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
