"""The SQLite build: schema, meta, atomic replacement and rebuilds by content hash."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from support.cli import KNOWLEDGE

from bot.facts.database import build, ensure_database, read_knowledge, read_meta
from bot.facts.validate import KnowledgeError, content_hash


def test_tables_keys_and_meta(built_db: Path) -> None:
    db = sqlite_utils.Database(built_db)
    tables = set(db.table_names())
    assert {"states", "aliases", "groups", "events", "facts", "sources", "meta"} <= tables
    assert db["states"].pks == ["iso3"]
    fks = {(fk.column, fk.other_table) for fk in db["state_sources"].foreign_keys}
    assert fks == {("iso3", "states"), ("source_id", "sources")}
    assert any(index.columns == ["norm"] for index in db["aliases"].indexes)
    meta = {row["key"]: row["value"] for row in db["meta"].rows}
    assert meta["content_hash"] == content_hash(KNOWLEDGE)
    counts = json.loads(meta["row_counts"])
    assert counts["states"] == 197
    assert counts["events"] == db["events"].count
    assert "T" in meta["built_at"]
    assert "status" not in db["states"].columns_dict


def test_foreign_keys_hold(built_db: Path) -> None:
    conn = sqlite3.connect(built_db)
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    conn.close()


def test_records_round_trip(built_db: Path) -> None:
    from bot.facts.validate import load

    original = load(KNOWLEDGE)
    loaded = read_knowledge(built_db)
    assert loaded.states == original.states
    assert loaded.facts == original.facts
    assert loaded.groups == original.groups
    assert sorted(loaded.events, key=lambda e: e.id) == sorted(original.events, key=lambda e: e.id)


def test_failed_build_leaves_previous_database_intact(knowledge_copy: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "facts.sqlite3"
    build(knowledge_copy, db_path)
    before = read_meta(db_path)
    states_csv = knowledge_copy / "states.csv"
    states_csv.write_text(
        states_csv.read_text(encoding="utf-8").replace("FRA,France,", "DEU,France,"), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as error:
        build(knowledge_copy, db_path)
    assert any("duplicate ISO code" in p for p in error.value.problems)
    assert read_meta(db_path) == before
    assert len(read_knowledge(db_path).states) == 197
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_ensure_database_rebuilds_when_stale(knowledge_copy: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "facts.sqlite3"
    assert ensure_database(knowledge_copy, db_path) is True
    assert ensure_database(knowledge_copy, db_path) is False
    facts = knowledge_copy / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("in equal shares", "jointly"), encoding="utf-8"
    )
    assert ensure_database(knowledge_copy, db_path) is True
    assert "jointly" in read_knowledge(db_path).facts["nobel"].answer
