package p402.jobs.ops;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/**
 * The processing-time TTL put on keyed state whose real end is an event-time timer: only a backstop
 * for a watermark that never comes, so it must cost next to nothing per record.
 *
 * <p>Flink's default for heap state visits a few entries on every state access to expire them
 * (incremental cleanup); profiling the job put that at about a tenth of its CPU time. Here expired
 * entries are dropped by RocksDB's compaction filter (the cluster's backend, see {@code
 * flink-conf/config.yaml}) and left out of every full snapshot. <b>Limitation</b>: with heap state
 * (local runs) an expired entry that is never read again stays in memory until the job restores
 * from a checkpoint; the event-time timers remove it long before, as long as event time moves.
 */
final class Backstop {

    /** How many state entries RocksDB reads between refreshes of the current time in compaction. */
    private static final long ROCKSDB_QUERY_TIME_AFTER_ENTRIES = 1000;

    private Backstop() {}

    static StateTtlConfig after(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .disableCleanupInBackground()
                .cleanupFullSnapshot()
                .cleanupInRocksdbCompactFilter(ROCKSDB_QUERY_TIME_AFTER_ENTRIES)
                .build();
    }
}
