package p402.local.feed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p402.jobs.config.WindowSpec;
import p402.local.JdbcTarget;

/**
 * The cost basis for usage-based-pricing tools: per tenant, customer and period (an hour, a UTC
 * day), the cost and call counts, published to a Kafka topic as CloudEvents 1.0 JSON (structured
 * mode) once the period is final (docs/ingest.md).
 *
 * <p>It reads {@code margin_window} rather than being an operator of the job: the hour and the day
 * are already there, as the {@code 1h} and {@code 24h} windows that start on an hour or a midnight,
 * summed over features and workflows, and {@code is_final} says when they are complete. Built
 * outside the job, the feed needs no new state, no change to the job's uids and no savepoint
 * migration, and it can be switched on, off or re-run against any database.
 *
 * <p>A period is published once: after Kafka acknowledged it, it is recorded in {@code
 * cost_basis_period}. A crash between the two publishes it again with the same id, which a consumer
 * that deduplicates by id (OpenMeter, Lago) counts once. <b>Limitation</b>: a late call that
 * restates a window after its period was published is not published again; the period's row in
 * {@code cost_basis_period} keeps what was sent, so the drift is visible by a join.
 */
public final class CostBasisFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CostBasisFeed.class);

    public static final String DEFAULT_TOPIC = "p402.cost-basis";
    public static final String EVENT_TYPE = "io.p402.cost_basis.v1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    /** One granularity and the window spec whose aligned windows are its periods. */
    record Granularity(String name, WindowSpec spec, long lengthMillis) {}

    /** A final period, as summed from margin_window. */
    public record Period(
            String tenantId,
            String customerId,
            String granularity,
            Instant start,
            Instant end,
            long calls,
            long errorCalls,
            long unpricedCalls,
            long inputTokens,
            long cachedInputTokens,
            long outputTokens,
            long reasoningTokens,
            String costUsd) {}

    private final JdbcTarget db;
    private final String topic;
    private final List<Granularity> granularities = new ArrayList<>();
    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * @param windows the job's window specs: the first of size 1 h and the first of size 24 h whose
     *     slide divides the period are used; without one, that granularity is off
     */
    public CostBasisFeed(
            JdbcTarget db, String bootstrapServers, String topic, List<WindowSpec> windows) {
        this.db = db;
        this.topic = topic;
        for (String name : List.of("hour", "day")) {
            long length = name.equals("hour") ? HOUR : DAY;
            windows.stream()
                    .filter(w -> w.sizeMillis == length && length % w.slideMillis == 0)
                    .findFirst()
                    .ifPresentOrElse(
                            w -> granularities.add(new Granularity(name, w, length)),
                            () ->
                                    LOG.warn(
                                            "No window spec of size {} ms: no {} cost basis",
                                            length,
                                            name));
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
    }

    /** Publishes every final period not yet published; returns how many. */
    public int publishFinalPeriods() throws SQLException {
        int published = 0;
        for (Granularity g : granularities) {
            for (Period p : pending(g)) {
                publish(p);
                published++;
            }
        }
        if (published > 0) {
            LOG.info("Published {} cost-basis period(s) to {}", published, topic);
        }
        return published;
    }

    /** The final periods of one granularity that have calls and were not published yet. */
    List<Period> pending(Granularity g) throws SQLException {
        String sql =
                "SELECT w.tenant_id, w.customer_id, w.window_start, w.window_end,"
                        + " sum(w.calls), sum(w.error_calls), sum(w.unpriced_calls),"
                        + " sum(w.input_tokens), sum(w.cached_input_tokens),"
                        + " sum(w.output_tokens), sum(w.reasoning_tokens), sum(w.cost_usd)::text"
                        + " FROM "
                        + db.table("margin_window")
                        + " w WHERE w.window_spec = ?"
                        + " AND (extract(epoch FROM w.window_start) * 1000)::bigint % ? = 0"
                        + " AND NOT EXISTS (SELECT 1 FROM "
                        + db.table("cost_basis_period")
                        + " p WHERE p.tenant_id = w.tenant_id AND p.customer_id = w.customer_id"
                        + " AND p.granularity = ? AND p.period_start = w.window_start)"
                        + " GROUP BY w.tenant_id, w.customer_id, w.window_start, w.window_end"
                        + " HAVING bool_and(w.is_final) AND sum(w.calls) > 0"
                        + " ORDER BY w.window_start, w.tenant_id, w.customer_id";
        List<Period> periods = new ArrayList<>();
        try (Connection c = db.connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, g.spec().name);
            st.setLong(2, g.lengthMillis());
            st.setString(3, g.name());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    periods.add(
                            new Period(
                                    rs.getString(1),
                                    rs.getString(2),
                                    g.name(),
                                    rs.getTimestamp(3).toInstant(),
                                    rs.getTimestamp(4).toInstant(),
                                    rs.getLong(5),
                                    rs.getLong(6),
                                    rs.getLong(7),
                                    rs.getLong(8),
                                    rs.getLong(9),
                                    rs.getLong(10),
                                    rs.getLong(11),
                                    rs.getString(12)));
                }
            }
        }
        return periods;
    }

    private void publish(Period p) throws SQLException {
        String id = eventId(p.tenantId(), p.customerId(), p.granularity(), p.start());
        byte[] key = (p.tenantId() + "/" + p.customerId()).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, cloudEvent(id, p));
        record.headers()
                .add(
                        "content-type",
                        "application/cloudevents+json; charset=UTF-8"
                                .getBytes(StandardCharsets.UTF_8));
        Future<RecordMetadata> ack = producer.send(record);
        try {
            ack.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge cost basis " + id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing cost basis", e);
        }

        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + db.table("cost_basis_period")
                                        + " (tenant_id, customer_id, granularity, period_start,"
                                        + " period_end, event_id, calls, unpriced_calls, cost_usd)"
                                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::numeric)"
                                        + " ON CONFLICT DO NOTHING")) {
            st.setString(1, p.tenantId());
            st.setString(2, p.customerId());
            st.setString(3, p.granularity());
            st.setTimestamp(4, Timestamp.from(p.start()));
            st.setTimestamp(5, Timestamp.from(p.end()));
            st.setString(6, id);
            st.setLong(7, p.calls());
            st.setLong(8, p.unpricedCalls());
            st.setString(9, p.costUsd());
            st.executeUpdate();
        }
    }

    /**
     * The CloudEvent's id: a hash of what identifies the period, never of what it says, so the same
     * period always has the same id.
     */
    public static String eventId(
            String tenantId, String customerId, String granularity, Instant start) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // NUL separates the parts: no id can contain it, so no two periods hash alike.
            String identity =
                    String.join("\0", "p402.cost-basis.v1", tenantId, customerId, granularity)
                            + "\0"
                            + start;
            return HexFormat.of()
                    .formatHex(sha.digest(identity.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static byte[] cloudEvent(String id, Period p) {
        ObjectNode e = JSON.createObjectNode();
        e.put("specversion", "1.0");
        e.put("id", id);
        e.put("source", "/p402/tenants/" + p.tenantId());
        e.put("type", EVENT_TYPE);
        e.put("subject", p.customerId());
        e.put("time", p.end().toString());
        e.put("datacontenttype", "application/json");
        ObjectNode d = e.putObject("data");
        d.put("tenant_id", p.tenantId());
        d.put("customer_id", p.customerId());
        d.put("granularity", p.granularity());
        d.put("period_start", p.start().toString());
        d.put("period_end", p.end().toString());
        d.put("calls", p.calls());
        d.put("error_calls", p.errorCalls());
        d.put("unpriced_calls", p.unpricedCalls());
        d.put("input_tokens", p.inputTokens());
        d.put("cached_input_tokens", p.cachedInputTokens());
        d.put("output_tokens", p.outputTokens());
        d.put("reasoning_tokens", p.reasoningTokens());
        // A string: the exact sum from Postgres, never a binary float.
        d.put("cost_usd", p.costUsd());
        try {
            return JSON.writeValueAsBytes(e);
        } catch (Exception ex) {
            throw new IllegalStateException("an ObjectNode always serialises", ex);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
