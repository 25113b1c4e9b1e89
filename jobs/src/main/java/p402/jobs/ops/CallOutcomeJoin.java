package p402.jobs.ops;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import p402.jobs.events.CallEvent;
import p402.jobs.events.MarginInput;
import p402.jobs.events.Measures;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.sink.CallLedgerRow;
import p402.jobs.sink.DuplicateDelivery;
import p402.jobs.sink.OutcomeLedgerRow;

/**
 * Joins calls with their outcomes, in either arrival order, keyed by {@code tenant \0 call event
 * id}. It also deduplicates calls: the key is the call's own (tenant, event_id).
 *
 * <p>It emits a call's contribution to the margin once, and for each outcome that changes what the
 * windows count a correction (the old status out, the new one in) stamped with the call's event
 * time, so the call's windows restate themselves without the call being sent again. The latest
 * outcome by occurred_at wins, a tie going to the later arrival. An outcome judged more than the
 * horizon after its call is late: it updates the ledger only.
 *
 * <p>State and its end:
 *
 * <ul>
 *   <li>{@code ledger}: the call and its outcome, from the call's arrival until {@code
 *       max(occurred_at, watermark) + max(outcome horizon, dedup horizon)}, cleared by an
 *       event-time timer (duplicates of the call are recognised for as long);
 *   <li>{@code outcome}: the winning outcome, with the call; an outcome whose call has not come is
 *       kept until {@code max(occurred_at, watermark) + outcome horizon} and then reported as an
 *       orphan.
 * </ul>
 *
 * A processing-time TTL is a backstop only: event-time timers do the cleaning, and because idle
 * inputs are excluded from the watermark a silent outcome topic does not hold them back.
 */
public final class CallOutcomeJoin
        extends KeyedCoProcessFunction<String, CallEvent, OutcomeEvent, MarginInput> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<CallLedgerRow> LEDGER =
            new OutputTag<>("call-ledger", TypeInformation.of(CallLedgerRow.class));
    public static final OutputTag<OutcomeLedgerRow> OUTCOMES =
            new OutputTag<>("outcome-ledger", TypeInformation.of(OutcomeLedgerRow.class));

    private final String callsTopic;
    private final long outcomeHorizon;
    private final long callLife;
    private final OutputTag<DuplicateDelivery> duplicates;
    private final Lateness lateness;

    private transient ValueState<CallLedgerRow> ledger;
    private transient ValueState<OutcomeEvent> outcome;
    private transient Counter orphanOutcomes;
    private transient Counter lateOutcomes;

    /** Never flags a call late: for use without window specs, as in tests. */
    public CallOutcomeJoin(
            String callsTopic,
            Duration outcomeHorizon,
            Duration dedupHorizon,
            OutputTag<DuplicateDelivery> duplicates) {
        this(
                callsTopic,
                outcomeHorizon,
                dedupHorizon,
                new Lateness(List.of(), outcomeHorizon.toMillis()),
                duplicates);
    }

    public CallOutcomeJoin(
            String callsTopic,
            Duration outcomeHorizon,
            Duration dedupHorizon,
            Lateness lateness,
            OutputTag<DuplicateDelivery> duplicates) {
        this.lateness = lateness;
        this.callsTopic = callsTopic;
        this.outcomeHorizon = outcomeHorizon.toMillis();
        this.callLife = Math.max(outcomeHorizon.toMillis(), dedupHorizon.toMillis());
        this.duplicates = duplicates;
    }

    @Override
    public void open(OpenContext ctx) {
        StateTtlConfig backstop = Backstop.after(Duration.ofMillis(2 * callLife + outcomeHorizon));
        ValueStateDescriptor<CallLedgerRow> l =
                new ValueStateDescriptor<>("call", TypeInformation.of(CallLedgerRow.class));
        l.enableTimeToLive(backstop);
        ValueStateDescriptor<OutcomeEvent> o =
                new ValueStateDescriptor<>("outcome", TypeInformation.of(OutcomeEvent.class));
        o.enableTimeToLive(backstop);
        ledger = getRuntimeContext().getState(l);
        outcome = getRuntimeContext().getState(o);
        orphanOutcomes = getRuntimeContext().getMetricGroup().counter("orphanOutcomes");
        lateOutcomes = getRuntimeContext().getMetricGroup().counter("lateOutcomes");
    }

    @Override
    public void processElement1(CallEvent call, Context ctx, Collector<MarginInput> out)
            throws Exception {
        if (ledger.value() != null) {
            ctx.output(
                    duplicates,
                    DuplicateDelivery.of(
                            callsTopic,
                            call.partition,
                            call.offset,
                            call.tenantId,
                            call.eventId,
                            call.occurredAt));
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        CallLedgerRow row = new CallLedgerRow();
        row.call = call;
        row.late = lateness.tooLateForSomeSpec(call.occurredAt, watermark);
        row.expiresAt = Math.max(call.occurredAt, watermark) + callLife;

        OutcomeEvent o = outcome.value();
        if (o != null) {
            applyToLedger(row, o);
        }
        ledger.update(row);
        ctx.timerService().registerEventTimeTimer(row.expiresAt);

        Measures delta = new Measures();
        delta.calls = 1;
        delta.errorCalls = call.isError() ? 1 : 0;
        delta.inputTokens = call.inputTokens();
        delta.cachedInputTokens = call.cacheRead;
        delta.outputTokens = call.outputTokens();
        delta.reasoningTokens = call.reasoning;
        if (call.costUsd == null) {
            delta.unpricedCalls = 1;
        } else {
            delta.costUsd = call.costUsd;
        }
        if (call.callRevenueUsd != null) {
            delta.callRevenueUsd = call.callRevenueUsd;
        }
        delta.countOutcome(row.windowStatus, row.windowQuality, 1);
        out.collect(marginInput(call, delta, MarginInput.Type.CALL));

        ctx.output(LEDGER, row);
        if (o != null) {
            ctx.output(OUTCOMES, OutcomeLedgerRow.of(o, row.outcomeLate ? "late" : "applied"));
            if (row.outcomeLate) {
                lateOutcomes.inc();
            }
        }
    }

    @Override
    public void processElement2(OutcomeEvent o, Context ctx, Collector<MarginInput> out)
            throws Exception {
        OutcomeEvent current = outcome.value();
        if (current != null && o.occurredAt < current.occurredAt) {
            ctx.output(OUTCOMES, OutcomeLedgerRow.of(o, "superseded"));
            return;
        }
        outcome.update(o);
        if (current != null) {
            ctx.output(OUTCOMES, OutcomeLedgerRow.of(current, "superseded"));
        }

        CallLedgerRow row = ledger.value();
        if (row == null) {
            long waitUntil =
                    Math.max(o.occurredAt, ctx.timerService().currentWatermark()) + outcomeHorizon;
            ctx.timerService().registerEventTimeTimer(waitUntil);
            ctx.output(OUTCOMES, OutcomeLedgerRow.of(o, "pending"));
            return;
        }

        String oldStatus = row.windowStatus;
        BigDecimal oldQuality = row.windowQuality;
        applyToLedger(row, o);
        ledger.update(row);
        ctx.output(LEDGER, row);
        ctx.output(OUTCOMES, OutcomeLedgerRow.of(o, row.outcomeLate ? "late" : "applied"));
        if (row.outcomeLate) {
            lateOutcomes.inc();
            return;
        }

        Measures delta = new Measures();
        delta.countOutcome(oldStatus, oldQuality, -1);
        delta.countOutcome(row.windowStatus, row.windowQuality, 1);
        out.collect(marginInput(row.call, delta, MarginInput.Type.OUTCOME_CHANGE));
    }

    /** The outcome is the ledger's latest; the windows follow it unless it came too late. */
    private void applyToLedger(CallLedgerRow row, OutcomeEvent o) {
        row.outcomeStatus = o.status;
        row.qualityScore = o.qualityScore;
        row.outcomeOccurredAt = o.occurredAt;
        row.outcomeLate = o.occurredAt > row.call.occurredAt + outcomeHorizon;
        if (!row.outcomeLate) {
            row.windowStatus = o.status;
            row.windowQuality = o.qualityScore;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarginInput> out)
            throws Exception {
        CallLedgerRow row = ledger.value();
        if (row != null) {
            if (timestamp >= row.expiresAt) {
                ledger.clear();
                outcome.clear();
            }
            return;
        }
        OutcomeEvent o = outcome.value();
        // A timer of an outcome this one superseded may fire first: wait for this one's own.
        if (o != null && timestamp >= o.occurredAt + outcomeHorizon) {
            orphanOutcomes.inc();
            ctx.output(OUTCOMES, OutcomeLedgerRow.of(o, "orphan"));
            outcome.clear();
        }
    }

    private static MarginInput marginInput(CallEvent c, Measures delta, MarginInput.Type type) {
        MarginInput m = new MarginInput();
        m.type = type;
        m.tenantId = c.tenantId;
        m.customerId = c.customerId;
        m.featureId = c.featureId;
        m.workflowId = c.workflowId;
        m.eventTime = c.occurredAt;
        m.delta = delta;
        return m;
    }
}
