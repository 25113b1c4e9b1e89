package p402.local.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import p402.local.EventKind;
import p402.udfs.cost.CostEngine;
import p402.udfs.cost.CostQuote;
import p402.udfs.cost.UsageVector;

/**
 * Turns a production LLM request trace into contract events: calls bound to customers of a few
 * tenants, the customers' revenue, and the outcomes of the calls, with a small share of bad records
 * and repeat deliveries. Every modelling choice, its reason and its source are in docs/demo.md; the
 * constants below carry the numbers.
 *
 * <p>Deterministic: the same trace, shares, seed and start give the same records, byte for byte.
 */
public final class ReplayTraffic {

    public static final long DEFAULT_SEED = 402;

    /** Where the trace's first request is moved to; the gaps after it are kept. */
    public static final Instant DEFAULT_START = Instant.parse("2026-03-02T09:00:00Z");

    static final String[] TENANTS = {"acme-code", "globex-dev", "initech-ide"};

    /** Seat price of a code assistant's business plan, USD a month (GitHub Copilot Business). */
    static final BigDecimal SEAT_PRICE_USD = new BigDecimal("19.00");

    /**
     * Seats are drawn uniformly from this range, independently of traffic: a seat plan does not
     * know how hard a customer uses the product, which is why margins differ.
     */
    static final int MIN_SEATS = 10;

    static final int MAX_SEATS = 50;

    /** What the public API feature charges per call. */
    static final BigDecimal API_PRICE_PER_CALL_USD = new BigDecimal("0.0120");

    static final double API_SHARE = 0.08;
    static final double HEADER_SHARE = 0.45;
    static final double BODY_SHARE = 0.35;
    static final double GATEWAY_COST_SHARE_OF_HEADER_CALLS = 0.6;

    static final double UNKNOWN_MODEL_SHARE = 0.004;
    static final double MISSING_CUSTOMER_SHARE = 0.01;
    static final double MALFORMED_SHARE = 0.002;
    static final double CALL_REDELIVERY_SHARE = 0.01;
    static final double OUTCOME_REDELIVERY_SHARE = 0.005;

    /** Providers cache prompt prefixes only from this length (OpenAI, Anthropic, Gemini). */
    static final long MIN_CACHEABLE_PROMPT = 1024;

    /** Share of cacheable prompts that hit a cached prefix, and the cached share on a hit. */
    static final double CACHE_HIT_SHARE = 0.6;

    static final double CACHED_SHARE_MIN = 0.30;
    static final double CACHED_SHARE_MAX = 0.95;

    /** Anthropic: share of cacheable prompts without a hit that write their prefix. */
    static final double CACHE_WRITE_SHARE = 0.5;

    /** An unknown model: a fine-tuned snapshot the price book cannot know. */
    static final String UNKNOWN_MODEL = "ft:gpt-4.1-mini-2025-04-14:acme::b7x2qk";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A model as a response names it, and how its usage object looks. */
    enum Model {
        GPT_41_NANO("openai", "gpt-4.1-nano-2025-04-14", false),
        GPT_41_MINI("openai", "gpt-4.1-mini-2025-04-14", false),
        GPT_41("openai", "gpt-4.1-2025-04-14", false),
        GPT_5("openai", "gpt-5-2025-08-07", true),
        O4_MINI("openai", "o4-mini-2025-04-16", true),
        CLAUDE_HAIKU("anthropic", "claude-haiku-4-5-20251001", false),
        CLAUDE_SONNET("anthropic", "claude-sonnet-4-5-20250929", false),
        GEMINI_FLASH_LITE("google", "gemini-2.5-flash-lite", false),
        GEMINI_PRO("google", "gemini-2.5-pro", true),
        DEEPSEEK_CHAT("deepseek", "deepseek-chat", false);

        final String provider;
        final String id;
        final boolean reasons;

        Model(String provider, String id, boolean reasons) {
            this.provider = provider;
            this.id = id;
            this.reasons = reasons;
        }
    }

    /** A product feature: its workflows, the models it routes to and how outcomes go. */
    enum Feature {
        AUTOCOMPLETE(
                "autocomplete",
                new Model[] {
                    Model.GPT_41_MINI,
                    Model.CLAUDE_HAIKU,
                    Model.GEMINI_FLASH_LITE,
                    Model.DEEPSEEK_CHAT,
                    Model.GPT_41_NANO
                },
                new double[] {0.35, 0.25, 0.20, 0.10, 0.10},
                0.85,
                new double[] {0.30, 0.08, 0.62},
                2_000,
                1.0,
                60_000),
        CHAT(
                "chat",
                new Model[] {
                    Model.CLAUDE_SONNET,
                    Model.GPT_5,
                    Model.GEMINI_PRO,
                    Model.O4_MINI,
                    Model.DEEPSEEK_CHAT
                },
                new double[] {0.40, 0.25, 0.15, 0.10, 0.10},
                0.90,
                new double[] {0.55, 0.25, 0.20},
                240_000,
                1.6,
                3 * 3_600_000),
        REVIEW(
                "review",
                new Model[] {Model.CLAUDE_SONNET, Model.GPT_5, Model.GEMINI_PRO},
                new double[] {0.50, 0.30, 0.20},
                0.90,
                new double[] {0.55, 0.25, 0.20},
                240_000,
                1.6,
                3 * 3_600_000),
        API(
                "api",
                new Model[] {Model.CLAUDE_SONNET, Model.GPT_41},
                new double[] {0.5, 0.5},
                0.50,
                new double[] {0.70, 0.10, 0.20},
                240_000,
                1.6,
                3 * 3_600_000);

        final String id;
        final Model[] models;
        final double[] modelShares;
        final double outcomeShare;

        /** Of the outcomes: accepted, edited, rejected. */
        final double[] statusShares;

        final long lagMedianMillis;
        final double lagSigma;
        final long lagCapMillis;

        Feature(
                String id,
                Model[] models,
                double[] modelShares,
                double outcomeShare,
                double[] statusShares,
                long lagMedianMillis,
                double lagSigma,
                long lagCapMillis) {
            this.id = id;
            this.models = models;
            this.modelShares = modelShares;
            this.outcomeShare = outcomeShare;
            this.statusShares = statusShares;
            this.lagMedianMillis = lagMedianMillis;
            this.lagSigma = lagSigma;
            this.lagCapMillis = lagCapMillis;
        }
    }

    /** A paying customer of one tenant. */
    public record Customer(String tenantId, String customerId, double share, int seats) {}

    /** The replay: its records in publish order, and what the generator expects of them. */
    public record Replay(
            List<ReplayedRecord> records,
            ExpectedLedger expected,
            List<Customer> customers,
            long startMillis,
            long traceEndMillis) {}

    private final CostEngine engine = CostEngine.builtIn();
    private final SplittableRandom random;
    private final long start;
    private final double reasonRatio;
    private final List<Customer> customers = new ArrayList<>();
    private final double[] cumulativeShare;

    private final List<ReplayedRecord> records = new ArrayList<>();
    private final ExpectedLedger expected = new ExpectedLedger();

    private ReplayTraffic(CustomerShares shares, long seed, Instant start) {
        this.random = new SplittableRandom(seed);
        this.start = start.toEpochMilli();
        this.reasonRatio = shares.reasonRatio();
        List<CustomerShares.Client> clients = shares.clients();
        cumulativeShare = new double[clients.size()];
        double sum = 0;
        for (int i = 0; i < clients.size(); i++) {
            CustomerShares.Client c = clients.get(i);
            int seats = MIN_SEATS + random.nextInt(MAX_SEATS - MIN_SEATS + 1);
            customers.add(
                    new Customer(
                            TENANTS[i % TENANTS.length],
                            String.format("sg-%03d", Integer.parseInt(c.clientId())),
                            c.share(),
                            seats));
            sum += c.share();
            cumulativeShare[i] = sum;
        }
    }

    /** The replay of {@code trace}, its first request at {@code start}. */
    public static Replay generate(
            List<TraceRequest> trace, CustomerShares shares, long seed, Instant start) {
        ReplayTraffic t = new ReplayTraffic(shares, seed, start);
        return t.build(trace);
    }

    private Replay build(List<TraceRequest> trace) {
        long traceEnd = start + trace.get(trace.size() - 1).offsetNanos() / 1_000_000L;
        revenue(traceEnd);
        for (int i = 0; i < trace.size(); i++) {
            call(i, trace.get(i));
        }
        // Publish order: event time, then the order the generator made them in.
        List<ReplayedRecord> ordered = new ArrayList<>(records);
        ordered.sort(Comparator.comparingLong(ReplayedRecord::publishAtMillis));
        expected.published = ordered.size();
        return new Replay(List.copyOf(ordered), expected, List.copyOf(customers), start, traceEnd);
    }

    // ------------------------------------------------------------------------------- revenue

    private void revenue(long traceEnd) {
        long periodEnd =
                Instant.ofEpochMilli(start)
                        .atZone(ZoneOffset.UTC)
                        .plusMonths(1)
                        .toInstant()
                        .toEpochMilli();
        for (Customer c : customers) {
            BigDecimal amount = SEAT_PRICE_USD.multiply(BigDecimal.valueOf(c.seats()));
            ObjectNode e = revenueEvent("inv-" + c.customerId() + "-" + monthOf(start), c, start);
            e.put("amount_usd", amount.toPlainString());
            ObjectNode period = e.putObject("service_period");
            period.put("start", time(start));
            period.put("end", time(periodEnd));
            e.put("kind", "subscription");
            e.put("source", "stripe");
            publishRevenue(e, c, "", start, amount, start, periodEnd, 1);
        }

        // Mid-period: the third heaviest customer drops five seats and is refunded for the rest
        // of the month (pro rata, as Stripe prorates), a negative amount earned over that rest;
        // Stripe delivers the webhook twice.
        long middle = start + (traceEnd - start) / 2;
        Customer refunded = customers.get(2);
        BigDecimal refund =
                SEAT_PRICE_USD
                        .multiply(BigDecimal.valueOf(5 * (periodEnd - middle)))
                        .divide(BigDecimal.valueOf(periodEnd - start), 2, RoundingMode.HALF_EVEN)
                        .negate();
        ObjectNode r = revenueEvent("re-" + refunded.customerId() + "-1", refunded, middle);
        r.put("amount_usd", refund.toPlainString());
        ObjectNode refundPeriod = r.putObject("service_period");
        refundPeriod.put("start", time(middle));
        refundPeriod.put("end", time(periodEnd));
        r.put("kind", "refund");
        r.put("source", "stripe");
        publishRevenue(r, refunded, "", middle, refund, middle, periodEnd, 2);

        // A service credit after an outage, spread over the rest of the month.
        long creditAt = start + (traceEnd - start) * 3 / 4;
        Customer credited = customers.get(5);
        BigDecimal credit = new BigDecimal("-40.00");
        ObjectNode cr = revenueEvent("cn-" + credited.customerId() + "-1", credited, creditAt);
        cr.put("amount_usd", credit.toPlainString());
        ObjectNode period = cr.putObject("service_period");
        period.put("start", time(creditAt));
        period.put("end", time(periodEnd));
        cr.put("kind", "credit");
        cr.put("source", "billing");
        publishRevenue(cr, credited, "", creditAt, credit, creditAt, periodEnd, 1);

        // A bad record: an invoice whose customer the billing export lost.
        long lostAt = start + (traceEnd - start) / 3;
        ObjectNode lost = revenueEvent("inv-unknown-1", customers.get(0), lostAt);
        lost.remove("customer_id");
        lost.put("amount_usd", "19.00");
        lost.put("kind", "one_time");
        add(EventKind.REVENUE, write(lost), lostAt, Long.MIN_VALUE, -1);
        expected.deadLetters++;
    }

    private ObjectNode revenueEvent(String eventId, Customer c, long at) {
        ObjectNode e = JSON.createObjectNode();
        e.put("schema", "p402.revenue.v1");
        e.put("event_id", eventId);
        e.put("tenant_id", c.tenantId());
        e.put("customer_id", c.customerId());
        e.put("occurred_at", time(at));
        return e;
    }

    private void publishRevenue(
            ObjectNode e,
            Customer c,
            String feature,
            long at,
            BigDecimal amount,
            long serviceStart,
            long serviceEnd,
            int deliveries) {
        String line = write(e);
        add(EventKind.REVENUE, line, at, at, -1);
        expected.sawEventTime(at);
        expected.revenue.add(
                new ExpectedLedger.Revenue(
                        c.tenantId(),
                        c.customerId(),
                        feature,
                        at,
                        amount,
                        serviceStart,
                        serviceEnd));
        for (int i = 1; i < deliveries; i++) {
            add(EventKind.REVENUE, line, at + 30_000L * i, at, -1);
            expected.duplicates++;
        }
    }

    // ------------------------------------------------------------------------------- calls

    private void call(int index, TraceRequest request) {
        long at = start + request.offsetNanos() / 1_000_000L;
        Customer customer = customers.get(pick(cumulativeShare, random.nextDouble()));
        String eventId = String.format("call-%06d", index + 1);

        Feature feature = feature(request.generatedTokens());
        String workflow = workflow(feature, request.generatedTokens());
        boolean unknownModel = random.nextDouble() < UNKNOWN_MODEL_SHARE;
        Model model = feature.models[pick(cumulative(feature.modelShares), random.nextDouble())];
        String modelId = unknownModel ? UNKNOWN_MODEL : model.id;
        String provider = unknownModel ? "openai" : model.provider;

        Usage usage = usage(unknownModel ? Model.GPT_41_MINI : model, request);
        CostQuote quote = engine.quote(provider, modelId, usage.vector, null, at);
        if (quote.isPriced() == unknownModel) {
            throw new IllegalStateException(
                    "model "
                            + modelId
                            + " at "
                            + time(at)
                            + ": "
                            + quote
                            + " (expected "
                            + (unknownModel ? "unpriced" : "priced")
                            + ")");
        }

        boolean missingCustomer = random.nextDouble() < MISSING_CUSTOMER_SHARE;
        double form = random.nextDouble();
        String attribution =
                form < HEADER_SHARE
                        ? "header"
                        : form < HEADER_SHARE + BODY_SHARE ? "body" : "meter";
        boolean gatewayCost =
                attribution.equals("header")
                        && quote.isPriced()
                        && random.nextDouble() < GATEWAY_COST_SHARE_OF_HEADER_CALLS;

        ObjectNode e = JSON.createObjectNode();
        e.put("schema", "p402.call.v1");
        e.put("event_id", eventId);
        e.put("tenant_id", customer.tenantId());
        e.put("occurred_at", time(at));
        e.put("provider", provider);
        String customerId = missingCustomer ? null : customer.customerId();
        String workflowId = workflow.isEmpty() ? null : workflow;
        ObjectNode response;
        switch (attribution) {
            case "meter" -> {
                putIds(e, customerId, feature.id, workflowId);
                e.put("model", modelId);
                response = e;
            }
            case "header" -> {
                ObjectNode headers = e.putObject("headers");
                if (customerId != null) {
                    headers.put("x-p402-customer-id", customerId);
                }
                headers.put("x-p402-feature-id", feature.id);
                if (workflowId != null) {
                    headers.put("x-p402-workflow-id", workflowId);
                }
                e.putObject("request").put("model", modelId);
                response = e.putObject("response");
                response.put("model", modelId);
            }
            default -> {
                ObjectNode body = e.putObject("request");
                body.put("model", modelId);
                putIds(body.putObject("p402"), customerId, feature.id, workflowId);
                response = e.putObject("response");
                response.put("model", modelId);
            }
        }
        response.set(usage.field, usage.json);

        BigDecimal cost = quote.costUsd;
        String costSource = quote.isPriced() ? "computed" : "unpriced";
        if (gatewayCost) {
            // Gateways bill to the micro-dollar: their cost drifts from the book's by rounding.
            cost = quote.costUsd.setScale(6, RoundingMode.HALF_UP);
            e.put("cost_usd", cost.toPlainString());
            costSource = "provided";
        }
        BigDecimal callRevenue = null;
        if (feature == Feature.API) {
            callRevenue = API_PRICE_PER_CALL_USD;
            e.put("revenue_usd", callRevenue.toPlainString());
        }

        String line = write(e);
        if (random.nextDouble() < MALFORMED_SHARE) {
            // A producer that died mid-write: the call is lost, its outcome will be an orphan.
            add(EventKind.CALL, line.substring(0, line.length() * 3 / 5), at, Long.MIN_VALUE, -1);
            expected.deadLetters++;
        } else {
            add(EventKind.CALL, line, at, at, expected.calls.size());
            expected.sawEventTime(at);
            expected.calls.add(
                    new ExpectedLedger.Call(
                            customer.tenantId(),
                            missingCustomer ? "__unattributed__" : customer.customerId(),
                            feature.id,
                            workflow,
                            modelId,
                            at,
                            quote.isPriced() ? cost : null,
                            costSource,
                            callRevenue));
            if (random.nextDouble() < CALL_REDELIVERY_SHARE) {
                add(EventKind.CALL, line, at + redeliveryDelay(), at, -1);
                expected.duplicates++;
            }
        }
        outcome(customer.tenantId(), eventId, feature, at);
    }

    private static void putIds(ObjectNode node, String customer, String feature, String workflow) {
        if (customer != null) {
            node.put("customer_id", customer);
        }
        node.put("feature_id", feature);
        if (workflow != null) {
            node.put("workflow_id", workflow);
        }
    }

    private Feature feature(long generatedTokens) {
        if (random.nextDouble() < API_SHARE) {
            return Feature.API;
        }
        if (generatedTokens <= 24) {
            return Feature.AUTOCOMPLETE;
        }
        return generatedTokens < 256 ? Feature.CHAT : Feature.REVIEW;
    }

    private String workflow(Feature feature, long generatedTokens) {
        return switch (feature) {
            case AUTOCOMPLETE -> generatedTokens <= 12 ? "inline" : "block";
            case CHAT -> random.nextDouble() < 0.7 ? "ask" : "explain";
            case REVIEW -> "pull-request";
            case API -> "";
        };
    }

    /** A usage object as the provider writes it, and the buckets it means. */
    private record Usage(String field, ObjectNode json, UsageVector vector) {}

    private Usage usage(Model model, TraceRequest request) {
        long prompt = request.contextTokens();
        long visible = request.generatedTokens();
        long reasoning = model.reasons ? Math.round(visible * reasonRatio / (1 - reasonRatio)) : 0;

        long cached = 0;
        long written = 0;
        if (prompt >= MIN_CACHEABLE_PROMPT) {
            if (random.nextDouble() < CACHE_HIT_SHARE) {
                double share =
                        CACHED_SHARE_MIN
                                + random.nextDouble() * (CACHED_SHARE_MAX - CACHED_SHARE_MIN);
                cached = (long) Math.floor(prompt * share);
            } else if (model.provider.equals("anthropic")
                    && random.nextDouble() < CACHE_WRITE_SHARE) {
                written = (long) Math.floor(prompt * (0.5 + 0.4 * random.nextDouble()));
            }
        }

        ObjectNode u = JSON.createObjectNode();
        switch (model.provider) {
            case "openai" -> {
                // Cached in 128-token steps, from 1,024 on; both counted inside the totals.
                cached = cached / 128 * 128;
                if (cached < MIN_CACHEABLE_PROMPT) {
                    cached = 0;
                }
                u.put("prompt_tokens", prompt);
                u.put("completion_tokens", visible + reasoning);
                u.put("total_tokens", prompt + visible + reasoning);
                u.putObject("prompt_tokens_details").put("cached_tokens", cached);
                u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
                return new Usage(
                        "usage",
                        u,
                        new UsageVector(prompt - cached, cached, 0, 0, visible, reasoning, 0));
            }
            case "anthropic" -> {
                // Cache reads and writes are reported beside the uncached input.
                u.put("input_tokens", prompt - cached - written);
                u.put("cache_creation_input_tokens", written);
                u.put("cache_read_input_tokens", cached);
                u.put("output_tokens", visible);
                return new Usage(
                        "usage",
                        u,
                        new UsageVector(
                                prompt - cached - written, cached, written, 0, visible, 0, 0));
            }
            case "google" -> {
                u.put("promptTokenCount", prompt);
                u.put("cachedContentTokenCount", cached);
                u.put("candidatesTokenCount", visible);
                if (reasoning > 0) {
                    u.put("thoughtsTokenCount", reasoning);
                }
                u.put("totalTokenCount", prompt + visible + reasoning);
                return new Usage(
                        "usageMetadata",
                        u,
                        new UsageVector(prompt - cached, cached, 0, 0, visible, reasoning, 0));
            }
            case "deepseek" -> {
                // DeepSeek's cache works in 64-token units and reports hit and miss.
                cached = cached / 64 * 64;
                u.put("prompt_tokens", prompt);
                u.put("completion_tokens", visible);
                u.put("total_tokens", prompt + visible);
                u.putObject("prompt_tokens_details").put("cached_tokens", cached);
                u.put("prompt_cache_hit_tokens", cached);
                u.put("prompt_cache_miss_tokens", prompt - cached);
                return new Usage(
                        "usage", u, new UsageVector(prompt - cached, cached, 0, 0, visible, 0, 0));
            }
            default -> throw new IllegalStateException("no usage shape for " + model.provider);
        }
    }

    // ------------------------------------------------------------------------------- outcomes

    private void outcome(String tenant, String callId, Feature feature, long callAt) {
        if (random.nextDouble() >= feature.outcomeShare) {
            return;
        }
        int s = pick(cumulative(feature.statusShares), random.nextDouble());
        String status = new String[] {"accepted", "edited", "rejected"}[s];
        double[] range = {0.70, 1.00, 0.40, 0.80, 0.00, 0.40};
        BigDecimal quality =
                BigDecimal.valueOf(
                                range[2 * s]
                                        + random.nextDouble() * (range[2 * s + 1] - range[2 * s]))
                        .setScale(2, RoundingMode.HALF_EVEN);
        long lag =
                Math.min(
                        feature.lagCapMillis,
                        Math.round(
                                feature.lagMedianMillis * Math.exp(feature.lagSigma * gaussian())));
        long at = callAt + Math.max(1, lag);

        ObjectNode o = JSON.createObjectNode();
        o.put("schema", "p402.outcome.v1");
        o.put("event_id", "out-" + callId);
        o.put("tenant_id", tenant);
        o.put("call_event_id", callId);
        o.put("occurred_at", time(at));
        o.put("status", status);
        o.put("quality_score", quality);
        String line = write(o);
        if (random.nextDouble() < MALFORMED_SHARE / 2) {
            add(EventKind.OUTCOME, line.substring(0, line.length() / 2), at, Long.MIN_VALUE, -1);
            expected.deadLetters++;
            return;
        }
        add(EventKind.OUTCOME, line, at, at, -1);
        expected.sawEventTime(at);
        expected.outcomes++;
        if (random.nextDouble() < OUTCOME_REDELIVERY_SHARE) {
            add(EventKind.OUTCOME, line, at + redeliveryDelay(), at, -1);
            expected.duplicates++;
        }
    }

    // ------------------------------------------------------------------------------- helpers

    /** A redelivery comes 0.5 to 20 seconds after the first (a producer retry, a rebalance). */
    private long redeliveryDelay() {
        return 500 + (long) (random.nextDouble() * 19_500);
    }

    private double gaussian() {
        // Box-Muller from two uniform draws: deterministic across JVMs, unlike nextGaussian's
        // unspecified algorithm.
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private void add(EventKind kind, String json, long publishAt, long eventTime, int callIndex) {
        records.add(new ReplayedRecord(kind, json, publishAt, eventTime, callIndex));
    }

    private static double[] cumulative(double[] shares) {
        double[] c = new double[shares.length];
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            sum += shares[i];
            c[i] = sum;
        }
        return c;
    }

    /** The first index whose cumulative share exceeds {@code u} (the last one at worst). */
    private static int pick(double[] cumulative, double u) {
        double scaled = u * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (scaled < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    static String time(long millis) {
        return TIME.format(Instant.ofEpochMilli(millis));
    }

    private static String monthOf(long millis) {
        return DateTimeFormatter.ofPattern("yyyyMM")
                .withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(millis));
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
