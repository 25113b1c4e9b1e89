package p402.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EventTimes}: the hand-written UTC fast path must agree with {@link OffsetDateTime#parse}
 * wherever it answers, and hand everything else to it.
 */
class EventTimesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The reference: the JDK's parser, truncated to milliseconds as the event times are. */
    private static long reference(String s) {
        return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toEpochMilli();
    }

    @Test
    void theFastPathAgreesWithTheJdkOnGeneratedTimestamps() {
        Random random = new Random(402);
        long from = EventTimes.EARLIEST;
        long span = EventTimes.LATEST - EventTimes.EARLIEST;
        for (int i = 0; i < 20_000; i++) {
            long nanos =
                    Math.floorMod(random.nextLong(), span) * 1_000_000L + random.nextInt(1_000_000);
            Instant t = Instant.ofEpochSecond(0, 0).plusNanos(from * 1_000_000L + nanos);
            int digits = random.nextInt(10); // 0 to 9 fraction digits
            String s = format(t, digits, random.nextBoolean() ? 'T' : 't');

            long fast = EventTimes.parseUtcFast(s);
            // The same instant computed two other ways: by the JDK's parser, and from the
            // generated instant itself. AssertJ only on a mismatch: it is slow in a hot loop.
            long jdk = reference(s);
            long generated = truncated(t, digits).toEpochMilli();
            if (fast != jdk || fast != generated) {
                assertThat(new long[] {fast, fast}).as(s).containsExactly(jdk, generated);
            }
        }
    }

    private static final DateTimeFormatter UPPER_T =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter LOWER_T =
            DateTimeFormatter.ofPattern("yyyy-MM-dd't'HH:mm:ss");

    /** {@code yyyy-MM-ddTHH:mm:ss[.fff...]Z} with {@code digits} fraction digits. */
    private static String format(Instant t, int digits, char separator) {
        LocalDateTime local = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder((separator == 'T' ? UPPER_T : LOWER_T).format(local));
        if (digits > 0) {
            String nanos = String.format("%09d", local.getNano());
            b.append('.').append(nanos, 0, digits);
        }
        return b.append('Z').toString();
    }

    private static Instant truncated(Instant t, int digits) {
        long unit = (long) Math.pow(10, 9 - digits);
        long nanos = t.getNano() - t.getNano() % unit;
        return t.truncatedTo(ChronoUnit.SECONDS).plusNanos(nanos);
    }

    @Test
    void everyDayOfTheCenturyAgrees() {
        for (OffsetDateTime d = OffsetDateTime.parse("2000-01-01T23:59:59.999Z");
                d.getYear() < 2100;
                d = d.plusDays(1)) {
            String s = DateTimeFormatter.ISO_INSTANT.format(d);
            assertThat(EventTimes.parseUtcFast(s)).as(s).isEqualTo(reference(s));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-12-03T19:00:00+01:00",
                "2026-12-03T13:00:00.5-05:00",
                "2026-12-03T18:00:00.123+00:00",
                "2026-12-03T18:00:00z",
                "2026-12-03T18:00Z"
            })
    void otherShapesGoToTheFullParser(String s) throws BadRecordException {
        assertThat(EventTimes.parseUtcFast(s)).isEqualTo(Long.MIN_VALUE);
        assertThat(EventTimes.parseText(s, "t")).isEqualTo(reference(s));
    }

    @Test
    void anOffsetIsHonoured() throws BadRecordException {
        assertThat(EventTimes.parse(NODES.textNode("2026-12-03T19:00:00+01:00"), "t"))
                .isEqualTo(EventTimes.parse(NODES.textNode("2026-12-03T18:00:00Z"), "t"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-29T00:00:00Z", // not a leap year
                "2100-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z",
                "2026-13-01T00:00:00Z",
                "2026-00-01T00:00:00Z",
                "2026-11-10T24:00:00Z",
                "2026-11-10T10:60:00Z",
                "2026-11-10T10:00:60Z",
                "2026-11-10T10:00:00.1234567890Z",
                "2026-11-10T10:00:00,5Z",
                "2026-11-1OT10:00:00Z",
                "+2026-11-10T10:00:00Z"
            })
    void impossibleTimesAreRefusedByBoth(String s) {
        assertThat(EventTimes.parseUtcFast(s)).as(s).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> EventTimes.parseText(s, "t"))
                .isInstanceOf(BadRecordException.class)
                .hasMessageContaining("is not an RFC 3339 time with an offset");
    }

    @Test
    void leapDaysThatExistAreRead() {
        for (String s : new String[] {"2000-02-29T12:00:00Z", "2024-02-29T00:00:00.001Z"}) {
            assertThat(EventTimes.parseUtcFast(s)).as(s).isEqualTo(reference(s));
        }
    }

    @Test
    void theRangeIsHalfOpen() throws BadRecordException {
        assertThat(EventTimes.parse(NODES.textNode("2000-01-01T00:00:00Z"), "t"))
                .isEqualTo(EventTimes.EARLIEST);
        assertThat(EventTimes.parse(NODES.textNode("2099-12-31T23:59:59.999Z"), "t"))
                .isEqualTo(EventTimes.LATEST - 1);
        assertThatThrownBy(() -> EventTimes.parse(NODES.textNode("2100-01-01T00:00:00Z"), "t"))
                .hasMessageContaining("outside");
        assertThat(EventTimes.LATEST)
                .isEqualTo(Instant.parse("2100-01-01T00:00:00Z").toEpochMilli());
        assertThat(EventTimes.EARLIEST)
                .isEqualTo(Instant.parse("2000-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void epochMillisAsAJsonInteger() throws BadRecordException {
        assertThat(EventTimes.parse(NODES.numberNode(1_794_304_800_000L), "t"))
                .isEqualTo(Instant.parse("2026-11-10T10:00:00Z").toEpochMilli());
        assertThatThrownBy(() -> EventTimes.parse(NODES.numberNode(1.7943048E12), "t"))
                .hasMessageContaining("expected an RFC 3339 string or epoch millis, got number");
    }

    @Test
    void optionalTimes() throws BadRecordException {
        assertThat(EventTimes.parseOptional(null, "t")).isNull();
        assertThat(EventTimes.parseOptional(NODES.nullNode(), "t")).isNull();
        assertThat(EventTimes.parseOptional(NODES.textNode("2026-11-10T10:00:00Z"), "t"))
                .isEqualTo(1_794_304_800_000L);
    }

    @Test
    void longTextIsAbbreviatedInTheReason() {
        String s = "x".repeat(500);
        assertThatThrownBy(() -> EventTimes.parseText(s, "occurred_at"))
                .hasMessage(
                        "occurred_at: '"
                                + "x".repeat(61)
                                + "...' is not an RFC 3339 time with an offset");
    }
}
