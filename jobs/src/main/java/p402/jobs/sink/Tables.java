package p402.jobs.sink;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import p402.jobs.alerts.Alert;
import p402.jobs.config.WindowSpec;
import p402.jobs.events.CallEvent;
import p402.jobs.events.DeadLetter;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.events.RevenueEvent;

/** The contract's tables, as bindings for {@link PostgresUpsertSink}. */
public final class Tables {

    private Tables() {}

    private static final char SEP = '\u0000';

    public static final class MarginWindow extends TableBinding<MarginRow> {
        private static final long serialVersionUID = 1L;

        private final List<WindowSpec> specs;

        /**
         * @param specs the window specs, whose retentions decide how long rows are kept; rows of
         *     specs no longer configured are left alone
         */
        public MarginWindow(List<WindowSpec> specs) {
            super(
                    "margin_window",
                    List.of(
                            "tenant_id",
                            "customer_id",
                            "feature_id",
                            "workflow_id",
                            "window_spec",
                            "window_start"),
                    List.of(
                            "window_end",
                            "calls",
                            "error_calls",
                            "accepted",
                            "rejected",
                            "edited",
                            "abandoned",
                            "pending",
                            "unpriced_calls",
                            "input_tokens",
                            "cached_input_tokens",
                            "output_tokens",
                            "reasoning_tokens",
                            "cost_usd",
                            "revenue_usd",
                            "quality_score_sum",
                            "quality_scored",
                            "is_final",
                            "restatement",
                            "restated_at"));
            this.specs = List.copyOf(specs);
        }

        @Override
        public String key(MarginRow r) {
            return r.primaryKey();
        }

        /** Every sink subtask runs the same idempotent delete; a minute of event time apart. */
        @Override
        public long purgeStepMillis() {
            return 60_000L;
        }

        @Override
        public void purge(Connection c, String schema, long watermark) throws SQLException {
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "DELETE FROM "
                                    + schema
                                    + ".margin_window WHERE window_spec = ? AND window_end <= ?")) {
                for (WindowSpec spec : specs) {
                    ps.setString(1, spec.name);
                    Bind.time(ps, 2, watermark - spec.retentionMillis);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }

        @Override
        public boolean isDelete(MarginRow r) {
            return r.delete;
        }

        @Override
        public void bindKey(PreparedStatement ps, MarginRow r) throws SQLException {
            ps.setString(1, r.tenantId);
            ps.setString(2, r.customerId);
            ps.setString(3, r.featureId);
            ps.setString(4, r.workflowId);
            ps.setString(5, r.windowSpec);
            Bind.time(ps, 6, r.windowStart);
        }

        @Override
        public void bind(PreparedStatement ps, MarginRow r) throws SQLException {
            bindKey(ps, r);
            Bind.time(ps, 7, r.windowEnd);
            ps.setLong(8, r.calls);
            ps.setLong(9, r.errorCalls);
            ps.setLong(10, r.accepted);
            ps.setLong(11, r.rejected);
            ps.setLong(12, r.edited);
            ps.setLong(13, r.abandoned);
            ps.setLong(14, r.pending);
            ps.setLong(15, r.unpricedCalls);
            ps.setLong(16, r.inputTokens);
            ps.setLong(17, r.cachedInputTokens);
            ps.setLong(18, r.outputTokens);
            ps.setLong(19, r.reasoningTokens);
            ps.setBigDecimal(20, r.costUsd);
            ps.setBigDecimal(21, r.revenueUsd);
            Bind.canonical(ps, 22, r.qualityScoreSum);
            ps.setLong(23, r.qualityScored);
            ps.setBoolean(24, r.isFinal);
            // The live computation of a row replaces any restatement of it.
            ps.setNull(25, Types.VARCHAR);
            ps.setNull(26, Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    /**
     * What a reprocessing run after a price fix rewrites of a window row: its cost and unpriced
     * calls (all a price changes) and the restatement mark. Counts, tokens, outcomes and revenue
     * stay as the live job wrote them: revenue in particular may come from records before the range
     * the run reads (a subscription invoiced earlier). No retention purge: the run's watermark says
     * nothing about the age of other rows.
     */
    public static final class RestatedMarginCost extends TableBinding<MarginRow> {
        private static final long serialVersionUID = 1L;

        private final Restatement restatement;

        public RestatedMarginCost(Restatement restatement) {
            super(
                    "margin_window",
                    List.of(
                            "tenant_id",
                            "customer_id",
                            "feature_id",
                            "workflow_id",
                            "window_spec",
                            "window_start"),
                    List.of(
                            "window_end",
                            "unpriced_calls",
                            "cost_usd",
                            "restatement",
                            "restated_at"));
            this.restatement = restatement;
        }

        @Override
        public String key(MarginRow r) {
            return r.primaryKey();
        }

        @Override
        public void bind(PreparedStatement ps, MarginRow r) throws SQLException {
            ps.setString(1, r.tenantId);
            ps.setString(2, r.customerId);
            ps.setString(3, r.featureId);
            ps.setString(4, r.workflowId);
            ps.setString(5, r.windowSpec);
            Bind.time(ps, 6, r.windowStart);
            Bind.time(ps, 7, r.windowEnd);
            ps.setLong(8, r.unpricedCalls);
            ps.setBigDecimal(9, r.costUsd);
            bindRestatement(ps, 10, restatement);
        }
    }

    static void bindRestatement(PreparedStatement ps, int index, Restatement r)
            throws SQLException {
        if (r.isRestating()) {
            ps.setString(index, r.label());
            Bind.time(ps, index + 1, r.atMillis());
        } else {
            ps.setNull(index, Types.VARCHAR);
            ps.setNull(index + 1, Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    /**
     * The call ledger, every column. A reprocessing run writes whole rows too, with its mark: a
     * call in its range is read with everything that decides its row (its outcome comes after it).
     */
    public static final class CallLedger extends TableBinding<CallLedgerRow> {
        private static final long serialVersionUID = 1L;

        private final Restatement restatement;

        public CallLedger() {
            this(Restatement.NONE);
        }

        public CallLedger(Restatement restatement) {
            super(
                    "call_ledger",
                    List.of("tenant_id", "event_id"),
                    List.of(
                            "customer_id",
                            "feature_id",
                            "workflow_id",
                            "occurred_at",
                            "provider",
                            "model",
                            "attribution_source",
                            "input_tokens",
                            "cached_input_tokens",
                            "cache_write_tokens",
                            "output_tokens",
                            "reasoning_tokens",
                            "cost_usd",
                            "cost_source",
                            "price_version",
                            "outcome_status",
                            "quality_score",
                            "revenue_usd",
                            "status",
                            "service_tier",
                            "attribution_conflict",
                            "computed_cost_usd",
                            "unpriced_reason",
                            "outcome_occurred_at",
                            "outcome_late",
                            "late",
                            "kafka_partition",
                            "kafka_offset",
                            "restatement",
                            "restated_at"));
            this.restatement = restatement;
        }

        @Override
        public String key(CallLedgerRow r) {
            return r.call.tenantId + SEP + r.call.eventId;
        }

        @Override
        public void bind(PreparedStatement ps, CallLedgerRow r) throws SQLException {
            CallEvent c = r.call;
            ps.setString(1, c.tenantId);
            ps.setString(2, c.eventId);
            ps.setString(3, c.customerId);
            ps.setString(4, c.featureId);
            ps.setString(5, c.workflowId);
            Bind.time(ps, 6, c.occurredAt);
            ps.setString(7, c.provider);
            Bind.text(ps, 8, c.model);
            ps.setString(9, c.attributionSource);
            ps.setLong(10, c.inputTokens());
            ps.setLong(11, c.cacheRead);
            ps.setLong(12, c.cacheWriteTokens());
            ps.setLong(13, c.outputTokens());
            ps.setLong(14, c.reasoning);
            Bind.money(ps, 15, c.costUsd);
            ps.setString(16, c.costSource);
            Bind.text(ps, 17, c.priceVersion);
            Bind.text(ps, 18, r.outcomeStatus);
            Bind.money(ps, 19, r.qualityScore);
            Bind.money(ps, 20, c.callRevenueUsd);
            ps.setString(21, c.status);
            Bind.text(ps, 22, c.serviceTier);
            ps.setBoolean(23, c.attributionConflict);
            Bind.money(ps, 24, c.computedCostUsd);
            Bind.text(ps, 25, c.unpricedReason);
            Bind.time(ps, 26, r.outcomeOccurredAt);
            ps.setBoolean(27, r.outcomeLate);
            ps.setBoolean(28, r.late);
            ps.setInt(29, c.partition);
            ps.setLong(30, c.offset);
            bindRestatement(ps, 31, restatement);
        }
    }

    public static final class RevenueLedger extends TableBinding<RevenueLedgerRow> {
        private static final long serialVersionUID = 1L;

        public RevenueLedger() {
            super(
                    "revenue_ledger",
                    List.of("tenant_id", "event_id"),
                    List.of(
                            "customer_id",
                            "feature_id",
                            "occurred_at",
                            "amount_usd",
                            "service_start",
                            "service_end",
                            "kind",
                            "source",
                            "late",
                            "kafka_partition",
                            "kafka_offset"));
        }

        @Override
        public String key(RevenueLedgerRow r) {
            return r.revenue.tenantId + SEP + r.revenue.eventId;
        }

        @Override
        public void bind(PreparedStatement ps, RevenueLedgerRow row) throws SQLException {
            RevenueEvent r = row.revenue;
            ps.setString(1, r.tenantId);
            ps.setString(2, r.eventId);
            ps.setString(3, r.customerId);
            ps.setString(4, r.featureId);
            Bind.time(ps, 5, r.occurredAt);
            ps.setBigDecimal(6, r.amountUsd);
            Bind.time(ps, 7, r.serviceStart);
            Bind.time(ps, 8, r.serviceEnd);
            Bind.text(ps, 9, r.kind);
            Bind.text(ps, 10, r.source);
            ps.setBoolean(11, row.late);
            ps.setInt(12, r.partition);
            ps.setLong(13, r.offset);
        }
    }

    public static final class OutcomeLedger extends TableBinding<OutcomeLedgerRow> {
        private static final long serialVersionUID = 1L;

        public OutcomeLedger() {
            super(
                    "outcome_ledger",
                    List.of("tenant_id", "event_id"),
                    List.of(
                            "call_event_id",
                            "occurred_at",
                            "status",
                            "quality_score",
                            "disposition",
                            "kafka_partition",
                            "kafka_offset"));
        }

        @Override
        public String key(OutcomeLedgerRow r) {
            return r.outcome.tenantId + SEP + r.outcome.eventId;
        }

        @Override
        public void bind(PreparedStatement ps, OutcomeLedgerRow row) throws SQLException {
            OutcomeEvent o = row.outcome;
            ps.setString(1, o.tenantId);
            ps.setString(2, o.eventId);
            ps.setString(3, o.callEventId);
            Bind.time(ps, 4, o.occurredAt);
            ps.setString(5, o.status);
            Bind.money(ps, 6, o.qualityScore);
            ps.setString(7, row.disposition);
            ps.setInt(8, o.partition);
            ps.setLong(9, o.offset);
        }
    }

    public static final class Duplicates extends TableBinding<DuplicateDelivery> {
        private static final long serialVersionUID = 1L;

        public Duplicates() {
            super(
                    "duplicate_delivery",
                    List.of("topic", "\"partition\"", "\"offset\""),
                    List.of("tenant_id", "event_id", "occurred_at"));
        }

        @Override
        public boolean hasTimestamp() {
            return false;
        }

        @Override
        public String key(DuplicateDelivery d) {
            return d.topic + SEP + d.partition + SEP + d.offset;
        }

        @Override
        public void bind(PreparedStatement ps, DuplicateDelivery d) throws SQLException {
            ps.setString(1, d.topic);
            ps.setInt(2, d.partition);
            ps.setLong(3, d.offset);
            ps.setString(4, d.tenantId);
            ps.setString(5, d.eventId);
            Bind.time(ps, 6, d.eventTime);
        }
    }

    public static final class DeadLetters extends TableBinding<DeadLetter> {
        private static final long serialVersionUID = 1L;

        public DeadLetters() {
            super(
                    "dead_letter",
                    List.of("topic", "\"partition\"", "\"offset\""),
                    List.of(
                            "received_at",
                            "reason",
                            "payload",
                            "payload_bytes",
                            "tenant_id",
                            "event_id"));
        }

        @Override
        public boolean hasTimestamp() {
            return false;
        }

        @Override
        public String key(DeadLetter d) {
            return d.topic + SEP + d.partition + SEP + d.offset;
        }

        @Override
        public void bind(PreparedStatement ps, DeadLetter d) throws SQLException {
            ps.setString(1, d.topic);
            ps.setInt(2, d.partition);
            ps.setLong(3, d.offset);
            Bind.time(ps, 4, d.receivedAt);
            ps.setString(5, d.reason);
            String text = exactText(d.payload);
            if (text != null) {
                ps.setString(6, text);
                ps.setNull(7, Types.BINARY);
            } else if (d.payload == null) {
                ps.setNull(6, Types.VARCHAR);
                ps.setNull(7, Types.BINARY);
            } else {
                // Postgres text cannot hold NUL or invalid UTF-8: keep a readable rendering and
                // the exact bytes beside it.
                String lossy =
                        new String(d.payload, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
                ps.setString(6, lossy);
                ps.setBytes(7, d.payload);
            }
            Bind.text(ps, 8, d.tenantId);
            Bind.text(ps, 9, d.eventId);
        }

        /** The payload as text when that is lossless in Postgres, else null. */
        static String exactText(byte[] raw) {
            if (raw == null) {
                return null;
            }
            try {
                String s =
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)
                                .decode(ByteBuffer.wrap(raw))
                                .toString();
                return s.indexOf('\u0000') >= 0 ? null : s;
            } catch (CharacterCodingException e) {
                return null;
            }
        }
    }

    /** Alert episodes: a row when one opens, rewritten when it clears (key: the alert id). */
    public static final class Alerts extends TableBinding<Alert> {
        private static final long serialVersionUID = 1L;

        public Alerts() {
            super(
                    "alert",
                    List.of("alert_id"),
                    List.of(
                            "tenant_id",
                            "kind",
                            "subject_type",
                            "subject_id",
                            "scope",
                            "state",
                            "opened_at",
                            "cleared_at",
                            "observed",
                            "threshold",
                            "detail"));
        }

        @Override
        public String key(Alert a) {
            return a.alertId;
        }

        @Override
        public void bind(PreparedStatement ps, Alert a) throws SQLException {
            ps.setString(1, a.alertId);
            ps.setString(2, a.tenantId);
            ps.setString(3, a.kind);
            ps.setString(4, a.subjectType);
            ps.setString(5, a.subjectId);
            ps.setString(6, a.scope);
            ps.setString(7, a.state);
            Bind.time(ps, 8, a.openedAt);
            Bind.time(ps, 9, a.clearedAt == Long.MIN_VALUE ? null : a.clearedAt);
            Bind.money(ps, 10, a.observed);
            Bind.money(ps, 11, a.threshold);
            Bind.text(ps, 12, a.detail);
        }
    }
}
