-- Roll-ups of margin_window to coarser grains. Sums are exact numeric sums of the children, and
-- the derived measures are recomputed from those sums (never averaged from the children's).

CREATE OR REPLACE VIEW p402.margin_by_customer_feature AS
SELECT tenant_id, customer_id, feature_id, window_spec, window_start, window_end,
       sum(calls) AS calls, sum(error_calls) AS error_calls,
       sum(accepted) AS accepted, sum(rejected) AS rejected, sum(edited) AS edited,
       sum(abandoned) AS abandoned, sum(pending) AS pending,
       sum(unpriced_calls) AS unpriced_calls,
       sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
       sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
       sum(cost_usd) AS cost_usd, sum(revenue_usd) AS revenue_usd,
       sum(revenue_usd) - sum(cost_usd) AS gross_margin_usd,
       CASE WHEN sum(revenue_usd) = 0 THEN NULL
            ELSE 100 * (sum(revenue_usd) - sum(cost_usd)) / sum(revenue_usd) END
           AS gross_margin_pct,
       CASE WHEN sum(accepted) = 0 THEN NULL ELSE sum(cost_usd) / sum(accepted) END
           AS cost_per_accepted_usd,
       CASE WHEN sum(quality_scored) = 0 THEN NULL
            ELSE sum(quality_score_sum) / sum(quality_scored) END AS quality_score_avg,
       sum(quality_score_sum) AS quality_score_sum, sum(quality_scored) AS quality_scored,
       bool_and(is_final) AS is_final, max(updated_at) AS updated_at
FROM p402.margin_window
GROUP BY tenant_id, customer_id, feature_id, window_spec, window_start, window_end;

CREATE OR REPLACE VIEW p402.margin_by_customer AS
SELECT tenant_id, customer_id, window_spec, window_start, window_end,
       sum(calls) AS calls, sum(error_calls) AS error_calls,
       sum(accepted) AS accepted, sum(rejected) AS rejected, sum(edited) AS edited,
       sum(abandoned) AS abandoned, sum(pending) AS pending,
       sum(unpriced_calls) AS unpriced_calls,
       sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
       sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
       sum(cost_usd) AS cost_usd, sum(revenue_usd) AS revenue_usd,
       sum(revenue_usd) - sum(cost_usd) AS gross_margin_usd,
       CASE WHEN sum(revenue_usd) = 0 THEN NULL
            ELSE 100 * (sum(revenue_usd) - sum(cost_usd)) / sum(revenue_usd) END
           AS gross_margin_pct,
       CASE WHEN sum(accepted) = 0 THEN NULL ELSE sum(cost_usd) / sum(accepted) END
           AS cost_per_accepted_usd,
       CASE WHEN sum(quality_scored) = 0 THEN NULL
            ELSE sum(quality_score_sum) / sum(quality_scored) END AS quality_score_avg,
       sum(quality_score_sum) AS quality_score_sum, sum(quality_scored) AS quality_scored,
       bool_and(is_final) AS is_final, max(updated_at) AS updated_at
FROM p402.margin_window
GROUP BY tenant_id, customer_id, window_spec, window_start, window_end;

CREATE OR REPLACE VIEW p402.margin_by_tenant AS
SELECT tenant_id, window_spec, window_start, window_end,
       sum(calls) AS calls, sum(error_calls) AS error_calls,
       sum(accepted) AS accepted, sum(rejected) AS rejected, sum(edited) AS edited,
       sum(abandoned) AS abandoned, sum(pending) AS pending,
       sum(unpriced_calls) AS unpriced_calls,
       sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
       sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
       sum(cost_usd) AS cost_usd, sum(revenue_usd) AS revenue_usd,
       sum(revenue_usd) - sum(cost_usd) AS gross_margin_usd,
       CASE WHEN sum(revenue_usd) = 0 THEN NULL
            ELSE 100 * (sum(revenue_usd) - sum(cost_usd)) / sum(revenue_usd) END
           AS gross_margin_pct,
       CASE WHEN sum(accepted) = 0 THEN NULL ELSE sum(cost_usd) / sum(accepted) END
           AS cost_per_accepted_usd,
       CASE WHEN sum(quality_scored) = 0 THEN NULL
            ELSE sum(quality_score_sum) / sum(quality_scored) END AS quality_score_avg,
       sum(quality_score_sum) AS quality_score_sum, sum(quality_scored) AS quality_scored,
       bool_and(is_final) AS is_final, max(updated_at) AS updated_at
FROM p402.margin_window
GROUP BY tenant_id, window_spec, window_start, window_end;

CREATE OR REPLACE VIEW p402.margin_by_feature AS
SELECT tenant_id, feature_id, window_spec, window_start, window_end,
       sum(calls) AS calls, sum(error_calls) AS error_calls,
       sum(accepted) AS accepted, sum(rejected) AS rejected, sum(edited) AS edited,
       sum(abandoned) AS abandoned, sum(pending) AS pending,
       sum(unpriced_calls) AS unpriced_calls,
       sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
       sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
       sum(cost_usd) AS cost_usd, sum(revenue_usd) AS revenue_usd,
       sum(revenue_usd) - sum(cost_usd) AS gross_margin_usd,
       CASE WHEN sum(revenue_usd) = 0 THEN NULL
            ELSE 100 * (sum(revenue_usd) - sum(cost_usd)) / sum(revenue_usd) END
           AS gross_margin_pct,
       CASE WHEN sum(accepted) = 0 THEN NULL ELSE sum(cost_usd) / sum(accepted) END
           AS cost_per_accepted_usd,
       CASE WHEN sum(quality_scored) = 0 THEN NULL
            ELSE sum(quality_score_sum) / sum(quality_scored) END AS quality_score_avg,
       sum(quality_score_sum) AS quality_score_sum, sum(quality_scored) AS quality_scored,
       bool_and(is_final) AS is_final, max(updated_at) AS updated_at
FROM p402.margin_window
GROUP BY tenant_id, feature_id, window_spec, window_start, window_end;

CREATE OR REPLACE VIEW p402.margin_by_workflow AS
SELECT tenant_id, feature_id, workflow_id, window_spec, window_start, window_end,
       sum(calls) AS calls, sum(error_calls) AS error_calls,
       sum(accepted) AS accepted, sum(rejected) AS rejected, sum(edited) AS edited,
       sum(abandoned) AS abandoned, sum(pending) AS pending,
       sum(unpriced_calls) AS unpriced_calls,
       sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
       sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
       sum(cost_usd) AS cost_usd, sum(revenue_usd) AS revenue_usd,
       sum(revenue_usd) - sum(cost_usd) AS gross_margin_usd,
       CASE WHEN sum(revenue_usd) = 0 THEN NULL
            ELSE 100 * (sum(revenue_usd) - sum(cost_usd)) / sum(revenue_usd) END
           AS gross_margin_pct,
       CASE WHEN sum(accepted) = 0 THEN NULL ELSE sum(cost_usd) / sum(accepted) END
           AS cost_per_accepted_usd,
       CASE WHEN sum(quality_scored) = 0 THEN NULL
            ELSE sum(quality_score_sum) / sum(quality_scored) END AS quality_score_avg,
       sum(quality_score_sum) AS quality_score_sum, sum(quality_scored) AS quality_scored,
       bool_and(is_final) AS is_final, max(updated_at) AS updated_at
FROM p402.margin_window
GROUP BY tenant_id, feature_id, workflow_id, window_spec, window_start, window_end;
