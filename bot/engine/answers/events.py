"""Answers from the dated events: a search over every event's snippet when no structured route fits."""

from __future__ import annotations

from bot.engine.answer import Answer, matched
from bot.engine.citations import event_citation
from bot.engine.dates import format_date
from bot.engine.entities import STATE
from bot.engine.index import FactIndex, is_cue
from bot.engine.question import Question
from bot.engine.search import Hit

CLEAR_SCORE = 0.55
CLEAR_MARGIN = 0.12


def query_tokens(ix: FactIndex, q: Question) -> list[str]:
    """The question's meaning-bearing word stems (synonyms folded) and ``@ISO`` for each state named."""
    covered = q.found.covered()
    tokens = [f"@{m.target.codes[0]}" for m in q.found.mentions if m.target.kind == STATE and m.target.codes]
    stop = ix.search.stopwords
    for i, word in enumerate(q.found.tokens):
        if i in covered or word in stop or len(word) < 2 or word.isdigit():
            continue
        tokens.append(ix.search.fold(word))
    return tokens


def _on_the_day(ix: FactIndex, q: Question) -> list[Hit]:
    if not q.when.explicit or q.when.is_period:
        return []
    day = q.when.date
    return [Hit(e, 1.0, ()) for e in ix.kb.events if e.date == day][:3]


def _clear(hits: list[Hit], names: set[str]) -> list[Hit]:
    """The hits that clearly answer: a high score, and either two matched words or one rare name."""
    if not hits or hits[0].score < CLEAR_SCORE:
        return []
    words = [t for t in hits[0].matched if not t.startswith("@")]
    states = [t for t in hits[0].matched if t.startswith("@")]
    if not words or (len(words) < 2 and not states and not (set(words) & names)):
        return []  # one ordinary word, or a state's name alone, is not a match
    best = hits[0]
    close = [h for h in hits[1:] if best.score - h.score < CLEAR_MARGIN]
    if close and any(h.event.date != best.event.date for h in close):
        return [best] if best.score >= CLEAR_SCORE + CLEAR_MARGIN else []
    return [best, *close]


def event_answer(ix: FactIndex, q: Question) -> Answer | None:
    """The event (or two) the question is about, when the match is clear; None otherwise."""
    names = {ix.search.fold(w.lower()) for w in q.unknown} | {
        ix.search.fold(w) for w in q.found.tokens if w in ix.domain_words and not ix.entities.is_ordinary(w)
    }
    hits = _on_the_day(ix, q) or _clear(ix.search.search(query_tokens(ix, q), limit=3), names)
    if not hits:
        return None
    hits = sorted(hits, key=lambda h: h.event.date)
    lines = [f"**{format_date(h.event.date)}**: {h.event.snippet}" for h in hits]
    states = [ix.kb.states[h.event.iso3] for h in hits if h.event.iso3 in ix.kb.states]
    confidence = min(0.9, 0.4 + hits[0].score * 0.5)
    return matched("\n".join(lines), states, [event_citation(ix, h.event) for h in hits], confidence, "event")


STRONG_SCORE = 0.75
STRONG_WORDS = 2
FACT_MARGIN = 0.2


def strong_event_answer(ix: FactIndex, q: Question) -> Answer | None:
    """An event the question describes in its own words (not the words of intents like "joined" or "how
    many"), before any list answers: "what did the UN secretary general say"."""
    own = [t for t in query_tokens(ix, q) if not is_cue(ix, t) and not t.startswith("@")]
    hits = ix.search.search(own, limit=3)
    if not hits or hits[0].score < STRONG_SCORE or len(hits[0].matched) < STRONG_WORDS:
        return None
    if hits[0].score < q.fact_score + FACT_MARGIN:
        return None  # a treaty fact matches about as well: the fact route answers
    return event_answer(ix, q)
