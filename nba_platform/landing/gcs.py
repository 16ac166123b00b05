"""The landing zone on a GCS bucket (``NBA_LANDING_DIR=gs://bucket/prefix``), production's backend.

Same layout and the same promises as `landing.LocalLanding`: a landed object is never replaced by
different bytes without the old generation being copied to ``_versions/`` first; identical bytes are
not re-uploaded (MD5 comparison, no download); unreadable objects are copied to ``_quarantine/`` with a
``.reason.txt``. Uploads of one object are atomic in GCS, so readers never see half a file, and they
carry a generation precondition so two writers cannot silently overwrite each other.

`list()` is one paginated listing call; it remembers each object's generation, size and update time,
so the sensor's `stat_fingerprint` per file costs no further request.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import storage

from nba_platform.landing.zone import QUARANTINE_DIR, VERSIONS_DIR, version_stamp


def _md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")


def _content_type(relpath: str) -> str:
    return "application/json" if relpath.endswith(".json") else "text/plain; charset=utf-8"


def _fingerprint(blob: Any) -> tuple[int, ...]:
    updated = blob.updated
    updated_us = int(updated.timestamp() * 1_000_000) if updated is not None else 0
    return int(blob.size or 0), int(blob.generation or 0), updated_us


class GCSLanding:
    """The landing zone under ``gs://<bucket>/<prefix>``."""

    def __init__(self, bucket: str, prefix: str = "", client: storage.Client | None = None):
        self.client = client or storage.Client()
        self.bucket_name = bucket
        self.prefix = prefix.strip("/")
        self.bucket = self.client.bucket(bucket)
        self._listed: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_url(cls, url: str, client: storage.Client | None = None) -> GCSLanding:
        if not url.startswith("gs://"):
            raise ValueError(f"not a gs:// URL: {url!r}")
        bucket, _, prefix = url.removeprefix("gs://").partition("/")
        if not bucket:
            raise ValueError(f"no bucket in {url!r} (expected gs://bucket/prefix)")
        return cls(bucket, prefix, client)

    def _name(self, relpath: str) -> str:
        return f"{self.prefix}/{relpath}" if self.prefix else relpath

    def describe(self, relpath: str = "") -> str:
        name = self._name(relpath) if relpath else self.prefix
        return f"gs://{self.bucket_name}/{name}".rstrip("/")

    def exists(self, relpath: str) -> bool:
        return self.bucket.blob(self._name(relpath)).exists()

    def read_bytes(self, relpath: str) -> bytes:
        try:
            return self.bucket.blob(self._name(relpath)).download_as_bytes()
        except gexc.NotFound as exc:
            raise FileNotFoundError(f"{self.describe(relpath)} does not exist") from exc

    def _upload(self, relpath: str, data: bytes, if_generation_match: int | None) -> None:
        blob = self.bucket.blob(self._name(relpath))
        blob.upload_from_string(data, content_type=_content_type(relpath), if_generation_match=if_generation_match)
        self._listed.pop(relpath, None)

    def write(self, relpath: str, data: bytes) -> bool:
        """Land ``data`` at ``relpath``. Returns False when identical bytes are already there.

        A different payload first copies the current generation to ``_versions/<relpath>.<stamp>``.
        """
        current = self.bucket.get_blob(self._name(relpath))
        if current is None:
            self._upload(relpath, data, if_generation_match=0)
            return True
        if current.md5_hash is not None:
            same = current.size == len(data) and current.md5_hash == _md5_b64(data)
        else:  # composite objects carry no MD5: compare the bytes
            same = current.download_as_bytes(if_generation_match=current.generation) == data
        if same:
            return False
        self.bucket.copy_blob(
            current,
            self.bucket,
            self._name(f"{VERSIONS_DIR}/{relpath}.{version_stamp()}"),
            source_generation=current.generation,
        )
        self._upload(relpath, data, if_generation_match=current.generation)
        return True

    def quarantine(self, relpath: str, reason: str) -> str:
        """Copy an unreadable object to ``_quarantine/`` with its reason; the original stays in place."""
        dest_rel = f"{QUARANTINE_DIR}/{relpath}"
        source = self.bucket.get_blob(self._name(relpath))
        if source is not None:
            self.bucket.copy_blob(source, self.bucket, self._name(dest_rel), source_generation=source.generation)
        else:
            self._upload(dest_rel, b"", if_generation_match=None)
        self._upload(dest_rel + ".reason.txt", reason.encode("utf-8"), if_generation_match=None)
        return dest_rel

    def quarantine_bytes(self, relpath: str, data: bytes, reason: str) -> str:
        """Quarantine bytes that were never landed, under ``_quarantine/<relpath>.<stamp>``."""
        dest_rel = f"{QUARANTINE_DIR}/{relpath}.{version_stamp()}"
        self._upload(dest_rel, data, if_generation_match=0)
        self._upload(dest_rel + ".reason.txt", reason.encode("utf-8"), if_generation_match=0)
        return dest_rel

    def list(self, prefix: str = "") -> list[str]:
        """Relative paths of landed objects under ``prefix`` (sorted; ``_`` folders and dot files excluded)."""
        root = f"{self.prefix}/" if self.prefix else ""
        wanted = root + (prefix.rstrip("/") + "/" if prefix else "")
        out = []
        for blob in self.client.list_blobs(self.bucket_name, prefix=wanted):
            rel = blob.name[len(root):]
            if not rel or rel.endswith("/") or rel.startswith("_") or rel.rsplit("/", 1)[-1].startswith("."):
                continue
            self._listed[rel] = _fingerprint(blob)
            out.append(rel)
        return sorted(out)

    def stat_fingerprint(self, relpath: str) -> tuple[int, ...]:
        """(size, generation, updated in µs): from the last listing, else one metadata request."""
        if relpath in self._listed:
            return self._listed[relpath]
        blob = self.bucket.get_blob(self._name(relpath))
        if blob is None:
            raise FileNotFoundError(f"{self.describe(relpath)} does not exist")
        return _fingerprint(blob)
