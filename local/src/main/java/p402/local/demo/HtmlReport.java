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
        String echarts;
        try (InputStream in = HtmlReport.class.getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new IOException("ECharts is not on the classpath: " + ECHARTS);
            }
            echarts = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String data = JSON.writeValueAsString(chartData(r)).replace("</", "<\\/");
        String html =
                PAGE.replace("@@TEXT@@", escape(printed))
                        .replace("@@DATA@@", data)
                        .replace("@@STATUS@@", r.reconciled() ? "reconciled" : "NOT reconciled")
                        .replace("@@ECHARTS@@", echarts);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String PAGE =
            """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>P402 Margin: demo report</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 24px; color: #1d2733; }
              h1 { font-size: 22px; margin: 0 0 4px 0; }
              .sub { color: #5b6b7d; margin-bottom: 18px; }
              .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
              .chart { height: 360px; border: 1px solid #dde3ea; border-radius: 6px; }
              pre.report { font-size: 12px; background: #f6f8fa; padding: 12px; overflow-x: auto; }
            </style>
            </head>
            <body>
            <h1>P402 Margin: replay of a production trace</h1>
            <div class="sub">Input and Postgres: @@STATUS@@. Every number below is read from Postgres after the replay.</div>
            <div class="grid">
              <div class="chart" id="chart-customers"></div>
              <div class="chart" id="chart-models"></div>
              <div class="chart" id="chart-features"></div>
              <div class="chart" id="chart-lag"></div>
            </div>
            <h2>Report</h2>
            <pre class="report">@@TEXT@@</pre>
            <pre hidden id="rendered-customers"></pre>
            <pre hidden id="rendered-models"></pre>
            <pre hidden id="rendered-features"></pre>
            <pre hidden id="rendered-lag"></pre>
            <script>@@ECHARTS@@</script>
            <script>
            const DATA = @@DATA@@;
            const num = (rows, i) => rows.map(r => r.map((v, j) => i.includes(j) ? Number(v) : v));
            const charts = {
              customers: {
                title: { text: 'Margin % by customer against traffic' },
                tooltip: { formatter: p => p.data[2] + '<br>' + p.data[0] + 'x median traffic, margin ' + p.data[1] + ' %' },
                xAxis: { type: 'log', name: 'calls / median customer', nameLocation: 'middle', nameGap: 28 },
                yAxis: { type: 'value', name: 'gross margin %' },
                series: [{ type: 'scatter', symbolSize: 9, progressive: 0, data: num(DATA.customers, [0, 1]),
                           label: { show: true, position: 'right', fontSize: 10,
                                    formatter: p => p.data[1] < 0 ? p.data[2].split('/')[1] : '' },
                           markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }] } }]
              },
              models: {
                title: { text: 'Cost per accepted output by model ($)' },
                tooltip: {},
                grid: { left: 100, bottom: 110 },
                xAxis: { type: 'category', data: DATA.models.map(r => r[0]), axisLabel: { rotate: 40 } },
                yAxis: { type: 'value' },
                series: [{ type: 'bar', progressive: 0, data: DATA.models.map(r => Number(r[1])), itemStyle: { color: '#5470c6' } }]
              },
              features: {
                title: { text: 'Gross margin per feature ($)' },
                tooltip: {},
                grid: { bottom: 60 },
                xAxis: { type: 'category', data: DATA.features.map(r => r[0]), axisLabel: { interval: 0, rotate: 20 } },
                yAxis: { type: 'value' },
                series: [{ type: 'bar', progressive: 0, data: DATA.features.map(r => Number(r[1])),
                           itemStyle: { color: p => p.value < 0 ? '#d9534f' : '#3ba272' } }]
              },
              lag: {
                title: { text: 'Event-to-tile lag over the trace (s)' },
                tooltip: {},
                xAxis: { type: 'value', name: 'trace time (s)', nameLocation: 'middle', nameGap: 28 },
                yAxis: { type: 'value', name: 'lag (s)' },
                series: [{ type: 'scatter', symbolSize: 3, large: false, progressive: 0,
                           data: num(DATA.lag, [0, 1]) }]
              }
            };
            let drawn = 0;
            for (const [name, option] of Object.entries(charts)) {
              const chart = echarts.init(document.getElementById('chart-' + name), null, { renderer: 'canvas' });
              chart.setOption(Object.assign({ animation: false }, option));
              const series = chart.getOption().series[0];
              const points = series.data.map(d => Array.isArray(d) ? d.slice(0, 2) : d);
              const labels = chart.getOption().xAxis[0].data || null;
              document.getElementById('rendered-' + name).textContent =
                  JSON.stringify({ labels: labels, points: points });
              drawn++;
            }
            document.body.setAttribute('data-rendered', String(drawn));
            </script>
            </body>
            </html>
            """;
}
