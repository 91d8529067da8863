"""One schema for records: columns, rows and records back, from the record dataclasses."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils
from support.cli import KNOWLEDGE

from bot.facts.records import Event, Fact, Group, Place, Source, State, column_types, from_row, to_row
from bot.facts.validate import load

STATE = State(
    iso3="POL",
    name="Poland",
    un_member=True,
    signed=dt.date(1997, 12, 4),
    consent_deposited=dt.date(2012, 12, 27),
    consent_method="ratification",
    entry_into_force=dt.date(2013, 6, 1),
    withdrawal_notified=None,
    withdrawal_effective=None,
    sources=("untc-xxvi-5",),
    locator="participant list",
    confidence="high",
    note="",
)


def test_columns_follow_the_fields_without_link_tables() -> None:
    assert list(column_types(State)) == [
        "iso3",
        "name",
        "un_member",
        "signed",
        "consent_deposited",
        "consent_method",
        "entry_into_force",
        "withdrawal_notified",
        "withdrawal_effective",
        "locator",
        "confidence",
        "note",
        "article",
        "curator_note",
    ]
    assert column_types(State)["un_member"] is int
    assert column_types(Fact)["article"] is int
    assert set(column_types(Group)) == {"id", "name", "kind", "aliases", "note", "short", "curator_note"}
    assert column_types(Place) == {"name": str, "kind": str, "parent": str, "note": str}


def test_to_row_converts_dates_flags_and_word_lists() -> None:
    row = to_row(STATE)
    assert row["signed"] == "1997-12-04"
    assert row["withdrawal_notified"] is None
    assert row["un_member"] == 1
    assert "sources" not in row
    fact = Fact(id="f", title="T", answer="A", sources=("s",), locator="", questions=("why?", "how?"))
    assert to_row(fact)["questions"] == '["why?", "how?"]'
    assert to_row(fact)["keywords"] == "[]"
    supported = Fact(id="f", title="T", answer="A", sources=("s",), locator="", support=(("s", "B."),))
    assert to_row(supported)["support"] == '[["s", "B."]]'
    assert from_row(Fact, {**to_row(supported), "sources": ("s",)}) == supported
    assert supported.supported_by("s") == "B." and supported.supported_by("t") == ""


def test_from_row_is_the_inverse_with_link_fields_supplied() -> None:
    assert from_row(State, {**to_row(STATE), "sources": STATE.sources}) == STATE
    source = Source(
        id="s", title="T", publisher="P", date=None, url="https://x", accessed=dt.date(2026, 1, 2)
    )
    assert from_row(Source, to_row(source)) == source


def test_empty_columns_read_as_defaults() -> None:
    row = {**to_row(STATE), "locator": None, "note": None, "article": None, "sources": ()}
    state = from_row(State, row)
    assert (state.locator, state.note, state.article, state.sources) == ("", "", "", ())
    group = from_row(
        Group, {"id": "g", "name": "G", "aliases": "[]", "note": None, "kind": None, "short": None}
    )
    assert (group.kind, group.note, group.members, group.joined) == ("other", "", (), ())
    event = from_row(
        Event,
        {"id": "e", "date": "2020-01-02", "iso3": None, "kind": "other", "snippet": "s"}
        | {"locator": None, "confidence": None},
    )
    assert event.date == dt.date(2020, 1, 2) and event.iso3 is None and event.sources == ()


@pytest.mark.parametrize(
    ("table", "record"), [("states", State), ("sources", Source), ("places", Place), ("events", Event)]
)
def test_tables_hold_exactly_the_record_columns(built_db: Path, table: str, record: type) -> None:
    db = sqlite_utils.Database(built_db)
    assert list(db.table(table).columns_dict) == list(column_types(record))


def test_every_record_survives_a_row_round_trip() -> None:
    kb = load(KNOWLEDGE)
    records = [*kb.states.values(), *kb.sources.values(), *kb.places, *kb.events, *kb.facts.values()]
    records += list(kb.groups.values())
    for record in records:
        linked = {
            f.name: getattr(record, f.name)
            for f in dataclasses.fields(record)
            if not f.metadata.get("column", True)
        }
        assert from_row(type(record), {**to_row(record), **linked}) == record
