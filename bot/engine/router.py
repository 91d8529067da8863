"""ROUTES: the ordered table that decides which answer a question gets.

Each row is ``Route(intent, when, answer)``: ``when`` is a small predicate over the ``Question``;
``answer`` is a plain function ``(index, question) -> Answer | None``. The first row whose
predicate holds and whose answer is not None answers; the order is the precedence
(``python -m bot routes`` prints it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.answer import Answer
from bot.engine.answers import declines, events, facts, groups, lists, meta, states
from bot.engine.entities import AMBIGUOUS, PLACE
from bot.engine.index import FactIndex
from bot.engine.intents import Intent
from bot.engine.question import Question

OFF_TOPIC = 0.5  # a treaty fact answers only if at least half of the question's words are about it
Predicate = Callable[[Question], bool]
AnswerFn = Callable[[FactIndex, Question], Answer | None]


@dataclass(frozen=True, slots=True)
class Route:
    """One row of the table: an intent, when it applies, and the function that answers it."""

    intent: Intent
    when: Predicate
    answer: AnswerFn
    doc: str = ""


def _kinds(q: Question, kind: str) -> bool:
    return any(m.target.kind == kind for m in q.found.mentions)


def _no_subject(q: Question) -> bool:
    return not q.states and not q.groups


def _compare(q: Question) -> bool:
    many = (len(q.states) >= 2 and not q.groups) or bool(q.states and q.groups)
    return many and q.has("comparative") and q.has("joined", "signed", "withdrawal")


def _state_nth(q: Question) -> bool:
    return (
        bool(q.states) and not q.groups and q.ordinal is not None and q.has("joined_words", "party_substring")
    )


def _state_count(q: Question) -> bool:
    return bool(q.states) and not q.groups and q.has("how_many") and q.has("target_count_nouns")


def _by_method(q: Question) -> bool:
    return (
        q.has("accession") and q.has("how_many", "method") and not q.when.is_period and not q.has("defining")
    )


def _first_signatures(q: Question) -> bool:
    return q.ordinal is not None and q.has("signed") and not q.has("joined") and not q.has("meeting")


def _nth(q: Question) -> bool:
    return q.ordinal is not None and q.has("joined", "party_words", "instrument") and not q.has("meeting")


def _count(q: Question) -> bool:
    if q.has("bare_count"):
        return True
    needed_fact = q.has("needed") and q.fact is not None and q.fact_score >= 0.45
    return q.has("how_many") and not needed_fact and q.has("target_count_nouns")


def _signed_list(q: Question) -> bool:
    return (
        q.has("signed")
        and not q.has("never")
        and not q.has("procedural")
        and q.has("list")
        and not q.has("joined")
    )


def _withdrawn_list(q: Question) -> bool:
    if not q.has("withdrawal"):
        return False
    if q.has("first"):
        return True
    return not q.has("procedural") and (q.has("list", "withdrawals_word") or q.fact is None)


def _never_list(q: Question) -> bool:
    return (
        q.has("never")
        and (q.has("party_words", "signed") or "treaty" in q.norm or "convention" in q.norm)
        and not q.has("procedural")
    )


def _parties_list(q: Question) -> bool:
    return q.has("strong_list") and q.has("party_words") and not q.has("procedural") and q.fact_score < 0.6


def _fact(q: Question) -> bool:
    return q.fact is not None and q.fact_score >= 0.45 and q.has("treaty_words") and q.off_topic < OFF_TOPIC


ROUTES: tuple[Route, ...] = (
    Route(Intent.INSTRUCTION, lambda q: q.has("injection"), declines.instruction, "orders inside a question"),
    Route(
        Intent.OUT_OF_SCOPE,
        lambda q: bool(q.other_treaty) and not q.has("in_scope_names"),
        declines.other_treaty,
        "another treaty named, not this one",
    ),
    Route(Intent.HELP, meta.is_help, meta.help_answer, "help, what can you do, commands"),
    Route(Intent.SOURCES, meta.is_sources, meta.sources_answer, "where the facts come from"),
    Route(Intent.SMALL_TALK, meta.is_small_talk, meta.small_talk, "greetings, thanks, praise"),
    Route(
        Intent.NOT_A_DATE, lambda q: q.when.invalid != "", declines.not_a_date, "a date that does not exist"
    ),
    Route(
        Intent.AMBIGUOUS,
        lambda q: _kinds(q, AMBIGUOUS) and _no_subject(q),
        declines.ambiguous,
        "a name that could mean several states",
    ),
    Route(
        Intent.NOT_A_STATE,
        lambda q: _kinds(q, PLACE) and _no_subject(q),
        declines.not_a_state,
        "a territory, region or fictional country",
    ),
    Route(
        Intent.OUT_OF_SCOPE,
        lambda q: bool(q.found.set_aside) and _no_subject(q),
        declines.set_aside,
        "a state's name used as an ordinary word",
    ),
    Route(
        Intent.UNKNOWN_GROUP,
        lambda q: bool(q.unlisted_group) and not q.groups,
        declines.unlisted_group,
        "a group the fact base has no member list for",
    ),
    Route(Intent.FACT, facts.names_a_topic, facts.topic_answer, "a topic that treaty facts declare"),
    Route(
        Intent.EVENT, lambda q: bool(q.unknown), events.event_answer, "words only an event's record explains"
    ),
    Route(
        Intent.UNKNOWN_GROUP,
        lambda q: bool(q.unknown),
        declines.unknown_words,
        "a group, acronym, name or topic the fact base does not have",
    ),
    Route(
        Intent.FACT,
        lambda q: q.article is not None and not q.states,
        facts.article_answer,
        "an article by number",
    ),
    Route(
        Intent.EVENT,
        lambda q: bool(q.states or q.groups),
        events.strong_event_answer,
        "an event described in detail, naming states",
    ),
    Route(
        Intent.EVENT,
        lambda q: q.has("said"),
        events.named_event_answer,
        "what someone only the events name said or did about it",
    ),
    Route(
        Intent.GROUP_MEMBERSHIP,
        groups.is_membership_question,
        groups.membership_answer,
        "joining or leaving a group itself (NATO, the EU)",
    ),
    Route(Intent.COMPARE, _compare, states.compare_answer, "which of two states did something first"),
    Route(Intent.NTH, _state_nth, lists.nth_answer, "a state's place in the order of joining"),
    Route(Intent.COUNT, _state_count, lists.plain_count, "how many, with a state named"),
    Route(
        Intent.STATUS,
        lambda q: bool(q.states) and not q.groups,
        states.state_question,
        "one or more states: status, signature, joining, withdrawal, timeline",
    ),
    Route(Intent.GROUP, lambda q: bool(q.groups), lists.group_question, "a group of states"),
    Route(
        Intent.OUT_OF_SCOPE,
        lambda q: q.has("not_in_fact_base") and not q.has("procedural"),
        declines.not_in_fact_base,
        "mine use, stockpile sizes, casualties",
    ),
    Route(Intent.BY_METHOD, _by_method, lists.by_method, "accession versus ratification"),
    Route(
        Intent.COUNT,
        lambda q: q.has("party_words", "number"),
        lists.count_extreme,
        "the peak or lowest count",
    ),
    Route(Intent.FIRST_SIGNATURES, _first_signatures, lists.first_signatures, "the first to sign"),
    Route(
        Intent.LIST_SIGNATORIES,
        lambda q: q.ordinal == -1 and q.has("signed") and q.has("joined"),
        lists.last_signatory_to_ratify,
        "the last signatory to ratify",
    ),
    Route(Intent.NTH, _nth, lists.nth_answer, "the Nth state to join"),
    Route(Intent.EVENT, _no_subject, events.strong_event_answer, "an event described in detail"),
    Route(
        Intent.EVENTS_IN_PERIOD,
        lambda q: q.when.is_period and q.has("happenings"),
        lists.events_in_period,
        "what happened in a period",
    ),
    Route(
        Intent.JOINED_IN_PERIOD,
        lambda q: q.when.is_period and q.has("joined") and not q.has("withdrawal", "never"),
        lists.joined_in_period,
        "who joined in a period",
    ),
    Route(
        Intent.RECENT,
        lambda q: q.has("recent") and q.has("joined", "party_words"),
        lists.recent_answer,
        "the most recent to join",
    ),
    Route(
        Intent.LIST_SIGNATORIES,
        lambda q: q.has("signed") and q.has("remaining"),
        lists.list_signatories,
        "signatories that are left (not yet ratified)",
    ),
    Route(
        Intent.LIST_SIGNATORIES,
        lambda q: q.has("signed_not_ratified"),
        lists.list_signatories,
        "signed, never ratified",
    ),
    Route(Intent.COUNT, _count, lists.targeted_count, "how many parties, signatories, withdrawals"),
    Route(Intent.LIST_PENDING, lambda q: q.has("pending"), lists.list_pending, "joined, not yet bound"),
    Route(Intent.COUNT, _signed_list, lists.signed_count, "who signed"),
    Route(Intent.LIST_WITHDRAWN, _withdrawn_list, lists.list_withdrawn, "who withdrew"),
    Route(Intent.LIST_NEVER_JOINED, _never_list, lists.never_list, "who never joined"),
    Route(Intent.LIST_PARTIES, _parties_list, lists.list_parties, "the list of parties"),
    Route(
        Intent.OUT_OF_SCOPE,
        lambda q: q.has("unrelated_topics") and not q.has("about_mines"),
        declines.unrelated,
        "capitals, football, weather",
    ),
    Route(Intent.FACT, _fact, facts.best_fact_answer, "what the Convention says"),
    Route(Intent.EVENT, lambda q: True, events.event_answer, "an event in the fact base"),
    Route(Intent.DECLINE, lambda q: True, declines.fallback, "nothing fits: suggestions"),
)


def answered_by(q: Question, ix: FactIndex) -> tuple[int, Answer]:
    """The answer of the first route that applies, and that route's place in the table (from 1)."""
    for number, row in enumerate(ROUTES, 1):
        if row.when(q):
            answer = row.answer(ix, q)
            if answer is not None:
                return number, answer
    raise AssertionError("the last route always answers")


def route(q: Question, ix: FactIndex) -> Answer:
    """The answer of the first route that applies."""
    return answered_by(q, ix)[1]


def describe() -> list[str]:
    """One line per route, in order of precedence."""
    return [
        f"{i:>2}. {row.intent.value:<18} {_name(row.answer):<28} {row.doc}" for i, row in enumerate(ROUTES, 1)
    ]


def _name(fn: AnswerFn) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
