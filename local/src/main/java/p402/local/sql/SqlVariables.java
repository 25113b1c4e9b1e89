package p402.local.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.config.WindowSpec;

/**
 * The values of the placeholders in {@code sql/}: endpoints, credentials, topic names and the
 * window spec of the SQL live margin. Defaults are the job's; {@code --var key=value} overrides.
 */
public final class SqlVariables {

    private SqlVariables() {}

    /** The defaults for a run against {@code bootstrapServers} and {@code jdbcUrl}. */
    public static Map<String, String> defaults(
            String bootstrapServers, String jdbcUrl, String jdbcUser, String jdbcPassword) {
        MarginJobConfig job = new MarginJobConfig();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("kafka.bootstrap-servers", bootstrapServers);
        v.put("kafka.topic.calls", job.callsTopic);
        v.put("kafka.topic.revenue", job.revenueTopic);
        v.put("kafka.topic.outcomes", job.outcomesTopic);
        v.put("kafka.group-id", "p402-sql");
        v.put("kafka.bounded-mode", "latest-offset");
        v.put("jdbc.url", jdbcUrl);
        v.put("jdbc.user", jdbcUser);
        v.put("jdbc.password", jdbcPassword);
        v.put("window.spec", "5m/10s");
        return v;
    }

    /**
     * {@code values} with the derived ones added: {@code window.size-seconds}, {@code
     * window.slide-seconds} and {@code window.retention-seconds} from {@code window.spec} ({@code
     * size/slide[:retention]}, as the job's setting; the retention defaults as there), which itself
     * becomes the spec's name ({@code size/slide}, as {@code window_spec} holds it).
     */
    public static Map<String, String> complete(Map<String, String> values) {
        Map<String, String> v = new LinkedHashMap<>(values);
        WindowSpec spec = WindowSpec.parse(v.get("window.spec"));
        if (spec.sizeMillis % 1000 != 0 || spec.slideMillis % 1000 != 0) {
            throw new IllegalArgumentException("window.spec: whole seconds only in SQL");
        }
        v.put("window.spec", spec.name);
        v.putIfAbsent("window.retention-seconds", String.valueOf(spec.retentionMillis / 1000));
        v.putIfAbsent("window.size-seconds", String.valueOf(spec.sizeMillis / 1000));
        v.putIfAbsent("window.slide-seconds", String.valueOf(spec.slideMillis / 1000));
        return v;
    }

    /**
     * The {@code sql/} folder: under {@code p402.home} (set by {@code bin/p402}), else the first
     * one found walking up from the working directory.
     */
    public static Path sqlHome() {
        String home = System.getProperty("p402.home");
        if (home != null) {
            return Path.of(home, "sql");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("sql/tables"))) {
                return dir.resolve("sql");
            }
        }
        throw new IllegalStateException("cannot find the sql/ folder; set -Dp402.home");
    }
}
