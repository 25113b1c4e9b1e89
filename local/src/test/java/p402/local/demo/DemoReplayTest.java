package p402.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p402.local.LocalPostgres;

/**
 * The demo on a short slice of the trace, through a real broker, a local Flink and the real
 * Postgres: the reconciliation holds exactly, and the HTML report, opened in headless Chromium,
 * draws the numbers the report printed.
 *
 * <p>The slice is the first 300 requests of the Azure code trace when {@code ../shared} is there,
 * else 300 requests of the built-in distributions. Its own database ({@code p402_demo_ci}), which
 * the demo empties.
 */
class DemoReplayTest {

    static final String JDBC_URL =
            System.getProperty(
                    "p402.demo.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/p402_demo_ci");

    @TempDir static Path dir;

    static ReplayTraffic.Replay replay;
    static DemoReport.Report report;
    static String printed;
    static Path html;

    @BeforeAll
    static void runDemoOnASlice() throws Exception {
        TrafficSource.Loaded loaded =
                TrafficSource.load(
                        null,
                        null,
                        false,
                        300,
                        ReplayTraffic.DEFAULT_SEED,
                        ReplayTraffic.DEFAULT_START);
        replay = loaded.replay();
        StringWriter progress = new StringWriter();
        LiveReplay.Outcome run =
                LiveReplay.run(
                        replay,
                        new LiveReplay.Settings(JDBC_URL, "p402", "p402", 2, 0),
                        new PrintWriter(progress));
        try (Connection c = LocalPostgres.connect(JDBC_URL, "p402", "p402")) {
            report = DemoReport.read(c, run.config(), replay, run.lag());
        }
        StringWriter text = new StringWriter();
        DemoReport.print(report, new PrintWriter(text));
        printed = text.toString();
        html = dir.resolve("report.html");
        HtmlReport.write(report, printed, html);
    }

    @Test
    void theSliceHasEveryKindOfRecord() {
        ExpectedLedger e = replay.expected();
        assertThat(e.calls()).hasSizeGreaterThan(250);
        assertThat(e.revenue()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(e.outcomes()).isPositive();
        assertThat(e.duplicates()).isPositive();
        assertThat(e.deadLetters()).isPositive();
        assertThat(e.calls().stream().map(ExpectedLedger.Call::costSource).distinct())
                .contains("computed", "provided");
    }

    @Test
    void postgresReconcilesWithTheInputExactly() {
        assertThat(report.reconciliation())
                .allSatisfy(check -> assertThat(check.ok()).as(check.toString()).isTrue());
        assertThat(printed).contains("RECONCILED").doesNotContain("NOT RECONCILED");
    }

    @Test
    void revenueEarnedIsWorkedOutIndependentlyOfTheJob() {
        // The subscriptions alone, by hand: each earns amount * (frontier - start) / period over
        // the tiles; the refund and the credit start mid-trace. Only bounds here: the exact
        // figure (rounded once per window) is the reconciliation's.
        ExpectedLedger e = replay.expected();
        BigDecimal upper = BigDecimal.ZERO;
        for (ExpectedLedger.Revenue r : e.revenue()) {
            if (r.amountUsd().signum() > 0) {
                long earned = Math.min(r.serviceEnd(), e.frontier()) - r.serviceStart();
                upper =
                        upper.add(
                                r.amountUsd()
                                        .multiply(BigDecimal.valueOf(earned))
                                        .divide(
                                                BigDecimal.valueOf(
                                                        r.serviceEnd() - r.serviceStart()),
                                                12,
                                                java.math.RoundingMode.UP));
            }
        }
        BigDecimal inTiles =
                e.revenueInTilingWindows(report.spec().sizeMillis).subtract(e.callRevenueUsd());
        assertThat(inTiles).isPositive().isLessThanOrEqualTo(upper.add(new BigDecimal("0.000001")));
    }

    @Test
    void theHtmlChartsDrawTheReportedNumbers() throws Exception {
        String dom = dumpDom(html);
        assertThat(dom).contains("data-rendered=\"4\"");
        for (String chart : HtmlReport.CHARTS) {
            assertThat(dom).containsPattern("id=\"chart-" + chart + "\"[^>]*>.*?<canvas");
        }

        JsonNode features = rendered(dom, "features");
        List<String> labels = new ArrayList<>();
        features.get("labels").forEach(l -> labels.add(l.asText()));
        assertThat(labels)
                .containsExactlyElementsOf(
                        report.features().stream().map(DemoReport.Margin::name).toList());
        for (int i = 0; i < labels.size(); i++) {
            BigDecimal drawn = new BigDecimal(features.get("points").get(i).asText());
            // The printed table shows the same margin to the cent.
            BigDecimal printedMargin =
                    report.features()
                            .get(i)
                            .marginUsd()
                            .setScale(2, java.math.RoundingMode.HALF_EVEN);
            assertThat(drawn).isEqualByComparingTo(printedMargin);
            assertThat(printed).contains(DemoReport.usd(printedMargin));
        }

        JsonNode models = rendered(dom, "models");
        List<DemoReport.Margin> priced =
                report.models().stream().filter(m -> m.costPerAcceptedUsd() != null).toList();
        assertThat(models.get("points")).hasSize(priced.size());
        for (int i = 0; i < priced.size(); i++) {
            assertThat(models.get("labels").get(i).asText()).isEqualTo(priced.get(i).name());
            assertThat(new BigDecimal(models.get("points").get(i).asText()))
                    .isEqualByComparingTo(priced.get(i).costPerAcceptedUsd());
        }

        JsonNode customers = rendered(dom, "customers");
        List<DemoReport.CustomerMargin> plotted =
                report.customers().stream().filter(HtmlReport::plotted).toList();
        assertThat(customers.get("points")).hasSize(plotted.size());
        for (int i = 0; i < plotted.size(); i++) {
            JsonNode p = customers.get("points").get(i);
            assertThat(new BigDecimal(p.get(0).asText()))
                    .isEqualByComparingTo(plotted.get(i).trafficVsMedian());
            assertThat(new BigDecimal(p.get(1).asText()))
                    .isEqualByComparingTo(plotted.get(i).margin().marginPct());
        }
        for (DemoReport.CustomerMargin worst : report.worst()) {
            assertThat(printed)
                    .contains(worst.customerId())
                    .contains(worst.margin().marginPct().toPlainString());
        }

        JsonNode lag = rendered(dom, "lag");
        assertThat(lag.get("points")).hasSize(report.lag().size());
        long maxDrawn = 0;
        for (JsonNode p : lag.get("points")) {
            maxDrawn =
                    Math.max(
                            maxDrawn,
                            new BigDecimal(p.get(1).asText()).movePointRight(3).longValueExact());
        }
        long[] lags = LiveReplay.sortedLags(report.lag());
        assertThat(maxDrawn).isEqualTo(lags[lags.length - 1]);
        assertThat(printed).contains(String.format("max %.2f s", maxDrawn / 1000.0));
    }

    private static JsonNode rendered(String dom, String chart) throws Exception {
        Matcher m =
                Pattern.compile(
                                "<pre hidden=\"\" id=\"rendered-" + chart + "\">(.*?)</pre>",
                                Pattern.DOTALL)
                        .matcher(dom);
        assertThat(m.find()).as("rendered-" + chart + " in the DOM").isTrue();
        String json =
                m.group(1)
                        .replace("&quot;", "\"")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&");
        return new ObjectMapper().readTree(json);
    }

    /** The page's DOM after its scripts ran, from headless Chromium. */
    static String dumpDom(Path page) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium).as("headless Chromium (bin/p402-test installs it)").exists();
        Path profile = Files.createTempDirectory(dir, "chromium-");
        Process p =
                new ProcessBuilder(
                                chromium.toString(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--user-data-dir=" + profile,
                                "--virtual-time-budget=5000",
                                "--dump-dom",
                                page.toUri().toString())
                        .redirectError(dir.resolve("chromium.err").toFile())
                        .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
