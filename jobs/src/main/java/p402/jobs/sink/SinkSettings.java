package p402.jobs.sink;

import java.io.Serializable;

/** Where and how the sinks write. Filled from the job's settings; nothing here is a default. */
public final class SinkSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public final String jdbcUrl;
    public final String user;
    public final String password;
    public final String schema;
    public final long flushIntervalMillis;
    public final int batchSize;
    public final long retryTimeoutMillis;

    public SinkSettings(
            String jdbcUrl,
            String user,
            String password,
            String schema,
            long flushIntervalMillis,
            int batchSize,
            long retryTimeoutMillis) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.schema = schema;
        this.flushIntervalMillis = flushIntervalMillis;
        this.batchSize = batchSize;
        this.retryTimeoutMillis = retryTimeoutMillis;
    }
}
