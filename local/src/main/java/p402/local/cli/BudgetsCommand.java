package p402.local.cli;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.concurrent.Callable;
import p402.jobs.config.MarginJobConfig;
import p402.local.LocalPostgres;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code p402 budgets set}: a customer's (or the tenant's default) cost budget for a month. */
@Command(
        name = "budgets",
        mixinStandardHelpOptions = true,
        description = "Cost budgets per customer and month, read by the running job.",
        subcommands = {BudgetsCommand.Set.class})
final class BudgetsCommand {

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = {
                "Sets the cost budget of a customer, or without --customer the tenant's default"
                        + " for customers without one, for one calendar month (UTC).",
                "The job reads budgets every budgets.refresh (1 min by default)."
            })
    static final class Set implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin JdbcOptions jdbc = new JdbcOptions();

        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--customer", description = "Omit for the tenant-wide default.")
        String customer = "";

        @Option(names = "--month", required = true, paramLabel = "YYYY-MM")
        YearMonth month;

        @Option(names = "--usd", required = true, description = "The budget, exact decimal.")
        BigDecimal usd;

        @Override
        public Integer call() throws SQLException {
            if (usd.signum() < 0) {
                throw new IllegalArgumentException("a budget cannot be negative: " + usd);
            }
            String schema = new MarginJobConfig().schema;
            try (Connection c = LocalPostgres.connect(jdbc.url, jdbc.user, jdbc.password);
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT INTO "
                                            + schema
                                            + ".budget (tenant_id, customer_id, month, budget_usd)"
                                            + " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id,"
                                            + " customer_id, month) DO UPDATE SET budget_usd ="
                                            + " EXCLUDED.budget_usd, updated_at = now()")) {
                ps.setString(1, tenant);
                ps.setString(2, customer);
                ps.setObject(3, month.atDay(1));
                ps.setBigDecimal(4, usd);
                ps.executeUpdate();
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "budget of %s/%s for %s: %s USD%n",
                            tenant,
                            customer.isEmpty() ? "(every customer without one)" : customer,
                            month,
                            usd.toPlainString());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
