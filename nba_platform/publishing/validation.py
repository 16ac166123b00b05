"""Every export is checked against its JSON Schema (`schemas/<kind>.schema.json`) before it is written.

The schemas ship inside the package, so consumers (the website, an API) can read the same files.
`common.schema.json` holds the parts all documents share (header, status block, summaries); the
document schemas refer to it by its `$id`.

Validation runs on jsonschema-rs (a compiled validator): a date's `tonight` document has every player of
every system, and the pure-Python validator spent ~0.5 s on each, most of a backfill's publishing time.
Its messages quote values as JSON (`true`, `"x"`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

KINDS = ("tonight", "results", "player", "players_index", "systems_performance", "best_bets")


class InvalidDocumentError(ValueError):
    """A document does not match its schema; nothing was written."""


def schema_file(name: str) -> str:
    return f"{name}.schema.json"


@cache
def _load(name: str) -> dict[str, Any]:
    text = resources.files("nba_platform.publishing").joinpath("schemas", schema_file(name)).read_text("utf-8")
    return json.loads(text)


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one document kind."""
    if kind not in KINDS:
        raise KeyError(f"unknown document kind {kind!r} (known: {', '.join(KINDS)})")
    return _load(kind)


@cache
def _validator(kind: str) -> jsonschema_rs.Validator:
    registry = jsonschema_rs.Registry([(_load(name)["$id"], _load(name)) for name in ("common", *KINDS)])
    jsonschema_rs.meta.validate(schema(kind))
    return jsonschema_rs.validator_for(schema(kind), registry=registry)


def _where(error: jsonschema_rs.ValidationError) -> str:
    return "/" + "/".join(str(p) for p in error.instance_path) if error.instance_path else "(document root)"


def validate_document(kind: str, document: Any, where: str = "") -> None:
    """Raise `InvalidDocumentError` naming the document, the schema and the first errors by JSON path."""
    errors = sorted(_validator(kind).iter_errors(document), key=lambda e: list(map(str, e.instance_path)))
    if not errors:
        return
    shown = "; ".join(f"at {_where(e)}: {e.message}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    name = f" {where}" if where else ""
    raise InvalidDocumentError(
        f"{kind} document{name} does not match {schema_file(kind)}: {len(errors)} error(s): {shown}{more}"
    )
