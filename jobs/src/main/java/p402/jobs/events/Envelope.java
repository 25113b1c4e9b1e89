package p402.jobs.events;

/**
 * What a Kafka source emits for one record: exactly one of the four payloads is set. Keeping the
 * dead letter in the same stream as the good events means every record read leaves the source and
 * is accounted for downstream.
 */
public class Envelope {

    public enum Kind {
        CALL,
        REVENUE,
        OUTCOME,
        DEAD
    }

    public Kind kind;
    public CallEvent call;
    public RevenueEvent revenue;
    public OutcomeEvent outcome;
    public DeadLetter dead;

    public Envelope() {}

    public static Envelope of(CallEvent call) {
        Envelope e = new Envelope();
        e.kind = Kind.CALL;
        e.call = call;
        return e;
    }

    public static Envelope of(RevenueEvent revenue) {
        Envelope e = new Envelope();
        e.kind = Kind.REVENUE;
        e.revenue = revenue;
        return e;
    }

    public static Envelope of(OutcomeEvent outcome) {
        Envelope e = new Envelope();
        e.kind = Kind.OUTCOME;
        e.outcome = outcome;
        return e;
    }

    public static Envelope of(DeadLetter dead) {
        Envelope e = new Envelope();
        e.kind = Kind.DEAD;
        e.dead = dead;
        return e;
    }

    /** Event time of the payload; dead letters have none. */
    public long eventTime() {
        switch (kind) {
            case CALL:
                return call.occurredAt;
            case REVENUE:
                return revenue.occurredAt;
            case OUTCOME:
                return outcome.occurredAt;
            default:
                return Long.MIN_VALUE;
        }
    }
}
