package p402.local.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.config.WindowSpec;
import p402.local.LocalPostgres;
import p402.local.reconcile.Reconciliation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code p402 reconcile}: nothing lost, nothing counted twice, checked from outside the job. */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        description = {
            "Checks the Postgres side against the Kafka topics and against itself:",
            "  records appended in [--from, --to) = call, revenue and outcome ledger rows +"
                    + " duplicates + dead letters, each offset exactly once (needs"
                    + " --bootstrap-servers);",
            "  cost and revenue of the ledgers = the sums of each window spec's non-overlapping"
                    + " windows in [--from, --to), exactly.",
            "Run it on a finished bounded run or a stopped job. Exit code 0 when everything"
                    + " reconciles, 1 when something does not."
        })
final class ReconcileCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOSTS",
            description = "Kafka brokers; without it the record counts are not checked.")
    String bootstrapServers;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description =
                    "Start of the range, RFC 3339 (Kafka append time for records, event time for"
                            + " money; on a window boundary of every spec checked).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", description = "End of the range, exclusive.")
    Instant to;

    @Option(
            names = "--windows",
            paramLabel = "SPECS",
            description =
                    "Window specs to check, as the job's `windows` setting (default: the"
                            + " job's default specs).")
    String windows;

    @Option(
            names = "--frontier",
            paramLabel = "TIME",
            description =
                    "The event time the run earned revenue up to (default: the latest occurred_at"
                            + " in the ledgers, right when the database holds one bounded run).")
    Instant frontier;

    @Option(names = "--tenant", paramLabel = "ID", description = "Check one tenant's money only.")
    String tenant;

    @Override
    public Integer call() throws Exception {
        MarginJobConfig config =
                windows == null
                        ? new MarginJobConfig()
                        : MarginJobConfig.fromMap(Map.of("windows", windows));
        List<WindowSpec> specs = config.windows;
        Reconciliation.Report report = new Reconciliation.Report();
        PrintWriter out = spec.commandLine().getOut();

        try (Connection c = LocalPostgres.connect(jdbc.url, jdbc.user, jdbc.password)) {
            Reconciliation r =
                    new Reconciliation(
                            c,
                            config.schema,
                            Map.of(
                                    "calls", config.callsTopic,
                                    "revenue", config.revenueTopic,
                                    "outcomes", config.outcomesTopic));
            if (bootstrapServers != null) {
                Properties props = new Properties();
                props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                try (Admin admin = Admin.create(props)) {
                    r.records(admin, from, to, report);
                }
            } else {
                out.println("records: not checked (no --bootstrap-servers)");
            }
            for (WindowSpec s : specs) {
                try {
                    r.money(s, from, to, tenant, frontier, report);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
                }
            }
        }
        report.print(out);
        return report.ok() ? 0 : 1;
    }
}
