package p402.local.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL file as the runner executes it: {@code ${name}} placeholders filled in, then split into
 * statements at every {@code ;} outside quotes and comments.
 *
 * <p>Placeholders keep endpoints and credentials out of the files: {@code
 * ${kafka.bootstrap-servers}}, {@code ${jdbc.url}} and the rest are filled by the runner from its
 * options. A placeholder the runner has no value for is an error, never left in the SQL.
 */
public final class SqlScript {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private SqlScript() {}

    /** {@code text} with every placeholder replaced by its value. */
    public static String substitute(String text, Map<String, String> values) {
        TreeSet<String> missing = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                missing.add(m.group(1));
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "no value for ${" + String.join("}, ${", missing) + "}: give it with --var");
        }
        return out.toString();
    }

    /** The statements of {@code text}, without their {@code ;}, blank and comment-only skipped. */
    public static List<String> statements(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean code = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '-' && text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                end = end < 0 ? text.length() : end;
                current.append(text, i, end);
                i = end;
            } else if (c == '/' && text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
                current.append(text, i, end);
                i = end;
            } else if (c == '\'' || c == '`' || c == '"') {
                int end = closingQuote(text, i);
                current.append(text, i, end);
                code = true;
                i = end;
            } else if (c == ';') {
                if (code) {
                    statements.add(current.toString().strip());
                }
                current.setLength(0);
                code = false;
                i++;
            } else {
                current.append(c);
                code |= !Character.isWhitespace(c);
                i++;
            }
        }
        if (code) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    /** The index after the quote closing the one at {@code start}; a doubled quote is escaped. */
    private static int closingQuote(String text, int start) {
        char q = text.charAt(start);
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == q) {
                if (i + 1 < text.length() && text.charAt(i + 1) == q) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unclosed " + q + " quote at offset " + start);
    }

    /**
     * The contract's table definitions ({@code tables/kafka.sql}, {@code views.sql}, {@code
     * postgres.sql} under {@code sqlHome}) with the placeholders filled, in the order they run.
     */
    public static List<String> contractTables(Path sqlHome, Map<String, String> values)
            throws IOException {
        List<String> scripts = new ArrayList<>();
        for (String name : List.of("kafka.sql", "views.sql", "postgres.sql")) {
            String text = Files.readString(sqlHome.resolve("tables").resolve(name));
            scripts.add(substitute(text, values));
        }
        return scripts;
    }
}
