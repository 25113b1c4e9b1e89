package p402.jobs.parse;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import p402.jobs.events.PriceDocument;

/** Reads the price-update topic; the documents are checked where they are applied. */
public final class PriceDocumentDeserializer
        implements KafkaRecordDeserializationSchema<PriceDocument> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<PriceDocument> out) {
        if (record.value() == null) {
            return; // a compaction tombstone: nothing to apply
        }
        PriceDocument d = new PriceDocument();
        d.id =
                record.key() != null
                        ? new String(record.key(), StandardCharsets.UTF_8)
                        : record.partition() + "/" + record.offset();
        d.json = new String(record.value(), StandardCharsets.UTF_8);
        d.topic = record.topic();
        d.partition = record.partition();
        d.offset = record.offset();
        d.receivedAt = record.timestamp();
        out.collect(d);
    }

    @Override
    public TypeInformation<PriceDocument> getProducedType() {
        return TypeInformation.of(PriceDocument.class);
    }

    /**
     * Price updates are configuration, not events: they hold no event time, and their input must
     * never hold back the watermark of the operator they are broadcast into.
     */
    public static WatermarkStrategy<PriceDocument> watermarks() {
        return WatermarkStrategy.forGenerator(ctx -> new EndOfTime());
    }

    private static final class EndOfTime implements WatermarkGenerator<PriceDocument> {
        @Override
        public void onEvent(PriceDocument event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
