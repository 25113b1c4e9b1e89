package p402.local.faults;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.streaming.api.datastream.DataStream;
import p402.jobs.MarginJob;
import p402.jobs.events.CallEvent;

/**
 * A point in the job where a test makes something happen once, mid-stream: after at least one
 * checkpoint has completed and a given number of calls has passed. Until then it slows the calls
 * down a little so that a checkpoint completes while input is still flowing.
 *
 * <p>Coordination is static: the local Flink runs in the test's JVM. One fault at a time.
 */
final class FaultPoint implements MapFunction<CallEvent, CallEvent>, CheckpointListener {

    private static final long serialVersionUID = 1L;

    enum Action {
        /** Throw an exception inside the operator (once). */
        THROW,
        /** Tell the test and carry on while it does its fault. */
        SIGNAL,
        /** Tell the test and wait (the test cancels the job). */
        PAUSE
    }

    private static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    private static final AtomicBoolean FIRED = new AtomicBoolean();
    private static volatile CountDownLatch reached = new CountDownLatch(1);
    private static volatile Action action;
    private static volatile long after;

    static MarginJob.Extension arm(Action a, long afterCalls) {
        SEEN.set(0);
        CHECKPOINTED.set(false);
        FIRED.set(false);
        reached = new CountDownLatch(1);
        action = a;
        after = afterCalls;
        return new MarginJob.Extension() {
            @Override
            public DataStream<CallEvent> pricedCalls(DataStream<CallEvent> calls) {
                return calls.map(new FaultPoint()).name("fault point").uid("fault-point");
            }
        };
    }

    static void disarm() {
        FIRED.set(true);
    }

    static void awaitReached(Duration timeout) throws InterruptedException {
        if (!reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the job never reached the fault point");
        }
    }

    @Override
    public CallEvent map(CallEvent c) throws Exception {
        long n = SEEN.incrementAndGet();
        if (FIRED.get()) {
            return c;
        }
        if (n < after || !CHECKPOINTED.get()) {
            Thread.sleep(1);
            return c;
        }
        if (!FIRED.compareAndSet(false, true)) {
            return c;
        }
        reached.countDown();
        switch (action) {
            case THROW:
                throw new IllegalStateException("fault injected after " + n + " calls");
            case PAUSE:
                Thread.sleep(Long.MAX_VALUE);
                return c;
            default:
                return c;
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTED.set(true);
    }
}
