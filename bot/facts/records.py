"""Validated records of the fact base, shared by the loader, the database and the index."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CONSENT_METHODS = ("ratification", "accession", "acceptance", "approval", "succession")
CONFIDENCE_LEVELS = ("high", "medium", "low")


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str
    date: dt.date | None
    url: str
    accessed: dt.date


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
    sources: tuple[str, ...]
    locator: str
    confidence: str
    note: str
    article: str = ""  # "the" for the United States, the Marshall Islands, the Holy See


@dataclass(frozen=True, slots=True)
class Alias:
    alias: str
    iso3s: tuple[str, ...]
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
    members: tuple[str, ...]
    sources: tuple[str, ...]
    note: str = ""
    kind: str = "other"
    joined: tuple[tuple[str, dt.date], ...] = ()
    left: tuple[tuple[str, dt.date], ...] = ()

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
    sources: tuple[str, ...]
    locator: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    title: str
    answer: str
    sources: tuple[str, ...]
    locator: str
    article: int | None = None
    quote: str = ""
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


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
