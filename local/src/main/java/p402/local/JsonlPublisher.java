package p402.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes JSON Lines to Kafka, one record per non-blank line. The value is the line's bytes
 * exactly as read (without its line ending), even when they are not valid JSON: a malformed event
 * has to reach the job to be dead-lettered there. The key is {@link EventKind#keyOf}.
 *
 * <p>The producer is idempotent with {@code acks=all}: a retried send is never written twice. Each
 * {@code publish} returns only after every record is acknowledged.
 */
public final class JsonlPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public JsonlPublisher(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
    }

    /**
     * Publishes every non-blank line of {@code file} to {@code topic}.
     *
     * @return how many records were written
     */
    public long publish(String topic, EventKind kind, Path file) throws IOException {
        long sent = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    sent += sendLine(topic, kind, line);
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            sent += sendLine(topic, kind, line);
        }
        flush();
        return sent;
    }

    /** Publishes every non-blank line (as UTF-8) to {@code topic}; returns how many. */
    public long publish(String topic, EventKind kind, List<String> lines) {
        long sent = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        for (String text : lines) {
            line.reset();
            line.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            sent += sendLine(topic, kind, line);
        }
        flush();
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }

    private int sendLine(String topic, EventKind kind, ByteArrayOutputStream line) {
        byte[] value = withoutCarriageReturn(line.toByteArray());
        if (isBlank(value)) {
            return 0;
        }
        failIfAnySendFailed();
        producer.send(
                new ProducerRecord<>(topic, kind.keyOf(value), value),
                (metadata, e) -> {
                    if (e != null) {
                        firstFailure.compareAndSet(null, e);
                    }
                });
        return 1;
    }

    private void flush() {
        producer.flush();
        failIfAnySendFailed();
    }

    private void failIfAnySendFailed() {
        Exception e = firstFailure.get();
        if (e != null) {
            throw new IllegalStateException("publishing to Kafka failed: " + e.getMessage(), e);
        }
    }

    /** A CRLF file's lines end in CR: it belongs to the line ending, not to the event. */
    private static byte[] withoutCarriageReturn(byte[] line) {
        int n = line.length;
        return n > 0 && line[n - 1] == '\r' ? Arrays.copyOf(line, n - 1) : line;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f') {
                return false;
            }
        }
        return true;
    }
}
