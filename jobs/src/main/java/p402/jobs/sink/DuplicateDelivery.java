package p402.jobs.sink;

/** A record recognised as a repeat of an event already read: one row per Kafka record. */
public class DuplicateDelivery {

    public String topic;
    public int partition;
    public long offset;
    public String tenantId;
    public String eventId;
    public long eventTime;

    public DuplicateDelivery() {}

    public static DuplicateDelivery of(
            String topic, int partition, long offset, String tenantId, String eventId, long t) {
        DuplicateDelivery d = new DuplicateDelivery();
        d.topic = topic;
        d.partition = partition;
        d.offset = offset;
        d.tenantId = tenantId;
        d.eventId = eventId;
        d.eventTime = t;
        return d;
    }
}
