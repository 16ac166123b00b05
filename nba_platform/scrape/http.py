"""The HTTP layer every scraper shares: timeouts, retries (tenacity), a per-host circuit breaker, redaction.

- Every request has an `httpx.Timeout`.
- Transient failures are retried with exponential backoff and jitter (`tenacity.wait_exponential_jitter`):
  timeouts, connection errors, a connection closed mid-body, 408/425/429 and every 5xx. On 429 and 503
  the server's ``Retry-After`` (seconds or an HTTP date) is honoured instead, capped at
  `RetryPolicy.retry_after_cap`.
- Statuses that asking again cannot fix (401, 403, 404, 422 and the other 4xx) raise `HTTPStatusError`
  at once, with a hint of what to check.
- A `CircuitBreaker` per host: after `threshold` consecutive failed attempts the host is skipped for
  `cooldown` seconds (`CircuitOpenError`, no request sent); then one trial request decides.
- Secrets (the Odds API key travels in the query string) are registered with the one redactor
  (`core.redaction`): replaced by ``***`` in every URL we log or raise, and scrubbed from httpx's own
  request log lines by the filter a client installs when it is built.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import tenacity

from nba_platform.core.redaction import REDACTOR, install_log_filter
from nba_platform.core.retry_after import parse_retry_after
from nba_platform.scrape.errors import CircuitOpenError, HTTPStatusError, RetriesExhaustedError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRY_STATUSES = frozenset({408, 425, 429})
RETRY_AFTER_STATUSES = frozenset({429, 503})
_HINTS = {
    401: "unauthorized: the API key is missing or not valid (check the key in the environment)",
    403: "forbidden: the service refuses this client or plan (stats.nba.com needs browser headers)",
    404: "not found: nothing is published at this URL (wrong id or date, or not yet available)",
    422: "the service refused the request parameters (e.g. a date outside the plan's history or a bad market)",
}


# --- circuit breaker -------------------------------------------------------------------------------------


@dataclass
class _HostState:
    failures: int = 0
    opened_at: float | None = None
    last_failure: str = ""


@dataclass
class CircuitBreaker:
    """Per-host breaker: ``threshold`` consecutive failed attempts open it for ``cooldown`` seconds.

    State lives in this object (share one across clients to share it across sources of one host);
    after the cool-down one trial request is let through, and one more failure re-opens it.
    """

    threshold: int = 5
    cooldown: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _hosts: dict[str, _HostState] = field(default_factory=dict)

    def open_for(self, host: str) -> float:
        """Seconds of cool-down left for ``host`` (0 when requests may be sent)."""
        state = self._hosts.get(host)
        if state is None or state.opened_at is None:
            return 0.0
        return max(0.0, state.opened_at + self.cooldown - self.clock())

    def describe(self, host: str) -> str:
        state = self._hosts.get(host, _HostState())
        return f"{state.failures} consecutive failures (last: {state.last_failure})"

    def record_success(self, host: str) -> None:
        self._hosts.pop(host, None)

    def record_failure(self, host: str, what: str) -> bool:
        """Count a failed attempt; True when this failure opens (or re-opens) the circuit."""
        state = self._hosts.setdefault(host, _HostState())
        state.failures += 1
        state.last_failure = what
        if state.failures >= self.threshold:
            state.opened_at = self.clock()
            return True
        return False

    def state(self) -> dict[str, dict[str, Any]]:
        return {
            host: {"failures": s.failures, "open_for_seconds": round(self.open_for(host), 1)}
            for host, s in self._hosts.items()
        }


# --- the client ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    initial_wait: float = 2.0
    max_wait: float = 60.0
    jitter: float = 2.0
    retry_after_cap: float = 120.0


class _Transient(Exception):
    """One failed attempt that may succeed if asked again (internal to `SourceHttp.get`)."""

    def __init__(self, detail: str, retry_after: float | None = None):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


class SourceHttp:
    """An httpx client for one source: base URL, headers, timeouts, retries, breaker, redaction."""

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        logger: Any = None,
    ):
        self.source = source
        self.policy = policy or RetryPolicy()
        self.breaker = breaker or CircuitBreaker()
        self.sleep = sleep
        self.now = now
        self.log = logger or log
        self._params = dict(params or {})
        REDACTOR.add(*secrets)
        install_log_filter()
        self._backoff = tenacity.wait_exponential_jitter(
            multiplier=self.policy.initial_wait, max=self.policy.max_wait, jitter=self.policy.jitter
        )
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=dict(headers or {}),
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
        )
        self.last_response: httpx.Response | None = None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SourceHttp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def redacted(self, url: httpx.URL | str) -> str:
        return REDACTOR.text(url)

    def url_for(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """The redacted URL a request would go to (for errors raised before any request)."""
        return self.redacted(self._client.build_request("GET", path, params={**self._params, **(params or {})}).url)

    def _wait(self, retry_state: tenacity.RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return exc.retry_after
        return self._backoff(retry_state)

    def _fail(self, host: str, url: str, detail: str, game_date: str | None, retry_after: float | None = None):
        if self.breaker.record_failure(host, detail):
            raise CircuitOpenError(
                self.source,
                url,
                f"circuit breaker opened for {host} after {self.breaker.describe(host)}; "
                f"skipping the host for {self.breaker.cooldown:.0f} s",
                game_date,
            )
        return _Transient(detail, retry_after)

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, game_date: str | None = None) -> httpx.Response:
        """GET ``path``: a 2xx response, or a `ScrapeError` subclass once retrying cannot help."""
        request = self._client.build_request("GET", path, params={**self._params, **(params or {})})
        url, host = self.redacted(request.url), request.url.host

        def attempt() -> httpx.Response:
            left = self.breaker.open_for(host)
            if left > 0:
                raise CircuitOpenError(
                    self.source,
                    url,
                    f"circuit breaker open for {host} ({self.breaker.describe(host)}); "
                    f"request skipped, next try in {left:.0f} s",
                    game_date,
                )
            try:
                response = self._client.send(request)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                failure: Exception | None = exc
            else:
                failure = None
            if failure is not None:
                text = str(failure)
                detail = f"{type(failure).__name__}: {self.redacted(text) or 'no detail'}"
                # Chain the httpx error for its traceback unless its text holds a secret.
                raise self._fail(host, url, detail, game_date) from (failure if self.redacted(text) == text else None)
            self.last_response = response
            status = response.status_code
            if response.is_success:
                self.breaker.record_success(host)
                return response
            if status in RETRY_STATUSES or status >= 500:
                retry_after = None
                if status in RETRY_AFTER_STATUSES:
                    retry_after = parse_retry_after(
                        response.headers.get("Retry-After"), self.now(), self.policy.retry_after_cap
                    )
                raise self._fail(host, url, f"HTTP {status}", game_date, retry_after)
            # The host answered: it is healthy, the request is wrong. Asking again cannot help.
            self.breaker.record_success(host)
            body = self.redacted(response.text[:200].strip().replace("\n", " "))
            hint = _HINTS.get(status, "client error")
            raise HTTPStatusError(self.source, url, status, f"{hint}; body: {body!r}", game_date)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            why = "Retry-After" if isinstance(exc, _Transient) and exc.retry_after is not None else "backoff"
            self.log.warning(
                f"{self.source} GET {url}: {exc} (attempt {state.attempt_number}/{self.policy.attempts}); "
                f"retrying in {wait:.1f} s ({why})"
            )

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Transient),
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Transient as exc:
            raise RetriesExhaustedError(
                self.source, url, f"gave up after {self.policy.attempts} attempts; last: {exc.detail}", game_date
            ) from exc
