package p402.udfs.sql;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;
import p402.udfs.cost.CostEngine;
import p402.udfs.cost.CostQuote;
import p402.udfs.cost.InvalidUsageException;
import p402.udfs.cost.UsageVector;

/**
 * {@code P402_COST(provider, model, usage_json, occurred_at [, service_tier])}: what one call cost,
 * priced by the same {@link CostEngine} as the margin job, with the price version in force at
 * {@code occurred_at}.
 *
 * <p>Returns {@code ROW<cost_usd DECIMAL(38, 18), price_version STRING, unpriced_reason STRING>}.
 * An unpriced call (unknown model, no price at that time, usage that does not add up) has a null
 * {@code cost_usd} and says why in {@code unpriced_reason}; it is never 0.
 *
 * <p>{@code occurred_at} is a {@code TIMESTAMP_LTZ} or a {@code TIMESTAMP} read as UTC. The book is
 * the built-in one plus, when the pipeline sets {@value #PRICES_FILE_PARAMETER}, that file.
 */
@FunctionHint(
        output =
                @DataTypeHint(
                        "ROW<cost_usd DECIMAL(38, 18), price_version STRING,"
                                + " unpriced_reason STRING>"))
public class CallCost extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    /** The pipeline parameter naming an extra price book (our format or a LiteLLM map). */
    public static final String PRICES_FILE_PARAMETER = "p402.prices.file";

    private transient CostEngine engine;

    @Override
    public void open(FunctionContext context) throws Exception {
        engine = SqlPriceBook.engine(context.getJobParameter(PRICES_FILE_PARAMETER, ""));
    }

    public Row eval(String provider, String model, String usageJson, Instant occurredAt) {
        return eval(provider, model, usageJson, occurredAt, null);
    }

    public Row eval(
            String provider, String model, String usageJson, Instant occurredAt, String tier) {
        if (occurredAt == null) {
            return unpriced("no occurred_at");
        }
        UsageVector usage;
        try {
            usage = UsageJson.normalize(provider, usageJson);
        } catch (InvalidUsageException e) {
            return unpriced("invalid usage: " + e.getMessage());
        }
        CostQuote quote =
                engine().quote(
                                provider == null ? null : provider.trim(),
                                model,
                                usage,
                                tier,
                                occurredAt.toEpochMilli());
        if (!quote.isPriced()) {
            return unpriced(quote.unpricedReason);
        }
        return Row.of(SqlDecimals.fit(quote.costUsd, 38, 18), quote.priceVersion, null);
    }

    public Row eval(String provider, String model, String usageJson, LocalDateTime occurredAt) {
        return eval(provider, model, usageJson, occurredAt, null);
    }

    public Row eval(
            String provider,
            String model,
            String usageJson,
            LocalDateTime occurredAt,
            String tier) {
        Instant at = occurredAt == null ? null : occurredAt.toInstant(ZoneOffset.UTC);
        return eval(provider, model, usageJson, at, tier);
    }

    private CostEngine engine() {
        if (engine == null) {
            // Constant folding at planning time calls eval without open().
            engine = CostEngine.builtIn();
        }
        return engine;
    }

    private static Row unpriced(String reason) {
        return Row.of((BigDecimal) null, null, reason);
    }
}
