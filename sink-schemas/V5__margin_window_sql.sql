-- The margin as the Flink SQL alternative job computes it (sql/jobs/live_margin.sql): the same
-- columns as margin_window, so the two can be compared row for row. The live job never writes it.
-- Flyway applies this once; every statement is also safe to run again by hand.

CREATE TABLE IF NOT EXISTS p402.margin_window_sql (LIKE p402.margin_window INCLUDING ALL);
