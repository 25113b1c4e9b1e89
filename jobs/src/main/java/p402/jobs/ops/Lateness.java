package p402.jobs.ops;

import java.io.Serializable;
import java.util.List;
import p402.jobs.config.WindowSpec;

/**
 * How late is too late, in one place for every operator that has to decide it.
 *
 * <p>The margin operator keeps a pane until the watermark is past {@code pane end + size +
 * lateness}; after that no window containing it can be recomputed. A window can be restated only
 * while its first pane is kept: {@code start + slide + size + lateness > watermark}. Windows past
 * that are frozen: their rows stand as last written.
 */
public final class Lateness implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long[] slides;
    private final long[] sizes;
    private final long latenessMillis;

    public Lateness(List<WindowSpec> specs, long latenessMillis) {
        slides = new long[specs.size()];
        sizes = new long[specs.size()];
        for (int i = 0; i < slides.length; i++) {
            slides[i] = specs.get(i).slideMillis;
            sizes[i] = specs.get(i).sizeMillis;
        }
        this.latenessMillis = latenessMillis;
    }

    public long latenessMillis() {
        return latenessMillis;
    }

    /** The pane of spec {@code s} holding {@code t} has been dropped at {@code watermark}. */
    public boolean paneDropped(int s, long t, long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return false;
        }
        long paneEnd = (Math.floorDiv(t, slides[s]) + 1) * slides[s];
        return paneEnd + sizes[s] + latenessMillis <= watermark;
    }

    /** A call at {@code t} arriving now misses the windows of at least one spec. */
    public boolean tooLateForSomeSpec(long t, long watermark) {
        for (int s = 0; s < slides.length; s++) {
            if (paneDropped(s, t, watermark)) {
                return true;
            }
        }
        return false;
    }

    /** The first window start index of spec {@code s} that can still be restated. */
    public long firstRestatable(int s, long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return Math.floorDiv(watermark - slides[s] - sizes[s] - latenessMillis, slides[s]) + 1;
    }

    /** Revenue earned from {@code from} arriving now misses some frozen window. */
    public boolean revenueTooLate(long from, long watermark) {
        for (int s = 0; s < slides.length; s++) {
            long firstWindow = Math.floorDiv(from - sizes[s], slides[s]) + 1;
            if (firstWindow < firstRestatable(s, watermark)) {
                return true;
            }
        }
        return false;
    }
}
