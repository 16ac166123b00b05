"""Every Dagster symbol this package uses that Dagster does not export publicly, in one place.

The rest of the package imports them from here, never from `dagster._...` or a private name of a
`dagster_*` library, so a Dagster upgrade that moves or changes one fails in
`nba_platform_tests/core/test_dagster_private.py`, which names each of them.

Why each one (checked against dagster 1.13 / dagster-duckdb 0.29; `TimeWindow` is public as
`dagster.TimeWindow` and is imported from there):
* `DbIOManager`, `DbTypeHandler`, `DbClient`, `TableSlice`: the database IO manager framework our
  DuckDB and BigQuery IO managers extend (dagster-duckdb and dagster-gcp build on the same classes
  and do not re-export them).
* `DuckDbClient`, `get_cleanup_statement`: dagster-duckdb's client and the DELETE of a table slice that
  our transactional client reuses, so partition deletes stay those of the library.
* `backoff`: Dagster's retry loop, the one dagster-duckdb's own client opens its connection with.
* `get_current_datetime`: Dagster's clock, the one the freshness daemon and `freeze_time` use; the
  alert sensors read "now" from it so they agree with the freshness states they read.
* `InstanceRef`: its `from_dir(..., overrides=)` loads $DAGSTER_HOME's dagster.yaml with one setting
  replaced (the CLI's runs keep no compute logs); `DagsterInstance.from_config` takes no overrides.
"""

from __future__ import annotations

from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.db_io_manager import DbClient, DbIOManager, DbTypeHandler, TableSlice
from dagster._time import get_current_datetime
from dagster._utils.backoff import backoff
from dagster_duckdb.io_manager import DuckDbClient
from dagster_duckdb.io_manager import _get_cleanup_statement as get_cleanup_statement

__all__ = [
    "DbClient",
    "DbIOManager",
    "DbTypeHandler",
    "DuckDbClient",
    "InstanceRef",
    "TableSlice",
    "backoff",
    "get_cleanup_statement",
    "get_current_datetime",
]
