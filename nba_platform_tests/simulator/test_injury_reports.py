"""The simulated injury reports: real PDFs in the official layout, read back by the platform's parser, two
editions a game day, OUT players every day, late scratches only in the later edition, same bytes per seed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from nba_platform.core.calendar import ET
from nba_platform.core.names import player_lookup
from nba_platform.raw.injury_report import read_injury_report_pdf
from nba_platform.simulator import simulate
from nba_platform.simulator.injury_report_files import injury_report_files
from nba_platform.simulator.league import new_league
from nba_platform.simulator.season import simulate_season
from nba_platform.simulator.teams import TEAMS

THROUGH = dt.date(2025, 11, 2)


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    root = tmp_path_factory.mktemp("league")
    summary = simulate(root, seed=9, played_through=THROUGH)
    pdfs = sorted((root / "nba_com" / "injury_report").rglob("*.pdf"))
    reports = [read_injury_report_pdf(p.read_bytes(), p.relative_to(root).as_posix()) for p in pdfs]
    return root, summary, pdfs, reports


def test_two_parsed_editions_per_game_day_through_tonight(landed):
    _, summary, pdfs, reports = landed
    days = [d for d in summary.game_dates if d <= THROUGH + dt.timedelta(days=1)]
    assert sorted({p.parent.name for p in pdfs}) == [d.isoformat() for d in days]
    assert sorted({p.name[11:] for p in pdfs}) == ["01PM.pdf", "05PM.pdf"]
    assert all(r.rejected.is_empty() for r in reports)
    frame = pl.concat([r.frame for r in reports])
    # Every game day has OUT players but opening night (nobody is hurt yet, nobody rests).
    assert set(frame["game_date"].unique()) == set(days[1:])
    assert (frame["status"] == "OUT").all()
    published = frame.group_by("edition").agg(pl.col("published_utc").first())
    local = {t.astimezone(ET).time() for _, t in published.iter_rows()}
    assert local == {dt.time(13, 30), dt.time(17, 30)}
    # The next day's games are listed as not yet submitted.
    teams = pl.concat([r.teams for r in reports])
    assert teams.filter(~pl.col("submitted")).height > 0
    assert teams.filter(~pl.col("submitted"))["game_date"].min() > min(days)


def test_late_scratches_only_in_the_later_edition_and_they_did_not_play(landed):
    _, _, _, reports = landed
    frame = pl.concat([r.frame for r in reports])
    early = frame.filter(pl.col("edition").str.ends_with("01PM")).select("game_date", "player_lookup")
    late = frame.filter(pl.col("edition").str.ends_with("05PM"))
    scratches = late.join(early, on=["game_date", "player_lookup"], how="anti")
    assert scratches.height > 10
    # Every late edition was published before the tips of the games it reports a late scratch for
    # (checked against the season itself below), and its rows never leak into the earlier edition.
    assert early.join(scratches.select("game_date", "player_lookup"), on=["game_date", "player_lookup"]).height == 0


def test_reports_match_the_games_as_played():
    league = new_league(np.random.default_rng([3, 0]), 30)
    season = simulate_season(np.random.default_rng([3, 2025]), league, 2025, 82)
    until = dt.date(2025, 10, 28)
    files = list(injury_report_files(season, league, until))
    frame = pl.concat([read_injury_report_pdf(body, rel).frame for rel, body in files])
    played = {
        (season.dates[tg // 2], TEAMS[season.tg_team[tg]].tricode, player_lookup(league.names[p]))
        for tg in range(len(season.tg_team))
        for slot, p in enumerate(season.players[tg].tolist())
        if p >= 0 and season.plays[tg, slot] and season.dates[tg // 2] <= until
    }
    listed = set(frame.select("game_date", "team_abbr", "player_lookup").iter_rows())
    assert len(listed) > 20 and not listed & played  # nobody reported OUT played
    # What only the later edition says (late scratches, rest) was published before the game's tip.
    tips = {}
    for g in range(len(season.game_ids)):
        for team in (season.home[g], season.away[g]):
            tips[(season.dates[g], TEAMS[team].tricode)] = season.tips_et[g]
    early = frame.filter(pl.col("edition").str.ends_with("01PM")).select("game_date", "player_lookup")
    late_only = frame.filter(pl.col("edition").str.ends_with("05PM")).join(early, on=["game_date", "player_lookup"], how="anti")
    assert late_only.height > 0
    for game_date, team, published in late_only.select("game_date", "team_abbr", "published_utc").iter_rows():
        assert published < tips[(game_date, team)]


def test_same_seed_same_bytes(tmp_path, landed):
    root, _, pdfs, _ = landed
    again = tmp_path / "again"
    simulate(again, seed=9, played_through=THROUGH)
    for p in pdfs[:6]:
        assert (again / p.relative_to(root)).read_bytes() == p.read_bytes()
