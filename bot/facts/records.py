"""Validated records of the fact base, shared by the loader, the database and the index.

The record dataclasses are also the database schema: :func:`column_types` gives the columns
of a record's table, :func:`to_row` and :func:`from_row` turn a record into a row and back.
Dates are stored as ISO strings, flags as integers and lists of words as JSON; a field whose
metadata is :data:`IN_LINK_TABLE` is kept in a link table of its own and has no column.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

CONSENT_METHODS = ("ratification", "accession", "acceptance", "approval", "succession")
CONFIDENCE_LEVELS = ("high", "medium", "low")

IN_LINK_TABLE: Mapping[str, object] = {"column": False}
"""Field metadata: the field is kept in a link table of its own, not in a column."""


class AliasKind(StrEnum):
    """What kind of other name an alias is."""

    OFFICIAL = "official"
    FORMER = "former"
    ABBREVIATION = "abbreviation"
    COMMON = "common"
    DEMONYM = "demonym"
    AMBIGUOUS = "ambiguous"
    NAME = "name"
    INSTITUTION = "institution"


class PlaceKind(StrEnum):
    """Why a place is not a state that can join."""

    PART_OF_STATE = "part_of_state"
    TERRITORY = "territory"
    DISPUTED = "disputed"
    NOT_LISTED = "not_listed"
    REGION = "region"
    FICTIONAL = "fictional"


class EventKind(StrEnum):
    """What a dated event is."""

    ADOPTED = "adopted"
    OPENED_FOR_SIGNATURE = "opened_for_signature"
    ENTERED_INTO_FORCE = "entered_into_force"
    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCESSION = "accession"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    SUCCESSION = "succession"
    WITHDRAWAL_ANNOUNCED = "withdrawal_announced"
    WITHDRAWAL_REASON = "withdrawal_reason"
    WITHDRAWAL_PARLIAMENT_VOTE = "withdrawal_parliament_vote"
    WITHDRAWAL_LAW_SIGNED = "withdrawal_law_signed"
    WITHDRAWAL_NOTIFIED = "withdrawal_notified"
    WITHDRAWAL_EFFECTIVE = "withdrawal_effective"
    MEETING_OF_STATES_PARTIES = "meeting_of_states_parties"
    REVIEW_CONFERENCE = "review_conference"
    POLICY_CHANGE = "policy_change"
    OTHER = "other"


class SourceTier(StrEnum):
    """How much a source can be relied on, best first: citations are shown in this order."""

    DEPOSITARY = "depositary"
    OFFICIAL = "official"
    MONITOR = "monitor"
    PRESS = "press"
    OTHER = "other"


TIER_RANK: Mapping[str, int] = {tier: rank for rank, tier in enumerate(SourceTier)}


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str
    date: dt.date | None
    url: str
    accessed: dt.date
    tier: str = SourceTier.OTHER


@dataclass(frozen=True, slots=True)
class State:
    iso3: str
    name: str
    un_member: bool
    signed: dt.date | None
    consent_deposited: dt.date | None
    consent_method: str | None
    entry_into_force: dt.date | None
    withdrawal_notified: dt.date | None
    withdrawal_effective: dt.date | None
    sources: tuple[str, ...] = field(metadata=IN_LINK_TABLE)
    locator: str
    confidence: str
    note: str
    article: str = ""  # "the" for the United States, the Marshall Islands, the Holy See
    curator_note: str = ""  # research remarks for curators; never shown to readers


@dataclass(frozen=True, slots=True)
class Alias:
    alias: str
    iso3s: tuple[str, ...] = field(metadata=IN_LINK_TABLE)
    kind: str
    context: str

    @property
    def ambiguous(self) -> bool:
        return self.kind == "ambiguous"


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...] = field(metadata=IN_LINK_TABLE)
    sources: tuple[str, ...] = field(metadata=IN_LINK_TABLE)
    note: str = ""
    kind: str = "other"
    joined: tuple[tuple[str, dt.date], ...] = field(default=(), metadata=IN_LINK_TABLE)
    left: tuple[tuple[str, dt.date], ...] = field(default=(), metadata=IN_LINK_TABLE)
    short: str = ""  # how a sentence names the organisation: "NATO", "the EU"
    curator_note: str = ""

    def members_on(self, day: dt.date) -> tuple[str, ...]:
        """The members on ``day``: those that had joined by then and had not yet left."""
        joined = dict(self.joined)
        left = dict(self.left)
        return tuple(
            m
            for m in self.members
            if (m not in joined or joined[m] <= day) and (m not in left or left[m] > day)
        )


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: dt.date
    iso3: str | None
    kind: str
    snippet: str
    sources: tuple[str, ...] = field(metadata=IN_LINK_TABLE)
    locator: str
    confidence: str
    curator_note: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    title: str
    answer: str
    sources: tuple[str, ...] = field(metadata=IN_LINK_TABLE)
    locator: str
    article: int | None = None
    quote: str = ""
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # what the fact is about beyond its article, e.g. armed_conflict
    support: tuple[tuple[str, str], ...] = ()  # (source id, what that source supports)
    curator_note: str = ""

    def supported_by(self, source_id: str) -> str:
        """What ``source_id`` supports in this fact, or "" when the fact does not say."""
        return dict(self.support).get(source_id, "")


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str
    parent: str | None
    note: str


@dataclass(slots=True)
class KnowledgeBase:
    """Everything in ``knowledge/``, validated."""

    reviewed: dt.date
    depositary_source: str
    treaty_source: str
    states: dict[str, State] = field(default_factory=dict)
    aliases: list[Alias] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    content_hash: str = ""
    built_at: str = ""
    depositary_as_at: dt.date | None = None  # the depositary page's "status as at" date last compared


R = TypeVar("R", bound="DataclassInstance")


def _same(value: Any) -> Any:
    """The value unchanged."""
    return value


def _text(value: str | None) -> str:
    """Text, with NULL read as the empty string."""
    return value or ""


def iso_or_none(value: dt.date | None) -> str | None:
    """A date as ``YYYY-MM-DD``, or NULL."""
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` column as a date, or None when it is empty."""
    return dt.date.fromisoformat(value) if value else None


def _day(value: str | None) -> dt.date:
    """A required date column; an empty one reads as ``date.min``."""
    return _date(value) or dt.date.min


def _json_list(value: tuple[str, ...]) -> str:
    """A tuple of words as a JSON list."""
    return json.dumps(list(value))


def _json_tuple(value: str | None) -> tuple[str, ...]:
    """A JSON list column as a tuple; NULL reads as the empty tuple."""
    return tuple(json.loads(value)) if value is not None else ()


def _json_pairs(value: tuple[tuple[str, str], ...]) -> str:
    """Pairs of words as a JSON list of two-item lists."""
    return json.dumps([list(pair) for pair in value])


def _pairs_tuple(value: str | None) -> tuple[tuple[str, str], ...]:
    """A JSON list of pairs as a tuple of pairs; NULL reads as the empty tuple."""
    return tuple((a, b) for a, b in json.loads(value)) if value else ()


@dataclass(frozen=True, slots=True)
class _Codec:
    """How a field type is stored: the SQLite column type, and the conversions both ways."""

    column_type: type
    encode: Callable[[Any], object]
    decode: Callable[[Any], object]


_CODECS: dict[object, _Codec] = {
    str: _Codec(str, _same, _text),
    str | None: _Codec(str, _same, _same),
    int | None: _Codec(int, _same, _same),
    bool: _Codec(int, int, bool),
    dt.date: _Codec(str, iso_or_none, _day),
    dt.date | None: _Codec(str, iso_or_none, _date),
    tuple[str, ...]: _Codec(str, _json_list, _json_tuple),
    tuple[tuple[str, str], ...]: _Codec(str, _json_pairs, _pairs_tuple),
}


@functools.cache
def _columns(cls: type[DataclassInstance]) -> tuple[tuple[Field[Any], _Codec], ...]:
    """The fields of ``cls`` that have a column, each with its codec, in field order."""
    hints = typing.get_type_hints(cls)
    return tuple((f, _CODECS[hints[f.name]]) for f in fields(cls) if f.metadata.get("column", True))


def column_types(cls: type[DataclassInstance]) -> dict[str, type]:
    """The columns of the table that stores ``cls`` records, with their types, in field order."""
    return {f.name: codec.column_type for f, codec in _columns(cls)}


def to_row(record: DataclassInstance) -> dict[str, object]:
    """The columns of ``record``: dates as ISO strings, flags as 0 or 1, word lists as JSON."""
    return {f.name: codec.encode(getattr(record, f.name)) for f, codec in _columns(type(record))}


def _field_value(f: Field[Any], codec: _Codec, value: object) -> object:
    """A column read back; an empty column takes the field's default when it has one."""
    if (value is None or value == "") and f.default is not MISSING:
        return f.default
    return codec.decode(value)


def from_row(cls: type[R], row: Mapping[str, Any]) -> R:
    """The record stored in ``row``, the inverse of :func:`to_row`.

    Fields kept in link tables are taken from ``row`` as they are; a field with a default takes it
    when ``row`` lacks it.
    """
    values: dict[str, object] = {
        f.name: _field_value(f, codec, row[f.name] if f.default is MISSING else row.get(f.name))
        for f, codec in _columns(cls)
    }
    for f in fields(cls):
        if f.name not in values:
            values[f.name] = row.get(f.name, f.default if f.default is not MISSING else ())
    return cls(**values)
