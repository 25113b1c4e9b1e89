package p402.udfs.sql;

import java.time.Duration;
import java.time.LocalDateTime;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;

/**
 * {@code P402_WINDOW_ENDS(previous_end, end, slide_seconds, lookback_seconds)}: the window ends the
 * watermark passed in one step, {@code (previous_end, end]} one slide apart, one {@code
 * TIMESTAMP(3)} row each. With no previous end (the first step) it starts {@code lookback_seconds}
 * before {@code end}.
 *
 * <p>Why: a streaming query learns that the watermark passed a window only when a window with an
 * event in it fires; windows that hold earned revenue but no event fire nothing. Filling the gap
 * between consecutive fired ends names every window the watermark passed, once. Windows ending more
 * than the lookback before the first fired one are never named.
 */
@FunctionHint(output = @DataTypeHint("ROW<window_end TIMESTAMP(3)>"))
public class PassedWindowEnds extends TableFunction<Row> {

    private static final long serialVersionUID = 1L;

    public void eval(
            LocalDateTime previousEnd, LocalDateTime end, Long slideSeconds, Long lookbackSeconds) {
        if (end == null || slideSeconds == null || slideSeconds <= 0) {
            return;
        }
        Duration slide = Duration.ofSeconds(slideSeconds);
        LocalDateTime from;
        if (previousEnd != null) {
            from = previousEnd;
        } else {
            long lookback = lookbackSeconds == null ? 0 : Math.max(0, lookbackSeconds);
            from = end.minusSeconds(lookback - lookback % slideSeconds + slideSeconds);
        }
        if (!end.isAfter(from)) {
            return;
        }
        // Walk back from end so every value stays on end's slide grid, whatever previous_end is.
        int steps = 0;
        for (LocalDateTime t = end; t.isAfter(from); t = t.minus(slide)) {
            steps++;
        }
        for (int i = steps - 1; i >= 0; i--) {
            collect(Row.of(end.minus(slide.multipliedBy(i))));
        }
    }
}
