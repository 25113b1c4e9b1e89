package p402.local.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's report as one self-contained HTML page: the printed report, and four ECharts charts
 * drawn from the same numbers, with ECharts itself inlined (no network needed to open it).
 *
 * <p>Once drawn, each chart's series data is read back from ECharts ({@code getOption()}) into a
 * hidden {@code <pre id="rendered-NAME">} and the body gets {@code data-rendered}, so a headless
 * browser can check that what was drawn is what the report says.
 */
public final class HtmlReport {

    static final String ECHARTS =
            "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.common.min.js";

    /** The page, with @@TEXT@@, @@DATA@@, @@STATUS@@ and @@ECHARTS@@ to fill. */
    private static final String PAGE = "/p402/demo/report.html";

    public static final String[] CHARTS = {"customers", "models", "features", "lag"};

    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlReport() {}

    /** The chart data: what each chart draws, values as decimal text. */
    public static ObjectNode chartData(DemoReport.Report r) {
        ObjectNode data = JSON.createObjectNode();

        ArrayNode customers = data.putArray("customers");
        for (DemoReport.CustomerMargin cm : r.customers()) {
            if (!plotted(cm)) {
                continue;
            }
            customers
                    .addArray()
                    .add(cm.trafficVsMedian().toPlainString())
                    .add(cm.margin().marginPct().toPlainString())
                    .add(cm.tenantId() + "/" + cm.customerId());
        }

        ArrayNode models = data.putArray("models");
        for (DemoReport.Margin m : r.models()) {
            if (m.costPerAcceptedUsd() != null) {
                models.addArray().add(m.name()).add(m.costPerAcceptedUsd().toPlainString());
            }
        }

        ArrayNode features = data.putArray("features");
        for (DemoReport.Margin m : r.features()) {
            features.addArray()
                    .add(m.name())
                    .add(m.marginUsd().setScale(2, RoundingMode.HALF_EVEN).toPlainString());
        }

        ArrayNode lag = data.putArray("lag");
        long start =
                r.lag().isEmpty()
                        ? 0
                        : r.lag().stream()
                                .mapToLong(LiveReplay.LagSample::eventTimeMillis)
                                .min()
                                .getAsLong();
        for (LiveReplay.LagSample s : r.lag()) {
            lag.addArray()
                    .add(
                            BigDecimal.valueOf(s.eventTimeMillis() - start)
                                    .movePointLeft(3)
                                    .toPlainString())
                    .add(BigDecimal.valueOf(s.lagMillis()).movePointLeft(3).toPlainString());
        }
        return data;
    }

    /**
     * Customers on the traffic chart: those with traffic and a margin. Unattributed calls are not a
     * customer (their per-call revenue would plot as one); the report shows them on their own.
     */
    public static boolean plotted(DemoReport.CustomerMargin cm) {
        return cm.trafficVsMedian() != null
                && cm.margin().marginPct() != null
                && !cm.customerId().equals("__unattributed__");
    }

    public static void write(DemoReport.Report r, String printed, Path file) throws IOException {
        String echarts = resource(ECHARTS);
        String data = JSON.writeValueAsString(chartData(r)).replace("</", "<\\/");
        String html =
                resource(PAGE)
                        .replace("@@TEXT@@", escape(printed))
                        .replace("@@DATA@@", data)
                        .replace("@@STATUS@@", r.reconciled() ? "reconciled" : "NOT reconciled")
                        .replace("@@ECHARTS@@", echarts);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    /** A text resource; the page template and ECharts ship in the jar. */
    private static String resource(String name) throws IOException {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("not on the classpath: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
