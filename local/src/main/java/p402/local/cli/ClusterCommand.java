package p402.local.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import p402.local.cluster.FlinkCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code p402 cluster}: a standalone Flink session cluster on this machine (JobManager and
 * TaskManagers as processes of their own, run from the jars the build resolved), and the Flink
 * client's {@code run}, {@code stop}, {@code savepoint}, {@code cancel} and {@code list} against
 * it. Everything the cluster keeps is under {@code var/cluster/}.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "A standalone Flink session cluster on this machine, and jobs on it.",
        subcommands = {
            ClusterCommand.Start.class,
            ClusterCommand.Stop.class,
            ClusterCommand.Submit.class,
            ClusterCommand.StopJob.class,
            ClusterCommand.Savepoint.class,
            ClusterCommand.Cancel.class,
            ClusterCommand.ListJobs.class
        })
final class ClusterCommand {

    static FlinkCluster cluster() {
        return FlinkCluster.ofRepository(FlinkCluster.repositoryRoot());
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = {
                "Starts a JobManager and TaskManagers in the background and returns once all"
                        + " have registered.",
                "Configuration: flink-conf/config.yaml (RocksDB, incremental checkpoints,"
                        + " restart strategy) with ports, memory and directories of this machine"
                        + " laid over it, written to var/cluster/conf/config.yaml."
            })
    static final class Start implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--task-managers",
                defaultValue = "1",
                description = "How many TaskManager processes (default ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(
                names = "--slots",
                defaultValue = "2",
                description = "Task slots per TaskManager (default ${DEFAULT-VALUE}).")
        int slots;

        @Option(
                names = "--rest-port",
                defaultValue = "8081",
                description = "The REST API and web UI port (default ${DEFAULT-VALUE}).")
        int restPort;

        @Option(
                names = "--config",
                description = "The config.yaml to start from (default flink-conf/config.yaml).")
        Path config;

        @Option(
                names = "--set",
                description = "A Flink setting laid over the file, key=value (repeatable).")
        Map<String, String> settings = new LinkedHashMap<>();

        @Override
        public Integer call() throws IOException {
            Path root = FlinkCluster.repositoryRoot();
            FlinkCluster cluster = FlinkCluster.ofRepository(root);
            Map<String, String> overrides = localOverrides(restPort, slots);
            overrides.putAll(settings);
            cluster.start(
                    config != null ? config : root.resolve("flink-conf/config.yaml"),
                    overrides,
                    taskManagers);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "Flink cluster running: %s (web UI and REST), %d TaskManager(s) x %d slots;"
                            + " logs in %s%n",
                    cluster.restUrl(), taskManagers, slots, cluster.logDir());
            out.flush();
            return 0;
        }
    }

    /**
     * Sizes for a cluster that shares a small machine with other work; production sizes are in
     * flink-conf/config.yaml.
     */
    static Map<String, String> localOverrides(int restPort, int slots) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("rest.port", String.valueOf(restPort));
        o.put("jobmanager.rpc.port", String.valueOf(FlinkCluster.freePort()));
        o.put("jobmanager.memory.process.size", "1g");
        o.put("taskmanager.memory.process.size", "1600m");
        o.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        o.put("parallelism.default", String.valueOf(slots));
        return o;
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stops the cluster's processes (its jobs stop with them).")
    static final class Stop implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            FlinkCluster cluster = cluster();
            boolean running = cluster.isRunning();
            cluster.stop();
            spec.commandLine()
                    .getOut()
                    .println(running ? "Flink cluster stopped" : "no Flink cluster was running");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description = {
                "Submits the shaded job jar detached, as `flink run -d` does, and prints the"
                        + " job id. Arguments after -- are the job's own (--key value, see"
                        + " docs/configuration.md).",
                "Example: p402 cluster submit -- --kafka.bootstrap-servers 127.0.0.1:9092"
            })
    static final class Submit implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = {"-s", "--from-savepoint"},
                description = "Restore from this savepoint or retained checkpoint.")
        String savepoint;

        @Option(names = "--jar", description = "The job jar (default jobs/target/*-job.jar).")
        Path jar;

        @Option(
                names = {"-c", "--class"},
                description = "The main class (default the jar's).")
        String mainClass;

        @Option(
                names = {"-p", "--parallelism"},
                description = "The job's parallelism.")
        Integer parallelism;

        @Parameters(description = "The job's arguments.")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            Path root = FlinkCluster.repositoryRoot();
            String jobId =
                    cluster()
                            .submit(
                                    jar != null ? jar : FlinkCluster.jobJar(root),
                                    mainClass,
                                    savepoint,
                                    parallelism,
                                    args);
            spec.commandLine().getOut().println(jobId);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "stop-job",
            mixinStandardHelpOptions = true,
            description =
                    "Stops a job with a savepoint (`flink stop -p`) and prints the savepoint's"
                            + " path, to restore with `submit -s PATH`.")
    static final class StopJob implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", description = "The job id.")
        String jobId;

        @Override
        public Integer call() throws IOException {
            spec.commandLine().getOut().println(cluster().stopWithSavepoint(jobId));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "savepoint",
            mixinStandardHelpOptions = true,
            description = "Takes a savepoint of a running job and prints its path.")
    static final class Savepoint implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", description = "The job id.")
        String jobId;

        @Override
        public Integer call() throws IOException {
            spec.commandLine().getOut().println(cluster().savepoint(jobId));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Cancels a job without a savepoint (its last checkpoint is retained).")
    static final class Cancel implements Callable<Integer> {
        @Parameters(index = "0", description = "The job id.")
        String jobId;

        @Override
        public Integer call() throws IOException {
            cluster().cancel(jobId);
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the cluster's jobs (`flink list -a`).")
    static final class ListJobs implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            spec.commandLine().getOut().print(cluster().list());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
