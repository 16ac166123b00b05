"""The IO manager of the weekly model bundles: one pickle per partition in an object store
(core/storage.py), a folder beside the warehouse or ``gs://bucket/prefix`` in production.

Dagster's pickle IO managers (FilesystemIOManager, GCSPickleIOManager) refuse an output that covers
several partitions, so every week of a backfill had to be its own run. This one stores a range run's
``{partition key: object}`` one object per partition, under the keys those managers used
(``<asset key>/<partition key>``), so bundles they wrote still load.
"""

from __future__ import annotations

import pickle
from typing import Any

import dagster as dg
from pydantic import Field

from nba_platform.core.storage import ObjectStore, open_store

ALLOW_MISSING = "allow_missing_partitions"


class ModelIOManager(dg.ConfigurableIOManager):
    location: str = Field(description="a folder, or gs://bucket/prefix")

    def _store(self) -> ObjectStore:
        return open_store(self.location)

    @staticmethod
    def _key(asset_key: dg.AssetKey, partition: str | None) -> str:
        return "/".join([*asset_key.path, *([partition] if partition is not None else [])])

    def has_stored(self, asset_key: dg.AssetKey, partition: str | None = None) -> bool:
        """An object is stored for the asset's partition (the instance can record one this store lacks)."""
        return self._store().exists(self._key(asset_key, partition))

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        if not context.has_asset_partitions:
            items: dict[str | None, Any] = {None: obj}
        elif len(keys := context.asset_partition_keys) == 1:
            items = {keys[0]: obj}
        elif isinstance(obj, dict) and set(obj) == set(keys):
            items = dict(obj)
        else:
            first, last = min(keys), max(keys)
            raise TypeError(
                f"{context.asset_key.to_user_string()}: a run over {len(keys)} partitions ({first}..{last}) "
                "must return {partition key: object} with exactly those keys"
            )
        store = self._store()
        for partition, value in items.items():
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            store.write(self._key(context.asset_key, partition), data, content_type="application/octet-stream")

    def load_input(self, context: dg.InputContext) -> Any:
        """One partition loads as its object (None when missing and the input allows it), a range as
        {partition key: object} of those that exist (every one, unless the input allows missing ones)."""
        store = self._store()
        if not context.has_asset_partitions:
            return pickle.loads(store.read(self._key(context.asset_key, None)))
        allow_missing = bool((context.definition_metadata or {}).get(ALLOW_MISSING, False))
        keys = context.asset_partition_keys
        found, missing = {}, []
        for partition in keys:
            try:
                found[partition] = pickle.loads(store.read(self._key(context.asset_key, partition)))
            except FileNotFoundError:
                missing.append(partition)
        if missing and not allow_missing:
            raise FileNotFoundError(
                f"{context.asset_key.to_user_string()}: no stored object for partition(s) {', '.join(missing)} "
                f"in {store.describe(self._key(context.asset_key, None))}"
            )
        return found.get(keys[0]) if len(keys) == 1 else found
