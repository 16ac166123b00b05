"""No API key or webhook URL in logs, Dagster event metadata, the instance's files, landed files or the
warehouse -- even when a service echoes the key back in its responses.

A scrape of The Odds API runs as the real job against a local server with a fake key; one response
echoes the key inside valid JSON (landed, scrubbed), one is an HTML page quoting the request URL
(quarantined, scrubbed), one is a 404 quoting it (the run fails with a redacted reason).
The lines are then materialized into the warehouse, and the failed run is alerted to a local webhook
(and to a Slack URL that answers 404) whose URLs carry secret paths. Everything written is scanned.
(Exports are not built on this branch; when they are, add their folder to `_written_files`.)
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import dagster as dg
import pytest
from dagster._serdes import serialize_value

from nba_platform.alerts.notifier import ENV_SLACK, ENV_WEBHOOK, AlertNotifier
from nba_platform.alerts.sensors import run_failure_alert_sensor
from nba_platform.definitions import raw_prop_lines
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.resources import local_resources
from nba_platform.scrape.jobs import SCRAPE_JOBS, run_config
from nba_platform.scrape.resources import scrape_resources

from ..alerts.test_freshness_alerts import WebhookRecorder
from ..scrape_support import HIST_EVENTS_2024_01_25, HIST_ODDS_H2H, KEY, LocalServer, ok, read

pytestmark = pytest.mark.usefixtures("scrape_env")

DAY = dt.date(2024, 1, 24)  # past: historical events and odds
EVENTS = ("f137689983933840bf2f2a91278eb03b", "071ee3e84d6e3ecce12d8c5e4ab4da0b", "cd0bc7d0c238f4446ce1c03d0cea7ec4")
HOOK_SECRET = "hook-path-secret-7d1e"
SLACK_SECRET = "T000/B000/slack-path-secret-90aa"
ODDS = "/v4/historical/sports/basketball_nba/events/{}/odds"


def _written_files(*roots: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file()}


def test_no_secret_reaches_logs_metadata_or_files(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    landing, warehouse, dagster_home = tmp_path / "landing", tmp_path / "warehouse.duckdb", tmp_path / "dagster_home"
    dagster_home.mkdir()
    echo = f"https://api.the-odds-api.com/v4/sports/basketball_nba/events?apiKey={KEY}"
    h2h = read(HIST_ODDS_H2H)
    webhooks = WebhookRecorder()
    with LocalServer() as server, dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        monkeypatch.setenv("ODDS_API_BASE_URL", server.url)
        monkeypatch.setenv(ENV_WEBHOOK, webhooks.url(f"/hook/{HOOK_SECRET}"))
        monkeypatch.setenv(ENV_SLACK, webhooks.url(f"/missing/{SLACK_SECRET}"))
        server.script("/v4/historical/sports/basketball_nba/events", ok(read(HIST_EVENTS_2024_01_25)))
        # 1: valid odds that quote the key in a field; 2: an HTML page quoting the URL; 3: a 404 quoting it.
        server.script(ODDS.format(EVENTS[0]), ok(h2h.replace(b'"bookmakers"', f'"debug":"{echo}","bookmakers"'.encode(), 1)
                                                 .replace(EVENTS[2].encode(), EVENTS[0].encode())))
        server.script(ODDS.format(EVENTS[1]), ok(f"<html><body>Bad request to {echo}</body></html>", headers={"content-type": "text/html"}))
        server.script(ODDS.format(EVENTS[2]), ok(f'{{"message":"no event at {echo}"}}', 404))
        resources = {"landing": LandingResource(root=str(landing))}
        cursor = run_failure_alert_sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, resources={**resources, "alerts": AlertNotifier(backoff_seconds=0.01)})
        ).cursor
        scrape = SCRAPE_JOBS["odds_api"].execute_in_process(
            run_config=run_config("odds_api", DAY), resources={**scrape_resources(), **resources}, instance=instance,
            raise_on_error=False,
        )
        assert not scrape.success  # event 2 was quarantined, event 3 is not there: the run says so
        assert any(f"apiKey={KEY}" in q for q in server.queries)  # the key did reach the API, and only the API
        lines = dg.materialize([raw_prop_lines], partition_key=DAY.isoformat(), instance=instance,
                               resources=local_resources(str(landing), str(warehouse)))
        assert lines.success
        webhooks.statuses = [404]  # the Slack channel (tried first) refuses: a delivery error to report
        tick = run_failure_alert_sensor.evaluate_tick(dg.build_sensor_context(
            instance=instance, cursor=cursor,
            resources={**resources, "alerts": AlertNotifier(backoff_seconds=0.01, max_attempts=2)},
        ))
        events = [serialize_value(e) for e in instance.all_logs(scrape.run_id)]
        events += [serialize_value(e) for e in instance.all_logs(lines.run_id)]
    webhooks.stop()

    # What happened, so the scan below is not vacuous.
    zone = lz.LocalLanding(landing)
    landed = zone.list(f"{lz.ODDS_PLAYER_POINTS}/{DAY}")
    assert len(landed) == 1 and "debug" in zone.read_bytes(landed[0]).decode()
    assert list((landing / lz.QUARANTINE_DIR).rglob("*.reason.txt"))
    (alert,) = webhooks.hook()
    assert alert["kind"] == "run_failure" and "apiKey=***" in alert["reason"]
    assert not webhooks.slack()  # refused with a 404 (the tick reports it, naming the channel only)
    assert "slack: HTTP 404 (not retried)" in serialize_value(tick)

    texts = {
        "logs": caplog.text,
        "events and metadata": "\n".join(events),
        "sensor tick": serialize_value(tick),
        "alert payloads": repr([payload for _path, payload in webhooks.payloads]),  # the bodies sent
    }
    texts.update({path: data.decode("utf-8", "replace") for path, data in _written_files(landing, dagster_home).items()})
    texts[str(warehouse)] = warehouse.read_bytes().decode("latin-1")
    assert len(texts) > 10
    for secret in (KEY, HOOK_SECRET, SLACK_SECRET):
        leaks = [where for where, text in texts.items() if secret in text]
        assert not leaks, f"{secret} found in {leaks}"
