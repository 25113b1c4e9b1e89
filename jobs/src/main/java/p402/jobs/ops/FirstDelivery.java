package p402.jobs.ops;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import p402.jobs.events.Envelope;
import p402.jobs.sink.DuplicateDelivery;

/**
 * Lets the first delivery of each (tenant, event id) through and reports every later one as a
 * duplicate. Keyed by {@code tenant \0 event_id}.
 *
 * <p>State: one marker per key, the event-time instant after which it is forgotten, {@code
 * max(occurred_at, watermark at first sight) + horizon}. An event-time timer at that instant clears
 * it; a processing-time TTL of twice the horizon is only a backstop for a watermark that never
 * comes. A repeat arriving after the marker is gone is taken as new: the horizon is the promise,
 * and it is documented.
 */
public final class FirstDelivery extends KeyedProcessFunction<String, Envelope, Envelope> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final long horizonMillis;
    private final OutputTag<DuplicateDelivery> duplicates;
    private transient ValueState<Long> forgetAt;

    public FirstDelivery(String topic, Duration horizon, OutputTag<DuplicateDelivery> duplicates) {
        this.topic = topic;
        this.horizonMillis = horizon.toMillis();
        this.duplicates = duplicates;
    }

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<Long> d = new ValueStateDescriptor<>("first-delivery", Types.LONG);
        d.enableTimeToLive(Backstop.after(Duration.ofMillis(2 * horizonMillis)));
        forgetAt = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<Envelope> out) throws Exception {
        if (forgetAt.value() != null) {
            ctx.output(duplicates, duplicate(e));
            return;
        }
        long at = Math.max(e.eventTime(), ctx.timerService().currentWatermark()) + horizonMillis;
        forgetAt.update(at);
        ctx.timerService().registerEventTimeTimer(at);
        out.collect(e);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Envelope> out)
            throws Exception {
        Long at = forgetAt.value();
        if (at != null && timestamp >= at) {
            forgetAt.clear();
        }
    }

    private DuplicateDelivery duplicate(Envelope e) {
        switch (e.kind) {
            case REVENUE:
                return DuplicateDelivery.of(
                        topic,
                        e.revenue.partition,
                        e.revenue.offset,
                        e.revenue.tenantId,
                        e.revenue.eventId,
                        e.revenue.occurredAt);
            case OUTCOME:
                return DuplicateDelivery.of(
                        topic,
                        e.outcome.partition,
                        e.outcome.offset,
                        e.outcome.tenantId,
                        e.outcome.eventId,
                        e.outcome.occurredAt);
            default:
                throw new IllegalArgumentException("FirstDelivery reads revenue and outcomes");
        }
    }
}
