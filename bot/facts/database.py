"""Compile validated knowledge into SQLite with sqlite-utils, and read it back.

The database is a build artifact: it is written to a temporary file and atomically
moved into place, so a failed build leaves the previous database intact.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
from pathlib import Path

import sqlite_utils

from bot.facts.records import Alias, Event, Fact, Group, KnowledgeBase, Place, Source, State
from bot.facts.validate import KnowledgeError, content_hash, load
from bot.textnorm import normalize

SCHEMA_VERSION = "1"


class DatabaseError(Exception):
    """The database is missing, unreadable or from another schema."""


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _create_schema(db: sqlite_utils.Database) -> None:
    db["sources"].create(
        {"id": str, "title": str, "publisher": str, "date": str, "url": str, "accessed": str}, pk="id"
    )
    db["states"].create(
        {
            "iso3": str,
            "name": str,
            "un_member": int,
            "signed": str,
            "consent_deposited": str,
            "consent_method": str,
            "entry_into_force": str,
            "withdrawal_notified": str,
            "withdrawal_effective": str,
            "locator": str,
            "confidence": str,
            "note": str,
            "article": str,
        },
        pk="iso3",
    )
    db["state_sources"].create(
        {"iso3": str, "source_id": str, "position": int},
        pk=("iso3", "source_id"),
        foreign_keys=[("iso3", "states", "iso3"), ("source_id", "sources", "id")],
    )
    db["aliases"].create({"id": int, "alias": str, "norm": str, "kind": str, "context": str}, pk="id")
    db["alias_states"].create(
        {"alias_id": int, "iso3": str, "position": int},
        pk=("alias_id", "iso3"),
        foreign_keys=[("alias_id", "aliases", "id"), ("iso3", "states", "iso3")],
    )
    db["groups"].create({"id": str, "name": str, "kind": str, "aliases": str, "note": str}, pk="id")
    db["group_members"].create(
        {"group_id": str, "iso3": str, "position": int, "joined": str, "left": str},
        pk=("group_id", "iso3"),
        foreign_keys=[("group_id", "groups", "id"), ("iso3", "states", "iso3")],
    )
    db["group_sources"].create(
        {"group_id": str, "source_id": str, "position": int},
        pk=("group_id", "source_id"),
        foreign_keys=[("group_id", "groups", "id"), ("source_id", "sources", "id")],
    )
    db["events"].create(
        {
            "id": str,
            "date": str,
            "iso3": str,
            "kind": str,
            "snippet": str,
            "locator": str,
            "confidence": str,
        },
        pk="id",
        foreign_keys=[("iso3", "states", "iso3")],
    )
    db["event_sources"].create(
        {"event_id": str, "source_id": str, "position": int},
        pk=("event_id", "source_id"),
        foreign_keys=[("event_id", "events", "id"), ("source_id", "sources", "id")],
    )
    db["facts"].create(
        {
            "id": str,
            "article": int,
            "title": str,
            "answer": str,
            "quote": str,
            "locator": str,
            "questions": str,
            "keywords": str,
        },
        pk="id",
    )
    db["fact_sources"].create(
        {"fact_id": str, "source_id": str, "position": int},
        pk=("fact_id", "source_id"),
        foreign_keys=[("fact_id", "facts", "id"), ("source_id", "sources", "id")],
    )
    db["places"].create({"name": str, "kind": str, "parent": str, "note": str}, pk="name")
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["states"].create_index(["name"])
    db["aliases"].create_index(["norm"])
    db["alias_states"].create_index(["iso3"])
    db["group_members"].create_index(["iso3"])
    db["events"].create_index(["iso3", "date"])
    db["events"].create_index(["date"])
    db["facts"].create_index(["article"])


def _insert(db: sqlite_utils.Database, kb: KnowledgeBase) -> dict[str, int]:
    db["sources"].insert_all(
        {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "date": _iso(s.date),
            "url": s.url,
            "accessed": _iso(s.accessed),
        }
        for s in kb.sources.values()
    )
    db["states"].insert_all(
        {
            "iso3": s.iso3,
            "name": s.name,
            "un_member": int(s.un_member),
            "signed": _iso(s.signed),
            "consent_deposited": _iso(s.consent_deposited),
            "consent_method": s.consent_method,
            "entry_into_force": _iso(s.entry_into_force),
            "withdrawal_notified": _iso(s.withdrawal_notified),
            "withdrawal_effective": _iso(s.withdrawal_effective),
            "locator": s.locator,
            "confidence": s.confidence,
            "note": s.note,
            "article": s.article,
        }
        for s in kb.states.values()
    )
    db["state_sources"].insert_all(
        {"iso3": s.iso3, "source_id": src, "position": i}
        for s in kb.states.values()
        for i, src in enumerate(s.sources)
    )
    db["aliases"].insert_all(
        {"id": i, "alias": a.alias, "norm": normalize(a.alias), "kind": a.kind, "context": a.context}
        for i, a in enumerate(kb.aliases, start=1)
    )
    db["alias_states"].insert_all(
        {"alias_id": i, "iso3": code, "position": p}
        for i, a in enumerate(kb.aliases, start=1)
        for p, code in enumerate(a.iso3s)
    )
    db["groups"].insert_all(
        {"id": g.id, "name": g.name, "kind": g.kind, "aliases": json.dumps(list(g.aliases)), "note": g.note}
        for g in kb.groups.values()
    )
    db["group_members"].insert_all(
        {
            "group_id": g.id,
            "iso3": m,
            "position": i,
            "joined": _iso(dict(g.joined).get(m)),
            "left": _iso(dict(g.left).get(m)),
        }
        for g in kb.groups.values()
        for i, m in enumerate(g.members)
    )
    db["group_sources"].insert_all(
        {"group_id": g.id, "source_id": s, "position": i}
        for g in kb.groups.values()
        for i, s in enumerate(g.sources)
    )
    db["events"].insert_all(
        {
            "id": e.id,
            "date": _iso(e.date),
            "iso3": e.iso3,
            "kind": e.kind,
            "snippet": e.snippet,
            "locator": e.locator,
            "confidence": e.confidence,
        }
        for e in kb.events
    )
    db["event_sources"].insert_all(
        {"event_id": e.id, "source_id": s, "position": i} for e in kb.events for i, s in enumerate(e.sources)
    )
    db["facts"].insert_all(
        {
            "id": f.id,
            "article": f.article,
            "title": f.title,
            "answer": f.answer,
            "quote": f.quote,
            "locator": f.locator,
            "questions": json.dumps(list(f.questions)),
            "keywords": json.dumps(list(f.keywords)),
        }
        for f in kb.facts.values()
    )
    db["fact_sources"].insert_all(
        {"fact_id": f.id, "source_id": s, "position": i}
        for f in kb.facts.values()
        for i, s in enumerate(f.sources)
    )
    db["places"].insert_all(
        {"name": p.name, "kind": p.kind, "parent": p.parent, "note": p.note} for p in kb.places
    )
    return {
        name: db[name].count
        for name in ("sources", "states", "aliases", "groups", "events", "facts", "places")
    }


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
                    "row_counts": json.dumps(counts, sort_keys=True),
                }
                db["meta"].insert_all({"key": k, "value": v} for k, v in meta.items())
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


def read_meta(db_path: Path) -> dict[str, str]:
    """The ``meta`` table of ``db_path``, or an empty dict when there is no usable database."""
    db_path = Path(db_path)
    if not db_path.exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
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


def read_knowledge(db_path: Path) -> KnowledgeBase:
    """Load every record from the SQLite database at ``db_path``."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise DatabaseError(f"no database at {db_path}; run `python -m bot build`")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        db = sqlite_utils.Database(conn)
        meta = {r["key"]: r["value"] for r in db["meta"].rows}
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise DatabaseError(f"{db_path} has schema {meta.get('schema_version')!r}; rebuild it")

        def linked(table: str, key: str) -> dict[str, tuple[str, ...]]:
            out: dict[str, list[str]] = {}
            for row in db.query(f"select {key}, source_id from {table} order by {key}, position"):
                out.setdefault(row[key], []).append(row["source_id"])
            return {k: tuple(v) for k, v in out.items()}

        sources = {
            r["id"]: Source(
                id=r["id"],
                title=r["title"],
                publisher=r["publisher"],
                date=_date(r["date"]),
                url=r["url"],
                accessed=_date(r["accessed"]) or dt.date.min,
            )
            for r in db["sources"].rows
        }
        state_sources = linked("state_sources", "iso3")
        states = {
            r["iso3"]: State(
                iso3=r["iso3"],
                name=r["name"],
                un_member=bool(r["un_member"]),
                signed=_date(r["signed"]),
                consent_deposited=_date(r["consent_deposited"]),
                consent_method=r["consent_method"],
                entry_into_force=_date(r["entry_into_force"]),
                withdrawal_notified=_date(r["withdrawal_notified"]),
                withdrawal_effective=_date(r["withdrawal_effective"]),
                sources=state_sources.get(r["iso3"], ()),
                locator=r["locator"] or "",
                confidence=r["confidence"] or "",
                note=r["note"] or "",
                article=r["article"] or "",
            )
            for r in db["states"].rows_where(order_by="name")
        }
        alias_codes: dict[int, list[str]] = {}
        for r in db.query("select alias_id, iso3 from alias_states order by alias_id, position"):
            alias_codes.setdefault(r["alias_id"], []).append(r["iso3"])
        aliases = [
            Alias(
                alias=r["alias"],
                iso3s=tuple(alias_codes.get(r["id"], [])),
                kind=r["kind"],
                context=r["context"] or "",
            )
            for r in db["aliases"].rows_where(order_by="id")
        ]
        members: dict[str, list[str]] = {}
        joined: dict[str, list[tuple[str, dt.date]]] = {}
        left: dict[str, list[tuple[str, dt.date]]] = {}
        for r in db.query("select * from group_members order by group_id, position"):
            members.setdefault(r["group_id"], []).append(r["iso3"])
            if r["joined"]:
                joined.setdefault(r["group_id"], []).append((r["iso3"], dt.date.fromisoformat(r["joined"])))
            if r["left"]:
                left.setdefault(r["group_id"], []).append((r["iso3"], dt.date.fromisoformat(r["left"])))
        group_sources = linked("group_sources", "group_id")
        groups = {
            r["id"]: Group(
                id=r["id"],
                name=r["name"],
                aliases=tuple(json.loads(r["aliases"])),
                members=tuple(members.get(r["id"], [])),
                sources=group_sources.get(r["id"], ()),
                note=r["note"] or "",
                kind=r["kind"] or "other",
                joined=tuple(joined.get(r["id"], [])),
                left=tuple(left.get(r["id"], [])),
            )
            for r in db["groups"].rows
        }
        event_sources = linked("event_sources", "event_id")
        events = [
            Event(
                id=r["id"],
                date=dt.date.fromisoformat(r["date"]),
                iso3=r["iso3"],
                kind=r["kind"],
                snippet=r["snippet"],
                sources=event_sources.get(r["id"], ()),
                locator=r["locator"] or "",
                confidence=r["confidence"] or "",
            )
            for r in db["events"].rows_where(order_by="date, id")
        ]
        fact_sources = linked("fact_sources", "fact_id")
        facts = {
            r["id"]: Fact(
                id=r["id"],
                title=r["title"],
                answer=r["answer"],
                sources=fact_sources.get(r["id"], ()),
                locator=r["locator"] or "",
                article=r["article"],
                quote=r["quote"] or "",
                questions=tuple(json.loads(r["questions"])),
                keywords=tuple(json.loads(r["keywords"])),
            )
            for r in db["facts"].rows
        }
        places = [
            Place(name=r["name"], kind=r["kind"], parent=r["parent"], note=r["note"] or "")
            for r in db["places"].rows
        ]
    finally:
        conn.close()
    return KnowledgeBase(
        reviewed=dt.date.fromisoformat(meta["reviewed"]),
        depositary_source=meta["depositary_source"],
        treaty_source=meta["treaty_source"],
        states=states,
        aliases=aliases,
        groups=groups,
        events=events,
        facts=facts,
        sources=sources,
        places=places,
        content_hash=meta["content_hash"],
        built_at=meta["built_at"],
    )


__all__ = [
    "DatabaseError",
    "KnowledgeError",
    "build",
    "ensure_database",
    "read_knowledge",
    "read_meta",
    "write_database",
]
