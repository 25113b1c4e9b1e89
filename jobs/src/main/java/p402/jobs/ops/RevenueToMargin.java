package p402.jobs.ops;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import p402.jobs.events.Envelope;
import p402.jobs.events.MarginInput;
import p402.jobs.events.RevenueEvent;
import p402.jobs.sink.RevenueLedgerRow;

/** A first-delivered revenue event becomes margin input and a revenue ledger row. */
public final class RevenueToMargin extends ProcessFunction<Envelope, MarginInput> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RevenueLedgerRow> LEDGER =
            new OutputTag<>("revenue-ledger", TypeInformation.of(RevenueLedgerRow.class));

    private final Lateness lateness;

    /** Never flags revenue late: for use without window specs, as in tests. */
    public RevenueToMargin() {
        this(new Lateness(List.of(), 0));
    }

    public RevenueToMargin(Lateness lateness) {
        this.lateness = lateness;
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<MarginInput> out) {
        RevenueEvent r = e.revenue;
        MarginInput m = new MarginInput();
        m.type = MarginInput.Type.REVENUE;
        m.tenantId = r.tenantId;
        m.customerId = r.customerId;
        m.featureId = r.featureId;
        m.eventTime = r.occurredAt;
        m.revenue = r;
        out.collect(m);

        RevenueLedgerRow row = new RevenueLedgerRow();
        row.revenue = r;
        long from = r.hasServicePeriod() ? r.serviceStart : r.occurredAt;
        row.late = lateness.revenueTooLate(from, ctx.timerService().currentWatermark());
        ctx.output(LEDGER, row);
    }
}
