"""`ensemble`: a weighted mean of the other systems (and of the line, where there is one), with
weights learned from their past out-of-sample errors only (non-negative least squares, summing to 1).

Two weight sets: for rows with a pre-tip line (the line is a component) and without. Before there are
enough out-of-sample rows, the prior is equal weights, and on lined rows half the weight on the line:
the market line is the best-known single predictor of points until our own evidence says otherwise.
"""

from __future__ import annotations

import polars as pl

MIN_ROWS = 200
LINE = "line"


def prior_weights(systems: list[str], with_line: bool) -> dict[str, float]:
    if not with_line:
        return {s: 1.0 / len(systems) for s in systems}
    return {**{s: 0.5 / len(systems) for s in systems}, LINE: 0.5}


def fit_weights(rows: pl.DataFrame, components: list[str]) -> dict[str, float] | None:
    """NNLS weights of `components` (columns of predictions) against `actual_points`; None if too few rows."""
    # Imported here: only the weekly training fits weights, and scipy.optimize adds ~0.3-0.5 s to the
    # start of every process that imports the predictions, a daily run's included.
    from scipy.optimize import nnls

    complete = rows.drop_nulls([*components, "actual_points"])
    if complete.height < MIN_ROWS:
        return None
    weights, _ = nnls(complete.select(components).to_numpy().astype(float), complete["actual_points"].to_numpy().astype(float))
    if weights.sum() <= 0:
        return None
    weights = weights / weights.sum()
    return {c: float(w) for c, w in zip(components, weights, strict=True)}


def learn(valid: pl.DataFrame, systems: list[str]) -> dict[str, dict[str, float]]:
    """Weights from validation rows holding one column per system, `line` and `actual_points`."""
    without = fit_weights(valid, systems) or prior_weights(systems, with_line=False)
    lined = valid.filter(pl.col(LINE).is_not_null())
    with_line = fit_weights(lined, [*systems, LINE]) or prior_weights(systems, with_line=True)
    return {"without_line": without, "with_line": with_line}


def combine(predictions: pl.DataFrame, weights: dict[str, dict[str, float]]) -> pl.Series:
    """Per row, the weighted mean of the components it has (weights renormalized over them)."""
    def weighted(w: dict[str, float]) -> tuple[pl.Expr, pl.Expr]:
        num = pl.sum_horizontal([pl.col(c).fill_null(0.0) * v for c, v in w.items()])
        den = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) * v for c, v in w.items()])
        return num, den

    n_with, d_with = weighted(weights["with_line"])
    n_without, d_without = weighted(weights["without_line"])
    value = (
        pl.when(pl.col(LINE).is_not_null() & (d_with > 0))
        .then(n_with / d_with)
        .when(d_without > 0)
        .then(n_without / d_without)
    )
    return predictions.select(value.alias("ensemble"))["ensemble"]

