"""Shared fixtures. Real data is read in place from ../shared/data, never copied into the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nba_platform.core.settings import configure_openmp

# The suite is an entry point too: LightGBM's threads sleep while they wait, as in the CLI and the code location.
configure_openmp()

SHARED_DATA = Path(os.environ.get("NBA_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FIXTURES = SHARED_DATA / "fixtures"
REAL_LANDING = SHARED_DATA / "landing"


INTEGRATION_DIRS = ("graph", "reliability")


def pytest_collection_modifyitems(config, items):
    """Whole-graph and reliability tests run Dagster over a warehouse: `integration`; a test that takes the
    `emulator` fixture (a local GCS emulator) is `emulator`. `make test-fast` deselects both."""
    root = Path(__file__).resolve().parent
    for item in items:
        parts = Path(str(item.path)).resolve().relative_to(root).parts
        if parts and parts[0] in INTEGRATION_DIRS:
            item.add_marker(pytest.mark.integration)
        if "emulator" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.emulator)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"real data not found at {SHARED_DATA} (set NBA_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own platform home, so no test touches ./.nba_platform."""
    monkeypatch.setenv("NBA_PLATFORM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NBA_LANDING_DIR", raising=False)
    monkeypatch.delenv("NBA_WAREHOUSE_PATH", raising=False)
    monkeypatch.delenv("NBA_PUBLISH_DIR", raising=False)


@pytest.fixture
def scrape_env(monkeypatch):
    """Scrapers configured as in production (real hosts, behind a fake transport) with a fake Odds API key."""
    from .scrape_support import KEY

    monkeypatch.setenv("ODDS_API_KEY", KEY)
    names = ("NBA_STATS_BASE_URL", "NBA_CDN_BASE_URL", "ODDS_API_BASE_URL", "BALLDONTLIE_BASE_URL",
             "BALLDONTLIE_API_KEY", "STORAGE_EMULATOR_HOST")
    for name in names:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's chromium (never a downloaded browser), headless."""
    from .browser import CHROMIUM_ARGS, chromium_path

    exe = chromium_path()
    if exe is None:
        pytest.fail("chromium not found: install Debian's chromium (`apt-get install -y chromium`; .ci/run does)")
    return {**browser_type_launch_args, "executable_path": exe, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="module")
def browser_context_args():
    """The page's viewport (module scope, as `playwright` below: pytest-playwright's own reads the session's
    Playwright for --device, which these tests do not use)."""
    return {"viewport": {"width": 1280, "height": 900}}


# pytest-playwright starts Playwright once per session, and its sync API keeps an asyncio loop running in
# the main thread until then: every later test of the same worker that calls asyncio.run (Dagster's
# automation evaluator, its freshness daemon) would fail. Module scope stops Playwright after the page
# test's module.
@pytest.fixture(scope="module")
def playwright(_pw_api_request_contexts):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="module")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args, browser_type):
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="module")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()
