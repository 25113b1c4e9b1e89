package p402.jobs.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An alert as a record of the alerts topic: key the alert id (so an episode's open and clear land
 * in one partition, in order), value a JSON object with the table's columns. Money and ratios are
 * decimal strings, as on the input topics, so no consumer reads them through a binary float.
 */
public final class AlertJson implements KafkaRecordSerializationSchema<Alert> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;

    public AlertJson(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Alert a, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                a.openedAt,
                a.alertId.getBytes(StandardCharsets.UTF_8),
                toJson(a).getBytes(StandardCharsets.UTF_8));
    }

    public static String toJson(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", "p402.alert.v1");
        o.put("alert_id", a.alertId);
        o.put("tenant_id", a.tenantId);
        o.put("kind", a.kind);
        o.put("subject_type", a.subjectType);
        o.put("subject_id", a.subjectId);
        o.put("scope", a.scope);
        o.put("state", a.state);
        o.put("opened_at", Instant.ofEpochMilli(a.openedAt).toString());
        if (a.clearedAt != Long.MIN_VALUE) {
            o.put("cleared_at", Instant.ofEpochMilli(a.clearedAt).toString());
        }
        if (a.observed != null) {
            o.put("observed", a.observed.toPlainString());
        }
        if (a.threshold != null) {
            o.put("threshold", a.threshold.toPlainString());
        }
        o.put("detail", a.detail);
        return o.toString();
    }
}
