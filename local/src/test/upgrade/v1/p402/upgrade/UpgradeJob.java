package p402.upgrade;

import java.sql.PreparedStatement;
import java.sql.SQLException;
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

/** Version 1: the margin job and a tally of call deliveries per tenant. */
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
        env.execute("p402-margin-upgrade-v1");
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
            t.calls++;
            tally.update(t);
            out.collect(t);
        }
    }

    public static final class TallyTable extends TableBinding<TenantTally> {
        public TallyTable() {
            super("upgrade_tally", List.of("tenant_id"), List.of("calls", "version"));
        }

        @Override
        public String key(TenantTally t) {
            return t.tenantId;
        }

        @Override
        public void bind(PreparedStatement ps, TenantTally t) throws SQLException {
            ps.setString(1, t.tenantId);
            ps.setLong(2, t.calls);
            ps.setString(3, "v1");
        }
    }
}
