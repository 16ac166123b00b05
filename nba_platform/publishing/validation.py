"""Every export is checked against its JSON Schema (`schemas/<kind>.schema.json`) before it is written.

The schemas ship inside the package, so consumers (the website, an API) can read the same files.
`common.schema.json` holds the parts all documents share (header, status block, summaries); the
document schemas refer to it by its `$id`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from referencing import Registry, Resource

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
def _validator(kind: str) -> jsonschema.protocols.Validator:
    registry = Registry().with_resources(
        (_load(name)["$id"], Resource.from_contents(_load(name))) for name in ("common", *KINDS)
    )
    cls = jsonschema.validators.validator_for(schema(kind))
    cls.check_schema(schema(kind))
    return cls(schema(kind), registry=registry)


def _where(error: jsonschema.ValidationError) -> str:
    return "/" + "/".join(str(p) for p in error.absolute_path) if error.absolute_path else "(document root)"


def validate_document(kind: str, document: Any, where: str = "") -> None:
    """Raise `InvalidDocumentError` naming the document, the schema and the first errors by JSON path."""
    errors = sorted(_validator(kind).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return
    shown = "; ".join(f"at {_where(e)}: {e.message}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    name = f" {where}" if where else ""
    raise InvalidDocumentError(
        f"{kind} document{name} does not match {schema_file(kind)}: {len(errors)} error(s): {shown}{more}"
    )
