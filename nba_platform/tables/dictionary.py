"""The data dictionary's per-table and per-export facts (docs/data_dictionary.md), generated from the
table registry and the exports' JSON Schemas.

The document keeps its hand-written parts (conventions, how a table is built, what the exports are for);
the blocks between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->`` are rewritten here:
``tables`` (the list of tables), one block per table (its heading, description, key, rules and a
column table), ``export.common`` (the objects every document shares) and one ``export.<kind>`` block per
export schema (every field with its type and description, from `nba_platform/publishing/schemas/`: the
schemas are the one source of truth consumers read). `python -m nba_platform.tables.dictionary [path]`
rewrites the file; a test fails when the checked-in file differs from what this module renders.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from nba_platform.tables import ALL_TABLES, Table

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "docs" / "data_dictionary.md"
OVERVIEW = "tables"
# The export schemas are data files of the publishing package, read here as files: the registry sits
# below publishing in the layers and imports none of its code.
SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "publishing" / "schemas"
COMMON = "common"
EXPORT_PREFIX = "export."
_BLOCK = re.compile(r"<!-- generated: (?P<name>[\w.]+) -->\n.*?<!-- end generated: (?P=name) -->", re.S)


class DictionaryLayoutError(ValueError):
    """The document lacks a block for a table, or has a block for something the registry does not know."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return f"Datetime ({dtype.time_zone})" if dtype.time_zone else "Datetime"
    return str(dtype)


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(f"`{c}`" for c in columns)


def overview() -> str:
    rows = [
        f"| [{t.name}](#{t.name}) | {t.dataset} | {t.group or '-'} | {t.grain} | {', '.join(t.keys) or '-'} |"
        for t in ALL_TABLES.values()
    ]
    return "\n".join(["| table | dataset | asset group | grain | key |", "|---|---|---|---|---|", *rows])


def table_section(table: Table) -> str:
    facts = [f"Dataset `{table.dataset}`, grain: {table.grain}."]
    if table.group:
        facts.append(f"Asset group `{table.group}`.")
    if table.keys:
        facts.append(f"Key (unique): {_names(table.keys)}.")
    if table.required:
        facts.append(f"Never null besides the key: {_names(table.required)}.")
    facts.append(f"BigQuery: clustered by {_names(table.clustering)}; "
                 + ("no partition filter required." if table.open_to_full_scans else "partition filter required."))
    lines = [
        f"## {table.name}",
        "",
        table.description,
        "",
        "\n".join(facts),
        "",
        "| column | type | description | range |",
        "|---|---|---|---|",
    ]
    for column in table.columns:
        bounds = table.ranges.get(column.name)
        shown = f"{bounds[0]} to {bounds[1]}" if bounds else ""
        lines.append(f"| `{column.name}` | {_type(column.dtype)} | {_cell(column.description)} | {shown} |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# exports: the JSON Schemas as field tables
# ----------------------------------------------------------------------------------------------

# Shared objects documented once in `export.common` and referred to by name elsewhere.
COMMON_OBJECTS = ("status", "outcome_summary", "window_summary", "availability")
# How the shared scalar definitions read in a table.
COMMON_SCALARS = {
    "schema_version": "string `1.x`",
    "date": "date `YYYY-MM-DD`",
    "utc_time": "UTC time `YYYY-MM-DDTHH:MM:SSZ`",
    "et_time": "ET time `YYYY-MM-DDTHH:MM-05:00` (or -04:00)",
    "nullable_number": "number or null",
    "nullable_count": "integer >= 0 or null",
    "probability": "number 0-1 or null",
    "american_price": "American price (integer, +100 or more, -100 or less) or null",
}


class SchemaDescriptionError(ValueError):
    """A field of an export schema has no description."""


@cache
def export_schemas() -> dict[str, dict[str, Any]]:
    """Every schema file by kind (`common` first, then the documents in name order)."""
    files = sorted(SCHEMAS_DIR.glob("*.schema.json"), key=lambda p: (p.name != f"{COMMON}.schema.json", p.name))
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text("utf-8")) for p in files}


def _resolve(node: dict[str, Any], kind: str) -> tuple[dict[str, Any], str]:
    """Follow a local or common `$ref` (not into the shared objects); the node's own description wins."""
    seen = kind
    while "$ref" in node:
        ref = node["$ref"]
        file, _, pointer = ref.partition("#")
        target_kind = file.removesuffix(".schema.json") if file else seen
        name = pointer.removeprefix("/$defs/")
        if target_kind == COMMON and name in COMMON_OBJECTS:
            break
        target = export_schemas()[target_kind]["$defs"][name]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen = target_kind
    return node, seen


def _json_type(node: dict[str, Any], kind: str) -> str:
    if "$ref" in node:
        file, _, pointer = node["$ref"].partition("#")
        name = pointer.removeprefix("/$defs/")
        if (file.removesuffix(".schema.json") or kind) == COMMON:
            if name in COMMON_OBJECTS:
                return f"[{name}](#{name})"
            if name in COMMON_SCALARS:
                return COMMON_SCALARS[name]
        resolved, where = _resolve(node, kind)
        return _json_type(resolved, where)
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return " / ".join(f"`{v}`" for v in node["enum"])
    if "anyOf" in node:
        return " or ".join(_json_type(alt, kind) for alt in node["anyOf"])
    if "allOf" in node:
        return " + ".join(_json_type(part, kind) for part in node["allOf"] if "$ref" in part) or "object"
    types = node.get("type", "any")
    types = types if isinstance(types, list) else [types]
    shown = []
    for t in types:
        if t == "array":
            shown.append(f"array of {_json_type(node.get('items', {}), kind)}")
        elif t == "object" and isinstance(node.get("additionalProperties"), dict):
            shown.append(f"object of {_json_type(node['additionalProperties'], kind)}")
        else:
            shown.append(t)
    return " or ".join(shown)


def _children(node: dict[str, Any], kind: str) -> tuple[list[tuple[str, dict[str, Any], bool]], str]:
    """The named fields under a node (through arrays, anyOf alternatives and allOf parts) and the suffix
    their paths take (`[]` under an array)."""
    node, kind = _resolve(node, kind)
    suffix = ""
    if node.get("type") == "array" or "items" in node:
        node, kind = _resolve(node.get("items", {}), kind)
        suffix = "[]"
    parts = [node, *node.get("allOf", []), *node.get("anyOf", [])]
    out = []
    for part in parts:
        part, _ = _resolve(part, kind)
        if "$ref" in part:  # a shared object: documented in export.common
            continue
        required = set(part.get("required", []))
        out.extend((name, sub, name in required) for name, sub in part.get("properties", {}).items())
    return out, suffix


def field_rows(node: dict[str, Any], kind: str, prefix: str = "") -> list[tuple[str, str, str]]:
    """(field path, type, description) for every field under `node`, depth first, as in the schema."""
    rows = []
    fields, suffix = _children(node, kind)
    for name, sub, required in fields:
        path = f"{prefix}{suffix}.{name}" if prefix else name
        description = sub.get("description") or _resolve(sub, kind)[0].get("description")
        if not description:
            raise SchemaDescriptionError(f"{kind}.schema.json: field {path} has no description")
        rows.append((path, _json_type(sub, kind) + ("" if required else " (optional)"), description))
        rows.extend(field_rows(sub, kind, path))
    return rows


def _field_table(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| field | type | description |", "|---|---|---|"]
    lines += [f"| `{path}` | {_cell(kind)} | {_cell(text)} |" for path, kind, text in rows]
    return "\n".join(lines)


def export_section(kind: str) -> str:
    """One document: its file, what it is, and every field."""
    schema = export_schemas()[kind]
    if kind == COMMON:
        parts = []
        for name in COMMON_OBJECTS:
            obj = schema["$defs"][name]
            parts += [f"#### {name}", "", obj["description"], "", _field_table(field_rows(obj, kind)), ""]
        return "\n".join(parts).rstrip()
    file, _, what = schema["title"].partition(": ")
    lines = [f"### {file}", "", what[:1].upper() + what[1:] + "."]
    if schema.get("description"):
        lines += ["", schema["description"]]
    return "\n".join([*lines, "", _field_table(field_rows(schema, kind))])


def export_blocks() -> list[str]:
    return [f"{EXPORT_PREFIX}{kind}" for kind in export_schemas()]


def _render_block(name: str) -> str:
    if name == OVERVIEW:
        return overview()
    if name.startswith(EXPORT_PREFIX) and name.removeprefix(EXPORT_PREFIX) in export_schemas():
        return export_section(name.removeprefix(EXPORT_PREFIX))
    if name not in ALL_TABLES:
        raise DictionaryLayoutError(f"generated block {name!r} names no table of the registry")
    return table_section(ALL_TABLES[name])


def render(document: str) -> str:
    """The document with every generated block rewritten from the registry."""
    found = [m.group("name") for m in _BLOCK.finditer(document)]
    missing = [name for name in (OVERVIEW, *ALL_TABLES, *export_blocks()) if name not in found]
    twice = sorted({name for name in found if found.count(name) > 1})
    if missing or twice:
        raise DictionaryLayoutError(f"data dictionary: no block for {missing}, more than one for {twice}")
    return _BLOCK.sub(
        lambda m: f"<!-- generated: {m['name']} -->\n{_render_block(m['name'])}\n<!-- end generated: {m['name']} -->",
        document,
    )


def write(path: Path = DEFAULT_PATH) -> None:
    path.write_text(render(path.read_text()))


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH)
