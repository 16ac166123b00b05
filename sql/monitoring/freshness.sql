-- Freshness of each table: its last write, the latest game date it holds rows for, and the hours since
-- it was last written. Every table of the warehouse is listed, including one that was never written.
-- Source: monitoring.materialization_log (written by the BigQuery IO manager on every materialization).
-- Query parameter since (DATE): look at game dates from here on (filters on the partition column).
--   bq query --use_legacy_sql=false --parameter=since:DATE:2025-10-01 < sql/monitoring/freshness.sql
WITH expected AS (
  SELECT table_name
  FROM UNNEST([
    'raw_schedule', 'raw_player_boxscores', 'raw_team_boxscores', 'raw_prop_lines', 'raw_injury_report',
    'team_game_summary', 'player_game_summary', 'upcoming_player_game_context', 'ml_feature_store',
    'player_prop_predictions', 'prediction_results', 'system_daily_performance'
  ]) AS table_name
),
writes AS (
  SELECT
    table_name,
    MAX(written_at) AS last_written_at,
    MAX(IF(row_count > 0, game_date, NULL)) AS latest_game_date_with_rows,
    MAX(game_date) AS latest_game_date_written
  FROM monitoring.materialization_log
  WHERE game_date >= @since
  GROUP BY table_name
)
SELECT
  expected.table_name,
  writes.last_written_at,
  writes.latest_game_date_with_rows,
  writes.latest_game_date_written,
  ROUND(TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), writes.last_written_at, MINUTE) / 60, 1) AS hours_since_last_write
FROM expected
LEFT JOIN writes USING (table_name)
ORDER BY writes.last_written_at IS NULL DESC, hours_since_last_write DESC, expected.table_name;
