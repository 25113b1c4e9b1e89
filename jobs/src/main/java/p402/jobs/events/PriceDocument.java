package p402.jobs.events;

/** One record of the price-update topic: a price document and where it was read. */
public class PriceDocument {

    /** The record's key, or {@code partition/offset} when it has none; the last one wins. */
    public String id;

    public String json;
    public String topic;
    public int partition;
    public long offset;
    public long receivedAt;

    public PriceDocument() {}
}
