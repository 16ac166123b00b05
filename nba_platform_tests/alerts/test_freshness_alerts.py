"""Freshness, run-failure and failed-check alerts reach a local webhook server, once per transition.

Freshness states come from Dagster's own freshness daemon (evaluated in-process, time frozen);
the alert sensors run through their real tick machinery (`evaluate_tick`). The local server
records the payloads of the Slack and generic webhook channels; the webhook URLs carry a secret
token that must never appear in logs, tick messages or errors.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.test_utils import freeze_time
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
from dagster._daemon.freshness import FreshnessDaemon

from nba_platform.alerts.notifier import ENV_SLACK, ENV_WEBHOOK, Alert, AlertDeliveryError, AlertNotifier
from nba_platform.alerts.sensors import freshness_alert_sensor, run_failure_alert_sensor
from nba_platform.core.partitions import game_date_partitions
from nba_platform.core.settings import WEBSERVER_URL_ENV as ENV_WEBSERVER
from nba_platform.definitions import raw_player_boxscores, raw_prop_lines
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.resources import local_resources

from ..conftest import REAL_LANDING
from ..helpers import link_real_landing, without_row_rules

ET = ZoneInfo("America/New_York")
SLACK_SECRET = "T0SLACK/B0SLACK/slack-secret-8f3a"
HOOK_SECRET = "hook-secret-41c9"
WEBSERVER = "http://dagster.test:3000"


class WebhookRecorder:
    """A webhook endpoint on 127.0.0.1 that records JSON payloads (and can fail on demand)."""

    def __init__(self):
        self.payloads: list[tuple[str, dict]] = []
        self.statuses: list[int] = []  # responses to serve before answering 200
        self.retry_after = "0"  # the Retry-After of a 429
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = recorder.statuses.pop(0) if recorder.statuses else 200
                if status == 200:
                    recorder.payloads.append((self.path, json.loads(body)))
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", recorder.retry_after)
                self.end_headers()

            def log_message(self, *args):  # the request line holds the secret path
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def hook(self) -> list[dict]:
        return [p for path, p in self.payloads if path.startswith("/hook/")]

    def slack(self) -> list[dict]:
        return [p for path, p in self.payloads if path.startswith("/slack/")]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def webhooks(monkeypatch):
    recorder = WebhookRecorder()
    monkeypatch.setenv(ENV_SLACK, recorder.url(f"/slack/{SLACK_SECRET}"))
    monkeypatch.setenv(ENV_WEBHOOK, recorder.url(f"/hook/{HOOK_SECRET}"))
    monkeypatch.setenv(ENV_WEBSERVER, WEBSERVER)
    yield recorder
    recorder.stop()


def _resources(landing: Path) -> dict:
    return {"alerts": AlertNotifier(backoff_seconds=0.01), "landing": LandingResource(root=str(landing))}


def _tick(sensor, instance, landing: Path, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=_resources(landing))
    data = sensor.evaluate_tick(context)
    return data.cursor, data.skip_message or ""


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert SLACK_SECRET not in text and HOOK_SECRET not in text


@pytest.fixture
def freshness(tmp_path):
    """The real freshness daemon over the project's definitions, plus a landing zone with the
    2025-26 schedule and real lines of 2025-11-05 (a game day)."""
    landing = link_real_landing(tmp_path / "landing", [dt.date(2025, 11, 5)], ["2025-26"])
    resources = local_resources(str(landing), str(tmp_path / "warehouse.duckdb"))
    with dg.instance_for_test() as instance:
        origin = InProcessCodeLocationOrigin(
            LoadableTargetOrigin(module_name="nba_platform.definitions", attribute="defs", working_directory=os.getcwd()),
            location_name="nba_platform",
        )
        with WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(origin)) as workspace:
            daemon = FreshnessDaemon()
            state = {"cursor": None}

            def at(when: dt.datetime, materialize_lines: str | None = None) -> str:
                """At `when`: optionally materialize raw_prop_lines (partition), evaluate freshness,
                tick the alert sensor. Returns raw_prop_lines' freshness state."""
                with freeze_time(when):
                    if materialize_lines:
                        dg.materialize(
                            [raw_prop_lines], partition_key=materialize_lines, resources=resources, instance=instance
                        )
                    list(daemon.run_iteration(workspace))
                    state["cursor"], message = _tick(freshness_alert_sensor, instance, landing, state["cursor"])
                    state["message"] = message
                key = dg.AssetKey("raw_prop_lines")
                return instance.get_freshness_state_records([key])[key].freshness_state.value

            yield instance, at, state


def test_lines_pass_warn_fail_and_recover_with_one_alert_per_transition(freshness, webhooks, caplog):
    instance, at, state = freshness
    day = dt.date(2025, 11, 5)

    def et(hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute), ET)

    caplog.set_level(logging.DEBUG)
    assert at(et(11, 0), materialize_lines="2025-11-05") == "PASS"
    first_run = instance.get_latest_materialization_event(dg.AssetKey("raw_prop_lines")).run_id
    assert webhooks.hook() == []
    assert at(et(13, 31)) == "WARN"  # 2 h 31 min without a new snapshot
    assert at(et(13, 45)) == "WARN"
    assert at(et(14, 1)) == "FAIL"  # 3 h
    assert at(et(14, 30)) == "FAIL"
    assert [(p["severity"], p["status"]) for p in webhooks.hook()] == [("WARN", "firing"), ("FAIL", "firing")]
    assert at(et(14, 40), materialize_lines="2025-11-05") == "PASS"  # a late lines file
    assert at(et(14, 41)) == "PASS"

    hook = webhooks.hook()
    assert [(p["kind"], p["severity"], p["status"]) for p in hook] == [
        ("freshness", "WARN", "firing"),
        ("freshness", "FAIL", "firing"),
        ("freshness", "PASS", "resolved"),
    ]
    assert {(p["asset"], p["partition"]) for p in hook} == {("raw_prop_lines", "2025-11-05")}
    assert [p["run_url"] for p in hook[:2]] == [f"{WEBSERVER}/runs/{first_run}"] * 2
    assert hook[2]["run_url"] != hook[0]["run_url"]  # the recovering run
    assert hook[0]["asset_url"] == f"{WEBSERVER}/assets/raw_prop_lines"
    assert "about to be late" in hook[0]["reason"] and "every ~3 h" in hook[0]["reason"]
    assert "last materialized 2025-11-05 11:00 ET (3.0 h ago)" in hook[1]["reason"]
    slack = webhooks.slack()
    assert [s["text"] for s in slack] == [
        "[WARN] freshness: raw_prop_lines [2025-11-05]",
        "[FAIL] freshness: raw_prop_lines [2025-11-05]",
        "[RESOLVED] freshness: raw_prop_lines [2025-11-05]",
    ]
    assert f"<{WEBSERVER}/runs/{first_run}|run {first_run[:8]}>" in json.dumps(slack[1]["blocks"])
    assert json.loads(state["cursor"]) == {}  # no open incident
    _no_secret(caplog.text, state["message"])


def test_breaches_are_alerted_only_when_the_policys_games_exist(freshness, webhooks):
    _, at, state = freshness

    def et(day, hour, minute=0):
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), ET)

    # Thanksgiving 2025 has no games: lines going stale is not an incident.
    assert at(et("2025-11-27", 11, 0), materialize_lines="2025-11-05") == "PASS"
    assert at(et("2025-11-27", 14, 30)) == "FAIL"
    assert webhooks.payloads == [] and json.loads(state["cursor"]) == {}
    # Still stale the next morning, a game day, but before the lines' alert hours (10:00-19:00 ET).
    assert at(et("2025-11-28", 9, 0)) == "FAIL"
    assert webhooks.payloads == []
    # 10:00: an incident, alerted once.
    assert at(et("2025-11-28", 10, 0)) == "FAIL"
    assert at(et("2025-11-28", 11, 0)) == "FAIL"
    assert [(p["severity"], p["partition"]) for p in webhooks.hook()] == [("FAIL", "2025-11-28")]
    assert json.loads(state["cursor"]) == {"raw_prop_lines": "FAIL"}


def test_a_failed_delivery_is_retried_on_the_next_tick_without_leaking_the_url(freshness, webhooks, caplog):
    _, at, state = freshness
    caplog.set_level(logging.DEBUG)
    day = dt.date(2025, 11, 5)
    assert at(dt.datetime.combine(day, dt.time(11, 0), ET), materialize_lines="2025-11-05") == "PASS"
    webhooks.statuses = [503] * 8  # both channels fail every attempt of this tick
    assert at(dt.datetime.combine(day, dt.time(14, 5), ET)) == "FAIL"
    assert webhooks.payloads == [] and json.loads(state["cursor"]) == {}
    assert "delivery failed for ['raw_prop_lines']" in state["message"]
    assert "slack: HTTP 503" in caplog.text and "webhook: HTTP 503" in caplog.text
    assert at(dt.datetime.combine(day, dt.time(14, 6), ET)) == "FAIL"
    assert [(p["severity"], p["status"]) for p in webhooks.hook()] == [("FAIL", "firing")]
    assert len(webhooks.slack()) == 1
    _no_secret(caplog.text, state["message"])


def test_notifier_retries_429_and_5xx_but_not_other_4xx(webhooks):
    notifier = AlertNotifier(backoff_seconds=0.01)
    alert = Alert(kind="run_failure", status="firing", severity="ERROR", asset="x", partition=None, reason="boom")
    webhooks.statuses = [500, 429]  # the first channel (slack) gets both, then 200
    assert notifier.send(alert) == ["slack", "webhook"]
    assert len(webhooks.payloads) == 2
    webhooks.statuses = [404]
    with pytest.raises(AlertDeliveryError, match=r"slack: HTTP 404 \(not retried\)") as info:
        notifier.send(alert)
    assert len(webhooks.hook()) == 2  # the other channel was still delivered
    _no_secret(str(info.value))


def test_unreachable_endpoint_fails_after_retries_without_leaking_the_url(monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(ENV_WEBHOOK, f"http://127.0.0.1:9/{HOOK_SECRET}")  # discard port: refused
    monkeypatch.delenv(ENV_SLACK, raising=False)
    notifier = AlertNotifier(backoff_seconds=0.01, max_attempts=3)
    alert = Alert(kind="run_failure", status="firing", severity="ERROR", asset="x", partition=None, reason="boom")
    with pytest.raises(AlertDeliveryError, match="webhook: ConnectError") as info:
        notifier.send(alert)
    assert caplog.text.count("alert delivery to webhook failed (webhook: ConnectError)") == 2
    _no_secret(str(info.value), repr(info.value.__cause__), caplog.text)


def test_retry_after_as_an_http_date_is_honoured(webhooks, caplog):
    caplog.set_level(logging.WARNING)
    webhooks.statuses = [429]
    webhooks.retry_after = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2), usegmt=True)
    alert = Alert(kind="run_failure", status="firing", severity="ERROR", asset="x", partition=None, reason="boom")
    # Without the header the backoff would be at most 0.01 s; the date (whole seconds) says 1-2 s from now.
    assert AlertNotifier(backoff_seconds=0.01).send(alert) == ["slack", "webhook"]
    (line,) = [m for m in caplog.messages if "alert delivery to slack failed" in m]
    waited = float(line.rsplit("retrying in ", 1)[1].removesuffix(" s"))
    assert 0.9 <= waited <= 2.0, line


@dg.asset(partitions_def=game_date_partitions)
def exploding_source():
    raise RuntimeError("boom: the source answered 502 three times")


def test_failed_blocking_check_and_failed_step_alert_with_asset_partition_run_link_and_reason(
    tmp_path, webhooks, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    without_row_rules(monkeypatch)  # the row rules would reject the duplicate before keys_unique sees it
    landing = tmp_path / "landing"
    zone = lz.LocalLanding(landing)
    rel = lz.player_boxscores_path("2024-11-01")
    payload = json.loads((REAL_LANDING / rel).read_bytes())
    payload["resultSets"][0]["rowSet"].append(payload["resultSets"][0]["rowSet"][0])  # a duplicated player row
    zone.write(rel, json.dumps(payload).encode())
    resources = local_resources(str(landing), str(tmp_path / "warehouse.duckdb"))
    with dg.instance_for_test() as instance:
        cursor, _ = _tick(run_failure_alert_sensor, instance, landing, None)  # starts after existing runs
        bad_data = dg.materialize(
            [raw_player_boxscores], partition_key="2024-11-01", resources=resources, instance=instance,
            raise_on_error=False,
        )
        broken = dg.materialize([exploding_source], partition_key="2024-11-01", instance=instance, raise_on_error=False)
        assert not bad_data.success and not broken.success
        cursor, _ = _tick(run_failure_alert_sensor, instance, landing, cursor)
        cursor, _ = _tick(run_failure_alert_sensor, instance, landing, cursor)  # nothing new: no repeat

    check, step = webhooks.hook()
    assert (check["kind"], check["asset"], check["check"], check["partition"]) == (
        "check_failure", "raw_player_boxscores", "keys_unique", "2024-11-01"
    )
    assert check["run_url"] == f"{WEBSERVER}/runs/{bad_data.run_id}"
    assert "duplicate_rows=2" in check["reason"]  # both copies of the row
    assert (step["kind"], step["asset"], step["partition"]) == ("run_failure", "exploding_source", "2024-11-01")
    assert step["run_url"] == f"{WEBSERVER}/runs/{broken.run_id}"
    assert "boom: the source answered 502 three times" in step["reason"]
    assert [s["text"] for s in webhooks.slack()] == [
        "[ERROR] blocking check failed: raw_player_boxscores.keys_unique [2024-11-01]",
        "[ERROR] run failed: exploding_source [2024-11-01]",
    ]
    _no_secret(caplog.text)
