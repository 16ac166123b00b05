"""The data dictionary's per-table facts (docs/data_dictionary.md), generated from the table registry.

The document keeps its hand-written parts (conventions, how a table is built, the exports); the
blocks between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->`` are rewritten here:
``tables`` (the list of tables) and one block per table (its heading, description, key, rules and a
column table). `python -m nba_platform.tables.dictionary [path]` rewrites the file; a test fails when
the checked-in file differs from what this module renders.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl

from nba_platform.tables import ALL_TABLES, Table

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "docs" / "data_dictionary.md"
OVERVIEW = "tables"
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


def _render_block(name: str) -> str:
    if name == OVERVIEW:
        return overview()
    if name not in ALL_TABLES:
        raise DictionaryLayoutError(f"generated block {name!r} names no table of the registry")
    return table_section(ALL_TABLES[name])


def render(document: str) -> str:
    """The document with every generated block rewritten from the registry."""
    found = [m.group("name") for m in _BLOCK.finditer(document)]
    missing = [name for name in (OVERVIEW, *ALL_TABLES) if name not in found]
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
