"""Answers from the dated events: a search over every event's snippet when no structured route fits."""

from __future__ import annotations

import datetime as dt
import re

from bot.engine.answer import Answer, matched
from bot.engine.citations import event_citation
from bot.engine.dates import format_date
from bot.engine.entities import STATE
from bot.engine.index import FactIndex, is_cue
from bot.engine.lexicon import lexicon
from bot.engine.question import Question
from bot.engine.search import Hit

CLEAR_SCORE = 0.55
CLEAR_MARGIN = 0.12


def query_tokens(ix: FactIndex, q: Question) -> list[str]:
    """The question's meaning-bearing word stems (synonyms folded) and ``@ISO`` for each state named;
    the words of its date are left out (the date filters the events instead)."""
    covered = q.found.covered() | q.date_tokens
    tokens = [f"@{m.target.codes[0]}" for m in q.found.mentions if m.target.kind == STATE and m.target.codes]
    stop = lexicon().fillers
    for i, word in enumerate(q.found.tokens):
        if i in covered or word in stop or len(word) < 2 or word.isdigit():
            continue
        tokens.append(ix.search.fold(word))
    return tokens


ON_THE_DAY = 6
WITHIN_SCORE = 0.3


def _on_the_day(ix: FactIndex, q: Question) -> list[Hit]:
    if not q.when.explicit or q.when.is_period:
        return []
    day = q.when.date
    return [Hit(e, 1.0, ()) for e in ix.kb.events if e.date == day][:ON_THE_DAY]


def _within_period(ix: FactIndex, q: Question, tokens: list[str], names: set[str]) -> list[Hit]:
    """With a period named, the event within it that shares a name or two words with the question."""
    if not q.when.explicit or not q.when.is_period or q.when.start is None:
        return []
    hits = ix.search.search(tokens, limit=2, within=(q.when.start, q.when.end or q.when.date))
    if not hits or hits[0].score < WITHIN_SCORE:
        return []
    words = [t for t in hits[0].matched if not t.startswith("@")]
    return hits[:1] if len(words) >= 2 or set(words) & names else []


NAMED_SCORE = 0.3
_IDENTIFIER = re.compile(r"(?=.*\d)(?=.*[a-z])[a-z0-9]+")  # "22msp": the name of one thing


def _named(hits: list[Hit], names: set[str]) -> list[Hit] | None:
    """When the question names someone or something rare ("Duda", "Hegseth"), the events that name it decide:
    the best of them if it stands clear of the next, or the two if they tie (None: no name matched)."""
    named = [h for h in hits if set(h.matched) & names]
    if not named:
        return None
    best = named[0]
    if best.score < NAMED_SCORE:
        return []
    rivals = [h for h in named[1:] if best.score - h.score < CLEAR_MARGIN]
    return [best, *rivals[:1]]


def _clear(hits: list[Hit], names: set[str]) -> list[Hit]:
    """The hits that clearly answer: a high score, and either two matched words or one rare name."""
    named = _named(hits, names)
    if named is not None:
        return named
    if not hits or hits[0].score < CLEAR_SCORE:
        return []
    words = [t for t in hits[0].matched if not t.startswith("@")]
    states = [t for t in hits[0].matched if t.startswith("@")]
    if not words or (len(words) < 2 and not states):
        return []  # one ordinary word, or a state's name alone, is not a match
    best = hits[0]
    close = [h for h in hits[1:] if best.score - h.score < CLEAR_MARGIN]
    if close and any(h.event.date != best.event.date for h in close):
        return [best] if best.score >= CLEAR_SCORE + CLEAR_MARGIN else []
    return [best, *close]


SAME_DAY_KIND = 5


def _with_same_day_kind(ix: FactIndex, hits: list[Hit]) -> list[Hit]:
    """Events of the same kind on the same day as the best one (the four co-signed announcements)."""
    best = hits[0].event
    if not best.iso3:
        return hits
    same = [e for e in ix.kb.events if e.date == best.date and e.kind == best.kind and e.iso3]
    if len(same) <= 1:
        return hits
    return [Hit(e, hits[0].score, hits[0].matched) for e in same[:SAME_DAY_KIND]]


def event_answer(ix: FactIndex, q: Question) -> Answer | None:
    """The event (or two) the question is about, when the match is clear; None otherwise."""
    names = names_in(ix, q)
    tokens = query_tokens(ix, q)
    hits = (
        _on_the_day(ix, q)
        or _within_period(ix, q, tokens, names)
        or _clear(ix.search.search(tokens, limit=3), names)
    )
    if not hits:
        return None
    hits = _with_same_day_kind(ix, hits)
    hits = sorted(hits, key=lambda h: h.event.date)
    lines = [f"**{format_date(h.event.date)}**: {h.event.snippet}" for h in hits]
    states = [ix.kb.states[h.event.iso3] for h in hits if h.event.iso3 in ix.kb.states]
    confidence = min(0.9, 0.4 + hits[0].score * 0.5)
    return matched("\n".join(lines), states, [event_citation(ix, h.event) for h in hits], confidence, "event")


def named_event_answer(ix: FactIndex, q: Question) -> Answer | None:
    """The event of someone or something only the events name ("what did Guterres say about the
    withdrawals"), before the lists the question's other words would ask for; None when no event names it."""
    names = names_in(ix, q)
    named = _named(ix.search.search(query_tokens(ix, q), limit=3), names) if names else None
    if not named or len(named[0].matched) < 2:
        return (
            None  # the name and a word of the question: "what did the 22MSP say about suspension" is a fact
        )
    return event_answer(ix, q)


STRONG_SCORE = 0.75
STRONG_WORDS = 2
FACT_MARGIN = 0.2


def names_in(ix: FactIndex, q: Question) -> set[str]:
    """Search keys of the names in the question (not its states or date): words nothing else understood, rare
    words of the facts ("Hegseth"), and identifiers ("22MSP")."""
    skip = q.found.covered() | q.date_tokens
    free = [w for i, w in enumerate(q.found.tokens) if i not in skip]
    rare = {
        ix.search.fold(w)
        for w in free
        if w.isalpha() and len(w) > 3 and w in ix.domain_words and not ix.entities.is_ordinary(w)
    }
    return (
        {ix.search.fold(w.lower()) for w in q.unknown} | rare | {w for w in free if _IDENTIFIER.fullmatch(w)}
    )


def _period(q: Question) -> tuple[dt.date, dt.date] | None:
    if q.when.explicit and q.when.is_period and q.when.start is not None:
        return q.when.start, q.when.end or q.when.date
    return None


def _strong(hit: Hit, q: Question, names: set[str], within: tuple[dt.date, dt.date] | None) -> bool:
    """Whether the best hit describes the question's event well enough to answer before any list."""
    needed = STRONG_WORDS + (1 if q.states or q.groups else 0)
    enough = len(hit.matched) >= needed or bool(within and set(hit.matched) & names)
    return hit.score >= STRONG_SCORE and enough and hit.score >= q.fact_score + FACT_MARGIN


def strong_event_answer(ix: FactIndex, q: Question) -> Answer | None:
    """An event the question describes in its own words (not the words of intents like "joined" or "how
    many"), before any list answers: "what did the UN secretary general say"."""
    own = [t for t in query_tokens(ix, q) if not is_cue(ix, t) and not t.startswith("@")]
    if not own or (len(set(own)) < STRONG_WORDS + 1 and (q.states or q.groups)):
        return None  # with a state named, only three or more words of its own describe an event
    within = _period(q)
    hits = ix.search.search(own, limit=3, within=within)
    if not hits or not _strong(hits[0], q, names_in(ix, q), within):
        return None
    return event_answer(ix, q)
