package p402.udfs.cost;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only data sets beside the repository ({@code ../shared/data}). Tests that use them are
 * skipped, not failed, where that directory is absent; {@code -Dp402.shared.data=DIR} points
 * elsewhere.
 */
final class SharedData {

    private SharedData() {}

    static Path file(String relative) {
        Path file = root().resolve(relative);
        assumeTrue(Files.isRegularFile(file), "shared data not present: " + file);
        return file;
    }

    private static Path root() {
        String configured = System.getProperty("p402.shared.data");
        if (configured != null) {
            return Path.of(configured);
        }
        // Maven runs tests in the module directory, udfs/, two levels below ../shared.
        Path fromModule = Path.of("..", "..", "shared", "data").toAbsolutePath().normalize();
        return Files.isDirectory(fromModule)
                ? fromModule
                : Path.of("..", "shared", "data").toAbsolutePath().normalize();
    }
}
