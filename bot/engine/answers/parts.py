"""Pieces every answer is built from: citations, tense, declines and the question context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine import intents as I
from bot.engine.answer import Answer, Citation
from bot.engine.dates import DateQuery, format_date
from bot.engine.entities import Found
from bot.engine.status import PartyTimeline
from bot.facts.records import Event, Fact, Group, KnowledgeBase, State

SCOPE_HINT = (
    "I answer questions about the Ottawa Mine Ban Convention: who is a State Party, who signed, "
    "who withdrew and when, how many parties there are on a date, and what the treaty says. "
    "Try “Is Finland still a party?” or “How does withdrawal work?”"
)


@dataclass(slots=True)
class Context:
    """What the engine worked out about a question."""

    question: str
    text: str  # folded, punctuation kept
    norm: str  # normalised words
    templated: str
    today: dt.date
    when: DateQuery
    found: Found
    states: list[State]
    groups: list[Group]
    truncated: bool


class AnswerParts:
    """Citations, tense and the matched or declined answer, shared by every kind of answer."""

    kb: KnowledgeBase
    timeline: PartyTimeline
    events_by_state: dict[str, list[Event]]
    by_consent: list[State]
    facts_by_article: dict[int, list[Fact]]
    fact_questions: list[tuple[str, str]]
    fact_keywords: dict[str, list[str]]

    def _tense(self, when: dt.date, today: dt.date) -> tuple[str, str, str]:
        """Words for a status on ``when``: ("is", "has", "") today, ("was", "had", "On D, ") in the past."""
        if when == today:
            return "is", "has", ""
        if when < today:
            return "was", "had", f"On {format_date(when)}, "
        return (
            "will be",
            "will have",
            f"On {format_date(when)} (going by the record as of {format_date(today)}), ",
        )

    @staticmethod
    def _yes(ctx: Context) -> str:
        """``"Yes. "`` for a yes/no question; nothing for "when" and other questions."""
        first = ctx.found.tokens[0] if ctx.found.tokens else ""
        yes_no = first in {
            "is",
            "was",
            "are",
            "were",
            "has",
            "have",
            "had",
            "did",
            "does",
            "do",
            "will",
            "can",
            "could",
        }
        return "Yes. " if yes_no and not I.WHEN.search(ctx.norm) else ""

    @staticmethod
    def _happens(day: dt.date, today: dt.date, past: str, future: str) -> str:
        return past if day <= today else future

    def _decline(
        self, text: str, *, suggestions: list[str] | None = None, confidence: float = 0.2, intent: str = ""
    ) -> Answer:
        return Answer(
            text=text,
            matched=False,
            confidence=confidence,
            suggestions=(suggestions or [])[:3],
            intent=intent or "decline",
        )

    def _citation(
        self, source_id: str, *, locator: str = "", snippet: str = "", quote: bool = False
    ) -> Citation:
        source = self.kb.sources[source_id]
        return Citation(
            title=source.title,
            publisher=source.publisher,
            date=(source.date or source.accessed).isoformat(),
            accessed=source.date is None,
            url=source.url,
            locator=locator,
            snippet=snippet,
            quote=quote,
            source_id=source_id,
        )

    def _source_citations(self, source_ids: Iterable[str], *, snippet: str) -> list[Citation]:
        return [self._citation(s, snippet=snippet) for s in source_ids]

    def _depositary_citation(self, states: list[State]) -> Citation:
        if states:
            records = "; ".join(self._record(s) for s in states[:4])
            if len(states) > 4:
                records += f"; and {len(states) - 4} more"
            locator = states[0].locator if len(states) == 1 else "participant list and end notes"
        else:
            records = "Participants in the Convention, with their signature, consent and withdrawal dates."
            locator = "participant list"
        return self._citation(self.kb.depositary_source, locator=locator, snippet=records)

    @staticmethod
    def _record(state: State) -> str:
        parts = []
        if state.signed:
            parts.append(f"signed {format_date(state.signed)}")
        if state.consent_deposited:
            parts.append(f"{state.consent_method} {format_date(state.consent_deposited)}")
        if state.entry_into_force:
            parts.append(f"in force {format_date(state.entry_into_force)}")
        if state.withdrawal_notified:
            parts.append(f"withdrawal notified {format_date(state.withdrawal_notified)}")
        if state.withdrawal_effective:
            parts.append(f"effective {format_date(state.withdrawal_effective)}")
        if not parts:
            parts.append("not a participant")
        return f"{state.name}: " + ", ".join(parts)

    def _event_citation(self, event: Event) -> Citation:
        return self._citation(event.sources[0], locator=event.locator, snippet=event.snippet)

    def _steps_without_notice(self, state: State, d: dt.date) -> list[Event]:
        """Steps towards leaving (announcements, votes, laws, notices) by ``d`` from a state whose record shows
        no Article 20 instrument of withdrawal: it is still a State Party."""
        if state.withdrawal_notified:
            return []
        return [
            e
            for e in self.events_by_state.get(state.iso3, [])
            if e.kind.startswith("withdrawal_") and e.kind != "withdrawal_reason" and e.date <= d
        ]

    def _state_event_citations(self, state: State, *, kinds: set[str]) -> list[Citation]:
        return [self._event_citation(e) for e in self.events_by_state.get(state.iso3, []) if e.kind in kinds][
            :2
        ]

    def _matched(
        self, text: str, states: Iterable[State], citations: list[Citation], confidence: float, intent: str
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


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def be_not(be: str, rest: str) -> str:
    """``was **not a party**``, or ``will **not be a party**`` for a future date."""
    if be == "will be":
        return f"will **not be {rest}**"
    return f"{be} **not {rest}**"


def plural(count: int, noun: str) -> str:
    """``**1** state`` or ``**2** states``."""
    return f"**{count}** {noun}{'' if count == 1 else 's'}"


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def names(states: Iterable[State]) -> str:
    """``Estonia, Latvia, Lithuania``."""
    return ", ".join(state.name for state in states)
