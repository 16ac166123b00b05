"""The page on hand-made documents: calibration in the systems document, chart geometry, the best-bets
section first, autoescaping, and templates that ship in a non-editable install."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nba_platform.publishing import charts, performance
from nba_platform.publishing import documents as docs
from nba_platform.publishing.page import BREAK_EVEN, render_page
from nba_platform.publishing.validation import validate_document

from .test_documents import NOON_ET, D, daily, rows, slate  # noqa: F401  (slate: fixture)

REPO = Path(__file__).resolve().parents[2]


def res(date, pid, system, p_over, line_result):
    return {
        "game_date": date, "game_id": f"g{date:%d}{pid}", "player_id": pid, "system_id": system, "p_over": p_over,
        "line_result": line_result, "outcome": "NO_BET", "line": 20.5, "actual_points": 20, "absolute_error": 1.0,
    }


def results_frame():
    d1, d2, old = D - dt.timedelta(days=1), D - dt.timedelta(days=2), D - dt.timedelta(days=30)
    return rows(
        "prediction_results",
        [
            res(d1, 1, "ensemble", 0.62, "OVER"),
            res(d1, 2, "ensemble", 0.68, "UNDER"),
            res(d2, 3, "ensemble", 0.31, "UNDER"),
            res(d2, 4, "ensemble", 0.66, "PUSH"),  # pushes are left out
            res(d2, 5, "ensemble", None, None),  # no line
            res(old, 6, "ensemble", 0.95, "OVER"),  # 30 days back: outside the window
            res(d1, 1, "lightgbm", 0.55, "OVER"),
        ],
    )


def systems_doc():
    frame = rows(
        "system_daily_performance",
        [
            daily(D - dt.timedelta(days=3), "ensemble", 10, 4.0, hits=3, misses=1),
            daily(D - dt.timedelta(days=2), "ensemble", 10, 5.0),  # no settled pick: a gap in the hit-rate line
            daily(D - dt.timedelta(days=1), "ensemble", 10, 6.0, hits=1, misses=3),
            daily(D - dt.timedelta(days=1), "lightgbm", 10, 5.5, hits=2, misses=2),
        ],
    )
    return performance.build_systems(D, frame, results_frame(), NOON_ET)


def test_systems_document_carries_30_days_of_calibration():
    doc = systems_doc()
    validate_document("systems_performance", doc)
    cal = doc["calibration"]
    assert (cal["from"], cal["to"]) == ("2025-10-20", "2025-11-18")
    ens, lgb = cal["systems"]
    assert (ens["system_id"], ens["rows"], lgb["system_id"], lgb["rows"]) == ("ensemble", 3, "lightgbm", 1)
    assert ens["buckets"] == [
        {"bucket": "0.3-0.4", "rows": 1, "mean_p_over": 0.31, "observed_over": 0.0},
        {"bucket": "0.6-0.7", "rows": 2, "mean_p_over": 0.65, "observed_over": 0.5},
    ]


def test_daily_chart_geometry_scales_values_and_breaks_lines_at_gaps():
    doc = systems_doc()
    mae = charts.daily_chart(doc, "mae", "m", "MAE", "points", charts.points)
    ens = next(s for s in mae.series if s.name == "ensemble")
    # Days D-3..D-1 span the plot from left to right; MAE 4, 5, 6 on a 0..8 axis (6 * 1.1 rounded up to 2s).
    assert [p.x for p in ens.points] == [mae.left, (mae.left + mae.right) / 2, mae.right]
    bottom, top = mae.bottom, mae.top
    assert [p.y for p in ens.points] == [round(bottom + v / 8 * (top - bottom), 1) for v in (4.0, 5.0, 6.0)]
    assert mae.y_ticks[-1].label == "8.0" and mae.x_ticks[0].label == "Nov 15"
    hit = charts.daily_chart(doc, "hit_rate", "h", "Hit", "hit rate", charts.pct, (0.0, 1.0), (BREAK_EVEN, "be"))
    ens = next(s for s in hit.series if s.name == "ensemble")
    assert len(ens.points) == 2 and ens.path.count("M") == 2 and "L" not in ens.path  # the gap is not bridged
    (ref,) = hit.references
    assert ref.y1 == ref.y2 == round(hit.bottom + BREAK_EVEN * (hit.top - hit.bottom), 1)
    assert "ensemble 2025-11-15: 75% (10 graded, 4 picks)" == ens.points[0].label
    assert charts.daily_chart({"systems": []}, "mae", "m", "MAE", "points", charts.points).empty


def test_calibration_chart_puts_buckets_against_the_diagonal():
    chart = charts.calibration_chart(systems_doc()["calibration"])
    (diagonal,) = chart.references
    assert (diagonal.x1, diagonal.y1, diagonal.x2, diagonal.y2) == (chart.left, chart.bottom, chart.right, chart.top)
    ens = next(s for s in chart.series if s.name == "ensemble")
    width, height = chart.right - chart.left, chart.bottom - chart.top
    assert [(p.x, p.y) for p in ens.points] == [
        (round(chart.left + 0.31 * width, 1), chart.bottom),
        (round(chart.left + 0.65 * width, 1), round(chart.bottom - 0.5 * height, 1)),
    ]


def test_page_has_the_best_bets_first_the_charts_and_escapes_every_value(slate):  # noqa: F811
    schedule, predictions, features = slate
    tonight = docs.build_tonight(D, schedule, predictions, features, now=NOON_ET)
    card = {
        "criteria": {"min_probability_edge": 0.02, "min_edge_points": 1.5, "min_books": 3, "min_agreement": 0.75, "max_picks": 10},
        "summary": {"considered": 2},
        "message": None,
        "picks": [
            {
                "rank": 1, "name": "A <b>Bold</b> & Co", "team": "BOS", "opponent": "TOR", "tip_time_et": "2025-11-18T19:00-05:00",
                "recommendation": "OVER", "line": 20.5, "price": -110, "p_side": 0.62, "break_even": 0.5238,
                "predicted_points": 24.0, "edge_points": 3.5, "systems_agree": 4, "systems_total": 4, "line_books": 5,
                "outcome": "HIT", "actual_points": 25,
            }
        ],
    }
    html = render_page(tonight, systems_doc(), card)
    assert html.index('id="best-bets"') < html.index('id="picks"') < html.index('id="chart-daily-mae"')
    assert "A &lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html and "<b>Bold</b>" not in html
    assert "OVER 20.5</b>" in html and "at -110: P = 62.0% against break-even 52.4%" in html
    assert '<span class="outcome outcome-HIT">HIT (25 pts)</span>' in html
    for chart_id, series in (("chart-daily-mae", 2), ("chart-daily-hit-rate", 2), ("chart-calibration", 2)):
        assert f'<figure id="{chart_id}" class="line-chart" data-series="{series}"' in html
    assert 'data-points="4"' in html  # daily MAE: 3 ensemble days + 1 lightgbm day

    empty = {**card, "picks": [], "message": "No best bets today: <none> cleared the bar."}
    html = render_page(tonight, systems_doc(), empty)
    assert '<p class="empty">No best bets today: &lt;none&gt; cleared the bar.</p>' in html
    assert 'data-picks="0"' in html and "<ol>" not in html


@pytest.mark.slow
def test_templates_and_schemas_ship_in_a_non_editable_install(tmp_path, slate):  # noqa: F811
    """Build the wheel from a copy of the sources, install it into a folder, render there."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "nba_platform", src / "nba_platform", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(src)],
        check=True,
        capture_output=True,
    )
    installed = target / "nba_platform" / "publishing"
    assert {p.name for p in (installed / "templates").iterdir()} >= {"page.html.j2", "charts.html.j2", "best_bets.html.j2", "page.css", "page.js"}
    assert (installed / "schemas" / "best_bets.schema.json").is_file()
    schedule, predictions, features = slate
    tonight = docs.build_tonight(D, schedule, predictions, features, now=NOON_ET)
    script = (
        "import json, sys, nba_platform.publishing.page as page; "
        "from nba_platform.publishing.validation import schema; "
        "assert page.__file__.startswith(sys.argv[1]), page.__file__; schema('best_bets'); "
        "sys.stdout.write(page.render_page(json.loads(sys.argv[2]), None, None))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(target), json.dumps(tonight)],
        check=True, capture_output=True, text=True, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, cwd=tmp_path,
    ).stdout
    assert out.startswith("<!doctype html>") and 'id="best-bets"' in out and "No best-bets card for this date." in out
