package p402.jobs.config;

import java.time.Duration;

/** Short durations as people write them: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h}. */
public final class Durations {

    private Durations() {}

    public static Duration parse(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i == t.length()) {
            throw new IllegalArgumentException("not a duration: '" + text + "'");
        }
        long n = Long.parseLong(t.substring(0, i));
        switch (t.substring(i)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
            case "min":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                throw new IllegalArgumentException("not a duration unit in '" + text + "'");
        }
    }

    /** The shortest of the forms {@link #parse} reads: {@code 300000} ms prints as {@code 5m}. */
    public static String format(long millis) {
        if (millis % 86_400_000L == 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }
}
