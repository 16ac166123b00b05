"""nba_platform: NBA player points props as a Dagster asset graph.

Importing the package changes nothing in the process: the entry points configure it explicitly
(`nba_platform.core.settings.configure_openmp`, the log redaction when a client is built).
"""
