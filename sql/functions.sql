-- Purpose: register the P402_* functions on a Flink SQL client other than `p402 sql` (which
-- registers them itself). Put the job jar on the client's classpath first: it holds the functions
-- together with the Jackson they read JSON with (the plain udfs jar does not, and Flink ships only
-- a relocated Jackson):
--   ADD JAR '/path/to/p402-jobs-0.1.0-SNAPSHOT-job.jar';
-- Run this before sql/tables/kafka.sql: its computed columns call P402_EVENT_TIME.
--
-- Sample output (SELECT P402_CUSTOMER_ID('cus_123', 'tenant-secret')):
--   6ba5f8b8...  (64 hex digits)

CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_COST AS 'p402.udfs.sql.CallCost';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_USAGE AS 'p402.udfs.sql.UsageBuckets';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_MARGIN_PCT AS 'p402.udfs.sql.GrossMarginPct';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_COST_PER_ACCEPTED
    AS 'p402.udfs.sql.CostPerAccepted';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_CUSTOMER_ID AS 'p402.udfs.sql.OpaqueCustomerId';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_EVENT_TIME AS 'p402.udfs.sql.EventTime';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_MONEY AS 'p402.udfs.sql.ExactMoney';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_ATTRIBUTE AS 'p402.udfs.sql.CallAttribution';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_REVENUE_WINDOWS
    AS 'p402.udfs.sql.RevenueWindows';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_EARNED AS 'p402.udfs.sql.EarnedRevenue';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_ALLOCATED AS 'p402.udfs.sql.AllocatedRevenue';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_SPLIT AS 'p402.udfs.sql.RevenueSplit';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS P402_WINDOW_ENDS
    AS 'p402.udfs.sql.PassedWindowEnds';
