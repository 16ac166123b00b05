"""What a scrape raises. Every message names the source, the URL (secrets redacted) and the game date."""

from __future__ import annotations


class ScrapeError(RuntimeError):
    """A scrape that failed for good (retries, if any, are already spent).

    ``url`` is always the redacted URL: no exception text ever holds an API key.
    """

    #: A failure that will not go away by asking again in this run (bad key, bad request).
    permanent = False
    #: What had landed for the source and date before the failure (set by `scrape.run.Scraper.run`).
    report: object | None = None

    def __init__(self, source: str, url: str, reason: str, game_date: str | None = None):
        self.source = source
        self.url = url
        self.reason = reason
        self.game_date = game_date
        where = f" for {game_date}" if game_date else ""
        super().__init__(f"{source}{where}: {reason} [{url}]")

    def one_line(self) -> str:
        return str(self).replace("\n", " ")


class HTTPStatusError(ScrapeError):
    """A status that retrying cannot fix (401, 403, 404, 422, other 4xx)."""

    permanent = True

    def __init__(self, source: str, url: str, status: int, reason: str, game_date: str | None = None):
        self.status = status
        super().__init__(source, url, f"HTTP {status}: {reason}", game_date)


class RetriesExhaustedError(ScrapeError):
    """Transient failures (5xx, 429, timeouts, connection errors) on every allowed attempt."""


class CircuitOpenError(ScrapeError):
    """The host's circuit breaker is open: the request was not sent."""


class QuarantinedResponseError(ScrapeError):
    """The response did not pass its parser (or was empty where games were played); it was quarantined."""

    def __init__(self, source: str, url: str, reason: str, quarantined_at: str, game_date: str | None = None):
        self.quarantined_at = quarantined_at
        super().__init__(source, url, f"{reason}; response quarantined at {quarantined_at}", game_date)


class ConfigError(ScrapeError):
    """The scraper is not configured (e.g. ODDS_API_KEY is not set)."""

    permanent = True


class ScrapeBatchError(ScrapeError):
    """Some requests of one source and date failed; the others landed. Lists every failure."""

    def __init__(self, source: str, errors: list[ScrapeError], attempted: int, game_date: str | None = None):
        self.errors = errors
        self.permanent = all(e.permanent for e in errors)
        first = errors[0]
        more = "; ".join(f"{e.reason} [{e.url}]" for e in errors[1:4])
        reason = f"{len(errors)} of {attempted} requests failed: {first.reason}" + (f"; {more}" if more else "")
        super().__init__(source, first.url, reason, game_date)
