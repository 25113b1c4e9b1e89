package p402.local.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import p402.local.EventKind;
import p402.local.demo.ReplayedRecord;
import p402.local.demo.TrafficSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code p402 replay}: writes the demo's traffic as JSON Lines, for {@code p402 run}. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Turns a production trace into contract events and writes them to calls.jsonl,"
                    + " revenue.jsonl and outcomes.jsonl (in publish order), without running"
                    + " anything. Feed them to: p402 run --bounded --calls ... --revenue ..."
                    + " --outcomes ..."
        })
final class ReplayCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin TrafficOptions traffic = new TrafficOptions();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "Folder to write the three files to (created if missing).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        TrafficSource.Loaded loaded = traffic.load(console);
        Files.createDirectories(out);
        Map<EventKind, BufferedWriter> files = new EnumMap<>(EventKind.class);
        try {
            files.put(EventKind.CALL, writer("calls.jsonl"));
            files.put(EventKind.REVENUE, writer("revenue.jsonl"));
            files.put(EventKind.OUTCOME, writer("outcomes.jsonl"));
            for (ReplayedRecord r : loaded.replay().records()) {
                BufferedWriter w = files.get(r.kind());
                w.write(r.json());
                w.newLine();
            }
        } finally {
            for (BufferedWriter w : files.values()) {
                w.close();
            }
        }
        console.printf(
                "wrote %s, %s, %s%n",
                out.resolve("calls.jsonl"),
                out.resolve("revenue.jsonl"),
                out.resolve("outcomes.jsonl"));
        console.printf(
                "expected: cost $%s in %,d priced calls, %,d unpriced%n",
                loaded.replay().expected().costUsd().toPlainString(),
                loaded.replay().expected().calls().size()
                        - loaded.replay().expected().unpricedCalls(),
                loaded.replay().expected().unpricedCalls());
        console.flush();
        return 0;
    }

    private BufferedWriter writer(String name) throws java.io.IOException {
        return Files.newBufferedWriter(out.resolve(name), StandardCharsets.UTF_8);
    }
}
