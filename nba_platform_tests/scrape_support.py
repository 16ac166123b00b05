"""Fakes for the scraper tests: scripted services behind httpx.MockTransport or a real local HTTP server.

Responses are scripted per URL path as a list; each request takes the next one and the last repeats.
A step is a tuple:
  ("ok", status, headers, body)           answer with this status, headers and body (see `ok`)
  a callable(request) -> step             (MockTransport) decide from the request
  ("raise", httpx exception class)        (MockTransport) fail the request with that transport error
  ("sleep", seconds, status, body)        (local server) wait before answering: a read timeout
  ("truncate", body, claimed_length)      (local server) announce more bytes than are sent, then close
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

from nba_platform.scrape.http import CircuitBreaker, RetryPolicy
from nba_platform.scrape.run import Scraper

from .conftest import FIXTURES

JSON = {"content-type": "application/json"}
KEY = "sk-TEST-0123456789abcdef"  # a fake Odds API key: must never show up anywhere

# The real captured responses, read in place.
P_LOG = FIXTURES / "nba_stats" / "leaguegamelog_P_2025-03-15.json"
SCHEDULE_2024_25 = FIXTURES / "nba_cdn" / "scheduleLeagueV2_2024-25.json.gz"
PBP = FIXTURES / "nba_cdn" / "playbyplay_0022400500.json.gz"
ODDS_ORL_CLE = FIXTURES / "odds_api" / "event_odds_player_points_f54c4a22568ce9dc33fb410d1b0e75e9.json"
ODDS_TOR = FIXTURES / "odds_api" / "event_odds_player_points_f9f3f99b5124a4ecf984003f0af23d2e.json"
HIST_EVENTS_2024_01_25 = FIXTURES / "odds_api" / "events_historical_2024-01-25T035540Z.json"
HIST_ODDS_H2H = FIXTURES / "odds_api" / "historical_event_odds_h2h_cd0bc7d0c238f4446ce1c03d0cea7ec4.json"


def read(path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def live_events_from_odds(*paths) -> bytes:
    """A live /events list made of the real event headers of captured event-odds responses."""
    keys = ("id", "sport_key", "sport_title", "commence_time", "home_team", "away_team")
    return json.dumps([{k: json.loads(read(p))[k] for k in keys} for p in paths]).encode()


def ok(body: bytes | str, status: int = 200, headers: dict | None = None) -> tuple:
    return ("ok", status, {**JSON, **(headers or {})}, body if isinstance(body, bytes) else body.encode())


class FakeService:
    """Scripted responses by path for httpx.MockTransport; records every request."""

    def __init__(self):
        self.routes: dict[str, list[tuple]] = {}
        self.requests: list[httpx.Request] = []
        self.fallback: Callable[[httpx.Request], tuple] | None = None

    def script(self, path: str, *steps: tuple) -> FakeService:
        self.routes[path] = list(steps)
        return self

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.url.path == path)

    def _next(self, path: str, request: httpx.Request) -> tuple:
        steps = self.routes.get(path)
        if steps is None:
            return self.fallback(request) if self.fallback else ok(b'{"message":"not found"}', 404)
        return steps.pop(0) if len(steps) > 1 else steps[0]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self._next(request.url.path, request)
        if callable(step):
            step = step(request)
        if step[0] == "raise":
            raise step[1]("simulated transport failure", request=request)
        _, status, headers, body = step
        return httpx.Response(status, headers=headers, content=body)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


class Recorder:
    """A fake clock and sleep: sleeping advances the clock, nothing really waits."""

    def __init__(self, start: dt.datetime):
        self.now_value = start
        self.sleeps: list[float] = []
        self.mono = 1000.0

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_value += dt.timedelta(seconds=seconds)
        self.mono += seconds

    def now(self) -> dt.datetime:
        return self.now_value

    def monotonic(self) -> float:
        return self.mono


FAST = RetryPolicy(attempts=4, initial_wait=1.0, max_wait=8.0, jitter=0.5, retry_after_cap=60.0)


def make_scraper(zone, service: FakeService | None, clock: Recorder, *, policy=FAST, threshold=10, **kw) -> Scraper:
    breaker = CircuitBreaker(threshold=threshold, cooldown=300.0, clock=clock.monotonic)
    extra: dict[str, Any] = {"transport": service.transport()} if service is not None else {}
    return Scraper(zone, now=clock.now, breaker=breaker, policy=policy, sleep=clock.sleep, **extra, **kw)


# --- a real HTTP server on 127.0.0.1 -------------------------------------------------------------------


class LocalServer:
    """A scripted HTTP server on 127.0.0.1 (random free port), started and stopped by the test."""

    def __init__(self):
        self.routes: dict[str, list[tuple]] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.queries: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                server.hits[parts.path] += 1
                server.queries.append(parts.query)
                steps = server.routes.get(parts.path) or [ok(b'{"message":"not found"}', 404)]
                step = steps.pop(0) if len(steps) > 1 else steps[0]
                if step[0] == "sleep":
                    time.sleep(step[1])
                    step = ok(step[3], step[2])
                if step[0] == "truncate":
                    body, claimed = step[1], step[2]
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(claimed))
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                    self.close_connection = True
                    return
                _, status, headers, body = step
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up first (a timeout test): expected

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, path: str, *steps: tuple) -> LocalServer:
        self.routes[path] = list(steps)
        return self

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def free_port() -> int:
    """A port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- box scores from the second sources ------------------------------------------------------------------

CDN_BOXSCORE = FIXTURES / "nba_cdn" / "boxscore_0022000180_trimmed.json"
BDL_BOX_SCORES_2024_01_15 = FIXTURES / "balldontlie" / "box_scores_2024-01-15.json"
TEAM_LOGS_2023_24 = FIXTURES.parent / "history" / "team_game_logs_2023-24.csv"


def cdn_boxscore_for(game: dict) -> bytes:
    """The real (trimmed) liveData box score re-keyed to a scheduled game (id, tip, teams, scores): its
    players stay the capture's, one a side."""
    payload = json.loads(CDN_BOXSCORE.read_bytes())
    box = payload["game"]
    box["gameId"] = game["game_id"]
    box["gameTimeUTC"] = game["tip_time_utc"].strftime("%Y-%m-%dT%H:%M:%SZ")
    for side in ("home", "away"):
        team = box[f"{side}Team"]
        team["teamId"], team["teamTricode"] = game[f"{side}_team_id"], game[f"{side}_team_abbr"]
        team["score"] = game[f"{side}_score"]
    return json.dumps(payload).encode()


def schedule_from_team_logs(day: str) -> bytes:
    """A scheduleLeagueV2 document holding the final games of ``day`` as the real 2023-24 team logs
    record them (no 2023-24 schedule capture exists; the games, ids, teams and scores are the logs';
    the logs have no tip times, so every game is given 23:00 UTC)."""
    import polars as pl

    logs = pl.read_csv(TEAM_LOGS_2023_24, schema_overrides={"GAME_ID": pl.String}).filter(pl.col("GAME_DATE") == day)
    home = logs.filter(pl.col("MATCHUP").str.contains(" vs. ", literal=True))
    away = logs.filter(pl.col("MATCHUP").str.contains(" @ ", literal=True))
    games = []
    for h in home.iter_rows(named=True):
        a = away.filter(pl.col("GAME_ID") == h["GAME_ID"]).row(0, named=True)
        team = lambda r: {"teamId": r["TEAM_ID"], "teamTricode": r["TEAM_ABBREVIATION"],  # noqa: E731
                          "teamName": r["TEAM_NAME"], "score": r["PTS"]}
        games.append({
            "gameId": h["GAME_ID"], "gameStatus": 3, "gameStatusText": "Final", "gameDateEst": f"{day}T00:00:00Z",
            "gameDateTimeUTC": f"{day}T23:00:00Z", "homeTeam": team(h), "awayTeam": team(a),
        })
    return json.dumps({"leagueSchedule": {"seasonYear": "2023-24", "gameDates": [{"games": games}]}}).encode()
