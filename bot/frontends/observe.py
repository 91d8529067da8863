"""What each front end reports after it answers: one event per question, for metrics and the misses log.

Front ends call :meth:`Observers.notify`; metrics and the misses log subscribe. The event carries the
question's text (mentions stripped) but never who asked or where.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.answer import Answer

log = logging.getLogger("bot.observe")
LOW_CONFIDENCE = 0.5
ANSWERED, SUGGESTED, DECLINED, COMMAND = "answered", "suggested", "declined", "command"


def outcome_of(answer: Answer | None) -> str:
    """``answered``, ``suggested`` (not answered, with suggestions), ``declined``, or ``command`` (no engine answer)."""
    if answer is None:
        return COMMAND
    if answer.matched:
        return ANSWERED
    return SUGGESTED if answer.suggestions else DECLINED


@dataclass(frozen=True, slots=True)
class Answered:
    """One question answered (or not) by a front end."""

    frontend: str  # "slash", "mention", "context_menu", "button", "console"
    command: str
    outcome: str
    latency_ms: float
    question: str = ""
    confidence: float = 1.0

    @property
    def missed(self) -> bool:
        """Declined, only suggested, or answered with low confidence: worth a curator's look."""
        return self.outcome in (SUGGESTED, DECLINED) or (
            self.outcome == ANSWERED and self.confidence < LOW_CONFIDENCE
        )


Observer = Callable[[Answered], None]


class Observers:
    """The subscribers to answered questions; a failing subscriber is logged and never breaks an answer."""

    def __init__(self) -> None:
        self._subscribers: list[Observer] = []

    def subscribe(self, observer: Observer) -> None:
        self._subscribers.append(observer)

    def notify(self, event: Answered) -> None:
        for observer in self._subscribers:
            try:
                observer(event)
            except Exception:
                log.exception("an observer of answered questions failed")


def answered(
    *, frontend: str, command: str, answer: Answer | None, latency_ms: float, question: str = ""
) -> Answered:
    """The event for one reply: its outcome and confidence read from the engine's answer."""
    return Answered(
        frontend=frontend,
        command=command,
        outcome=outcome_of(answer),
        latency_ms=latency_ms,
        question=question,
        confidence=answer.confidence if answer is not None else 1.0,
    )
