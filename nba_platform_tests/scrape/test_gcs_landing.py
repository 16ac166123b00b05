"""The landing-zone interface on both backends; GCS against gcp-storage-emulator on 127.0.0.1.

The emulator (a PyPI package, pinned in the `test` extra) is started by this module on a random free
port with ``--in-memory`` and stopped by its process id. It serves the real google-cloud-storage client
offline. It ignores generation preconditions, so the tests do not rely on them.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import dagster as dg
import pytest

from nba_platform.core.storage import GCSStore, LocalStore
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.sensors import landing_zone_sensor
from nba_platform.scrape.errors import QuarantinedResponseError

from ..conftest import REAL_LANDING
from ..emulators import storage_emulator
from ..scrape_support import KEY, P_LOG, FakeService, Recorder, make_scraper, ok, read


@pytest.fixture(scope="module")
def emulator():
    with storage_emulator() as url:
        yield url


@pytest.fixture
def gcs_url(emulator, monkeypatch):
    """A fresh bucket on the emulator; returns its gs:// landing URL (with a prefix)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator)
    bucket = f"landing-{uuid.uuid4().hex[:12]}"
    storage.Client(project="test", credentials=AnonymousCredentials()).create_bucket(bucket)
    return f"gs://{bucket}/nba"


@pytest.fixture(params=["local", "gcs"])
def zone(request, tmp_path):
    if request.param == "local":
        return lz.LocalLanding(tmp_path / "landing")
    return lz.open_landing(request.getfixturevalue("gcs_url"))


def everything(zone) -> dict[str, bytes]:
    """Every stored object, internal folders included."""
    store = zone.store
    if isinstance(store, LocalStore):
        return {p.relative_to(store.root).as_posix(): p.read_bytes() for p in store.root.rglob("*") if p.is_file()}
    root = store.prefix + "/"
    return {b.name[len(root):]: b.download_as_bytes() for b in store.client.list_blobs(store.bucket_name, prefix=root)}


REL = lz.player_boxscores_path("2024-11-01")


def test_open_landing_picks_the_backend_from_the_location(tmp_path, gcs_url):
    assert isinstance(lz.open_landing(tmp_path).store, LocalStore)
    gcs = lz.open_landing(gcs_url)
    assert isinstance(gcs.store, GCSStore) and (gcs.store.prefix, gcs.describe(REL)) == ("nba", f"{gcs_url}/{REL}")
    assert isinstance(LandingResource(root=gcs_url).zone().store, GCSStore)


def test_write_is_idempotent_and_keeps_old_versions(zone):
    assert zone.write(REL, b"v1") is True
    assert zone.write(REL, b"v1") is False
    fingerprint = zone.stat_fingerprint(REL)
    assert zone.write(REL, b"v2") is True
    assert zone.read_bytes(REL) == b"v2" and zone.exists(REL)
    assert zone.stat_fingerprint(REL) != fingerprint
    stored = everything(zone)
    assert [v for k, v in stored.items() if k.startswith(f"_versions/{REL}.")] == [b"v1"]
    assert zone.list() == [REL]


def test_list_reads_the_layout_only(zone):
    zone.write(REL, b"{}")
    zone.write("odds_api/player_points/2025-10-22/e1/20251022T170000Z.json", b"{}")
    zone.quarantine_bytes(REL, b"<html>", "not JSON")
    assert zone.list() == [REL, "odds_api/player_points/2025-10-22/e1/20251022T170000Z.json"]
    assert zone.list("odds_api/player_points/2025-10-22") == ["odds_api/player_points/2025-10-22/e1/20251022T170000Z.json"]
    assert zone.list("odds_api/player_points/2025-10-2") == []  # folder semantics, not a string prefix
    assert zone.list("nba_cdn") == [] and not zone.exists("nba_cdn/nothing.json")
    with pytest.raises(FileNotFoundError):
        zone.read_bytes("nba_cdn/nothing.json")


def test_quarantine_keeps_the_original_and_the_reason(zone):
    zone.write(REL, b"<html>")
    dest = zone.quarantine(REL, "not valid JSON")
    raw = zone.quarantine_bytes(REL, b"<html>2", "still not JSON")
    stored = everything(zone)
    assert stored[dest] == b"<html>" and stored[dest + ".reason.txt"] == b"not valid JSON"
    assert stored[raw] == b"<html>2" and stored[raw + ".reason.txt"] == b"still not JSON"
    assert raw.startswith(f"_quarantine/{REL}.") and zone.read_bytes(REL) == b"<html>"


def _tick(instance, root, cursor=None):
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"landing": LandingResource(root=root)})
    result = landing_zone_sensor(ctx)
    return sorted((r.partition_key, *sorted(k.to_user_string() for k in r.asset_selection)) for r in result.run_requests), result.cursor


def test_sensor_turns_files_on_gcs_into_runs(gcs_url):
    zone = lz.open_landing(gcs_url)
    date = "2025-10-22"
    for f in sorted((REAL_LANDING / lz.ODDS_PLAYER_POINTS / date).rglob("*.json"))[:2]:
        zone.write(f.relative_to(REAL_LANDING).as_posix(), f.read_bytes())
    real_team = (REAL_LANDING / lz.team_boxscores_path(date)).read_bytes()
    zone.write(lz.team_boxscores_path(date), real_team)
    with dg.instance_for_test() as instance:
        requests, cursor = _tick(instance, gcs_url)
        assert requests == [(date, "raw_prop_lines", "raw_team_boxscores")]
        assert _tick(instance, gcs_url, cursor)[0] == []  # nothing changed

        payload = json.loads(real_team)
        payload["resultSets"][0]["rowSet"][0][-3] += 1  # a corrected box score
        zone.write(lz.team_boxscores_path(date), json.dumps(payload).encode())
        assert _tick(instance, gcs_url, cursor)[0] == [(date, "raw_team_boxscores")]


def test_scraper_lands_and_quarantines_on_gcs(gcs_url, monkeypatch):
    monkeypatch.setenv("ODDS_API_KEY", KEY)
    zone = lz.open_landing(gcs_url)
    clock = Recorder(dt.datetime(2025, 3, 16, 10, tzinfo=dt.UTC))
    service = FakeService().script("/stats/leaguegamelog", ok(read(P_LOG)), ok(b"<html>blocked</html>"))
    client = make_scraper(zone, service, clock).client("nba_stats")
    assert client.scrape_leaguegamelog(zone, dt.date(2025, 3, 15), "P").changed
    with pytest.raises(QuarantinedResponseError, match="looks like HTML"):
        client.scrape_leaguegamelog(zone, dt.date(2025, 3, 15), "P")
    stored = everything(zone)
    assert stored[lz.player_boxscores_path("2025-03-15")] == read(P_LOG)
    assert [k for k in stored if k.startswith("_quarantine/") and not k.endswith(".reason.txt")]
