package p402.jobs.alerts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import p402.jobs.events.MarginInput;

/**
 * Budget alerts per customer, keyed by (tenant, customer), on the stream of distinct calls (the
 * join's CALL inputs: repeats are already gone).
 *
 * <p>A month's cost is the sum of its priced calls' cost (unpriced calls cost nothing known). With
 * a budget for the month (the customer's own, else the tenant's default, from {@link BudgetBook})
 * it raises {@code budget_share} when the cost reaches each configured share of it, and {@code
 * budget_projected} when the month's projected cost passes it: cost so far / elapsed fraction of
 * the month, the elapsed time being the latest call time in the month less the month's start (event
 * time, so a replay projects as the live run did). No projection before {@code minElapsed}: two
 * hours into a month any run rate projects wildly.
 *
 * <p>State: {@code month}, the current month's spend and open alerts. An event-time timer at the
 * month's end clears its open alerts and the state. Known limitation: a call of an earlier month
 * that arrives after the next month's first call is not counted (metric {@code budgetLateCalls}); a
 * raised budget clears an alert only at the customer's next call.
 */
public final class BudgetWatch extends KeyedProcessFunction<String, MarginInput, Alert> {

    private static final long serialVersionUID = 1L;

    public static final String BUDGET_SHARE = "budget_share";
    public static final String BUDGET_PROJECTED = "budget_projected";

    private final List<BigDecimal> shares;
    private final long minElapsedMillis;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final String schema;
    private final long refreshMillis;

    private transient BudgetBook book;
    private transient ValueState<MonthSpend> month;
    private transient Counter lateCalls;

    public BudgetWatch(
            List<BigDecimal> shares,
            long minElapsedMillis,
            String jdbcUrl,
            String jdbcUser,
            String jdbcPassword,
            String schema,
            long refreshMillis) {
        this.shares = List.copyOf(shares);
        this.minElapsedMillis = minElapsedMillis;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        this.schema = schema;
        this.refreshMillis = refreshMillis;
    }

    @Override
    public void open(OpenContext context) {
        book = new BudgetBook(jdbcUrl, jdbcUser, jdbcPassword, schema, refreshMillis);
        month = getRuntimeContext().getState(new ValueStateDescriptor<>("month", MonthSpend.class));
        lateCalls = getRuntimeContext().getMetricGroup().counter("budgetLateCalls");
    }

    @Override
    public void processElement(MarginInput in, Context ctx, Collector<Alert> out) throws Exception {
        if (in.type != MarginInput.Type.CALL || in.delta == null) {
            return;
        }
        MonthSpend m = month.value();
        if (m != null && in.eventTime < m.monthStart) {
            lateCalls.inc();
            return;
        }
        if (m != null && in.eventTime >= m.monthEnd) {
            endMonth(m, out);
            m = null;
        }
        if (m == null) {
            m = startMonth(in.eventTime);
            ctx.timerService().registerEventTimeTimer(m.monthEnd);
        }
        m.costUsd = m.costUsd.add(in.delta.costUsd);
        m.latestCallAt = Math.max(m.latestCallAt, in.eventTime);

        String name = monthName(m.monthStart);
        BigDecimal budget =
                book.budget(
                        in.tenantId,
                        in.customerId,
                        name,
                        ctx.timerService().currentProcessingTime());
        AlertSubject who = new AlertSubject(in.tenantId, AlertSubject.CUSTOMER, in.customerId);
        evaluate(m, who, name, budget, in.eventTime, out);
        month.update(m);
    }

    private void evaluate(
            MonthSpend m,
            AlertSubject who,
            String name,
            BigDecimal budget,
            long at,
            Collector<Alert> out) {
        for (int i = 0; i < shares.size(); i++) {
            BigDecimal limit = budget == null ? null : budget.multiply(shares.get(i));
            boolean holds = limit != null && m.costUsd.compareTo(limit) >= 0;
            BigDecimal share = shares.get(i);
            if (holds && m.shares[i] == null) {
                m.shares[i] =
                        Alert.open(
                                BUDGET_SHARE,
                                who,
                                name,
                                at,
                                m.costUsd,
                                limit,
                                "cost "
                                        + m.costUsd.toPlainString()
                                        + " USD reached "
                                        + share.movePointRight(2)
                                                .stripTrailingZeros()
                                                .toPlainString()
                                        + " % of the budget "
                                        + budget.toPlainString());
                out.collect(m.shares[i]);
            } else if (!holds && m.shares[i] != null) {
                out.collect(m.shares[i].cleared(at, "budget raised"));
                m.shares[i] = null;
            }
        }

        long elapsed = m.latestCallAt - m.monthStart;
        BigDecimal projected =
                budget == null || elapsed < minElapsedMillis
                        ? null
                        : m.costUsd
                                .multiply(BigDecimal.valueOf(m.monthEnd - m.monthStart))
                                .divide(BigDecimal.valueOf(elapsed), 12, RoundingMode.HALF_EVEN);
        boolean over = projected != null && projected.compareTo(budget) > 0;
        if (over && m.projected == null) {
            m.projected =
                    Alert.open(
                            BUDGET_PROJECTED,
                            who,
                            name,
                            at,
                            projected,
                            budget,
                            "projected month cost "
                                    + projected.toPlainString()
                                    + " USD at the run rate so far, budget "
                                    + budget.toPlainString());
            out.collect(m.projected);
        } else if (!over && m.projected != null && projected != null) {
            out.collect(m.projected.cleared(at, "the run rate fell back under the budget"));
            m.projected = null;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        MonthSpend m = month.value();
        if (m != null && m.monthEnd <= timestamp) {
            if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
                endMonth(m, out);
            }
            // At the end of a bounded input the month has not ended: its alerts stay open.
            month.clear();
        }
    }

    private static void endMonth(MonthSpend m, Collector<Alert> out) {
        for (Alert a : m.shares) {
            if (a != null) {
                out.collect(a.cleared(m.monthEnd, "the month ended"));
            }
        }
        if (m.projected != null) {
            out.collect(m.projected.cleared(m.monthEnd, "the month ended"));
        }
    }

    private MonthSpend startMonth(long eventTime) {
        YearMonth ym = YearMonth.from(Instant.ofEpochMilli(eventTime).atOffset(ZoneOffset.UTC));
        MonthSpend m = new MonthSpend();
        m.monthStart = ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        m.monthEnd =
                ym.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        m.latestCallAt = eventTime;
        m.shares = new Alert[shares.size()];
        return m;
    }

    static String monthName(long monthStart) {
        return YearMonth.from(Instant.ofEpochMilli(monthStart).atOffset(ZoneOffset.UTC)).toString();
    }
}
