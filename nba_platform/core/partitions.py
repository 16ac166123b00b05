"""The `game_date` partitions: one per ET calendar day of NBA games.

Every table is partitioned by the date of the game on the America/New_York calendar (a 10:30 pm ET
tip is 02:30 UTC the next day and still belongs to the ET date). `end_offset=1` makes today's
partition exist during the day, so tonight's predictions have somewhere to go.
"""

from __future__ import annotations

import dagster as dg

from nba_platform.core.calendar import TIMEZONE

# First partition: the 2014-15 season, the oldest real history we hold.
START_DATE = "2014-10-01"

game_date_partitions = dg.DailyPartitionsDefinition(start_date=START_DATE, timezone=TIMEZONE, end_offset=1)

