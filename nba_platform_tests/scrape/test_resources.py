"""The scraper resources: base URLs and the key as dg.EnvVar when set (the UI shows names, never the key),
the real hosts when not, and a missing key failing the Odds API scrape, not the definitions."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from nba_platform.core.settings import Settings
from nba_platform.landing.resource import LandingResource
from nba_platform.scrape.jobs import SCRAPE_JOBS, run_config
from nba_platform.scrape.resources import scrape_resources

from ..scrape_support import KEY

ROOT = Path(__file__).resolve().parents[2]


def _config(resource: dg.ConfigurableResource) -> dict:
    """What the UI shows for a resource: its config with the values it was built with."""
    return resource.get_resource_definition().config_schema.as_field().default_value


def test_set_variables_become_env_vars_and_unset_ones_the_real_hosts():
    environ = {"ODDS_API_KEY": KEY, "NBA_CDN_BASE_URL": "http://127.0.0.1:9"}
    resources = scrape_resources(Settings.from_env(environ))
    assert sorted(resources) == ["balldontlie", "nba_cdn", "nba_injury_report", "nba_stats", "odds_api"]
    assert _config(resources["nba_injury_report"]) == {"base_url": "https://ak-static.cms.nba.com"}
    assert _config(resources["nba_cdn"]) == {"base_url": {"env": "NBA_CDN_BASE_URL"}}
    assert _config(resources["nba_stats"]) == {"base_url": "https://stats.nba.com"}
    assert _config(resources["odds_api"]) == {"base_url": "https://api.the-odds-api.com", "api_key": {"env": "ODDS_API_KEY"}}
    assert _config(resources["balldontlie"]) == {"base_url": "https://api.balldontlie.io", "api_key": None}

    bare = scrape_resources(Settings.from_env({"ODDS_API_KEY": "  "}))  # blank is unset
    assert _config(bare["odds_api"]) == {"base_url": "https://api.the-odds-api.com", "api_key": None}


def test_a_run_without_the_key_fails_at_scrape_time_naming_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("ODDS_API_KEY", raising=False)
    resources = {**scrape_resources(), "landing": LandingResource(root=str(tmp_path / "landing"))}
    with dg.instance_for_test() as instance:
        result = SCRAPE_JOBS["odds_api"].execute_in_process(
            run_config=run_config("odds_api", dt.date(2999, 1, 1)), resources=resources, instance=instance, raise_on_error=False
        )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "ODDS_API_KEY is not set (The Odds API needs a key)" in failure.step_failure_data.error.message


def test_the_code_locations_resources_carry_the_key_as_an_env_var_not_its_value(tmp_path):
    probe = (
        "import json; from nba_platform.definitions import defs; "
        "print(json.dumps({k: r.get_resource_definition().config_schema.as_field().default_value "
        "for k, r in defs.resources.items() if k in ('nba_cdn', 'nba_stats', 'odds_api')}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBA_", "ODDS_API_"))}
    env.update({"NBA_PLATFORM_HOME": str(tmp_path), "ODDS_API_KEY": KEY, "NBA_STATS_BASE_URL": "http://127.0.0.1:9"})
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    shown = done.stdout.strip().splitlines()[-1]
    assert json.loads(shown) == {
        "nba_cdn": {"base_url": "https://cdn.nba.com"},
        "nba_stats": {"base_url": {"env": "NBA_STATS_BASE_URL"}},
        "odds_api": {"base_url": "https://api.the-odds-api.com", "api_key": {"env": "ODDS_API_KEY"}},
    }
    assert KEY not in done.stdout + done.stderr
