"""The printed table and bench/results.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.run import TARGETS


def _ok(key: str, value) -> str:
    if key not in TARGETS or value is None:
        return ""
    limit, _, op = TARGETS[key]
    passed = value < limit if op == "<" else value <= limit
    return "yes" if passed else "MISSED"


def _target(key: str) -> str:
    if key not in TARGETS:
        return ""
    limit, unit, op = TARGETS[key]
    return f"{op} {limit:g} {unit}"


def _loads(values) -> str:
    if isinstance(values, list):
        return "/".join(f"{v:.1f}" for v in values)
    return f"{values:.1f}" if values is not None else ""


def print_report(r: dict) -> None:
    rows = []

    def row(name, key, value, unit, load="", note=""):
        shown = "n/a" if value is None else (f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}")
        rows.append((name, f"{shown} {unit}", _target(key), _ok(key, value), load, note))

    for name, label in (("daily", "simulated"), ("daily_real", "real")):
        if name not in r:
            continue
        d = r[name]
        n = len(d["runs_wall_s"])
        row(f"1 daily run, {label} {d['date']} ({d['games']} games)", "daily_run_s", r[f"{name}_run_s"], "s",
            _loads(d["load1"]), f"median of {n} processes; in-process run {sorted(d['runs_in_process_s'])[n // 2]:.1f} s")
        row("  peak RSS", "", r[f"{name}_run_peak_rss_mib"], "MiB")
        row("  + weekly points_model (Mondays)", "", d["weekly_model_wall_s"], "s", "",
            f"in-process {d['weekly_model_in_process_s']:.1f} s")
    if "season_backfill" in r:
        s = r["season_backfill"]
        n = len(s["runs_wall_s"])
        row(f"2 season backfill, simulated ({s['games']} games)", "season_backfill_s", r["season_backfill_s"], "s",
            _loads(s["load1"]), f"median of {n}; default arguments: {s.get('chunks', 1)} chunks, {s['steps']['runs']} Dagster runs")
        row("  peak RSS", "season_backfill_peak_rss_mib", r["season_backfill_peak_rss_mib"], "MiB")
    if "real_season_backfill" in r:
        s = r["real_season_backfill"]
        row(f"2 season backfill, real {s['dates'][0]}..{s['dates'][1]}", "real_season_backfill_s",
            r["real_season_backfill_s"], "s", _loads(s["load1"]), f"{len(s['runs_wall_s'])} run(s); {s['steps']['runs']} Dagster runs")
        row("  peak RSS", "real_season_backfill_peak_rss_mib", r["real_season_backfill_peak_rss_mib"], "MiB")
    if "real_season_backfill_default_args" in r:
        d = r["real_season_backfill_default_args"]
        row("2 same, default arguments (CLI)", "", r["real_season_backfill_default_args_s"], "s", _loads(d["load1"]),
            f"{d['chunks']} chunks; {r['real_season_backfill_default_args_s'] / r['real_season_backfill_s']:.2f}x one run")
        row("  peak RSS", "real_season_backfill_default_args_peak_rss_mib",
            r["real_season_backfill_default_args_peak_rss_mib"], "MiB")
    if "features" in r:
        f = r["features"]
        row(f"feature store, full season ({f['season_feature_rows']} rows)", "feature_store_season_s",
            r["feature_store_season_s"], "s", _loads(f["load1"]), "compute only, median of 3")
        row("  upcoming context, full season", "", f["context_season_s"], "s", "", "compute only, median of 3")
    if "scaling" in r:
        key = next(k for k in r if k.startswith("scaling_total_") and r[k] is not None)
        runs = r["scaling"]["runs"]
        top = max(runs, key=int)
        row(f"3 scaling: {top} seasons / ({top} x 1 season)", "scaling_total_10_over_10x1", r[key], "x",
            _loads([v["load1"] for v in runs.values()]), "pure transforms + predictions, season by season")
    if "features" in r:
        f = r["features"]
        row(f"4 batch vs per-player speedup ({f['sample_rows']} rows)", "", r["batch_vs_per_player_speedup"], "x", "",
            f"per-player {f['per_player_sample_s']:.1f} s vs batch {f['batch_sample_s']:.2f} s; "
            f"same values: {f['check']['identical']}")
    if "dagster_overhead" in r:
        o = r["dagster_overhead"]
        row(f"5 per-partition / single-run ({o['days']} dates)", "", r["per_partition_vs_single_run_ratio"], "x",
            _loads([o["per_partition"]["load1"], o["single_run"]["load1"]]),
            f"{o['per_partition']['in_process_s']:.0f} s in {o['per_partition']['runs']} runs vs "
            f"{o['single_run']['in_process_s']:.0f} s in {o['single_run']['runs']} runs")
    if "parallelism" in r:
        for name, p in r["parallelism"].items():
            row(f"6 multiprocess, 1 date, {name.replace('_', ' ')}", "", p["first_step_to_last_end_s"], "s", _loads(p["load1"]),
                f"sum of steps {p['steps_sum_s']:.1f} s; max {p['max_steps_in_flight']} in flight; "
                f"{p['seconds_with_2plus_steps']:.1f} s overlapped; execute_job {p['execute_job_s']:.1f} s"
                + ("" if p["success"] else f"; FAILED {p['failed_steps']}"))

    widths = [max(len(str(x[i])) for x in rows + [("measurement", "value", "target", "ok", "load1", "")]) for i in range(5)]
    header = ("measurement", "value", "target", "ok", "load1")
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  note")
    print("  ".join("-" * w for w in widths) + "  ----")
    for x in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(x[:5], widths, strict=True)) + "  " + x[5])

    for name in ("season_backfill", "real_season_backfill"):
        if name in r:
            steps = r[name]["steps"]
            print(f"\nper asset, {name.replace('_', ' ')} (sum of step times over {steps['runs']} runs; "
                  f"steps {steps['steps_total_s']:.0f} s of runs {steps['runs_total_s']:.0f} s; "
                  f"{steps['materialization_events']} materialization events)")
            for asset, seconds in steps["per_asset_s"].items():
                print(f"  {asset:<32} {seconds:8.1f} s")
    if "scaling" in r:
        print("\nscaling (pure transforms, the first N seasons of one run; seconds of compute, resident MiB after the"
              " Nth season)")
        print(f"  {'seasons':>7} {'total s':>9} {'s/season':>9} {'ratio':>7} {'RSS MiB':>9}  per season s")
        for n, v in r["scaling"]["runs"].items():
            per = " ".join(f"{s['seconds']:.1f}" for s in v["per_season"])
            print(f"  {n:>7} {v['compute_s']:9.1f} {v['compute_per_season_s']:9.2f} {v['ratio_to_n_x_one']:7.2f} "
                  f"{v['rss_mib_after']:9.0f}  {per}")
    if "parallelism" in r:
        for name, p in r["parallelism"].items():
            print(f"\nstep timeline, {name.replace('_', ' ')} (s from the first step start)")
            for step, (start, end) in p["steps"].items():
                print(f"  {step:<32} {start:6.1f} .. {end:6.1f}")
    print(f"\nload average at start {_loads(list(r['load_average_at_start']))}, at end "
          f"{_loads(list(r['load_average_at_end']))}; bench took {r['bench_total_s']:.0f} s")


# Hand-kept history in results.json (before/after figures measured outside one bench run): a new run
# replaces the bench's own figures and carries these over.
HISTORY_PREFIX = "issue"


def write_results(r: dict, path: Path) -> None:
    kept = {}
    if path.exists():
        kept = {k: v for k, v in json.loads(path.read_text()).items() if k.startswith(HISTORY_PREFIX)}
    r = {**r, "load_average_at_write": os.getloadavg(), **kept}
    path.write_text(json.dumps(r, indent=1, default=str) + "\n")
    print(f"wrote {path}" + (f" (kept {', '.join(sorted(kept))})" if kept else ""))
