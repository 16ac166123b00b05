"""Every field of every export schema has a description, and the data dictionary's export section is
generated from them (one source of truth): a changed description makes the checked-in file stale."""

from __future__ import annotations

import json
import shutil

import pytest

from nba_platform.publishing.validation import KINDS
from nba_platform.tables import dictionary
from nba_platform.tables.dictionary import DEFAULT_PATH, SchemaDescriptionError, render

CONDITIONS = ("if", "then", "else", "not")  # constraints, not fields


def undescribed(node, path=""):
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties":
                for name, sub in value.items():
                    if not sub.get("description"):
                        out.append(f"{path}/{name}")
                    out += undescribed(sub, f"{path}/{name}")
            elif key not in CONDITIONS:
                out += undescribed(value, path)
    elif isinstance(node, list):
        for item in node:
            out += undescribed(item, path)
    return out


@pytest.fixture
def schemas_copy(tmp_path, monkeypatch):
    folder = tmp_path / "schemas"
    shutil.copytree(dictionary.SCHEMAS_DIR, folder)
    monkeypatch.setattr(dictionary, "SCHEMAS_DIR", folder)
    dictionary.export_schemas.cache_clear()
    yield folder
    dictionary.export_schemas.cache_clear()


def test_every_field_of_every_export_schema_has_a_description():
    schemas = dictionary.export_schemas()
    assert set(schemas) == {"common", *KINDS}  # the dictionary reads the files validation uses
    missing = {kind: undescribed(schema) for kind, schema in schemas.items()}
    assert {k: v for k, v in missing.items() if v} == {}
    assert undescribed({"properties": {"a": {"type": "string"}, "b": {"description": "b"}}}) == ["/a"]  # the walker finds gaps


def test_export_section_is_generated_from_the_schemas():
    text = DEFAULT_PATH.read_text()
    assert render(text) == text, "run `python -m nba_platform.tables.dictionary`"
    for kind in ("common", *KINDS):
        assert f"<!-- generated: export.{kind} -->" in text
    assert (
        "| `picks[].break_even` | number | the win probability at which the price breaks even (-110: 0.5238) |" in text
    )
    assert "| `games[].players[].context.days_rest` | integer >= 0 or null | days since his previous game |" in text
    assert "| `by_system` | array of [outcome_summary](#outcome_summary) | the same summary for every system |" in text
    assert "#### outcome_summary" in text


def test_a_changed_description_makes_the_dictionary_stale(schemas_copy):
    text = DEFAULT_PATH.read_text()
    path = schemas_copy / "best_bets.schema.json"
    schema = json.loads(path.read_text())
    schema["$defs"]["pick"]["properties"]["rank"]["description"] = "1 = the very best pick"
    path.write_text(json.dumps(schema))
    rendered = render(text)
    assert rendered != text and "| `picks[].rank` | integer | 1 = the very best pick |" in rendered


def test_a_field_without_a_description_is_refused_by_name(schemas_copy):
    path = schemas_copy / "tonight.schema.json"
    schema = json.loads(path.read_text())
    del schema["$defs"]["player"]["properties"]["context"]["properties"]["days_rest"]["description"]
    path.write_text(json.dumps(schema))
    with pytest.raises(SchemaDescriptionError, match=r"tonight.schema.json: field games\[\].players\[\].context.days_rest has no description"):
        render(DEFAULT_PATH.read_text())
