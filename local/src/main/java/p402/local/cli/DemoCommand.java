package p402.local.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.Callable;
import p402.local.LocalPostgres;
import p402.local.demo.DemoReport;
import p402.local.demo.HtmlReport;
import p402.local.demo.LiveReplay;
import p402.local.demo.TrafficSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code p402 demo}: replays a production trace through the whole local stack as fast as the
 * machine allows, then prints margins, the worst customers, the lag observed and a reconciliation
 * of the input against Postgres, and writes the same as an HTML page with charts.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a production LLM trace (real arrival times and token counts) as calls,"
                    + " revenue and outcomes of a few tenants' customers through Kafka, Flink and"
                    + " Postgres, then reports margins and reconciles the input with Postgres"
                    + " exactly.",
            "The demo owns its database (default p402_demo) and empties it first."
        })
final class DemoCommand implements Callable<Integer> {

    static final String DEMO_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/p402_demo";

    @Spec CommandSpec spec;

    @Mixin TrafficOptions traffic = new TrafficOptions();

    @Mixin JdbcOptions jdbc = demoJdbc();

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
            names = "--speed",
            paramLabel = "X",
            description =
                    "Publish at X times the trace's own pace; 0 publishes as fast as the machine"
                            + " allows (default: ${DEFAULT-VALUE}).")
    double speed = 0;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description =
                    "Where to write the HTML report (default: <repository>/var/demo/report.html).")
    Path html;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1 || speed < 0) {
            throw new ParameterException(spec.commandLine(), "--parallelism >= 1 and --speed >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        TrafficSource.Loaded loaded = traffic.load(out);

        LiveReplay.Outcome run =
                LiveReplay.run(
                        loaded.replay(),
                        new LiveReplay.Settings(
                                jdbc.url, jdbc.user, jdbc.password, parallelism, speed),
                        out);
        out.printf(
                "published %,d records in %.1f s; the job caught up %.1f s after the first; %.1f s"
                        + " in all%n",
                run.published(),
                run.publishMillis() / 1000.0,
                run.catchUpMillis() / 1000.0,
                run.totalMillis() / 1000.0);

        DemoReport.Report report;
        try (Connection c = LocalPostgres.connect(jdbc.url, jdbc.user, jdbc.password)) {
            report = DemoReport.read(c, run.config(), loaded.replay(), run.lag());
        }
        StringWriter text = new StringWriter();
        DemoReport.print(report, new PrintWriter(text));
        out.print(text);

        Path file = html != null ? html : defaultHtml();
        HtmlReport.write(report, text.toString(), file);
        out.printf("%nHTML report: %s%n", file.toAbsolutePath());
        out.flush();
        return report.reconciled() ? 0 : 2;
    }

    private static JdbcOptions demoJdbc() {
        JdbcOptions o = new JdbcOptions();
        o.url = DEMO_JDBC_URL;
        return o;
    }

    private static Path defaultHtml() {
        Path root = TrafficSource.repositoryRoot();
        return (root != null ? root : Path.of("")).resolve("var/demo/report.html");
    }
}
