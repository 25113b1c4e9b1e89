package p402.udfs.cost;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a model id as a call reports it becomes the key of a price-book entry.
 *
 * <ol>
 *   <li>Provider and model are trimmed and lower-cased ({@code Locale.ROOT}).
 *   <li>A leading provider segment is stripped from the model: the call's own provider, or one of
 *       {@code openai}, {@code anthropic}, {@code google}, {@code gemini}, {@code deepseek}, {@code
 *       models} (Gemini's resource path). {@code openai/gpt-4o} → {@code gpt-4o}.
 *   <li>The book's alias table is applied once: {@code anthropic/claude-3-7-sonnet-latest} → {@code
 *       claude-3-7-sonnet}.
 *   <li>An entry for exactly that model wins, so a dated snapshot with prices of its own ({@code
 *       gpt-4o-2024-05-13}) keeps them.
 *   <li>Otherwise a dated snapshot falls back to its base alias: the date suffix {@code
 *       -YYYY-MM-DD}, {@code -YYYYMMDD} or {@code @YYYYMMDD} is stripped, the alias table applied
 *       again, and that entry used ({@code claude-sonnet-4-5-20250929} → {@code
 *       claude-sonnet-4-5}).
 * </ol>
 *
 * <p>Nothing else is guessed: {@code gpt-4o-mini} never falls back to {@code gpt-4o}.
 */
public final class ModelIds {

    private static final Set<String> KNOWN_PREFIXES =
            Set.of("openai", "anthropic", "google", "gemini", "deepseek", "models");

    private static final Pattern DATE_SUFFIX =
            Pattern.compile("^(.+?)(?:-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|@\\d{8})$");

    private ModelIds() {}

    public static String provider(String provider) {
        return provider == null ? null : provider.trim().toLowerCase(Locale.ROOT);
    }

    /** Lower case, provider prefix stripped; null stays null. */
    public static String model(String provider, String model) {
        if (model == null) {
            return null;
        }
        String m = model.trim().toLowerCase(Locale.ROOT);
        String p = provider(provider);
        int slash = m.indexOf('/');
        while (slash > 0) {
            String head = m.substring(0, slash);
            if (!head.equals(p) && !KNOWN_PREFIXES.contains(head)) {
                break;
            }
            m = m.substring(slash + 1);
            slash = m.indexOf('/');
        }
        return m;
    }

    /** The model without its date suffix, or null when it has none. */
    public static String withoutDateSuffix(String model) {
        Matcher m = DATE_SUFFIX.matcher(model);
        return m.matches() ? m.group(1) : null;
    }

    public static String key(String provider, String model) {
        return provider + '/' + model;
    }
}
