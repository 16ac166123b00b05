"""The one redactor and the one Retry-After parser the scrapers and the notifier share."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from nba_platform.core.redaction import REDACTOR, RedactingFilter, Redactor, install_log_filter
from nba_platform.core.retry_after import parse_retry_after

NOW = dt.datetime(2025, 3, 15, 12, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "cap", "expected"),
    [
        ("7", None, 7.0),
        (" 2.5 ", None, 2.5),
        ("-3", None, 0.0),  # a negative delay: now
        ("3600", 120.0, 120.0),  # capped
        ("Sat, 15 Mar 2025 12:00:30 GMT", None, 30.0),  # an HTTP date
        ("Sat, 15 Mar 2025 13:00:00 GMT", 60.0, 60.0),  # an HTTP date, capped
        ("Sat, 15 Mar 2025 11:59:00 GMT", None, 0.0),  # a date in the past: now
        ("Saturday, 15-Mar-25 12:00:10 GMT", None, 10.0),  # the obsolete RFC 850 form
        (None, None, None),
        ("", 10.0, None),
        ("soon", 10.0, None),
        ("nan", 10.0, None),
    ],
)
def test_retry_after_seconds_or_http_date(value, cap, expected):
    assert parse_retry_after(value, NOW, cap) == expected


def test_redactor_scrubs_registered_secrets_and_key_parameters():
    redactor = Redactor(["s3cret"])
    redactor.add(None, "", "/hook/path-secret", "https://hooks.example.com/hook/path-secret")
    text = "GET https://api.example.com/v4?apiKey=abc123&x=1 then POST https://hooks.example.com/hook/path-secret s3cret"
    assert redactor.text(text) == "GET https://api.example.com/v4?apiKey=***&x=1 then POST *** ***"
    assert redactor.data(b'{"k":"s3cret"}') == b'{"k":"***"}'


def test_the_log_filter_is_installed_once_and_only_when_asked(caplog):
    logger = logging.getLogger("nba_platform_tests.redaction")
    assert not any(isinstance(f, RedactingFilter) for f in logger.filters)
    install_log_filter([logger.name])
    install_log_filter([logger.name])
    assert sum(isinstance(f, RedactingFilter) for f in logger.filters) == 1
    REDACTOR.add("filter-secret-1f2e")
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("HTTP Request: POST %s", "https://x.example.com/filter-secret-1f2e")
    assert caplog.messages == ["HTTP Request: POST https://x.example.com/***"]
