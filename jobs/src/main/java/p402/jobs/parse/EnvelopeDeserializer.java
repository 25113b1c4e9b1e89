package p402.jobs.parse;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import p402.jobs.events.Envelope;

/**
 * Parses inside the source so that event time is known per Kafka partition: the watermark is then
 * generated per partition and an idle partition can be recognised as idle.
 */
public final class EnvelopeDeserializer implements KafkaRecordDeserializationSchema<Envelope> {

    private static final long serialVersionUID = 1L;

    private final EventParser.Topic topic;
    private final String topicName;
    private transient EventParser parser;
    private transient Counter read;
    private transient Counter deadLetters;
    private transient Counter unattributed;
    private transient Counter conflicts;

    public EnvelopeDeserializer(EventParser.Topic topic, String topicName) {
        this.topic = topic;
        this.topicName = topicName;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Envelope> out) {
        if (parser == null) {
            parser = new EventParser(topic, topicName);
        }
        out.collect(
                parser.parse(
                        record.value(), record.partition(), record.offset(), record.timestamp()));
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return TypeInformation.of(Envelope.class);
    }
}
