"""One redactor for every secret the process holds: the Odds API key, the alert webhook URLs.

Secrets are registered when a client or the notifier is built (`REDACTOR.add`) and replaced by ``***``
in every URL we log or raise, every landed byte and every alert error. httpx and httpcore log full
request URLs (the key travels in the query string, a webhook's secret is its path), so
`install_log_filter` puts one scrubbing filter on their loggers; it is called where a client or the
notifier is built, never on import.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

MASK = "***"
# Any ``apiKey=...``-like query value, registered or not.
_SECRET_PARAM = re.compile(r"(?i)\b(api_?key|apikey|access_token|token|key)=([^&\s#\"']+)")
HTTP_LOGGERS = ("httpx", "httpcore")


class Redactor:
    """Replaces known secrets, and any ``apiKey=...``-like query value, with ``***``."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets: set[str] = {s for s in secrets if s}
        self._lock = threading.Lock()

    def add(self, *secrets: str | None) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s)

    def _longest_first(self) -> list[str]:
        # Longest first: a secret that contains another is replaced whole.
        with self._lock:
            return sorted(self._secrets, key=len, reverse=True)

    def text(self, value: object) -> str:
        text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}={MASK}", str(value))
        for secret in self._longest_first():
            text = text.replace(secret, MASK)
        return text

    def data(self, value: bytes) -> bytes:
        for secret in self._longest_first():
            value = value.replace(secret.encode("utf-8"), MASK.encode())
        return value


#: The process-wide redactor: every secret a client or the notifier registers is scrubbed everywhere.
REDACTOR = Redactor()


class RedactingFilter(logging.Filter):
    """Scrubs `REDACTOR`'s secrets from log records."""

    def __init__(self, redactor: Redactor = REDACTOR):
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redactor.text(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactingFilter()


def install_log_filter(loggers: Iterable[str] = HTTP_LOGGERS) -> None:
    """Put the scrubbing filter on ``loggers`` (httpx's by default); calling it again changes nothing."""
    for name in loggers:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
