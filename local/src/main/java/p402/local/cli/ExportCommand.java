package p402.local.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import p402.local.export.CsvExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code p402 export}: a tenant's ledger or margin rows as CSV. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a tenant's rows as CSV with a header, values exactly as Postgres holds them.",
            "ledger: call_ledger by occurred_at; revenue: revenue_ledger by occurred_at; margin:"
                    + " margin_window by window_start. Streams: the heap holds one fetch."
        })
final class ExportCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    @Option(names = "--tenant", required = true, paramLabel = "T")
    String tenant;

    @Option(names = "--customer", paramLabel = "C", description = "Only this customer.")
    String customer;

    @Option(names = "--feature", paramLabel = "F", description = "Only this feature.")
    String feature;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "TIME",
            description = "RFC 3339, inclusive.")
    String from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "TIME",
            description = "RFC 3339, exclusive.")
    String to;

    @Option(
            names = "--what",
            paramLabel = "ledger|revenue|margin",
            description = "Which rows (default: ${DEFAULT-VALUE}).")
    String what = "ledger";

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "- for stdout.")
    Path out;

    @Override
    public Integer call() throws Exception {
        CsvExport.What table;
        Instant start;
        Instant end;
        try {
            table = CsvExport.What.parse(what);
            start = Instant.parse(from);
            end = Instant.parse(to);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
        }
        long rows;
        if (out.toString().equals("-")) {
            Writer w =
                    new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            rows = CsvExport.write(jdbc.target(), table, tenant, customer, feature, start, end, w);
            w.flush();
        } else {
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                rows =
                        CsvExport.write(
                                jdbc.target(), table, tenant, customer, feature, start, end, w);
            }
            spec.commandLine().getOut().printf("%d rows written to %s%n", rows, out);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
