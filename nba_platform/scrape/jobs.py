"""Scraping jobs: one op per source that only lands files (no assets; the landing sensor takes over).

Each op requires the resource ``landing`` and its source's scraper resource (key = source name, built by
`scrape.resources.scrape_resources` for the definitions and the CLI alike).

Each op runs in the pool ``scrape_<source>`` and each run carries the tag ``nba_platform/scrape_source``,
so with the instance limits of `docs/runbook.md` two scrapes of one source never run at once (they
would share a rate limit and race on the same files). The op's output metadata holds what landed,
what was unchanged, why it skipped, and the Odds API quota headers.
"""


import datetime as dt
from typing import Any

import dagster as dg
from pydantic import Field

from nba_platform.scrape.errors import ScrapeError
from nba_platform.scrape.run import BOX_SCORE_FALLBACKS, ET, Scraper

SOURCE_TAG = "nba_platform/scrape_source"
# Which ET date a job scrapes when its config leaves it empty: days before the run's start.
DEFAULT_DAYS_BACK = {"nba_cdn": 1, "nba_stats": 1, "odds_api": 0}
# The scrapers a source's op may also use: stats.nba.com's box scores fall back on cdn.nba.com, then balldontlie.
FALLBACK_RESOURCES = {"nba_stats": BOX_SCORE_FALLBACKS}


class ScrapeConfig(dg.Config):
    game_date: str = Field(
        default="",
        description="ET game date YYYY-MM-DD. Empty: yesterday for nba_cdn (play-by-play) and nba_stats, "
        "today for odds_api.",
    )


def _metadata(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, (list, dict)):
            out[key] = dg.MetadataValue.json(value)
        elif isinstance(value, str) and value.isdigit():
            out[key] = int(value)
        else:
            out[key] = value
    return out


def resolve_date(source: str, value: str, now: dt.datetime | None = None) -> dt.date:
    if value:
        return dt.date.fromisoformat(value)
    today = (now or dt.datetime.now(dt.UTC)).astimezone(ET).date()
    return today - dt.timedelta(days=DEFAULT_DAYS_BACK[source])


def _scrape_op(source: str, description: str) -> dg.OpDefinition:
    @dg.op(
        name=f"scrape_{source}",
        description=description,
        pool=f"scrape_{source}",
        out=dg.Out(dict),
        # Keys, not typed parameters: the scraper's key is the source, which a parameter name cannot vary by.
        required_resource_keys={"landing", source, *FALLBACK_RESOURCES.get(source, ())},
    )
    def _op(context: dg.OpExecutionContext, config: ScrapeConfig):
        game_date = resolve_date(source, config.game_date)
        resources = {key: getattr(context.resources, key) for key in (source, *FALLBACK_RESOURCES.get(source, ()))}
        scraper = Scraper(context.resources.landing.zone(), resources=resources, logger=context.log)
        try:
            report = scraper.run(source, game_date)
        except ScrapeError as exc:
            context.log.error(exc.one_line())
            partial = exc.report.metadata() if exc.report is not None else {}
            raise dg.Failure(description=exc.one_line(), metadata=_metadata(partial)) from exc
        finally:
            scraper.close()
        context.log.info(f"{source} {game_date}: {report.summary()}")
        return dg.Output(report.metadata(), metadata=_metadata(report.metadata()))

    return _op


scrape_nba_cdn = _scrape_op(
    "nba_cdn", "Land the season schedule (cdn.nba.com) and the box score and play-by-play of the date's final games."
)
scrape_nba_stats = _scrape_op(
    "nba_stats",
    "Land the date's player and team leaguegamelog (stats.nba.com); when stats.nba.com fails for good, the "
    "box scores of every final game from cdn.nba.com, else balldontlie (metadata: box_score_source).",
)
scrape_odds_api = _scrape_op(
    "odds_api", "Land the date's events and each event's player_points odds (The Odds API; historical for past dates)."
)


@dg.job(name="scrape_nba_cdn_job", tags={SOURCE_TAG: "nba_cdn"}, description=scrape_nba_cdn.description)
def scrape_nba_cdn_job():
    scrape_nba_cdn()


@dg.job(name="scrape_nba_stats_job", tags={SOURCE_TAG: "nba_stats"}, description=scrape_nba_stats.description)
def scrape_nba_stats_job():
    scrape_nba_stats()


@dg.job(name="scrape_odds_api_job", tags={SOURCE_TAG: "odds_api"}, description=scrape_odds_api.description)
def scrape_odds_api_job():
    scrape_odds_api()


SCRAPE_JOBS = {"nba_cdn": scrape_nba_cdn_job, "nba_stats": scrape_nba_stats_job, "odds_api": scrape_odds_api_job}


def run_config(source: str, game_date: dt.date) -> dict[str, Any]:
    return {"ops": {f"scrape_{source}": {"config": {"game_date": game_date.isoformat()}}}}
