package p402.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p402.jobs.alerts.Alert;
import p402.jobs.alerts.AlertJson;
import p402.jobs.alerts.BudgetWatch;
import p402.jobs.alerts.MarginAlerts;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.config.WindowSpec;
import p402.jobs.events.CallEvent;
import p402.jobs.events.DeadLetter;
import p402.jobs.events.Envelope;
import p402.jobs.events.MarginInput;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.events.PriceDocument;
import p402.jobs.ops.CallOutcomeJoin;
import p402.jobs.ops.FirstDelivery;
import p402.jobs.ops.FrontierTracker;
import p402.jobs.ops.Lateness;
import p402.jobs.ops.MarginPanes;
import p402.jobs.ops.PriceCalls;
import p402.jobs.ops.RestatedRange;
import p402.jobs.ops.RevenueToMargin;
import p402.jobs.ops.RouteDeadLetters;
import p402.jobs.parse.EnvelopeDeserializer;
import p402.jobs.parse.EventParser;
import p402.jobs.parse.EventTimeWatermarks;
import p402.jobs.parse.PriceDocumentDeserializer;
import p402.jobs.sink.DuplicateDelivery;
import p402.jobs.sink.MarginRow;
import p402.jobs.sink.PostgresUpsertSink;
import p402.jobs.sink.Restatement;
import p402.jobs.sink.SinkSettings;
import p402.jobs.sink.Tables;
import p402.udfs.cost.PriceBook;
import p402.udfs.cost.PriceUpdates;

/**
 * The margin job: three Kafka topics in, the Postgres tables of the contract out.
 *
 * <pre>
 * calls    -> parse -> price --------------------------> call/outcome join -> call_ledger
 * outcomes -> parse -> first delivery (tenant, id) ----^        |              outcome_ledger
 *                                                              v
 * revenue  -> parse -> first delivery (tenant, id) -> margin panes (tenant, customer)
 *                                                              |   ^ frontier (broadcast)
 *  every parse -> dead_letter; every repeat -> duplicate_delivery   -> margin_window
 * </pre>
 *
 * Every operator has a fixed uid (the {@code UID_*} constants): they are the names state is
 * restored by, so they never change.
 */
public final class MarginJob {

    public static final String UID_SOURCE_CALLS = "source-calls";
    public static final String UID_SOURCE_REVENUE = "source-revenue";
    public static final String UID_SOURCE_OUTCOMES = "source-outcomes";
    public static final String UID_SOURCE_PRICES = "source-prices";
    public static final String UID_ROUTE_CALLS = "route-calls";
    public static final String UID_ROUTE_REVENUE = "route-revenue";
    public static final String UID_ROUTE_OUTCOMES = "route-outcomes";
    public static final String UID_PRICE = "price-calls";
    public static final String UID_DEDUP_REVENUE = "first-delivery-revenue";
    public static final String UID_DEDUP_OUTCOMES = "first-delivery-outcomes";
    public static final String UID_JOIN = "call-outcome-join";
    public static final String UID_REVENUE_TO_MARGIN = "revenue-to-margin";
    public static final String UID_FRONTIER = "frontier";
    public static final String UID_MARGIN = "margin-panes";
    public static final String UID_SINK_MARGIN = "sink-margin-window";
    public static final String UID_SINK_LEDGER = "sink-call-ledger";
    public static final String UID_SINK_OUTCOMES = "sink-outcome-ledger";
    public static final String UID_SINK_REVENUE = "sink-revenue-ledger";
    public static final String UID_SINK_DEAD = "sink-dead-letter";
    public static final String UID_SINK_DUPLICATES = "sink-duplicate-delivery";
    public static final String UID_ALERT_SUBJECTS = "alert-subjects";
    public static final String UID_MARGIN_ALERTS = "margin-alerts";
    public static final String UID_BUDGET_WATCH = "budget-watch";
    public static final String UID_SINK_ALERTS = "sink-alert";
    public static final String UID_SINK_ALERTS_TOPIC = "sink-alerts-topic";

    /** Only in a reprocessing run, which is always a fresh job (never restored). */
    public static final String UID_RESTATED_WINDOWS = "restated-windows";

    public static final String UID_RESTATED_CALLS = "restated-calls";
    public static final String UID_SINK_RESTATED_MARGIN = "sink-restated-margin-window";
    public static final String UID_SINK_RESTATED_LEDGER = "sink-restated-call-ledger";

    private static final OutputTag<DuplicateDelivery> DUPLICATES =
            new OutputTag<>("duplicates", TypeInformation.of(DuplicateDelivery.class));

    private static final Logger LOG = LoggerFactory.getLogger(MarginJob.class);

    private MarginJob() {}

    public static void main(String[] args) throws Exception {
        MarginJobConfig config = MarginJobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("p402-margin");
    }

    /**
     * Streams of the built topology that a program building on the margin job (a test's changed
     * job, a later version) can attach operators to.
     *
     * @param pricedCalls every call delivery after pricing, repeats included (they are recognised
     *     by the join further on)
     * @param marginRows the window rows on their way to {@code margin_window}
     */
    public record Streams(DataStream<CallEvent> pricedCalls, DataStream<MarginRow> marginRows) {}

    /**
     * Adds the whole topology (Kafka sources, processing, Postgres sinks) to {@code env}. The
     * caller executes it.
     */
    public static Streams build(StreamExecutionEnvironment env, MarginJobConfig config) {
        return build(env, config, new Extension() {});
    }

    /**
     * Where a caller may add operators to the topology without copying it: the fault tests put a
     * failing operator here, an upgrade adds a step. The default adds nothing.
     */
    public interface Extension extends Serializable {

        /** The priced calls on their way to the call/outcome join. */
        default DataStream<CallEvent> pricedCalls(DataStream<CallEvent> calls) {
            return calls;
        }
    }

    /** {@link #build(StreamExecutionEnvironment, MarginJobConfig)} with an {@link Extension}. */
    public static Streams build(
            StreamExecutionEnvironment env, MarginJobConfig config, Extension extension) {
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        pipeline.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        env.configure(pipeline);
        env.setParallelism(config.parallelism);

        WatermarkStrategy<Envelope> watermarks =
                EventTimeWatermarks.strategy(config.outOfOrderness, config.idleness);
        SingleOutputStreamOperator<Envelope> calls =
                read(env, config, config.callsTopic, EventParser.Topic.CALLS, watermarks)
                        .uid(UID_SOURCE_CALLS)
                        .process(new RouteDeadLetters())
                        .name("route calls")
                        .uid(UID_ROUTE_CALLS);
        SingleOutputStreamOperator<Envelope> revenue =
                read(env, config, config.revenueTopic, EventParser.Topic.REVENUE, watermarks)
                        .uid(UID_SOURCE_REVENUE)
                        .process(new RouteDeadLetters())
                        .name("route revenue")
                        .uid(UID_ROUTE_REVENUE);
        SingleOutputStreamOperator<Envelope> outcomes =
                read(env, config, config.outcomesTopic, EventParser.Topic.OUTCOMES, watermarks)
                        .uid(UID_SOURCE_OUTCOMES)
                        .process(new RouteDeadLetters())
                        .name("route outcomes")
                        .uid(UID_ROUTE_OUTCOMES);

        PriceBook book = priceBook(config);
        Lateness lateness = new Lateness(config.windows, config.outcomeHorizon.toMillis());
        SingleOutputStreamOperator<CallEvent> unwrapped =
                calls.map(e -> e.call)
                        .returns(CallEvent.class)
                        .name("unwrap calls")
                        .uid("unwrap-calls");
        SingleOutputStreamOperator<CallEvent> priced =
                config.pricesTopic.isEmpty()
                        ? unwrapped.map(new PriceCalls.FixedBook(book))
                        : unwrapped
                                .connect(priceUpdates(env, config).broadcast(PriceCalls.UPDATES))
                                .process(new PriceCalls(book));
        priced.name("price calls").uid(UID_PRICE);

        SingleOutputStreamOperator<Envelope> firstOutcomes =
                outcomes.keyBy(e -> e.outcome.tenantId + '\u0000' + e.outcome.eventId, Types.STRING)
                        .process(
                                new FirstDelivery(
                                        config.outcomesTopic, config.dedupHorizon, DUPLICATES))
                        .name("first delivery of outcomes")
                        .uid(UID_DEDUP_OUTCOMES);
        DataStream<OutcomeEvent> outcomeEvents =
                firstOutcomes
                        .map(e -> e.outcome)
                        .returns(OutcomeEvent.class)
                        .name("unwrap outcomes")
                        .uid("unwrap-outcomes");

        SingleOutputStreamOperator<MarginInput> joined =
                extension
                        .pricedCalls(priced)
                        .keyBy(c -> c.tenantId + '\u0000' + c.eventId, Types.STRING)
                        .connect(
                                outcomeEvents.keyBy(
                                        o -> o.tenantId + '\u0000' + o.callEventId, Types.STRING))
                        .process(
                                new CallOutcomeJoin(
                                        config.callsTopic,
                                        config.outcomeHorizon,
                                        config.dedupHorizon,
                                        lateness,
                                        DUPLICATES))
                        .name("join calls and outcomes")
                        .uid(UID_JOIN);

        SingleOutputStreamOperator<Envelope> firstRevenue =
                revenue.keyBy(e -> e.revenue.tenantId + '\u0000' + e.revenue.eventId, Types.STRING)
                        .process(
                                new FirstDelivery(
                                        config.revenueTopic, config.dedupHorizon, DUPLICATES))
                        .name("first delivery of revenue")
                        .uid(UID_DEDUP_REVENUE);
        SingleOutputStreamOperator<MarginInput> revenueInputs =
                firstRevenue
                        .process(new RevenueToMargin(lateness))
                        .name("revenue to margin")
                        .uid(UID_REVENUE_TO_MARGIN);

        BroadcastStream<Long> frontier =
                priced.map(c -> c.occurredAt)
                        .returns(Types.LONG)
                        .name("call times")
                        .uid("call-times")
                        .union(
                                firstRevenue
                                        .map(e -> e.revenue.occurredAt)
                                        .returns(Types.LONG)
                                        .name("revenue times")
                                        .uid("revenue-times"),
                                firstOutcomes
                                        .map(e -> e.outcome.occurredAt)
                                        .returns(Types.LONG)
                                        .name("outcome times")
                                        .uid("outcome-times"))
                        .transform("frontier", Types.LONG, new FrontierTracker())
                        .uid(UID_FRONTIER)
                        .setParallelism(1)
                        .broadcast(MarginPanes.FRONTIER);

        SingleOutputStreamOperator<MarginRow> margin =
                joined.union(revenueInputs)
                        .keyBy(MarginInput::key, Types.STRING)
                        .connect(frontier)
                        .process(
                                new MarginPanes(
                                        config.windows, config.outcomeHorizon, config.emitInterval))
                        .name("margin panes")
                        .uid(UID_MARGIN);

        SinkSettings sink =
                new SinkSettings(
                        config.jdbcUrl,
                        config.jdbcUser,
                        config.jdbcPassword,
                        config.schema,
                        config.sinkFlushInterval.toMillis(),
                        config.sinkBatchSize,
                        config.sinkRetryTimeout.toMillis());
        if (config.isReprocessing()) {
            restate(config, margin, joined, sink);
            return new Streams(priced, margin);
        }
        margin.sinkTo(new PostgresUpsertSink<>(new Tables.MarginWindow(config.windows), sink))
                .name("margin_window")
                .uid(UID_SINK_MARGIN);
        joined.getSideOutput(CallOutcomeJoin.LEDGER)
                .sinkTo(new PostgresUpsertSink<>(new Tables.CallLedger(), sink))
                .name("call_ledger")
                .uid(UID_SINK_LEDGER);
        joined.getSideOutput(CallOutcomeJoin.OUTCOMES)
                .sinkTo(new PostgresUpsertSink<>(new Tables.OutcomeLedger(), sink))
                .name("outcome_ledger")
                .uid(UID_SINK_OUTCOMES);
        revenueInputs
                .getSideOutput(RevenueToMargin.LEDGER)
                .sinkTo(new PostgresUpsertSink<>(new Tables.RevenueLedger(), sink))
                .name("revenue_ledger")
                .uid(UID_SINK_REVENUE);

        DataStream<DeadLetter> dead =
                calls.getSideOutput(RouteDeadLetters.DEAD)
                        .union(
                                revenue.getSideOutput(RouteDeadLetters.DEAD),
                                outcomes.getSideOutput(RouteDeadLetters.DEAD),
                                priced.getSideOutput(RouteDeadLetters.DEAD));
        dead.sinkTo(new PostgresUpsertSink<>(new Tables.DeadLetters(), sink))
                .name("dead_letter")
                .uid(UID_SINK_DEAD);

        DataStream<DuplicateDelivery> duplicates =
                joined.getSideOutput(DUPLICATES)
                        .union(
                                firstOutcomes.getSideOutput(DUPLICATES),
                                firstRevenue.getSideOutput(DUPLICATES));
        duplicates
                .sinkTo(new PostgresUpsertSink<>(new Tables.Duplicates(), sink))
                .name("duplicate_delivery")
                .uid(UID_SINK_DUPLICATES);

        alerts(config, margin, joined, sink);
        return new Streams(priced, margin);
    }

    /**
     * Margin alerts on the final windows of the alert spec, budget alerts on the distinct calls;
     * both to the alert table and, when a topic is configured, to Kafka.
     */
    private static void alerts(
            MarginJobConfig config,
            DataStream<MarginRow> margin,
            DataStream<MarginInput> joined,
            SinkSettings sink) {
        WindowSpec spec = config.alertSpec();
        if (spec == null) {
            return;
        }
        SingleOutputStreamOperator<Alert> marginAlerts =
                margin.flatMap(new MarginAlerts.Subjects(spec.name))
                        .name("alert subjects")
                        .uid(UID_ALERT_SUBJECTS)
                        .keyBy(in -> in.subject.key(), Types.STRING)
                        .process(
                                new MarginAlerts(
                                        spec,
                                        config.alertsMarginThresholdPct,
                                        config.alertsCostPerAcceptedJump,
                                        config.alertsMinAccepted))
                        .name("margin alerts")
                        .uid(UID_MARGIN_ALERTS);
        SingleOutputStreamOperator<Alert> budgetAlerts =
                joined.keyBy(MarginInput::key, Types.STRING)
                        .process(
                                new BudgetWatch(
                                        config.budgetShares,
                                        config.budgetProjectionAfter.toMillis(),
                                        config.jdbcUrl,
                                        config.jdbcUser,
                                        config.jdbcPassword,
                                        config.schema,
                                        config.budgetRefresh.toMillis()))
                        .name("budget watch")
                        .uid(UID_BUDGET_WATCH);

        DataStream<Alert> alerts = marginAlerts.union(budgetAlerts);
        alerts.sinkTo(new PostgresUpsertSink<>(new Tables.Alerts(), sink))
                .name("alert")
                .uid(UID_SINK_ALERTS);
        if (!config.alertsTopic.isEmpty()) {
            alerts.sinkTo(
                            KafkaSink.<Alert>builder()
                                    .setBootstrapServers(config.bootstrapServers)
                                    .setRecordSerializer(new AlertJson(config.alertsTopic))
                                    // Consumers tell repeats apart by (alert_id, state).
                                    .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                                    .build())
                    .name("kafka " + config.alertsTopic)
                    .uid(UID_SINK_ALERTS_TOPIC);
        }
    }

    /**
     * The sinks of a reprocessing run: window costs and call ledger rows of the restated range,
     * marked; nothing else (revenue, outcomes, dead letters and duplicates do not depend on prices,
     * and their rows from before the range would be rewritten incompletely).
     */
    private static void restate(
            MarginJobConfig config,
            DataStream<MarginRow> margin,
            SingleOutputStreamOperator<MarginInput> joined,
            SinkSettings sink) {
        Restatement mark = new Restatement(config.reprocessLabel, config.reprocessAt);
        LOG.info(
                "Reprocessing run {}: restating windows in [{}, {}], reading Kafka from {}",
                config.reprocessLabel,
                Instant.ofEpochMilli(config.reprocessFrom),
                Instant.ofEpochMilli(config.reprocessUntil),
                Instant.ofEpochMilli(Long.parseLong(config.startingOffsets)));
        margin.filter(new RestatedRange.Windows(config.reprocessFrom, config.reprocessUntil))
                .name("restated windows")
                .uid(UID_RESTATED_WINDOWS)
                .sinkTo(new PostgresUpsertSink<>(new Tables.RestatedMarginCost(mark), sink))
                .name("margin_window (restated cost)")
                .uid(UID_SINK_RESTATED_MARGIN);
        joined.getSideOutput(CallOutcomeJoin.LEDGER)
                .filter(new RestatedRange.Calls(config.reprocessFrom, config.reprocessUntil))
                .name("restated calls")
                .uid(UID_RESTATED_CALLS)
                .sinkTo(new PostgresUpsertSink<>(new Tables.CallLedger(mark), sink))
                .name("call_ledger (restated)")
                .uid(UID_SINK_RESTATED_LEDGER);
    }

    private static DataStreamSource<Envelope> read(
            StreamExecutionEnvironment env,
            MarginJobConfig config,
            String topic,
            EventParser.Topic kind,
            WatermarkStrategy<Envelope> watermarks) {
        KafkaSourceBuilder<Envelope> b =
                KafkaSource.<Envelope>builder()
                        .setBootstrapServers(config.bootstrapServers)
                        .setTopics(topic)
                        .setGroupId(config.groupId)
                        .setStartingOffsets(startingOffsets(config.startingOffsets))
                        .setDeserializer(new EnvelopeDeserializer(kind, topic))
                        // Records of aborted producer transactions are never events.
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("commit.offsets.on.checkpoint", "true");
        if (config.bounded) {
            b.setBounded(OffsetsInitializer.latest());
        } else {
            b.setProperty("partition.discovery.interval.ms", "30000");
        }
        return env.fromSource(b.build(), watermarks, "kafka " + topic);
    }

    /**
     * The built-in book plus the configured file, if any. Versions the file prices implausibly (100
     * times a neighbour) are refused and logged, the rest are used.
     */
    static PriceBook priceBook(MarginJobConfig config) {
        PriceBook book = PriceBook.builtIn();
        if (config.pricesFile.isEmpty()) {
            return book;
        }
        Path file = Path.of(config.pricesFile);
        try {
            PriceUpdates.Applied applied =
                    PriceUpdates.applyFile(book, file, Instant.parse(config.pricesEffectiveFrom));
            LOG.info("Prices from {}: {} versions added", file, applied.added());
            for (String refused : applied.refused()) {
                LOG.warn("Prices from {}: refused {}", file, refused);
            }
            return applied.book();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use prices.file " + file + ": " + e, e);
        }
    }

    /**
     * The price-update topic, read from its beginning on every fresh start (it is compacted: the
     * whole current book).
     */
    private static DataStream<PriceDocument> priceUpdates(
            StreamExecutionEnvironment env, MarginJobConfig config) {
        KafkaSourceBuilder<PriceDocument> b =
                KafkaSource.<PriceDocument>builder()
                        .setBootstrapServers(config.bootstrapServers)
                        .setTopics(config.pricesTopic)
                        .setGroupId(config.groupId + "-prices")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new PriceDocumentDeserializer())
                        .setProperty("isolation.level", "read_committed");
        if (config.bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(
                        b.build(),
                        PriceDocumentDeserializer.watermarks(),
                        "kafka " + config.pricesTopic)
                .setParallelism(1)
                .uid(UID_SOURCE_PRICES);
    }

    static OffsetsInitializer startingOffsets(String spec) {
        switch (spec) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            case "committed":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default:
                return OffsetsInitializer.timestamp(Long.parseLong(spec));
        }
    }
}
