"""Structured queries from slash commands: an intent, states, a date and an article, answered directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.engine.answer import Answer, decline
from bot.engine.answers import facts, lists, states
from bot.engine.dates import DateQuery, format_date
from bot.engine.entities import Found
from bot.engine.index import FactIndex
from bot.engine.intents import Intent
from bot.engine.query import Query
from bot.engine.question import Question

TIMELINE_CONFIDENCE = 0.95


def _timeline(ix: FactIndex, q: Question) -> Answer:
    return states.state_timeline(ix, q, TIMELINE_CONFIDENCE)


ANSWERS: dict[Intent, Callable[[FactIndex, Question], Answer]] = {
    Intent.STATUS: states.state_question,
    Intent.TIMELINE: _timeline,
    Intent.LIST_WITHDRAWN: lists.list_withdrawn,
    Intent.COUNT: lists.count_parties,
    Intent.FACT: facts.article_answer,
}


def question_for(ix: FactIndex, query: Query, today: dt.date) -> Question:
    """The ``Question`` a structured query stands for: its states and date, with no words to read."""
    day = query.date or today
    when = DateQuery(date=day, start=None, label=format_date(day), explicit=query.date is not None)
    return Question(
        question="",
        text="",
        norm="",
        templated="",
        today=today,
        when=when,
        found=Found(tokens=[], original=[]),
        states=tuple(ix.kb.states[c] for c in query.states if c in ix.kb.states),
        groups=(),
        article=query.article,
    )


def answer(ix: FactIndex, query: Query, today: dt.date) -> Answer:
    """Answer ``query`` for ``today`` (or the query's own date)."""
    handler = ANSWERS.get(query.intent)
    if handler is None:
        return decline(f"There is no direct answer for {query.intent.value}.", intent=Intent.DECLINE)
    q = question_for(ix, query, today)
    result = handler(ix, q)
    result.date_asked = q.when.date.isoformat()
    return result
