"""The static page of a date (`site/{date}.html`), rendered from the same documents as the JSON exports.

One self-contained file: inline CSS, inline JavaScript (the table sorts by any column on click or
Enter), inline SVG charts, no external assets and no server. Opening it from disk works. The markup
is in Jinja2 templates (`templates/`, shipped as package data) with autoescaping on: every value
from a document is escaped by the template engine, none by hand. This module shapes the values.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from nba_platform.publishing import charts
from nba_platform.publishing.status import STALE_STATES

# Break-even hit rate at -110 prices: 110 / 210.
BREAK_EVEN = 110 / 210

# The table's columns: (header, type). "num" columns sort by their cells' data-value numerically,
# blanks last; "text" columns sort by their text, case-insensitively.
COLUMNS: list[tuple[str, str]] = [
    ("Player", "text"),
    ("Team", "text"),
    ("Opp", "text"),
    ("Tip (ET)", "text"),
    ("Line", "num"),
    ("Pred", "num"),
    ("Edge", "num"),
    ("P(over)", "num"),
    ("Pick", "text"),
    ("Status", "text"),
    ("Conf", "num"),
    ("Last 5", "num"),
    ("Season", "num"),
    ("Rest", "num"),
]

STATUS_TITLES = {
    "ok": "Current",
    "pending": "Waiting for data",
    "warn": "Data may be late",
    "stale": "Not current",
    "failing": "Not current: the pipeline is late",
}


@cache
def environment() -> jinja2.Environment:
    """Templates from the installed package; autoescaping for every template, undefined names fail."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("nba_platform.publishing", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def _fmt(value: Any, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        value = round(value, digits) or 0.0  # no "-0.0"
        return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return str(value)


def _cell(text: str, value: Any = None, numeric: bool = False, css: str = "") -> dict[str, Any]:
    """A table cell: its text, the value it sorts by (numeric cells always carry one, blank when
    missing, so they sort last) and its classes."""
    classes = " ".join(c for c in ("num" if numeric else "", css) if c)
    data = ("" if value is None else str(value)) if (value is not None or numeric) else None
    return {"text": text, "value": data, "css": classes}


def table_rows(tonight: dict[str, Any]) -> list[dict[str, Any]]:
    """The players the page lists: everyone with a line, most confident first."""
    rows = []
    for game in tonight["games"]:
        for p in game["players"]:
            if p["line"] is not None:
                rows.append({**p, "tip": (game["tip_time_et"] or "")[11:16]})
    # Most confident first; players ruled out (no confidence) last, as the page's own sort puts blanks.
    return sorted(rows, key=lambda p: (p["confidence"] is None, -(p["confidence"] or 0.0), p["name"]))


SOURCE_LABELS = {"nba_injury_report": "injury report", "balldontlie": "balldontlie", "market": "market", "none": ""}


def _availability(a: dict[str, Any]) -> str:
    """'OUT (injury report)'; nothing for a player nobody has reported on."""
    if a["status"] == "UNKNOWN":
        return ""
    return f"{a['status']} ({SOURCE_LABELS[a['source']]})"


def _row(p: dict[str, Any]) -> dict[str, Any]:
    ctx = p["context"]
    rec = p["recommendation"]
    cells = [
        _cell(p["name"]),
        _cell(p["team"]),
        _cell(p["opponent"]),
        _cell(p["tip"]),
        _cell(_fmt(p["line"]), p["line"], True),
        _cell(_fmt(p["predicted_points"]), p["predicted_points"], True),
        _cell(_fmt(p["edge"], signed=True), p["edge"], True),
        _cell(_fmt(p["p_over"], 3), p["p_over"], True),
        _cell(rec, css=f"pick-{rec}"),
        _cell(_availability(p["availability"])),
        _cell(_fmt(p["confidence"], 2), p["confidence"], True),
        _cell(_fmt(ctx["points_last_5"]), ctx["points_last_5"], True),
        _cell(_fmt(ctx["points_season"]), ctx["points_season"], True),
        _cell(_fmt(ctx["days_rest"], 0) + (" B2B" if ctx["back_to_back"] else ""), ctx["days_rest"], True),
    ]
    return {"cells": cells, "css": {"PASS": "pass", "OUT": "out"}.get(rec, "")}


def page_charts(systems_doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """The charts' geometry, or None when there is nothing graded to draw."""
    systems = (systems_doc or {}).get("systems") or []
    if not systems:
        return None
    maes = [s[w]["mae"] for s in systems for w in ("last_7_days", "last_30_days") if s[w]["mae"] is not None]
    top_mae = max([*maes, 1.0]) * 1.15
    return {
        "hit_bars": charts.bar_chart(systems, "hit_rate", "chart-hit-rate", "Hit rate on picks", charts.pct1, 1.0, BREAK_EVEN),
        "mae_bars": charts.bar_chart(systems, "mae", "chart-mae", "MAE (points)", charts.points2, top_mae, None),
        "daily_mae": charts.daily_chart(systems_doc, "mae", "chart-daily-mae", "Daily MAE (points)", "points", charts.points),
        "daily_hit_rate": charts.daily_chart(
            systems_doc,
            "hit_rate",
            "chart-daily-hit-rate",
            "Daily hit rate on picks",
            "hit rate",
            charts.pct,
            y_range=(0.0, 1.0),
            reference=(BREAK_EVEN, f"break-even at -110: {charts.pct1(BREAK_EVEN)}"),
        ),
        "calibration": charts.calibration_chart(
            systems_doc.get("calibration"), charts.colors([s["system_id"] for s in systems])
        ),
    }


def render_page(
    tonight: dict[str, Any], systems_doc: dict[str, Any] | None, best_bets: dict[str, Any] | None = None
) -> str:
    """The HTML page of `tonight`'s date: the best-bets card first, the props table, the systems' record
    and calibration from `systems_doc`."""
    calibration = (systems_doc or {}).get("calibration") or {}
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            date=tonight["game_date"],
            tonight=tonight,
            stale=tonight["status"]["state"] in STALE_STATES,
            status_title=STATUS_TITLES[tonight["status"]["state"]],
            columns=COLUMNS,
            rows=[_row(p) for p in table_rows(tonight)],
            best_bets=best_bets,
            charts=page_charts(systems_doc),
            break_even=charts.pct1(BREAK_EVEN),
            as_of=(systems_doc or {}).get("as_of") or "n/a",
            calibration_window=f"{calibration.get('from', 'n/a')} to {calibration.get('to', 'n/a')}",
        )
    )
