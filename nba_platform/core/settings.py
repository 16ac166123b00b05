"""Which environment this process runs in, and production's settings from the environment.

``NBA_PLATFORM_ENV=local`` (the default) is the embedded default: DuckDB and local folders.
``NBA_PLATFORM_ENV=prod`` is BigQuery for the tables, GCS for the landing zone and the model bundles.
Production reads every setting below from the environment (docs/architecture.md, "Production"):

| variable | required | meaning |
|---|---|---|
| ``NBA_GCP_PROJECT`` | yes | project that owns the datasets and runs the BigQuery jobs |
| ``NBA_LANDING_DIR`` | yes | landing zone, ``gs://bucket/prefix`` |
| ``NBA_MODELS_GCS`` | yes | where the weekly model bundles are pickled, ``gs://bucket/prefix`` |
| ``NBA_BQ_LOCATION`` | no (``US``) | BigQuery location of the datasets and jobs |
| ``NBA_BQ_DATASET_PREFIX`` | no (empty) | prefix of the phase datasets (``stg_`` -> ``stg_raw``, ``stg_analytics``, ...) |
| ``NBA_BQ_MAX_BYTES_BILLED`` | no (10 GiB) | ``maximum_bytes_billed`` of every query job |
| ``NBA_BQ_JOB_TIMEOUT_S`` | no (600) | server-side timeout of every job and the client's wait for it |

Credentials are Google's Application Default Credentials (``GOOGLE_APPLICATION_CREDENTIALS`` pointing at
a service-account key file, or the workload identity of the pod / Dagster+ agent); no key is read here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LOCAL, PROD = "local", "prod"


class PlatformEnvError(ValueError):
    """The environment variables do not describe a usable environment (names the variables)."""


def platform_env() -> str:
    """``local`` or ``prod`` from ``NBA_PLATFORM_ENV`` (default ``local``)."""
    value = os.environ.get("NBA_PLATFORM_ENV", LOCAL).strip().lower() or LOCAL
    if value not in (LOCAL, PROD):
        raise PlatformEnvError(f"NBA_PLATFORM_ENV must be '{LOCAL}' or '{PROD}', not {value!r}")
    return value


def is_prod() -> bool:
    return platform_env() == PROD


def split_gs_url(url: str, variable: str) -> tuple[str, str]:
    """``gs://bucket/prefix`` -> (bucket, prefix); names the variable when the value is not one."""
    if not url.startswith("gs://") or not url.removeprefix("gs://").split("/", 1)[0]:
        raise PlatformEnvError(f"{variable} must be gs://bucket[/prefix], not {url!r}")
    bucket, _, prefix = url.removeprefix("gs://").partition("/")
    return bucket, prefix.strip("/")


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
    def from_env(cls, environ: dict[str, str] | None = None) -> ProdSettings:
        env = os.environ if environ is None else environ
        missing = [
            name for name in ("NBA_GCP_PROJECT", "NBA_LANDING_DIR", "NBA_MODELS_GCS", "NBA_PUBLISH_DIR") if not env.get(name)
        ]
        if missing:
            raise PlatformEnvError(f"NBA_PLATFORM_ENV=prod needs {', '.join(missing)} (see docs/architecture.md)")
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


def _positive(env, name: str, kind, default):
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


def platform_home() -> Path:
    return Path(os.environ.get("NBA_PLATFORM_HOME", ".nba_platform")).resolve()


def default_landing_dir() -> str:
    return os.environ.get("NBA_LANDING_DIR", str(platform_home() / "landing"))


def default_warehouse_path() -> str:
    return os.environ.get("NBA_WAREHOUSE_PATH", str(platform_home() / "warehouse.duckdb"))


def default_publish_location(warehouse_path: str | None = None) -> str:
    """``NBA_PUBLISH_DIR`` (a folder or ``gs://bucket/prefix``), else ``publish/`` beside the warehouse
    (``$NBA_PLATFORM_HOME/publish`` by default; a test's or an evaluation's own warehouse keeps its own)."""
    return os.environ.get("NBA_PUBLISH_DIR") or str(Path(warehouse_path or default_warehouse_path()).parent / "publish")


def source_repository() -> tuple[str, str] | None:
    """(URL, branch) of the repository the code is deployed from, for the UI's links to each asset's
    source: ``NBA_PLATFORM_GIT_URL`` (e.g. ``https://github.com/org/nba_platform``) and
    ``NBA_PLATFORM_GIT_BRANCH`` (``main``). None without a URL: the UI shows local file paths."""
    url = os.environ.get("NBA_PLATFORM_GIT_URL", "").strip()
    return (url, os.environ.get("NBA_PLATFORM_GIT_BRANCH", "").strip() or "main") if url else None
