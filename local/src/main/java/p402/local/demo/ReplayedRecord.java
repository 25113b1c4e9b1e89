package p402.local.demo;

import p402.local.EventKind;

/**
 * One record the replay publishes, in publish order.
 *
 * @param kind which topic it goes to
 * @param json the record's value exactly as published (possibly malformed on purpose)
 * @param publishAtMillis when it is published, in the replay's event time: its {@code occurred_at},
 *     later for a redelivery
 * @param eventTimeMillis its {@code occurred_at}, or {@link Long#MIN_VALUE} when it has none the
 *     job can read
 * @param callIndex for a first delivery of a call, its index among the calls; otherwise -1
 */
public record ReplayedRecord(
        EventKind kind, String json, long publishAtMillis, long eventTimeMillis, int callIndex) {}
