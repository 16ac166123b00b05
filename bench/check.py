"""`make bench-check`: the quick benchmark CI runs (.ci/run). It fails on a regression measured as a ratio
between measurements of the same run, never on an absolute time (machines and their load differ ~2x).

    .venv/bin/python -m bench.check [--reps 1] [--update-reference]

Every measurement is its own process (`bench.run.Bench.child`), interleaved so each sees the same load:
- reference: `bench.tasks.reference`, a fixed workload that uses none of the platform's code;
- default: `backfill` of the first 14 weeks of a small simulated league with the CLI's default arguments;
- best: the same range as one chunk (`chunk_days=400`, the cheapest chunking).

Checks: default / best <= MAX_DEFAULT_OVER_BEST (the default chunking costs little over the best), and
default / reference <= the ratio stored in bench/reference.json x REGRESSION_SLACK (the platform got no
slower relative to the machine). `--update-reference` stores this run's ratio instead (after a change
that is meant to cost more, with the reason in the commit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
from pathlib import Path

from bench.run import ROOT, Bench

REFERENCE = ROOT / "bench" / "reference.json"
LEAGUE = {"seed": 2, "seasons": 1, "last_season": "2025-26", "teams": 6, "games_per_team": 30}
WEEKS = 14  # longer than runner.AUTO_CHUNK_DAYS (92): the default splits the range, the best does not
# Loose on purpose: one repetition on a shared machine moved the reference workload 2x (37 s and 17 s
# in one run at load 9-11) and a 14-week range is 2 chunks against 1 (issue 17's 1.15 is for a season).
MAX_DEFAULT_OVER_BEST = 1.5
REGRESSION_SLACK = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "check"), help="work folder (kept, reused)")
    parser.add_argument("--reps", type=int, default=1, help="rounds of (reference, default, best); medians")
    parser.add_argument("--update-reference", action="store_true", help="store this run's ratio in bench/reference.json")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bench = Bench(out, quick=True)
    print(f"bench check in {out}; load average {os.getloadavg()}", flush=True)
    sim = bench.simulated("sim_league", **LEAGUE)
    landing = str(out / "sim_league" / "landing")
    first = dt.date.fromisoformat(sim["first_date"])
    span = {"start": first.isoformat(), "end": (first + dt.timedelta(weeks=WEEKS, days=-1)).isoformat(), "landing": landing}

    walls: dict[str, list[float]] = {"reference": [], "default": [], "best": []}
    loads: list[float] = []
    for rep in range(args.reps):
        walls["reference"].append(bench.child(f"reference_{rep}", "reference", {})["wall_s"])
        for name, chunk_days in (("default", None), ("best", 400)):
            home = bench.fresh(out / name / f"rep{rep}")
            run = bench.child(f"{name}_{rep}", "backfill", {**span, "chunk_days": chunk_days}, home, landing)
            walls[name].append(run["wall_s"])
            loads.append(run["load1"])
    walls["reference"].append(bench.child("reference_last", "reference", {})["wall_s"])
    median = {name: statistics.median(values) for name, values in walls.items()}
    ratios = {"default_over_best": median["default"] / median["best"],
              "default_over_reference": median["default"] / median["reference"]}
    result = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "walls_s": walls, "ratios": ratios,
              "load1": loads, "league": LEAGUE, "weeks": WEEKS}
    (out / "check.json").write_text(json.dumps(result, indent=1) + "\n")

    if args.update_reference:
        REFERENCE.write_text(json.dumps({**result, "note": "written by bench.check --update-reference"}, indent=1) + "\n")
        print(f"wrote {REFERENCE}: default/reference {ratios['default_over_reference']:.2f}")
        return 0
    failures = []
    if ratios["default_over_best"] > MAX_DEFAULT_OVER_BEST:
        failures.append(f"default chunking {ratios['default_over_best']:.2f}x the best (limit {MAX_DEFAULT_OVER_BEST})")
    print(f"default/best {ratios['default_over_best']:.2f} (<= {MAX_DEFAULT_OVER_BEST}); load {loads}")
    if not REFERENCE.exists():
        # Only the first check then: a stored ratio comes from a run on a quiet machine, never invented.
        print(f"no {REFERENCE.name}: default/reference {ratios['default_over_reference']:.2f} not compared "
              "(store one with --update-reference)")
    else:
        stored = json.loads(REFERENCE.read_text())["ratios"]["default_over_reference"]
        limit = stored * REGRESSION_SLACK
        print(f"default/reference {ratios['default_over_reference']:.2f} (<= {limit:.2f}, stored {stored:.2f})")
        if ratios["default_over_reference"] > limit:
            failures.append(f"backfill {ratios['default_over_reference']:.2f}x the reference workload "
                            f"(stored {stored:.2f}, limit {limit:.2f})")
    for failure in failures:
        print(f"REGRESSION: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
