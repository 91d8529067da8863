"""FactIndex: everything the engine precomputes once from a fact base."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from bot.engine.entities import EntityIndex
from bot.engine.lexicon import lexicon
from bot.engine.search import EventSearch, stem
from bot.engine.status import PartyTimeline
from bot.facts.records import Event, Fact, KnowledgeBase, State
from bot.textnorm import normalize, sorted_words

_LITERAL = re.compile(r"[a-z]{3,}")
_PREFIX_LITERAL = re.compile(r"([a-z]{5,})\\w")
_ESCAPE = re.compile(r"\\[a-zA-Z]")


class FactIndex:
    """The fact base and the lookups built from it; read-only once made."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.entities = EntityIndex(kb, extra_vocabulary=_fact_vocabulary(kb))
        self.by_consent: list[State] = _by_consent(kb)
        self.timeline = PartyTimeline(kb.states.values())
        self.in_force_from = min(
            (s.entry_into_force for s in kb.states.values() if s.entry_into_force), default=None
        )
        self.adopted_on = min((e.date for e in kb.events if e.kind == "adopted"), default=None)
        self.opened_on = min((e.date for e in kb.events if e.kind == "opened_for_signature"), default=None)
        self.ambiguous_names: dict[str, tuple[str, ...]] = _ambiguous_names(kb)
        self.events_by_state: dict[str, list[Event]] = _events_by_state(kb)
        self.fact_questions: list[tuple[str, str]] = [
            (fact.id, normalize(q)) for fact in kb.facts.values() for q in fact.questions
        ]
        self.fact_question_texts: list[str] = [q for _, q in self.fact_questions]
        self.fact_question_sorted: list[str] = [sorted_words(q) for q in self.fact_question_texts]
        self.changed_on: dict[dt.date, list[State]] = _changed_on(kb)
        self.fact_keywords: dict[str, list[str]] = _fact_keywords(kb)
        words = lexicon().words
        self.synonyms: dict[str, str] = _synonyms()
        self.search = EventSearch(kb, self.entities, words["stopwords"], self.synonyms)
        self.domain_words = _domain_words(kb, self.search)
        self.topic_words = _topic_words(kb)
        self.cue_stems = frozenset(stem(w) for w in _cue_words()) | frozenset(_cue_words())
        self.cue_prefixes = tuple(sorted(_cue_prefixes()))
        self.typo_words: dict[str, list[str]] = _typo_words(self.domain_words)
        self.facts_by_article: dict[int, list[Fact]] = _facts_by_article(kb)


def _fact_vocabulary(kb: KnowledgeBase) -> set[str]:
    """The words of the facts' keywords and question forms."""
    vocabulary: set[str] = set()
    for fact in kb.facts.values():
        for text in (*fact.keywords, *fact.questions):
            vocabulary.update(normalize(text).split())
    return vocabulary


def _by_consent(kb: KnowledgeBase) -> list[State]:
    """The states that deposited their consent to be bound, in deposit order."""
    return sorted(
        (s for s in kb.states.values() if s.consent_deposited), key=lambda s: (s.consent_deposited, s.name)
    )


def _ambiguous_names(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Names that could mean more than one state, normalized, with the states they could mean."""
    return {normalize(a.alias): a.iso3s for a in kb.aliases if a.kind == "ambiguous"}


def _events_by_state(kb: KnowledgeBase) -> dict[str, list[Event]]:
    """Each state's events, in the fact base's order."""
    events: dict[str, list[Event]] = {}
    for event in kb.events:
        if event.iso3:
            events.setdefault(event.iso3, []).append(event)
    return events


def _fact_keywords(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Each fact's non-empty normalized keywords."""
    return {fact.id: [normalize(k) for k in fact.keywords if normalize(k)] for fact in kb.facts.values()}


def _synonyms() -> dict[str, str]:
    """Each synonym in the lexicon, mapped to the word it stands for."""
    return {word: key for key, listed in lexicon().synonyms.items() for word in listed}


def _typo_words(domain_words: frozenset[str]) -> dict[str, list[str]]:
    """Alphabetic domain words of four letters or more, sorted, by first letter (typo candidates)."""
    typo_words: dict[str, list[str]] = {}
    for word in sorted(domain_words):
        if len(word) >= 4 and word.isalpha():
            typo_words.setdefault(word[0], []).append(word)
    return typo_words


def _facts_by_article(kb: KnowledgeBase) -> dict[int, list[Fact]]:
    """The facts about each article of the Convention."""
    by_article: dict[int, list[Fact]] = {}
    for fact in kb.facts.values():
        if fact.article:
            by_article.setdefault(fact.article, []).append(fact)
    return by_article


def _pattern_words(patterns: Iterable[re.Pattern[str]]) -> set[str]:
    """The literal words written in regular expressions ("party", "withdr")."""
    words: set[str] = set()
    for pattern in patterns:
        words.update(_LITERAL.findall(_ESCAPE.sub(" ", pattern.pattern)))
    return words


def _domain_words(kb: KnowledgeBase, search: EventSearch) -> frozenset[str]:
    """Every word the engine has a meaning for: in the lexicon, the facts, the events, groups and sources."""
    lex = lexicon()
    words: set[str] = set()
    for listed in lex.words.values():
        words.update(listed)
    for listed in lex.small_talk.values():
        words.update(str(listed).split())
    for listed in lex.synonyms.values():
        words.update(listed)
    words.update(lex.ordinals)
    patterns = (*lex.state_cues.values(), *lex.cues.values(), *lex.router_cues.values(), *lex.guards.values())
    words |= _pattern_words((*patterns, *(p for p, _ in lex.other_treaties)))
    texts = [f.title + " " + f.answer + " " + " ".join(f.keywords + f.questions) for f in kb.facts.values()]
    texts += [e.snippet for e in kb.events]
    texts += [g.name + " " + (g.note or "") for g in kb.groups.values()]
    texts += [p.name + " " + p.note for p in kb.places]
    for text in texts:
        words.update(normalize(text).split())
    return frozenset(w for w in words if len(w) > 1)


def _intent_patterns() -> list[re.Pattern[str]]:
    """The cues that say what is asked about a state or a count (not the topics of events, like "statement")."""
    lex = lexicon()
    state = [p for name, p in lex.state_cues.items() if name != "timeline"]
    general = [lex.cues[name] for name in ("when", "how_many", "list", "never", "recent", "count_nouns")]
    return state + general


def _cue_words() -> set[str]:
    """The words of the intent cues ("party", "withdrew", "how many")."""
    return _pattern_words(_intent_patterns())


def _cue_prefixes() -> set[str]:
    """Cue words written as a stem with ``\\w*`` ("withdr", "ratif"): any word they begin."""
    prefixes: set[str] = set()
    for pattern in _intent_patterns():
        prefixes.update(_PREFIX_LITERAL.findall(pattern.pattern.replace("\\b", " ")))
    return prefixes


def _topic_words(kb: KnowledgeBase) -> frozenset[str]:
    """The words that name what the engine answers about: the lexicon's cues and the facts' keywords
    and question forms (not every word of every snippet)."""
    lex = lexicon()
    words: set[str] = set(lex.ordinals)
    for listed in lex.synonyms.values():
        words.update(listed)
    words |= _pattern_words((*lex.state_cues.values(), *lex.cues.values(), *lex.router_cues.values()))
    for fact in kb.facts.values():
        for text in (fact.title, *fact.keywords, *fact.questions):
            words.update(normalize(text).split())
    return frozenset(words | {stem(w) for w in words})


def is_cue(ix: FactIndex, token: str) -> bool:
    """Whether a search token is one of the lexicon's intent words (never evidence for an event)."""
    return token in ix.cue_stems or token.startswith(ix.cue_prefixes)


def _changed_on(kb: KnowledgeBase) -> dict[dt.date, list[State]]:
    """The states whose entry into force or withdrawal took effect on each day."""
    out: dict[dt.date, list[State]] = {}
    for state in kb.states.values():
        for day in (state.entry_into_force, state.withdrawal_effective):
            if day is not None:
                out.setdefault(day, []).append(state)
    return out
