"""The bench reuses the scaling part's parsed raw frames only while the seasons and the raw parsers'
source are unchanged (bench/run.py, Bench.scaling)."""

from bench import run


def test_parsed_raw_is_reused_until_the_parsers_change(tmp_path, monkeypatch):
    source = tmp_path / "nba_platform" / "raw" / "odds_api.py"
    source.parent.mkdir(parents=True)
    source.write_text("ROWS = 1\n")
    monkeypatch.setattr(run, "ROOT", tmp_path)
    bench = run.Bench(tmp_path / "out", quick=True)
    parses = []
    monkeypatch.setattr(bench, "simulated", lambda name, **params: {"seasons": ["2023-24", "2024-25"]})
    monkeypatch.setattr(bench, "setup_children", lambda jobs: parses.append([label for label, _, _ in jobs]))
    season = {"seconds": 2.0, "rss_mib_after": 300.0}
    monkeypatch.setattr(bench, "child", lambda *a, **k: {"per_season": [season], "load1": 0.5, "wall_s": 3.0, "peak_rss_mib": 310.0})

    bench.scaling([1], {})
    assert len(parses) == 1  # nothing prepared yet
    bench.scaling([1], {})
    assert len(parses) == 1  # same seasons, same parsers: reused
    source.write_text("ROWS = 2\n")
    bench.scaling([1], {})
    assert len(parses) == 2  # a parser changed: parsed again
    assert bench.results["scaling"]["runs"]["1"]["compute_s"] == 2.0
