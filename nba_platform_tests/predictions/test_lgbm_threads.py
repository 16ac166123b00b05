"""LightGBM's thread count is process-wide: predictions beside a one-thread training must not change it
(nba_platform/predictions/lgbm_threads.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# One thread trains as a week does in `training.train_weeks` (datasets with sparse columns, one thread);
# the other predicts through our helper. With `booster.predict`'s default count instead, this process dies
# of SIGSEGV in LightGBM's dataset code within 2-6 s on our 2-core machines.
_RACE = """
import sys, threading, time
import numpy as np, lightgbm as lgb
from nba_platform.core.settings import configure_openmp
configure_openmp()
from nba_platform.predictions import lgbm_threads
rng = np.random.default_rng(0)
x = rng.normal(size=(20000, 60))
x[rng.random(x.shape) < 0.9] = 0.0
y = rng.normal(size=20000)
params = {"num_threads": 1, "verbose": -1, "deterministic": True, "min_data_in_leaf": 40}
booster = lgb.train(params, lgb.Dataset(x, y), 5)
stop, counts = threading.Event(), {"trained": 0, "predicted": 0}
def train():
    while not stop.is_set():
        lgb.train(params, lgb.Dataset(x, y), 2)
        counts["trained"] += 1
def predict():
    while not stop.is_set():
        lgbm_threads.predict(booster, x[:200])
        counts["predicted"] += 1
threads = [threading.Thread(target=train), threading.Thread(target=predict)]
for t in threads:
    t.start()
time.sleep(float(sys.argv[1]))
stop.set()
for t in threads:
    t.join()
print(counts["trained"], counts["predicted"])
"""


@pytest.mark.slow  # 10 s of two threads in a subprocess
def test_predictions_beside_a_one_thread_training_leave_it_alive():
    done = subprocess.run([sys.executable, "-c", _RACE, "10"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    trained, predicted = map(int, done.stdout.split())
    assert trained > 5 and predicted > 1000, done.stdout  # both threads ran the whole time


def test_every_booster_prediction_goes_through_the_helper():
    """A `.predict(...)` on a LightGBM booster anywhere else would set the count to every core again."""
    raw = []
    for path in (ROOT / "nba_platform").rglob("*.py"):
        if path.name == "lgbm_threads.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "predict":
                receiver = ast.unparse(node.func.value)
                if receiver != "lgbm_threads" and ("booster" in receiver.lower() or receiver.startswith("lgb")):
                    raw.append(f"{path.relative_to(ROOT)}:{node.lineno} {receiver}.predict")
    assert raw == []
