"""The answer a user reads, and the citations behind it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.facts.records import State

MAX_ANSWER_CHARS = 8000


@dataclass(frozen=True, slots=True)
class Citation:
    """One numbered source: where a fact comes from, and the snippet the bot shows for it."""

    title: str
    publisher: str
    date: str
    url: str
    locator: str = ""
    snippet: str = ""
    quote: bool = False
    source_id: str = ""
    accessed: bool = False
    tier: str = ""  # the source's tier: depositary, official, monitor, press or other

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Answer:
    """What the engine returns for one question."""

    text: str
    matched: bool
    states: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    confidence: float = 0.0
    suggestions: list[str] = field(default_factory=list)
    intent: str = ""
    as_of: str = ""
    date_asked: str = ""
    truncated_input: bool = False
    period: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``answer``, ``matched``, ``states``, ``citations``, ``confidence``, ``suggestions``."""
        return {
            "answer": self.text,
            "matched": self.matched,
            "states": list(self.states),
            "citations": [c.to_dict() for c in self.citations],
            "confidence": round(self.confidence, 3),
            "suggestions": list(self.suggestions),
            "intent": self.intent,
            "as_of": self.as_of,
            "date_asked": self.date_asked,
            "date": self.period or (self.date_asked or None),
        }


def fit(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """``text`` within ``limit`` characters, ended at a line or sentence end and saying it was shortened.

    Front ends page long answers, so this only bounds a pathological one.
    """
    if len(text) <= limit:
        return text
    note = "\n_(This answer was shortened; ask about a narrower period or group for the rest.)_"
    cut = text[: limit - len(note)]
    boundary = max(cut.rfind("\n"), cut.rfind(". "), cut.rfind("; "))
    if boundary > 0:
        cut = cut[: boundary + 1]
    return cut.rstrip() + note


def decline(
    text: str, *, suggestions: list[str] | None = None, confidence: float = 0.2, intent: str = ""
) -> Answer:
    return Answer(
        text=text,
        matched=False,
        confidence=confidence,
        suggestions=(suggestions or [])[:3],
        intent=intent or "decline",
    )


def matched(
    text: str, states: Iterable[State], citations: list[Citation], confidence: float, intent: str
) -> Answer:
    unique: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    for citation in citations:
        key = (citation.source_id, citation.snippet)
        if key in seen:
            continue
        seen.add(key)
        unique.append(citation)
    codes = list(dict.fromkeys(s.iso3 for s in states))
    return Answer(
        text=text, matched=True, states=codes, citations=unique[:6], confidence=confidence, intent=intent
    )
