"""Whole minutes for a team's players: scaled to the team total by role, clipped, rounded to exact sums."""

from __future__ import annotations

import numpy as np


def round_rows(values: np.ndarray, mask: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integers within 1 of ``values`` whose masked row sums equal ``totals`` (largest remainder rounding).
    Each row of ``values`` must already sum to its total."""
    v = np.where(mask, values, 0.0)
    base = np.floor(v)
    frac = np.where(mask, v - base, -1.0)
    short = np.rint(totals - base.sum(axis=1)).astype(int)
    order = np.argsort(-frac, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(v.shape[1]), v.shape), axis=1)
    return np.where(mask, base + (rank < short[:, None]), 0).astype(np.int64)


def fit_minutes(raw: np.ndarray, mask: np.ndarray, total: np.ndarray, elasticity: np.ndarray) -> np.ndarray:
    """Scale each row to its total as ``raw * f ** elasticity`` (bisection on log f): coaches stretch or trim
    the bench before they touch the starters' minutes."""
    lo, hi = np.full(len(raw), -4.0), np.full(len(raw), 4.0)
    raw = np.where(mask, raw, 0.0)
    for _ in range(40):
        mid = (lo + hi) / 2
        too_many = np.sum(raw * np.exp(mid[:, None] * elasticity), axis=1) > total
        hi, lo = np.where(too_many, mid, hi), np.where(too_many, lo, mid)
    v = raw * np.exp(((lo + hi) / 2)[:, None] * elasticity)
    return v * (total / np.maximum(v.sum(axis=1), 1e-9))[:, None]


def allocate_minutes(
    raw: np.ndarray, plays: np.ndarray, total: np.ndarray, cap: np.ndarray, elasticity: np.ndarray
) -> np.ndarray:
    """Whole minutes, at least 1 each and at most ``cap``, summing exactly to the team total (240/265/290)."""
    v = fit_minutes(raw, plays, total, elasticity)
    for _ in range(4):  # clip to [1, cap] and hand the difference to the players in between
        v = np.where(plays, np.clip(v, 1.0, cap[:, None]), 0.0)
        free = np.where(plays & (v > 1.0) & (v < cap[:, None]), v, 0.0)
        v += (total - v.sum(axis=1))[:, None] * free / np.maximum(free.sum(axis=1, keepdims=True), 1e-9)
    return round_rows(v, plays, total)
