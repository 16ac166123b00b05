"""Where exports go: a local folder (the embedded default) or a GCS bucket, behind one interface.

Layout, relative to the publish root:

    tonight/<YYYY-MM-DD>.json        results/<YYYY-MM-DD>.json       site/<YYYY-MM-DD>.html
    players/<player_lookup>.json     players/index.json              systems/performance.json

Every write is atomic (`core.storage`: a local temp file renamed into place, or one GCS upload), so
readers never see half a document; on GCS each document carries its content type and a short cache
lifetime. Documents are validated against their JSON Schema before they reach `write_document` (see
`validation.py`); an invalid one is never written.
"""

from __future__ import annotations

import json
import os
from typing import Any

from nba_platform.core.storage import ObjectStore, open_store
from nba_platform.publishing.validation import validate_document

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"


class Publisher:
    """The publish location over an object store (a local folder or ``gs://bucket/prefix``)."""

    # Browsers and CDNs may cache a document for a minute: picks move with the lines.
    CACHE_CONTROL = "public, max-age=60"

    def __init__(self, store: ObjectStore):
        self.store = store

    def describe(self, relpath: str = "") -> str:
        return self.store.describe(relpath)

    def write_bytes(self, relpath: str, data: bytes, content_type: str) -> str:
        self.store.write(relpath, data, content_type=content_type, cache_control=self.CACHE_CONTROL)
        return self.describe(relpath)

    def read_bytes(self, relpath: str) -> bytes | None:
        try:
            return self.store.read(relpath)
        except FileNotFoundError:
            return None


def open_publisher(location: str | os.PathLike[str]) -> Publisher:
    """The publish location at ``location``: ``gs://bucket/prefix`` -> GCS, anything else -> a folder."""
    return Publisher(open_store(location))


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
