package p402.local.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import p402.local.EmbeddedKafka;
import p402.local.EventKind;
import p402.local.JsonlPublisher;
import p402.local.LocalPostgres;
import p402.local.cluster.FlinkCluster;
import p402.local.sql.SqlRunner;
import p402.local.sql.SqlScript;
import p402.local.sql.SqlVariables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code p402 sql FILE}: runs a Flink SQL file on a local Flink with the project's functions and
 * the contract's tables ({@code sql/tables/*.sql}) registered, and prints each query's rows as a
 * table. With input files it starts an in-process broker and publishes them first, as {@code p402
 * run} does; otherwise the Kafka tables read {@code --bootstrap-servers}, and queries over the
 * Postgres tables need no broker at all.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a Flink SQL file on a local Flink (or a cluster: --jobmanager) and prints every"
                    + " query's result as a table.",
            "The contract's Kafka and Postgres tables (sql/tables/) and the P402_* functions are"
                    + " registered first; ${...} placeholders are filled from the options."
        })
final class SqlCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The SQL file.")
    Path file;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOSTS",
            description = "Kafka to read (default: ${DEFAULT-VALUE}; ignored with input files).")
    String bootstrapServers = "127.0.0.1:9092";

    @Option(names = "--calls", paramLabel = "FILE", description = "Call events to publish first.")
    Path calls;

    @Option(names = "--revenue", paramLabel = "FILE", description = "Revenue events, likewise.")
    Path revenue;

    @Option(names = "--outcomes", paramLabel = "FILE", description = "Outcome events, likewise.")
    Path outcomes;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description = "A price book P402_COST adds to the built-in one (p402.prices.file).")
    Path prices;

    @Option(
            names = "--var",
            paramLabel = "KEY=VALUE",
            description =
                    "A placeholder's value (repeatable), e.g. window.spec=1h/30m or"
                            + " kafka.bounded-mode=unbounded.")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "A Flink setting, as SET in the file would (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description =
                    "Submit to this Flink cluster's REST endpoint (e.g. the one `p402 cluster"
                            + " start` prints) instead of running on an in-process Flink.")
    String jobManager;

    @Option(
            names = "--jar",
            paramLabel = "FILE",
            description =
                    "With --jobmanager: the jar shipped with the job, holding the functions and"
                            + " connectors (default: jobs/target/*-job.jar).")
    Path jar;

    @Option(
            names = "--detached",
            description =
                    "Leave INSERT jobs running and return once they are submitted (for"
                            + " kafka.bounded-mode=unbounded); not with input files, whose"
                            + " in-process broker ends with the command.")
    boolean detached;

    @Option(
            names = "--no-tables",
            description = "Do not register sql/tables/*.sql before the file.")
    boolean noTables;

    @Override
    public Integer call() throws Exception {
        // The placeholders and the cluster address are checked before a broker starts or a
        // migration runs.
        values(bootstrapServers);
        flinkSettings();
        if (jobManager != null) {
            requireReachable(jobManager);
        }
        for (Path f : new Path[] {file, calls, revenue, outcomes, prices}) {
            if (f != null && !Files.isReadable(f)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + f);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean publish = calls != null || revenue != null || outcomes != null;
        if (publish && detached) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--detached needs a broker that outlives the command: use"
                            + " --bootstrap-servers, not input files");
        }
        if (publish) {
            // The job's migrations include the table the SQL live margin writes.
            LocalPostgres.ensureReady(jdbc.url, jdbc.user, jdbc.password);
            LocalPostgres.migrate(jdbc.url, jdbc.user, jdbc.password, "p402");
            try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
                Map<String, String> values = values(kafka.bootstrapServers());
                kafka.createTopics(
                        2,
                        values.get("kafka.topic.calls"),
                        values.get("kafka.topic.revenue"),
                        values.get("kafka.topic.outcomes"));
                try (JsonlPublisher publisher = new JsonlPublisher(kafka.bootstrapServers())) {
                    publish(publisher, values.get("kafka.topic.calls"), EventKind.CALL, calls);
                    publish(
                            publisher,
                            values.get("kafka.topic.revenue"),
                            EventKind.REVENUE,
                            revenue);
                    publish(
                            publisher,
                            values.get("kafka.topic.outcomes"),
                            EventKind.OUTCOME,
                            outcomes);
                }
                print(run(values), out);
            }
        } else {
            print(run(values(bootstrapServers)), out);
        }
        return 0;
    }

    private Map<String, String> values(String servers) {
        Map<String, String> v = SqlVariables.defaults(servers, jdbc.url, jdbc.user, jdbc.password);
        v.putAll(vars);
        try {
            return SqlVariables.complete(v);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private List<SqlRunner.Result> run(Map<String, String> values) throws Exception {
        List<String> setup =
                noTables ? List.of() : SqlScript.contractTables(SqlVariables.sqlHome(), values);
        String script =
                SqlScript.substitute(Files.readString(file, StandardCharsets.UTF_8), values);
        String pricesFile = prices == null ? null : prices.toAbsolutePath().toString();
        return new SqlRunner(flinkSettings(), pricesFile).detached(detached).run(setup, script);
    }

    /**
     * Fails at once when nothing answers at the cluster's REST address: Flink's client would retry
     * the submission for about two minutes, a stack trace every few seconds.
     */
    private void requireReachable(String hostPort) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest overview =
                HttpRequest.newBuilder(URI.create("http://" + hostPort + "/overview"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        try {
            int status = http.send(overview, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--jobmanager: " + hostPort + " answered " + status + ", not as Flink");
            }
        } catch (IOException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--jobmanager: no Flink REST endpoint at " + hostPort + " (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * {@code --set} values, plus, with {@code --jobmanager}, what sends the jobs to that cluster:
     * the remote executor, its REST address, and the jar its TaskManagers load the functions and
     * connectors from.
     */
    private Map<String, String> flinkSettings() {
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (jobManager != null) {
            int colon = jobManager.lastIndexOf(':');
            if (colon <= 0 || colon == jobManager.length() - 1) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--jobmanager: expected HOST:PORT (e.g. 127.0.0.1:8081), got '"
                                + jobManager
                                + "'");
            }
            Path shipped = jar != null ? jar : FlinkCluster.jobJar(FlinkCluster.repositoryRoot());
            if (!Files.isReadable(shipped)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + shipped);
            }
            all.put("execution.target", "remote");
            all.put("rest.address", jobManager.substring(0, colon));
            all.put("rest.port", jobManager.substring(colon + 1));
            all.put("pipeline.jars", shipped.toAbsolutePath().toUri().toString());
        }
        return all;
    }

    private static void publish(JsonlPublisher publisher, String topic, EventKind kind, Path f)
            throws Exception {
        if (f != null) {
            publisher.publish(topic, kind, f);
        }
    }

    private static void print(List<SqlRunner.Result> results, PrintWriter out) {
        for (SqlRunner.Result r : results) {
            out.print(r.isQuery() ? r.table() : r.rows().get(0).get(0) + "\n");
        }
        out.flush();
    }
}
