"""Citations: the depositary record, sources and event snippets behind an answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.engine.answer import Citation
from bot.engine.dates import format_date
from bot.engine.index import FactIndex
from bot.facts.records import TIER_RANK, Event, State
from bot.textnorm import normalize


def citation(
    ix: FactIndex, source_id: str, *, locator: str = "", snippet: str = "", quote: bool = False
) -> Citation:
    source = ix.kb.sources[source_id]
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
        tier=source.tier,
    )


def tidy(text: str, citations: Sequence[Citation]) -> list[Citation]:
    """The citations best tier first, each source once per snippet, and no snippet shown twice.

    A snippet that only repeats a sentence of the answer, or one an earlier citation already
    shows, is dropped; the citation itself stays, since the source still backs the answer.
    """
    answer = f" {normalize(text)} "
    seen: set[str] = set()
    shown: set[tuple[str, str]] = set()  # (source, snippet as shown) of the citations kept
    kept: list[Citation] = []
    ranked = sorted(citations, key=lambda c: TIER_RANK.get(c.tier, len(TIER_RANK)))
    for c in ranked:
        key = normalize(c.snippet)
        if (c.source_id, key) in shown:
            continue
        if key and not c.quote and (key in seen or f" {key} " in answer):
            c = replace(c, snippet="")
        seen.add(key)
        shown.add((c.source_id, key if c.snippet else ""))
        kept.append(c)
    return kept


def source_citations(ix: FactIndex, source_ids: Iterable[str], *, snippet: str) -> list[Citation]:
    return [citation(ix, s, snippet=snippet) for s in source_ids]


def depositary_citation(ix: FactIndex, states: Sequence[State]) -> Citation:
    if states:
        records = "; ".join(record(s) for s in states[:4])
        if len(states) > 4:
            records += f"; and {len(states) - 4} more"
        locator = states[0].locator if len(states) == 1 else "participant list and end notes"
    else:
        records = "Participants in the Convention, with their signature, consent and withdrawal dates."
        locator = "participant list"
    return citation(ix, ix.kb.depositary_source, locator=locator, snippet=records)


def record(state: State) -> str:
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


def event_citation(ix: FactIndex, event: Event) -> Citation:
    """The event's best-tier source, with the event's snippet."""
    best = min(event.sources, key=lambda s: TIER_RANK.get(ix.kb.sources[s].tier, len(TIER_RANK)))
    return citation(ix, best, locator=event.locator, snippet=event.snippet)


def state_event_citations(ix: FactIndex, state: State, *, kinds: set[str]) -> list[Citation]:
    return [event_citation(ix, e) for e in ix.events_by_state.get(state.iso3, []) if e.kind in kinds][:2]
