package p402.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    @Test
    void aRecordRoundTripsThroughANewTopic() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (kafka) {
            kafka.createTopics(2, "round-trip");
            kafka.createTopics(2, "round-trip"); // an existing topic is left alone

            try (KafkaProducer<String, String> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>("round-trip", "t1/e1", "{\"a\":1}")).get();
            }

            List<ConsumerRecord<String, String>> records = readAll(kafka, "round-trip", 1);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).key()).isEqualTo("t1/e1");
            assertThat(records.get(0).value()).isEqualTo("{\"a\":1}");
            assertThat(kafka.recordCount("round-trip")).isEqualTo(1);
            try (var admin = kafka.admin()) {
                assertThat(
                                admin.describeTopics(List.of("round-trip"))
                                        .allTopicNames()
                                        .get()
                                        .get("round-trip")
                                        .partitions())
                        .hasSize(2);
            }
        }

        assertThat(kafka.logDir()).doesNotExist();
        kafka.close(); // closing twice is harmless
    }

    static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(p);
    }

    /** Reads {@code topic} from the beginning until {@code expected} records have arrived. */
    static List<ConsumerRecord<String, String>> readAll(
            EmbeddedKafka kafka, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything beyond the expected count would show up here.
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
