"""The static page of a date (`site/{date}.html`), rendered from the same documents as the JSON exports.

One self-contained file: inline CSS, inline JavaScript (the table sorts by any column on click or
Enter), inline SVG charts, no external assets and no server. Opening it from disk works.
"""

from __future__ import annotations

from html import escape
from typing import Any

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

CSS = """
:root { --ink:#1d2330; --mute:#687085; --line:#dde1ea; --over:#0b7a3e; --under:#a3271f; --bg:#f6f7fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 20px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: var(--mute); margin: 0 0 12px; }
.status { border-radius: 6px; padding: 10px 14px; margin: 12px 0; border: 1px solid; }
.status ul { margin: 4px 0 0; padding-left: 20px; }
.status-ok { background: #e9f7ef; border-color: #a6dcbc; }
.status-pending, .status-warn { background: #fff8e6; border-color: #f1d48a; }
.status-stale, .status-failing { background: #fdecea; border-color: #f0a9a2; }
.summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 0; padding: 0; list-style: none; }
.summary li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
.summary b { font-size: 18px; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: left; }
th { position: sticky; top: 0; background: #eef1f7; cursor: pointer; user-select: none; }
th[data-type="num"], td.num { text-align: right; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
tbody tr:hover { background: #f3f6fc; }
tr.pass { color: var(--mute); }
.pick-OVER { color: var(--over); font-weight: 600; }
.pick-UNDER { color: var(--under); font-weight: 600; }
.pick-OUT { color: var(--under); }
tr.out { color: var(--mute); text-decoration: line-through; }
.charts { display: flex; gap: 16px; flex-wrap: wrap; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figcaption { color: var(--mute); font-size: 12px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
footer { color: var(--mute); margin: 24px 0 0; font-size: 12px; }
"""

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("picks");
  if (!table || !table.tHead) { return; }
  var headers = table.tHead.rows[0].cells;
  var body = table.tBodies[0];
  function value(cell, type) {
    var raw = cell.getAttribute("data-value");
    if (raw === null) { raw = cell.textContent; }
    if (raw === "") { return null; }
    return type === "num" ? parseFloat(raw) : raw.toLowerCase();
  }
  function sortBy(index) {
    var th = headers[index];
    var type = th.getAttribute("data-type") || "text";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    for (var i = 0; i < headers.length; i++) { headers[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index], type), y = value(b.cells[index], type);
      if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }  // blanks last
      var c = x < y ? -1 : (x > y ? 1 : 0);
      return dir === "ascending" ? c : -c;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
    document.getElementById("sorted-by").textContent = th.textContent + " (" + dir + ")";
  }
  Array.prototype.forEach.call(headers, function (th, index) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(index); });
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sortBy(index); } });
  });
})();
"""


def _fmt(value: Any, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        value = round(value, digits) or 0.0  # no "-0.0"
        return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return str(value)


def _cell(text: str, value: Any = None, numeric: bool = False, css: str = "") -> str:
    classes = " ".join(c for c in ("num" if numeric else "", css) if c)
    cls = f' class="{classes}"' if classes else ""
    data = f' data-value="{escape("" if value is None else str(value))}"' if value is not None or numeric else ""
    return f"<td{cls}{data}>{escape(text)}</td>"


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


def _row(p: dict[str, Any]) -> str:
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
    cls = ' class="pass"' if rec == "PASS" else ' class="out"' if rec == "OUT" else ""
    return f"<tr{cls}>{''.join(cells)}</tr>"


def _bar_chart(systems: list[dict[str, Any]], metric: str, title: str, fmt, top: float, reference: float | None) -> str:
    """Horizontal bars per system: the last 7 days (dark) and 30 days (light) of one metric."""
    row_h, label_w, bar_w, pad = 26, 110, 220, 6
    height = pad * 2 + 16 + row_h * max(len(systems), 1)
    width = label_w + bar_w + 70
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{pad}" y="{pad + 10}" font-weight="600">{escape(title)}</text>',
    ]
    for i, s in enumerate(systems):
        y = pad + 18 + i * row_h
        parts.append(f'<text x="{pad}" y="{y + 14}">{escape(s["system_id"])}</text>')
        for j, (window, color) in enumerate((("last_7_days", "#3b5bdb"), ("last_30_days", "#a5b4fc"))):
            value = s[window][metric]
            bar_y = y + 2 + j * 11
            length = 0 if value is None else max(0.0, min(value / top, 1.0)) * bar_w
            parts.append(
                f'<rect x="{label_w}" y="{bar_y}" width="{length:.1f}" height="9" fill="{color}">'
                f"<title>{escape(s['system_id'])} {window.replace('_', ' ')}: {fmt(value)}</title></rect>"
            )
            parts.append(f'<text x="{label_w + length + 4:.1f}" y="{bar_y + 8}">{fmt(value)}</text>')
    if reference is not None:
        x = label_w + reference / top * bar_w
        parts.append(
            f'<line x1="{x:.1f}" y1="{pad + 16}" x2="{x:.1f}" y2="{height - pad}" stroke="#c92a2a" stroke-dasharray="3,3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _charts(systems_doc: dict[str, Any] | None) -> str:
    systems = (systems_doc or {}).get("systems") or []
    if not systems:
        return '<p class="meta">No graded results yet.</p>'
    maes = [s[w]["mae"] for s in systems for w in ("last_7_days", "last_30_days") if s[w]["mae"] is not None]
    top_mae = max([*maes, 1.0]) * 1.15

    def pct(v):
        return "n/a" if v is None else f"{100 * v:.1f}%"

    def pts(v):
        return "n/a" if v is None else f"{v:.2f}"

    hit = _bar_chart(systems, "hit_rate", "Hit rate on picks", pct, 1.0, BREAK_EVEN)
    mae = _bar_chart(systems, "mae", "MAE (points)", pts, top_mae, None)
    as_of = systems_doc.get("as_of") or "n/a"
    return (
        f'<div class="charts"><figure id="chart-hit-rate">{hit}<figcaption>Dark: last 7 days, light: last 30 days; '
        f"dashed: break-even at -110 ({100 * BREAK_EVEN:.1f}%).</figcaption></figure>"
        f'<figure id="chart-mae">{mae}<figcaption>Mean absolute error of predicted points, graded through '
        f"{escape(as_of)}.</figcaption></figure></div>"
    )


def _status(status: dict[str, Any]) -> str:
    state = status["state"]
    title = {
        "ok": "Current",
        "pending": "Waiting for data",
        "warn": "Data may be late",
        "stale": "Not current",
        "failing": "Not current: the pipeline is late",
    }[state]
    reasons = "".join(f"<li>{escape(r)}</li>" for r in status["reasons"])
    reasons_html = f"<ul>{reasons}</ul>" if reasons else ""
    return (
        f'<section id="status" class="status status-{state}" data-state="{state}" '
        f'data-stale="{str(state in STALE_STATES).lower()}"><b>{title}</b>{reasons_html}</section>'
    )


def render_page(tonight: dict[str, Any], systems_doc: dict[str, Any] | None) -> str:
    """The HTML page of `tonight`'s date, with the systems' recent record from `systems_doc`."""
    date = escape(tonight["game_date"])
    rows = table_rows(tonight)
    recs = tonight["summary"]["recommendations"]
    header = "".join(f'<th scope="col" data-type="{kind}">{escape(name)}</th>' for name, kind in COLUMNS)
    body = "".join(_row(p) for p in rows) or f'<tr><td colspan="{len(COLUMNS)}">No lines posted.</td></tr>'
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generated-at" content="{escape(tonight["generated_at"])}">
<title>NBA points props {date}</title>
<link rel="icon" href="data:,">
<style>{CSS}</style>
</head>
<body>
<main>
<h1>NBA player points props for {date}</h1>
<p class="meta">Picks of the <b>{escape(tonight["published_system"])}</b> system; generated {escape(tonight["generated_at"])}
(schema {escape(tonight["schema_version"])}). Tip times are Eastern.</p>
{_status(tonight["status"])}
<ul class="summary">
<li><b>{tonight["summary"]["games"]}</b> games</li>
<li><b>{len(rows)}</b> players with a line</li>
<li><b>{recs["OVER"]}</b> OVER</li>
<li><b>{recs["UNDER"]}</b> UNDER</li>
<li><b>{recs["PASS"]}</b> PASS</li>
<li><b>{recs["OUT"]}</b> OUT (ruled out or doubtful: no pick)</li>
</ul>
<h2>Tonight's props</h2>
<p class="meta">Click a column to sort (again to reverse). Sorted by: <span id="sorted-by">Conf (descending)</span>.</p>
<div class="table-wrap">
<table id="picks">
<thead><tr>{header}</tr></thead>
<tbody>{body}</tbody>
</table>
</div>
<h2>How the systems have done</h2>
{_charts(systems_doc)}
<footer>Data: tonight/{date}.json and systems/performance.json in the same publish location.</footer>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
