"""Everything this process takes from its environment, read in one place: `Settings.from_env()`.

No other module of `nba_platform` reads ``os.environ``. A malformed value raises `PlatformEnvError`
with one line naming the variable.

| variable | default | meaning |
|---|---|---|
| ``NBA_PLATFORM_ENV`` | ``local`` | ``local`` (DuckDB, local folders) or ``prod`` (BigQuery, GCS); case and spaces ignored |
| ``NBA_PLATFORM_HOME`` | ``./.nba_platform`` | the local data folder |
| ``NBA_WAREHOUSE_PATH`` | ``$NBA_PLATFORM_HOME/warehouse.duckdb`` | the DuckDB file |
| ``NBA_LANDING_DIR`` | ``$NBA_PLATFORM_HOME/landing`` | landing zone: a folder or ``gs://bucket/prefix`` |
| ``NBA_PUBLISH_DIR`` | ``publish/`` beside the warehouse | where exports are published: a folder or ``gs://`` |
| ``DAGSTER_HOME`` | ``$NBA_PLATFORM_HOME/dagster_home`` | the instance the CLI records its runs in |
| ``NBA_LANDING_SENSOR_INTERVAL_SECONDS`` | 60 | how often the landing sensor scans |
| ``DAGSTER_WEBSERVER_URL`` | ``http://127.0.0.1:3000`` | base of the run/asset links in alerts |
| ``BIGQUERY_EMULATOR_HOST`` | unset | BigQuery clients connect anonymously (an emulator) |
| ``NBA_STATS_BASE_URL``, ``NBA_CDN_BASE_URL``, ``ODDS_API_BASE_URL``, ``BALLDONTLIE_BASE_URL``, ``NBA_INJURY_REPORT_BASE_URL`` | the real hosts | point a scraper elsewhere |
| ``ODDS_API_KEY``, ``BALLDONTLIE_API_KEY`` | unset | the API keys; only whether each is set is recorded here |

The scraper variables and the key reach the scrapers as ``dg.EnvVar`` resource config (`scrape.resources`),
so Dagster resolves them when a run starts and the UI shows their names, never the key. The alert webhook
URLs are secrets too: the notifier reads them through `read_variable` when it sends, never into config.

``NBA_PLATFORM_ENV=prod`` also reads production's settings (docs/architecture.md, "Production"):

| variable | required | meaning |
|---|---|---|
| ``NBA_GCP_PROJECT`` | yes | project that owns the datasets and runs the BigQuery jobs |
| ``NBA_LANDING_DIR`` | yes | landing zone, ``gs://bucket/prefix`` |
| ``NBA_MODELS_GCS`` | yes | where the weekly model bundles are pickled, ``gs://bucket/prefix`` |
| ``NBA_PUBLISH_DIR`` | yes | where exports are published, ``gs://bucket/prefix`` |
| ``NBA_BQ_LOCATION`` | no (``US``) | BigQuery location of the datasets and jobs |
| ``NBA_BQ_DATASET_PREFIX`` | no (empty) | prefix of the phase datasets (``stg_`` -> ``stg_raw``, ``stg_analytics``, ...) |
| ``NBA_BQ_MAX_BYTES_BILLED`` | no (10 GiB) | ``maximum_bytes_billed`` of every query job |
| ``NBA_BQ_JOB_TIMEOUT_S`` | no (600) | server-side timeout of every job and the client's wait for it |

Credentials are Google's Application Default Credentials (``GOOGLE_APPLICATION_CREDENTIALS`` pointing at
a service-account key file, or the workload identity of the pod / Dagster+ agent); no key is read here.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nba_platform.core.storage import parse_gs_url

LOCAL, PROD = "local", "prod"

PLATFORM_ENV = "NBA_PLATFORM_ENV"
WEBSERVER_URL_ENV = "DAGSTER_WEBSERVER_URL"
DEFAULT_WEBSERVER_URL = "http://127.0.0.1:3000"
LANDING_SENSOR_INTERVAL_ENV = "NBA_LANDING_SENSOR_INTERVAL_SECONDS"
DEFAULT_LANDING_SENSOR_INTERVAL_SECONDS = 60

#: Per scraped source: the variable that points its client elsewhere (a replay server, a test) and the real host.
SCRAPER_HOSTS: dict[str, tuple[str, str]] = {
    "nba_stats": ("NBA_STATS_BASE_URL", "https://stats.nba.com"),
    "nba_cdn": ("NBA_CDN_BASE_URL", "https://cdn.nba.com"),
    "odds_api": ("ODDS_API_BASE_URL", "https://api.the-odds-api.com"),
    "balldontlie": ("BALLDONTLIE_BASE_URL", "https://api.balldontlie.io"),
    "nba_injury_report": ("NBA_INJURY_REPORT_BASE_URL", "https://ak-static.cms.nba.com"),
}
ODDS_API_KEY_ENV = "ODDS_API_KEY"
BALLDONTLIE_API_KEY_ENV = "BALLDONTLIE_API_KEY"


class PlatformEnvError(ValueError):
    """The environment variables do not describe a usable environment (names the variables)."""


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def platform_env(environ: Mapping[str, str] | None = None) -> str:
    """``local`` or ``prod`` from ``NBA_PLATFORM_ENV`` (default ``local``; case and spaces ignored).

    The one normalisation of the variable: the resources, the warehouse pool and the asset kinds all
    come through here, so ``PROD`` cannot pick BigQuery resources and the DuckDB pool at once.
    """
    value = (_environ(environ).get(PLATFORM_ENV) or LOCAL).strip().lower() or LOCAL
    if value not in (LOCAL, PROD):
        raise PlatformEnvError(f"{PLATFORM_ENV} must be '{LOCAL}' or '{PROD}', not {value!r}")
    return value


def is_prod(environ: Mapping[str, str] | None = None) -> bool:
    return platform_env(environ) == PROD


def split_gs_url(url: str, variable: str) -> tuple[str, str]:
    """``gs://bucket/prefix`` -> (bucket, prefix); names the variable when the value is not one."""
    try:
        return parse_gs_url(url)
    except ValueError as exc:
        raise PlatformEnvError(f"{variable} must be gs://bucket[/prefix], not {url!r}") from exc


def _positive(env: Mapping[str, str], name: str, kind, default):
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError as exc:
        raise PlatformEnvError(f"{name} must be a positive number, not {raw!r}") from exc
    if value <= 0:
        raise PlatformEnvError(f"{name} must be a positive number, not {raw!r}")
    return value


@dataclass(frozen=True)
class ProdSettings:
    project: str
    landing_url: str
    models_url: str
    publish_url: str
    location: str = "US"
    dataset_prefix: str = ""
    maximum_bytes_billed: int = 10 * 1024**3
    job_timeout_s: float = 600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProdSettings:
        env = _environ(environ)
        missing = [
            name for name in ("NBA_GCP_PROJECT", "NBA_LANDING_DIR", "NBA_MODELS_GCS", "NBA_PUBLISH_DIR") if not env.get(name)
        ]
        if missing:
            raise PlatformEnvError(f"{PLATFORM_ENV}=prod needs {', '.join(missing)} (see docs/architecture.md)")
        settings = cls(
            project=env["NBA_GCP_PROJECT"],
            landing_url=env["NBA_LANDING_DIR"],
            models_url=env["NBA_MODELS_GCS"],
            publish_url=env["NBA_PUBLISH_DIR"],
            location=env.get("NBA_BQ_LOCATION") or "US",
            dataset_prefix=env.get("NBA_BQ_DATASET_PREFIX", ""),
            maximum_bytes_billed=_positive(env, "NBA_BQ_MAX_BYTES_BILLED", int, 10 * 1024**3),
            job_timeout_s=_positive(env, "NBA_BQ_JOB_TIMEOUT_S", float, 600.0),
        )
        split_gs_url(settings.landing_url, "NBA_LANDING_DIR")
        split_gs_url(settings.models_url, "NBA_MODELS_GCS")
        split_gs_url(settings.publish_url, "NBA_PUBLISH_DIR")
        return settings


@dataclass(frozen=True)
class Settings:
    """This process's settings. Holds no secret: only whether ``ODDS_API_KEY`` / ``BALLDONTLIE_API_KEY`` are set."""

    env: str
    home: Path
    warehouse_path: str
    landing_dir: str
    publish_dir: str  # NBA_PUBLISH_DIR, or "" for publish/ beside the warehouse
    dagster_home: Path
    landing_sensor_interval_seconds: int
    webserver_url: str
    bigquery_emulator: bool
    #: The scraper variables (base URLs, the key) that are set; the others mean the real hosts / no key.
    scraper_variables_set: frozenset[str]
    prod: ProdSettings | None  # set exactly when env is prod
    git_url: str  # NBA_PLATFORM_GIT_URL: links each asset to its source in the UI ("" = local paths)
    git_branch: str  # NBA_PLATFORM_GIT_BRANCH (default main)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = _environ(environ)
        which = platform_env(env)
        home = Path(env.get("NBA_PLATFORM_HOME") or ".nba_platform").resolve()
        scraper_variables = [name for name, _ in SCRAPER_HOSTS.values()] + [ODDS_API_KEY_ENV, BALLDONTLIE_API_KEY_ENV]
        return cls(
            env=which,
            home=home,
            warehouse_path=env.get("NBA_WAREHOUSE_PATH") or str(home / "warehouse.duckdb"),
            landing_dir=env.get("NBA_LANDING_DIR") or str(home / "landing"),
            publish_dir=env.get("NBA_PUBLISH_DIR") or "",
            dagster_home=Path(env.get("DAGSTER_HOME") or home / "dagster_home"),
            landing_sensor_interval_seconds=_positive(
                env, LANDING_SENSOR_INTERVAL_ENV, int, DEFAULT_LANDING_SENSOR_INTERVAL_SECONDS
            ),
            webserver_url=(env.get(WEBSERVER_URL_ENV) or DEFAULT_WEBSERVER_URL).strip().rstrip("/"),
            bigquery_emulator=bool(env.get("BIGQUERY_EMULATOR_HOST")),
            scraper_variables_set=frozenset(name for name in scraper_variables if (env.get(name) or "").strip()),
            prod=ProdSettings.from_env(env) if which == PROD else None,
            git_url=(env.get("NBA_PLATFORM_GIT_URL") or "").strip(),
            git_branch=(env.get("NBA_PLATFORM_GIT_BRANCH") or "").strip() or "main",
        )

    @property
    def is_prod(self) -> bool:
        return self.env == PROD

    def publish_location(self, warehouse_path: str | None = None) -> str:
        """``NBA_PUBLISH_DIR`` (a folder or ``gs://bucket/prefix``), else ``publish/`` beside the warehouse
        (``$NBA_PLATFORM_HOME/publish`` by default; a test's or an evaluation's own warehouse keeps its own)."""
        return self.publish_dir or str(Path(warehouse_path or self.warehouse_path).parent / "publish")


def read_variable(name: str, environ: Mapping[str, str] | None = None) -> str:
    """One variable whose *name* is configuration, stripped ('' when unset): the alert webhook URLs,
    which are secrets, so they are read when an alert is sent and never held in `Settings` or config."""
    return (_environ(environ).get(name) or "").strip()


# --- the helpers most modules need -------------------------------------------------------------------


def platform_home() -> Path:
    return Settings.from_env().home


def default_landing_dir() -> str:
    return Settings.from_env().landing_dir


def default_warehouse_path() -> str:
    return Settings.from_env().warehouse_path


def default_publish_location(warehouse_path: str | None = None) -> str:
    return Settings.from_env().publish_location(warehouse_path)


def dagster_home() -> Path:
    return Settings.from_env().dagster_home


# --- OpenMP ------------------------------------------------------------------------------------------

# LightGBM's OpenMP threads spin-wait between parallel regions by default. On a busy 2-core machine
# (a run beside the daemon, the UI or another run) a spinning thread burns the core its partner needs:
# one week's training went from ~3 s to 35-45 s wall at load average 8 (bench/, docs/benchmarks.md).
# Sleeping waits keep the same threads and the same model, bit for bit.
OMP_WAIT_POLICY = "PASSIVE"


def configure_openmp(environ: MutableMapping[str, str] | None = None) -> None:
    """Make LightGBM's OpenMP threads sleep instead of spin while they wait (an explicit
    ``OMP_WAIT_POLICY`` in the environment wins).

    libgomp reads the variable once, when lightgbm is first imported: every entry point that may import
    it (the CLI, the code location `nba_platform.definitions`, bench/tasks.py, the test suite) calls
    this before its first import of our modules that load lightgbm.
    """
    (os.environ if environ is None else environ).setdefault("OMP_WAIT_POLICY", OMP_WAIT_POLICY)


# --- The cyclic garbage collector --------------------------------------------------------------------

# Importing dagster, polars, lightgbm and the graph makes ~430,000 objects that live as long as
# the process. Each full collection walks all of them: several while they are imported, and one more at
# interpreter exit (~1.3 s of every CLI and run process here). The code location builds them with the
# collector paused, then freezes them (moves them to its permanent generation, which no collection
# walks, also in the step processes the forkserver forks). Objects made later are collected as usual.


def pause_collector() -> bool:
    """Pause automatic collection while the long-lived objects are built; returns whether it was on."""
    was_on = gc.isenabled()
    gc.disable()
    return was_on


def freeze_long_lived(resume: bool) -> None:
    """Freeze what exists now (`pause_collector` before it) and resume collection if it was on."""
    gc.freeze()
    if resume:
        gc.enable()


# Dagster's switch (read when a run is created) for one "materialization planned" event per asset and
# range run instead of one per partition: a features run over 58 dates stored ~640 planned events
# before its first step, a third of its time. The cost: when such a run fails, the UI shows its
# partitions as missing rather than failed (the CLI names the failed run and steps itself).
PLANNED_SUBSET_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


@contextmanager
def planned_events_per_range() -> Iterator[None]:
    """While it is open, runs created in this process plan a partition range in one event per asset."""
    previous = os.environ.get(PLANNED_SUBSET_ENV)
    os.environ[PLANNED_SUBSET_ENV] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PLANNED_SUBSET_ENV, None)
        else:
            os.environ[PLANNED_SUBSET_ENV] = previous


def source_repository() -> tuple[str, str] | None:
    """(URL, branch) of the repository the code is deployed from, for the UI's links to each asset's
    source: ``NBA_PLATFORM_GIT_URL`` (e.g. ``https://github.com/org/nba_platform``) and
    ``NBA_PLATFORM_GIT_BRANCH`` (``main``). None without a URL: the UI shows local file paths."""
    settings = Settings.from_env()
    return (settings.git_url, settings.git_branch) if settings.git_url else None
