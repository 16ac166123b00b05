"""The production code path (NBA_PLATFORM_ENV=prod resources) through the real google-cloud-bigquery and
google-cloud-storage clients, against bqemulator and gcp-storage-emulator on 127.0.0.1.

The emulators are more lenient than the services (DESIGN section 8: a timestamp literal on a DATE column
passes, `require_partition_filter` and `maximum_bytes_billed` are not enforced, nothing times out), so
BigQuery's rules are asserted on what our code sends: a recorder wraps the client's job methods and every
job is checked (caps in the job resource, DATE literals on the partition column, no table creation).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import sqlglot
from google.cloud import bigquery, storage
from sqlglot import exp

from nba_platform import tables as schemas
from nba_platform.cli import main
from nba_platform.core.partitions import game_date_partitions
from nba_platform.core.settings import ProdSettings
from nba_platform.core.warehouse import ddl
from nba_platform.core.warehouse.bigquery import (
    JobLimits,
    init_warehouse,
    make_bigquery_client,
    run_query,
)
from nba_platform.core.warehouse.read import read_table
from nba_platform.landing import zone as lz
from nba_platform.resources import prod_resources
from nba_platform.runner import materialize_range
from nba_platform.simulator import simulate

from ..emulators import bigquery_emulator, storage_emulator

MONITORING = Path(__file__).resolve().parents[2] / "sql" / "monitoring"

# One xdist worker runs this module (`make test` uses --dist loadgroup): the emulators and the two graph runs
# are module fixtures, which would otherwise be set up once per worker.
pytestmark = [pytest.mark.xdist_group("prod_emulators"), pytest.mark.emulator]

PROJECT = "nba-test"
LIMITS = JobLimits(maximum_bytes_billed=512 * 1024**2, timeout_s=120)
DATE_FILTER = re.compile(r"WHERE game_date >= DATE '\d{4}-\d{2}-\d{2}' AND game_date < DATE '\d{4}-\d{2}-\d{2}'")


class JobRecorder:
    """Wraps the client methods that start jobs; keeps each job's API resource (what went over the wire)
    and the timeouts the caller passed to the request and to `result()`."""

    def __init__(self):
        self.jobs: list[dict] = []
        self.waits: dict[str, list[float | None]] = {}

    def install(self, mp: pytest.MonkeyPatch) -> None:
        recorder = self

        def wrap(name):
            original = getattr(bigquery.Client, name)

            def method(client, *args, **kwargs):
                job = original(client, *args, **kwargs)
                recorder.jobs.append({"method": name, "timeout": kwargs.get("timeout"), "resource": job.to_api_repr(),
                                      "job_id": job.job_id})
                return job

            mp.setattr(bigquery.Client, name, method)

        for name in ("query", "load_table_from_file", "load_table_from_dataframe", "load_table_from_json",
                     "load_table_from_uri", "copy_table", "extract_table"):
            wrap(name)
        for job_class in (bigquery.QueryJob, bigquery.LoadJob):
            original_result = job_class.result

            def result(job, *args, _original=original_result, **kwargs):
                recorder.waits.setdefault(job.job_id, []).append(kwargs.get("timeout"))
                return _original(job, *args, **kwargs)

            mp.setattr(job_class, "result", result)

    def take(self) -> tuple[list[dict], dict[str, list[float | None]]]:
        """The jobs (and waits) recorded so far, and a clean slate."""
        taken = (self.jobs, self.waits)
        self.jobs, self.waits = [], {}
        return taken


def queries(jobs: list[dict]) -> list[str]:
    return [j["resource"]["configuration"]["query"]["query"] for j in jobs if j["method"] == "query"]


def assert_every_job_is_capped(jobs: list[dict], waits: dict[str, list], limits: JobLimits) -> None:
    assert jobs
    for job in jobs:
        config = job["resource"]["configuration"]
        assert config.get("jobTimeoutMs") == str(int(limits.timeout_s * 1000)), job
        assert job["timeout"] == limits.timeout_s, job  # the request's own timeout
        assert limits.timeout_s in waits.get(job["job_id"], []), job  # and the wait for the job is bounded
        if job["method"] == "query":
            assert config["query"]["maximumBytesBilled"] == str(limits.maximum_bytes_billed), job
            assert config["query"]["useLegacySql"] is False
        else:
            assert job["method"] == "load_table_from_file", job
            assert config["load"]["createDisposition"] == "CREATE_NEVER", job
            assert config["load"]["writeDisposition"] == "WRITE_APPEND", job
            assert config["load"]["sourceFormat"] == "PARQUET", job


def assert_partition_filtered(sql: str) -> None:
    """A SELECT or DELETE of a warehouse table filters its DATE partition column with DATE literals."""
    assert DATE_FILTER.search(sql), sql
    where = sqlglot.parse_one(sql, read="bigquery").find(exp.Where)
    comparisons = [c for c in where.find_all(exp.GTE, exp.LT) if c.this.name == "game_date"]
    assert len(comparisons) == 2, sql
    for comparison in comparisons:
        literal = comparison.expression
        assert isinstance(literal, exp.Cast) and literal.to.this == exp.DataType.Type.DATE, sql


@pytest.fixture(scope="module")
def emulators():
    with bigquery_emulator(PROJECT) as bq_url, storage_emulator() as gcs_url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("BIGQUERY_EMULATOR_HOST", bq_url)
        mp.setenv("STORAGE_EMULATOR_HOST", gcs_url)
        recorder = JobRecorder()
        recorder.install(mp)
        yield recorder


@pytest.fixture
def bq(emulators):
    client = make_bigquery_client(PROJECT, "US")
    yield client
    client.close()


def _settings(prefix: str) -> ProdSettings:
    suffix = uuid.uuid4().hex[:8]
    storage.Client(project=PROJECT).create_bucket(f"landing-{suffix}")
    storage.Client(project=PROJECT).create_bucket(f"models-{suffix}")
    storage.Client(project=PROJECT).create_bucket(f"site-{suffix}")
    return ProdSettings(
        project=PROJECT,
        landing_url=f"gs://landing-{suffix}/nba",
        models_url=f"gs://models-{suffix}/bundles",
        publish_url=f"gs://site-{suffix}/picks",
        dataset_prefix=prefix,
        maximum_bytes_billed=LIMITS.maximum_bytes_billed,
        job_timeout_s=LIMITS.timeout_s,
    )


def _read(client: bigquery.Client, table: str, prefix: str = "") -> pl.DataFrame:
    sql = f"SELECT * FROM `{ddl.table_id(table, PROJECT, prefix)}` WHERE game_date >= DATE '2000-01-01'"
    frame = pl.from_arrow(run_query(client, sql, LIMITS).to_arrow(create_bqstorage_client=False))
    return frame.pipe(schemas.conform, table) if table in schemas.TABLES else frame


# --- bq-init -------------------------------------------------------------------------------------------


def test_bq_init_creates_every_dataset_and_partitioned_table_and_is_idempotent(bq):
    first = init_warehouse(bq, PROJECT, "US", LIMITS, "init_")
    assert first.datasets == [f"init_{d}" for d in ("raw", "analytics", "precompute", "predictions", "monitoring")]
    assert len(first.tables) == len(schemas.ALL_TABLES) == 13 and first.added_columns == []
    for table_id in first.tables:
        table = bq.get_table(table_id)
        name = table_id.rsplit(".", 1)[1]
        assert table.time_partitioning.field == "game_date"
        assert [(f.name, f.field_type) for f in table.schema][:1] == [("game_date", "DATE")]
        assert len(table.schema) == len(schemas.schema(name))
        resource = table.to_api_repr()  # the emulator reports the flag inside timePartitioning (the legacy place)
        required = resource.get("requirePartitionFilter") or resource["timePartitioning"].get("requirePartitionFilter")
        assert bool(required) == (not schemas.ALL_TABLES[name].open_to_full_scans), name
    run_query(bq, f"INSERT INTO `{PROJECT}.init_predictions.system_daily_performance` (game_date, system_id) "
                  "VALUES (DATE '2025-01-01', 'kept')", LIMITS)
    again = init_warehouse(bq, PROJECT, "US", LIMITS, "init_")
    assert (again.tables, again.added_columns) == (first.tables, [])
    assert _read(bq, "system_daily_performance", "init_")["system_id"].to_list() == ["kept"]  # rows survive


def test_bq_init_adds_columns_the_schemas_gained(bq):
    bq.create_dataset(f"{PROJECT}.old_raw", exists_ok=True)
    run_query(bq, f"CREATE TABLE `{PROJECT}.old_raw.raw_schedule` (game_date DATE, game_id STRING) "
                  "PARTITION BY game_date", LIMITS)
    report = init_warehouse(bq, PROJECT, "US", LIMITS, "old_")
    added = [c.rsplit(".", 1)[1] for c in report.added_columns if ".old_raw.raw_schedule." in c]
    assert added == schemas.schema("raw_schedule").names()[2:]
    # The columns exist for queries. (The emulator applies ALTER TABLE to its storage but not to the table
    # metadata that get_table returns, so the schema is checked through a query here.)
    columns = ", ".join(schemas.schema("raw_schedule").names())
    run_query(bq, f"SELECT {columns} FROM `{PROJECT}.old_raw.raw_schedule` WHERE game_date >= DATE '2025-01-01'",
              LIMITS)


# --- the IO manager on one table -----------------------------------------------------------------------

D1, D2 = dt.date(2025, 1, 10), dt.date(2025, 1, 11)


def _schedule_rows(day: dt.date, ids: list[str]) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "game_date": [day] * n,
            "game_id": ids,
            "game_status": [3] * n,
            "tip_time_utc": [dt.datetime.combine(day, dt.time(23, 30), dt.UTC)] * n,
            "home_team_id": [1610612737 + i for i in range(n)],
            "home_score": [100 + i for i in range(n)],
            "is_neutral": [None] + [False] * (n - 1),
            "season": ["2024-25"] * n,
        }
    ).pipe(lambda f: f.with_columns([pl.lit(None).cast(t).alias(c) for c, t in schemas.schema("raw_schedule").items()
                                     if c not in f.columns])).pipe(schemas.conform, "raw_schedule")


def _schedule_asset(frames: dict[str, pl.DataFrame]):
    @dg.asset(name="raw_schedule", partitions_def=game_date_partitions,
              metadata={"partition_expr": "game_date", "schema": "raw"})
    def _asset(context) -> pl.DataFrame:
        return frames[context.partition_key]

    @dg.asset(name="reader", partitions_def=game_date_partitions,
              ins={"raw_schedule": dg.AssetIn("raw_schedule")})
    def reader(context, raw_schedule: pl.DataFrame) -> None:
        frames["read"] = raw_schedule

    return [_asset, reader]


@pytest.fixture
def io_settings(emulators, bq):
    settings = _settings(f"io{uuid.uuid4().hex[:6]}_")
    init_warehouse(bq, PROJECT, "US", LIMITS, settings.dataset_prefix)
    return settings


def test_partition_writes_replace_rows_and_read_back_with_the_schema_dtypes(io_settings, bq, emulators):
    frames = {D1.isoformat(): _schedule_rows(D1, ["a", "b"]), D2.isoformat(): _schedule_rows(D2, ["c"])}
    assets = _schedule_asset(frames)
    resources = prod_resources(io_settings)
    emulators.take()
    for key in (D1.isoformat(), D2.isoformat()):
        assert dg.materialize(assets[:1], partition_key=key, resources=resources).success
    frames[D1.isoformat()] = _schedule_rows(D1, ["a", "x", "y"])  # a corrected day: re-run replaces its rows
    assert dg.materialize(assets[:1], partition_key=D1.isoformat(), resources=resources).success
    assert dg.materialize(assets, partition_key=D1.isoformat(), resources=resources, selection=["reader"]).success
    jobs, waits = emulators.take()
    assert_every_job_is_capped(jobs, waits, LIMITS)
    assert [q.split(" ", 1)[0] for q in queries(jobs)] == ["DELETE", "DELETE", "DELETE", "SELECT"]
    for sql in queries(jobs):
        assert_partition_filtered(sql)

    stored = _read(bq, "raw_schedule", io_settings.dataset_prefix).sort("game_date", "game_id")
    assert stored.select("game_date", "game_id").rows() == [(D1, "a"), (D1, "x"), (D1, "y"), (D2, "c")]
    read = frames["read"]
    assert read.schema == schemas.schema("raw_schedule")  # DATE stays a date, Int8/Int32 come back narrow, UTC timestamps
    assert read.equals(frames[D1.isoformat()].sort("game_id"))
    assert read["tip_time_utc"][0] == dt.datetime(2025, 1, 10, 23, 30, tzinfo=dt.UTC)
    log = _read(bq, "materialization_log", io_settings.dataset_prefix)
    assert sorted(log.select("game_date", "row_count").rows()) == [(D1, 2), (D1, 3), (D2, 1)]


def test_an_off_day_loads_nothing_and_reads_back_as_the_typed_empty_table(io_settings, bq, emulators):
    frames = {D1.isoformat(): schemas.empty("raw_schedule")}
    emulators.take()
    assert dg.materialize(_schedule_asset(frames), partition_key=D1.isoformat(), resources=prod_resources(io_settings)).success
    jobs, _ = emulators.take()
    loads = [j["resource"]["configuration"]["load"]["destinationTable"]["tableId"] for j in jobs if j["method"] != "query"]
    assert loads == ["materialization_log"]  # no load of an empty frame; the table exists from the DDL
    assert frames["read"].schema == schemas.schema("raw_schedule") and frames["read"].height == 0
    log = _read(bq, "materialization_log", io_settings.dataset_prefix)
    assert log.select("game_date", "table_name", "row_count").rows() == [(D1, "raw_schedule", 0)]


def test_rows_outside_the_partition_are_refused(io_settings):
    frames = {D1.isoformat(): _schedule_rows(D2, ["a"])}
    result = dg.materialize(_schedule_asset(frames)[:1], partition_key=D1.isoformat(),
                            resources=prod_resources(io_settings), raise_on_error=False)
    assert not result.success
    message = result.get_step_failure_events()[0].event_specific_data.error.cause.message
    assert "dated outside the partitions 2025-01-10..2025-01-10" in message


def test_a_missing_table_is_an_error_naming_bq_init_never_a_silent_create(emulators, bq):
    settings = _settings("missing_")
    frames = {D1.isoformat(): _schedule_rows(D1, ["a"])}
    result = dg.materialize(_schedule_asset(frames)[:1], partition_key=D1.isoformat(),
                            resources=prod_resources(settings), raise_on_error=False)
    assert not result.success
    assert "nba-platform bq-init" in result.get_step_failure_events()[0].event_specific_data.error.cause.message
    assert not [d.dataset_id for d in bq.list_datasets() if d.dataset_id.startswith("missing_")]


# --- the whole graph: prod (BigQuery + GCS) against the local DuckDB run of the same days -------------------


@pytest.fixture(scope="module")
def graph_runs(emulators, tmp_path_factory):
    root = tmp_path_factory.mktemp("prod")
    # Opening night to the next Wednesday: two model weeks; the last date is "tonight" (scheduled, lined).
    start, end = dt.date(2025, 10, 21), dt.date(2025, 10, 29)
    summary = simulate(root / "landing", seed=11, teams=10, games_per_team=40, played_through=end - dt.timedelta(days=1))
    assert summary.first_date == start and end in summary.game_dates
    settings = _settings("")
    zone = lz.open_landing(settings.landing_url)
    for path in sorted(p for p in (root / "landing").rglob("*") if p.is_file()):  # JSON and the report PDFs
        rel = path.relative_to(root / "landing").as_posix()
        landed = lz.classify(rel)
        if landed is not None and (landed.kind == "schedule" or dt.date.fromisoformat(landed.key) <= end):
            zone.write(rel, path.read_bytes())
    client = make_bigquery_client(PROJECT, "US")
    init_warehouse(client, PROJECT, "US", LIMITS, "")
    emulators.take()
    with dg.instance_for_test() as instance:
        materialize_range(start, end, settings.landing_url, chunk_days=9, instance=instance,
                          resources=prod_resources(settings))
    prod_jobs, prod_waits = emulators.take()
    warehouse = root / "warehouse.duckdb"
    with dg.instance_for_test() as instance:
        materialize_range(start, end, str(root / "landing"), str(warehouse), chunk_days=9, instance=instance)
    yield {"settings": settings, "client": client, "warehouse": warehouse, "start": start, "end": end,
           "jobs": prod_jobs, "waits": prod_waits, "root": root}
    client.close()


def _by_key(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.sort(list(schemas.TABLES[table].keys))


def test_prod_graph_writes_the_same_rows_as_the_duckdb_graph(graph_runs):
    counts = {}
    for table in schemas.TABLES:
        local = _by_key(read_table(table, str(graph_runs["warehouse"])).pipe(schemas.conform, table), table)
        prod = _by_key(_read(graph_runs["client"], table), table)
        assert prod.schema == local.schema == schemas.schema(table), table
        assert prod.equals(local), table
        counts[table] = prod.height
    assert all(counts[t] > 0 for t in counts), counts
    assert counts["player_prop_predictions"] == 5 * counts["ml_feature_store"]
    assert set(_read(graph_runs["client"], "prediction_results").filter(
        pl.col("game_date") == graph_runs["end"])["outcome"]) == {"PENDING"}


def test_prod_jobs_keep_bigquerys_rules(graph_runs):
    assert_every_job_is_capped(graph_runs["jobs"], graph_runs["waits"], LIMITS)
    statements = queries(graph_runs["jobs"])
    assert statements and not any(re.match(r"\s*(CREATE|ALTER|DROP|TRUNCATE|MERGE|INSERT)", q, re.I) for q in statements)
    for sql in statements:
        assert sql.startswith(("SELECT", "DELETE")), sql
        assert_partition_filtered(sql)
    # Point in time on BigQuery too: the 400-day history read for the range ends before its last date
    # (each date's own cut-off is the transforms' as-of join), and the weekly models' read (the range's
    # weeks are one run) ends before the last week; each week then learns only from its own window
    # (training.train_weeks, predictions/test_weeks_in_one_run.py).
    start, end = graph_runs["start"], graph_runs["end"]
    history = [q for q in statements if f"player_game_summary` WHERE game_date >= DATE '{start - dt.timedelta(days=400)}'" in q]
    assert history and all(f"< DATE '{end}'" in q for q in history)
    training = [q for q in statements if "precompute.ml_feature_store` WHERE game_date >= DATE '2024-" in q]
    assert sorted({q.split("< DATE '")[1][:10] for q in training}) == ["2025-10-27"]


def test_model_bundles_are_pickled_on_gcs_per_week(graph_runs):
    settings = graph_runs["settings"]
    bucket, prefix = settings.models_url.removeprefix("gs://").split("/", 1)
    names = sorted(b.name for b in storage.Client(project=PROJECT).list_blobs(bucket, prefix=prefix))
    assert names == [f"{prefix}/points_model/2025-10-20", f"{prefix}/points_model/2025-10-27"]


def test_exports_are_published_to_the_site_bucket(graph_runs):
    settings, end = graph_runs["settings"], graph_runs["end"]
    bucket, prefix = settings.publish_url.removeprefix("gs://").split("/", 1)
    names = {b.name for b in storage.Client(project=PROJECT).list_blobs(bucket, prefix=prefix)}
    assert {f"{prefix}/tonight/{end}.json", f"{prefix}/results/{end}.json", f"{prefix}/systems/performance.json",
            f"{prefix}/site/{end}.html", f"{prefix}/players/index.json", f"{prefix}/best_bets/{end}.json"} <= names
    tonight = json.loads(storage.Client(project=PROJECT).bucket(bucket).blob(f"{prefix}/tonight/{end}.json").download_as_bytes())
    assert tonight["game_date"] == str(end) and tonight["summary"]["games"] > 0


def test_monitoring_queries_run_on_the_materialization_log(graph_runs):
    client, start, end = graph_runs["client"], graph_runs["start"], graph_runs["end"]
    log = _read(client, "materialization_log")
    days = (end - start).days + 1
    per_table = log.group_by("table_name").agg(pl.col("game_date").n_unique())
    assert dict(per_table.rows()) == {t: days for t in schemas.TABLES}
    params = [bigquery.ScalarQueryParameter("start_date", "DATE", start),
              bigquery.ScalarQueryParameter("end_date", "DATE", end)]
    timing = pl.from_arrow(run_query(client, (MONITORING / "pipeline_timing.sql").read_text(), LIMITS,
                                     query_parameters=params).to_arrow(create_bqstorage_client=False))
    assert timing["game_date"].to_list() == [start + dt.timedelta(days=i) for i in range(days)]
    assert (timing["predictions_written_at"] >= timing["raw_written_at"]).all()
    assert (timing["seconds_raw_to_predictions"] >= 0).all()
    freshness = pl.from_arrow(run_query(
        client, (MONITORING / "freshness.sql").read_text(), LIMITS,
        query_parameters=[bigquery.ScalarQueryParameter("since", "DATE", start)],
    ).to_arrow(create_bqstorage_client=False))
    assert set(freshness["table_name"]) == set(schemas.TABLES)
    assert freshness["last_written_at"].null_count() == 0
    assert freshness.filter(pl.col("table_name") == "player_prop_predictions")["latest_game_date_with_rows"][0] == end


def _prod_env(monkeypatch, settings: ProdSettings) -> None:
    monkeypatch.setenv("NBA_PLATFORM_ENV", "prod")
    monkeypatch.setenv("NBA_GCP_PROJECT", settings.project)
    monkeypatch.setenv("NBA_LANDING_DIR", settings.landing_url)
    monkeypatch.setenv("NBA_MODELS_GCS", settings.models_url)
    monkeypatch.setenv("NBA_PUBLISH_DIR", settings.publish_url)
    monkeypatch.setenv("NBA_BQ_DATASET_PREFIX", settings.dataset_prefix)
    monkeypatch.setenv("NBA_BQ_MAX_BYTES_BILLED", str(LIMITS.maximum_bytes_billed))
    monkeypatch.setenv("NBA_BQ_JOB_TIMEOUT_S", str(LIMITS.timeout_s))


def test_cli_bq_init_creates_the_warehouse_from_the_environment(emulators, bq, monkeypatch, capsys):
    _prod_env(monkeypatch, _settings("cli_"))
    assert main(["bq-init"]) == 0
    out = capsys.readouterr().out
    assert "datasets in nba-test (US): cli_raw, cli_analytics, cli_precompute, cli_predictions, cli_monitoring" in out
    assert "tables (13):" in out and "columns added: none" in out
    assert bq.get_table(f"{PROJECT}.cli_predictions.player_prop_predictions").time_partitioning.field == "game_date"


def test_rerunning_a_range_in_prod_from_the_cli_leaves_no_duplicates(graph_runs, monkeypatch, capsys):
    """`NBA_PLATFORM_ENV=prod nba-platform backfill` over the last days again (a run of its own range)."""
    client = graph_runs["client"]
    before = {t: _by_key(_read(client, t), t) for t in schemas.TABLES}
    _prod_env(monkeypatch, graph_runs["settings"])
    assert main(["backfill", "--start", "2025-10-28", "--end", graph_runs["end"].isoformat()]) == 0
    assert f"into BigQuery project {PROJECT}" in capsys.readouterr().out
    for table in schemas.TABLES:
        assert _by_key(_read(client, table), table).equals(before[table]), table
