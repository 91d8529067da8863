"""The answer engine: the question set, dates and tense, citations, and bad input."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.cli import ROOT

from bot.engine.answer import MAX_ANSWER_CHARS
from bot.engine.conversation import Conversations
from bot.engine.core import UNCITED_INTENTS
from bot.evaluate import judge, load_cases

CASES = load_cases(ROOT / "tests" / "questions.yaml")
DATE_WORDS = re.compile(
    r"\b0\d (January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def test_question_set_is_large_and_covers_every_intent() -> None:
    assert len(CASES) >= 300
    intents = Counter(c.intent for c in CASES)
    for intent in (
        "status",
        "signed",
        "joined",
        "withdrawal",
        "timeline",
        "list_withdrawn",
        "list_never_joined",
        "recent_joiners",
        "nth_to_join",
        "count",
        "group",
        "treaty_fact",
        "out_of_scope",
        "not_a_state",
        "ambiguous",
        "instruction",
    ):
        assert intents[intent] >= 2, intent


def test_question_set(engine, capsys: pytest.CaptureFixture[str]) -> None:
    totals: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    failures = []
    for case in CASES:
        talk = Conversations()  # a follow-up is asked after the questions before it, as in a chat
        for earlier in case.before:
            talk.ask(engine, "set", earlier, as_of=case.as_of)
        answer = (
            talk.ask(engine, "set", case.q, as_of=case.as_of)
            if case.before
            else engine.ask(case.q, as_of=case.as_of)
        )
        verdict = judge(case, answer.to_dict())
        totals[case.intent] += 1
        if verdict.ok:
            passed[case.intent] += 1
        else:
            failures.append(f"{case.q!r} (as of {case.as_of}): {'; '.join(verdict.problems)}")
    with capsys.disabled():
        print("\nAccuracy per intent:")
        for intent in sorted(totals):
            print(
                f"  {intent:<20} {passed[intent]:>3}/{totals[intent]:<3} {100 * passed[intent] / totals[intent]:5.1f}%"
            )
        print(f"  {'all':<20} {sum(passed.values()):>3}/{len(CASES)}")
    assert not failures, "\n".join(failures)


def test_every_matched_answer_cites_the_depositary_for_dates(engine) -> None:
    for question in (
        "When did Poland ratify?",
        "Has Finland left?",
        "Is Tonga a party?",
        "How many states parties?",
    ):
        answer = engine.ask(question, as_of=dt.date(2026, 11, 27))
        assert answer.matched
        assert answer.citations[0].url.startswith("https://treaties.un.org/")
        assert answer.citations[0].snippet
        assert answer.citations[0].date == "2026-02-03"


def test_dates_are_written_without_leading_zeros(engine) -> None:
    for case in CASES[:120]:
        text = engine.ask(case.q, as_of=case.as_of).text
        assert not DATE_WORDS.search(text), text


def test_tense_follows_the_date(engine) -> None:
    before = engine.ask("When does Poland's withdrawal take effect?", as_of=dt.date(2025, 9, 15)).text
    after = engine.ask("When does Poland's withdrawal take effect?", as_of=dt.date(2026, 11, 27)).text
    assert "will take effect on 20 February 2026" in before
    assert "took effect on 20 February 2026" in after


def test_as_of_changes_the_answer(engine) -> None:
    early = engine.ask("Is Finland a party?", as_of=dt.date(2025, 2, 1))
    late = engine.ask("Is Finland a party?", as_of=dt.date(2026, 11, 27))
    assert "is a **State Party**" in early.text
    assert "not a State Party" in late.text
    assert early.as_of == "2025-02-01"


def test_consented_but_not_in_force_says_both_counts(engine) -> None:
    answer = engine.ask("How many States Parties are there?", as_of=dt.date(2025, 9, 15))
    assert "165 States Parties" in answer.text
    assert "166" in answer.text and "Tonga" in answer.text


def test_ukraine_suspension_is_not_a_withdrawal(engine) -> None:
    answer = engine.ask("Has Ukraine withdrawn?", as_of=dt.date(2026, 11, 27))
    assert answer.matched and answer.states == ["UKR"]
    assert "not withdrawn under Article 20" in answer.text
    assert "suspending" in answer.text and "Article 20(3)" in answer.text


def test_long_question_is_cut_and_says_so(engine) -> None:
    question = "Is Poland a party? " + "x" * 10_000
    answer = engine.ask(question, as_of=dt.date(2026, 11, 27))
    assert answer.truncated_input
    assert "cut to 500 characters" in answer.text
    assert len(answer.text) <= MAX_ANSWER_CHARS


def test_invisible_characters_are_stripped_before_the_cut(engine) -> None:
    answer = engine.ask("\u200b" * 3000 + "is poland a party", as_of=dt.date(2026, 11, 27))
    assert answer.matched and answer.states == ["POL"]
    assert not answer.truncated_input


def test_a_caller_cannot_change_what_the_cache_hands_out_next(engine) -> None:
    day = dt.date(2026, 11, 27)
    first = engine.ask("is finland a party", as_of=day)
    first.states.append("XXX")
    first.citations.clear()
    first.suggestions.append("changed")
    again = engine.ask("is finland a party", as_of=day)
    assert again.states == ["FIN"] and again.citations and "changed" not in again.suggestions


def test_conversation_and_slash_command_answers_are_kept_per_date_and_never_shared(engine) -> None:
    from bot.engine.intents import Intent
    from bot.engine.query import Query

    before, after = dt.date(2026, 1, 5), dt.date(2026, 11, 27)  # Finland left on 2026-01-10
    answers = [engine.follow_up("is finland a party", previous=None, as_of=day)[0] for day in (after, before)]
    assert [a.as_of for a in answers] == [after.isoformat(), before.isoformat()]
    assert answers[0].text != answers[1].text
    answers[0].citations.clear()
    answers[0].states.append("XXX")
    again, _ = engine.follow_up("is finland a party", previous=None, as_of=after)
    assert again.text == answers[0].text and again.citations and again.states == ["FIN"]
    query = Query(Intent.STATUS, states=("FIN",), today=after)
    first = engine.answer(query)
    first.citations.clear()
    assert engine.answer(query).citations
    assert engine.answer(Query(Intent.STATUS, states=("FIN",), today=before)).text != first.text


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "🙂🙂",
        "@everyone",
        "<@&123> <@456> @here",
        "```\nrm -rf /\n```",
        "\x00\x07\x1b[31m",
        "مرحبا ‏שלום",
    ],
)
def test_bad_input_never_raises_and_never_pings(engine, question: str) -> None:
    answer = engine.ask(question)
    assert isinstance(answer.text, str) and answer.text
    assert "@everyone" not in answer.text and "@here" not in answer.text
    assert not re.search(r"<@[&!]?\d+>", answer.text)


def test_mentions_in_a_question_are_not_echoed(engine) -> None:
    answer = engine.ask("@everyone <@&123> is Poland still a party?")
    assert answer.matched and answer.states == ["POL"]
    assert "@everyone" not in answer.text and "<@&123>" not in answer.text


def test_low_confidence_declines_with_suggestions(engine) -> None:
    answer = engine.ask("Is Congo a party?")
    assert not answer.matched
    assert 1 <= len(answer.suggestions) <= 3
    assert any("Democratic Republic of the Congo" in s for s in answer.suggestions)


def test_typo_is_flagged_in_the_answer(engine) -> None:
    answer = engine.ask("Lithunia status", as_of=dt.date(2026, 11, 27))
    assert answer.states == ["LTU"]
    assert "“Lithunia” as Lithuania" in answer.text
    assert answer.confidence < 1.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=700))
def test_random_text_never_raises(engine, text: str) -> None:
    answer = engine.ask(text, as_of=dt.date(2026, 11, 27))
    data = answer.to_dict()
    assert isinstance(data["matched"], bool)
    assert len(data["answer"]) <= MAX_ANSWER_CHARS
    assert "@everyone" not in data["answer"] and "@here" not in data["answer"]
    assert not re.search(r"<@[&!]?\d+>", data["answer"])
    if data["matched"] and data["intent"] not in UNCITED_INTENTS:
        assert data["citations"]


RELATIVE = [
    "is poland a party",
    "parties tomorrow",
    "what happened yesterday",
    "how many parties in the next decade",
    "status of finland in 9000 years",
    "who joined in the last 5000 years",
    "parties 10 years ago",
    "parties last christmas",
    "next easter",
    "parties on 31 december 9999",
    "since 1 january 1",
    "in the 2090s",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(), question=st.sampled_from(RELATIVE))
def test_no_date_at_either_end_of_the_calendar_breaks_the_engine(engine, day: dt.date, question: str) -> None:
    answer = engine.ask(question, as_of=day)
    if not dt.date(1997, 1, 1) <= day <= dt.date(2100, 12, 31):
        assert not answer.matched and "1 January 1997 to 31 December 2100" in answer.text


@pytest.mark.parametrize("day", [dt.date.min, dt.date(1997, 1, 1), dt.date(2100, 12, 31), dt.date.max])
@pytest.mark.parametrize("question", RELATIVE)
def test_relative_phrases_at_both_ends(engine, day: dt.date, question: str) -> None:
    assert engine.ask(question, as_of=day).text
