"""The landing sensor: new or changed files -> runs of the raw assets for exactly their partitions.

The cursor remembers, per landed file, the backend's stat fingerprint (local: size and mtime; GCS:
size, generation and update time) and its content digest (the digest is only recomputed when the
fingerprint moved), so it works the same on a local folder and on a GCS bucket. A schedule file
covers a whole season, so it is tracked per ET date inside it: a status change on one date requests
`raw_schedule` for that date only. Run keys are derived from the changed content, so the same file
never yields a second run.

A platform home filled without the daemon (`nba-platform demo`) starts the sensor from a cursor that
records every landed file as handled (`seed_landing_cursor`), so `make dev` does not request again
what was just materialized.
"""


import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict

import dagster as dg

from nba_platform.core.dagster_private import set_sensor_cursor
from nba_platform.core.partitions import game_date_partitions
from nba_platform.core.settings import Settings
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.raw.parsing import SourceParseError

log = logging.getLogger(__name__)

# Which raw asset each kind of landed file feeds (events lists feed none: the odds files carry them).
ASSET_FOR_KIND = {
    "player_boxscores": "raw_player_boxscores",
    "cdn_boxscore": "raw_player_boxscores",
    "bdl_box_scores": "raw_player_boxscores",
    "team_boxscores": "raw_team_boxscores",
    "schedule": "raw_schedule",
    "odds_player_points": "raw_prop_lines",
    "injury_report": "raw_injury_report",
    "bdl_player_injuries": "raw_injury_report",
}
# An injury report lists the games of its ET date and of the next day; balldontlie news applies to
# each team's next game. Both request the two dates (later games read the file when their day runs).
_NEXT_DAY_KINDS = ("injury_report", "bdl_player_injuries")


def _schedule_units(data: bytes, relpath: str) -> dict[str, str]:
    """Digest of each ET date's games in a season schedule file."""
    games = parse_schedule(data, relpath).drop("source_file")
    units = {}
    for (game_date,), day in games.sort("game_id").group_by(["game_date"], maintain_order=True):
        digest = hashlib.sha256(day.write_csv().encode()).hexdigest()[:16]
        units[f"{relpath}#{game_date}"] = digest
    return units


def scan_landing(
    zone: lz.LandingZone, previous: dict
) -> tuple[dict, dict[str, set[str]], dict[str, list[str]], list[str]]:
    """Compare the landing zone with the previous cursor state.

    Returns the new state, the assets to run per partition date, the changed unit digests per date
    (for run keys) and the files that could not be read.
    """
    old_files: dict = previous.get("files", {})
    old_units: dict = previous.get("units", {})
    files, units, unreadable = {}, {}, []
    for relpath in zone.list():
        landed = lz.classify(relpath)
        if landed is None or landed.kind not in ASSET_FOR_KIND:
            continue
        fingerprint = list(zone.stat_fingerprint(relpath))
        prior = old_files.get(relpath)
        if prior and prior[:-1] == fingerprint:
            files[relpath] = prior
            units.update({k: v for k, v in old_units.items() if k.split("#")[0] == relpath})
            continue
        data = zone.read_bytes(relpath)
        files[relpath] = [*fingerprint, lz.content_digest(data)[:16]]
        if landed.kind == "schedule":
            try:
                units.update(_schedule_units(data, relpath))
            except SourceParseError:
                # raw_schedule quarantines it with the reason; the sensor only notes it.
                unreadable.append(relpath)
                units.update({k: v for k, v in old_units.items() if k.split("#")[0] == relpath})
        else:
            units[f"{relpath}#{landed.key}"] = files[relpath][-1]
            if landed.kind in _NEXT_DAY_KINDS:
                next_day = (dt.date.fromisoformat(landed.key) + dt.timedelta(days=1)).isoformat()
                units[f"{relpath}#{next_day}"] = files[relpath][-1]

    to_run: dict[str, set[str]] = defaultdict(set)
    digests: dict[str, list[str]] = defaultdict(list)
    for unit, digest in units.items():
        if old_units.get(unit) == digest:
            continue
        relpath, game_date = unit.split("#")
        landed = lz.classify(relpath)
        to_run[game_date].add(ASSET_FOR_KIND[landed.kind])
        if landed.kind == "schedule" and lz.bdl_box_scores_path(game_date) in files:
            # balldontlie rows are placed on the schedule's games: a changed schedule re-places them.
            to_run[game_date].add("raw_player_boxscores")
        digests[game_date].append(f"{unit}={digest}")
    return {"files": files, "units": units}, to_run, digests, unreadable


@dg.sensor(
    name="landing_zone_sensor",
    description="Requests raw-asset runs for the game dates whose landed files are new or changed.",
    # Scan every minute; NBA_LANDING_SENSOR_INTERVAL_SECONDS shortens it (local dev, end-to-end tests).
    minimum_interval_seconds=Settings.from_env().landing_sensor_interval_seconds,
    default_status=dg.DefaultSensorStatus.RUNNING,
    target=dg.AssetSelection.groups("raw"),
)
def landing_zone_sensor(context: dg.SensorEvaluationContext, landing: LandingResource):
    previous = json.loads(context.cursor) if context.cursor else {}
    state, to_run, digests, unreadable = scan_landing(landing.zone(), previous)
    for relpath in unreadable:
        context.log.warning(f"landing sensor: {relpath} does not parse; raw_schedule will quarantine it")
    valid = game_date_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    valid_set = set(valid)
    # Changes for dates whose partition does not exist yet (the season schedule lists months ahead;
    # today's partition appears at midnight ET) wait in the cursor until their partition exists.
    deferred: dict[str, str] = dict(previous.get("deferred", {}))
    for unit, digest in sorted(deferred.items()):
        relpath, game_date = unit.split("#")
        if game_date in valid_set:
            to_run[game_date].add(ASSET_FOR_KIND[lz.classify(relpath).kind])
            digests[game_date].append(f"{unit}={digest}")
            del deferred[unit]
    requests = []
    for game_date in sorted(to_run):
        if game_date not in valid_set:
            if valid and game_date > valid[-1]:
                deferred.update(entry.rsplit("=", 1) for entry in digests[game_date])
                context.log.info(f"landing sensor: {game_date} has no partition yet; requested when it does")
            else:
                context.log.warning(f"landing sensor: {game_date} is outside the game_date partitions; skipped")
            continue
        run_key = hashlib.sha256("|".join(sorted(digests[game_date])).encode()).hexdigest()[:20]
        requests.append(
            dg.RunRequest(
                run_key=f"{game_date}:{run_key}",
                partition_key=game_date,
                asset_selection=[dg.AssetKey(a) for a in sorted(to_run[game_date])],
                tags={"nba_platform/trigger": "landing_zone_sensor"},
            )
        )
    state["deferred"] = deferred
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(state, separators=(",", ":")))


def handled_cursor(zone: lz.LandingZone) -> str:
    """The sensor's cursor with every file now in the landing zone recorded as handed to the raw assets:
    from it, only files that land or change later request runs."""
    state, _, _, unreadable = scan_landing(zone, {})
    for relpath in unreadable:
        log.warning("landing sensor cursor: %s does not parse (raw_schedule quarantines it); recorded as seen", relpath)
    state["deferred"] = {}
    return json.dumps(state, separators=(",", ":"))


def seed_landing_cursor(instance: dg.DagsterInstance, zone: lz.LandingZone, location_name: str, module_name: str) -> str:
    """Store `handled_cursor(zone)` as the landing sensor's cursor in `instance` (code location
    `location_name`, loading `module_name`); returns it.

    For a home whose whole landing zone was materialized without the sensor: the demo lands a simulated
    season and materializes it up to its "tonight". Every date after that is the simulation's future,
    which the demo never reaches, though the wall clock has long created its partitions: recorded as
    handled too, or the sensor would request each of them the moment the UI opens."""
    cursor = handled_cursor(zone)
    set_sensor_cursor(instance, location_name, module_name, landing_zone_sensor, cursor)
    return cursor
