"""Search the whole fact base (events, treaty facts, group notes) by words weighted by their rarity (IDF).

Documents and questions become bags of word stems; states named in either become ``@ISO`` tokens, so
"did the us send landmines to ukraine" meets the event that names both. Built once per fact base.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from dataclasses import dataclass

from bot.engine.entities import STATE, EntityIndex
from bot.facts.records import Event, KnowledgeBase

_SUFFIXES = ("ations", "ation", "als", "al", "ings", "ing", "ies", "ied", "ed", "es", "s")


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude English stem: "transfers", "transferred" and "transferring" all become "transfer"."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word[-1] == word[-2]:
        word = word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Hit:
    """A document that matches a question, and how well (share of the question's weight it covers)."""

    event: Event
    score: float
    matched: tuple[str, ...]


class EventSearch:
    """IDF-weighted word overlap between a question and every dated event's snippet."""

    def __init__(
        self,
        kb: KnowledgeBase,
        entities: EntityIndex,
        stopwords: frozenset[str],
        synonyms: dict[str, str],
    ) -> None:
        self.stopwords = stopwords
        self.synonyms = synonyms
        self.entities = entities
        self.docs: list[tuple[Event, frozenset[str]]] = []
        for event in kb.events:
            tokens = set(self.tokens(event.snippet + " " + event.kind.replace("_", " ")))
            if event.iso3:
                tokens.add(f"@{event.iso3}")
            self.docs.append((event, frozenset(tokens)))
        df: Counter[str] = Counter(t for _, doc in self.docs for t in doc)
        n = max(1, len(self.docs))
        self.idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self.unseen_idf = math.log(n + 1) + 1

    def tokens(self, text: str) -> list[str]:
        """Stems of the words that carry meaning, and ``@ISO`` for every state named."""
        found = self.entities.find(text)
        covered = found.covered()
        out = [f"@{m.target.codes[0]}" for m in found.mentions if m.target.kind == STATE and m.target.codes]
        for i, word in enumerate(found.tokens):
            if i in covered or word in self.stopwords or len(word) < 2:
                continue
            out.append(self.fold(word))
        return out

    def fold(self, word: str) -> str:
        """A word's search key: its synonym group's head word, stemmed."""
        return stem(self.synonyms.get(word, word))

    def search(
        self, query_tokens: list[str], *, limit: int = 2, within: tuple[dt.date, dt.date] | None = None
    ) -> list[Hit]:
        """The best events for the question's tokens, best first (only those ``within`` a period, if given)."""
        query = set(query_tokens)
        if not query:
            return []
        total = sum(self.idf.get(t, self.unseen_idf) for t in query)
        hits = []
        for event, doc in self.docs:
            if within is not None and not within[0] <= event.date <= within[1]:
                continue
            common = query & doc
            if not common:
                continue
            score = sum(self.idf[t] for t in common) / total
            hits.append(Hit(event, score, tuple(sorted(common))))
        # Equal scores: the event whose kind the question names ("review conference") first, then events of a
        # named kind (a meeting, a vote) before other ones, then the earliest.
        hits.sort(
            key=lambda h: (
                -h.score,
                -len(query & self.kind_words(h.event)),
                h.event.kind == "other",
                h.event.date,
            )
        )
        return hits[:limit]

    def kind_words(self, event: Event) -> frozenset[str]:
        """The search keys of an event's kind ("review_conference" → review, conference)."""
        return frozenset(self.fold(w) for w in event.kind.split("_"))
