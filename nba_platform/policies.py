"""Policies instead of cascades: every deadline, automation rule, pool and retry, in one place.

All clock times are America/New_York (the `game_date` calendar). Dagster evaluates the freshness
policies (the freshness daemon) and the automation conditions (the automation condition sensor);
`definitions.py` attaches both to the assets; `alerts.py` turns freshness transitions into alerts.

Deadlines (ET)
--------------
| asset                                       | due                                               | policy        |
|---------------------------------------------|---------------------------------------------------|---------------|
| raw_player_boxscores, raw_team_boxscores    | last night's box scores landed by 04:00           | cron 04:00, since 22:00 |
| team_game_summary, player_game_summary      | last night's games summarized by 06:00            | cron 06:00, since 22:00 |
| prediction_results, system_daily_performance | last night's predictions graded by 06:00         | cron 06:00, since 22:00 |
| exports_tonight, exports_page, exports_players, exports_best_bets | today's files published by 07:00 | cron 07:00, since 00:00 |
| exports_results, exports_systems            | last night's results and records by 07:00         | cron 07:00, since 22:00 |
| upcoming_player_game_context, ml_feature_store | today's players and features built by 06:00   | cron 06:00, since 00:00 |
| points_model (weekly)                       | this week's model trained by Monday 05:00         | cron Mon 05:00, since 7 d |
| player_prop_predictions                     | today's predictions by 07:00                      | cron 07:00, since 00:00 |
| raw_prop_lines                              | a new lines snapshot at least every ~3 h          | window: warn 2h30, fail 3h |
| raw_schedule                                | the season schedule re-read at least weekly       | window: warn 7 d, fail 10 d |
| raw_injury_report                           | a new injury report edition at least every ~2 h   | window: warn 1h30, fail 2h (alerts 12:00-19:00 on game days) |

Dagster's policies know clocks, not the NBA calendar: on a date without games nothing lands, and
the UI shows those assets failing. Alerts are game-aware instead: each policy names the games it
is about (`games_on`: 0 = today's games, -1 = last night's) and the ET hours in which a breach is
worth waking someone (`alert_hours`); `alerts.py` only alerts when those games exist.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import dagster as dg

from nba_platform.core.calendar import TIMEZONE
from nba_platform.core.settings import is_prod

AC = dg.AutomationCondition
_P = TypeVar("_P")


# --------------------------------------------------------------------------------------------
# Freshness
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """A freshness policy, what it promises in words, and when a breach deserves an alert."""

    policy: dg.FreshnessPolicy
    expectation: str
    # Day offsets (0 = today, -1 = yesterday, ET) whose games make a breach matter.
    games_on: tuple[int, ...]
    # ET hours [start, end) in which a breach is alerted.
    alert_hours: tuple[int, int] = (0, 24)

    def alert_active(self, now_et: dt.datetime, is_game_day: Callable[[dt.date], bool]) -> bool:
        """Whether a WARN/FAIL at `now_et` should be alerted."""
        start, end = self.alert_hours
        if not start <= now_et.hour < end:
            return False
        return any(is_game_day(now_et.date() + dt.timedelta(days=offset)) for offset in self.games_on)


@functools.cache  # a cron policy checks its schedule over ~1,000 ticks when made (~10 ms): 5 distinct, 13 uses
def _by(deadline_hour: int, since_hour: int) -> dg.FreshnessPolicy:
    """Materialized between `since_hour` (the evening before when larger) and `deadline_hour` ET."""
    window = (deadline_hour - since_hour) % 24 or 24
    return dg.FreshnessPolicy.cron(
        deadline_cron=f"0 {deadline_hour} * * *", lower_bound_delta=dt.timedelta(hours=window), timezone=TIMEZONE
    )


def _by_key(policies: dict[str, _P]) -> dict[dg.AssetKey, _P]:
    """The table keyed by asset key (`with_policies` and the graph tests look policies up by key)."""
    return {dg.AssetKey(name): policy for name, policy in policies.items()}


_LAST_NIGHT_BOXSCORES = Freshness(_by(4, 22), "last night's box scores landed by 04:00 ET", games_on=(-1,))
_LAST_NIGHT_ANALYTICS = Freshness(_by(6, 22), "last night's games summarized by 06:00 ET", games_on=(-1,))

# Every asset has one (graph/test_policies.py fails on an asset without, or on a name without an asset).
FRESHNESS: dict[dg.AssetKey, Freshness] = _by_key({
    "raw_schedule": Freshness(
        dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(days=10), warn_window=dt.timedelta(days=7)),
        "the season schedule re-read at least weekly",
        games_on=(0,),
    ),
    "raw_player_boxscores": _LAST_NIGHT_BOXSCORES,
    "raw_team_boxscores": _LAST_NIGHT_BOXSCORES,
    "raw_prop_lines": Freshness(
        dg.FreshnessPolicy.time_window(
            fail_window=dt.timedelta(hours=3), warn_window=dt.timedelta(hours=2, minutes=30)
        ),
        "a new points-lines snapshot at least every ~3 h on game days (10:00-19:00 ET)",
        games_on=(0,),
        alert_hours=(10, 19),
    ),
    # The league publishes the report through the day (hourly, every 15 min since late 2025); an
    # edition every ~2 h on a game day afternoon is the least the availability of tonight's players needs.
    "raw_injury_report": Freshness(
        dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=2), warn_window=dt.timedelta(hours=1, minutes=30)),
        "a new injury report edition at least every ~2 h on game days (12:00-19:00 ET)",
        games_on=(0,),
        alert_hours=(12, 19),
    ),
    "team_game_summary": _LAST_NIGHT_ANALYTICS,
    "player_game_summary": _LAST_NIGHT_ANALYTICS,
    "upcoming_player_game_context": Freshness(_by(6, 0), "today's expected players built by 06:00 ET", games_on=(0,)),
    "ml_feature_store": Freshness(_by(6, 0), "today's features built by 06:00 ET", games_on=(0,)),
    "points_model": Freshness(
        dg.FreshnessPolicy.cron(
            deadline_cron="0 5 * * 1", lower_bound_delta=dt.timedelta(days=7), timezone=TIMEZONE
        ),
        "this week's model trained by Monday 05:00 ET",
        games_on=(0,),
    ),
    "player_prop_predictions": Freshness(_by(7, 0), "today's predictions by 07:00 ET", games_on=(0,)),
    "prediction_results": Freshness(_by(6, 22), "last night's predictions graded by 06:00 ET", games_on=(-1,)),
    "system_daily_performance": Freshness(_by(6, 22), "last night's system records by 06:00 ET", games_on=(-1,)),
    # Published files: tonight's picks and page for today, results and records for last night.
    "exports_tonight": Freshness(_by(7, 0), "tonight's picks published by 07:00 ET", games_on=(0,)),
    "exports_page": Freshness(_by(7, 0), "tonight's page published by 07:00 ET", games_on=(0,)),
    "exports_players": Freshness(_by(7, 0), "player pages published by 07:00 ET", games_on=(0,)),
    "exports_results": Freshness(_by(7, 22), "last night's results published by 07:00 ET", games_on=(-1,)),
    "exports_systems": Freshness(_by(7, 22), "system records published by 07:00 ET", games_on=(-1,)),
    "exports_best_bets": Freshness(_by(7, 0), "today's best bets published by 07:00 ET", games_on=(0,)),
})


# --------------------------------------------------------------------------------------------
# Declarative automation
# --------------------------------------------------------------------------------------------
#
# Raw assets have no condition (None in AUTOMATION, on purpose): the landing sensor runs them for
# exactly the dates whose files changed. Everything below reacts to materializations, never to a
# clock, except one fallback.
#
# `AutomationCondition.eager()` does not fit two of our shapes:
#  * it only targets the latest time window, but last night's analytics and grading are for
#    yesterday's partition, and a corrected box score can arrive for any date;
#  * its `~any_deps_missing()` looks at every partition a dependency maps to. The feature store
#    reads 400 days of history through a window mapping, and any missing day in that window
#    (an off-day never materialized, history not backfilled yet) would hold it forever.

# A blocking check that failed on an input's latest materialization holds its consumers: the run
# that wrote the bad input already skipped its own downstream steps, and automation must not pick
# the bad data up in a later run. (Our checks are per asset, not per partition: the hold lasts
# until the input is materialized again with passing checks.)
INPUTS_NOT_BLOCKED = ~AC.any_deps_match(AC.any_checks_match(AC.check_failed(), blocking_only=True)).with_label(
    "any_deps_blocking_check_failed"
)

HISTORY = dg.AssetSelection.assets("player_game_summary", "team_game_summary")

# Lines are optional everywhere: a date may have none (no market, or a season without points lines
# like the 2024-25 replay), and today's predictions are due at 07:00 whether lines are up or not.
# When lines land later, they flow down as an update.
# Injury reports too: the offline replay has none, and a day without a report must not hold tonight's
# context. A new edition is an update like a new lines snapshot: it re-requests today's context, features
# and predictions through the FEATURES and PREDICTIONS conditions below.
OPTIONAL = dg.AssetSelection.assets("raw_prop_lines", "raw_injury_report")

# Same-partition steps: a partition runs when an input partition of the same date was updated
# (or is requested in this tick, and so joins the same run), all its inputs exist, and nothing it
# reads is still being written. Any date, so corrections flow down too.
ON_INPUTS = (
    AC.any_deps_updated().since_last_handled()
    & ~AC.any_deps_missing().ignore(OPTIONAL)
    & INPUTS_NOT_BLOCKED
    & ~AC.any_deps_in_progress()
    & ~AC.in_progress()
).with_label("on_inputs")


# Today's features still missing at 05:30 (their midnight run failed and, the day after an off-day,
# no box scores will land to trigger another) are requested again, so the 06:00 deadline holds.
FEATURES_FALLBACK_CRON = "30 5 * * *"

# The feature store (today's partition only; older partitions are backfilled explicitly):
#  * triggered by a real update of any input partition -- the history window included, so a late
#    or corrected box score rebuilds today's features -- but not by a history partition that is
#    merely requested this tick: that partition runs in another run (another date), and today's
#    features must read it after it is written, on the next tick;
#  * required to exist: today's schedule only; the window may have holes (off-days);
#  * held while any input partition, history included, is being written.
FEATURES = (
    AC.in_latest_time_window()
    & (
        AC.any_deps_match(AC.newly_updated() & ~AC.executed_with_root_target()).with_label(
            "any_deps_newly_updated"
        )
        | (AC.missing() & AC.cron_tick_passed(FEATURES_FALLBACK_CRON, TIMEZONE)).with_label(
            "still_missing_at_05:30"
        )
    ).since_last_handled()
    & ~AC.any_deps_missing().ignore(HISTORY | OPTIONAL)
    & INPUTS_NOT_BLOCKED
    & ~AC.any_deps_in_progress()
    & ~AC.in_progress()
).with_label("features_on_history_or_schedule")

# Predictions (today's partition only): once today's features, schedule and lines all exist, and
# again whenever any of them updates -- a new lines snapshot is a line move (it reaches predictions
# through the context and features) and a new weekly model. This is `eager()` without
# `newly_missing` (plus the blocking-check hold) over the same-date and same-week inputs.
PREDICTIONS = (
    AC.in_latest_time_window()
    # The history window (for the similarity system) neither triggers nor holds predictions:
    # history changes reach them through the features.
    & AC.any_deps_updated().ignore(HISTORY).since_last_handled()
    & ~AC.any_deps_missing().ignore(HISTORY)
    & INPUTS_NOT_BLOCKED
    & ~AC.any_deps_in_progress()
    & ~AC.in_progress()
).with_label("predictions_on_features_and_lines")

# The weekly model: the current week's partition, once, after Monday 04:30 ET (last night's box
# scores are summarized by then; the model trains on everything before the week).
MODEL_CRON = "30 4 * * 1"
POINTS_MODEL = (
    AC.in_latest_time_window()
    & AC.cron_tick_passed(MODEL_CRON, TIMEZONE).since_last_handled()
    & ~AC.in_progress()
).with_label("weekly_model_monday_04:30")

# Exports (files for the website): the date's export whenever a same-date input updates. Their
# season-to-date windows (results, records, player logs over 366 days) have holes, so only the
# same-date inputs are required; a missing result makes the document say "pending", never stale.
WINDOWED = dg.AssetSelection.assets("prediction_results", "system_daily_performance")
EXPORTS = (
    AC.any_deps_updated().since_last_handled()
    & ~AC.any_deps_missing().ignore(HISTORY | OPTIONAL | WINDOWED)
    & INPUTS_NOT_BLOCKED
    & ~AC.any_deps_in_progress()
    & ~AC.in_progress()
).with_label("exports_on_inputs")

# Every asset has an entry; None means no condition on purpose (graph/test_policies.py checks both ways).
AUTOMATION: dict[dg.AssetKey, dg.AutomationCondition | None] = _by_key({
    **{
        name: None
        for name in ("raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines", "raw_injury_report")
    },
    "team_game_summary": ON_INPUTS,
    "player_game_summary": ON_INPUTS,
    # Who plays today reads the same history window as the features: the same rule.
    "upcoming_player_game_context": FEATURES,
    "ml_feature_store": FEATURES,
    "points_model": POINTS_MODEL,
    "player_prop_predictions": PREDICTIONS,
    # Grading waits for the date's box score (player_game_summary) and runs with it.
    "prediction_results": ON_INPUTS,
    "system_daily_performance": ON_INPUTS,
    **{name: EXPORTS for name in ("exports_tonight", "exports_results", "exports_players", "exports_systems", "exports_best_bets", "exports_page")},
})

AUTOMATION_SENSOR_INTERVAL_SECONDS = 30


# --------------------------------------------------------------------------------------------
# Concurrency pools and retries
# --------------------------------------------------------------------------------------------
#
# Every table asset reads and writes the warehouse inside its step, so every step holds a slot of
# the warehouse pool for its whole duration (granularity `op`, see deploy/dagster.yaml).
#  * DuckDB (embedded default): one writing process per file. Pool `duckdb_writer`, limit 1.
#  * BigQuery (NBA_PLATFORM_ENV=prod): pool `bigquery_writer`, limit 8 -- well under the 100
#    concurrent interactive queries and 1,500 table modifications per table per day of the
#    default quotas, while a season backfill still runs as one single-run backfill.
# Scrapers (their own branch) take a pool per source host: `scrape_nba_stats` limit 1 (stats.nba.com
# throttles hard), `scrape_nba_cdn` limit 2, `scrape_odds_api` limit 2 (request quota per month),
# `scrape_nba_injury_report` limit 1 (one edition list at a time: two would race on the same files).
POOL_LIMITS = {
    "duckdb_writer": 1,
    "bigquery_writer": 8,
    "scrape_nba_stats": 1,
    "scrape_nba_cdn": 2,
    "scrape_odds_api": 2,
    "scrape_nba_injury_report": 1,
}


def warehouse_pool() -> str:
    return "bigquery_writer" if is_prod() else "duckdb_writer"


def apply_pool_limits(instance: dg.DagsterInstance) -> dict[str, int]:
    """Set every pool's limit in the instance (what `dagster instance concurrency set` does;
    `make dev` runs it, Dagster+ deployments set the same numbers in their settings)."""
    for pool, limit in POOL_LIMITS.items():
        instance.event_log_storage.set_concurrency_slots(pool, limit)
    return dict(POOL_LIMITS)


# A warehouse step that fails (a lock held by another process, a BigQuery 5xx, a landing read) is
# retried up to 3 times after ~5 s, ~15 s, ~35 s, each +/- up to the base delay so retries of
# parallel steps do not line up. A failed blocking check is not retried (bad data stays bad).
WAREHOUSE_RETRY = dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


# --------------------------------------------------------------------------------------------
# Applying the policies to asset specs (used by definitions.py)
# --------------------------------------------------------------------------------------------


class MissingPolicyError(KeyError):
    """An asset without an entry in FRESHNESS or AUTOMATION (a new asset, or a renamed one)."""


def with_policies(spec: dg.AssetSpec) -> dg.AssetSpec:
    """The spec with its freshness policy and automation condition from the tables above; an asset
    missing from either table is an error, never silently left without a deadline."""
    missing = [table for table, entries in (("FRESHNESS", FRESHNESS), ("AUTOMATION", AUTOMATION)) if spec.key not in entries]
    if missing:
        raise MissingPolicyError(f"{spec.key.to_user_string()} has no entry in policies.{' or '.join(missing)}")
    spec = dg.apply_freshness_policy(spec, FRESHNESS[spec.key].policy)
    condition = AUTOMATION[spec.key]
    if condition is not None:
        spec = spec.replace_attributes(automation_condition=condition)
    return spec
