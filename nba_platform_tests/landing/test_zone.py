"""The landing zone: atomic writes, kept versions, quarantine, layout classification."""

from __future__ import annotations

import datetime as dt

from nba_platform.landing import zone as lz


def test_write_is_idempotent_and_keeps_old_versions(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    rel = lz.player_boxscores_path("2024-11-01")
    assert zone.write(rel, b"v1") is True
    assert zone.write(rel, b"v1") is False  # same bytes: nothing to do
    assert zone.write(rel, b"v2") is True
    assert zone.read_bytes(rel) == b"v2"
    versions = list((tmp_path / "_versions").rglob("leaguegamelog.json.*"))
    assert [v.read_bytes() for v in versions] == [b"v1"]
    assert zone.list() == [rel]  # kept versions are not landed files
    assert not list(tmp_path.rglob("*.tmp"))


def test_quarantine_copies_file_with_reason(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    rel = lz.team_boxscores_path("2024-11-02")
    zone.write(rel, b"<html>")
    dest = zone.quarantine(rel, "not valid JSON")
    assert (tmp_path / dest).read_bytes() == b"<html>"
    assert (tmp_path / (dest + ".reason.txt")).read_text() == "not valid JSON"
    assert zone.exists(rel)  # the original stays for the record


def test_classify_layout():
    snap = dt.datetime(2025, 10, 22, 17, tzinfo=dt.UTC)
    assert lz.classify(lz.odds_player_points_path("2025-10-22", "abc", snap)) == lz.LandedFile(
        "odds_api/player_points/2025-10-22/abc/20251022T170000Z.json", "odds_player_points", "2025-10-22"
    )
    assert lz.classify(lz.schedule_path("2024-25")).kind == "schedule"
    assert lz.classify("_quarantine/nba_stats/player_boxscores/2024-11-01/leaguegamelog.json") is None
    assert lz.classify("nba_stats/player_boxscores/notadate/leaguegamelog.json") is None
