package p402.udfs.sql;

import java.util.Map;
import org.apache.flink.table.functions.UserDefinedFunction;

/**
 * The SQL names of the functions, as the project's runner registers them. On any other Flink SQL
 * client, with this module's jar on the classpath ({@code ADD JAR} or {@code -j}):
 *
 * <pre>{@code
 * CREATE TEMPORARY SYSTEM FUNCTION P402_COST AS 'p402.udfs.sql.CallCost';
 * }</pre>
 */
public final class SqlFunctions {

    public static final Map<String, Class<? extends UserDefinedFunction>> ALL =
            Map.ofEntries(
                    Map.entry("P402_COST", CallCost.class),
                    Map.entry("P402_USAGE", UsageBuckets.class),
                    Map.entry("P402_MARGIN_PCT", GrossMarginPct.class),
                    Map.entry("P402_COST_PER_ACCEPTED", CostPerAccepted.class),
                    Map.entry("P402_CUSTOMER_ID", OpaqueCustomerId.class),
                    Map.entry("P402_EVENT_TIME", EventTime.class),
                    Map.entry("P402_MONEY", ExactMoney.class),
                    Map.entry("P402_ATTRIBUTE", CallAttribution.class),
                    Map.entry("P402_REVENUE_WINDOWS", RevenueWindows.class),
                    Map.entry("P402_EARNED", EarnedRevenue.class),
                    Map.entry("P402_ALLOCATED", AllocatedRevenue.class),
                    Map.entry("P402_SPLIT", RevenueSplit.class),
                    Map.entry("P402_WINDOW_ENDS", PassedWindowEnds.class));

    private SqlFunctions() {}
}
