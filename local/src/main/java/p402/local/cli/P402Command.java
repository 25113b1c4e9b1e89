package p402.local.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code p402} command line: runs the margin job on this machine, or migrates a database. */
@Command(
        name = "p402",
        mixinStandardHelpOptions = true,
        version = "p402 0.1.0",
        description =
                "Runs P402 Margin on one machine (Kafka in-process, local Flink, Postgres) or"
                        + " on a local Flink cluster.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            SqlCommand.class,
            ServeCommand.class,
            KeysCommand.class,
            SecretsCommand.class,
            ExportCommand.class,
            ReplayCommand.class,
            MigrateCommand.class,
            ReconcileCommand.class,
            BenchCommand.class,
            ClusterCommand.class,
            BudgetsCommand.class,
            TenantsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class P402Command {

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "On failure, print the whole stack trace.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, for {@code main} and for tests. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine cli = new CommandLine(new P402Command(), factory);
        cli.setExecutionExceptionHandler(new OneLineErrors());
        return cli;
    }

    /** A failure is one line on stderr and exit code 1; the stack trace only with --verbose. */
    private static final class OneLineErrors implements IExecutionExceptionHandler {

        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
            PrintWriter err = cmd.getErr();
            err.println("p402 " + cmd.getCommandName() + ": error: " + describe(e));
            if (isVerbose(parseResult)) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                err.print(trace);
            }
            err.flush();
            return 1;
        }

        private static boolean isVerbose(ParseResult parseResult) {
            for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
                if (r.hasMatchedOption("--verbose")) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The outermost message and, when it says something else, the innermost cause: the outermost
     * tells what was being done, the innermost why it failed.
     */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = message(e);
        String line = outer;
        if (root != e) {
            String inner = message(root);
            if (!outer.contains(inner)) {
                line = outer + " (caused by " + inner + ")";
            }
        }
        return line.replaceAll("\\s*\\R\\s*", " ");
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
