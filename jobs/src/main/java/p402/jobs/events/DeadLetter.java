package p402.jobs.events;

/** A record that could not be used, with its Kafka coordinates and the reason. */
public class DeadLetter {

    public String topic;
    public int partition;
    public long offset;
    public long receivedAt;
    public String reason;

    /** The raw value exactly as read; null only for a record with a null value. */
    public byte[] payload;

    /** Best-effort ids for filtering the dead letters; null when not readable. */
    public String tenantId;

    public String eventId;

    public DeadLetter() {}

    public static DeadLetter of(
            String topic, int partition, long offset, long receivedAt, String reason, byte[] raw) {
        DeadLetter d = new DeadLetter();
        d.topic = topic;
        d.partition = partition;
        d.offset = offset;
        d.receivedAt = receivedAt;
        d.reason = reason;
        d.payload = raw;
        return d;
    }
}
