-- Pipeline timing per game date: when each phase's partition of a date was last written, and how long
-- the chain took. Source: monitoring.materialization_log, one row per (table, game_date) that the
-- BigQuery IO manager appends after every write (nba_platform/core/warehouse/bigquery.py).
-- Query parameters start_date, end_date (DATE, inclusive ET game dates). Filters on the partition column.
--   bq query --use_legacy_sql=false --parameter=start_date:DATE:2025-11-01 \
--     --parameter=end_date:DATE:2025-11-30 < sql/monitoring/pipeline_timing.sql
WITH writes AS (
  SELECT
    game_date,
    CASE
      WHEN table_name IN ('raw_schedule', 'raw_player_boxscores', 'raw_team_boxscores', 'raw_prop_lines', 'raw_injury_report') THEN 'raw'
      WHEN table_name IN ('team_game_summary', 'player_game_summary', 'upcoming_player_game_context') THEN 'analytics'
      WHEN table_name = 'ml_feature_store' THEN 'features'
      WHEN table_name = 'player_prop_predictions' THEN 'predictions'
      ELSE 'grading'
    END AS phase,
    row_count,
    written_at
  FROM monitoring.materialization_log
  WHERE game_date BETWEEN @start_date AND @end_date
)
SELECT
  game_date,
  MAX(IF(phase = 'raw', written_at, NULL)) AS raw_written_at,
  MAX(IF(phase = 'analytics', written_at, NULL)) AS analytics_written_at,
  MAX(IF(phase = 'features', written_at, NULL)) AS features_written_at,
  MAX(IF(phase = 'predictions', written_at, NULL)) AS predictions_written_at,
  MAX(IF(phase = 'grading', written_at, NULL)) AS graded_at,
  TIMESTAMP_DIFF(
    MAX(IF(phase = 'predictions', written_at, NULL)), MAX(IF(phase = 'raw', written_at, NULL)), SECOND
  ) AS seconds_raw_to_predictions,
  MAX(IF(phase = 'predictions', row_count, NULL)) AS prediction_rows,
  COUNT(*) AS writes
FROM writes
GROUP BY game_date
ORDER BY game_date;
