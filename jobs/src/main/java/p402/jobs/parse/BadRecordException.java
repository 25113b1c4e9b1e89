package p402.jobs.parse;

/** A record that cannot be used; the message is the dead letter's reason. */
public final class BadRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public BadRecordException(String reason) {
        super(reason, null, false, false);
    }
}
