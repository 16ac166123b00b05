"""The object store on both backends: a local folder, and GCS against gcp-storage-emulator on 127.0.0.1.

The emulator ignores generation preconditions, so `create`'s refusal to overwrite is checked locally only.
"""

from __future__ import annotations

import uuid

import pytest

from nba_platform.core.storage import GCSStore, LocalStore, open_store, parse_gs_url

from ..emulators import storage_emulator


@pytest.fixture(scope="module")
def emulator():
    with storage_emulator() as url:
        yield url


@pytest.fixture
def gcs_client(emulator, monkeypatch):
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator)
    return storage.Client(project="test", credentials=AnonymousCredentials())


@pytest.fixture
def gcs_url(gcs_client):
    bucket = f"store-{uuid.uuid4().hex[:12]}"
    gcs_client.create_bucket(bucket)
    return f"gs://{bucket}/root/"


@pytest.fixture(params=["local", "gcs"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    return GCSStore.from_url(request.getfixturevalue("gcs_url"), client=request.getfixturevalue("gcs_client"))


def test_parse_gs_url():
    assert parse_gs_url("gs://bucket/a/b/") == ("bucket", "a/b")
    assert parse_gs_url("gs://bucket") == ("bucket", "")
    with pytest.raises(ValueError, match="not a gs:// URL"):
        parse_gs_url("/data/landing")
    with pytest.raises(ValueError, match="no bucket"):
        parse_gs_url("gs:///prefix")


def test_open_store_picks_the_backend_and_describes_keys(tmp_path, gcs_url):
    local = open_store(tmp_path / "x")
    assert isinstance(local, LocalStore) and local.describe("a/b.json") == str(tmp_path / "x" / "a" / "b.json")
    assert local.describe() == str(tmp_path / "x") and not (tmp_path / "x").exists()  # nothing made on open
    gcs = open_store(gcs_url)
    assert isinstance(gcs, GCSStore) and (gcs.bucket_name, gcs.prefix) == (gcs_url[5:].split("/")[0], "root")
    assert gcs.describe() == gcs_url.rstrip("/") and gcs.describe("a/b.json") == f"{gcs_url}a/b.json"


def test_write_read_exists(store):
    assert not store.exists("a/b.json")
    with pytest.raises(FileNotFoundError):
        store.read("a/b.json")
    store.write("a/b.json", b"one")
    store.write("a/b.json", b"two")  # write replaces
    assert store.exists("a/b.json") and store.read("a/b.json") == b"two"
    assert not store.exists("a")  # a folder is not an object


def test_replace_keeps_the_old_payload_and_skips_identical_bytes(store):
    assert store.replace("k.json", b"v1", keep_old_as="old/k.json.1") is True
    assert store.replace("k.json", b"v1", keep_old_as="old/k.json.2") is False
    assert store.replace("k.json", b"v2", keep_old_as="old/k.json.3") is True
    assert store.read("k.json") == b"v2"
    assert store.list("old") == ["old/k.json.3"] and store.read("old/k.json.3") == b"v1"


def test_copy_and_create(store):
    assert store.copy("missing.json", "dest.json") is False and not store.exists("dest.json")
    store.write("src.json", b"payload")
    assert store.copy("src.json", "q/src.json") is True
    assert store.read("q/src.json") == b"payload" and store.read("src.json") == b"payload"
    store.create("new.txt", b"fresh")
    assert store.read("new.txt") == b"fresh"


def test_list_is_folder_scoped_sorted_and_leaves_out_dot_files(store):
    for key in ("b/2.json", "b/1.json", "b/c/3.json", "bc/4.json", "b/.hidden", "_x/5.json"):
        store.write(key, b"{}")
    assert store.list() == ["_x/5.json", "b/1.json", "b/2.json", "b/c/3.json", "bc/4.json"]
    assert store.list("b") == store.list("b/") == ["b/1.json", "b/2.json", "b/c/3.json"]
    assert store.list("nothing") == []


def test_fingerprint_moves_when_the_bytes_change(store):
    store.write("f.json", b"1")
    listed = (store.list(), store.fingerprint("f.json"))
    store.write("f.json", b"22")
    assert store.fingerprint("f.json") != listed[1] and store.fingerprint("f.json")[0] == 2
    with pytest.raises(FileNotFoundError):
        store.fingerprint("nope.json")


def test_local_writes_are_atomic_and_create_never_overwrites(tmp_path):
    store = LocalStore(tmp_path)
    store.write("a/b.json", b"x")
    store.replace("a/b.json", b"y", keep_old_as="_versions/a/b.json.1")
    store.create("a/c.txt", b"first")
    with pytest.raises(FileExistsError):
        store.create("a/c.txt", b"second")
    assert store.read("a/c.txt") == b"first"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b.json", "c.txt"]  # no temp files left


def test_gcs_objects_carry_their_content_type_and_cache_control(gcs_url, gcs_client):
    store = GCSStore.from_url(gcs_url, client=gcs_client)
    store.write("doc.json", b"{}")
    store.write("page.html", b"<p>", content_type="text/html; charset=utf-8", cache_control="public, max-age=60")
    store.create("why.reason.txt", b"because")
    bucket = gcs_client.bucket(store.bucket_name)
    blobs = {name: bucket.get_blob(f"root/{name}") for name in ("doc.json", "page.html", "why.reason.txt")}
    # (the emulator keeps the media type and drops the charset parameter)
    assert {name: (b.content_type.split(";")[0], b.cache_control) for name, b in blobs.items()} == {
        "doc.json": ("application/json", None),
        "page.html": ("text/html", "public, max-age=60"),
        "why.reason.txt": ("text/plain", None),
    }
