"""`make dev`: `dagster dev` loads the definitions and the UI serves every asset with its lineage."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

EXPECTED_EDGES = {
    ("team_game_summary", "raw_team_boxscores"),
    ("team_game_summary", "raw_schedule"),
    ("team_game_summary", "raw_player_boxscores"),
    ("player_game_summary", "raw_player_boxscores"),
    ("player_game_summary", "team_game_summary"),
    ("player_game_summary", "raw_prop_lines"),
    ("player_game_summary", "raw_schedule"),
    ("upcoming_player_game_context", "raw_schedule"),
    ("upcoming_player_game_context", "raw_prop_lines"),
    ("upcoming_player_game_context", "player_game_summary"),
    ("upcoming_player_game_context", "team_game_summary"),
    ("ml_feature_store", "upcoming_player_game_context"),
    ("ml_feature_store", "player_game_summary"),
    ("ml_feature_store", "team_game_summary"),
    ("points_model", "ml_feature_store"),
    ("points_model", "player_game_summary"),
    ("points_model", "team_game_summary"),
    ("player_prop_predictions", "ml_feature_store"),
    ("player_prop_predictions", "points_model"),
    ("player_prop_predictions", "player_game_summary"),
    ("player_prop_predictions", "team_game_summary"),
    ("system_daily_performance", "prediction_results"),
    ("prediction_results", "player_prop_predictions"),
    ("prediction_results", "player_game_summary"),
    ("exports_tonight", "player_prop_predictions"),
    ("exports_tonight", "ml_feature_store"),
    ("exports_tonight", "raw_schedule"),
    ("exports_results", "prediction_results"),
    ("exports_results", "player_prop_predictions"),
    ("exports_players", "player_game_summary"),
    ("exports_players", "prediction_results"),
    ("exports_players", "player_prop_predictions"),
    ("exports_systems", "system_daily_performance"),
    ("exports_page", "exports_tonight"),
    ("exports_page", "exports_systems"),
    ("exports_page", "player_prop_predictions"),
    ("exports_page", "ml_feature_store"),
    ("exports_page", "raw_schedule"),
    ("exports_page", "system_daily_performance"),
}
PUBLISHING = {"exports_tonight", "exports_results", "exports_players", "exports_systems", "exports_page"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reset_signals() -> None:
    # `dagster dev` started from a non-interactive parent ignores SIGINT/SIGTERM; restore defaults.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture
def dagster_dev(tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "NBA_PLATFORM_HOME": str(tmp_path / "home")}
    Path(env["DAGSTER_HOME"]).mkdir()
    Path(env["DAGSTER_HOME"], "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.Popen(
        [str(dagster), "dev", "-m", "nba_platform.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_reset_signals, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"dagster dev exited with {proc.returncode}")
                time.sleep(0.5)
        else:
            pytest.fail("dagster dev did not answer within 90 s")
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_ui_shows_every_asset_with_its_lineage(dagster_dev):
    deadline = time.monotonic() + 60
    while True:
        data = _graphql(dagster_dev, "{ assetNodes { assetKey { path } dependencyKeys { path } groupName } }")
        nodes = (data.get("data") or {}).get("assetNodes") or []
        if nodes or time.monotonic() > deadline:
            break
        time.sleep(1)  # the code location may still be loading
    names = {n["assetKey"]["path"][-1] for n in nodes}
    assert names == {
        "raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines", "team_game_summary",
        "player_game_summary", "upcoming_player_game_context", "ml_feature_store",
        "points_model", "system_daily_performance", "player_prop_predictions", "prediction_results", *PUBLISHING,
    }
    assert {n["assetKey"]["path"][-1] for n in nodes if n["groupName"] == "publishing"} == PUBLISHING
    edges = {(n["assetKey"]["path"][-1], d["path"][-1]) for n in nodes for d in n["dependencyKeys"]}
    assert edges == EXPECTED_EDGES
    sensors = _graphql(
        dagster_dev,
        '{ repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name } } } } }',
    )
    names = {s["name"] for r in sensors["data"]["repositoriesOrError"]["nodes"] for s in r["sensors"]}
    assert "landing_zone_sensor" in names
