"""Do two checkouts write the same tables? Runs the demo and the real replay of 2024-11-01..07 with each
checkout's own `nba-platform`, in scratch homes, and compares a digest of every table
(`../shared/tools/warehouse_digest.py`: row count and an order-free content hash per table).

    .venv/bin/python -m bench.same_tables --before ../baseline [--after .] [--out bench/out/same_tables]

Each checkout needs its own `.venv` (`make install` there). Exit status 0 when every digest matches.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NBA_SHARED_DATA", ROOT.parent / "shared" / "data")).parent
REPLAY = ("2024-11-01", "2024-11-07")
RUNS = {
    "demo": ["demo"],
    "replay": ["backfill", "--start", REPLAY[0], "--end", REPLAY[1], "--landing", str(SHARED / "data" / "landing")],
}


def digest(checkout: Path, kind: str, out: Path) -> tuple[str, float]:
    home = out / f"home_{kind}"
    subprocess.run(["rm", "-rf", str(home)], check=True)
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBA_") and k != "DAGSTER_HOME"}
    env.update(NBA_PLATFORM_HOME=str(home), DAGSTER_HOME=str(home / "dagster_home"))
    began = time.perf_counter()
    with open(out / f"{kind}.log", "w") as log:
        subprocess.run([str(checkout / ".venv/bin/nba-platform"), *RUNS[kind]], cwd=checkout, env=env,
                       stdout=log, stderr=subprocess.STDOUT, check=True)
    seconds = time.perf_counter() - began
    text = subprocess.run(
        [str(checkout / ".venv/bin/python"), str(SHARED / "tools" / "warehouse_digest.py"), str(home / "warehouse.duckdb")],
        check=True, capture_output=True, text=True,
    ).stdout
    (out / f"{kind}.digest").write_text(text)
    return text, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, required=True, help="the reference checkout (with its .venv)")
    ap.add_argument("--after", type=Path, default=ROOT, help="the checkout under test (default: this one)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "same_tables", help="work folder")
    a = ap.parse_args()
    same = True
    for kind in RUNS:
        texts = {}
        for label, checkout in (("before", a.before.resolve()), ("after", a.after.resolve())):
            out = a.out / label
            out.mkdir(parents=True, exist_ok=True)
            texts[label], seconds = digest(checkout, kind, out)
            print(f"{kind:<7} {label:<6} {seconds:6.1f} s  {len(texts[label].splitlines())} tables", flush=True)
        diff = list(difflib.unified_diff(texts["before"].splitlines(), texts["after"].splitlines(), "before", "after", lineterm=""))
        print(f"{kind}: " + ("every table identical" if not diff else "DIFFERENT:\n" + "\n".join(diff)), flush=True)
        same = same and not diff
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
