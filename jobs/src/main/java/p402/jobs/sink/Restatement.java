package p402.jobs.sink;

import java.io.Serializable;

/**
 * The mark a reprocessing run leaves on the rows it rewrites: its label and the time it ran ({@code
 * restatement}, {@code restated_at}). The live job writes both as NULL, so a row it rewrites later
 * is no longer shown as restated.
 *
 * @param label what the run restated, e.g. {@code price-fix-2026-11-12}; null for the live job
 * @param atMillis when the run was started, epoch millis
 */
public record Restatement(String label, long atMillis) implements Serializable {

    /** The live job's mark: none. */
    public static final Restatement NONE = new Restatement(null, 0);

    public boolean isRestating() {
        return label != null;
    }
}
