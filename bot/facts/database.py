"""Compile validated knowledge into SQLite with sqlite-utils, and read it back.

The database is a build artifact: it is written to a temporary file and atomically
moved into place, so a failed build leaves the previous database intact.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.facts.records import (
    Alias,
    Event,
    Fact,
    Group,
    KnowledgeBase,
    Place,
    Source,
    State,
    column_types,
    from_row,
    iso_or_none,
    to_row,
)
from bot.facts.validate import KnowledgeError, content_hash, load
from bot.textnorm import normalize

SCHEMA_VERSION = "2"
_COUNTED_TABLES = ("sources", "states", "aliases", "groups", "events", "facts", "places")
# A build takes well under a second; a temporary file this old was left by a killed one.
ORPHAN_AFTER_SECONDS = 60.0
_TEMP_SUFFIXES = (".tmp", ".tmp-journal", ".tmp-wal", ".tmp-shm")


class DatabaseError(Exception):
    """The database is missing, unreadable or from another schema."""


def _create_schema(db: sqlite_utils.Database) -> None:
    """Create every table and index of the database, empty."""
    db.table("sources").create(column_types(Source), pk="id")
    db.table("states").create(column_types(State), pk="iso3")
    db.table("state_sources").create(
        {"iso3": str, "source_id": str, "position": int},
        pk=("iso3", "source_id"),
        foreign_keys=[("iso3", "states", "iso3"), ("source_id", "sources", "id")],
    )
    db.table("aliases").create(
        {"id": int, **column_types(Alias), "norm": str}, pk="id", column_order=["id", "alias", "norm"]
    )
    db.table("alias_states").create(
        {"alias_id": int, "iso3": str, "position": int},
        pk=("alias_id", "iso3"),
        foreign_keys=[("alias_id", "aliases", "id"), ("iso3", "states", "iso3")],
    )
    db.table("groups").create(column_types(Group), pk="id", column_order=["id", "name", "kind"])
    db.table("group_members").create(
        {"group_id": str, "iso3": str, "position": int, "joined": str, "left": str},
        pk=("group_id", "iso3"),
        foreign_keys=[("group_id", "groups", "id"), ("iso3", "states", "iso3")],
    )
    db.table("group_sources").create(
        {"group_id": str, "source_id": str, "position": int},
        pk=("group_id", "source_id"),
        foreign_keys=[("group_id", "groups", "id"), ("source_id", "sources", "id")],
    )
    db.table("events").create(column_types(Event), pk="id", foreign_keys=[("iso3", "states", "iso3")])
    db.table("event_sources").create(
        {"event_id": str, "source_id": str, "position": int},
        pk=("event_id", "source_id"),
        foreign_keys=[("event_id", "events", "id"), ("source_id", "sources", "id")],
    )
    db.table("facts").create(
        column_types(Fact), pk="id", column_order=["id", "article", "title", "answer", "quote"]
    )
    db.table("fact_sources").create(
        {"fact_id": str, "source_id": str, "position": int},
        pk=("fact_id", "source_id"),
        foreign_keys=[("fact_id", "facts", "id"), ("source_id", "sources", "id")],
    )
    db.table("places").create(column_types(Place), pk="name")
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("states").create_index(["name"])
    db.table("aliases").create_index(["norm"])
    db.table("alias_states").create_index(["iso3"])
    db.table("group_members").create_index(["iso3"])
    db.table("events").create_index(["iso3", "date"])
    db.table("events").create_index(["date"])
    db.table("facts").create_index(["article"])


def _links(
    owner: str, target: str, lists: Iterable[tuple[object, tuple[str, ...]]]
) -> Iterator[dict[str, object]]:
    """Link-table rows ``{owner: key, target: value, "position": i}`` for each key's list of values."""
    for key, values in lists:
        for position, value in enumerate(values):
            yield {owner: key, target: value, "position": position}


def _member_rows(groups: Iterable[Group]) -> Iterator[dict[str, object]]:
    """The ``group_members`` rows: each member in order, with the day it joined or left, if any."""
    for g in groups:
        joined, left = dict(g.joined), dict(g.left)
        for position, member in enumerate(g.members):
            yield {
                "group_id": g.id,
                "iso3": member,
                "position": position,
                "joined": iso_or_none(joined.get(member)),
                "left": iso_or_none(left.get(member)),
            }


def _insert(db: sqlite_utils.Database, kb: KnowledgeBase) -> dict[str, int]:
    """Insert every record of ``kb``; return the row count of each record table."""
    states, groups, facts = kb.states.values(), kb.groups.values(), kb.facts.values()
    db.table("sources").insert_all(to_row(s) for s in kb.sources.values())
    db.table("states").insert_all(to_row(s) for s in states)
    db.table("state_sources").insert_all(_links("iso3", "source_id", ((s.iso3, s.sources) for s in states)))
    db.table("aliases").insert_all(
        {"id": i, **to_row(a), "norm": normalize(a.alias)} for i, a in enumerate(kb.aliases, start=1)
    )
    db.table("alias_states").insert_all(
        _links("alias_id", "iso3", ((i, a.iso3s) for i, a in enumerate(kb.aliases, start=1)))
    )
    db.table("groups").insert_all(to_row(g) for g in groups)
    db.table("group_members").insert_all(_member_rows(groups))
    db.table("group_sources").insert_all(_links("group_id", "source_id", ((g.id, g.sources) for g in groups)))
    db.table("events").insert_all(to_row(e) for e in kb.events)
    db.table("event_sources").insert_all(
        _links("event_id", "source_id", ((e.id, e.sources) for e in kb.events))
    )
    db.table("facts").insert_all(to_row(f) for f in facts)
    db.table("fact_sources").insert_all(_links("fact_id", "source_id", ((f.id, f.sources) for f in facts)))
    db.table("places").insert_all(to_row(p) for p in kb.places)
    return {name: db.table(name).count for name in _COUNTED_TABLES}


def write_database(kb: KnowledgeBase, db_path: Path) -> dict[str, str]:
    """Write ``kb`` to ``db_path`` through a temporary file and an atomic rename; return the meta rows."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            db = sqlite_utils.Database(conn)
            with db.atomic():
                _create_schema(db)
                counts = _insert(db, kb)
                built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
                meta = {
                    "schema_version": SCHEMA_VERSION,
                    "built_at": built_at,
                    "content_hash": kb.content_hash,
                    "reviewed": kb.reviewed.isoformat(),
                    "depositary_source": kb.depositary_source,
                    "treaty_source": kb.treaty_source,
                    "depositary_as_at": iso_or_none(kb.depositary_as_at) or "",
                    "row_counts": json.dumps(counts, sort_keys=True),
                }
                db.table("meta").insert_all({"key": k, "value": v} for k, v in meta.items())
        finally:
            conn.close()
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return meta


def build(knowledge_dir: Path, db_path: Path) -> dict[str, str]:
    """Validate ``knowledge_dir`` and compile it to ``db_path``; raise :class:`KnowledgeError` on problems."""
    kb = load(Path(knowledge_dir))
    return write_database(kb, Path(db_path))


def read_only_uri(db_path: Path) -> str:
    """A read-only SQLite URI for ``db_path``; ``#``, ``?`` and ``%`` in the path are escaped."""
    return Path(db_path).resolve().as_uri() + "?mode=ro"


def sweep_orphans(db_path: Path, *, older_than: float = ORPHAN_AFTER_SECONDS) -> list[Path]:
    """Delete temporary files a killed build left beside ``db_path``; return what was deleted."""
    db_path = Path(db_path)
    cutoff = time.time() - older_than
    swept: list[Path] = []
    try:
        candidates = list(db_path.parent.glob(f".{glob.escape(db_path.name)}.*"))
    except OSError:
        return swept
    for path in candidates:
        try:
            if path.name.endswith(_TEMP_SUFFIXES) and path.lstat().st_mtime < cutoff:
                path.unlink()
                swept.append(path)
        except OSError:
            continue
    return swept


def read_meta(db_path: Path) -> dict[str, str]:
    """The ``meta`` table of ``db_path``, or an empty dict when there is no usable database."""
    db_path = Path(db_path)
    if not db_path.exists():
        return {}
    try:
        conn = sqlite3.connect(read_only_uri(db_path), uri=True)
        try:
            return {row[0]: row[1] for row in conn.execute("select key, value from meta")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return {}


def ensure_database(knowledge_dir: Path, db_path: Path) -> bool:
    """Rebuild ``db_path`` when it is missing or stale by content hash; return whether it was rebuilt."""
    meta = read_meta(db_path)
    if (
        meta.get("content_hash") == content_hash(Path(knowledge_dir))
        and meta.get("schema_version") == SCHEMA_VERSION
    ):
        return False
    build(knowledge_dir, db_path)
    return True


def _linked(db: sqlite_utils.Database, table: str, key: str) -> dict[str, tuple[str, ...]]:
    """The sources of each record in a ``*_sources`` link table, in their order."""
    out: dict[str, list[str]] = {}
    for row in db.query(f"select {key}, source_id from {table} order by {key}, position"):
        out.setdefault(row[key], []).append(row["source_id"])
    return {k: tuple(v) for k, v in out.items()}


def _read_sources(db: sqlite_utils.Database) -> dict[str, Source]:
    """Every source by id."""
    return {r["id"]: from_row(Source, r) for r in db.table("sources").rows}


def _read_states(db: sqlite_utils.Database) -> dict[str, State]:
    """Every state by ISO code, in name order, with its sources."""
    sources = _linked(db, "state_sources", "iso3")
    return {
        r["iso3"]: from_row(State, {**r, "sources": sources.get(r["iso3"], ())})
        for r in db.table("states").rows_where(order_by="name")
    }


def _read_aliases(db: sqlite_utils.Database) -> list[Alias]:
    """Every alias in file order, with the states it names."""
    codes: dict[int, list[str]] = {}
    for r in db.query("select alias_id, iso3 from alias_states order by alias_id, position"):
        codes.setdefault(r["alias_id"], []).append(r["iso3"])
    return [
        from_row(Alias, {**r, "iso3s": tuple(codes.get(r["id"], []))})
        for r in db.table("aliases").rows_where(order_by="id")
    ]


@dataclass(slots=True)
class _Members:
    """The ``group_members`` table by group: members in order, and the days some joined or left."""

    members: dict[str, list[str]] = field(default_factory=dict)
    joined: dict[str, list[tuple[str, dt.date]]] = field(default_factory=dict)
    left: dict[str, list[tuple[str, dt.date]]] = field(default_factory=dict)

    def of(self, group_id: str) -> dict[str, tuple[Any, ...]]:
        """The ``members``, ``joined`` and ``left`` fields of one group."""
        return {
            "members": tuple(self.members.get(group_id, [])),
            "joined": tuple(self.joined.get(group_id, [])),
            "left": tuple(self.left.get(group_id, [])),
        }


def _read_members(db: sqlite_utils.Database) -> _Members:
    """The members of every group, and the days they joined or left."""
    out = _Members()
    for r in db.query("select * from group_members order by group_id, position"):
        out.members.setdefault(r["group_id"], []).append(r["iso3"])
        if r["joined"]:
            out.joined.setdefault(r["group_id"], []).append((r["iso3"], dt.date.fromisoformat(r["joined"])))
        if r["left"]:
            out.left.setdefault(r["group_id"], []).append((r["iso3"], dt.date.fromisoformat(r["left"])))
    return out


def _read_groups(db: sqlite_utils.Database) -> dict[str, Group]:
    """Every group by id, with its members and sources."""
    members = _read_members(db)
    sources = _linked(db, "group_sources", "group_id")
    return {
        r["id"]: from_row(Group, {**r, **members.of(r["id"]), "sources": sources.get(r["id"], ())})
        for r in db.table("groups").rows
    }


def _read_events(db: sqlite_utils.Database) -> list[Event]:
    """Every event in date order, with its sources."""
    sources = _linked(db, "event_sources", "event_id")
    return [
        from_row(Event, {**r, "sources": sources.get(r["id"], ())})
        for r in db.table("events").rows_where(order_by="date, id")
    ]


def _read_facts(db: sqlite_utils.Database) -> dict[str, Fact]:
    """Every fact by id, with its sources."""
    sources = _linked(db, "fact_sources", "fact_id")
    return {
        r["id"]: from_row(Fact, {**r, "sources": sources.get(r["id"], ())}) for r in db.table("facts").rows
    }


def _read_meta_table(db: sqlite_utils.Database, db_path: Path) -> dict[str, str]:
    """The ``meta`` table; raise :class:`DatabaseError` when it is from another schema."""
    meta = {r["key"]: r["value"] for r in db.table("meta").rows}
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise DatabaseError(f"{db_path} has schema {meta.get('schema_version')!r}; rebuild it")
    return meta


def _read_records(db: sqlite_utils.Database, meta: dict[str, str]) -> KnowledgeBase:
    """Every record of the database, with the build's meta rows."""
    return KnowledgeBase(
        reviewed=dt.date.fromisoformat(meta["reviewed"]),
        depositary_source=meta["depositary_source"],
        treaty_source=meta["treaty_source"],
        states=_read_states(db),
        aliases=_read_aliases(db),
        groups=_read_groups(db),
        events=_read_events(db),
        facts=_read_facts(db),
        sources=_read_sources(db),
        places=[from_row(Place, r) for r in db.table("places").rows],
        content_hash=meta["content_hash"],
        built_at=meta["built_at"],
        depositary_as_at=dt.date.fromisoformat(meta["depositary_as_at"])
        if meta.get("depositary_as_at")
        else None,
    )


def read_knowledge(db_path: Path) -> KnowledgeBase:
    """Load every record from the SQLite database at ``db_path``."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise DatabaseError(f"no database at {db_path}; run `python -m bot build`")
    conn = sqlite3.connect(read_only_uri(db_path), uri=True)
    try:
        db = sqlite_utils.Database(conn)
        return _read_records(db, _read_meta_table(db, db_path))
    finally:
        conn.close()


__all__ = [
    "DatabaseError",
    "KnowledgeError",
    "build",
    "ensure_database",
    "read_knowledge",
    "read_meta",
    "read_only_uri",
    "sweep_orphans",
    "write_database",
]
