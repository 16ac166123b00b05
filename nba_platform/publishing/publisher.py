"""Where exports go: a local folder (the embedded default) or a GCS bucket, behind one interface.

Layout, relative to the publish root:

    tonight/<YYYY-MM-DD>.json        results/<YYYY-MM-DD>.json       site/<YYYY-MM-DD>.html
    players/<player_lookup>.json     players/index.json              systems/performance.json

Every write is atomic: a local file is written to a temp name and renamed; a GCS upload replaces the
object in one step. Readers never see half a document. Documents are validated against their JSON
Schema before they reach `write_document` (see `validation.py`); an invalid one is never written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from nba_platform.landing.zone import atomic_write_bytes
from nba_platform.publishing.validation import validate_document

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"


class Publisher(Protocol):
    """What the publishing assets need from a publish location, whatever the backend."""

    def describe(self, relpath: str = "") -> str: ...

    def write_bytes(self, relpath: str, data: bytes, content_type: str) -> str: ...

    def read_bytes(self, relpath: str) -> bytes | None: ...


def open_publisher(location: str | os.PathLike[str]) -> Publisher:
    """The publish location at ``location``: ``gs://bucket/prefix`` -> GCS, anything else -> a folder."""
    text = os.fspath(location)
    if text.startswith("gs://"):
        return GCSPublisher.from_url(text)
    return LocalPublisher(text)


class LocalPublisher:
    """Exports in a local folder (default ``$NBA_PLATFORM_HOME/publish``)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def describe(self, relpath: str = "") -> str:
        return str(self.root / relpath) if relpath else str(self.root)

    def write_bytes(self, relpath: str, data: bytes, content_type: str) -> str:
        atomic_write_bytes(self.root / relpath, data)
        return self.describe(relpath)

    def read_bytes(self, relpath: str) -> bytes | None:
        path = self.root / relpath
        return path.read_bytes() if path.is_file() else None


class GCSPublisher:
    """Exports under ``gs://<bucket>/<prefix>`` (production: the public bucket behind the website)."""

    # Browsers and CDNs may cache a document for a minute: picks move with the lines.
    CACHE_CONTROL = "public, max-age=60"

    def __init__(self, bucket: str, prefix: str = "", client: Any = None):
        from google.cloud import storage  # imported only when a bucket is used

        self.client = client or storage.Client()
        self.bucket_name = bucket
        self.prefix = prefix.strip("/")
        self.bucket = self.client.bucket(bucket)

    @classmethod
    def from_url(cls, url: str, client: Any = None) -> GCSPublisher:
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

    def write_bytes(self, relpath: str, data: bytes, content_type: str) -> str:
        blob = self.bucket.blob(self._name(relpath))
        blob.cache_control = self.CACHE_CONTROL
        blob.upload_from_string(data, content_type=content_type)
        return self.describe(relpath)

    def read_bytes(self, relpath: str) -> bytes | None:
        from google.api_core import exceptions as gexc

        try:
            return self.bucket.blob(self._name(relpath)).download_as_bytes()
        except gexc.NotFound:
            return None


def encode_document(document: dict[str, Any]) -> bytes:
    """Compact, stable JSON (sorted keys would scramble the reading order, so insertion order it is).

    NaN and infinities are refused: they are not JSON, and a browser's JSON.parse rejects them."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def write_document(publisher: Publisher, relpath: str, kind: str, document: dict[str, Any]) -> tuple[str, int]:
    """Validate ``document`` against the ``kind`` schema, then write it. Returns (location, bytes).

    Raises `validation.InvalidDocumentError` (nothing written) when the document breaks its schema."""
    validate_document(kind, document, where=relpath)
    data = encode_document(document)
    return publisher.write_bytes(relpath, data, JSON_TYPE), len(data)


def read_document(publisher: Publisher, relpath: str) -> dict[str, Any] | None:
    """A previously published document, or None when there is none (or it is not JSON)."""
    data = publisher.read_bytes(relpath)
    if data is None:
        return None
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
