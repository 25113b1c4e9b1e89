package p402.jobs.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One sliding window: its size, its slide and how long its rows are kept. The name, {@code
 * size/slide} as in {@code 5m/10s}, is the {@code window_spec} column.
 */
public final class WindowSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    public final String name;
    public final long sizeMillis;
    public final long slideMillis;
    public final long retentionMillis;

    public WindowSpec(long sizeMillis, long slideMillis, long retentionMillis) {
        this(
                Durations.format(sizeMillis) + "/" + Durations.format(slideMillis),
                sizeMillis,
                slideMillis,
                retentionMillis);
    }

    /** {@code name} is the {@code window_spec} value, as the user wrote it ({@code 24h/15m}). */
    public WindowSpec(String name, long sizeMillis, long slideMillis, long retentionMillis) {
        if (slideMillis <= 0 || sizeMillis <= 0 || sizeMillis % slideMillis != 0) {
            throw new IllegalArgumentException(
                    "a window's size must be a positive multiple of its slide");
        }
        this.sizeMillis = sizeMillis;
        this.slideMillis = slideMillis;
        this.retentionMillis = retentionMillis;
        this.name = name;
    }

    /** {@code 5m/10s} or {@code 5m/10s:6h}; without a retention the rows are kept 7 days. */
    public static WindowSpec parse(String text) {
        String[] specAndRetention = text.trim().split(":");
        String[] sizeAndSlide = specAndRetention[0].split("/");
        if (sizeAndSlide.length != 2 || specAndRetention.length > 2) {
            throw new IllegalArgumentException("not a window spec: '" + text + "'");
        }
        long retention =
                specAndRetention.length == 2
                        ? Durations.parse(specAndRetention[1]).toMillis()
                        : 7 * 86_400_000L;
        return new WindowSpec(
                sizeAndSlide[0].trim() + "/" + sizeAndSlide[1].trim(),
                Durations.parse(sizeAndSlide[0]).toMillis(),
                Durations.parse(sizeAndSlide[1]).toMillis(),
                retention);
    }

    public static List<WindowSpec> parseList(String text) {
        List<WindowSpec> specs = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                specs.add(parse(part));
            }
        }
        return specs;
    }

    /** Panes of one slide each make up a window. */
    public int panesPerWindow() {
        return (int) (sizeMillis / slideMillis);
    }

    @Override
    public String toString() {
        return name;
    }
}
