"""Resources for the current environment: the warehouse IO manager, the landing zone, the publish
location, the alert notifier and the scrapers.

The embedded default keeps everything under ``$NBA_PLATFORM_HOME`` (default ``./.nba_platform``):
``warehouse.duckdb`` and ``landing/``. ``NBA_LANDING_DIR`` points the landing zone elsewhere
(e.g. ``../shared/data/landing`` for a replay, or ``gs://bucket/prefix`` for the GCS backend).
``NBA_PLATFORM_ENV=prod`` switches to BigQuery and GCS (`prod_resources`). Every setting comes from
`core.settings.Settings`.
"""

from __future__ import annotations

from pathlib import Path

from nba_platform.alerts.notifier import AlertNotifier
from nba_platform.core.model_store import ModelIOManager
from nba_platform.core.settings import ProdSettings, Settings, split_gs_url
from nba_platform.core.warehouse.duckdb import WarehouseIOManager
from nba_platform.landing.resource import LandingResource
from nba_platform.publishing.resource import PublisherResource
from nba_platform.scrape.resources import scrape_resources


def local_resources(landing_dir: str | None = None, warehouse_path: str | None = None) -> dict[str, object]:
    settings = Settings.from_env()
    warehouse = warehouse_path or settings.warehouse_path
    return {
        "io_manager": WarehouseIOManager(database=warehouse, schema="nba"),
        # Weekly model bundles are Python objects, not tables: pickled files beside the warehouse.
        "model_io_manager": ModelIOManager(location=str(Path(warehouse).parent / "models")),
        "landing": LandingResource(root=landing_dir or settings.landing_dir),
        # Channels come from NBA_ALERT_SLACK_WEBHOOK_URL / NBA_ALERT_WEBHOOK_URL at send time.
        "alerts": AlertNotifier(),
        "publisher": PublisherResource(location=settings.publish_location(warehouse)),
        **scrape_resources(settings),
    }


def prod_resources(settings: ProdSettings | None = None, landing_dir: str | None = None) -> dict[str, object]:
    """BigQuery tables, the GCS landing zone, model bundles pickled on GCS and exports in a GCS bucket
    (the same resource keys as local)."""
    from nba_platform.core.warehouse.bigquery import BigQueryWarehouseIOManager

    settings = settings or ProdSettings.from_env()
    models_bucket, models_prefix = split_gs_url(settings.models_url, "NBA_MODELS_GCS")
    return {
        "io_manager": BigQueryWarehouseIOManager(
            project=settings.project,
            location=settings.location,
            dataset_prefix=settings.dataset_prefix,
            maximum_bytes_billed=settings.maximum_bytes_billed,
            timeout=settings.job_timeout_s,
        ),
        "model_io_manager": ModelIOManager(location=f"gs://{models_bucket}/{models_prefix or 'models'}"),
        "landing": LandingResource(root=landing_dir or settings.landing_url),
        "publisher": PublisherResource(location=settings.publish_url),
        "alerts": AlertNotifier(),
        **scrape_resources(),
    }


def resources_for_env(landing_dir: str | None = None) -> dict[str, object]:
    """`NBA_PLATFORM_ENV` picks: `local` (default) -> DuckDB + folders; `prod` -> BigQuery + GCS."""
    settings = Settings.from_env()
    if settings.is_prod:
        return prod_resources(settings.prod, landing_dir=landing_dir)
    return local_resources(landing_dir=landing_dir)
