package p402.jobs.parse;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import p402.jobs.events.Envelope;

/**
 * Bounded out-of-orderness on the events' own {@code occurred_at}. Dead letters carry no event time
 * and must not move the watermark: a malformed record stamped with the broker's wall-clock time
 * would otherwise make every replayed event late.
 */
public final class EventTimeWatermarks implements WatermarkGenerator<Envelope> {

    private final long outOfOrdernessMillis;
    private long maxEventTime = Long.MIN_VALUE;

    public EventTimeWatermarks(long outOfOrdernessMillis) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
    }

    public static WatermarkStrategy<Envelope> strategy(Duration outOfOrderness, Duration idleness) {
        long ooo = outOfOrderness.toMillis();
        WatermarkStrategy<Envelope> s =
                WatermarkStrategy.<Envelope>forGenerator(ctx -> new EventTimeWatermarks(ooo))
                        .withTimestampAssigner((e, previous) -> e.eventTime());
        return idleness.isZero() ? s : s.withIdleness(idleness);
    }

    @Override
    public void onEvent(Envelope event, long eventTimestamp, WatermarkOutput output) {
        if (event.kind != Envelope.Kind.DEAD && eventTimestamp > maxEventTime) {
            maxEventTime = eventTimestamp;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxEventTime != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(maxEventTime - outOfOrdernessMillis - 1));
        }
    }
}
