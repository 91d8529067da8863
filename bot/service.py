"""The fact base in service: the current engine, atomic reloads, and the reload audit log."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import logging
import os
import socket
import sqlite3
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.engine import Engine
from bot.facts.database import ensure_database, read_knowledge, read_meta, sweep_orphans, write_database
from bot.facts.records import Event, Fact, KnowledgeBase, Source, State
from bot.facts.validate import KnowledgeError, validate

MAX_LISTED_PROBLEMS = 10
STAMP_POLL_SECONDS = 2.0
PROCESS = f"process {socket.gethostname()}:{os.getpid()}"
log = logging.getLogger("bot.service")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class AuditUnavailable(Exception):
    """The audit log cannot be opened, read or written."""


@dataclass(slots=True)
class ReloadResult:
    """What a reload did: success, the changes, or the validation problems."""

    ok: bool
    hash_before: str
    hash_after: str
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    duration_ms: float = 0.0
    audited: bool = True

    def summary(self) -> str:
        """A short human-readable summary (problems capped at 10 plus a count)."""
        text = self._outcome()
        if not self.audited:
            text += "\nThe audit log could not be written, so this reload is not recorded there."
        return text

    def _outcome(self) -> str:
        if not self.ok:
            shown = self.problems[:MAX_LISTED_PROBLEMS]
            text = "Reload failed; the previous fact base stays in service.\n" + "\n".join(
                f"• {p}" for p in shown
            )
            if len(self.problems) > len(shown):
                text += f"\n…and {len(self.problems) - len(shown)} more problem(s)."
            return text
        if self.hash_before == self.hash_after:
            return "Reloaded: no changes."
        head = f"Reloaded in {self.duration_ms:.0f} ms ({self.hash_before[:12]} → {self.hash_after[:12]})."
        return head + ("\n" + "\n".join(f"• {c}" for c in self.changes) if self.changes else "")


def diff_knowledge(old: KnowledgeBase, new: KnowledgeBase) -> list[str]:
    """What changed between two fact bases: states by name and field, events, facts and sources."""
    return [
        *_state_changes(old.states, new.states),
        *_event_changes(old.events, new.events),
        *_fact_changes(old.facts, new.facts),
        *_source_changes(old.sources, new.sources),
        *(["aliases changed"] if new.aliases != old.aliases else []),
        *(["groups changed"] if new.groups != old.groups else []),
    ]


def _state_changes(old: dict[str, State], new: dict[str, State]) -> list[str]:
    """States added, states whose fields changed (named), then states removed."""
    changes: list[str] = []
    for iso3, state in new.items():
        before = old.get(iso3)
        if before is None:
            changes.append(f"state added: {state.name}")
            continue
        changed = [f.name for f in fields(state) if getattr(state, f.name) != getattr(before, f.name)]
        if changed:
            changes.append(f"{state.name}: {', '.join(changed)} changed")
    return changes + [f"state removed: {s.name}" for iso3, s in old.items() if iso3 not in new]


def _event_changes(old: list[Event], new: list[Event]) -> list[str]:
    """Events added and removed by id, then events whose record changed."""
    old_by_id = {e.id: e for e in reversed(old)}  # the first event of each id, as listed
    old_ids, new_ids = set(old_by_id), {e.id for e in new}
    return [
        *(f"event added: {e}" for e in sorted(new_ids - old_ids)),
        *(f"event removed: {e}" for e in sorted(old_ids - new_ids)),
        *(f"event changed: {e.id}" for e in new if e.id in old_by_id and e != old_by_id[e.id]),
    ]


def _fact_changes(old: dict[str, Fact], new: dict[str, Fact]) -> list[str]:
    """Facts added, removed or changed, in id order."""
    changes: list[str] = []
    for fid in sorted(set(new) | set(old)):
        if fid not in old:
            changes.append(f"fact added: {fid}")
        elif fid not in new:
            changes.append(f"fact removed: {fid}")
        elif new[fid] != old[fid]:
            changes.append(f"fact changed: {fid}")
    return changes


def _source_changes(old: dict[str, Source], new: dict[str, Source]) -> list[str]:
    """Sources added, then sources removed, by id."""
    return [
        *(f"source added: {s}" for s in sorted(set(new) - set(old))),
        *(f"source removed: {s}" for s in sorted(set(old) - set(new))),
    ]


class AuditLog:
    """Every reload, successful or not: who, when, result, content hash before and after."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._db().close()
        except AuditUnavailable as exc:  # the bot still answers; /about and /reload say so
            log.error("%s", exc)

    def _db(self) -> _Connection:
        """An open connection with the ``reloads`` table; :class:`AuditUnavailable` when impossible."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = _Connection(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise AuditUnavailable(f"the audit log {self.path.name} cannot be opened: {exc}") from exc
        try:
            db = sqlite_utils.Database(connection.conn)
            if "reloads" not in db.table_names():
                db.table("reloads").create(
                    {
                        "id": int,
                        "at": str,
                        "user_id": str,
                        "user_name": str,
                        "ok": int,
                        "hash_before": str,
                        "hash_after": str,
                        "detail": str,
                    },
                    pk="id",
                )
        except (OSError, sqlite3.Error) as exc:
            connection.close()
            raise AuditUnavailable(f"the audit log {self.path.name} cannot be used: {exc}") from exc
        return connection

    def record(self, *, user_id: str, user_name: str, result: ReloadResult) -> None:
        """Append one reload to the log; :class:`AuditUnavailable` when it cannot be written."""
        try:
            self._write(user_id=user_id, user_name=user_name, result=result)
        except (OSError, sqlite3.Error) as exc:
            raise AuditUnavailable(f"the audit log {self.path.name} cannot be written: {exc}") from exc

    def _write(self, *, user_id: str, user_name: str, result: ReloadResult) -> None:
        with self._db() as db:
            db.table("reloads").insert(
                {
                    "at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                    "user_id": user_id,
                    "user_name": user_name,
                    "ok": int(result.ok),
                    "hash_before": result.hash_before,
                    "hash_after": result.hash_after,
                    "detail": "\n".join(result.problems or result.changes)[:4000],
                }
            )

    def last(self) -> dict[str, object] | None:
        """The most recent reload, or None; :class:`AuditUnavailable` when the log cannot be read."""
        try:
            with self._db() as db:
                rows = list(db.table("reloads").rows_where(order_by="id desc", limit=1))
        except (OSError, sqlite3.Error) as exc:
            raise AuditUnavailable(f"the audit log {self.path.name} cannot be read: {exc}") from exc
        return rows[0] if rows else None


class _Connection:
    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)

    def __enter__(self) -> sqlite_utils.Database:
        return sqlite_utils.Database(self.conn)

    def __exit__(self, *exc: object) -> None:
        try:
            self.conn.commit()
        finally:
            self.conn.close()

    def close(self) -> None:
        self.conn.close()


def load_engine(db_path: Path, **options: Any) -> Engine:
    """An engine over the facts in a built SQLite database."""
    return Engine(read_knowledge(db_path), **options)


class FactStore:
    """Holds the engine that answers questions, and swaps in a new one atomically on reload."""

    def __init__(self, *, knowledge_dir: Path, database: Path, audit_path: Path | None = None) -> None:
        self.knowledge_dir = Path(knowledge_dir)
        self.database = Path(database)
        for orphan in sweep_orphans(self.database):
            log.info("deleted %s, left by an interrupted build", orphan.name)
        self.start_problems = self._ensure()
        self.engine = Engine(read_knowledge(self.database))
        # The fact base is long-lived: keep it out of the collector's full passes, which would
        # otherwise stall the event loop while a reload's worker thread holds the GIL.
        gc.freeze()
        self.audit = AuditLog(audit_path or self.database.with_name("audit.sqlite3"))
        self._lock = asyncio.Lock()

    def _ensure(self) -> list[str]:
        """Build the database when stale; with broken files and a good earlier build, serve that build.
        A rebuild leaves a reload stamp, so other processes sharing the database follow it."""
        try:
            if ensure_database(self.knowledge_dir, self.database):
                self._write_stamp(read_meta(self.database).get("content_hash", ""))
        except KnowledgeError as exc:
            if not read_meta(self.database).get("content_hash"):
                raise
            log.error(
                "the knowledge files have %d problem(s); serving the last good build until they are fixed:\n%s",
                len(exc.problems),
                "\n".join(exc.problems[:MAX_LISTED_PROBLEMS]),
            )
            return exc.problems
        return []

    @property
    def kb(self) -> KnowledgeBase:
        return self.engine.kb

    async def reload(self, *, user_id: str = "", user_name: str = "") -> ReloadResult:
        """Re-read, validate, rebuild and swap in the fact base; reloads run one after the other."""
        async with self._lock:
            before = self.engine.kb.content_hash
            result = ReloadResult(
                False, before, before, problems=["the reload stopped with an internal error"]
            )
            try:
                result = await asyncio.to_thread(self._rebuild)
                if result.ok and isinstance(result, _Rebuilt) and result.engine is not None:
                    self.engine = result.engine
                    gc.freeze()
                    await asyncio.to_thread(self._write_stamp, result.hash_after)
            finally:  # every reload is audited, whatever happened
                await asyncio.to_thread(self._audit, result, user_id=user_id, user_name=user_name)
            return result

    # -- several processes, one reload: the reloading process leaves a stamp, the others follow it
    @property
    def stamp_path(self) -> Path:
        """The reload stamp beside the database: which facts the last reload put there, and when."""
        return self.database.with_name(self.database.name + ".reload.json")

    def _write_stamp(self, content_hash: str) -> None:
        stamp = {"content_hash": content_hash, "written_at": _now(), "by": PROCESS}
        tmp = self.stamp_path.with_name(f".{self.stamp_path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(stamp), encoding="utf-8")
            os.replace(tmp, self.stamp_path)
        except OSError as exc:  # the reload itself worked; other processes pick it up at their next start
            log.error("could not write the reload stamp %s: %s", self.stamp_path.name, exc)

    def read_stamp(self) -> dict[str, str] | None:
        """The reload stamp, or None when there is none or it cannot be read."""
        try:
            data = json.loads(self.stamp_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("content_hash"), str) else None

    async def follow_stamp(self) -> bool:
        """Load the database another process rebuilt, when its stamp names other facts; True if swapped."""
        stamp = self.read_stamp()
        if stamp is None or stamp["content_hash"] == self.engine.kb.content_hash:
            return False
        if read_meta(self.database).get("content_hash") == self.engine.kb.content_hash:
            return False  # an old stamp: the database holds the facts in service (cheap to check every poll)
        async with self._lock:
            before = self.engine.kb.content_hash
            try:
                kb = await asyncio.to_thread(read_knowledge, self.database)
                engine = await asyncio.to_thread(Engine, kb)
            except Exception as exc:  # a half-written or foreign database: keep serving, try again later
                log.warning("could not load the database named by the reload stamp: %s", exc)
                return False
            if kb.content_hash == before:
                return False
            self.engine = engine
            gc.freeze()
            result = ReloadResult(
                True, before, kb.content_hash, changes=[f"loaded the reload by {stamp.get('by', '?')}"]
            )
            await asyncio.to_thread(
                self._audit, result, user_id=PROCESS, user_name="reload in another process"
            )
            log.info("followed a reload in another process: %s -> %s", before[:12], kb.content_hash[:12])
            return True

    async def follow_reloads(self, *, every: float = STAMP_POLL_SECONDS) -> None:
        """Poll the reload stamp forever (cancel the task to stop)."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.follow_stamp()
            except Exception:
                log.exception("following the reload stamp failed")

    def _audit(self, result: ReloadResult, *, user_id: str, user_name: str) -> None:
        try:
            self.audit.record(user_id=user_id, user_name=user_name, result=result)
        except AuditUnavailable as exc:
            log.error("reload by %s not audited: %s", user_id or "?", exc)
            result.audited = False

    def _rebuild(self) -> ReloadResult:
        started = dt.datetime.now(dt.UTC)
        old = self.engine.kb
        report = validate(self.knowledge_dir)
        if report.knowledge is None:
            return ReloadResult(False, old.content_hash, old.content_hash, problems=report.problems)
        try:
            write_database(report.knowledge, self.database)
            kb = read_knowledge(self.database)
            engine = Engine(kb)
        except Exception as exc:  # a failed build leaves the old base in service
            return ReloadResult(False, old.content_hash, old.content_hash, problems=[f"build failed: {exc}"])
        elapsed = (dt.datetime.now(dt.UTC) - started).total_seconds() * 1000
        return _Rebuilt(
            True,
            old.content_hash,
            kb.content_hash,
            changes=diff_knowledge(old, kb),
            duration_ms=elapsed,
            engine=engine,
        )


@dataclass(slots=True)
class _Rebuilt(ReloadResult):
    engine: Engine | None = None
