"""nba_platform: NBA player points props as a Dagster asset graph."""
