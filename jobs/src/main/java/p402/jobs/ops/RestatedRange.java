package p402.jobs.ops;

import org.apache.flink.api.common.functions.FilterFunction;
import p402.jobs.sink.CallLedgerRow;
import p402.jobs.sink.MarginRow;

/**
 * What a reprocessing run may write: only what it computed completely. It reads from well before
 * {@code from}, so windows starting before {@code from} would hold a part of their calls: they are
 * left as they are, as are windows ending after {@code until} (the live job still owns them).
 */
public final class RestatedRange {

    private RestatedRange() {}

    /** Window rows inside [from, until]; placeholder deletes are the live job's business. */
    public static final class Windows implements FilterFunction<MarginRow> {
        private static final long serialVersionUID = 1L;

        private final long from;
        private final long until;

        public Windows(long from, long until) {
            this.from = from;
            this.until = until;
        }

        @Override
        public boolean filter(MarginRow r) {
            return !r.delete && r.windowStart >= from && r.windowEnd <= until;
        }
    }

    /** Ledger rows of calls that occurred in [from, until). */
    public static final class Calls implements FilterFunction<CallLedgerRow> {
        private static final long serialVersionUID = 1L;

        private final long from;
        private final long until;

        public Calls(long from, long until) {
            this.from = from;
            this.until = until;
        }

        @Override
        public boolean filter(CallLedgerRow r) {
            return r.call.occurredAt >= from && r.call.occurredAt < until;
        }
    }
}
