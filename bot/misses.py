"""The misses log: the questions the bot declined, only suggested, or answered with low confidence.

With ``MISSES_LOG=true`` each missed question is kept in ``DATA_DIR/misses.sqlite3``: its text (mentions
and Discord ids removed, at most 300 characters), the UTC date, the outcome and the front end; never who
asked, nor where. Rows older than ``MISSES_DAYS`` are deleted at start and once a day. Recording never
breaks or slows an answer: a failure to write is logged once and otherwise ignored.

:func:`group` puts similar wordings together, most frequent first: the curators' to-do list for the next
edit of the facts, shown by ``python -m bot misses`` and by ``/misses`` in Discord.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from rapidfuzz import fuzz, process

from bot.clock import today_utc
from bot.engine.dates import format_date
from bot.frontends.observe import Answered, Observer
from bot.textnorm import clean, fold, normalize

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("bot.misses")

FILE_NAME = "misses.sqlite3"
TABLE = "misses"
COLUMNS: dict[str, type] = {"date": str, "question": str, "outcome": str, "frontend": str}
"""Every column of the table: nothing about who asked or where."""
TEXT_LIMIT = 300
SIMILAR = 80
"""Two wordings are one question when rapidfuzz's ``token_set_ratio`` of their normalised forms is at least this..."""
ORDER_FLOOR = 50
"""...and their ``token_sort_ratio`` at least this, so that one word ("hello") does not swallow every
question that contains it."""
VARIANTS = 5
TOP_GROUPS = 25
WRITE_TIMEOUT = 0.25
"""Seconds a write may wait for another writer before it is given up (an answer never waits longer)."""
NOTHING = "no misses recorded (MISSES_LOG is off or nothing was missed)"

# What looks like a Discord mention or id: users, roles, channels, slash commands, custom emoji,
# @everyone and @here, and a bare snowflake (17 to 20 digits).
DISCORD_TOKENS = re.compile(
    r"<[@#][^<>]*>|</[^<>:]+:\d+>|<a?:\w+:\d+>|@everyone|@here|(?<!\d)\d{17,20}(?!\d)", re.IGNORECASE
)
_MARKDOWN = re.compile(r"([\\*_~`|>#\[\]()<:-])")


def scrub(text: str) -> str:
    """The question's text to keep: no mentions or Discord ids, no control characters, at most 300 characters."""
    text = clean(DISCORD_TOKENS.sub(" ", text))
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Miss:
    """One recorded question."""

    question: str
    date: dt.date
    outcome: str
    frontend: str


class MissesLog:
    """Records missed questions in SQLite; call it with an :class:`Answered` event (it is an observer)."""

    def __init__(self, path: Path, *, days: int = 90, clock: Callable[[], dt.date] = today_utc) -> None:
        self.path = path
        self.days = days
        self.clock = clock
        self.failed = False
        self._conn: sqlite3.Connection | None = None
        self._pruned_on: dt.date | None = None
        self._lock = threading.Lock()

    def __call__(self, event: Answered) -> None:
        """Record ``event`` when it is a miss with some text; never raises."""
        if not event.missed:
            return
        text = scrub(event.question)
        if text:
            self.record(Miss(text, self.clock(), event.outcome, event.frontend))

    def record(self, miss: Miss) -> bool:
        """One insert (and, on a new day, the pruning); False when it could not be written."""
        row = (miss.date.isoformat(), scrub(miss.question), miss.outcome, miss.frontend)
        try:
            with self._lock:
                conn = self._connection()
                today = self.clock()
                if self._pruned_on != today:
                    self._prune(conn, today)
                conn.execute(
                    f"INSERT INTO {TABLE} (date, question, outcome, frontend) VALUES (?, ?, ?, ?)", row
                )
        except Exception as exc:  # a broken log must never break an answer
            self._failure(exc)
            return False
        return True

    def open(self) -> bool:
        """Open the log and delete the rows older than ``days``; False (logged once) when it cannot be."""
        try:
            with self._lock:
                self._prune(self._connection(), self.clock())
        except Exception as exc:
            self._failure(exc)
            return False
        return True

    def prune(self) -> int:
        """Delete the rows older than ``days``; the number deleted."""
        with self._lock:
            return self._prune(self._connection(), self.clock())

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=WRITE_TIMEOUT, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                _create(sqlite_utils.Database(conn))
            except Exception:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _prune(self, conn: sqlite3.Connection, today: dt.date) -> int:
        cutoff = (today - dt.timedelta(days=self.days)).isoformat()
        deleted = conn.execute(f"DELETE FROM {TABLE} WHERE date < ?", (cutoff,)).rowcount
        self._pruned_on = today
        return int(deleted)

    def _failure(self, exc: BaseException) -> None:
        if not self.failed:
            self.failed = True
            log.warning("the misses log %s cannot be written (%s); questions go unrecorded", self.path, exc)


def _create(db: sqlite_utils.Database) -> None:
    table = db.table(TABLE)
    if not table.exists():
        table.create(COLUMNS)
        table.create_index(["date"])


def misses_observer(settings: Settings) -> Observer | None:
    """The observer that records missed questions with ``MISSES_LOG=true`` (old rows deleted), else None."""
    if not settings.misses_log:
        return None
    misses = MissesLog(settings.data_dir / FILE_NAME, days=settings.misses_days)
    misses.open()
    return misses


def read_misses(path: Path, *, since: dt.date | None = None) -> list[Miss] | None:
    """The recorded questions (from ``since`` on), oldest first; None when there is no misses log."""
    if not path.is_file():
        return None
    with closing(sqlite3.connect(path, timeout=2.0)) as conn:
        db = sqlite_utils.Database(conn)
        if not db[TABLE].exists():
            return []
        rows: Iterable[dict[str, Any]] = db[TABLE].rows_where(
            "date >= ?", [(since or dt.date.min).isoformat()], order_by="date, rowid"
        )
        found = [
            Miss(
                str(r["question"]),
                dt.date.fromisoformat(str(r["date"])),
                str(r["outcome"]),
                str(r["frontend"]),
            )
            for r in rows
        ]
    return found


@dataclass(frozen=True, slots=True)
class Group:
    """Similar wordings of one question: how often, how it went, when, and the wordings most used."""

    count: int
    example: str
    outcomes: dict[str, int]
    frontends: dict[str, int]
    first_seen: dt.date
    last_seen: dt.date
    questions: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """The JSON of ``python -m bot misses --json``: these keys are a contract."""
        return {
            "count": self.count,
            "example": self.example,
            "outcomes": dict(self.outcomes),
            "frontends": dict(self.frontends),
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "questions": list(self.questions),
        }


def _key(question: str) -> str:
    """What wordings are compared by: normalised words, or folded text for scripts normalising drops."""
    return normalize(question) or fold(question)


def _leader(key: str, leaders: list[str]) -> int | None:
    """The index of the group ``key`` belongs to: the most similar leader that is similar enough."""
    candidates = process.extract(key, leaders, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR, limit=None)
    for _, _, index in sorted(candidates, key=lambda c: (-c[1], c[2])):
        if fuzz.token_sort_ratio(key, leaders[index]) >= ORDER_FLOOR:
            return int(index)
    return None


def _counted(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


def _group_of(members: Sequence[Miss]) -> Group:
    wordings = Counter(miss.question for miss in members)
    latest = {miss.question: miss.date for miss in members}
    ranked = sorted(wordings, key=lambda q: (-wordings[q], -latest[q].toordinal(), q))
    return Group(
        count=len(members),
        example=ranked[0],
        outcomes=_counted(miss.outcome for miss in members),
        frontends=_counted(miss.frontend for miss in members),
        first_seen=min(miss.date for miss in members),
        last_seen=max(miss.date for miss in members),
        questions=tuple(ranked[:VARIANTS]),
    )


def group(misses: Iterable[Miss]) -> list[Group]:
    """Similar wordings grouped (greedily, the most frequent wording first), most frequent group first."""
    by_key: dict[str, list[Miss]] = {}
    for miss in misses:
        by_key.setdefault(_key(miss.question), []).append(miss)
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), -max(m.date for m in by_key[k]).toordinal(), k))
    leaders: list[str] = []
    members: list[list[Miss]] = []
    for key in keys:
        index = _leader(key, leaders) if key else None
        if index is None:
            leaders.append(key)
            members.append(list(by_key[key]))
        else:
            members[index].extend(by_key[key])
    groups = [_group_of(found) for found in members]
    return sorted(groups, key=lambda g: (-g.count, -g.last_seen.toordinal(), g.example))


def load_groups(path: Path, *, since: dt.date | None = None) -> list[Group] | None:
    """The groups of the questions recorded at ``path``; None when there is no misses log."""
    found = read_misses(path, since=since)
    return None if found is None else group(found)


def _tally(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items())


def _span(since: dt.date | None) -> str:
    return f"since {since.isoformat()}" if since else "in the log"


def text_lines(groups: Sequence[Group], *, since: dt.date | None = None) -> list[str]:
    """The groups as a table for a terminal: count, last seen, outcomes, the example and other wordings."""
    if not groups:
        return [f"no missed questions {_span(since)}"]
    total = sum(g.count for g in groups)
    outcomes = [_tally(g.outcomes) for g in groups]
    width = max(len("outcomes"), *(len(o) for o in outcomes))
    header = f"{'count':>5}  {'last seen':<10}  {'outcomes':<{width}}  example"
    lines = [
        f"{total} missed question(s) {_span(since)}, in {len(groups)} group(s), most frequent first:",
        "",
        header,
        "-" * max(len(header), 60),
    ]
    indent = " " * (5 + 2 + 10 + 2 + width + 2)
    for found, tally in zip(groups, outcomes, strict=True):
        lines.append(
            f"{found.count:>5}  {found.last_seen.isoformat():<10}  {tally:<{width}}  {found.example}"
        )
        lines += [f"{indent}~ {other}" for other in found.questions[1:]]
    return lines


def _quoted(text: str) -> str:
    """User text safe inside a Discord message: markdown escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def markdown_lines(groups: Sequence[Group], *, limit: int = TOP_GROUPS) -> list[str]:
    """The top ``limit`` groups for Discord: a paragraph each (pages break between lines)."""
    lines: list[str] = []
    for found in groups[:limit]:
        lines.append(f"**{found.count}×** {_quoted(found.example)}")
        lines.append(f"{_tally(found.outcomes)} · last seen {format_date(found.last_seen)}")
        lines += [f"  ~ {_quoted(other)}" for other in found.questions[1:]]
        lines.append("")
    return lines[:-1]
