"""`nba-platform scrape`: progress per date, files in the landing layout, one-line reason and exit 1 on failure."""

from __future__ import annotations

import pytest

from nba_platform.cli import main
from nba_platform.landing import zone as lz

from ..conftest import REAL_LANDING
from ..scrape_support import KEY, P_LOG, SCHEDULE_2024_25, LocalServer, ok, read

pytestmark = pytest.mark.usefixtures("scrape_env")

T_BYTES = (REAL_LANDING / lz.team_boxscores_path("2025-03-15")).read_bytes()


def test_scrape_a_range_prints_progress_and_lands_files(tmp_path, monkeypatch, capsys):
    landing = tmp_path / "landing"
    lz.LocalLanding(landing).write(lz.schedule_path("2024-25"), read(SCHEDULE_2024_25))
    with LocalServer() as server:
        server.script("/stats/leaguegamelog", ok(read(P_LOG)), ok(T_BYTES))
        monkeypatch.setenv("NBA_STATS_BASE_URL", server.url)
        monkeypatch.setenv("NBA_CDN_BASE_URL", server.url)  # the fallback: no box scores there either (404)
        code = main(["scrape", "--start", "2024-12-24", "--end", "2024-12-25", "--source", "nba_stats",
                     "--landing", str(landing)])
    out = capsys.readouterr().out
    assert code == 1  # 2024-12-25's request got the 2025-03-15 response: quarantined, reported
    assert "[1/2] 2024-12-24 nba_stats: skipped: no games on 2024-12-24 in the landed schedule" in out
    assert "[2/2] 2024-12-25 nba_stats: FAILED nba_stats for 2024-12-25: 2 of 2 requests failed: rows dated" in out

    with LocalServer() as server:
        server.script("/stats/leaguegamelog", ok(read(P_LOG)), ok(T_BYTES))
        monkeypatch.setenv("NBA_STATS_BASE_URL", server.url)
        code = main(["scrape", "--date", "2025-03-15", "--source", "nba_stats", "--landing", str(landing)])
    out = capsys.readouterr().out
    assert code == 0 and "[1/1] 2025-03-15 nba_stats: 2 landed, 0 unchanged" in out
    assert lz.LocalLanding(landing).read_bytes(lz.player_boxscores_path("2025-03-15")) == read(P_LOG)


def test_a_source_that_fails_for_good_exits_non_zero_with_one_line(tmp_path, monkeypatch, capsys):
    with LocalServer() as server:
        server.script("/v4/historical/sports/basketball_nba/events", ok(b'{"message":"API key is not valid"}', 401))
        monkeypatch.setenv("ODDS_API_BASE_URL", server.url)
        code = main(["scrape", "--start", "2025-03-01", "--end", "2025-03-03", "--source", "odds_api",
                     "--landing", str(tmp_path / "landing")])
        hits = server.hits["/v4/historical/sports/basketball_nba/events"]
    captured = capsys.readouterr()
    assert code == 1 and hits == 1  # a bad key stops the source: the other dates are not tried
    assert "[2/3] 2025-03-02 odds_api: not tried (HTTP 401: unauthorized" in captured.out
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("scrape failed: odds_api for 2025-03-01: HTTP 401: unauthorized")
    assert KEY not in captured.out + captured.err


def test_missing_key_and_bad_arguments(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ODDS_API_KEY")
    assert main(["scrape", "--date", "2025-03-01", "--source", "odds_api", "--landing", str(tmp_path)]) == 1
    assert "ODDS_API_KEY is not set" in capsys.readouterr().err
    assert main(["scrape", "--start", "2025-03-01", "--landing", str(tmp_path)]) == 2
    assert "give --date D, or --start A and --end B" in capsys.readouterr().err
