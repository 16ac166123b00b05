"""Settings come from the environment in one place; NBA_PLATFORM_ENV picks the resources and the pool;
both settings load and validate; importing the package changes nothing; the deployment files hold together."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dagster._config import validate_config
from dagster._core.instance.config import dagster_instance_config

from nba_platform import policies
from nba_platform.core.model_store import ModelIOManager
from nba_platform.core.settings import (
    PlatformEnvError,
    ProdSettings,
    Settings,
    configure_openmp,
    freeze_long_lived,
    pause_collector,
    platform_env,
)
from nba_platform.core.warehouse.bigquery import BigQueryWarehouseIOManager
from nba_platform.core.warehouse.duckdb import WarehouseIOManager
from nba_platform.resources import resources_for_env

ROOT = Path(__file__).resolve().parents[2]
DAGSTER = Path(sys.executable).parent / "dagster"
PROD_ENV = {
    "NBA_PLATFORM_ENV": "prod",
    "NBA_GCP_PROJECT": "dummy-project",
    "NBA_LANDING_DIR": "gs://dummy-landing/nba",
    "NBA_MODELS_GCS": "gs://dummy-models/bundles",
    "NBA_PUBLISH_DIR": "gs://dummy-site/picks",
    "NBA_BQ_LOCATION": "EU",
    "NBA_BQ_DATASET_PREFIX": "stg_",
    "NBA_BQ_MAX_BYTES_BILLED": "1000000",
    "NBA_BQ_JOB_TIMEOUT_S": "30",
}


def test_local_is_the_default_and_keeps_duckdb_and_folders(monkeypatch):
    monkeypatch.delenv("NBA_PLATFORM_ENV", raising=False)
    assert platform_env() == "local"
    resources = resources_for_env()
    assert isinstance(resources["io_manager"], WarehouseIOManager)
    assert isinstance(resources["model_io_manager"], ModelIOManager)
    assert not resources["model_io_manager"].location.startswith("gs://")
    assert not resources["landing"].root.startswith("gs://")


def test_prod_builds_bigquery_and_gcs_resources_from_the_environment(monkeypatch):
    for name, value in PROD_ENV.items():
        monkeypatch.setenv(name, value)
    resources = resources_for_env()
    io = resources["io_manager"]
    assert isinstance(io, BigQueryWarehouseIOManager)
    assert (io.project, io.location, io.dataset_prefix, io.maximum_bytes_billed, io.timeout) == (
        "dummy-project", "EU", "stg_", 1_000_000, 30.0
    )
    models = resources["model_io_manager"]
    assert isinstance(models, ModelIOManager) and models.location == "gs://dummy-models/bundles"
    assert resources["landing"].root == "gs://dummy-landing/nba"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"NBA_PLATFORM_ENV": "staging"}, "NBA_PLATFORM_ENV must be 'local' or 'prod'"),
        ({"NBA_GCP_PROJECT": "", "NBA_MODELS_GCS": ""}, "needs NBA_GCP_PROJECT, NBA_MODELS_GCS"),
        ({"NBA_LANDING_DIR": "/data/landing"}, "NBA_LANDING_DIR must be gs://bucket"),
        ({"NBA_MODELS_GCS": "gs://"}, "NBA_MODELS_GCS must be gs://bucket"),
        ({"NBA_BQ_MAX_BYTES_BILLED": "lots"}, "NBA_BQ_MAX_BYTES_BILLED must be a positive number"),
        ({"NBA_BQ_JOB_TIMEOUT_S": "0"}, "NBA_BQ_JOB_TIMEOUT_S must be a positive number"),
    ],
)
def test_bad_prod_settings_fail_naming_the_variable(monkeypatch, changes, message):
    for name, value in {**PROD_ENV, **changes}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(PlatformEnvError, match=message):
        resources_for_env()


def test_prod_settings_defaults():
    settings = ProdSettings.from_env(
        {k: PROD_ENV[k] for k in ("NBA_GCP_PROJECT", "NBA_LANDING_DIR", "NBA_MODELS_GCS", "NBA_PUBLISH_DIR")}
    )
    assert (settings.location, settings.dataset_prefix, settings.maximum_bytes_billed, settings.job_timeout_s) == (
        "US", "", 10 * 1024**3, 600.0
    )


def test_settings_defaults_come_from_the_platform_home(tmp_path):
    settings = Settings.from_env({"NBA_PLATFORM_HOME": str(tmp_path)})
    assert (settings.env, settings.home, settings.prod) == ("local", tmp_path, None)
    assert settings.warehouse_path == str(tmp_path / "warehouse.duckdb")
    assert settings.landing_dir == str(tmp_path / "landing")
    assert settings.dagster_home == tmp_path / "dagster_home"
    assert settings.publish_location() == str(tmp_path / "publish")
    assert settings.publish_location("/elsewhere/w.duckdb") == "/elsewhere/publish"  # beside the given warehouse
    assert (settings.landing_sensor_interval_seconds, settings.webserver_url) == (60, "http://127.0.0.1:3000")
    assert not settings.bigquery_emulator and settings.scraper_variables_set == frozenset()


def test_settings_read_every_variable(tmp_path):
    settings = Settings.from_env({
        "NBA_PLATFORM_HOME": str(tmp_path),
        "NBA_WAREHOUSE_PATH": "/w/x.duckdb",
        "NBA_LANDING_DIR": "/data/landing",
        "NBA_PUBLISH_DIR": "gs://site/picks",
        "DAGSTER_HOME": "/dh",
        "NBA_LANDING_SENSOR_INTERVAL_SECONDS": "5",
        "DAGSTER_WEBSERVER_URL": " https://dagster.example.com/ ",
        "BIGQUERY_EMULATOR_HOST": "http://127.0.0.1:9050",
        "ODDS_API_KEY": "k",
        "NBA_STATS_BASE_URL": "",  # empty is unset: the real host
        "ODDS_API_BASE_URL": "http://127.0.0.1:1",
    })
    assert (settings.warehouse_path, settings.landing_dir, settings.dagster_home) == ("/w/x.duckdb", "/data/landing", Path("/dh"))
    assert settings.publish_location("/w/x.duckdb") == "gs://site/picks"
    assert (settings.landing_sensor_interval_seconds, settings.webserver_url) == (5, "https://dagster.example.com")
    assert settings.bigquery_emulator
    assert settings.scraper_variables_set == {"ODDS_API_KEY", "ODDS_API_BASE_URL"}
    assert "k" not in {str(v) for v in vars(settings).values()}  # the key's value is not held


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"NBA_LANDING_SENSOR_INTERVAL_SECONDS": "soon"}, "NBA_LANDING_SENSOR_INTERVAL_SECONDS must be a positive number"),
        ({"NBA_LANDING_SENSOR_INTERVAL_SECONDS": "0"}, "NBA_LANDING_SENSOR_INTERVAL_SECONDS must be a positive number"),
        ({"NBA_PLATFORM_ENV": "staging"}, "NBA_PLATFORM_ENV must be 'local' or 'prod', not 'staging'"),
        ({"NBA_PLATFORM_ENV": "prod"}, "NBA_PLATFORM_ENV=prod needs NBA_GCP_PROJECT, NBA_LANDING_DIR"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(environ, message):
    with pytest.raises(PlatformEnvError, match=message) as info:
        Settings.from_env(environ)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("spelling", ["prod", "PROD", " Prod "])
def test_one_normalisation_picks_both_the_resources_and_the_pool(monkeypatch, spelling):
    for name, value in {**PROD_ENV, "NBA_PLATFORM_ENV": spelling}.items():
        monkeypatch.setenv(name, value)
    assert platform_env() == "prod" and Settings.from_env().is_prod
    assert isinstance(resources_for_env()["io_manager"], BigQueryWarehouseIOManager)
    assert policies.warehouse_pool() == "bigquery_writer"
    monkeypatch.setenv("NBA_PLATFORM_ENV", " Local ")
    assert isinstance(resources_for_env()["io_manager"], WarehouseIOManager)
    assert policies.warehouse_pool() == "duckdb_writer"


def test_only_the_settings_module_reads_the_environment():
    readers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "nba_platform").rglob("*.py")
        if path.name != "settings.py" and any(word in path.read_text() for word in ("os.environ", "getenv", "putenv"))
    ]
    assert readers == []


def test_configure_openmp_keeps_an_explicit_setting():
    environ: dict[str, str] = {}
    configure_openmp(environ)
    assert environ == {"OMP_WAIT_POLICY": "PASSIVE"}
    environ = {"OMP_WAIT_POLICY": "ACTIVE"}
    configure_openmp(environ)
    assert environ == {"OMP_WAIT_POLICY": "ACTIVE"}


# Records OMP_WAIT_POLICY at the moment lightgbm is first imported (libgomp reads it then, once).
_SPY = """
import json, os, sys
seen = []
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "lightgbm" and not seen:
            seen.append(os.environ.get("OMP_WAIT_POLICY"))
sys.meta_path.insert(0, Spy())
before = dict(os.environ)
"""


def _env_without_omp(tmp_path, preset: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY" and not k.startswith("NBA_")}
    env["NBA_PLATFORM_HOME"] = str(tmp_path)
    if preset:
        env["OMP_WAIT_POLICY"] = preset
    return env


def _last_json(code: str, env: dict[str, str]):
    """Run `code` in a fresh interpreter (imports happen as an entry point's would) and read its last line."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_package_changes_no_environment_variable(tmp_path):
    code = _SPY + (
        "import nba_platform\n"
        "unchanged = dict(os.environ) == before\n"
        "import logging, nba_platform.predictions.systems.lightgbm_model, nba_platform.scrape.http\n"
        "filters = [f for name in ('httpx', 'httpcore') for f in logging.getLogger(name).filters]\n"
        "print(json.dumps({'unchanged': unchanged, 'omp': os.environ.get('OMP_WAIT_POLICY'), 'seen': seen,\n"
        "                  'filters': len(filters)}))"
    )
    # lightgbm loaded with the environment as it was, and importing installed no log filter.
    assert _last_json(code, _env_without_omp(tmp_path)) == {"unchanged": True, "omp": None, "seen": [None], "filters": 0}


@pytest.mark.parametrize(("preset", "expected"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_the_code_location_sets_omp_wait_policy_before_lightgbm_loads(tmp_path, preset, expected):
    code = _SPY + "import nba_platform.definitions\nprint(json.dumps(seen))"
    assert _last_json(code, _env_without_omp(tmp_path, preset)) == [expected]


def test_the_code_location_builds_its_objects_without_full_collections_then_freezes_them(tmp_path):
    """What the code location imports and builds lives as long as the process: no full collection walks it
    while it is made, it is then frozen (no later one walks it), and collection is on for what runs make."""
    code = (
        "import gc, json\n"
        "full = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and info['generation'] == 2 and full.append(1))\n"
        "import nba_platform.definitions\n"
        "print(json.dumps({'enabled': gc.isenabled(), 'frozen': gc.get_freeze_count(), 'full': len(full)}))"
    )
    seen = _last_json(code, _env_without_omp(tmp_path))
    assert seen["enabled"] is True and seen["full"] == 0, seen
    assert seen["frozen"] > 200_000, seen  # dagster, polars, lightgbm and the graph (~430,000 objects here)


def test_a_collector_that_was_off_stays_off():
    was_on = gc.isenabled()
    try:
        gc.disable()
        assert pause_collector() is False
        freeze_long_lived(resume=False)
        assert not gc.isenabled()
        gc.enable()
        assert pause_collector() is True and not gc.isenabled()
        freeze_long_lived(resume=True)
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        (gc.enable if was_on else gc.disable)()


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NBA_") and k != "NBA_PLATFORM_ENV"}
    return subprocess.run(argv, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=180)


@pytest.mark.slow  # `dagster definitions validate` in a subprocess: ~12 s each
@pytest.mark.parametrize("setting", ["local", "prod"])
def test_dagster_definitions_validate_in_both_settings(setting, tmp_path):
    env = {"NBA_PLATFORM_HOME": str(tmp_path / "home"), "DAGSTER_HOME": str(tmp_path)}
    env.update(PROD_ENV if setting == "prod" else {"NBA_PLATFORM_ENV": "local"})
    done = _run([str(DAGSTER), "definitions", "validate", "-m", "nba_platform.definitions"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation successful" in done.stdout + done.stderr
    probe = (
        "import json; from nba_platform.definitions import defs; "
        "spec = defs.resolve_all_asset_specs(); "
        "print(json.dumps({'resources': {k: type(v).__name__ for k, v in defs.resources.items()}, "
        "'kinds': sorted({k for s in spec for k in s.kinds}), 'pools': sorted({str(a.op.pool) for a in defs.assets})}))"
    )
    done = _run([sys.executable, "-c", probe], env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    expected = {
        "local": ("WarehouseIOManager", "ModelIOManager", "duckdb"),
        "prod": ("BigQueryWarehouseIOManager", "ModelIOManager", "bigquery"),
    }[setting]
    assert (seen["resources"]["io_manager"], seen["resources"]["model_io_manager"]) == expected[:2]
    other = ({"duckdb", "bigquery"} - {expected[2]}).pop()
    assert expected[2] in seen["kinds"] and other not in seen["kinds"]
    assert {"local": "duckdb_writer", "prod": "bigquery_writer"}[setting] in seen["pools"]


def test_self_hosted_instance_settings_are_valid(tmp_path):
    shutil.copy(ROOT / "deploy" / "dagster-prod.yaml", tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_retries"] == {"enabled": True, "max_retries": 2, "retry_on_asset_or_op_failure": True}
    runs, pools = config["concurrency"]["runs"], config["concurrency"]["pools"]
    assert runs["max_concurrent_runs"] == 6 and pools["default_limit"] == 1
    assert {limit["key"] for limit in runs["tag_concurrency_limits"]} == {"nba_platform/scrape_source", "dagster/backfill"}
    from dagster_postgres import DagsterPostgresStorage

    checked = validate_config(DagsterPostgresStorage.config_type(), config["storage"]["postgres"])
    assert checked.success, checked.errors


def test_dagster_cloud_location_and_image_point_at_the_definitions():
    cloud = yaml.safe_load((ROOT / "dagster_cloud.yaml").read_text())
    (location,) = cloud["locations"]
    assert location["code_source"] == {"module_name": "nba_platform.definitions", "attribute": "defs"}
    assert "NBA_PLATFORM_ENV=prod" in location["container_context"]["k8s"]["env_vars"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "NBA_PLATFORM_ENV=prod" in dockerfile and "-m\", \"nba_platform.definitions\"" in dockerfile
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), line
