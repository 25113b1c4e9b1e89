package p402.jobs.ops;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Keeps the latest event time seen and reports it when the input ends.
 *
 * <p>While the job runs the watermark is the frontier. When a bounded input ends the watermark
 * jumps to the end of time, but revenue may only be earned up to the latest {@code occurred_at}
 * actually seen: this operator supplies that instant, broadcast to the margin operator, before the
 * final watermark reaches it. The maximum is kept in union list state so a restored job still knows
 * what it saw before the checkpoint.
 */
public final class FrontierTracker extends AbstractStreamOperator<Long>
        implements OneInputStreamOperator<Long, Long>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private transient ListState<Long> checkpointed;
    private long latest = Long.MIN_VALUE;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("latest-event-time", Types.LONG));
        for (Long v : checkpointed.get()) {
            latest = Math.max(latest, v);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointed.update(List.of(latest));
    }

    @Override
    public void processElement(StreamRecord<Long> element) {
        if (element.getValue() > latest) {
            latest = element.getValue();
        }
    }

    /**
     * A finishing source sends its final watermark before the operators see the end of input, so it
     * is held back here and sent after the frontier: the margin operator must know the frontier
     * before the final watermark fires its timers.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() != Long.MAX_VALUE) {
            super.processWatermark(mark);
        }
    }

    @Override
    public void endInput() throws Exception {
        if (latest != Long.MIN_VALUE) {
            output.collect(new StreamRecord<>(latest));
        }
        super.processWatermark(Watermark.MAX_WATERMARK);
    }
}
