package p402.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import p402.local.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code p402 bench}: throughput and freshness of the margin job and of the alternatives. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Preloads N records of the demo's shape into a fresh in-process broker, then runs the"
                    + " margin job over them at each parallelism and window set, measures the"
                    + " event-to-tile lag at a fixed offered rate, and times a Postgres-only design"
                    + " (raw rows, tiles by GROUP BY on read). Prints a Markdown table.",
            "Writes to the database of --jdbc-url, emptying the job's tables first: point it at a"
                    + " scratch database (default p402_bench)."
        })
final class BenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    @Option(names = "--records", description = "Records to preload (default: ${DEFAULT-VALUE}).")
    int records = 300_000;

    @Option(
            names = "--event-rate",
            description =
                    "Calls per second of event time in the preloaded input, as a service this busy"
                            + " would produce them; 0 keeps the trace's own gaps (default:"
                            + " ${DEFAULT-VALUE}).")
    int eventRate = 20_000;

    @Option(
            names = "--parallelism",
            split = ",",
            description = "Parallelisms to run the job at (default: 1,2).")
    List<Integer> parallelisms = new ArrayList<>(List.of(1, 2));

    @Option(
            names = "--windows",
            split = ";",
            description =
                    "Window sets, ';'-separated (default: the job's three specs; 24h/1m; 24h/24h)."
                            + " Sets after the first run at the highest parallelism only.")
    List<String> windows =
            new ArrayList<>(List.of("5m/10s:6h,1h/1m:2d,24h/15m:35d", "24h/1m:35d", "24h/24h:35d"));

    @Option(
            names = "--designs",
            split = ",",
            description =
                    "Stream designs to run: job (the margin job), sql (the live margin in Flink"
                            + " SQL, sql/jobs/live_margin.sql); default: job,sql. The Postgres-only"
                            + " design follows --postgres-rows.")
    List<String> designs = new ArrayList<>(List.of("job", "sql"));

    @Option(
            names = "--rate",
            split = ",",
            description =
                    "Offered calls per second in the lag runs, one run each (default: 20000).")
    List<Integer> rates = new ArrayList<>(List.of(20_000));

    @Option(
            names = "--lag-seconds",
            description =
                    "How long the lag run offers traffic; 0 skips it (default: ${DEFAULT-VALUE}).")
    int lagSeconds = 30;

    @Option(
            names = "--postgres-rows",
            split = ",",
            description = "Raw rows for the Postgres-only design; 0 skips it (default: 1000000).")
    List<Integer> postgresRows = new ArrayList<>(List.of(1_000_000));

    @Override
    public Integer call() throws Exception {
        for (String d : designs) {
            if (!d.equals("job") && !d.equals("sql")) {
                throw new ParameterException(spec.commandLine(), "--designs: job or sql, not " + d);
            }
        }
        if (jdbc.url.equals(new JdbcOptions().url)) {
            jdbc.url = jdbc.url.replaceAll("/p402$", "/p402_bench");
        }
        new Bench(
                        new Bench.Settings(
                                records,
                                eventRate,
                                parallelisms,
                                windows,
                                designs,
                                rates,
                                lagSeconds,
                                postgresRows,
                                jdbc.url,
                                jdbc.user,
                                jdbc.password),
                        spec.commandLine().getOut())
                .run();
        return 0;
    }
}
