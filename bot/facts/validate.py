"""Read and validate the human-edited files in ``knowledge/``.

Every problem is collected and reported at once as ``file:line: message``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.clock import today_utc
from bot.facts.files import FileProblem, decode, digest, read_bytes, snapshot
from bot.facts.records import (
    CONFIDENCE_LEVELS,
    CONSENT_METHODS,
    Alias,
    AliasKind,
    Event,
    EventKind,
    Fact,
    Group,
    KnowledgeBase,
    Place,
    PlaceKind,
    Source,
    SourceTier,
    State,
)
from bot.textnorm import normalize

KNOWLEDGE_FILES = (
    "knowledge.yaml",
    "sources.csv",
    "states.csv",
    "aliases.csv",
    "groups.yaml",
    "events.csv",
    "facts.yaml",
    "places.csv",
)
STALE_AFTER_DAYS = 90
CONVENTION_IN_FORCE = dt.date(1999, 3, 1)
OPENED_FOR_SIGNATURE = dt.date(1997, 12, 3)

STATE_COLUMNS = {
    "iso3": True,
    "name": True,
    "un_member": True,
    "signed": False,
    "consent_deposited": False,
    "consent_method": False,
    "entry_into_force": False,
    "withdrawal_notified": False,
    "withdrawal_effective": False,
    "sources": True,
    "locator": False,
    "confidence": True,
    "note": False,
    "article": False,
    "curator_note": False,
}
SOURCE_COLUMNS = {
    "id": True,
    "title": True,
    "publisher": True,
    "date": False,
    "url": True,
    "accessed": True,
    "tier": False,
}
SOURCE_TIERS = tuple(SourceTier)
ALIAS_COLUMNS = {"alias": True, "iso3": True, "kind": True, "context": False}
EVENT_COLUMNS = {
    "id": True,
    "date": True,
    "iso3": False,
    "kind": True,
    "snippet": True,
    "sources": True,
    "locator": False,
    "confidence": True,
    "curator_note": False,
}
PLACE_COLUMNS = {"name": True, "kind": True, "parent": False, "note": True}
ALIAS_KINDS = tuple(AliasKind)
ALIAS_CONTEXTS = ("", "needs_context", "case_sensitive")
PLACE_KINDS = tuple(PlaceKind)
EVENT_KINDS = tuple(EventKind)
GROUP_KEYS = {
    "id": True,
    "name": True,
    "kind": False,
    "aliases": False,
    "members": True,
    "joined": False,
    "left": False,
    "sources": True,
    "note": False,
    "short": False,
    "curator_note": False,
}
GROUP_KINDS = ("region", "organisation", "other")
FACT_KEYS = {
    "id": True,
    "title": True,
    "answer": True,
    "sources": True,
    "locator": False,
    "article": False,
    "quote": False,
    "questions": False,
    "keywords": False,
    "topics": False,
    "support": False,
    "curator_note": False,
}
META_KEYS = {
    "title": False,
    "reviewed": True,
    "depositary_source": True,
    "treaty_source": True,
    "depositary_as_at": False,
}
ISO3 = re.compile(r"^[A-Z]{3}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class KnowledgeError(Exception):
    """The knowledge files have problems; ``problems`` lists each as ``file:line: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge files")


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a validation: the records when valid, and every problem and warning."""

    knowledge: KnowledgeBase | None
    problems: list[str]
    warnings: list[str]


def content_hash(knowledge_dir: Path) -> str:
    """SHA-256 over the names and bytes of the knowledge files, as they are now."""
    return digest(snapshot(Path(knowledge_dir), KNOWLEDGE_FILES), KNOWLEDGE_FILES)


def parse_date(text: str) -> dt.date:
    """Parse a ``YYYY-MM-DD`` date strictly."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{text!r} is not a YYYY-MM-DD date")
    return dt.date.fromisoformat(text)


def article17_entry_into_force(deposit: dt.date) -> dt.date:
    """Entry into force under Article 17: the first day of the sixth month after the deposit month."""
    month = deposit.month + 6
    year = deposit.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return max(CONVENTION_IN_FORCE, dt.date(year, month, 1))


class _Collector:
    def __init__(self, knowledge_dir: Path) -> None:
        self.dir = knowledge_dir
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.citing: list[tuple[str, int, tuple[str, ...]]] = []  # (file, line, source ids) of each claim
        self.read: dict[str, bytes] = {}  # the bytes parsed, for the content hash

    def add(self, name: str, line: int, message: str) -> None:
        self.problems.append(f"{name}:{line}: {message}")

    def warn(self, name: str, line: int, message: str) -> None:
        self.warnings.append(f"{name}:{line}: {message}")

    def text(self, name: str) -> str | None:
        """The file's text, read once; None (after recording why) when it cannot be used."""
        try:
            data = read_bytes(self.dir / name)
        except FileProblem as problem:
            self.add(name, problem.line, problem.message)
            return None
        self.read[name] = data
        try:
            return decode(data)
        except FileProblem as problem:
            self.add(name, problem.line, problem.message)
            return None

    def date(
        self, name: str, line: int, column: str, value: str, *, required: bool = False
    ) -> dt.date | None:
        value = value.strip()
        if not value:
            if required:
                self.add(name, line, f"missing required field {column!r}")
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.add(name, line, f"bad date in {column!r}: {exc}")
            return None


class _CsvReader(Protocol):
    """What the CSV helpers use of a ``csv.reader``."""

    line_num: int

    def __next__(self) -> list[str]: ...


def _read_csv(col: _Collector, name: str, columns: dict[str, bool]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` for each well-formed row of a CSV file, every column present and stripped."""
    text = col.text(name)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _csv_header(col, name, reader, columns)
    if header is None:
        return
    for line, values in _csv_records(col, name, reader):
        row = _csv_row(col, name, line, header, values, columns)
        if row is not None:
            yield line, row


def _csv_header(col: _Collector, name: str, reader: _CsvReader, columns: dict[str, bool]) -> list[str] | None:
    """The stripped header row, or None when it is unreadable or lacks a required column."""
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        col.add(name, 1, "file is empty")
        return None
    except csv.Error as exc:
        col.add(name, 1, f"unreadable CSV: {exc}")
        return None
    for column in header:
        if column not in columns:
            col.add(name, 1, f"unknown column {_quote(column)}")
    missing = [c for c, required in columns.items() if required and c not in header]
    for column in missing:
        col.add(name, 1, f"missing required column {column!r}")
    return None if missing else header


def _csv_records(col: _Collector, name: str, reader: _CsvReader) -> Iterator[tuple[int, list[str]]]:
    """``(line, values)`` for each record that is not blank, up to the end or the first unreadable one."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            col.add(name, reader.line_num, f"unreadable CSV row: {exc}")
            return
        if any(v.strip() for v in values):
            yield reader.line_num, values


def _csv_row(
    col: _Collector, name: str, line: int, header: list[str], values: list[str], columns: dict[str, bool]
) -> dict[str, str] | None:
    """The known columns of one record, stripped and each present; None when the field count is wrong."""
    if len(values) != len(header):
        col.add(name, line, f"expected {len(header)} fields, found {len(values)}")
        return None
    row = {h: v.strip() for h, v in zip(header, values, strict=True) if h in columns}
    for column, required in columns.items():
        row.setdefault(column, "")
        if required and not row[column] and column not in ("sources",):
            col.add(name, line, f"missing required field {column!r}")
    return row


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    """A mapping with its first line as ``__line__``; keys stay as YAML parsed them."""
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _quote(text: str, limit: int = 40) -> str:
    """``text`` quoted, cut to ``limit`` characters: a header can be any line of any file."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _read_yaml(col: _Collector, name: str) -> Any:
    text = col.text(name)
    if text is None:
        return None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        col.add(name, (mark.line + 1) if mark else 1, f"invalid YAML: {getattr(exc, 'problem', exc)}")
        return None


def _check_keys(col: _Collector, name: str, line: int, item: dict[str, Any], keys: dict[str, bool]) -> bool:
    ok = True
    for key in item:
        if key != "__line__" and key not in keys:
            col.add(name, line, f"unknown key {key!r}")
    for key, required in keys.items():
        if required and (key not in item or item[key] in (None, "", [])):
            col.add(name, line, f"missing required key {key!r}")
            ok = False
    return ok


def _source_ids(
    col: _Collector, name: str, line: int, value: Any, known: dict[str, Source]
) -> tuple[str, ...]:
    ids = value.split() if isinstance(value, str) else [str(v) for v in (value or [])]
    if not ids:
        col.add(name, line, "names no source")
    for source_id in ids:
        if source_id not in known:
            col.add(name, line, f"source {source_id!r} does not resolve to any row of sources.csv")
    col.citing.append((name, line, tuple(ids)))
    return tuple(ids)


def _load_sources(col: _Collector) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    urls: dict[str, str] = {}
    for line, row in _read_csv(col, "sources.csv", SOURCE_COLUMNS):
        if row["id"] in sources:
            col.add("sources.csv", line, f"duplicate source id {row['id']!r}")
            continue
        if row["id"] and not SLUG.match(row["id"]):
            col.add(
                "sources.csv", line, f"source id {row['id']!r} must be lower-case letters, digits and '-'"
            )
        if row["url"] and not re.match(r"^https?://\S+$", row["url"]):
            col.add("sources.csv", line, f"url {row['url']!r} is not an http(s) URL")
        date = col.date("sources.csv", line, "date", row["date"])
        accessed = col.date("sources.csv", line, "accessed", row["accessed"], required=True)
        _check_source(col, line, row, urls)
        if row["id"]:
            sources[row["id"]] = Source(
                id=row["id"],
                title=row["title"],
                publisher=row["publisher"],
                date=date,
                url=row["url"],
                accessed=accessed or dt.date.min,
                tier=row.get("tier") or SourceTier.OTHER,
            )
    return sources


def _check_source(col: _Collector, line: int, row: dict[str, str], urls: dict[str, str]) -> None:
    """A source names its tier and its date, and no other source has its URL."""
    name = "sources.csv"
    if row.get("tier") and row["tier"] not in SOURCE_TIERS:
        col.add(name, line, f"tier {row['tier'][:40]!r} is not one of {', '.join(SOURCE_TIERS)}")
    if not row["date"]:
        col.add(name, line, f"source {row['id']!r} has no date (its publication or 'as at' date)")
    url = row["url"].rstrip("/")
    if url in urls:
        col.add(name, line, f"source {row['id']!r} has the same URL as {urls[url]!r}")
    urls.setdefault(url, row["id"])


def _check_weak_claims(col: _Collector, sources: dict[str, Source]) -> None:
    """Warn about each claim whose only sources are of tier ``other``."""
    for name, line, ids in col.citing:
        known = [sources[i] for i in ids if i in sources]
        if known and all(s.tier == SourceTier.OTHER for s in known):
            col.warn(name, line, f"only sources of tier 'other' ({', '.join(ids)}); find a better one")


def _load_states(col: _Collector, sources: dict[str, Source]) -> dict[str, State]:
    states: dict[str, State] = {}
    name = "states.csv"
    for line, row in _read_csv(col, name, STATE_COLUMNS):
        iso3 = row["iso3"]
        if iso3 and not ISO3.match(iso3):
            col.add(name, line, f"ISO code {iso3!r} is not three capital letters")
        if iso3 in states:
            col.add(name, line, f"duplicate ISO code {iso3!r}")
            continue
        if row["un_member"] not in ("yes", "no"):
            col.add(name, line, f"un_member must be 'yes' or 'no', not {row['un_member']!r}")
        if row["confidence"] and row["confidence"] not in CONFIDENCE_LEVELS:
            col.add(name, line, f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}")
        dates = {
            c: col.date(name, line, c, row[c])
            for c in (
                "signed",
                "consent_deposited",
                "entry_into_force",
                "withdrawal_notified",
                "withdrawal_effective",
            )
        }
        method = row["consent_method"] or None
        if method and method not in CONSENT_METHODS:
            col.add(name, line, f"consent_method {method!r} is not one of {', '.join(CONSENT_METHODS)}")
        _check_state_dates(col, line, dates, method, row["note"])
        state_sources = _source_ids(col, name, line, row["sources"], sources)
        if row.get("article", "") not in ("", "the"):
            col.add(name, line, f"article must be 'the' or empty, not {row['article'][:40]!r}")
        states[iso3] = State(
            iso3=iso3,
            name=row["name"],
            un_member=row["un_member"] == "yes",
            signed=dates["signed"],
            consent_deposited=dates["consent_deposited"],
            consent_method=method,
            entry_into_force=dates["entry_into_force"],
            withdrawal_notified=dates["withdrawal_notified"],
            withdrawal_effective=dates["withdrawal_effective"],
            sources=state_sources,
            locator=row["locator"],
            confidence=row["confidence"],
            note=row["note"],
            curator_note=row.get("curator_note", ""),
            article=row.get("article", ""),
        )
    return states


@dataclass(frozen=True, slots=True)
class _StateDates:
    """The dates of one row of ``states.csv``, with its consent method and note."""

    signed: dt.date | None
    consent: dt.date | None
    eif: dt.date | None
    notified: dt.date | None
    effective: dt.date | None
    method: str | None
    note: str

    def message(self, template: str) -> str:
        """``template`` with the row's dates filled in, and the Article 17 date when it asks for it."""
        values: dict[str, object] = {
            "signed": self.signed,
            "consent": self.consent,
            "eif": self.eif,
            "notified": self.notified,
            "effective": self.effective,
        }
        if "{expected}" in template and self.consent is not None:
            values["expected"] = article17_entry_into_force(self.consent)
        return template.format_map(values)


def _contradicts_article17(d: _StateDates) -> bool:
    """Entry into force is not the Article 17 date for the consent, and no note explains why."""
    if d.consent is None or d.eif is None or d.method == "succession" or d.eif < d.consent:
        return False
    return d.eif != article17_entry_into_force(d.consent) and not d.note


_STATE_DATE_RULES: tuple[tuple[Callable[[_StateDates], bool], str], ...] = (
    (
        lambda d: d.consent is not None and not d.method,
        "consent_deposited is set but consent_method is empty",
    ),
    (
        lambda d: bool(d.method) and d.consent is None,
        "consent_method is set but consent_deposited is empty",
    ),
    (
        lambda d: d.consent is not None and d.eif is None,
        "consent_deposited is set but entry_into_force is empty",
    ),
    (
        lambda d: d.eif is not None and d.consent is None,
        "entry_into_force is set but consent_deposited is empty",
    ),
    (
        lambda d: d.signed is not None and d.consent is not None and d.consent < d.signed,
        "consent ({consent}) is before signature ({signed})",
    ),
    (
        lambda d: d.signed is not None and d.signed < OPENED_FOR_SIGNATURE,
        "signature ({signed}) is before the Convention opened for signature",
    ),
    (
        lambda d: (
            d.consent is not None and d.eif is not None and d.eif < d.consent and d.method != "succession"
        ),
        "entry into force ({eif}) is before consent ({consent})",
    ),
    (
        _contradicts_article17,
        "entry into force {eif} contradicts Article 17 (expected {expected}) and no note explains it",
    ),
    (
        lambda d: d.effective is not None and d.notified is None,
        "withdrawal_effective is set but withdrawal_notified is empty",
    ),
    (
        lambda d: d.notified is not None and d.eif is None,
        "withdrawal_notified is set but the state never became bound",
    ),
    (
        lambda d: d.notified is not None and d.effective is not None and d.effective <= d.notified,
        "withdrawal effective ({effective}) is not after notice ({notified})",
    ),
    (
        lambda d: d.notified is not None and d.eif is not None and d.notified < d.eif,
        "withdrawal notice ({notified}) is before entry into force ({eif})",
    ),
)
"""The consistency rules for a state's dates: ``(check, message)``, reported in this order."""


def _check_state_dates(
    col: _Collector, line: int, d: dict[str, dt.date | None], method: str | None, note: str
) -> None:
    """Report every rule of :data:`_STATE_DATE_RULES` that one row of ``states.csv`` breaks."""
    dates = _StateDates(
        signed=d["signed"],
        consent=d["consent_deposited"],
        eif=d["entry_into_force"],
        notified=d["withdrawal_notified"],
        effective=d["withdrawal_effective"],
        method=method,
        note=note,
    )
    for check, template in _STATE_DATE_RULES:
        if check(dates):
            col.add("states.csv", line, dates.message(template))


def _load_aliases(col: _Collector, states: dict[str, State]) -> list[Alias]:
    """The rows of ``aliases.csv``; each alias must name known states and not clash with another."""
    name = "aliases.csv"
    aliases: list[Alias] = []
    claimed: dict[str, tuple[tuple[str, ...], int]] = {}
    canonical = {normalize(s.name): s.iso3 for s in states.values()}
    for line, row in _read_csv(col, name, ALIAS_COLUMNS):
        codes = tuple(row["iso3"].split())
        _check_alias_fields(col, line, row, codes, states)
        key = normalize(row["alias"])
        if not key:
            col.add(name, line, f"alias {row['alias']!r} is empty after normalisation")
            continue
        _check_alias_claim(col, line, row["alias"], codes, claimed.get(key))
        claimed.setdefault(key, (codes, line))
        _check_alias_owner(col, line, row, codes, canonical.get(key))
        aliases.append(Alias(alias=row["alias"], iso3s=codes, kind=row["kind"], context=row["context"]))
    return aliases


def _check_alias_fields(
    col: _Collector, line: int, row: dict[str, str], codes: tuple[str, ...], states: dict[str, State]
) -> None:
    """The states an alias names exist, its kind and context are known, and its kind fits its states."""
    name = "aliases.csv"
    for code in codes:
        if code not in states:
            col.add(name, line, f"alias {row['alias']!r} names unknown state {code!r}")
    if row["kind"] not in ALIAS_KINDS:
        col.add(name, line, f"kind {row['kind']!r} is not one of {', '.join(ALIAS_KINDS)}")
    if row["context"] not in ALIAS_CONTEXTS:
        col.add(
            name,
            line,
            f"context {row['context']!r} is not one of {', '.join(c for c in ALIAS_CONTEXTS if c)}",
        )
    if row["kind"] == "ambiguous" and len(codes) < 2:
        col.add(name, line, "an ambiguous alias must list at least two states")
    if row["kind"] != "ambiguous" and len(codes) != 1:
        col.add(name, line, "an alias that could mean several states must have kind 'ambiguous'")


def _check_alias_claim(
    col: _Collector,
    line: int,
    alias: str,
    codes: tuple[str, ...],
    earlier: tuple[tuple[str, ...], int] | None,
) -> None:
    """An alias already claimed on an ``earlier`` line must name the same states there."""
    if earlier is not None and earlier[0] != codes:
        col.add(
            "aliases.csv",
            line,
            f"alias {alias!r} is claimed by {' '.join(codes)} and by "
            f"{' '.join(earlier[0])} (line {earlier[1]}); mark it ambiguous instead",
        )


def _check_alias_owner(
    col: _Collector, line: int, row: dict[str, str], codes: tuple[str, ...], owner: str | None
) -> None:
    """An alias that is the name of state ``owner`` must name it; kind 'name' is for such aliases only."""
    name = "aliases.csv"
    if owner and owner not in codes:
        col.add(name, line, f"alias {row['alias']!r} is the name of {owner}, not of {' '.join(codes)}")
    if row["kind"] == "name" and owner != (codes[0] if codes else None):
        col.add(name, line, f"kind 'name' must repeat the state's own name; {row['alias']!r} is not")


def _yaml_items(
    col: _Collector, name: str, key: str, keys: dict[str, bool]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(line, id, item)`` for each valid mapping in the top-level ``key`` list of a YAML file."""
    data = _read_yaml(col, name)
    if data is None:
        return
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        col.add(name, 1, f"expected a top-level {key!r} list")
        return
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            col.add(name, 1, f"each entry of {key!r} must be a mapping")
            continue
        line = item.get("__line__", 1)
        if not _check_keys(col, name, line, item, keys):
            continue
        item_id = str(item["id"])
        if item_id in seen:
            col.add(name, line, f"duplicate {key[:-1]} id {item_id!r}")
            continue
        seen.add(item_id)
        yield line, item_id, item


def _load_groups(col: _Collector, states: dict[str, State], sources: dict[str, Source]) -> dict[str, Group]:
    name = "groups.yaml"
    groups: dict[str, Group] = {}
    for line, gid, item in _yaml_items(col, name, "groups", GROUP_KEYS):
        members = tuple(str(m) for m in item.get("members") or [])
        for member in members:
            if member not in states:
                col.add(name, line, f"group {gid!r} member {member!r} is not a state")
        if len(set(members)) != len(members):
            col.add(name, line, f"group {gid!r} lists a member twice")
        kind = str(item.get("kind") or "other")
        if kind not in GROUP_KINDS:
            col.add(name, line, f"group {gid!r} kind must be one of {', '.join(GROUP_KINDS)}")
        groups[gid] = Group(
            id=gid,
            name=str(item["name"]),
            aliases=tuple(str(a) for a in item.get("aliases") or []),
            members=members,
            sources=_source_ids(col, name, line, item.get("sources"), sources),
            note=str(item.get("note") or ""),
            short=str(item.get("short") or ""),
            kind=kind,
            joined=_member_dates(col, name, line, gid, "joined", item.get("joined"), members),
            left=_member_dates(col, name, line, gid, "left", item.get("left"), members),
            curator_note=str(item.get("curator_note") or ""),
        )
    return groups


def _member_dates(
    col: _Collector, name: str, line: int, gid: str, key: str, value: object, members: tuple[str, ...]
) -> tuple[tuple[str, dt.date], ...]:
    """``joined:`` or ``left:``: a mapping of members to the day they joined or left the group."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        col.add(name, line, f"group {gid!r} {key} must map members to dates")
        return ()
    out = []
    for member, day in value.items():
        if str(member).startswith("__"):
            continue
        if str(member) not in members:
            col.add(name, line, f"group {gid!r} {key} names {member!s:.40} which is not among its members")
            continue
        parsed = col.date(name, line, key, str(day))
        if parsed is not None:
            out.append((str(member), parsed))
    return tuple(sorted(out, key=lambda pair: members.index(pair[0])))


def _load_events(col: _Collector, states: dict[str, State], sources: dict[str, Source]) -> list[Event]:
    name = "events.csv"
    events: list[Event] = []
    seen: set[str] = set()
    for line, row in _read_csv(col, name, EVENT_COLUMNS):
        if row["id"] in seen:
            col.add(name, line, f"duplicate event id {row['id']!r}")
        seen.add(row["id"])
        date = col.date(name, line, "date", row["date"], required=True)
        iso3 = row["iso3"] or None
        if iso3 and iso3 not in states:
            col.add(name, line, f"event names unknown state {iso3!r}")
        if row["kind"] and row["kind"] not in EVENT_KINDS:
            col.add(name, line, f"event kind {row['kind']!r} is not one of {', '.join(EVENT_KINDS)}")
        if row["confidence"] and row["confidence"] not in CONFIDENCE_LEVELS:
            col.add(name, line, f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}")
        event_sources = _source_ids(col, name, line, row["sources"], sources)
        if date:
            events.append(
                Event(
                    id=row["id"],
                    date=date,
                    iso3=iso3,
                    kind=row["kind"],
                    snippet=row["snippet"],
                    sources=event_sources,
                    locator=row["locator"],
                    confidence=row["confidence"],
                    curator_note=row.get("curator_note", ""),
                )
            )
    return events


def _load_facts(col: _Collector, sources: dict[str, Source]) -> dict[str, Fact]:
    name = "facts.yaml"
    facts: dict[str, Fact] = {}
    for line, fid, item in _yaml_items(col, name, "facts", FACT_KEYS):
        article = item.get("article")
        if article is not None and (not isinstance(article, int) or not 1 <= article <= 22):
            col.add(name, line, f"article must be a number from 1 to 22, not {article!r}")
            article = None
        fact_sources = _source_ids(col, name, line, item.get("sources"), sources)
        facts[fid] = Fact(
            id=fid,
            title=str(item["title"]),
            answer=" ".join(str(item["answer"]).split()),
            sources=fact_sources,
            locator=str(item.get("locator") or ""),
            article=article,
            quote=" ".join(str(item.get("quote") or "").split()),
            questions=tuple(str(q) for q in item.get("questions") or []),
            keywords=tuple(str(k) for k in item.get("keywords") or []),
            topics=tuple(str(t) for t in item.get("topics") or []),
            support=_support(col, name, line, item.get("support"), fid=fid, sources=fact_sources),
            curator_note=str(item.get("curator_note") or ""),
        )
    return facts


def _support(
    col: _Collector, name: str, line: int, value: object, *, fid: str, sources: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """``support:``: a mapping of the fact's own source ids to what each of them supports."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        col.add(name, line, "support must map source ids to what each source supports")
        return ()
    pairs = tuple((str(k), " ".join(str(v).split())) for k, v in value.items() if not str(k).startswith("__"))
    for source_id, _ in pairs:
        if source_id not in sources:
            col.add(name, line, f"fact {fid!r} support names {source_id!r}, not one of its sources")
    return pairs


def _load_places(col: _Collector, states: dict[str, State]) -> list[Place]:
    name = "places.csv"
    places: list[Place] = []
    state_names = {normalize(s.name) for s in states.values()}
    for line, row in _read_csv(col, name, PLACE_COLUMNS):
        if row["kind"] not in PLACE_KINDS:
            col.add(name, line, f"kind {row['kind']!r} is not one of {', '.join(PLACE_KINDS)}")
        parent = row["parent"] or None
        if parent and parent not in states:
            col.add(name, line, f"parent {parent!r} is not a state")
        if normalize(row["name"]) in state_names:
            col.add(name, line, f"{row['name']!r} is a state, not a place")
        places.append(Place(name=row["name"], kind=row["kind"], parent=parent, note=row["note"]))
    return places


@dataclass(frozen=True, slots=True)
class _Meta:
    reviewed: dt.date = dt.date.min
    depositary_source: str = ""
    treaty_source: str = ""
    depositary_as_at: dt.date | None = None


def _meta_date(col: _Collector, name: str, data: dict[str, Any], key: str) -> dt.date | None:
    raw = data.get(key)
    if raw is None or isinstance(raw, dt.date):
        return raw
    return col.date(name, 1, key, str(raw))


def _load_meta(col: _Collector, sources: dict[str, Source], today: dt.date) -> _Meta:
    name = "knowledge.yaml"
    data = _read_yaml(col, name)
    if not isinstance(data, dict):
        if data is not None:
            col.add(name, 1, "expected a mapping")
        return _Meta()
    _check_keys(col, name, 1, data, META_KEYS)
    reviewed = _meta_date(col, name, data, "reviewed") or dt.date.min
    if reviewed != dt.date.min and (today - reviewed).days > STALE_AFTER_DAYS:
        col.warnings.append(
            f"{name}:1: the facts were last reviewed on {reviewed}, "
            f"{(today - reviewed).days} days ago; check them against the depositary record"
        )
    for key in ("depositary_source", "treaty_source"):
        if data.get(key) and data[key] not in sources:
            col.add(name, 1, f"{key} {data[key]!r} does not resolve to any row of sources.csv")
    return _Meta(
        reviewed=reviewed,
        depositary_source=str(data.get("depositary_source") or ""),
        treaty_source=str(data.get("treaty_source") or ""),
        depositary_as_at=_meta_date(col, name, data, "depositary_as_at"),
    )


def validate(knowledge_dir: Path, *, today: dt.date | None = None) -> Report:
    """Read every knowledge file and return the records with every problem found."""
    today = today or today_utc()
    col = _Collector(Path(knowledge_dir))
    if not col.dir.is_dir():
        return Report(None, [f"{col.dir}:0: knowledge directory does not exist (or is not a folder)"], [])
    sources = _load_sources(col)
    meta = _load_meta(col, sources, today)
    states = _load_states(col, sources)
    aliases = _load_aliases(col, states)
    groups = _load_groups(col, states, sources)
    events = _load_events(col, states, sources)
    facts = _load_facts(col, sources)
    places = _load_places(col, states)
    _check_weak_claims(col, sources)
    if col.problems:
        return Report(None, col.problems, col.warnings)
    kb = KnowledgeBase(
        reviewed=meta.reviewed,
        depositary_source=meta.depositary_source,
        treaty_source=meta.treaty_source,
        depositary_as_at=meta.depositary_as_at,
        states=states,
        aliases=aliases,
        groups=groups,
        events=sorted(events, key=lambda e: (e.date, e.id)),
        facts=facts,
        sources=sources,
        places=places,
        content_hash=digest(col.read, KNOWLEDGE_FILES),
    )
    return Report(kb, [], col.warnings)


def load(knowledge_dir: Path, *, today: dt.date | None = None) -> KnowledgeBase:
    """Validate ``knowledge_dir`` and return its records, or raise :class:`KnowledgeError`."""
    report = validate(knowledge_dir, today=today)
    if report.knowledge is None:
        raise KnowledgeError(report.problems)
    return report.knowledge
