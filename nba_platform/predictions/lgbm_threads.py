"""LightGBM's thread count is one value for the whole process, and every call sets it.

LightGBM sizes the per-thread buffers of a dataset or a training by its thread count when it starts, and
runs its parallel loops with the count at the time of each loop. The count is a process-wide global
(`LGBM_DEFAULT_NUM_THREADS`) that each call sets from its `num_threads` parameter; a call without one
(`Booster.predict` by default) resets it to every core. `training.train_weeks` trains weeks side by side
in threads, one LightGBM thread each: a prediction with the default count in one week's thread while the
other builds its dataset made that loop write past its buffers: a SIGSEGV in LightGBM's dataset code
killed a simulated season's backfill (a two-thread reproduction dies the same way in 2-6 s,
`nba_platform_tests/predictions/test_lgbm_threads.py`). So no call of ours leaves the count to LightGBM:
training passes its `threads`, and every prediction runs on `PREDICT_THREADS` (one: a week's validation
is ~10,000 rows, a date ~1,500, milliseconds either way).
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np

PREDICT_THREADS = 1


def predict(booster: lgb.Booster, matrix: np.ndarray, **kwargs: Any) -> np.ndarray:
    """`booster.predict` with the thread count every concurrent training in the process uses."""
    return booster.predict(matrix, num_threads=PREDICT_THREADS, **kwargs)
