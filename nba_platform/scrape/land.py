"""Validate a live response with the source's own parser, then land it; quarantine it when it fails.

The parser that reads landed files is the one that checks live responses, so nothing reaches the
landing zone that the raw assets could not read. A refused response goes to ``_quarantine/`` with the
reason, the (redacted) URL and the date; the last good file at the landing path is left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from nba_platform.core.redaction import REDACTOR
from nba_platform.landing.zone import LandingZone
from nba_platform.raw.parsing import SourceParseError
from nba_platform.scrape.errors import QuarantinedResponseError

T = TypeVar("T")


@dataclass(frozen=True)
class Landed:
    relpath: str
    changed: bool  # False: identical bytes were already landed (nothing written)


def validate_or_quarantine(
    zone: LandingZone,
    relpath: str,
    data: bytes,
    validate: Callable[[bytes, str], T],
    *,
    source: str,
    url: str,
    game_date: str | None,
    logger: Any,
) -> T:
    """Run ``validate(data, relpath)``; on `SourceParseError` quarantine ``data`` and raise a clear error."""
    try:
        return validate(data, relpath)
    except SourceParseError as exc:
        reason = f"{exc.reason}\nsource: {source}\nurl: {url}\ngame date: {game_date}\nintended path: {relpath}\n"
        dest = zone.quarantine_bytes(relpath, REDACTOR.data(data), reason)
        logger.error(f"{source} {game_date}: {exc.reason} [{url}] -> quarantined at {dest}")
        raise QuarantinedResponseError(source, url, exc.reason, dest, game_date) from exc


def land(zone: LandingZone, relpath: str, data: bytes, *, logger: Any) -> Landed:
    """Write validated bytes (secrets scrubbed); identical bytes are a no-op, changed bytes keep the old version."""
    changed = zone.write(relpath, REDACTOR.data(data))
    logger.info(f"{'landed' if changed else 'unchanged'} {zone.describe(relpath)} ({len(data)} bytes)")
    return Landed(relpath, changed)
