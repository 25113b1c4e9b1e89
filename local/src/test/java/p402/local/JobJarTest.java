package p402.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar holds the job and its connectors, and nothing a cluster must not load: no
 * Kafka broker, no local runner, no test code, no Flink runtime. The reactor packages {@code jobs}
 * before this module's tests run; run alone without it, the test is skipped.
 */
class JobJarTest {

    @Test
    void theJobJarHoldsTheJobAndNoBrokerOrTestCode() throws IOException {
        Path jar = findJobJar();
        assumeTrue(jar != null, "jobs/target has no -job.jar (package jobs first)");

        List<String> names = new ArrayList<>();
        String mainClass;
        try (JarFile j = new JarFile(jar.toFile())) {
            j.stream().forEach(e -> names.add(e.getName()));
            mainClass = j.getManifest().getMainAttributes().getValue("Main-Class");
        }

        assertThat(mainClass).isEqualTo("p402.jobs.MarginJob");
        assertThat(names)
                .contains(
                        "p402/jobs/MarginJob.class",
                        "p402/udfs/cost/CostEngine.class",
                        "p402/prices/builtin.json",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/postgresql/Driver.class");
        assertThat(names)
                // The broker (kafka_2.13) is the kafka/ package; kafka-clients keeps only a version
                // file there.
                .noneMatch(n -> n.startsWith("kafka/") && n.endsWith(".class"))
                .noneMatch(n -> n.startsWith("p402/local/"))
                .noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("org/assertj/"))
                .noneMatch(n -> n.endsWith("Test.class") || n.endsWith("ITCase.class"))
                .noneMatch(n -> n.startsWith("org/apache/flink/runtime/"))
                .noneMatch(n -> n.startsWith("org/apache/logging/log4j/"));
    }

    private static Path findJobJar() throws IOException {
        Path target = Path.of("..", "jobs", "target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElse(null);
        }
    }
}
