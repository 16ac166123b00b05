"""`nba-platform` as a user meets it: every error they can cause is one line on stderr and exit status 2
(before any Dagster run), every argument has help, `picks` reads a day's card, backfills print progress."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from google.api_core import exceptions as api_errors
from google.auth import exceptions as auth_errors

from nba_platform import tables as schemas
from nba_platform.cli import build_parser, main
from nba_platform.cli.output import Progress, calibration_lines, clock, evaluation_text, progress_line
from nba_platform.core.warehouse import bigquery as bq
from nba_platform.runner import AUTO_CHUNK_DAYS, ChunkReport, StepReport, auto_chunk_days, chunk_ranges

from .helpers import ROOT

DAY = dt.date(2025, 11, 3)
PROD = {
    "NBA_PLATFORM_ENV": "prod", "NBA_GCP_PROJECT": "nba-test", "NBA_LANDING_DIR": "gs://land/x",
    "NBA_MODELS_GCS": "gs://models/x", "NBA_PUBLISH_DIR": "gs://pub/x",
}


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A scratch platform home; a Dagster run started by a case would create its dagster_home (checked)."""
    for name in ("DAGSTER_HOME", "NBA_PLATFORM_ENV", "NBA_LANDING_SENSOR_INTERVAL_SECONDS", "BIGQUERY_EMULATOR_HOST",
                 *PROD, "NBA_BQ_JOB_TIMEOUT_S", "NBA_BQ_LOCATION", "NBA_BQ_DATASET_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "home"
    monkeypatch.setenv("NBA_PLATFORM_HOME", str(path))
    return path


def _predictions(day: dt.date = DAY) -> pl.DataFrame:
    rows = [
        ("ensemble", "A One", 20.5, 24.1, 0.71, 3.6, "OVER", 0.42),
        ("ensemble", "B Two", 15.5, 12.0, 0.27, -3.5, "UNDER", 0.46),
        ("ensemble", "C Three", 10.5, 10.6, 0.51, 0.1, "PASS", 0.02),
        ("lightgbm", "A One", 20.5, 22.0, 0.60, 1.5, "OVER", 0.20),
        ("ensemble", "D Four", 18.5, 17.0, 0.40, -1.5, "OUT", None),
    ]
    frame = pl.DataFrame(
        [
            {"game_date": day, "game_id": "g1", "player_id": i, "player_lookup": name.lower(), "player_name": name,
             "team_abbr": "AAA", "opponent_team_abbr": "BBB", "system_id": system, "line": line,
             "predicted_points": pred, "p_over": p, "edge": edge, "recommendation": rec, "confidence": conf,
             "model_version": "2025-10-27", "feature_version": "v1",
             "availability_status": "OUT" if rec == "OUT" else "AVAILABLE",
             "availability_source": "nba_injury_report" if rec == "OUT" else "market",
             "availability_reason": "Injury/Illness Left Ankle; Sprain" if rec == "OUT" else None}
            for i, (system, name, line, pred, p, edge, rec, conf) in enumerate(rows)
        ]
    )
    return pl.concat([schemas.empty("player_prop_predictions"), frame], how="diagonal_relaxed").pipe(
        schemas.conform, "player_prop_predictions"
    )


def _warehouse(path: Path, predictions: pl.DataFrame | None) -> Path:
    """A DuckDB warehouse holding only these predictions (no table at all for None)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as conn:
        if predictions is not None:
            conn.register("frame", predictions.to_arrow())
            conn.execute("create schema predictions")
            conn.execute("create table predictions.player_prop_predictions as select * from frame")
    return path


def _box_scores(landing: Path, day: str) -> Path:
    (landing / "nba_stats" / "player_boxscores" / day).mkdir(parents=True)
    return landing


def _raise(exc: BaseException):
    def fail(*_args, **_kwargs):
        raise exc

    return fail


# (argv, environment, setup(home, monkeypatch), the one line on stderr); {home} is the scratch home.
BQ_CASES = {
    "bq-init no credentials": (
        "client", auth_errors.DefaultCredentialsError("Your default credentials were not found."),
        "nba-platform bq-init: no Google Cloud credentials (Your default credentials were not found.): set "
        "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login`"),
    "bq-init expired credentials": (
        "init", auth_errors.RefreshError("invalid_grant: Token has been expired or revoked."),
        "nba-platform bq-init: Google Cloud refused the credentials (invalid_grant: Token has been expired or "
        "revoked.): renew them or use another account"),
    "bq-init no permission": (
        "init", api_errors.Forbidden("POST https://bigquery.googleapis.com/bigquery/v2/projects/nba-test/datasets"
                                     "?prettyPrint=false: Access Denied: Project nba-test: User does not have "
                                     "bigquery.datasets.create permission in project nba-test."),
        "nba-platform bq-init: BigQuery denied access in project nba-test (Access Denied: Project nba-test: User "
        "does not have bigquery.datasets.create permission in project nba-test.): the account needs the BigQuery "
        "Data Editor and BigQuery Job User roles there"),
    "bq-init no project": (
        "init", api_errors.NotFound("POST https://bigquery.googleapis.com/x: Not found: Project nba-test"),
        "nba-platform bq-init: BigQuery found no such resource (Not found: Project nba-test): is "
        "NBA_GCP_PROJECT=nba-test right?"),
    "bq-init bad location": (
        "init", api_errors.BadRequest("POST https://bigquery.googleapis.com/x: Invalid value for location: mars"),
        "nba-platform bq-init: BigQuery rejected the request (Invalid value for location: mars): check "
        "NBA_BQ_LOCATION=US and NBA_BQ_DATASET_PREFIX=''"),
    "bq-init column type changed": (
        "init", bq.WarehouseError("nba-test.raw.raw_schedule.game_status is STRING, the schema says INT64: "
                                  "migrate it by hand"),
        "nba-platform bq-init: nba-test.raw.raw_schedule.game_status is STRING, the schema says INT64: migrate "
        "it by hand"),
}


def _bq_setup(where: str, exc: BaseException):
    def setup(home, monkeypatch):
        if where == "client":
            monkeypatch.setattr(bq, "make_bigquery_client", _raise(exc))
        else:
            monkeypatch.setattr(bq, "make_bigquery_client", lambda *a, **k: _ClosingClient())
            monkeypatch.setattr(bq, "init_warehouse", _raise(exc))

    return setup


class _ClosingClient:
    def close(self) -> None:
        pass


def _no_setup(home, monkeypatch):
    pass


CASES = {
    "backfill start after end": (
        ["backfill", "--start", "2025-01-05", "--end", "2025-01-01"], {}, _no_setup,
        "nba-platform backfill: --start 2025-01-05 is after --end 2025-01-01 (see nba-platform backfill --help)"),
    "backfill chunk-days 0": (
        ["backfill", "--start", "2025-01-01", "--end", "2025-01-05", "--chunk-days", "0"], {}, _no_setup,
        "nba-platform backfill: argument --chunk-days: must be 1 or more, not 0 (see nba-platform backfill --help)"),
    "backfill chunk-days negative": (
        ["backfill", "--start", "2025-01-01", "--end", "2025-01-05", "--chunk-days", "-3"], {}, _no_setup,
        "nba-platform backfill: argument --chunk-days: must be 1 or more, not -3 (see nba-platform backfill --help)"),
    "backfill chunk-days not a number": (
        ["backfill", "--start", "2025-01-01", "--end", "2025-01-05", "--chunk-days", "week"], {}, _no_setup,
        "nba-platform backfill: argument --chunk-days: not a whole number: 'week' (see nba-platform backfill --help)"),
    "backfill malformed date": (
        ["backfill", "--start", "2025-13-01", "--end", "2025-12-05"], {}, _no_setup,
        "nba-platform backfill: argument --start: not a date (YYYY-MM-DD): '2025-13-01' "
        "(see nba-platform backfill --help)"),
    "backfill missing end": (
        ["backfill", "--start", "2025-01-01"], {}, _no_setup,
        "nba-platform backfill: the following arguments are required: --end (see nba-platform backfill --help)"),
    "backfill landing missing": (
        ["backfill", "--start", "2025-01-01", "--end", "2025-01-05", "--landing", "{home}/nowhere"], {}, _no_setup,
        "nba-platform backfill: landing folder {home}/nowhere does not exist"),
    "backfill default landing missing": (
        ["backfill", "--start", "2025-01-01", "--end", "2025-01-05"], {}, _no_setup,
        "nba-platform backfill: landing folder {home}/landing does not exist"),
    "evaluate start after end": (
        ["evaluate", "--landing", "{home}", "--start", "2025-12-01", "--end", "2025-11-01"], {}, _no_setup,
        "nba-platform evaluate: --start 2025-12-01 is after --end 2025-11-01 (see nba-platform evaluate --help)"),
    "evaluate landing missing": (
        ["evaluate", "--landing", "{home}/nowhere", "--start", "2025-11-01", "--end", "2025-11-30"], {}, _no_setup,
        "nba-platform evaluate: landing folder {home}/nowhere does not exist"),
    "evaluate no box scores in the range": (
        ["evaluate", "--landing", "{home}/landing", "--start", "2025-11-01", "--end", "2025-11-30"], {},
        lambda home, _mp: _box_scores(home / "landing", "2024-10-22"),
        "nba-platform evaluate: no box scores under {home}/landing for 2025-11-01..2025-11-30 "
        "(it holds 2024-10-22..2024-10-22)"),
    "evaluate malformed date": (
        ["evaluate", "--landing", "{home}", "--start", "11/01/2025", "--end", "2025-11-30"], {}, _no_setup,
        "nba-platform evaluate: argument --start: not a date (YYYY-MM-DD): '11/01/2025' "
        "(see nba-platform evaluate --help)"),
    "simulate odd teams": (
        ["simulate", "--out", "{home}/sim", "--seed", "1", "--teams", "7"], {}, _no_setup,
        "nba-platform simulate: teams must be an even number from 2 to 30, not 7 (see nba-platform simulate --help)"),
    "simulate too many teams": (
        ["simulate", "--out", "{home}/sim", "--seed", "1", "--teams", "32"], {}, _no_setup,
        "nba-platform simulate: teams must be an even number from 2 to 30, not 32 (see nba-platform simulate --help)"),
    "simulate negative seed": (
        ["simulate", "--out", "{home}/sim", "--seed", "-1"], {}, _no_setup,
        "nba-platform simulate: seed must be 0 or more, not -1 (see nba-platform simulate --help)"),
    "simulate no seasons": (
        ["simulate", "--out", "{home}/sim", "--seed", "1", "--seasons", "0"], {}, _no_setup,
        "nba-platform simulate: seasons must be 1 or more, not 0 (see nba-platform simulate --help)"),
    "demo negative seed": (
        ["demo", "--seed", "-7"], {}, _no_setup,
        "nba-platform demo: seed must be 0 or more, not -7 (see nba-platform demo --help)"),
    "picks no warehouse": (
        ["picks", "--date", "2025-11-03"], {}, _no_setup,
        "nba-platform picks: no warehouse at {home}/warehouse.duckdb: run `nba-platform demo` or `backfill` first"),
    "picks warehouse without predictions": (
        ["picks", "--date", "2025-11-03"], {}, lambda home, _mp: _warehouse(home / "warehouse.duckdb", None),
        "nba-platform picks: the warehouse {home}/warehouse.duckdb holds no predictions yet "
        "(no player_prop_predictions table)"),
    "picks date without predictions": (
        ["picks", "--date", "2025-11-04"], {}, lambda home, _mp: _warehouse(home / "warehouse.duckdb", _predictions()),
        "nba-platform picks: no predictions for 2025-11-04 in the warehouse {home}/warehouse.duckdb "
        "(it holds 2025-11-03..2025-11-03)"),
    "picks unknown system": (
        ["picks", "--date", "2025-11-03", "--system", "oracle"], {},
        lambda home, _mp: _warehouse(home / "warehouse.duckdb", _predictions()),
        "nba-platform picks: no predictions of system 'oracle' for 2025-11-03 (systems: ensemble, lightgbm)"),
    "picks limit 0": (
        ["picks", "--date", "2025-11-03", "--limit", "0"], {}, _no_setup,
        "nba-platform picks: argument --limit: must be 1 or more, not 0 (see nba-platform picks --help)"),
    "picks in prod": (
        ["picks", "--date", "2025-11-03"], PROD, _no_setup,
        "nba-platform picks: picks reads the local DuckDB warehouse; with NBA_PLATFORM_ENV=prod the tables are "
        "in BigQuery"),
    "scrape neither date nor range": (
        ["scrape", "--start", "2025-03-01"], {}, _no_setup,
        "nba-platform scrape: give --date D, or --start A and --end B (see nba-platform scrape --help)"),
    "scrape start after end": (
        ["scrape", "--start", "2025-03-02", "--end", "2025-03-01"], {}, _no_setup,
        "nba-platform scrape: --start 2025-03-02 is after --end 2025-03-01 (see nba-platform scrape --help)"),
    "no command": (
        [], {}, _no_setup,
        "nba-platform: the following arguments are required: command (see nba-platform --help)"),
    "unknown command": (
        ["backfil"], {}, _no_setup,
        "nba-platform: argument command: invalid choice: 'backfil' (choose from 'simulate', 'demo', 'backfill', "
        "'evaluate', 'picks', 'bq-init', 'scrape') (see nba-platform --help)"),
    "invalid NBA_PLATFORM_ENV": (
        ["backfill", "--start", "2025-01-01", "--end", "2025-01-05"], {"NBA_PLATFORM_ENV": "staging"}, _no_setup,
        "nba-platform backfill: NBA_PLATFORM_ENV must be 'local' or 'prod', not 'staging'"),
    "invalid local setting": (
        ["picks", "--date", "2025-11-03"], {"NBA_LANDING_SENSOR_INTERVAL_SECONDS": "-5"}, _no_setup,
        "nba-platform picks: NBA_LANDING_SENSOR_INTERVAL_SECONDS must be a positive number, not '-5'"),
    "bq-init without production settings": (
        ["bq-init"], {}, _no_setup,
        "nba-platform bq-init: NBA_PLATFORM_ENV=prod needs NBA_GCP_PROJECT, NBA_LANDING_DIR, NBA_MODELS_GCS, "
        "NBA_PUBLISH_DIR (see docs/architecture.md)"),
    "bq-init bad timeout": (
        ["bq-init"], {**PROD, "NBA_BQ_JOB_TIMEOUT_S": "soon"}, _no_setup,
        "nba-platform bq-init: NBA_BQ_JOB_TIMEOUT_S must be a positive number, not 'soon'"),
    "bq-init landing not on GCS": (
        ["bq-init"], {**PROD, "NBA_LANDING_DIR": "/data/landing"}, _no_setup,
        "nba-platform bq-init: NBA_LANDING_DIR must be gs://bucket[/prefix], not '/data/landing'"),
    **{name: (["bq-init"], PROD, _bq_setup(where, exc), line) for name, (where, exc, line) in BQ_CASES.items()},
}


@pytest.fixture
def no_runs(monkeypatch):
    """Fails the test if a case starts a Dagster run."""
    from nba_platform import runner

    def started(*_args, **_kwargs):
        raise AssertionError("a Dagster run was started")

    monkeypatch.setattr(runner, "execute_job", started)


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_input_is_one_line_and_exit_2(case, home, no_runs, monkeypatch, capsys):
    argv, env, setup, expected = CASES[case]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    setup(home, monkeypatch)
    code = main([arg.format(home=home) for arg in argv])
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [expected.format(home=home)]
    assert code == 2
    assert "Traceback" not in captured.out + captured.err
    assert not (home / "dagster_home").exists() and not (home / "evaluation").exists()  # no run, no instance


def test_a_service_failure_in_bq_init_is_one_line_and_exit_1(home, monkeypatch, capsys):
    for name, value in PROD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(bq, "make_bigquery_client", lambda *a, **k: _ClosingClient())
    monkeypatch.setattr(bq, "init_warehouse", _raise(api_errors.ServiceUnavailable("GET https://x: Backend Error")))
    assert main(["bq-init"]) == 1
    assert capsys.readouterr().err.splitlines() == ["nba-platform bq-init: BigQuery failed: Backend Error"]


@pytest.mark.parametrize(
    ("argv", "env", "line"),
    [
        (["backfill", "--start", "2025-01-01", "--end", "2025-01-05"], {"NBA_PLATFORM_ENV": "staging"},
         "nba-platform backfill: NBA_PLATFORM_ENV must be 'local' or 'prod', not 'staging'"),
        (["backfill", "--start", "2025-01-09", "--end", "2025-01-05"], {},
         "nba-platform backfill: --start 2025-01-09 is after --end 2025-01-05 (see nba-platform backfill --help)"),
    ],
)
def test_the_command_itself_prints_one_line(argv, env, line, home):
    """The installed entry point, in a process of its own: nothing imported before `main` may fail first."""
    result = subprocess.run([sys.executable, "-m", "nba_platform.cli", *argv], cwd=ROOT, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "NBA_PLATFORM_HOME": str(home), **env}, timeout=120)
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [line], "")


def test_the_cli_answers_without_loading_the_graph():
    """A bad argument or setting is reported before Dagster or LightGBM is imported (and before OpenMP is set)."""
    code = "import sys, nba_platform.cli; print(sorted({'dagster', 'lightgbm'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_every_argument_has_help_and_shows_its_default():
    parser = build_parser()
    commands = _subparsers(parser)
    assert set(commands) == {"simulate", "demo", "backfill", "evaluate", "picks", "bq-init", "scrape"}
    missing = []
    for name, command in commands.items():
        assert command.description, name
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            label = f"{name} {'/'.join(action.option_strings) or action.dest}"
            if not action.help:
                missing.append(f"{label}: no help")
            elif action.default not in (None, False) and "%(default)s" not in action.help:
                missing.append(f"{label}: help does not show its default {action.default!r}")
    assert missing == []
    assert "(default 7)" in commands["demo"].format_help() and "(default 30)" in commands["simulate"].format_help()


def test_help_exits_0(capsys):
    assert main(["backfill", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert f"1 or more (default: the fewest chunks of at most {AUTO_CHUNK_DAYS} dates; a season is 2)" in help_text


# --- picks ---------------------------------------------------------------------------------------------


def test_picks_prints_the_days_card(home, capsys):
    _warehouse(home / "warehouse.duckdb", _predictions())
    assert main(["picks", "--date", "2025-11-03"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("Picks for 2025-11-03 from the ensemble system (4 players: {'OUT': 1, 'OVER': 1, 'PASS': 1, "
                      "'UNDER': 1}; model 2025-10-27; 2 systems in player_prop_predictions)")
    table = "\n".join(out[1:])
    assert table.index("B Two") < table.index("A One") and "C Three" not in table  # most confident first; no PASS
    # The ruled-out player is listed after the picks, with his status, its source and the reason.
    picks, ruled = table.split("Ruled out (no pick):")
    assert "D Four" not in picks and "D Four" in ruled and "nba_injury_report" in ruled and "Left Ankle" in ruled
    assert "market" in picks  # every pick shows where its availability comes from

    assert main(["picks", "--date", "2025-11-03", "--json", "--system", "lightgbm", "--limit", "1"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card == {
        "game_date": "2025-11-03", "system_id": "lightgbm", "model_version": "2025-10-27", "players": 1,
        "recommendations": {"OVER": 1}, "systems": 2,
        "picks": [{"player_name": "A One", "team": "AAA", "opp": "BBB", "line": 20.5, "predicted": 22.0,
                   "p_over": 0.6, "edge": 1.5, "recommendation": "OVER", "confidence": 0.2,
                   "status": "AVAILABLE", "source": "market"}],
        "ruled_out": [],
    }


# --- progress ------------------------------------------------------------------------------------------


def test_clock():
    assert [clock(s) for s in (0, 9.4, 59.6, 61, 3599, 3600, 3725)] == [
        "00:00", "00:09", "01:00", "01:01", "59:59", "1:00:00", "1:02:05"]


def test_progress_line_and_eta_from_the_mean_time_per_date():
    rows = {"team_game_summary": 20, "player_game_summary": 260, "raw_prop_lines": 1500, "ml_feature_store": 270,
            "player_prop_predictions": 1350}
    report = ChunkReport(dt.date(2025, 10, 21), dt.date(2025, 10, 27), 30.0, rows, index=1, total=4)
    # 7 of 26 dates in 70 s: 10 s a date, 19 dates left.
    assert progress_line(report, 70.0, 7, 26) == (
        "[1/4] 2025-10-21..2025-10-27  7 dates  rows: games 10, players 260, lines 1500, features 270, "
        "predictions 1350  elapsed 01:10  ETA 03:10")
    ticks = iter([100.0, 130.0, 145.0])  # start, after chunk 1, after chunk 2
    out = io.StringIO()
    progress = Progress(dt.date(2025, 10, 21), dt.date(2025, 10, 30), out, now=lambda: next(ticks))
    progress(ChunkReport(dt.date(2025, 10, 21), dt.date(2025, 10, 27), 30.0, {}, 1, 2))
    progress(ChunkReport(dt.date(2025, 10, 28), dt.date(2025, 10, 30), 15.0, {}, 2, 2))
    none = "rows: games 0, players 0, lines 0, features 0, predictions 0"
    assert out.getvalue().splitlines() == [  # 30 s for 7 dates: 3 left at 4.3 s each
        f"[1/2] 2025-10-21..2025-10-27  7 dates  {none}  elapsed 00:30  ETA 00:13",
        f"[2/2] 2025-10-28..2025-10-30  3 dates  {none}  elapsed 00:45  ETA 00:00",
    ]


def test_chunk_ranges_cover_the_range_once():
    assert [len(chunk_ranges(dt.date(2025, 1, 1), dt.date(2025, 1, n), 7)) for n in (1, 7, 8, 31)] == [1, 1, 2, 5]
    assert chunk_ranges(dt.date(2025, 1, 1), dt.date(2025, 1, 9), 4) == [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 4)), (dt.date(2025, 1, 5), dt.date(2025, 1, 8)),
        (dt.date(2025, 1, 9), dt.date(2025, 1, 9))]
    with pytest.raises(ValueError, match="chunk_days must be 1 or more"):
        chunk_ranges(dt.date(2025, 1, 1), dt.date(2025, 1, 9), 0)


def test_default_chunks_are_few_and_even():
    season = (dt.date(2024, 10, 22), dt.date(2025, 4, 13))  # 174 dates
    assert auto_chunk_days(*season) == 87 and len(chunk_ranges(*season, auto_chunk_days(*season))) == 2
    day = dt.date(2025, 1, 1)
    assert [auto_chunk_days(day, day + dt.timedelta(days=n - 1)) for n in (1, 30, AUTO_CHUNK_DAYS, AUTO_CHUNK_DAYS + 1)] == [
        1, 30, AUTO_CHUNK_DAYS, (AUTO_CHUNK_DAYS + 2) // 2]


def test_a_step_line_inside_a_chunk():
    out = io.StringIO()
    ticks = iter([100.0, 162.0])
    progress = Progress(dt.date(2025, 10, 21), dt.date(2025, 10, 30), out, now=lambda: next(ticks))
    progress.step(StepReport("points_model 2025-10-27", 2.25, 1, 2))
    assert out.getvalue() == "  points_model 2025-10-27  2.2s  elapsed 01:02\n"


@pytest.mark.integration
def test_a_short_backfill_prints_a_line_per_chunk(home, capsys):
    from nba_platform.core.warehouse.read import read_table
    from nba_platform.simulator import simulate

    simulate(home / "landing", seed=7, teams=6, games_per_team=20, played_through=dt.date(2025, 10, 22))
    assert main(["backfill", "--start", "2025-10-21", "--end", "2025-10-22", "--chunk-days", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    progress = [line for line in out if line.startswith("[")]
    assert [line.split("  rows:")[0] for line in progress] == [
        "[1/2] 2025-10-21..2025-10-21  1 date", "[2/2] 2025-10-22..2025-10-22  1 date"]
    warehouse = str(home / "warehouse.duckdb")
    for day, line in zip(("2025-10-21", "2025-10-22"), progress, strict=True):
        where = f"where game_date = DATE '{day}'"
        games = read_table("team_game_summary", warehouse, where).height // 2
        players = read_table("player_game_summary", warehouse, where).height
        assert games > 0 and f"rows: games {games}, players {players}, lines " in line
        assert line.split("  ")[-2].startswith("elapsed ") and line.split("  ")[-1].startswith("ETA ")
    assert progress[-1].endswith("ETA 00:00") and out[-1].startswith("done in ")
    steps = [line.split("  ")[1] for line in out if line.startswith("  ")]
    assert steps == ["features 2025-10-21..2025-10-21", "points_model 2025-10-20", "predictions 2025-10-21..2025-10-21",
                     "features 2025-10-22..2025-10-22", "predictions 2025-10-22..2025-10-22"]


# --- evaluate's tables -----------------------------------------------------------------------------------


def test_the_evaluation_prints_the_calibration_table():
    calibration = {
        "ensemble": [{"bucket": "0.4-0.5", "n": 120, "mean_p_over": 0.4512, "observed_over": 0.4667},
                     {"bucket": "0.5-0.6", "n": 80, "mean_p_over": 0.5401, "observed_over": 0.525}],
        "lightgbm": [{"bucket": "0.5-0.6", "n": 200, "mean_p_over": 0.55, "observed_over": 0.5}],
    }
    assert calibration_lines(calibration)[1:] == [
        "bucket                ensemble            lightgbm",
        "              pred   obs  rows    pred   obs  rows",
        "0.4-0.5      0.451 0.467   120       -     -     0",
        "0.5-0.6      0.540 0.525    80   0.550 0.500   200",
    ]
    report = {
        "start": "2025-11-01", "end": "2025-11-30", "rows": 900, "rows_with_line": 400, "played_rows": 950,
        "mae": {"ensemble": 4.91, "baseline_last5": 5.5}, "mae_on_lined_rows": {"ensemble": 4.8, "line": 4.7},
        "betting": {"ensemble": {"picks": 50, "hit_rate": 0.52, "hit_rate_95ci": (0.385, 0.652), "roi": -0.01}},
        "brier": {"ensemble": 0.249}, "calibration": calibration, "seconds": 95.2,
    }
    text = evaluation_text(report).splitlines()
    assert text[2] == "ensemble                  4.910      4.800     50     0.520     0.385-0.652  -0.010   0.249"
    assert text[3] == "baseline_last5            5.500          -      -         -               -       -       -"
    assert text[4] == "line                                 4.700"
    assert text[6].startswith("Calibration of p_over") and text[-2] == calibration_lines(calibration)[-1]
    assert text[-1] == "evaluated in 95 s"
    # With the minutes report: its table between the points table and the calibration.
    report["minutes"] = {
        "played_rows": 950, "rows": 880, "rows_with_line": 390,
        "mae": {"projected_minutes": 4.1, "baseline_minutes_last5": 4.6},
        "mae_on_lined_rows": {"projected_minutes": 3.9, "baseline_minutes_last5": 4.2},
    }
    text = evaluation_text(report).splitlines()
    assert text[5:10] == [
        "",
        "Minutes: 880 rows (390 with a line) of 950 played player-games",
        "projection                  MAE all  MAE lined",
        "projected_minutes             4.100      3.900",
        "baseline_minutes_last5        4.600      4.200",
    ]
    assert text[11].startswith("Calibration of p_over")
