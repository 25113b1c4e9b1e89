package p402.local.door;

import java.util.ArrayList;
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

/**
 * The door's one Kafka producer, shared by every request: idempotent, {@code acks=all}, so a record
 * the broker acknowledged is on every in-sync replica and a retried send is never written twice.
 * {@link #publishAll} returns only once every record of a request is acknowledged.
 */
public final class TopicWriter implements AutoCloseable {

    /** How long a request waits for its acknowledgements before it is answered 503. */
    static final long ACK_TIMEOUT_MS = 30_000;

    /** Kafka did not acknowledge every record; some may still have been written. */
    public static final class Unacknowledged extends Exception {
        private static final long serialVersionUID = 1L;

        Unacknowledged(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;

    public TopicWriter(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT_MS);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // An event may be up to the parser's 1 MiB; the record around it needs a little more.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
    }

    public void publishAll(List<ProducerRecord<byte[], byte[]>> records) throws Unacknowledged {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try {
            for (ProducerRecord<byte[], byte[]> r : records) {
                acks.add(producer.send(r));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS);
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new Unacknowledged("Kafka refused a record: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new Unacknowledged("Kafka did not acknowledge within " + ACK_TIMEOUT_MS, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unacknowledged("interrupted while waiting for Kafka", e);
        } catch (RuntimeException e) {
            throw new Unacknowledged("could not send to Kafka: " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
