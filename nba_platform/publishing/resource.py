"""The publish location as a Dagster resource (its location shows in the UI)."""

from __future__ import annotations

import dagster as dg

from nba_platform.publishing.publisher import Publisher, open_publisher


class PublisherResource(dg.ConfigurableResource):
    """Where exports are published: a local folder (the embedded default) or ``gs://bucket/prefix``."""

    location: str

    def publisher(self) -> Publisher:
        return open_publisher(self.location)


