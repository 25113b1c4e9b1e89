package p402.jobs.ops;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import p402.jobs.events.DeadLetter;
import p402.jobs.events.Envelope;

/** Sends dead letters to their side output and the good events on. */
public final class RouteDeadLetters extends ProcessFunction<Envelope, Envelope> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD =
            new OutputTag<>("dead-letter", TypeInformation.of(DeadLetter.class));

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext ctx) {
        deadLetters = getRuntimeContext().getMetricGroup().addGroup("p402").counter("deadLetters");
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<Envelope> out) {
        if (e.kind == Envelope.Kind.DEAD) {
            deadLetters.inc();
            ctx.output(DEAD, e.dead);
        } else {
            out.collect(e);
        }
    }
}
