package p402.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.EventKind;
import p402.local.LocalFlink;
import p402.local.LocalPostgres;
import p402.local.testing.LocalStackExtension;
import p402.local.testing.ScratchDatabase;
import p402.local.testing.TableSnapshot;
import p402.local.testing.Traffic;

/**
 * An upgrade on a real cluster: version 1 of a job built on the margin job runs, stops with a
 * savepoint, and version 2, a different jar (an added stateful operator, a state type grown by a
 * field, an extra window spec), is restored from it. The tables end equal to a clean run of version
 * 2 on the whole input, with no row missing or counted twice; the tally's restored count shows the
 * old state was read by the new serializer, and the absence of duplicate deliveries shows the Kafka
 * offsets were kept (the restored job was told to start from the earliest).
 *
 * <p>The two versions are compiled here from {@code src/test/upgrade/v1} and {@code v2} into copies
 * of the shaded job jar.
 */
class ClusterUpgradeTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    static final String TENANT = "t-upgrade";
    static final String TOPICS = "upgrade.";
    static final String OLD_WINDOWS = "30m/10m:30d,1h/30m:30d";
    static final String NEW_SPEC = "15m/5m";
    static final Pattern WINDOW_START = Pattern.compile("\"window_start\": \"([^\"]+)\"");

    static FlinkCluster cluster;
    static String clusterDb;
    static String cleanDb;
    static Path work;

    @BeforeAll
    static void startCluster() throws Exception {
        clusterDb = ScratchDatabase.create("p402_cluster_upgrade");
        cleanDb = ScratchDatabase.create("p402_clean_upgrade");
        work = ClusterTesting.ROOT.resolve("local/target/upgrade-jars");
        ClusterTesting.deleteRecursively(work);
        cluster = ClusterTesting.start("upgrade");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void version2RestoredFromVersion1sSavepointKeepsStateAndOffsets() throws Exception {
        Path v1 = jobVersion("v1");
        Path v2 = jobVersion("v2");
        STACK.kafka().createTopics(2, topic("calls"), topic("revenue"), topic("outcomes"));
        createTallyTable();
        Traffic traffic = new Traffic(TENANT, "2026-11-10");

        String job = cluster.submit(v1, "p402.upgrade.UpgradeJob", null, 2, args(OLD_WINDOWS));
        cluster.awaitRunning(job, ClusterTesting.PATIENCE);
        STACK.publish(topic("calls"), EventKind.CALL, traffic.calls("a", "10:00", 30));
        STACK.publish(topic("outcomes"), EventKind.OUTCOME, traffic.outcomes("a", "10:00", 30));
        STACK.publish(topic("revenue"), EventKind.REVENUE, traffic.revenue("ra", "10:10"));
        ClusterTesting.awaitCount(clusterDb, "call_ledger", TENANT, 30);
        awaitTally("calls = 31 AND version = 'v1'");
        String savepoint = cluster.stopWithSavepoint(job);
        assertThat(cluster.jobState(job)).isEqualTo("FINISHED");

        String windows = OLD_WINDOWS + "," + NEW_SPEC + ":30d";
        List<String> v2Args = new ArrayList<>(args(windows));
        v2Args.addAll(List.of("--kafka.starting-offsets", "earliest"));
        String upgraded = cluster.submit(v2, "p402.upgrade.UpgradeJob", savepoint, 2, v2Args);
        cluster.awaitRunning(upgraded, ClusterTesting.PATIENCE);
        // Calls from 10:40 on, in windows of the new spec that start after the last call of v1;
        // outcomes delivered again, which the restored dedup state must recognise.
        STACK.publish(topic("calls"), EventKind.CALL, traffic.calls("b", "10:40", 30));
        STACK.publish(topic("outcomes"), EventKind.OUTCOME, traffic.outcomes("a", "10:00", 30));
        ClusterTesting.awaitCount(clusterDb, "call_ledger", TENANT, 60);
        STACK.publish(
                topic("calls"),
                EventKind.CALL,
                Traffic.clockCalls("t-clock", "2026-11-20T00:00:00Z"));

        // 31 deliveries counted by v1 and restored, 31 more by v2; cost summed only by v2.
        awaitTally(
                "calls = 62 AND version = 'v2' AND cost_usd = (SELECT sum(cost_usd) FROM"
                        + " p402.call_ledger WHERE tenant_id = '"
                        + TENANT
                        + "' AND event_id LIKE 'b%') + (SELECT cost_usd FROM p402.call_ledger"
                        + " WHERE tenant_id = '"
                        + TENANT
                        + "' AND event_id = 'b0')"
                        + " AND first_seen_at = '2026-11-10T10:40:00Z'");

        runClean(windows);
        // The added spec starts empty: its windows before the upgrade are not recomputed (the
        // reprocessing runbook backfills them). It is compared from its first window after v1.
        Predicate<String> beforeTheUpgrade =
                r ->
                        r.contains("\"window_spec\": \"" + NEW_SPEC + "\"")
                                && windowStart(r).isBefore(Instant.parse("2026-11-10T10:30:00Z"));
        Map<String, List<String>> clean = TableSnapshot.of(cleanDb, TENANT, TOPICS);
        assertThat(clean.get("margin_window"))
                .anyMatch(r -> r.contains(NEW_SPEC) && !beforeTheUpgrade.test(r));
        clean.get("margin_window").removeIf(beforeTheUpgrade);
        ClusterTesting.awaitEqual(
                clusterDb, clean, TENANT, TOPICS, ClusterTesting.PATIENCE, beforeTheUpgrade);
        cluster.cancel(upgraded);
    }

    private static List<String> args(String windows) {
        List<String> args = new ArrayList<>(ClusterTesting.jobArgs(STACK, TOPICS, clusterDb));
        int i = args.indexOf("--windows");
        args.set(i + 1, windows);
        return args;
    }

    private static void runClean(String windows) throws Exception {
        List<String> args = new ArrayList<>(ClusterTesting.jobArgs(STACK, TOPICS, cleanDb));
        args.set(args.indexOf("--windows") + 1, windows);
        args.addAll(List.of("--bounded", "true"));
        MarginJobConfig config = MarginJobConfig.fromArgs(args.toArray(new String[0]));
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        MarginJob.build(env, config);
        env.execute("clean run");
    }

    private static void createTallyTable() throws Exception {
        try (Connection c = LocalPostgres.connect(clusterDb, "p402", "p402");
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TABLE p402.upgrade_tally (tenant_id text PRIMARY KEY,"
                            + " calls bigint NOT NULL DEFAULT 0, cost_usd numeric, version text,"
                            + " first_seen_at timestamptz,"
                            + " updated_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    private static void awaitTally(String condition) throws IOException {
        FlinkCluster.awaitTrue(
                () -> {
                    try (Connection c = LocalPostgres.connect(clusterDb, "p402", "p402");
                            Statement st = c.createStatement();
                            ResultSet rs =
                                    st.executeQuery(
                                            "SELECT count(*) FROM p402.upgrade_tally WHERE"
                                                    + " tenant_id = '"
                                                    + TENANT
                                                    + "' AND "
                                                    + condition)) {
                        rs.next();
                        return rs.getLong(1) == 1;
                    } catch (java.sql.SQLException e) {
                        throw new IOException(e);
                    }
                },
                ClusterTesting.PATIENCE,
                "upgrade_tally: " + condition);
    }

    /**
     * The shaded job jar plus the classes of {@code src/test/upgrade/<version>}, compiled against
     * it: a release of a job built on the margin job.
     */
    private static Path jobVersion(String version) throws IOException {
        Path sources = ClusterTesting.ROOT.resolve("local/src/test/upgrade/" + version);
        Path classes = work.resolve(version + "-classes");
        Files.createDirectories(classes);
        List<String> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        Path jobJar = ClusterTesting.jobJar();
        String classpath =
                jobJar
                        + ":"
                        + Files.readString(
                                        ClusterTesting.ROOT.resolve(
                                                "cluster/target/flink-classpath.txt"))
                                .trim();
        List<String> javac =
                new ArrayList<>(
                        List.of("--release", "17", "-d", classes.toString(), "-cp", classpath));
        javac.addAll(files);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, javac.toArray(new String[0])))
                .as("javac of %s", sources)
                .isZero();

        Path jar = work.resolve("p402-jobs-upgrade-" + version + ".jar");
        Set<String> seen = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                JarFile in = new JarFile(jobJar.toFile())) {
            for (JarEntry e : in.stream().toList()) {
                if (seen.add(e.getName())) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream data = in.getInputStream(e)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            try (Stream<Path> s = Files.walk(classes)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(
                            new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                    Files.copy(p, out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    private static Instant windowStart(String row) {
        Matcher m = WINDOW_START.matcher(row);
        assertThat(m.find()).as(row).isTrue();
        return OffsetDateTime.parse(m.group(1)).toInstant();
    }

    private static String topic(String name) {
        return TOPICS + name;
    }
}
