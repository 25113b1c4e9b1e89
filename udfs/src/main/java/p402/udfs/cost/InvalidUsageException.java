package p402.udfs.cost;

/** A usage object that cannot be trusted: its buckets contradict the provider's own totals. */
public final class InvalidUsageException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidUsageException(String reason) {
        super(reason);
    }
}
