"""One notifier for every alert: a Slack incoming webhook and/or a generic JSON webhook.

Channels are configured by environment, read (through `core.settings.read_variable`) when an alert is sent:

* ``NBA_ALERT_SLACK_WEBHOOK_URL`` -- a Slack incoming-webhook URL (``{"text", "blocks"}`` payload);
* ``NBA_ALERT_WEBHOOK_URL`` -- any endpoint accepting a JSON POST (PagerDuty/Opsgenie bridges, a bot);
* ``DAGSTER_WEBSERVER_URL`` -- base of the run/asset links in alerts (default http://127.0.0.1:3000).

A webhook URL is a secret (whoever has it can post): it never enters resource config (the UI shows
config), logs, metadata or error messages; errors name the channel ("slack", "webhook") only, and the
URLs are registered with the one redactor (`core.redaction`), whose filter scrubs httpx's log lines.
Delivery goes through httpx with tenacity retries: transport errors, 429 and 5xx are retried with
exponential backoff and full jitter (a ``Retry-After`` header, seconds or an HTTP date, wins), other
4xx are not.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import dagster as dg
import httpx
import tenacity

from nba_platform.core.redaction import REDACTOR, install_log_filter
from nba_platform.core.retry_after import parse_retry_after
from nba_platform.core.settings import Settings, read_variable

ENV_SLACK = "NBA_ALERT_SLACK_WEBHOOK_URL"
ENV_WEBHOOK = "NBA_ALERT_WEBHOOK_URL"
MAX_RETRY_WAIT_SECONDS = 30.0

log = logging.getLogger(__name__)


def _remember_secret(url: str) -> None:
    """Register a webhook URL and its path (the secret part) with the one redactor: httpx's own log
    lines quote the request URL ("HTTP Request: POST https://hooks.slack.com/services/...")."""
    parts = urlsplit(url)
    secret_part = parts.path + (f"?{parts.query}" if parts.query else "")
    REDACTOR.add(*(x for x in (url, secret_part) if len(x) > 1))


def webserver_url() -> str:
    return Settings.from_env().webserver_url


def run_url(run_id: str) -> str:
    return f"{webserver_url()}/runs/{run_id}"


def asset_url(asset: str) -> str:
    return f"{webserver_url()}/assets/{asset}"


@dataclass(frozen=True)
class Alert:
    """What happened, to which asset and partition, in which run, and why."""

    kind: str  # "freshness" | "run_failure" | "check_failure"
    status: str  # "firing" | "resolved"
    severity: str  # "WARN" | "FAIL" | "ERROR" | "PASS"
    asset: str | None
    partition: str | None
    reason: str
    run_id: str | None = None
    run_url: str | None = None
    asset_url: str | None = None
    check: str | None = None
    job: str | None = None
    at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    @property
    def title(self) -> str:
        what = {"freshness": "freshness", "run_failure": "run failed", "check_failure": "blocking check failed"}[
            self.kind
        ]
        subject = self.asset or self.job or "run"
        if self.check:
            subject = f"{subject}.{self.check}"
        state = "RESOLVED" if self.status == "resolved" else self.severity
        return f"[{state}] {what}: {subject}" + (f" [{self.partition}]" if self.partition else "")

    def webhook_payload(self) -> dict:
        return {"source": "nba_platform", "title": self.title, **asdict(self)}

    def slack_payload(self) -> dict:
        icon = {"PASS": ":white_check_mark:", "WARN": ":warning:"}.get(self.severity, ":rotating_light:")
        lines = [f"{icon} *{_slack_escape(self.title)}*", _slack_escape(self.reason)]
        details = [f"asset `{self.asset}`" if self.asset else None, f"partition `{self.partition}`" if self.partition else None]
        links = [f"<{self.run_url}|run {self.run_id[:8]}>" if self.run_url and self.run_id else None]
        links.append(f"<{self.asset_url}|asset>" if self.asset_url else None)
        context = " | ".join(x for x in details + links if x)
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}]
        if context:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
        return {"text": self.title, "blocks": blocks}


def _slack_escape(text: str) -> str:
    """Slack mrkdwn control characters (a reason may quote code or HTML)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AlertDeliveryError(Exception):
    """An alert could not be delivered after retries. The message names channels, never URLs."""


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class AlertNotifier(dg.ConfigurableResource):
    """Sends alerts to the channels set in the environment (names of the variables are config;
    the URLs themselves are only ever read from the environment)."""

    slack_url_env: str = ENV_SLACK
    webhook_url_env: str = ENV_WEBHOOK
    timeout_seconds: float = 10.0
    max_attempts: int = 4
    backoff_seconds: float = 1.0

    def channels(self) -> dict[str, str]:
        urls = {"slack": read_variable(self.slack_url_env), "webhook": read_variable(self.webhook_url_env)}
        configured = {name: url for name, url in urls.items() if url}
        for url in configured.values():
            _remember_secret(url)
        install_log_filter()
        return configured

    def send(self, alert: Alert) -> list[str]:
        """Deliver to every configured channel; return their names. Raises AlertDeliveryError
        (after trying every channel) if any channel failed."""
        channels = self.channels()
        if not channels:
            log.info("no alert channel configured (%s, %s): %s", self.slack_url_env, self.webhook_url_env, alert.title)
            return []
        delivered, failures = [], []
        with httpx.Client(timeout=self.timeout_seconds) as client:
            for name, url in channels.items():
                payload = alert.slack_payload() if name == "slack" else alert.webhook_payload()
                try:
                    self._post(client, name, url, payload)
                    delivered.append(name)
                except (_Retryable, AlertDeliveryError) as exc:
                    failures.append(REDACTOR.text(exc))
        if failures:
            raise AlertDeliveryError(f"alert '{alert.title}' not delivered: {'; '.join(failures)}")
        return delivered

    def _post(self, client: httpx.Client, channel: str, url: str, payload: dict) -> None:
        backoff = tenacity.wait_random_exponential(multiplier=self.backoff_seconds, max=MAX_RETRY_WAIT_SECONDS)

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                return exc.retry_after
            return backoff(state)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.warning(
                "alert delivery to %s failed (%s), attempt %d of %d; retrying in %.1f s",
                channel, exc, state.attempt_number, self.max_attempts, state.upcoming_sleep,
            )

        for attempt in tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts),
            wait=wait,
            retry=tenacity.retry_if_exception_type(_Retryable),
            before_sleep=before_sleep,
            reraise=True,
        ):
            with attempt:
                try:
                    response = client.post(url, json=payload)
                except httpx.TransportError as exc:
                    # httpx messages may quote the URL: keep only the error type.
                    raise _Retryable(f"{channel}: {type(exc).__name__}") from None
                if response.status_code == 429 or response.status_code >= 500:
                    retry_after = parse_retry_after(
                        response.headers.get("Retry-After"), dt.datetime.now(dt.UTC), MAX_RETRY_WAIT_SECONDS
                    )
                    raise _Retryable(f"{channel}: HTTP {response.status_code}", retry_after)
                if response.status_code >= 400:
                    raise AlertDeliveryError(f"{channel}: HTTP {response.status_code} (not retried)")
