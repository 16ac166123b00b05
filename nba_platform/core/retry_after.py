"""The ``Retry-After`` header (RFC 9110 10.2.3), for every HTTP client that retries: scrapers, alerts."""

from __future__ import annotations

import datetime as dt
import email.utils
import math


def parse_retry_after(value: str | None, now: dt.datetime, cap: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date.

    A date in the past (or a negative delay) is 0; the result is at most ``cap``. None when the
    header is absent or unreadable, so the caller falls back to its own backoff.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # an HTTP date is GMT
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - now).total_seconds()
    if math.isnan(seconds):
        return None
    seconds = max(0.0, seconds)
    return seconds if cap is None else min(seconds, cap)
