package p402.local.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and memory as Linux counts them, for this JVM (where the in-process broker and the local
 * Flink run) and for the PostgreSQL server's processes, so a benchmark can report work per core
 * rather than wall time on a shared machine.
 */
final class Resources {

    /** Linux's USER_HZ: /proc reports CPU times in these ticks. */
    private static final double TICKS_PER_SECOND = 100.0;

    private Resources() {}

    /** CPU seconds this JVM has used, all threads. */
    static double jvmCpuSeconds() {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1e9;
    }

    /**
     * CPU seconds used by every process named {@code postgres}: the server, its live backends, and
     * (through the server's children times) the backends that have exited.
     */
    static double postgresCpuSeconds() {
        double ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(stat.indexOf('(') + 1, close);
                    if (!comm.equals("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" ");
                    // After "pid (comm) " comes field 3 (state) as f[0]: utime, stime, cutime and
                    // cstime are fields 14 to 17.
                    for (int i = 11; i <= 14; i++) {
                        ticks += Long.parseLong(f[i]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // The process ended while we looked.
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** Resets this process's peak resident set size, so the next reading covers what follows. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // Older kernels: the peak then covers the whole process life, which the report says.
        }
    }

    /** Peak resident set size of this process in MiB (VmHWM). */
    static long peakRssMib() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Bytes of every file under {@code dir}. */
    static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(
                            f -> {
                                try {
                                    return Files.size(f);
                                } catch (IOException e) {
                                    return 0;
                                }
                            })
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
