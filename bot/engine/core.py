"""The Engine: the cache, input limits, understand → route, and the closing notes on an answer."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TypeVar

from cachetools import LRUCache

from bot.clock import EARLIEST, LATEST, today_utc
from bot.engine.answer import MAX_ANSWER_CHARS, Answer, decline, fit
from bot.engine.answers import direct, meta
from bot.engine.citations import tidy
from bot.engine.conversation import rewrite
from bot.engine.dates import format_date
from bot.engine.entities import GROUP, STATE
from bot.engine.index import FactIndex
from bot.engine.intents import Intent
from bot.engine.phrasing import (
    SCOPE_HINT,
    date_notes,
    premise_notes,
    read_as_note,
    sentences,
    separate_states_note,
)
from bot.engine.query import Query
from bot.engine.question import Question, understand
from bot.engine.router import route
from bot.facts.records import KnowledgeBase
from bot.textnorm import clean, normalize

MAX_QUESTION_CHARS = 500
MAX_INPUT_CHARS = 100_000  # read this much before invisible characters are stripped and the cut is made
ANSWER_CACHE_SIZE = 2048
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")
# Replies that state no fact, so need no source.
UNCITED_INTENTS = frozenset({"help", "small_talk"})


class Engine:
    """Answers questions from an in-memory copy of the fact base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        clock: Callable[[], dt.date] | None = None,
        cache_size: int = ANSWER_CACHE_SIZE,
    ) -> None:
        self.kb = kb
        self.index = FactIndex(kb)
        self.entities = self.index.entities
        self.cache_size = cache_size
        self.clock = clock or today_utc
        # Answers by question and date; what a question was read as; answers to understood questions (the
        # conversation path) and to slash commands' queries. Each engine serves one fact base, so a reload
        # starts with empty caches.
        size = max(cache_size, 1)
        self._cache: LRUCache[tuple[str, dt.date], Answer] = LRUCache(size)
        self._understood: LRUCache[tuple[str, dt.date], Question | None] = LRUCache(size)
        self._routed: LRUCache[Hashable, Answer] = LRUCache(size)
        self._direct: LRUCache[Query, Answer] = LRUCache(size)

    def ask(self, question: str, *, as_of: dt.date | None = None) -> Answer:
        """Answer ``question`` as if today were ``as_of`` (default: today, UTC). Never raises on bad input."""
        today = as_of or self.clock()
        raw = question if isinstance(question, str) else str(question)
        key = (raw, today)
        answer = self._cache.get(key)
        if answer is None:
            answer = self._finish(self._ask(raw, today), today)
            self._remember(self._cache, key, answer)
        return _detached(answer)

    def _remember(self, cache: LRUCache[_K, _V], key: _K, value: _V) -> None:
        if self.cache_size:
            cache[key] = value

    def understand(self, question: str, *, as_of: dt.date | None = None) -> Question | None:
        """What the engine reads in ``question`` (None for an empty one)."""
        today = as_of or self.clock()
        key = (question, today)
        if key in self._understood:
            return self._understood[key]
        understood = self._understand(question, today)
        self._remember(self._understood, key, understood)
        return understood

    def _understand(self, question: str, today: dt.date) -> Question | None:
        visible = clean(question[:MAX_INPUT_CHARS])
        raw = visible[:MAX_QUESTION_CHARS]
        if not normalize(raw) and not self.entities.find(raw).mentions:  # "Россия", "日本": a name alone
            return None
        truncated = len(visible) > MAX_QUESTION_CHARS
        return understand(raw, today, self.index, truncated=truncated)

    def answer_question(self, q: Question) -> Answer:
        """Route an understood question and add the closing notes."""
        return self._finish(self._noted(q, route(q, self.index)), q.today, truncated=q.truncated)

    def follow_up(
        self,
        text: str,
        *,
        previous: Question | None,
        earlier: Question | None = None,
        as_of: dt.date | None = None,
        noted: frozenset[str] = frozenset(),
    ) -> tuple[Answer, Question | None]:
        """Answer ``text`` as a follow-up of ``previous``: what it leaves out is taken from there."""
        today = as_of or self.clock()
        try:
            return self._follow_up(text, previous, earlier, today, noted)
        except OverflowError:
            return self._finish(_out_of_range(), today), None

    def _follow_up(
        self,
        text: str,
        previous: Question | None,
        earlier: Question | None,
        today: dt.date,
        noted: frozenset[str],
    ) -> tuple[Answer, Question | None]:
        if not EARLIEST <= today <= LATEST:
            return self._finish(_out_of_range(), today), None
        q = self.understand(text, as_of=today)
        if q is None:
            return self._finish(_no_words(text), today), None
        rewritten = rewrite(q, previous, earlier)
        if rewritten is not None:
            resolved = self.understand(rewritten[0], as_of=today)
            if resolved is not None:
                q = replace(resolved, carried=rewritten[1])
        return self._answer_understood(replace(q, noted=noted)), q

    def _answer_understood(self, q: Question) -> Answer:
        """``answer_question`` for a question this engine understood: what it was read from says all of it."""
        key = (q.question, q.today, q.truncated, q.carried, q.noted)
        answer = self._routed.get(key)
        if answer is None:
            answer = self.answer_question(q)
            self._remember(self._routed, key, answer)
        return _detached(answer)

    def answer(self, query: Query) -> Answer:
        """Answer a structured query (from a slash command): no English is parsed."""
        today = query.today or self.clock()
        if not EARLIEST <= today <= LATEST:
            return self._finish(_out_of_range(), today)
        key = replace(query, today=today)
        answer = self._direct.get(key)
        if answer is None:
            answer = self._finish(direct.answer(self.index, query, today), today)
            self._remember(self._direct, key, answer)
        return _detached(answer)

    def _ask(self, raw: str, today: dt.date) -> Answer:
        if not EARLIEST <= today <= LATEST:
            return _out_of_range()
        try:
            q = self.understand(raw, as_of=today)
            if q is None:
                return _no_words(raw)
            answer = self._noted(q, route(q, self.index))
        except OverflowError:  # a relative date ("in 9000 years") past the calendar's end
            return _out_of_range()
        answer.truncated_input = q.truncated
        return answer

    def _finish(self, answer: Answer, today: dt.date, *, truncated: bool | None = None) -> Answer:
        answer.as_of = today.isoformat()
        if truncated is not None:
            answer.truncated_input = truncated
        if answer.truncated_input:
            answer.text = (
                fit(answer.text, MAX_ANSWER_CHARS - 60)
                + f"\n\n_(Your question was cut to {MAX_QUESTION_CHARS} characters.)_"
            )
        answer.text = fit(sentences(answer.text))
        answer.citations = tidy(answer.text, answer.citations)
        if answer.matched and not answer.citations and answer.intent not in UNCITED_INTENTS:
            answer.matched = False
        return answer

    def _noted(self, q: Question, answer: Answer) -> Answer:
        """Say how the question was read: typos, an alias shared by several states, another treaty."""
        if not answer.matched:
            return answer
        if not answer.date_asked:
            answer.date_asked = q.when.date.isoformat()
            answer.period = q.when.period()
        fuzzy = [m for m in q.found.mentions if m.fuzzy and m.target.kind in (STATE, GROUP)]
        if fuzzy:
            answer.confidence = min(answer.confidence, min(m.score for m in fuzzy))
        # A typo, or a name in another language ("Allemagne"), is said back with the state it was read as.
        read = fuzzy + q.found.in_other_languages()
        if read:
            answer.text = read_as_note([(m.text, m.target.label) for m in read]) + answer.text
        if q.carried:
            answer.text = f"_({q.carried})_\n" + answer.text
        answer.text += date_notes(self.index, q) + premise_notes(q, answer.states)
        if q.other_treaty:
            answer.text += (
                f"\n\n_I don't cover {q.other_treaty}; this answer is about the Ottawa Convention only._"
            )
        for mention in q.found.mentions:
            codes = self.index.ambiguous_names.get(normalize(mention.text))
            if mention.target.kind == STATE and codes and not mention.fuzzy:
                chosen = self.kb.states[mention.target.codes[0]].name
                others = [self.kb.states[c].name for c in codes if c != mention.target.codes[0]]
                answer.text += separate_states_note(mention.text, chosen, others)
                answer.suggestions = [f"Is {name} a party?" for name in others][:3]
        return answer


def _no_words(raw: str) -> Answer:
    """A message with no words: a reaction (👍) gets one back, anything else a prompt to ask."""
    if any(unicodedata.category(ch) == "So" for ch in raw):
        return meta.emoji_reply()
    return decline("Please ask a question. " + SCOPE_HINT, confidence=0.0)


def _detached(answer: Answer) -> Answer:
    """A copy whose lists are its own, so a caller cannot change what the cache hands out next."""
    return replace(
        answer,
        states=list(answer.states),
        citations=list(answer.citations),
        suggestions=list(answer.suggestions),
        period=dict(answer.period) if answer.period else None,
    )


def _out_of_range() -> Answer:
    return decline(
        f"I answer for dates from {format_date(EARLIEST)} to {format_date(LATEST)}; "
        "that date is outside them.",
        intent=Intent.NOT_A_DATE,
        suggestions=["Is Poland a party today?", "How many States Parties are there?"],
    )
