"""What the registry says about one table: a frozen declaration that every reader of table facts uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import polars as pl

from nba_platform.tables.columns import describe


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    description: str


@dataclass(frozen=True)
class Table:
    """One warehouse table, declared once.

    `group` is the Dagster asset group (the phase package that builds it; None for the platform's own
    log, which no asset writes); `dataset` the DuckDB schema / BigQuery dataset. `required` lists the
    columns beyond the key that are never null, `ranges` the inclusive plausible range of numeric
    columns (nulls are not violations). `description` is the asset's and the data dictionary's text,
    `summary` the one line that BigQuery shows as the table's description.
    """

    name: str
    group: str | None
    dataset: str
    grain: str
    summary: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    required: tuple[str, ...] = ()
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    clustering: tuple[str, ...] = ()
    # The small tables that dashboards read whole; every other table refuses a query without a
    # game_date filter (a mistake would scan every season).
    open_to_full_scans: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", MappingProxyType(dict(self.ranges)))

    @cached_property
    def schema(self) -> pl.Schema:
        """The polars schema, columns in declaration order (tables, exports and hashes depend on it)."""
        return pl.Schema({c.name: c.dtype for c in self.columns})

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


def columns(dtypes: Mapping[str, pl.DataType]) -> tuple[Column, ...]:
    """Columns from name -> dtype, each described by the column vocabulary (`columns.describe`)."""
    return tuple(Column(name, dtype, describe(name)) for name, dtype in dtypes.items())
