"""The landing zone as a Dagster resource (its location shows in the UI)."""

from __future__ import annotations

import dagster as dg

from nba_platform.landing.zone import LandingZone, open_landing


class LandingResource(dg.ConfigurableResource):
    """Where raw source files land: a local folder (the embedded default) or ``gs://bucket/prefix``."""

    root: str

    def zone(self) -> LandingZone:
        return open_landing(self.root)
