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
            Map.of(
                    "P402_COST", CallCost.class,
                    "P402_USAGE", UsageBuckets.class,
                    "P402_MARGIN_PCT", GrossMarginPct.class,
                    "P402_COST_PER_ACCEPTED", CostPerAccepted.class,
                    "P402_CUSTOMER_ID", OpaqueCustomerId.class);

    private SqlFunctions() {}
}
