package p402.upgrade;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.events.CallEvent;
import p402.jobs.sink.PostgresUpsertSink;
import p402.jobs.sink.SinkSettings;
import p402.jobs.sink.TableBinding;

/**
 * Version 2: the tally also sums cost (a field added to its state type), and a new operator
 * remembers the first call each tenant had after the upgrade.
 */
public final class UpgradeJob {

    public static void main(String[] args) throws Exception {
        MarginJobConfig config = MarginJobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MarginJob.Streams margin = MarginJob.build(env, config);
        margin.pricedCalls()
                .keyBy(c -> c.tenantId, Types.STRING)
                .process(new CountCalls())
                .name("tally")
                .uid("upgrade-tally")
                .sinkTo(new PostgresUpsertSink<>(new TallyTable(), settings(config)))
                .name("upgrade_tally")
                .uid("upgrade-tally-sink");
        margin.pricedCalls()
                .keyBy(c -> c.tenantId, Types.STRING)
                .process(new FirstSeen())
                .name("first seen")
                .uid("upgrade-first-seen")
                .sinkTo(new PostgresUpsertSink<>(new FirstSeenTable(), settings(config)))
                .name("upgrade_tally first seen")
                .uid("upgrade-first-seen-sink");
        env.execute("p402-margin-upgrade-v2");
    }

    static SinkSettings settings(MarginJobConfig c) {
        return new SinkSettings(
                c.jdbcUrl, c.jdbcUser, c.jdbcPassword, c.schema, 200, 100, 60_000);
    }

    public static final class CountCalls extends KeyedProcessFunction<String, CallEvent, TenantTally> {
        private transient ValueState<TenantTally> tally;

        @Override
        public void open(OpenContext ctx) {
            tally = getRuntimeContext().getState(
                    new ValueStateDescriptor<>("tally", TypeInformation.of(TenantTally.class)));
        }

        @Override
        public void processElement(CallEvent c, Context ctx, Collector<TenantTally> out)
                throws Exception {
            TenantTally t = tally.value();
            if (t == null) {
                t = new TenantTally();
                t.tenantId = c.tenantId;
            }
            if (t.costUsd == null) {
                t.costUsd = BigDecimal.ZERO;
            }
            t.calls++;
            if (c.costUsd != null) {
                t.costUsd = t.costUsd.add(c.costUsd);
            }
            tally.update(t);
            out.collect(t);
        }
    }

    /** The tenant and the event time of its first call this operator saw. */
    public static final class FirstCall {
        public String tenantId;
        public long occurredAt;

        public FirstCall() {}
    }

    public static final class FirstSeen extends KeyedProcessFunction<String, CallEvent, FirstCall> {
        private transient ValueState<FirstCall> first;

        @Override
        public void open(OpenContext ctx) {
            first = getRuntimeContext().getState(
                    new ValueStateDescriptor<>("first", TypeInformation.of(FirstCall.class)));
        }

        @Override
        public void processElement(CallEvent c, Context ctx, Collector<FirstCall> out)
                throws Exception {
            FirstCall f = first.value();
            if (f == null || c.occurredAt < f.occurredAt) {
                f = new FirstCall();
                f.tenantId = c.tenantId;
                f.occurredAt = c.occurredAt;
                first.update(f);
                out.collect(f);
            }
        }
    }

    public static final class TallyTable extends TableBinding<TenantTally> {
        public TallyTable() {
            super("upgrade_tally", List.of("tenant_id"), List.of("calls", "cost_usd", "version"));
        }

        @Override
        public String key(TenantTally t) {
            return t.tenantId;
        }

        @Override
        public void bind(PreparedStatement ps, TenantTally t) throws SQLException {
            ps.setString(1, t.tenantId);
            ps.setLong(2, t.calls);
            ps.setBigDecimal(3, t.costUsd);
            ps.setString(4, "v2");
        }
    }

    public static final class FirstSeenTable extends TableBinding<FirstCall> {
        public FirstSeenTable() {
            super("upgrade_tally", List.of("tenant_id"), List.of("first_seen_at"));
        }

        @Override
        public String key(FirstCall f) {
            return f.tenantId;
        }

        @Override
        public void bind(PreparedStatement ps, FirstCall f) throws SQLException {
            ps.setString(1, f.tenantId);
            ps.setTimestamp(2, new Timestamp(f.occurredAt));
        }
    }
}
