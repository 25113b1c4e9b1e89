package p402.udfs.sql;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code P402_EVENT_TIME(occurred_at)}: a contract timestamp as {@code TIMESTAMP_LTZ(3)}, read as
 * the job reads it: RFC 3339 with an offset, or epoch milliseconds (a JSON integer, which the JSON
 * format hands to a STRING column as its digits). The Kafka tables declare their watermark on it.
 *
 * <p>A time without an offset, or outside 2000-01-01..2100-01-01, is an error that names the value:
 * the job sends such a record to the dead letter, and SQL has no dead letter, so a query fails
 * rather than guessing a time zone or dropping the row.
 */
public class EventTime extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final long EARLIEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    private static final long LATEST = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(String occurredAt) {
        if (occurredAt == null) {
            return null;
        }
        long millis = millis(occurredAt.trim());
        if (millis < EARLIEST || millis >= LATEST) {
            throw new IllegalArgumentException(
                    "occurred_at " + occurredAt + " is outside 2000-01-01..2100-01-01");
        }
        return Instant.ofEpochMilli(millis);
    }

    /** Epoch milliseconds of a contract timestamp, for Java callers. */
    static long millis(String s) {
        if (!s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9' || ch == '-')) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("occurred_at: not epoch millis: " + s, e);
            }
        }
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurred_at: not RFC 3339 with an offset: " + s, e);
        }
    }
}
