package p402.local.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Where a replay's traffic comes from: the trace file and ServeGen's client shares under the shared
 * data folder when they are there, else the built-in distributions calibrated from them.
 */
public final class TrafficSource {

    /** The system property {@code bin/p402} sets to the repository root. */
    public static final String HOME_PROPERTY = "p402.home";

    private TrafficSource() {}

    /** What was loaded, and from where. */
    public record Loaded(
            List<TraceRequest> trace,
            String traceSource,
            CustomerShares shares,
            ReplayTraffic.Replay replay) {}

    /**
     * @param trace an explicit trace file, or null for the default one under {@code data}
     * @param data the shared data folder, or null for {@code <repository>/../shared/data}
     * @param builtIn use the built-in distributions even when the data is there
     * @param limit the first {@code limit} requests of the trace (all when {@code <= 0})
     */
    public static Loaded load(
            Path trace, Path data, boolean builtIn, int limit, long seed, Instant start)
            throws IOException {
        Path dataDir = data != null ? data : defaultDataDir();
        List<TraceRequest> requests;
        String traceSource;
        if (trace != null) {
            requests = AzureTrace.read(trace, limit);
            traceSource = trace.toString();
        } else if (!builtIn
                && dataDir != null
                && Files.isReadable(dataDir.resolve(AzureTrace.CODE_TRACE))) {
            Path file = dataDir.resolve(AzureTrace.CODE_TRACE);
            requests = AzureTrace.read(file, limit);
            traceSource = file.normalize().toString();
        } else {
            requests = BuiltinTrace.generate(seed, limit);
            traceSource = "built-in distributions (calibrated on the Azure 2023 code trace)";
        }

        CustomerShares shares;
        if (!builtIn
                && dataDir != null
                && Files.isReadable(dataDir.resolve(CustomerShares.SUMMARY))) {
            shares = CustomerShares.read(dataDir.resolve(CustomerShares.SUMMARY).normalize());
        } else {
            shares = CustomerShares.builtIn();
        }
        return new Loaded(
                requests,
                traceSource,
                shares,
                ReplayTraffic.generate(requests, shares, seed, start));
    }

    /** {@code <repository>/../shared/data}, or null when the repository cannot be found. */
    static Path defaultDataDir() {
        Path home = repositoryRoot();
        return home == null ? null : home.resolve("../shared/data").normalize();
    }

    /** The repository: {@code p402.home}, else the nearest folder up from here with bin/p402. */
    public static Path repositoryRoot() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/p402"))) {
                return p;
            }
        }
        return null;
    }
}
