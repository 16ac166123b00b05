"""bench/results.json: a new bench run replaces the bench's own figures and keeps the hand-kept history."""

import json

from bench.report import write_results


def test_a_new_run_replaces_figures_and_keeps_history(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"daily_run_s": 9.0, "stale": 1, "issue17_before_after": {"before": {"x": 2}}}))
    write_results({"daily_run_s": 7.5, "mode": "full"}, path)
    written = json.loads(path.read_text())
    assert written["daily_run_s"] == 7.5
    assert "stale" not in written  # a figure this run did not measure is not carried over as if it had
    assert written["issue17_before_after"] == {"before": {"x": 2}}
    assert len(written["load_average_at_write"]) == 3


def test_first_run_writes_only_its_figures(tmp_path):
    path = tmp_path / "results.json"
    write_results({"daily_run_s": 7.5}, path)
    assert set(json.loads(path.read_text())) == {"daily_run_s", "load_average_at_write"}
