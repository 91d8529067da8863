"""The answer a user reads, and the citations behind it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_ANSWER_CHARS = 1500


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
        }


def fit(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Cut ``text`` to ``limit`` characters at a line or word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    if boundary > limit // 2:
        cut = cut[:boundary]
    return cut.rstrip() + " …"
