"""The scraper resources, built once for the code location and the CLI alike.

Each base URL is ``dg.EnvVar(<its variable>)`` when that variable is set, else the real host, so the UI
shows which variable points a scraper elsewhere and otherwise the host itself. Dagster resolves an
``EnvVar`` when a run starts and refuses one whose variable is unset, and it has no default for one;
so an unset variable is left out rather than passed as an ``EnvVar``. The Odds API key is
``dg.EnvVar("ODDS_API_KEY")`` when set (the UI shows the name, never the value), else None, and a
scrape of the Odds API then fails with "ODDS_API_KEY is not set" while the definitions still load;
``BALLDONTLIE_API_KEY`` works the same way.
"""

from __future__ import annotations

import dagster as dg

from nba_platform.core.settings import BALLDONTLIE_API_KEY_ENV, ODDS_API_KEY_ENV, SCRAPER_HOSTS, Settings
from nba_platform.scrape.balldontlie_client import BalldontlieResource
from nba_platform.scrape.injury_report_client import InjuryReportResource
from nba_platform.scrape.nba_cdn_client import NbaCdnResource
from nba_platform.scrape.nba_stats_client import NbaStatsResource
from nba_platform.scrape.odds_api_client import OddsApiResource


def scrape_resources(settings: Settings | None = None) -> dict[str, dg.ConfigurableResource]:
    """One resource per source, keyed by the source's name (`scrape.run.SOURCES`), configured from
    ``settings`` (default: this process's environment)."""
    settings = settings or Settings.from_env()

    def env_var_or(variable: str, otherwise: str | None) -> str | None:
        return dg.EnvVar(variable) if variable in settings.scraper_variables_set else otherwise

    return {
        "nba_cdn": NbaCdnResource(base_url=env_var_or(*SCRAPER_HOSTS["nba_cdn"])),
        "nba_stats": NbaStatsResource(base_url=env_var_or(*SCRAPER_HOSTS["nba_stats"])),
        "odds_api": OddsApiResource(
            base_url=env_var_or(*SCRAPER_HOSTS["odds_api"]), api_key=env_var_or(ODDS_API_KEY_ENV, None)
        ),
        "nba_injury_report": InjuryReportResource(base_url=env_var_or(*SCRAPER_HOSTS["nba_injury_report"])),
        "balldontlie": BalldontlieResource(
            base_url=env_var_or(*SCRAPER_HOSTS["balldontlie"]), api_key=env_var_or(BALLDONTLIE_API_KEY_ENV, None)
        ),
    }
