"""One object store under the landing zone and the publisher: a local folder or a GCS bucket.

Keys are ``/``-separated paths relative to the store's root (a folder, or ``gs://bucket/prefix``).
`open_store` picks the backend from the location; `parse_gs_url` is the one reader of ``gs://`` URLs.

Both backends promise the same:

* a write is atomic: readers see the old bytes or the new ones, never half a file (local: a temp
  file in the same folder, fsync, rename; GCS: an upload replaces an object in one step);
* `create` never replaces an existing object (raises FileExistsError);
* `replace` writes nothing when the same bytes are already there, and first keeps a different old
  payload under another key, so no version is lost (GCS: compared by MD5 without a download, copied
  server-side from the exact generation compared, uploaded on that generation's precondition so a
  concurrent writer fails instead of being overwritten);
* `list` is one walk (GCS: one paginated listing) that leaves out dot files (the local temp files) and
  remembers each object's fingerprint, so a `fingerprint` after a `list` costs no further request.

Object metadata (``content_type``, ``cache_control``) exists on GCS only; the local folder ignores it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from google.cloud import storage

GS_SCHEME = "gs://"


class ObjectStore(Protocol):
    """What the landing zone and the publisher need from a place to keep bytes, whatever the backend."""

    def describe(self, key: str = "") -> str: ...

    def exists(self, key: str) -> bool: ...

    def read(self, key: str) -> bytes: ...

    def write(self, key: str, data: bytes, *, content_type: str | None = None, cache_control: str | None = None) -> None: ...

    def create(self, key: str, data: bytes) -> None: ...

    def replace(self, key: str, data: bytes, keep_old_as: str) -> bool: ...

    def copy(self, source: str, dest: str) -> bool: ...

    def list(self, prefix: str = "") -> list[str]: ...

    def fingerprint(self, key: str) -> tuple[int, ...]: ...


def is_gs_url(location: str | os.PathLike[str]) -> bool:
    return os.fspath(location).startswith(GS_SCHEME)


def parse_gs_url(url: str) -> tuple[str, str]:
    """``gs://bucket/prefix`` -> (bucket, prefix without surrounding slashes); ValueError otherwise."""
    if not url.startswith(GS_SCHEME):
        raise ValueError(f"not a gs:// URL: {url!r}")
    bucket, _, prefix = url.removeprefix(GS_SCHEME).partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {url!r} (expected gs://bucket/prefix)")
    return bucket, prefix.strip("/")


def open_store(location: str | os.PathLike[str]) -> ObjectStore:
    """The store at ``location``: ``gs://bucket/prefix`` -> GCS, anything else -> a local folder."""
    text = os.fspath(location)
    if is_gs_url(text):
        return GCSStore.from_url(text)
    return LocalStore(text)


def default_content_type(key: str) -> str:
    return "application/json" if key.endswith(".json") else "text/plain; charset=utf-8"


# --- local folder ------------------------------------------------------------------------------------


def atomic_write_bytes(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write via a temp file in the same folder, fsync, then rename: readers never see half a file.

    ``exclusive`` publishes with a hard link instead of a rename, which fails (FileExistsError) when
    ``path`` exists rather than replacing it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class LocalStore:
    """Objects as files under a local folder (created on the first write)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key

    def describe(self, key: str = "") -> str:
        return str(self.path(key)) if key else str(self.root)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def write(self, key: str, data: bytes, *, content_type: str | None = None, cache_control: str | None = None) -> None:
        atomic_write_bytes(self.path(key), data)

    def create(self, key: str, data: bytes) -> None:
        atomic_write_bytes(self.path(key), data, exclusive=True)

    def replace(self, key: str, data: bytes, keep_old_as: str) -> bool:
        target = self.path(key)
        if target.is_file():
            old = target.read_bytes()
            if old == data:
                return False
            atomic_write_bytes(self.path(keep_old_as), old)
        atomic_write_bytes(target, data)
        return True

    def copy(self, source: str, dest: str) -> bool:
        path = self.path(source)
        if not path.is_file():
            return False
        atomic_write_bytes(self.path(dest), path.read_bytes())
        return True

    def list(self, prefix: str = "") -> list[str]:
        """Keys of the files under the folder ``prefix`` (sorted)."""
        base = self.path(prefix) if prefix else self.root
        if not base.exists():
            return []
        keys = [
            path.relative_to(self.root).as_posix()
            for path in base.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        ]
        return sorted(keys)

    def fingerprint(self, key: str) -> tuple[int, ...]:
        """(size, mtime in ns)."""
        st = self.path(key).stat()
        return st.st_size, st.st_mtime_ns


# --- GCS ---------------------------------------------------------------------------------------------


def _md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")


def _blob_fingerprint(blob: Any) -> tuple[int, ...]:
    updated = blob.updated
    updated_us = int(updated.timestamp() * 1_000_000) if updated is not None else 0
    return int(blob.size or 0), int(blob.generation or 0), updated_us


class GCSStore:
    """Objects under ``gs://<bucket>/<prefix>``. The GCS client library is imported only when one is opened."""

    def __init__(self, bucket: str, prefix: str = "", client: storage.Client | None = None):
        if client is None:
            from google.cloud import storage

            client = storage.Client()
        self.client = client
        self.bucket_name = bucket
        self.prefix = prefix.strip("/")
        self.bucket = self.client.bucket(bucket)
        self._listed: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_url(cls, url: str, client: storage.Client | None = None) -> GCSStore:
        bucket, prefix = parse_gs_url(url)
        return cls(bucket, prefix, client)

    def _name(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def describe(self, key: str = "") -> str:
        name = self._name(key) if key else self.prefix
        return f"{GS_SCHEME}{self.bucket_name}/{name}".rstrip("/")

    def exists(self, key: str) -> bool:
        return self.bucket.blob(self._name(key)).exists()

    def read(self, key: str) -> bytes:
        from google.api_core import exceptions as gexc

        try:
            return self.bucket.blob(self._name(key)).download_as_bytes()
        except gexc.NotFound as exc:
            raise FileNotFoundError(f"{self.describe(key)} does not exist") from exc

    def _upload(
        self, key: str, data: bytes, *, if_generation_match: int | None,
        content_type: str | None = None, cache_control: str | None = None,
    ) -> None:
        blob = self.bucket.blob(self._name(key))
        if cache_control is not None:
            blob.cache_control = cache_control
        blob.upload_from_string(
            data, content_type=content_type or default_content_type(key), if_generation_match=if_generation_match
        )
        self._listed.pop(key, None)

    def write(self, key: str, data: bytes, *, content_type: str | None = None, cache_control: str | None = None) -> None:
        self._upload(key, data, if_generation_match=None, content_type=content_type, cache_control=cache_control)

    def create(self, key: str, data: bytes) -> None:
        from google.api_core import exceptions as gexc

        try:
            self._upload(key, data, if_generation_match=0)
        except gexc.PreconditionFailed as exc:
            raise FileExistsError(f"{self.describe(key)} already exists") from exc

    def replace(self, key: str, data: bytes, keep_old_as: str) -> bool:
        current = self.bucket.get_blob(self._name(key))
        if current is None:
            self._upload(key, data, if_generation_match=0)
            return True
        if current.md5_hash is not None:
            same = current.size == len(data) and current.md5_hash == _md5_b64(data)
        else:  # composite objects carry no MD5: compare the bytes
            same = current.download_as_bytes(if_generation_match=current.generation) == data
        if same:
            return False
        self.bucket.copy_blob(current, self.bucket, self._name(keep_old_as), source_generation=current.generation)
        self._listed.pop(keep_old_as, None)
        self._upload(key, data, if_generation_match=current.generation)
        return True

    def copy(self, source: str, dest: str) -> bool:
        blob = self.bucket.get_blob(self._name(source))
        if blob is None:
            return False
        self.bucket.copy_blob(blob, self.bucket, self._name(dest), source_generation=blob.generation)
        self._listed.pop(dest, None)
        return True

    def list(self, prefix: str = "") -> list[str]:
        """Keys of the objects under the folder ``prefix`` (sorted; folder placeholders left out)."""
        root = f"{self.prefix}/" if self.prefix else ""
        wanted = root + (prefix.rstrip("/") + "/" if prefix else "")
        keys = []
        for blob in self.client.list_blobs(self.bucket_name, prefix=wanted):
            key = blob.name[len(root):]
            if not key or key.endswith("/") or key.rsplit("/", 1)[-1].startswith("."):
                continue
            self._listed[key] = _blob_fingerprint(blob)
            keys.append(key)
        return sorted(keys)

    def fingerprint(self, key: str) -> tuple[int, ...]:
        """(size, generation, updated in µs): from the last listing, else one metadata request."""
        if key in self._listed:
            return self._listed[key]
        blob = self.bucket.get_blob(self._name(key))
        if blob is None:
            raise FileNotFoundError(f"{self.describe(key)} does not exist")
        return _blob_fingerprint(blob)
