"""Answers about the Convention itself, matched against its facts' question forms and keywords."""

from __future__ import annotations

import re

import bot.engine.intents as I
from bot.engine.answer import Answer, decline, matched
from bot.engine.citations import (
    citation,
)
from bot.engine.factmatch import fact_scores
from bot.engine.index import FactIndex
from bot.engine.lexicon import lexicon
from bot.engine.phrasing import SCOPE_HINT
from bot.engine.question import Question
from bot.facts.records import Fact


def article_answer(ix: FactIndex, ctx: Question) -> Answer:
    """What an article says, by its number."""
    number = ctx.article or 0
    facts = ix.facts_by_article.get(number)
    if not facts:
        if 1 <= number <= 22:
            return decline(
                f"I don't have a summary of Article {number} in my records yet.",
                intent=I.FACT,
                suggestions=["What does Article 1 say?", "How does withdrawal work?"],
            )
        return decline("The Convention has 22 articles; ask about one of them. " + SCOPE_HINT, intent=I.FACT)
    fact = facts[0]
    if number == 20 and ctx.has("armed_conflict"):
        fact = next((f for f in facts if "armed_conflict" in f.topics), fact)
    return fact_answer(ix, fact, ctx, confidence=0.95)


def fact_answer(ix: FactIndex, fact: Fact, ctx: Question, *, confidence: float) -> Answer:
    citations = []
    for i, source_id in enumerate(fact.sources):
        quote = bool(fact.quote) and i == 0 and source_id == ix.kb.treaty_source
        citations.append(
            citation(
                ix,
                source_id,
                locator=fact.locator if i == 0 else "",
                snippet=fact.quote if quote else fact.supported_by(source_id),
                quote=quote,
            )
        )
    text = f"**{fact.title}**\n{fact.answer}"
    if fact.quote and ctx.has("quote"):
        text += f"\n> “{fact.quote}”"
    return matched(text, [], citations, min(1.0, 0.5 + confidence * 0.6), I.FACT)


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def _fits_the_year(fact: Fact, q: Question) -> bool:
    """A fact whose title names a year answers a question naming another year only if it speaks of that
    year, or (a report, not an event) if the year asked is later: "1997 Nobel Peace Prize" says nothing of
    2024, "Landmine Monitor 2025" nothing of 2019, but it is the latest word on 2026."""
    years = [int(y) for y in _YEAR.findall(fact.title)]
    if not years or not q.when.explicit or _covers_year(fact, q):
        return True
    asked = q.when.date.year
    return not fact.title.startswith(str(years[0])) and asked > max(years)


def best_fact_answer(ix: FactIndex, ctx: Question) -> Answer | None:
    """The treaty fact that best matches the question, unless the question names a year it does not speak of
    ("who won the Nobel Peace Prize in 2024" is not answered with the 1997 prize)."""
    if ctx.fact is None or not _fits_the_year(ctx.fact, ctx):
        return None
    return fact_answer(ix, ctx.fact, ctx, confidence=ctx.fact_score)


TOPICS = tuple(lexicon().topic_cues)
"""The topics a question can name that the facts declaring them answer (lexicon ``topic_cues``)."""


def names_a_topic(q: Question) -> bool:
    """Whether the question names a topic that facts declare."""
    return any(q.has(topic) for topic in TOPICS)


def _covers_year(fact: Fact, q: Question) -> bool:
    """A fact answers a question naming a year only if it speaks of that year."""
    if not q.when.explicit:
        return True
    years = {q.when.date.year, (q.when.start or q.when.date).year}
    return any(str(year) in fact.answer for year in years)


def topic_answer(ix: FactIndex, q: Question) -> Answer | None:
    """The best of the facts that declare a topic the question names; None when none covers its date."""
    named = {topic for topic in TOPICS if q.has(topic)}
    candidates = [f for f in ix.kb.facts.values() if named & set(f.topics) and _covers_year(f, q)]
    if not candidates:
        return None
    scores = fact_scores(ix, q.templated, q.norm)
    best = max(candidates, key=lambda f: scores.get(f.id, 0.0))
    return fact_answer(ix, best, q, confidence=0.9)
