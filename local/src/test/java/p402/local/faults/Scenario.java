package p402.local.faults;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic traffic for fault tests, the same for a given seed: three tenants of 15 customers,
 * calls over three hours with provided, computed and unpriced costs in all three attribution forms,
 * outcomes up to two and a half hours late (some judged twice), subscriptions, refunds and add-ons,
 * repeats of a few records, and a few records that are not events at all.
 */
final class Scenario {

    static final Instant START = Instant.parse("2026-11-20T08:00:00Z");

    final List<String> calls = new ArrayList<>();
    final List<String> outcomes = new ArrayList<>();
    final List<String> revenue = new ArrayList<>();

    Scenario(long seed, int callCount) {
        Random r = new Random(seed);
        String[] features = {"chat", "search", "summarize"};
        String[] workflows = {"", "batch"};
        String[] models = {"gpt-4o-mini", "claude-sonnet-4-5", "no-such-model"};
        for (int i = 0; i < callCount; i++) {
            String tenant = "ft" + r.nextInt(3);
            String customer = "cust" + r.nextInt(15);
            String feature = features[r.nextInt(features.length)];
            String workflow = workflows[r.nextInt(workflows.length)];
            long at =
                    START.toEpochMilli() + (long) i * 3 * 3_600_000L / callCount + r.nextInt(3000);
            String id = "call-" + i;
            StringBuilder e = new StringBuilder();
            e.append("{\"schema\":\"p402.call.v1\",\"event_id\":\"")
                    .append(id)
                    .append("\",\"tenant_id\":\"")
                    .append(tenant)
                    .append("\",\"occurred_at\":\"")
                    .append(Instant.ofEpochMilli(at))
                    .append('"');
            int form = r.nextInt(3);
            if (form == 0) {
                e.append(",\"customer_id\":\"")
                        .append(customer)
                        .append("\",\"feature_id\":\"")
                        .append(feature)
                        .append("\",\"workflow_id\":\"")
                        .append(workflow)
                        .append('"');
            } else if (form == 1) {
                e.append(",\"headers\":{\"X-P402-Customer-Id\":\"")
                        .append(customer)
                        .append("\",\"x-p402-feature-id\":\"")
                        .append(feature)
                        .append("\",\"X-P402-WORKFLOW-ID\":\"")
                        .append(workflow)
                        .append("\"}");
            } else {
                e.append(",\"request\":{\"p402\":{\"customer_id\":\"")
                        .append(customer)
                        .append("\",\"feature_id\":\"")
                        .append(feature)
                        .append("\",\"workflow_id\":\"")
                        .append(workflow)
                        .append("\"}}");
            }
            String model = models[r.nextInt(models.length)];
            boolean anthropic = model.startsWith("claude");
            e.append(",\"provider\":\"").append(anthropic ? "anthropic" : "openai").append('"');
            e.append(",\"model\":\"").append(model).append('"');
            int in = 100 + r.nextInt(4000);
            int out = 20 + r.nextInt(800);
            if (anthropic) {
                e.append(",\"usage\":{\"input_tokens\":")
                        .append(in)
                        .append(",\"cache_read_input_tokens\":")
                        .append(r.nextInt(500))
                        .append(",\"output_tokens\":")
                        .append(out)
                        .append('}');
            } else {
                int cached = r.nextInt(in);
                e.append(",\"usage\":{\"prompt_tokens\":")
                        .append(in)
                        .append(",\"completion_tokens\":")
                        .append(out)
                        .append(",\"total_tokens\":")
                        .append(in + out)
                        .append(",\"prompt_tokens_details\":{\"cached_tokens\":")
                        .append(cached)
                        .append("}}");
            }
            if (r.nextInt(4) == 0) {
                e.append(",\"cost_usd\":\"")
                        .append(BigDecimal.valueOf(1 + r.nextInt(50_000), 6).toPlainString())
                        .append('"');
            }
            if (feature.equals("search") && r.nextBoolean()) {
                e.append(",\"revenue_usd\":\"0.0025\"");
            }
            e.append('}');
            calls.add(e.toString());
            if (r.nextInt(40) == 0) {
                calls.add(e.toString()); // a retried delivery
            }
            if (r.nextInt(300) == 0) {
                calls.add("{\"schema\":\"p402.call.v1\",\"event_id\":\"broken-" + i + "\"");
            }

            if (r.nextInt(10) < 6) {
                String[] statuses = {"accepted", "rejected", "edited", "abandoned"};
                int judgements = r.nextInt(8) == 0 ? 2 : 1;
                for (int j = 0; j < judgements; j++) {
                    long judged = at + 60_000L + r.nextInt(150 * 60_000);
                    outcomes.add(
                            "{\"schema\":\"p402.outcome.v1\",\"event_id\":\"out-"
                                    + i
                                    + "-"
                                    + j
                                    + "\",\"tenant_id\":\""
                                    + tenant
                                    + "\",\"call_event_id\":\""
                                    + id
                                    + "\",\"occurred_at\":\""
                                    + Instant.ofEpochMilli(judged)
                                    + "\",\"status\":\""
                                    + statuses[r.nextInt(4)]
                                    + "\",\"quality_score\":\"0."
                                    + r.nextInt(100)
                                    + "\"}");
                }
            }
        }
        outcomes.sort(
                (a, b) ->
                        a.substring(a.indexOf("occurred_at"))
                                .compareTo(b.substring(b.indexOf("occurred_at"))));

        for (int t = 0; t < 3; t++) {
            for (int c = 0; c < 15; c++) {
                revenue.add(
                        revenue(
                                "sub-" + t + "-" + c,
                                t,
                                c,
                                START,
                                null,
                                BigDecimal.valueOf(1000 + r.nextInt(50_000), 2),
                                null,
                                ",\"service_period\":{\"start\":\""
                                        + START
                                        + "\",\"end\":\""
                                        + START.plusSeconds(30L * 86_400)
                                        + "\"},\"kind\":\"subscription\""));
                if (r.nextInt(4) == 0) {
                    Instant at = START.plusSeconds(r.nextInt(3 * 3600));
                    revenue.add(
                            revenue(
                                    "refund-" + t + "-" + c,
                                    t,
                                    c,
                                    at,
                                    null,
                                    BigDecimal.valueOf(-(100 + r.nextInt(2000)), 2),
                                    null,
                                    ",\"kind\":\"refund\""));
                }
                if (r.nextInt(3) == 0) {
                    Instant at = START.plusSeconds(r.nextInt(3 * 3600));
                    revenue.add(
                            revenue(
                                    "addon-" + t + "-" + c,
                                    t,
                                    c,
                                    at,
                                    "search",
                                    BigDecimal.valueOf(100 + r.nextInt(900), 2),
                                    null,
                                    ",\"kind\":\"one_time\""));
                }
            }
        }
        revenue.add(revenue.get(3)); // a repeat
    }

    private static String revenue(
            String id,
            int t,
            int c,
            Instant at,
            String feature,
            BigDecimal amount,
            String unused,
            String rest) {
        return "{\"schema\":\"p402.revenue.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\"ft"
                + t
                + "\",\"customer_id\":\"cust"
                + c
                + "\",\"occurred_at\":\""
                + at
                + "\",\"amount_usd\":\""
                + amount.toPlainString()
                + "\""
                + (feature == null ? "" : ",\"feature_id\":\"" + feature + "\"")
                + rest
                + "}";
    }
}
