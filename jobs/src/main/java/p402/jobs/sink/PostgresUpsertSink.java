package p402.jobs.sink;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts absolute values into one Postgres table, at least once, which with idempotent upserts of
 * absolute values is exactly once in effect.
 *
 * <p>Why not the JDBC connector's {@code JdbcSink}: it neither collapses repeated keys within a
 * batch (with batched rewriting, {@code ON CONFLICT DO UPDATE} then fails on the second occurrence,
 * and fails again after every restart) nor mixes deletes and upserts of one table in order. Here
 * each flush holds every key at most once, last write wins, in one transaction.
 *
 * <p>Rows are flushed when the buffer reaches the batch size, every flush interval (a
 * processing-time timer), and before each checkpoint barrier ({@link SinkWriter#flush}), so a
 * completed checkpoint means everything before it is in Postgres. A failed flush is retried with a
 * fresh connection and a growing pause; past the retries the job fails over and replays from its
 * checkpoint.
 */
public final class PostgresUpsertSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final TableBinding<T> binding;
    private final SinkSettings settings;

    public PostgresUpsertSink(TableBinding<T> binding, SinkSettings settings) {
        if (!IDENTIFIER.matcher(settings.schema).matches()) {
            throw new IllegalArgumentException("not a plain schema name: " + settings.schema);
        }
        this.binding = binding;
        this.settings = settings;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(binding, settings, context);
    }

    static final class Writer<T> implements SinkWriter<T> {

        private static final Logger LOG = LoggerFactory.getLogger(PostgresUpsertSink.class);

        private final TableBinding<T> binding;
        private final SinkSettings settings;
        private final ProcessingTimeService time;
        private final String upsertSql;
        private final String deleteSql;
        private final Counter rowsWritten;
        private final Counter flushRetries;
        private final Map<String, T> buffer = new LinkedHashMap<>();
        private Connection connection;
        private boolean closed;
        private long watermark = Long.MIN_VALUE;
        private long purgedAt = Long.MIN_VALUE;

        Writer(TableBinding<T> binding, SinkSettings settings, WriterInitContext context) {
            this.binding = binding;
            this.settings = settings;
            this.time = context.getProcessingTimeService();
            this.upsertSql = binding.upsertSql(settings.schema);
            this.deleteSql = binding.deleteSql(settings.schema);
            this.rowsWritten = context.metricGroup().getNumRecordsSendCounter();
            this.flushRetries = context.metricGroup().counter("flushRetries");
            scheduleFlush();
        }

        private void scheduleFlush() {
            time.registerTimer(
                    time.getCurrentProcessingTime() + settings.flushIntervalMillis,
                    now -> {
                        if (!closed) {
                            flushBuffer();
                            scheduleFlush();
                        }
                    });
        }

        @Override
        public void write(T row, Context context) throws IOException, InterruptedException {
            String key = binding.key(row);
            buffer.remove(key);
            buffer.put(key, row);
            if (buffer.size() >= settings.batchSize) {
                flushBuffer();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            flushBuffer();
        }

        @Override
        public void writeWatermark(Watermark mark) {
            // The end of a bounded input says nothing about how old a row is.
            if (mark.getTimestamp() != Long.MAX_VALUE) {
                watermark = Math.max(watermark, mark.getTimestamp());
            }
        }

        private boolean purgeDue() {
            long step = binding.purgeStepMillis();
            return step > 0
                    && watermark != Long.MIN_VALUE
                    && (purgedAt == Long.MIN_VALUE || watermark - purgedAt >= step);
        }

        private void flushBuffer() throws IOException, InterruptedException {
            boolean purge = purgeDue();
            if (buffer.isEmpty() && !purge) {
                return;
            }
            List<T> deletes = new ArrayList<>();
            List<T> upserts = new ArrayList<>(buffer.size());
            for (T row : buffer.values()) {
                (binding.isDelete(row) ? deletes : upserts).add(row);
            }
            long started = System.nanoTime();
            for (int attempt = 0; ; attempt++) {
                try {
                    write(deletes, upserts, purge);
                    if (purge) {
                        purgedAt = watermark;
                    }
                    rowsWritten.inc(buffer.size());
                    buffer.clear();
                    return;
                } catch (SQLException e) {
                    closeConnection();
                    long elapsed = (System.nanoTime() - started) / 1_000_000L;
                    if (elapsed >= settings.retryTimeoutMillis) {
                        throw new IOException(
                                "writing "
                                        + buffer.size()
                                        + " rows to "
                                        + binding.table()
                                        + " failed "
                                        + (attempt + 1)
                                        + " times in "
                                        + elapsed
                                        + " ms",
                                e);
                    }
                    flushRetries.inc();
                    long pause = Math.min(5_000L, 200L * (1L << Math.min(attempt, 5)));
                    LOG.warn(
                            "Writing {} rows to {} failed (attempt {}), retrying in {} ms: {}",
                            buffer.size(),
                            binding.table(),
                            attempt + 1,
                            pause,
                            e.getMessage());
                    Thread.sleep(pause);
                }
            }
        }

        private void write(List<T> deletes, List<T> upserts, boolean purge) throws SQLException {
            Connection c = connection();
            try {
                if (purge) {
                    binding.purge(c, settings.schema, watermark);
                }
                if (!deletes.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                        for (T row : deletes) {
                            binding.bindKey(ps, row);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                if (!upserts.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
                        for (T row : upserts) {
                            binding.bind(ps, row);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // The connection is discarded anyway.
                }
                throw e;
            }
        }

        private Connection connection() throws SQLException {
            if (connection == null || connection.isClosed()) {
                Properties p = new Properties();
                p.setProperty("user", settings.user);
                p.setProperty("password", settings.password);
                // Safe here because a flush never holds one key twice.
                p.setProperty("reWriteBatchedInserts", "true");
                p.setProperty("ApplicationName", "p402-margin");
                p.setProperty("connectTimeout", "10");
                p.setProperty("socketTimeout", "60");
                connection = DriverManager.getConnection(settings.jdbcUrl, p);
                connection.setAutoCommit(false);
            }
            return connection;
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // Already broken; a new one is opened on the next attempt.
                }
                connection = null;
            }
        }

        @Override
        public void close() {
            closed = true;
            closeConnection();
        }
    }
}
