package p402.local.door;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import p402.jobs.events.Envelope;
import p402.jobs.parse.EventParser;

/**
 * A {@code p402.revenue.v1} event the door makes from a webhook. Its {@code event_id} is derived
 * from the sender's own ids (a Stripe invoice line, a refund), never from the delivery, so every
 * redelivery and every second event about the same money ({@code invoice.paid} and {@code
 * invoice.payment_succeeded}) makes the same event, and the job counts it once.
 */
record RevenueDraft(
        String tenantId,
        String eventId,
        String customerId,
        String featureId,
        Instant occurredAt,
        BigDecimal amountUsd,
        Instant serviceStart,
        Instant serviceEnd,
        String kind,
        String source) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The contract JSON: money as a plain decimal string, so it is read back exactly. */
    byte[] toJson() {
        ObjectNode e = JSON.createObjectNode();
        e.put("schema", EventParser.REVENUE_SCHEMA);
        e.put("event_id", eventId);
        e.put("tenant_id", tenantId);
        e.put("customer_id", customerId);
        if (featureId != null && !featureId.isEmpty()) {
            e.put("feature_id", featureId);
        }
        e.put("occurred_at", occurredAt.toString());
        e.put("amount_usd", amountUsd.toPlainString());
        if (serviceStart != null && serviceEnd != null && serviceEnd.isAfter(serviceStart)) {
            ObjectNode period = e.putObject("service_period");
            period.put("start", serviceStart.toString());
            period.put("end", serviceEnd.toString());
        }
        if (kind != null) {
            e.put("kind", kind);
        }
        e.put("source", source);
        try {
            return JSON.writeValueAsBytes(e);
        } catch (Exception ex) {
            throw new IllegalStateException("an ObjectNode always serialises", ex);
        }
    }

    /**
     * Judges the event with the job's own parser: the reason it would be dead-lettered, or null
     * when the job will take it.
     */
    String problem(EventParser parser) {
        Envelope parsed = parser.parse(toJson(), -1, -1, System.currentTimeMillis());
        return parsed.kind == Envelope.Kind.DEAD ? parsed.dead.reason : null;
    }

    ProducerRecord<byte[], byte[]> toRecord(String topic) {
        // The key the contract recommends for revenue: tenant_id/customer_id.
        byte[] key = (tenantId + "/" + customerId).getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, key, toJson());
    }
}
