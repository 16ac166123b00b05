"""Predictive distributions: a spread that grows with the mean, and a calibration learned out of sample.

A system gives a mean `mu`. Its spread is sigma(mu) = max(floor, a + b * mu), fitted on out-of-sample
residuals (E|r| = sigma * sqrt(2/pi) for a normal). Calibration is a probability-integral-transform
recalibration: on out-of-sample rows we record u = F(actual) under the predicted normal; the map
G = empirical CDF of u turns any predicted probability F(t) into a calibrated one, for every line t.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

MIN_ROWS = 200
SIGMA_FLOOR = 2.0
# Before any out-of-sample evidence: NBA scoring spread is about 2.5 + 0.25 x mean (real 2024-25 logs).
DEFAULT_SPREAD = (2.5, 0.25)


@dataclass(frozen=True)
class Spread:
    intercept: float = DEFAULT_SPREAD[0]
    slope: float = DEFAULT_SPREAD[1]
    fitted: bool = False

    def sigma(self, mu: np.ndarray) -> np.ndarray:
        return np.maximum(SIGMA_FLOOR, self.intercept + self.slope * np.asarray(mu, dtype=float))


def fit_spread(mu: np.ndarray, actual: np.ndarray) -> Spread:
    mu, actual = np.asarray(mu, float), np.asarray(actual, float)
    ok = np.isfinite(mu) & np.isfinite(actual)
    if ok.sum() < MIN_ROWS:
        return Spread()
    scaled = np.abs(actual[ok] - mu[ok]) * math.sqrt(math.pi / 2)
    slope, intercept = np.polyfit(mu[ok], scaled, 1)
    return Spread(float(intercept), float(max(slope, 0.0)), fitted=True)


@dataclass(frozen=True)
class Calibration:
    """Quantiles of out-of-sample PIT values at probabilities 0, 0.01, ..., 1 (identity when unfitted)."""

    u_quantiles: tuple[float, ...] = field(default_factory=lambda: tuple(np.linspace(0, 1, 101)))
    fitted: bool = False

    def apply(self, p: np.ndarray) -> np.ndarray:
        grid = np.linspace(0, 1, len(self.u_quantiles))
        return np.interp(np.asarray(p, float), np.asarray(self.u_quantiles), grid)


def normal_cdf(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return ndtr((np.asarray(x, float) - np.asarray(mu, float)) / np.asarray(sigma, float))


def pit_values(mu: np.ndarray, sigma: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """F(actual) for whole-number points: the midpoint of F(a - 0.5) and F(a + 0.5)."""
    actual = np.asarray(actual, float)
    return 0.5 * (normal_cdf(actual - 0.5, mu, sigma) + normal_cdf(actual + 0.5, mu, sigma))


def fit_calibration(mu: np.ndarray, sigma: np.ndarray, actual: np.ndarray) -> Calibration:
    mu, sigma, actual = (np.asarray(v, float) for v in (mu, sigma, actual))
    ok = np.isfinite(mu) & np.isfinite(sigma) & np.isfinite(actual)
    if ok.sum() < MIN_ROWS:
        return Calibration()
    u = np.sort(pit_values(mu[ok], sigma[ok], actual[ok]))
    quantiles = np.quantile(u, np.linspace(0, 1, 101))
    quantiles[0], quantiles[-1] = 0.0, 1.0
    return Calibration(tuple(float(q) for q in np.maximum.accumulate(quantiles)), fitted=True)


def prob_over(mu: np.ndarray, sigma: np.ndarray, line: np.ndarray, calibration: Calibration) -> np.ndarray:
    """Calibrated P(points > line). On a whole line the Over needs line + 1 (a push returns the
    stake), so the threshold is line + 0.5; on a half line it is the line."""
    line = np.asarray(line, float)
    threshold = np.where(np.floor(line) == line, line + 0.5, line)
    return 1.0 - calibration.apply(normal_cdf(threshold, mu, sigma))


@dataclass(frozen=True)
class LineCalibration:
    """Second stage for rows with a line: P' = sigmoid(a + b * logit(P)), fitted on out-of-sample
    lined rows (pushes left out). Against a market line a model's disagreement is partly the model's
    error, so its probabilities need shrinking toward 1/2; b < 1 does that. Identity when unfitted."""

    a: float = 0.0
    b: float = 1.0
    fitted: bool = False

    def apply(self, p: np.ndarray) -> np.ndarray:
        p = np.clip(np.asarray(p, float), 1e-6, 1 - 1e-6)
        return 1.0 / (1.0 + np.exp(-(self.a + self.b * np.log(p / (1 - p)))))


def fit_line_calibration(p: np.ndarray, went_over: np.ndarray, iterations: int = 50) -> LineCalibration:
    """Logistic regression of the outcome on logit(p) (Newton's method, two parameters)."""
    p, y = np.asarray(p, float), np.asarray(went_over, float)
    ok = np.isfinite(p) & np.isfinite(y)
    if ok.sum() < MIN_ROWS:
        return LineCalibration()
    p = np.clip(p[ok], 1e-6, 1 - 1e-6)
    x = np.column_stack([np.ones(ok.sum()), np.log(p / (1 - p))])
    y = y[ok]
    beta = np.array([0.0, 1.0])
    for _ in range(iterations):
        q = 1.0 / (1.0 + np.exp(-x @ beta))
        hessian = x.T @ (x * (q * (1 - q))[:, None]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(hessian, x.T @ (y - q))
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return LineCalibration(float(beta[0]), float(beta[1]), fitted=True)
