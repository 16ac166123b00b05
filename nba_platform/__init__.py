"""nba_platform: NBA player points props as a Dagster asset graph."""

import os

# LightGBM's OpenMP threads spin-wait between parallel regions by default. On a busy 2-core machine
# (a run beside the daemon, the UI or another run) a spinning thread burns the core its partner needs:
# one week's training went from ~3 s to 35-45 s wall at load average 8 (bench/, docs/benchmarks.md).
# Sleeping waits keep the same threads and the same model, bit for bit. libgomp reads this once, when
# lightgbm is first imported, so it is set here, before any of our modules imports lightgbm; an
# explicit OMP_WAIT_POLICY in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
