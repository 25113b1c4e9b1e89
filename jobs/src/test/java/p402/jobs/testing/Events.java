package p402.jobs.testing;

import java.math.BigDecimal;
import java.time.Instant;
import p402.jobs.events.CallEvent;
import p402.jobs.events.Envelope;
import p402.jobs.events.MarginInput;
import p402.jobs.events.Measures;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.events.RevenueEvent;

/**
 * Small events for operator tests, all on tenant {@value #TENANT} and the day 2026-11-10 (UTC),
 * with times written as {@code HH:mm:ss}.
 */
public final class Events {

    public static final String TENANT = "t1";

    private Events() {}

    /** Epoch millis of {@code hh:mm:ss} (or {@code hh:mm:ss.SSS}) on 2026-11-10 UTC. */
    public static long at(String time) {
        return Instant.parse("2026-11-10T" + time + "Z").toEpochMilli();
    }

    public static CallEvent call(String eventId, String customer, long occurredAt, String cost) {
        CallEvent c = new CallEvent();
        c.tenantId = TENANT;
        c.eventId = eventId;
        c.customerId = customer;
        c.attributionSource = "meter";
        c.occurredAt = occurredAt;
        c.provider = "openai";
        c.model = "gpt-4o";
        c.hasUsage = true;
        c.uncachedInput = 800;
        c.cacheRead = 200;
        c.visibleOutput = 200;
        c.reasoning = 100;
        c.costUsd = cost == null ? null : new BigDecimal(cost);
        c.costSource = cost == null ? "unpriced" : "provided";
        return c;
    }

    public static OutcomeEvent outcome(
            String eventId, String callEventId, long occurredAt, String status, String quality) {
        OutcomeEvent o = new OutcomeEvent();
        o.tenantId = TENANT;
        o.eventId = eventId;
        o.callEventId = callEventId;
        o.occurredAt = occurredAt;
        o.status = status;
        o.qualityScore = quality == null ? null : new BigDecimal(quality);
        return o;
    }

    public static RevenueEvent revenue(
            String eventId, String customer, long occurredAt, String amount) {
        RevenueEvent r = new RevenueEvent();
        r.tenantId = TENANT;
        r.eventId = eventId;
        r.customerId = customer;
        r.occurredAt = occurredAt;
        r.amountUsd = new BigDecimal(amount);
        r.kind = "one_time";
        r.source = "billing";
        return r;
    }

    public static RevenueEvent subscription(
            String eventId, String customer, long start, long end, String amount) {
        RevenueEvent r = revenue(eventId, customer, start, amount);
        r.serviceStart = start;
        r.serviceEnd = end;
        r.kind = "subscription";
        return r;
    }

    /** The margin input of one call on {@code feature/workflow}, as the join emits it. */
    public static MarginInput callInput(
            String customer, String feature, String workflow, long occurredAt, String cost) {
        Measures d = new Measures();
        d.calls = 1;
        d.pending = 1;
        d.costUsd = new BigDecimal(cost);
        return input(MarginInput.Type.CALL, customer, feature, workflow, occurredAt, d);
    }

    /** An outcome correction: the call leaves pending and is counted {@code status}. */
    public static MarginInput outcomeChange(
            String customer, String feature, String workflow, long callTime, String status) {
        Measures d = new Measures();
        d.countOutcome(null, null, -1);
        d.countOutcome(status, null, 1);
        return input(MarginInput.Type.OUTCOME_CHANGE, customer, feature, workflow, callTime, d);
    }

    public static MarginInput revenueInput(RevenueEvent r) {
        MarginInput m = new MarginInput();
        m.type = MarginInput.Type.REVENUE;
        m.tenantId = r.tenantId;
        m.customerId = r.customerId;
        m.featureId = r.featureId;
        m.eventTime = r.occurredAt;
        m.revenue = r;
        return m;
    }

    private static MarginInput input(
            MarginInput.Type type,
            String customer,
            String feature,
            String workflow,
            long eventTime,
            Measures delta) {
        MarginInput m = new MarginInput();
        m.type = type;
        m.tenantId = TENANT;
        m.customerId = customer;
        m.featureId = feature;
        m.workflowId = workflow;
        m.eventTime = eventTime;
        m.delta = delta;
        return m;
    }

    public static Envelope envelope(OutcomeEvent o, int partition, long offset) {
        o.partition = partition;
        o.offset = offset;
        return Envelope.of(o);
    }

    public static Envelope envelope(RevenueEvent r, int partition, long offset) {
        r.partition = partition;
        r.offset = offset;
        return Envelope.of(r);
    }
}
