-- BigQuery cost per day of the platform's jobs (every job it starts carries the label app=nba_platform),
-- from INFORMATION_SCHEMA.JOBS_BY_PROJECT. Replace `region-us` with the datasets' location
-- (NBA_BQ_LOCATION). Query parameters start_date, end_date (DATE, inclusive, UTC days), usd_per_tib
-- (on-demand price per TiB billed; check the current price list). Filters on creation_time, the view's
-- partition column.
--   bq query --use_legacy_sql=false --parameter=start_date:DATE:2025-11-01 --parameter=end_date:DATE:2025-11-30 \
--     --parameter=usd_per_tib:FLOAT64:6.25 < sql/monitoring/cost_per_day.sql
SELECT
  DATE(creation_time) AS day,
  job_type,
  statement_type,
  COUNT(*) AS jobs,
  COUNTIF(error_result IS NOT NULL) AS failed_jobs,
  SUM(total_bytes_billed) AS bytes_billed,
  ROUND(SUM(total_bytes_billed) / POW(1024, 4) * @usd_per_tib, 4) AS estimated_usd,
  ROUND(SUM(total_slot_ms) / 3600000, 3) AS slot_hours,
  MAX(total_bytes_billed) AS largest_job_bytes_billed
FROM `region-us`.INFORMATION_SCHEMA.JOBS_BY_PROJECT
WHERE creation_time >= TIMESTAMP(@start_date)
  AND creation_time < TIMESTAMP(DATE_ADD(@end_date, INTERVAL 1 DAY))
  AND EXISTS (SELECT 1 FROM UNNEST(labels) AS label WHERE label.key = 'app' AND label.value = 'nba_platform')
GROUP BY day, job_type, statement_type
ORDER BY day, estimated_usd DESC;
