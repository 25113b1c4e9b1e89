package p402.jobs.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Event timestamps: RFC 3339 with an offset, or epoch milliseconds as a JSON integer.
 *
 * <p>The common form ({@code 2026-12-03T18:00:00.123Z}) is read by hand: {@code
 * OffsetDateTime.parse} costs as much as parsing the whole event. Anything else goes through the
 * full parser. A time without an offset is refused rather than guessed in some zone.
 */
public final class EventTimes {

    /** 2000-01-01T00:00:00Z: nothing this product meters happened before it. */
    public static final long EARLIEST = 946_684_800_000L;

    /** 2100-01-01T00:00:00Z: anything later is a unit mistake, not a plan. */
    public static final long LATEST = 4_102_444_800_000L;

    private EventTimes() {}

    public static long parse(JsonNode node, String field) throws BadRecordException {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new BadRecordException("missing required field " + field);
        }
        long millis;
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new BadRecordException(field + ": epoch millis out of range");
            }
            millis = node.longValue();
        } else if (node.isTextual()) {
            millis = parseText(node.textValue(), field);
        } else {
            throw new BadRecordException(
                    field + ": expected an RFC 3339 string or epoch millis, got " + kind(node));
        }
        if (millis < EARLIEST || millis >= LATEST) {
            throw new BadRecordException(
                    field + ": " + describe(node) + " is outside 2000-01-01..2100-01-01");
        }
        return millis;
    }

    /** Like {@link #parse} but absent or null is allowed and gives null. */
    public static Long parseOptional(JsonNode node, String field) throws BadRecordException {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        return parse(node, field);
    }

    static long parseText(String s, String field) throws BadRecordException {
        long fast = parseUtcFast(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadRecordException(
                    field + ": '" + abbreviate(s) + "' is not an RFC 3339 time with an offset");
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or {@link Long#MIN_VALUE} when the text has any other
     * shape (the caller then uses the full parser, which also produces the error message).
     */
    static long parseUtcFast(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        if (s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return Long.MIN_VALUE;
        }
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return Long.MIN_VALUE;
        }
        if (hour > 23 || minute > 59 || second > 59) {
            return Long.MIN_VALUE;
        }
        int millis = 0;
        int i = 19;
        if (i < n - 1) {
            if (s.charAt(i) != '.' || n - 1 - (i + 1) < 1 || n - 1 - (i + 1) > 9) {
                return Long.MIN_VALUE;
            }
            int scale = 100;
            for (int j = i + 1; j < n - 1; j++) {
                char c = s.charAt(j);
                if (c < '0' || c > '9') {
                    return Long.MIN_VALUE;
                }
                millis += (c - '0') * scale;
                scale /= 10;
            }
        }
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
                return leap ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil algorithm). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase();
    }

    private static String describe(JsonNode node) {
        return node.isTextual() ? "'" + abbreviate(node.textValue()) + "'" : node.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
