"""The sensors that raise alerts: freshness transitions, failed runs and failed blocking checks.

* `freshness_alert_sensor` reads the freshness state the freshness daemon records
  (`instance.get_freshness_state_records`) and alerts once per incident: when an asset leaves PASS
  (WARN or FAIL), again if it escalates WARN -> FAIL, and once more when it is back to PASS
  (resolved). The cursor holds the open incidents, so a state that persists alerts only once.
  A breach is only alerted when the games its policy is about exist (policies.py: `games_on`,
  `alert_hours`), read from the season schedule in the landing zone.
* `run_failure_alert_sensor` alerts for every failed run (any job, any code location, the CLI's
  in-process runs too): one alert per failed blocking check in the run (asset, check, partition,
  the check's metadata as the reason), and one for the run itself when a step failed for another
  reason (the step's error message).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import dagster as dg

from nba_platform import policies
from nba_platform.alerts.notifier import Alert, AlertDeliveryError, AlertNotifier, asset_url, run_url
from nba_platform.core.calendar import TIMEZONE, season_of
from nba_platform.core.dagster_private import get_current_datetime  # the freshness daemon's clock
from nba_platform.landing.resource import LandingResource
from nba_platform.landing.zone import LandingZone
from nba_platform.raw.game_days import COUNTED_GAME_TYPES, games_on, landed_schedule
from nba_platform.raw.parsing import SourceParseError

SEVERITY_RANK = {"WARN": 1, "FAIL": 2}

# Parsed season schedules by location, re-read only when the file's fingerprint moves.
_schedules: dict[str, tuple] = {}


def game_days(zone: LandingZone, log=None) -> Callable[[dt.date], bool]:
    """`is_game_day(date)`: whether the landed season schedule has counted games on the date. A season
    whose schedule has not landed (or does not parse) counts as all game days: with the calendar unknown,
    alerts fail loud."""

    def is_game_day(date: dt.date) -> bool:
        season = season_of(date)
        try:
            schedule = landed_schedule(zone, season, _schedules)
        except SourceParseError as exc:
            if log:
                log.warning(f"game calendar unknown for {season}: {exc}")
            return True
        return schedule is None or not games_on(schedule, date, COUNTED_GAME_TYPES).is_empty()

    return is_game_day


def _freshness_alert(
    instance: dg.DagsterInstance, name: str, state: str, now_et: dt.datetime, resolved: bool
) -> Alert:
    fresh = policies.FRESHNESS[dg.AssetKey(name)]
    partition = (now_et.date() + dt.timedelta(days=fresh.games_on[0])).isoformat()
    latest = instance.get_latest_materialization_event(dg.AssetKey(name))
    if latest is None:
        last, run_id = "never materialized", None
    else:
        at = dt.datetime.fromtimestamp(latest.timestamp, dt.UTC).astimezone(now_et.tzinfo)
        hours = (now_et - at).total_seconds() / 3600
        last, run_id = f"last materialized {at:%Y-%m-%d %H:%M} ET ({hours:.1f} h ago)", latest.run_id or None
    verdict = "back on time" if resolved else ("late" if state == "FAIL" else "about to be late")
    return Alert(
        kind="freshness",
        status="resolved" if resolved else "firing",
        severity=state,
        asset=name,
        partition=partition,
        reason=f"{name} is {verdict}: expected {fresh.expectation}; {last}.",
        run_id=run_id,
        run_url=run_url(run_id) if run_id else None,
        asset_url=asset_url(name),
    )


@dg.sensor(
    name="freshness_alert_sensor",
    description="Alerts once per incident when an asset's freshness turns WARN or FAIL, and on recovery.",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def freshness_alert_sensor(context: dg.SensorEvaluationContext, alerts: AlertNotifier, landing: LandingResource):
    # cursor: {asset: severity alerted} for every open incident
    incidents: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    records = context.instance.get_freshness_state_records(list(policies.FRESHNESS))
    now_et = get_current_datetime(TIMEZONE)
    is_game_day = game_days(landing.zone(), context.log)
    sent, failed = [], []
    for key, fresh in policies.FRESHNESS.items():
        name = key.to_user_string()
        record = records.get(key)
        state = record.freshness_state.value if record else None
        open_severity = incidents.get(name)
        if state == "PASS" and open_severity:
            alert, update = _freshness_alert(context.instance, name, state, now_et, resolved=True), None
        elif state in SEVERITY_RANK and SEVERITY_RANK[state] > SEVERITY_RANK.get(open_severity or "", 0):
            if not fresh.alert_active(now_et, is_game_day):
                continue  # no games this policy is about, or outside its hours: not (yet) an incident
            alert, update = _freshness_alert(context.instance, name, state, now_et, resolved=False), state
        else:
            continue  # unchanged, de-escalated within an incident, UNKNOWN (never materialized)
        try:
            alerts.send(alert)
        except AlertDeliveryError as exc:
            context.log.warning(str(exc))
            failed.append(name)
            continue  # the cursor keeps the old state: the next tick tries again
        sent.append(alert.title)
        if update is None:
            incidents.pop(name, None)
        else:
            incidents[name] = update
    context.update_cursor(json.dumps(incidents, sort_keys=True))
    summary = f"sent {sent}" if sent else "no freshness transitions"
    return dg.SkipReason(summary + (f"; delivery failed for {failed}, retried next tick" if failed else ""))


def _run_partition(run: dg.DagsterRun) -> str | None:
    tags = run.tags
    if "dagster/partition" in tags:
        return tags["dagster/partition"]
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    if start and end:
        return start if start == end else f"{start}..{end}"
    return None


def _root_message(error) -> str:
    """The first line of the innermost cause (the user's exception, not Dagster's wrapper)."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[0]


def _metadata_text(metadata: dict) -> str:
    return ", ".join(f"{k}={getattr(v, 'value', v)}" for k, v in metadata.items()) or "no metadata"


def run_failure_alerts(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[Alert]:
    """The alerts a failed run deserves: its failed blocking checks, then its other step failures."""
    partition = _run_partition(run)
    link = run_url(run.run_id)
    alerts, check_assets = [], set()
    for record in instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.passed or not evaluation.blocking:
            continue
        asset = evaluation.asset_key.to_user_string()
        check_assets.add(asset)
        alerts.append(
            Alert(
                kind="check_failure",
                status="firing",
                severity="ERROR",
                asset=asset,
                check=evaluation.check_name,
                partition=evaluation.partition or partition,
                reason=f"blocking check {evaluation.check_name} failed on {asset} ({_metadata_text(evaluation.metadata)}); "
                "downstream steps of the run were skipped",
                run_id=run.run_id,
                run_url=link,
                asset_url=asset_url(asset),
                job=run.job_name,
            )
        )
    failures = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE).records
    other = [
        r.event_log_entry.dagster_event
        for r in failures
        if r.event_log_entry.dagster_event.step_key not in check_assets
    ]
    if other or not alerts:
        steps = [e.step_key for e in other]
        errors = [_root_message(e.event_specific_data.error) for e in other if e.event_specific_data.error]
        reason = f"step {steps[0]} failed: {errors[0]}" if errors else "the run failed before or outside its steps"
        if len(steps) > 1:
            reason += f" (also failed: {', '.join(steps[1:])})"
        alerts.append(
            Alert(
                kind="run_failure",
                status="firing",
                severity="ERROR",
                asset=steps[0] if steps else None,
                partition=partition,
                reason=reason,
                run_id=run.run_id,
                run_url=link,
                job=run.job_name,
            )
        )
    return alerts


@dg.run_failure_sensor(
    name="run_failure_alert_sensor",
    description="Alerts on every failed run: failed blocking checks and failed steps, with the run link.",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext, alerts: AlertNotifier):
    errors = []
    for alert in run_failure_alerts(context.instance, context.dagster_run):
        try:
            alerts.send(alert)
            context.log.info(f"sent {alert.title}")
        except AlertDeliveryError as exc:
            errors.append(str(exc))
    if errors:
        # The tick shows the (redacted) error; the run's cursor position is not revisited.
        raise AlertDeliveryError("; ".join(errors))


ALERT_SENSORS = [freshness_alert_sensor, run_failure_alert_sensor]
