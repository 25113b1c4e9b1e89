package p402.jobs.sink;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Parameter setters that keep nulls typed and times in UTC. */
final class Bind {

    private Bind() {}

    static void time(PreparedStatement ps, int i, long epochMillis) throws SQLException {
        ps.setObject(
                i, OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    static void time(PreparedStatement ps, int i, Long epochMillis) throws SQLException {
        if (epochMillis == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            time(ps, i, epochMillis.longValue());
        }
    }

    static void money(PreparedStatement ps, int i, BigDecimal v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NUMERIC);
        } else {
            ps.setBigDecimal(i, v);
        }
    }

    /**
     * A sum whose terms can be taken back out (quality scores, when a later outcome replaces an
     * earlier one) in its shortest form: its scale would otherwise remember terms that were added
     * and removed again, so the same value would read {@code 0.90} after one arrival order and
     * {@code 0.9} after another, and a replay would not rewrite the same row.
     */
    static void canonical(PreparedStatement ps, int i, BigDecimal v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NUMERIC);
        } else if (v.signum() == 0) {
            ps.setBigDecimal(i, BigDecimal.ZERO);
        } else {
            BigDecimal shortest = v.stripTrailingZeros();
            ps.setBigDecimal(i, shortest.scale() < 0 ? shortest.setScale(0) : shortest);
        }
    }

    static void text(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }
}
