"""The balldontlie client: the key in the Authorization header (never in a URL or log), cursor paging."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from nba_platform.raw.parsing import SourceParseError
from nba_platform.scrape.balldontlie_client import BalldontlieResource
from nba_platform.scrape.errors import ConfigError

KEY = "bdl-secret-key-123"


def _client(handler, **kwargs):
    resource = BalldontlieResource(base_url="http://bdl.test", api_key=KEY)
    return resource.client(transport=httpx.MockTransport(handler), sleep=lambda s: None, **kwargs)


def test_pages_follow_the_cursor_with_the_key_in_the_header(caplog):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.params.get("cursor"), request.headers.get("authorization")))
        cursor = request.url.params.get("cursor")
        meta = {"next_cursor": 7} if cursor is None else {}
        return httpx.Response(200, json={"data": [{"page": cursor}], "meta": meta})

    caplog.set_level(logging.DEBUG)
    pages = [json.loads(r.content)["data"][0]["page"] for r in _client(handler).get_pages("/v1/player_injuries")]
    assert pages == [None, "7"]
    assert seen == [(None, KEY), ("7", KEY)]
    assert KEY not in caplog.text


def test_a_cursor_that_never_ends_is_an_error():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [], "meta": {"next_cursor": 1}})

    with pytest.raises(SourceParseError, match="the cursor does not end"):
        list(_client(handler).get_pages("/v1/player_injuries"))


def test_no_key_is_a_config_error_naming_the_variable():
    with pytest.raises(ConfigError, match="BALLDONTLIE_API_KEY is not set"):
        BalldontlieResource(base_url="http://bdl.test").client()
