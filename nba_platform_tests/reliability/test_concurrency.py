"""A reader process reads the warehouse while a backfill process writes it: nothing corrupt, nothing lost.

What the settings do: DuckDB allows one writing process *or* several readers on a file, so a plain
read-only open fails while a run's step holds the file, from its first load to its store ("Could not set lock"). The project's readers
(`runner.read_table`, `connect_read_only`) retry that with backoff, and the IO manager's writer
retries the same way when a reader holds the file; each store is one transaction, so a reader sees a
partition either before or after a run, never half of it. The `duckdb_writer` pool (limit 1) keeps
two runs of one instance from writing at once. The Dagster UI reads the Dagster instance, never the
warehouse.
"""

from __future__ import annotations

import datetime as dt
import time

import duckdb
import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.warehouse.read import connect_read_only, read_table

from ..helpers import table
from .conftest import START, cli_start

# The writer backfills START..CUT in chunks of two dates (three chunks, seven runs), so the table the
# reader reads appears in the first chunk and grows in the next two while the reader reads it.
CUT = START + dt.timedelta(days=4)


def test_reads_during_a_backfill_never_see_partial_data_and_the_run_loses_nothing(reference, tmp_path):
    expected = table("player_game_summary", reference.warehouse).filter(pl.col("game_date") <= CUT)
    expected = dict(expected.group_by("game_date").len().iter_rows())
    home = tmp_path / "home"
    warehouse = home / "warehouse.duckdb"
    writer = cli_start(
        "backfill", "--start", START.isoformat(), "--end", CUT.isoformat(), "--chunk-days", "2",
        "--landing", str(reference.landing), home=home, log=tmp_path / "writer.log",
    )
    reads, refused, held, writer_went_on = 0, 0, False, False
    states = set()  # the sets of dates the reader saw
    began, timeline = time.monotonic(), []  # (s since start, what, s the read waited, rows): a failure's story
    try:
        while writer.poll() is None:
            time.sleep(0.05)
            if not warehouse.exists():
                continue
            # A bare read-only open, as `duckdb -readonly` does it: refused while the writer holds the file.
            try:
                duckdb.connect(str(warehouse), read_only=True).close()
            except duckdb.IOException as exc:
                assert "lock" in str(exc).lower()
                refused += 1
            # The project's reader waits for the lock instead, and sees whole partitions only.
            asked = time.monotonic()
            try:
                rows = read_table("player_game_summary", str(warehouse))
            except duckdb.CatalogException:
                continue  # the table is not created yet
            reads += 1
            timeline.append((round(asked - began, 1), "read", round(time.monotonic() - asked, 1), rows.height))
            states.add(frozenset(rows["game_date"].unique()))
            for day, count in rows.group_by("game_date").len().iter_rows():
                assert count == expected[day], (day, count)
            if not held and rows.height:
                # A reader that keeps its connection open for a while: the writer waits, then goes on.
                with connect_read_only(str(warehouse)) as conn:
                    assert conn.execute("select count(*) from analytics.player_game_summary").fetchone()[0] == rows.height
                    time.sleep(3)
                held = True
                writer_went_on = writer.poll() is None  # the writer was still running when the reader let go
                timeline.append((round(time.monotonic() - began, 1), "held 3 s", None, rows.height))
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait(timeout=60)
    timeline.append((round(time.monotonic() - began, 1), f"writer exited {writer.returncode}", None, None))
    assert writer.returncode == 0, (tmp_path / "writer.log").read_text()
    # How many reads land between the writer's steps depends on the machine's load (CI runs two tests
    # side by side); that the reader held the file mid-run and the run went on and finished does not.
    assert held and writer_went_on and reads >= 2, timeline
    print(f"reads {reads}, states {len(states)}, bare read-only opens refused {refused}")  # noqa: T201
    # Nothing lost or changed by the readers: the tables equal the reference run's rows of those dates.
    for name in schemas.TABLES:
        keys = list(schemas.TABLES[name].keys)
        written = table(name, warehouse).sort(keys)
        assert written.equals(table(name, reference.warehouse).filter(pl.col("game_date") <= CUT).sort(keys)), name
    assert dict(read_table("player_game_summary", str(warehouse)).group_by("game_date").len().iter_rows()) == expected
