"""`make bench`: the platform's benchmarks (issue 9). Prints a table and writes bench/results.json.

    .venv/bin/python -m bench.run [--quick] [--out bench/out] [--only daily,season,...]

Every measurement runs in its own process (`bench/tasks.py`); its wall time is measured here around
the whole process (interpreter start, imports, Dagster instance, runs) and its peak RSS comes from
`os.wait4`, so memory is per measurement. Each figure is printed beside the 1-minute load average
taken just before it: the machine may be shared, and a busy machine makes every wall time longer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_LANDING = Path(os.environ.get("NBA_SHARED_DATA", ROOT.parent / "shared" / "data")) / "landing"
REAL_SEASON = ("2024-10-22", "2025-04-13")  # the real 2024-25 regular season in the landing folder
SEED = 2  # any seed passes the range checks (nba_platform_tests/simulator/test_ranges.py); the recorded figures used 2

# Absolute targets the table checks: issue 9's times (machines differ ~3x: issue 17's speed targets are
# ratios to a before code, measured outside one run), and issue 17's memory bound for any season backfill.
TARGETS = {
    "daily_run_s": (30.0, "s", "<"),
    "season_backfill_s": (180.0, "s", "<"),
    "season_backfill_peak_rss_mib": (768.0, "MiB", "<"),
    "real_season_backfill_peak_rss_mib": (768.0, "MiB", "<"),
    "real_season_backfill_default_args_peak_rss_mib": (768.0, "MiB", "<"),
    "feature_store_season_s": (5.0, "s", "<"),
    "scaling_total_10_over_10x1": (1.3, "x", "<="),
}


class Bench:
    def __init__(self, out: Path, quick: bool):
        self.out, self.quick = out, quick
        self.results: dict = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "mode": "quick" if quick else "full",
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load_average_at_start": os.getloadavg(),
        }
        self.loads: dict[str, list[float]] = {}

    # -- running one measurement -----------------------------------------------------------------

    def child(self, label: str, task: str, args: dict, home: Path | None = None, landing: str | None = None) -> dict:
        """Run one task in a fresh process; returns its result plus wall_s, peak_rss_mib and load1."""
        logs = self.out / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        result_path = logs / f"{label}.json"
        result_path.unlink(missing_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("NBA_WAREHOUSE_PATH", "DAGSTER_HOME")}
        env["PYTHONWARNINGS"] = "ignore"
        if home is not None:
            env["NBA_PLATFORM_HOME"] = str(home)
            env["DAGSTER_HOME"] = str(home / "dagster_home")
        if landing is not None:
            env["NBA_LANDING_DIR"] = landing
        load1 = os.getloadavg()[0]
        with open(logs / f"{label}.log", "w") as log:
            began = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.tasks", task, json.dumps(args), str(result_path)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - began
            proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            tail = (logs / f"{label}.log").read_text().strip().splitlines()[-5:]
            raise RuntimeError(f"{label} ({task}) exited {proc.returncode}; see {logs / f'{label}.log'}:\n" + "\n".join(tail))
        result = json.loads(result_path.read_text())
        result.update(wall_s=wall, peak_rss_mib=usage.ru_maxrss / 1024, load1=load1)
        print(f"  {label:<34} {wall:8.1f} s  {usage.ru_maxrss / 1024:7.0f} MiB  (load {load1:.2f})", flush=True)
        return result

    def setup_children(self, jobs: list[tuple[str, str, dict]]) -> None:
        """Untimed setup tasks run side by side (nothing is measured meanwhile)."""
        logs = self.out / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        procs = []
        for label, task, args in jobs:
            with open(logs / f"{label}.log", "w") as log:
                cmd = [sys.executable, "-m", "bench.tasks", task, json.dumps(args), str(logs / f"{label}.json")]
                procs.append((label, subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)))
        for label, proc in procs:
            if proc.wait() != 0:
                raise RuntimeError(f"{label} exited {proc.returncode}; see {logs / f'{label}.log'}")
        print(f"  {'+'.join(label for label, _ in procs):<34} {time.perf_counter() - began:8.1f} s  (setup)", flush=True)

    def fresh(self, path: Path, template: Path | None = None) -> Path:
        shutil.rmtree(path, ignore_errors=True)
        if template is not None:
            shutil.copytree(template, path)
        else:
            path.mkdir(parents=True)
        return path

    # -- data ------------------------------------------------------------------------------------

    def simulated(self, name: str, **params) -> dict:
        """A simulated landing folder, reused across benchmark runs when its parameters match."""
        folder = self.out / name
        marker = folder / "summary.json"
        if marker.exists() and json.loads(marker.read_text()).get("params") == params:
            return json.loads(marker.read_text())
        self.fresh(folder)
        summary = self.child(f"setup_{name}", "simulate", {"out": str(folder / "landing"), **params})
        summary["params"] = params
        marker.write_text(json.dumps(summary))
        return summary

    # -- the benchmarks ----------------------------------------------------------------------------

    def season_backfill(self, sim: dict, reps: int) -> Path:
        """2. Every asset for the simulated season with the CLI's default chunking (the command users type:
        per chunk an upstream run, a run of the chunk's weekly models, a downstream run)."""
        landing = str(self.out / "sim_season" / "landing")
        runs = []
        for i in range(reps):
            home = self.fresh(self.out / "season_backfill" / f"rep{i}")
            args = {"start": sim["first_date"], "end": sim["last_date"], "landing": landing}
            runs.append(self.child(f"season_backfill_{i}", "backfill", args, home, landing))
        steps = self.child("season_backfill_steps", "step_times", {"dagster_home": str(self.out / "season_backfill" / "rep0" / "dagster_home")})
        self.results["season_backfill"] = {
            "dates": [sim["first_date"], sim["last_date"]],
            "games": sim["games"],
            "runs_wall_s": [r["wall_s"] for r in runs],
            "runs_peak_rss_mib": [r["peak_rss_mib"] for r in runs],
            "load1": [r["load1"] for r in runs],
            "rows": runs[0]["rows"],
            "chunks": runs[0]["chunks"],
            "steps": steps,
        }
        self.results["season_backfill_s"] = statistics.median(r["wall_s"] for r in runs)
        self.results["season_backfill_peak_rss_mib"] = statistics.median(r["peak_rss_mib"] for r in runs)
        return self.out / "season_backfill" / "rep0"

    def daily(self, sim: dict, template: Path, reps: int, landing: str, name: str = "daily") -> str:
        """1. Every daily asset for one date with a full slate, on top of the backfilled season."""
        day = self._full_slate_date(sim)
        runs = []
        for i in range(reps):
            home = self.fresh(self.out / name / f"rep{i}", template)
            runs.append(self.child(f"{name}_{i}", "daily", {"date": day, "landing": landing}, home, landing))
        week = (dt.date.fromisoformat(day) - dt.timedelta(days=dt.date.fromisoformat(day).weekday())).isoformat()
        home = self.fresh(self.out / name / "weekly_model", template)
        model = self.child(f"{name}_weekly_model", "weekly_model", {"week": week, "landing": landing}, home, landing)
        self.results[name] = {
            "date": day,
            "games": self._games_on(sim, day),
            "runs_wall_s": [r["wall_s"] for r in runs],
            "runs_in_process_s": [r["seconds"] for r in runs],
            "runs_peak_rss_mib": [r["peak_rss_mib"] for r in runs],
            "load1": [r["load1"] for r in runs],
            "rows": runs[0]["rows"],
            "weekly_model_week": week,
            "weekly_model_wall_s": model["wall_s"],
            "weekly_model_in_process_s": model["seconds"],
        }
        self.results[f"{name}_run_s"] = statistics.median(r["wall_s"] for r in runs)
        self.results[f"{name}_run_peak_rss_mib"] = statistics.median(r["peak_rss_mib"] for r in runs)
        return day

    def overhead(self, day: str, template: Path, days: int) -> None:
        """5. The same dates as per-partition runs (chunk_days=1) and as one single-run backfill."""
        start = dt.date.fromisoformat(day) - dt.timedelta(days=dt.date.fromisoformat(day).weekday() + 7 * (days // 7))
        end = start + dt.timedelta(days=days - 1)
        landing = str(self.out / "sim_season" / "landing")
        out = {"dates": [start.isoformat(), end.isoformat()], "days": days}
        for name, chunk in (("per_partition", 1), ("single_run", days)):
            home = self.fresh(self.out / "overhead" / name, template)
            after = time.time()
            args = {"start": start.isoformat(), "end": end.isoformat(), "landing": landing, "chunk_days": chunk}
            run = self.child(f"overhead_{name}", "backfill", args, home, landing)
            steps = self.child(f"overhead_{name}_steps", "step_times", {"dagster_home": str(home / "dagster_home"), "after": after})
            out[name] = {"wall_s": run["wall_s"], "in_process_s": run["seconds"], "peak_rss_mib": run["peak_rss_mib"],
                         "load1": run["load1"], "runs": steps["runs"], "steps_total_s": steps["steps_total_s"],
                         "runs_total_s": steps["runs_total_s"]}
        self.results["dagster_overhead"] = out
        self.results["per_partition_vs_single_run_ratio"] = out["per_partition"]["in_process_s"] / out["single_run"]["in_process_s"]

    def parallel(self, day: str, template: Path) -> None:
        """6. One date's all_assets_job under the multiprocess executor, with the shipped pool (limit 1)
        and with the warehouse pool raised to 4 (what would overlap without the one-writer rule)."""
        landing = str(self.out / "sim_season" / "landing")
        out = {}
        for name, limit in (("pool_limit_1", None), ("pool_limit_4", 4)):
            home = self.fresh(self.out / "parallel" / name, template)
            out[name] = self.child(f"parallel_{name}", "parallel", {"date": day, "pool_limit": limit}, home, landing)
        self.results["parallelism"] = out

    def features(self, template: Path) -> None:
        """Feature store of the season (compute only), and 4. per player vs batch."""
        home = self.out / "features"
        home.mkdir(parents=True, exist_ok=True)
        r = self.child("features", "features", {"warehouse": str(template / "warehouse.duckdb"), "repeat": 3}, home)
        self.results["features"] = r
        self.results["feature_store_season_s"] = r["feature_store_season_s"]
        # Per row: the old way computes 12 features per row; the batch all 35 (and their flags).
        self.results["batch_vs_per_player_speedup"] = r["per_player_sample_s"] / r["batch_sample_s"]

    def real_backfill(self, reps: int, dates: tuple[str, str]) -> None:
        """2b. Every asset for the real 2024-25 regular season, read in place from the shared landing folder."""
        runs, default_runs = [], []
        for i in range(reps):
            # The command users type (`nba-platform backfill`, default chunking), then one run: interleaved.
            home = self.fresh(self.out / "real_backfill_default_args" / f"rep{i}")
            args = {"start": dates[0], "end": dates[1], "landing": str(REAL_LANDING)}
            default_runs.append(self.child(f"real_backfill_default_args_{i}", "backfill", args, home, str(REAL_LANDING)))
            home = self.fresh(self.out / "real_backfill" / f"rep{i}")
            args = {"start": dates[0], "end": dates[1], "landing": str(REAL_LANDING), "chunk_days": 400}
            runs.append(self.child(f"real_backfill_{i}", "backfill", args, home, str(REAL_LANDING)))
        self.results["real_season_backfill_default_args"] = {
            "runs_wall_s": [r["wall_s"] for r in default_runs],
            "runs_peak_rss_mib": [r["peak_rss_mib"] for r in default_runs],
            "load1": [r["load1"] for r in default_runs],
            "chunks": default_runs[0]["chunks"],
        }
        self.results["real_season_backfill_default_args_s"] = statistics.median(r["wall_s"] for r in default_runs)
        self.results["real_season_backfill_default_args_peak_rss_mib"] = statistics.median(
            r["peak_rss_mib"] for r in default_runs)
        steps = self.child("real_backfill_steps", "step_times", {"dagster_home": str(self.out / "real_backfill" / "rep0" / "dagster_home")})
        self.results["real_season_backfill"] = {
            "dates": list(dates),
            "runs_wall_s": [r["wall_s"] for r in runs],
            "runs_peak_rss_mib": [r["peak_rss_mib"] for r in runs],
            "load1": [r["load1"] for r in runs],
            "rows": runs[0]["rows"],
            "steps": steps,
        }
        self.results["real_season_backfill_s"] = statistics.median(r["wall_s"] for r in runs)
        self.results["real_season_backfill_peak_rss_mib"] = statistics.median(r["peak_rss_mib"] for r in runs)

    def scaling(self, counts: list[int], sim_params: dict) -> None:
        """3. 1, 2, 5, 10 simulated seasons through the pure transforms, season by season, after an untimed
        warm-up season (history for the first timed season): the first N seasons of one 10-season run."""
        sim = self.simulated("sim_seasons", **sim_params)
        raw = self.out / "sim_seasons" / "raw"
        marker = raw / "prepared.json"
        prepared = {"seasons": sim["seasons"], "parsers": _parsers_digest()}
        if not marker.exists() or json.loads(marker.read_text()) != prepared:
            self.fresh(raw)
            # Setup only (untimed): two processes, one per core, each parsing every other season.
            landing = str(self.out / "sim_seasons" / "landing")
            self.setup_children([
                ("setup_scaling_raw_0", "prepare_scaling", {"landing": landing, "out": str(raw), "seasons": sim["seasons"][0::2]}),
                ("setup_scaling_raw_1", "prepare_scaling", {"landing": landing, "out": str(raw), "seasons": sim["seasons"][1::2]}),
            ])
            marker.write_text(json.dumps(prepared))
        # One process runs the most seasons; N seasons are its first N (the same warm-up, then the same
        # seasons in order), so a run per count would repeat those seasons' work.
        top = max(counts)
        out = self.fresh(self.out / "scaling" / f"n{top}")
        run = self.child(f"scaling_{top}_seasons", "scaling_run", {"raw": str(raw), "out": str(out), "seasons": sim["seasons"], "n": top})
        runs = {}
        for n in counts:
            first = run["per_season"][:n]
            runs[n] = {"compute_s": sum(s["seconds"] for s in first), "rss_mib_after": first[-1]["rss_mib_after"],
                       "load1": run["load1"], "per_season": first, "of_run": top}
        runs[top].update(wall_s=run["wall_s"], peak_rss_mib=run["peak_rss_mib"])
        one, most = runs[min(counts)], runs[max(counts)]
        for n, r in runs.items():
            r["compute_per_season_s"] = r["compute_s"] / n
            r["ratio_to_n_x_one"] = r["compute_s"] / (n * one["compute_s"] / min(counts))
        self.results["scaling"] = {"warm_up_season": sim["seasons"][0], "seasons": sim["seasons"][1:],
                                   "runs": {str(n): r for n, r in runs.items()}}
        self.results[f"scaling_total_{max(counts)}_over_{max(counts)}x1"] = most["ratio_to_n_x_one"]
        if max(counts) != 10:  # quick mode: keep the key the issue asks for, marked as such
            self.results["scaling_total_10_over_10x1"] = None

    # -- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _games_on(sim: dict, day: str) -> int | None:
        return sim.get("games_per_date", {}).get(day)

    @staticmethod
    def _full_slate_date(sim: dict) -> str:
        """The first mid-season date with the most games (a full slate is ~12-15 games)."""
        per_date = sim["games_per_date"]
        first, last = dt.date.fromisoformat(sim["first_date"]), dt.date.fromisoformat(sim["last_date"])
        middle = [d for d in per_date if first + (last - first) / 3 <= dt.date.fromisoformat(d) <= last - (last - first) / 3]
        most = max(per_date[d] for d in middle)
        return min(d for d in middle if per_date[d] >= min(most, 12))

    def real_daily(self, reps: int, dates: tuple[str, str]) -> None:
        """1b. The daily run on the real replay, for a date with a real full slate (12+ games): the
        simulator's schedule never puts more than 10 games on one date."""
        template = self.out / "real_backfill" / "rep0"
        counts = games_per_date(REAL_LANDING, *dates)
        counts = {d: n for d, n in counts.items() if dates[0] <= d <= dates[1]}
        season = {"first_date": dates[0], "last_date": dates[1], "games_per_date": counts}
        self.daily(season, template, reps, str(REAL_LANDING), name="daily_real")


def _parsers_digest() -> str:
    """The raw parsers' source (nba_platform/raw): parsed scaling frames are reused only while it is unchanged."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "nba_platform" / "raw").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def games_per_date(landing: Path, first: str, last: str) -> dict[str, int]:
    """Games per date, from the landed team box scores (two rows per game)."""
    counts = {}
    for folder in sorted((landing / "nba_stats" / "team_boxscores").glob("????-??-??")):
        rows = json.loads((folder / "leaguegamelog.json").read_bytes())["resultSets"][0]["rowSet"]
        counts[folder.name] = len(rows) // 2
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition (development)")
    parser.add_argument("--out", help="work folder, kept between runs (default bench/out, bench/out/quick)")
    parser.add_argument("--results", help="default bench/results.json (quick: inside the work folder)")
    parser.add_argument("--reps", type=int, help="repetitions of the repeated measurements (default 3; quick 1)")
    parser.add_argument("--only", default="", help="comma list: season,daily,overhead,parallel,features,real,scaling")
    args = parser.parse_args(argv)
    out = Path(args.out or ROOT / "bench" / "out" / ("quick" if args.quick else ""))
    args.results = args.results or str(out / "results.json" if args.quick else ROOT / "bench" / "results.json")
    out.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    wanted = lambda name: not only or name in only  # noqa: E731

    bench = Bench(out, args.quick)
    began = time.perf_counter()
    quick = args.quick
    reps = args.reps or (1 if quick else 3)
    print(f"bench ({bench.results['mode']}) in {out}; load average {os.getloadavg()}", flush=True)

    season_params = {"seed": SEED, "seasons": 1, "last_season": "2025-26"}
    if quick:
        season_params.update(teams=10, games_per_team=40)
    sim = bench.simulated("sim_season", **season_params)
    sim["games_per_date"] = games_per_date(out / "sim_season" / "landing", sim["first_date"], sim["last_date"])

    template = out / "season_backfill" / "rep0"
    if wanted("season") or not (template / "warehouse.duckdb").exists():
        template = bench.season_backfill(sim, reps=reps)
    day = bench._full_slate_date(sim)
    if wanted("daily"):
        day = bench.daily(sim, template, reps, str(out / "sim_season" / "landing"))
    if wanted("overhead"):
        bench.overhead(day, template, days=7)
    if wanted("parallel"):
        bench.parallel(day, template)
    if wanted("features"):
        bench.features(template)
    real_dates = ("2024-10-22", "2024-12-01") if quick else REAL_SEASON
    if wanted("real"):
        bench.real_backfill(1, real_dates)
    if wanted("real") or wanted("daily_real"):
        bench.real_daily(reps, real_dates)
    if wanted("scaling"):
        # One more season than the largest count: the untimed warm-up history of every run.
        params = {"seed": SEED, "seasons": 3 if quick else 11, "last_season": "2025-26"}
        if quick:
            params.update(teams=10, games_per_team=40)
        bench.scaling([1, 2] if quick else [1, 2, 5, 10], params)

    bench.results["load_average_at_end"] = os.getloadavg()
    bench.results["bench_total_s"] = time.perf_counter() - began
    from bench.report import print_report, write_results

    print_report(bench.results)
    if not only:
        write_results(bench.results, Path(args.results))
    else:
        partial = out / "results.partial.json"  # a subset never replaces bench/results.json
        write_results(bench.results, partial)
    return 0


if __name__ == "__main__":
    sys.exit(main())
