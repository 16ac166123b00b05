"""The bench reuses the scaling part's parsed raw frames only while the raw parsers' source is unchanged."""

from bench import run


def test_parsers_digest_follows_the_raw_parsers_source(tmp_path, monkeypatch):
    raw = tmp_path / "nba_platform" / "raw"
    raw.mkdir(parents=True)
    (raw / "odds_api.py").write_text("ROWS = 1\n")
    monkeypatch.setattr(run, "ROOT", tmp_path)
    first = run._parsers_digest()
    assert run._parsers_digest() == first
    (raw / "odds_api.py").write_text("ROWS = 2\n")
    changed = run._parsers_digest()
    assert changed != first
    (raw / "validation.py").write_text("")
    assert run._parsers_digest() != changed
