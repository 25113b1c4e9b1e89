package p402.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Flink session cluster on this machine, run from the jars Maven resolved for the
 * {@code cluster} module instead of a flink-dist archive: one JobManager process and any number of
 * TaskManager processes, each a JVM of its own, and the Flink client ({@code CliFrontend}, what
 * {@code flink run} runs) for submitting, stopping and cancelling jobs.
 *
 * <p>Everything lives in a run directory (by default {@code var/cluster/} in the repository): the
 * cluster's {@code conf/config.yaml} (a {@code flink-conf/} file with this machine's ports and
 * directories laid over it), {@code log/}, {@code checkpoints/}, {@code savepoints/} and one {@code
 * .pid} file per process, so that {@code bin/p402 cluster stop} in another shell finds what {@code
 * start} began. The processes outlive the JVM that started them.
 */
public final class FlinkCluster {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkCluster.class);

    private static final String JOB_MANAGER =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS =
            "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);

    /**
     * What flink-dist's scripts add to every Flink JVM on Java 17; without them job submission
     * fails with {@code InaccessibleObjectException}.
     */
    static final List<String> MODULE_FLAGS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final Pattern SUBMITTED =
            Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT_PATH =
            Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runDir;
    private final Path classpathFile;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param runDir where the cluster keeps its configuration, logs, checkpoints, savepoints and
     *     pid files
     * @param classpathFile the cluster's jars, one {@code :}-separated line (written by the build
     *     of the {@code cluster} module)
     */
    public FlinkCluster(Path runDir, Path classpathFile) {
        this.runDir = runDir.toAbsolutePath().normalize();
        this.classpathFile = classpathFile.toAbsolutePath().normalize();
    }

    /** The cluster of this repository checkout: {@code var/cluster/}, the build's jar list. */
    public static FlinkCluster ofRepository(Path root) {
        return new FlinkCluster(
                root.resolve("var/cluster"), root.resolve("cluster/target/flink-classpath.txt"));
    }

    /**
     * The repository checkout: the system property {@code p402.home} (set by {@code bin/p402}),
     * else the first directory upwards of the working directory that holds {@code cluster/pom.xml}.
     */
    public static Path repositoryRoot() {
        String home = System.getProperty("p402.home");
        if (home != null) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("cluster/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("not inside a P402 checkout (no cluster/pom.xml above)");
    }

    /** The shaded job jar the build put in {@code jobs/target/}. */
    public static Path jobJar(Path root) {
        Path target = root.resolve("jobs/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no -job.jar in " + target));
        } catch (IOException e) {
            throw new IllegalStateException("no job jar: build first (mvn -B package)", e);
        }
    }

    public Path runDir() {
        return runDir;
    }

    public Path confDir() {
        return runDir.resolve("conf");
    }

    public Path logDir() {
        return runDir.resolve("log");
    }

    public Path savepointDir() {
        return runDir.resolve("savepoints");
    }

    // ------------------------------------------------------------------------------ lifecycle

    /**
     * Writes the cluster's configuration, starts the JobManager and {@code taskManagers}
     * TaskManagers, and returns once the REST endpoint answers and every TaskManager has
     * registered.
     *
     * @param baseConfig a {@code config.yaml} (the production-like {@code flink-conf/config.yaml})
     * @param overrides settings laid over it: ports, memory, intervals
     */
    public void start(Path baseConfig, Map<String, String> overrides, int taskManagers)
            throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("a cluster already runs from " + runDir + " (stop it)");
        }
        writeConfiguration(baseConfig, overrides);
        Files.createDirectories(logDir());

        startProcess("jobmanager", JOB_MANAGER, "GET_JM_RESOURCE_PARAMS");
        awaitRest();
        for (int i = 0; i < taskManagers; i++) {
            startTaskManager();
        }
        awaitTaskManagers(taskManagers);
        LOG.info(
                "Flink cluster up: REST {}, {} TaskManager(s), logs in {}",
                restUrl(),
                taskManagers,
                logDir());
    }

    /** Starts one more TaskManager process; returns its pid. */
    public long startTaskManager() throws IOException {
        int n = 1;
        while (Files.exists(pidFile("taskmanager-" + n))) {
            n++;
        }
        return startProcess("taskmanager-" + n, TASK_MANAGER, "GET_TM_RESOURCE_PARAMS");
    }

    /** The pids of the TaskManagers started from this run directory that are still alive. */
    public List<Long> taskManagerPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (Map.Entry<String, Long> p : pids().entrySet()) {
            if (p.getKey().startsWith("taskmanager-") && alive(p.getValue())) {
                pids.add(p.getValue());
            }
        }
        return pids;
    }

    /** {@code kill -9}: the process gets no chance to say goodbye to the JobManager. */
    public void kill(long pid) throws IOException {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        awaitExit(pid);
        for (Map.Entry<String, Long> p : pids().entrySet()) {
            if (p.getValue() == pid) {
                Files.deleteIfExists(pidFile(p.getKey()));
            }
        }
    }

    /** Stops every process of the cluster (TaskManagers first) and removes their pid files. */
    public void stop() throws IOException {
        Map<String, Long> pids = pids();
        List<String> names = new ArrayList<>(pids.keySet());
        names.sort(
                (a, b) -> a.startsWith("taskmanager") ? -1 : b.startsWith("taskmanager") ? 1 : 0);
        for (String name : names) {
            long pid = pids.get(name);
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent() && isOurs(h.get())) {
                h.get().destroy();
                if (!h.get().onExit().completeOnTimeout(null, 20, TimeUnit.SECONDS).isDone()
                        || h.get().isAlive()) {
                    h.get().destroyForcibly();
                }
                awaitExit(pid);
            }
            Files.deleteIfExists(pidFile(name));
        }
    }

    /** Whether this run directory's JobManager process is alive. */
    public boolean isRunning() throws IOException {
        Long pid = pids().get("jobmanager");
        return pid != null && alive(pid);
    }

    // ------------------------------------------------------------------------ the flink client

    /**
     * {@code flink run -d [-s savepoint] [-c class] [-p n] jar args}: submits a job detached and
     * returns its id.
     */
    public String submit(
            Path jar, String mainClass, String savepoint, Integer parallelism, List<String> args)
            throws IOException {
        List<String> cli = new ArrayList<>(List.of("run", "-d"));
        if (savepoint != null) {
            cli.addAll(List.of("-s", savepoint));
        }
        if (mainClass != null) {
            cli.addAll(List.of("-c", mainClass));
        }
        if (parallelism != null) {
            cli.addAll(List.of("-p", String.valueOf(parallelism)));
        }
        cli.add(jar.toAbsolutePath().toString());
        cli.addAll(args);
        String out = flink(cli);
        Matcher m = SUBMITTED.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink run did not submit a job:\n" + out);
        }
        return m.group(1);
    }

    /**
     * {@code flink stop -p DIR job}: a savepoint, then the job finishes; returns the savepoint's
     * path.
     */
    public String stopWithSavepoint(String jobId) throws IOException {
        String out = flink(List.of("stop", "--type", "canonical", "-p", savepointUri(), jobId));
        return savepointPath(out);
    }

    /** {@code flink savepoint job DIR}: a savepoint while the job keeps running. */
    public String savepoint(String jobId) throws IOException {
        return savepointPath(
                flink(List.of("savepoint", "--type", "canonical", jobId, savepointUri())));
    }

    public void cancel(String jobId) throws IOException {
        flink(List.of("cancel", jobId));
    }

    /** {@code flink list}: the client's answer as it prints it. */
    public String list() throws IOException {
        return flink(List.of("list", "-a"));
    }

    /**
     * Runs the Flink client with this cluster's configuration and returns what it printed; fails
     * when it exits with an error.
     */
    public String flink(List<String> args) throws IOException {
        List<String> command = java(List.of(), "client");
        command.add(CLI);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("FLINK_CONF_DIR", confDir().toString());
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("flink " + args.get(0) + " did not finish in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    "flink " + String.join(" ", args) + " failed (" + p.exitValue() + "):\n" + out);
        }
        return out;
    }

    // ------------------------------------------------------------------------------ REST

    public String restUrl() throws IOException {
        Configuration c = GlobalConfiguration.loadConfiguration(confDir().toString());
        return "http://"
                + c.getString("rest.address", "127.0.0.1")
                + ":"
                + c.getString("rest.port", "8081");
    }

    /** {@code GET} on the REST API, as JSON. */
    public JsonNode rest(String path) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(restUrl() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The job's state as the JobManager reports it: {@code RUNNING}, {@code FINISHED}, ... */
    public String jobState(String jobId) throws IOException {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job and every one of its tasks run. */
    public void awaitRunning(String jobId, Duration timeout) throws IOException {
        awaitTrue(
                () -> {
                    JsonNode job = rest("/jobs/" + jobId);
                    if (!job.path("state").asText().equals("RUNNING")) {
                        return false;
                    }
                    for (JsonNode v : job.path("vertices")) {
                        if (!v.path("status").asText().equals("RUNNING")
                                && !v.path("status").asText().equals("FINISHED")) {
                            return false;
                        }
                    }
                    return true;
                },
                timeout,
                "job " + jobId + " running");
    }

    /** The checkpoint statistics of a job ({@code GET /jobs/:id/checkpoints}). */
    public JsonNode checkpoints(String jobId) throws IOException {
        return rest("/jobs/" + jobId + "/checkpoints");
    }

    // ------------------------------------------------------------------------------ internals

    private void writeConfiguration(Path baseConfig, Map<String, String> overrides)
            throws IOException {
        Path staging = Files.createTempDirectory("p402-flink-conf");
        try {
            Files.copy(baseConfig, staging.resolve("config.yaml"));
            Configuration c = GlobalConfiguration.loadConfiguration(staging.toString());
            Map<String, String> all = new LinkedHashMap<>(c.toMap());
            all.putAll(defaults());
            all.putAll(overrides);
            Files.createDirectories(confDir());
            StringBuilder yaml =
                    new StringBuilder("# Written by p402 cluster start from ")
                            .append(baseConfig.toAbsolutePath().normalize())
                            .append(" and this machine's settings; rewritten on every start.\n");
            all.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(
                            e ->
                                    yaml.append(e.getKey())
                                            .append(": '")
                                            .append(e.getValue().replace("'", "''"))
                                            .append("'\n"));
            Files.writeString(confDir().resolve("config.yaml"), yaml.toString());
            try (InputStream log4j =
                    FlinkCluster.class.getResourceAsStream("cluster-log4j.properties")) {
                Files.write(confDir().resolve("log4j.properties"), log4j.readAllBytes());
            }
        } finally {
            Files.deleteIfExists(staging.resolve("config.yaml"));
            Files.deleteIfExists(staging);
        }
    }

    /**
     * This machine's part of the configuration: everything on loopback, the checkpoint and
     * savepoint directories in the run directory. Ports and memory come from the caller.
     */
    private Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("jobmanager.rpc.address", "127.0.0.1");
        d.put("jobmanager.bind-host", "127.0.0.1");
        d.put("taskmanager.host", "127.0.0.1");
        d.put("taskmanager.bind-host", "127.0.0.1");
        d.put("rest.address", "127.0.0.1");
        d.put("rest.bind-address", "127.0.0.1");
        d.put("execution.checkpointing.dir", runDir.resolve("checkpoints").toUri().toString());
        d.put("execution.checkpointing.savepoint-dir", savepointUri());
        d.put("io.tmp.dirs", runDir.resolve("tmp").toString());
        // RocksDB's own LOG files, one per stateful subtask, away from the processes' logs.
        d.put("state.backend.rocksdb.log.dir", runDir.resolve("rocksdb-log").toString());
        return d;
    }

    private String savepointUri() {
        return savepointDir().toUri().toString();
    }

    private long startProcess(String name, String mainClass, String resourceParams)
            throws IOException {
        List<String> resources = resourceParams(resourceParams);
        List<String> jvm = new ArrayList<>(Arrays.asList(resources.get(0).trim().split("\\s+")));
        List<String> dynamic =
                new ArrayList<>(Arrays.asList(resources.get(1).trim().split("\\s+")));
        List<String> command = java(jvm, name);
        command.add(mainClass);
        command.addAll(List.of("--configDir", confDir().toString()));
        command.addAll(dynamic.stream().filter(s -> !s.isEmpty()).toList());
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(logDir().resolve(name + ".out").toFile())
                        .start();
        Files.writeString(pidFile(name), Long.toString(p.pid()));
        LOG.info("Started {} (pid {})", name, p.pid());
        return p.pid();
    }

    /**
     * The JVM flags and dynamic properties Flink derives from the memory settings, exactly as
     * flink-dist's scripts obtain them (without this a TaskManager fails on {@code
     * taskmanager.cpu.cores}).
     */
    private List<String> resourceParams(String which) throws IOException {
        List<String> command = java(List.of(), "bash-java-utils");
        command.addAll(List.of(BASH_JAVA_UTILS, which, "--configDir", confDir().toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> results = new ArrayList<>();
        for (String line : out.split("\\R")) {
            if (line.startsWith(RESULT_PREFIX)) {
                results.add(line.substring(RESULT_PREFIX.length()));
            }
        }
        if (results.size() < 2) {
            throw new IllegalStateException(which + " failed:\n" + out);
        }
        return results.subList(results.size() - 2, results.size());
    }

    private List<String> java(List<String> jvmFlags, String logName) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(MODULE_FLAGS);
        command.add("-Dlog.file=" + logDir().resolve(logName + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(Files.readString(classpathFile).trim());
        return command;
    }

    private void awaitRest() throws IOException {
        awaitTrue(
                () -> {
                    try {
                        rest("/overview");
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                },
                START_TIMEOUT,
                "the JobManager's REST endpoint (log: " + logDir().resolve("jobmanager.log") + ")");
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count) throws IOException {
        awaitTrue(
                () -> rest("/taskmanagers").path("taskmanagers").size() == count,
                START_TIMEOUT,
                count + " TaskManager(s) registered");
    }

    private Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (!Files.isDirectory(runDir)) {
            return pids;
        }
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".pid")).sorted().toList()) {
                String name = f.getFileName().toString();
                pids.put(
                        name.substring(0, name.length() - 4),
                        Long.parseLong(Files.readString(f).trim()));
            }
        }
        return pids;
    }

    private Path pidFile(String name) {
        return runDir.resolve(name + ".pid");
    }

    private boolean alive(long pid) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(this::isOurs)
                .isPresent();
    }

    /** A recycled pid is not ours: ours runs java with this run directory's configuration. */
    private boolean isOurs(ProcessHandle h) {
        return h.info()
                .arguments()
                .map(a -> Arrays.asList(a).contains(confDir().toString()))
                .orElse(true);
    }

    private static void awaitExit(long pid) {
        ProcessHandle.of(pid)
                .ifPresent(h -> h.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join());
    }

    /** A condition polled every 200 ms. */
    public interface Check {
        boolean holds() throws IOException;
    }

    public static void awaitTrue(Check check, Duration timeout, String what) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** A free loopback port, for a cluster that must not collide with another one. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String savepointPath(String out) {
        Matcher m = SAVEPOINT_PATH.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no savepoint path in the client's answer:\n" + out);
        }
        return m.group(1);
    }
}
