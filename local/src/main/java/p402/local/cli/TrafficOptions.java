package p402.local.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import p402.local.demo.ReplayTraffic;
import p402.local.demo.TrafficSource;
import picocli.CommandLine.Option;

/** How to build the replayed traffic, shared by {@code demo} and {@code replay}. */
final class TrafficOptions {

    @Option(
            names = "--trace",
            paramLabel = "FILE",
            description =
                    "A trace shaped like the Azure LLM inference trace (TIMESTAMP,ContextTokens,"
                            + "GeneratedTokens). Default: the Azure 2023 code trace in the shared"
                            + " data folder, else built-in distributions.")
    Path trace;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "The shared data folder (default: <repository>/../shared/data).")
    Path data;

    @Option(
            names = "--built-in",
            description = "Use the built-in distributions even when the shared data is there.")
    boolean builtIn;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Replay only the first N requests of the trace (default: all).")
    int limit;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed = ReplayTraffic.DEFAULT_SEED;

    @Option(
            names = "--start",
            paramLabel = "TIME",
            description =
                    "Where the trace's first request is moved to, RFC 3339; gaps are kept"
                            + " (default: ${DEFAULT-VALUE}).")
    Instant start = ReplayTraffic.DEFAULT_START;

    TrafficSource.Loaded load(PrintWriter out) throws IOException {
        TrafficSource.Loaded loaded = TrafficSource.load(trace, data, builtIn, limit, seed, start);
        ReplayTraffic.Replay r = loaded.replay();
        long span = r.traceEndMillis() - r.startMillis();
        out.printf(
                "trace: %s: %,d requests over %s, moved to start at %s%n",
                loaded.traceSource(), loaded.trace().size(), minutes(span), start);
        out.printf(
                "customers: %d across %d tenants, shares from %s; seed %d%n",
                r.customers().size(),
                r.customers().stream().map(ReplayTraffic.Customer::tenantId).distinct().count(),
                loaded.shares().source(),
                seed);
        out.printf(
                "records: %,d (%,d distinct calls, %,d revenue events, %,d outcomes, %,d repeat"
                        + " deliveries, %,d bad records)%n",
                r.expected().published(),
                r.expected().calls().size(),
                r.expected().revenue().size(),
                r.expected().outcomes(),
                r.expected().duplicates(),
                r.expected().deadLetters());
        out.flush();
        return loaded;
    }

    private static String minutes(long millis) {
        return String.format("%.1f min", Duration.ofMillis(millis).toMillis() / 60_000.0);
    }
}
