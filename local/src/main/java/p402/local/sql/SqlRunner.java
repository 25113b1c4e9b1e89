package p402.local.sql;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import p402.udfs.sql.CallCost;
import p402.udfs.sql.SqlFunctions;

/**
 * Runs SQL scripts in one Flink table environment with the project's functions registered ({@link
 * SqlFunctions#ALL}) and the settings every script relies on: UTC as the session time zone, no
 * upsert materialisation in front of keyed sinks.
 *
 * <p>{@code SET 'key' = 'value'} statements are collected from every script before the environment
 * is built and apply to the whole run: the runtime mode ({@code execution.runtime-mode}) can only
 * be chosen then.
 */
public final class SqlRunner {

    /** What one statement gave: the columns and rows of a query, or one line for the rest. */
    public record Result(String statement, List<String> columns, List<List<String>> rows) {

        public boolean isQuery() {
            return !columns.isEmpty();
        }

        public String table() {
            return TextTable.format(columns, rows);
        }
    }

    private static final Pattern SET =
            Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'((?:[^']|'')*)'");

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<JobClient> submitted = new ArrayList<>();
    private boolean detached;

    /**
     * @param settings Flink settings applied before any script's own {@code SET}
     * @param pricesFile the price book {@code P402_COST} adds to the built-in one, or null
     */
    public SqlRunner(Map<String, String> settings, String pricesFile) {
        this.settings.put("table.local-time-zone", "UTC");
        this.settings.put("table.exec.sink.upsert-materialize", "NONE");
        this.settings.putAll(settings);
        if (pricesFile != null) {
            this.settings.put(
                    PipelineOptions.GLOBAL_JOB_PARAMETERS.key(),
                    CallCost.PRICES_FILE_PARAMETER + ":" + pricesFile);
        }
    }

    /**
     * Leaves the jobs of {@code INSERT} and {@code EXECUTE} statements running instead of waiting
     * for them to end: for a query over unbounded topics, a live job such as {@code
     * jobs/live_margin.sql} with {@code kafka.bounded-mode=unbounded}. {@link #submitted()} gives
     * their clients.
     */
    public SqlRunner detached(boolean detached) {
        this.detached = detached;
        return this;
    }

    /** The jobs started by the runs so far, in order. */
    public List<JobClient> submitted() {
        return List.copyOf(submitted);
    }

    /**
     * Runs the statements of {@code setup} (table definitions) and then of {@code script}, in
     * order; returns one result per statement of {@code script} other than {@code SET}.
     */
    public List<Result> run(List<String> setup, String script) {
        Configuration conf = new Configuration();
        settings.forEach(conf::setString);
        List<String> setupStatements = withoutSets(setup, conf);
        List<String> statements = withoutSets(script, conf);

        TableEnvironment env = environment(conf);
        for (String statement : setupStatements) {
            execute(env, statement);
        }
        List<Result> results = new ArrayList<>();
        for (String statement : statements) {
            results.add(execute(env, statement));
        }
        return results;
    }

    /**
     * Runs {@code setup}, then submits the {@code INSERT} statements of every one of {@code
     * scripts} together as one job (a statement set: one plan, sources read once where the planner
     * can share them), e.g. the live margin once per window spec. Returns that job's client without
     * waiting for it.
     */
    public JobClient submitTogether(List<String> setup, List<String> scripts) {
        Configuration conf = new Configuration();
        settings.forEach(conf::setString);
        List<String> setupStatements = withoutSets(setup, conf);
        List<String> inserts = withoutSets(scripts, conf);
        for (String statement : inserts) {
            if (!firstWord(stripComments(statement)).equals("INSERT")) {
                throw new IllegalArgumentException(
                        "only INSERT statements can be submitted together: "
                                + firstLine(stripComments(statement)));
            }
        }

        TableEnvironment env = environment(conf);
        for (String statement : setupStatements) {
            execute(env, statement);
        }
        StatementSet set = env.createStatementSet();
        inserts.forEach(set::addInsertSql);
        JobClient job =
                set.execute()
                        .getJobClient()
                        .orElseThrow(() -> new IllegalStateException("no job was started"));
        submitted.add(job);
        return job;
    }

    /** The statements of every one of {@code scripts}, in order, except their SETs. */
    private static List<String> withoutSets(List<String> scripts, Configuration conf) {
        List<String> statements = new ArrayList<>();
        for (String script : scripts) {
            statements.addAll(withoutSets(script, conf));
        }
        return statements;
    }

    /** The statements of {@code script} except its SETs, which go into {@code conf}. */
    private static List<String> withoutSets(String script, Configuration conf) {
        List<String> statements = new ArrayList<>();
        for (String statement : SqlScript.statements(script)) {
            Matcher set = SET.matcher(stripComments(statement));
            if (set.matches()) {
                conf.setString(set.group(1), set.group(2).replace("''", "'"));
            } else {
                statements.add(statement);
            }
        }
        return statements;
    }

    /** A table environment in the configured runtime mode with the functions registered. */
    public static TableEnvironment environment(Configuration conf) {
        boolean batch = "batch".equalsIgnoreCase(conf.getString("execution.runtime-mode", ""));
        EnvironmentSettings.Builder settings =
                EnvironmentSettings.newInstance().withConfiguration(conf);
        TableEnvironment env =
                TableEnvironment.create(
                        (batch ? settings.inBatchMode() : settings.inStreamingMode()).build());
        SqlFunctions.ALL.forEach(env::createTemporarySystemFunction);
        return env;
    }

    private Result execute(TableEnvironment env, String statement) {
        TableResult result;
        try {
            result = env.executeSql(statement);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "failed: " + firstLine(stripComments(statement)) + ": " + e.getMessage(), e);
        }
        String verb = firstWord(stripComments(statement));
        if (verb.equals("INSERT") || verb.equals("EXECUTE")) {
            result.getJobClient().ifPresent(submitted::add);
            if (detached) {
                String job = result.getJobClient().map(c -> "job " + c.getJobID()).orElse("job");
                return new Result(statement, List.of(), List.of(List.of(job + " submitted")));
            }
            try {
                result.await();
            } catch (Exception e) {
                throw new IllegalStateException(
                        "the job of " + firstLine(stripComments(statement)) + " failed", e);
            }
            String job = result.getJobClient().map(c -> "job " + c.getJobID() + " ").orElse("");
            return new Result(statement, List.of(), List.of(List.of(job + "finished")));
        }
        if (result.getResultKind() != ResultKind.SUCCESS_WITH_CONTENT) {
            return new Result(statement, List.of(), List.of(List.of("OK")));
        }
        List<String> columns = result.getResolvedSchema().getColumnNames();
        List<List<String>> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < row.getArity(); i++) {
                    cells.add(text(row.getField(i)));
                }
                rows.add(cells);
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "the query " + firstLine(stripComments(statement)) + " failed", e);
        }
        return new Result(statement, columns, rows);
    }

    /** A value as the table prints it: decimals in full, instants in UTC ISO form. */
    static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Instant t) {
            return t.toString();
        }
        if (v instanceof LocalDateTime t) {
            return t.toString();
        }
        return v.toString();
    }

    static String stripComments(String statement) {
        StringBuilder out = new StringBuilder();
        for (String line : statement.split("\n")) {
            String t = line.strip();
            if (!t.startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString().strip();
    }

    private static String firstWord(String s) {
        String[] words = s.split("\\s+", 2);
        return words[0].toUpperCase(Locale.ROOT);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }
}
