"""Understanding that generalizes: dates in words, periods, groups, follow-ups, meta questions, events,
and never answering a different question."""

from __future__ import annotations

import datetime as dt

import pytest
from support.cli import ROOT

from bot.engine.conversation import Conversations
from bot.evaluate import evaluate, load_cases

TODAY = dt.date(2026, 11, 27)


def ask(engine, text: str, **kwargs):
    return engine.ask(text, as_of=kwargs.pop("as_of", TODAY))


@pytest.mark.parametrize(
    ("question", "has", "lacks"),
    [
        (
            "was lithuania a party on christmas eve 2025",
            ["still a **State Party**", "27 December 2025"],
            ["31 December 2025"],
        ),
        ("how many parties on christmas 2025", ["166"], ["163 States"]),
        ("how many parties in summer 2025", ["164", "165", "1 September 2025", "northern-hemisphere"], []),
        ("how many parties as of last christmas", ["166", "25 December 2025"], ["Tonga was the"]),
        ("how many parties last year", ["164", "166", "163"], []),
        ("how many parties a year ago", ["165", "27 November 2025"], []),
        ("how many parties yesterday", ["161", "26 November 2026"], []),
        ("how many parties on new years day", ["163", "1 January 2026"], []),
        ("how many signatories are left", ["None", "Marshall Islands", "12 March 2025"], []),
        ("how many states joined since 2010", ["**10** states", "Tuvalu", "Tonga"], []),
        ("how many withdrawals took effect in 2026", ["**2** withdrawals", "Finland", "Poland"], ["Estonia"]),
        (
            "did lithuania leave at the same time as finland",
            ["No", "27 December 2025", "10 January 2026"],
            [],
        ),
        ("did the us ever sign the ottawa treaty", ["never signed"], ["Article 15"]),
        ("did the us send landmines to ukraine", ["20 November 2024", "Ukraine"], []),
        ("what did hegseth do with mines", ["Hegseth", "2 December 2025"], []),
        ("the joint statement in march 2025", ["18 March 2025", "joint statement"], []),
        ("what happened on 1 december 2025", ["22MSP"], []),
    ],
)
def test_issue_examples_are_answered(engine, question: str, has: list[str], lacks: list[str]) -> None:
    answer = ask(engine, question)
    assert answer.matched, answer.text
    for needle in has:
        assert needle in answer.text, (needle, answer.text)
    for needle in lacks:
        assert needle not in answer.text, (needle, answer.text)


@pytest.mark.parametrize(
    ("question", "states"),
    [
        ("BRICS status", {"BRA", "ZAF", "CHN", "IND", "RUS"}),
        ("african union members not in it", {"EGY", "LBY", "MAR"}),
        ("which central asian countries are outside", {"KAZ", "KGZ", "UZB"}),
    ],
)
def test_groups_people_ask_about(engine, question: str, states: set[str]) -> None:
    answer = ask(engine, question)
    assert answer.intent == "group"
    assert states <= set(answer.states)
    assert "United Kingdom" not in answer.text and "ASEAN" not in answer.text


def test_outside_members_are_the_subject(engine) -> None:
    assert set(ask(engine, "african union members not in it").states) == {"EGY", "LBY", "MAR"}
    assert set(ask(engine, "which central asian countries are outside").states) == {"KAZ", "KGZ", "UZB"}


def test_group_membership_is_for_the_date_asked(engine) -> None:
    answer = ask(engine, "nato members in 2022 not in the treaty")
    assert answer.states == ["USA"]
    assert "Finland" in answer.text and "joined the group later" in answer.text
    now = ask(engine, "nato members not in the treaty")
    assert {"FIN", "USA"} <= set(now.states)


@pytest.mark.parametrize(
    "question",
    [
        "ottawa senators score last night",
        "best shawarma in ottawa",
        "mercosur members in the treaty?",
        "is poland in the quad",
    ],
)
def test_off_topic_and_unknown_words_are_declined_not_answered(engine, question: str) -> None:
    answer = ask(engine, question)
    assert not answer.matched, answer.text
    assert answer.confidence < 0.5
    assert "Article 15" not in answer.text


def test_an_unknown_group_is_named_as_unknown(engine) -> None:
    answer = ask(engine, "mercosur members in the treaty?")
    assert "I don't have a list of the members of Mercosur" in answer.text
    assert answer.intent == "unknown_group"


def test_an_acronym_is_never_read_as_a_state(engine) -> None:
    answer = ask(engine, "BRICS status")
    assert "I read" not in answer.text


@pytest.mark.parametrize(
    ("question", "intent", "needle"),
    [
        ("help", "help", "/status"),
        ("what can you do", "help", "/timeline"),
        ("what commands are there", "help", "/parties"),
        ("sources?", "sources", "Treaty Collection"),
        ("where do you get your info", "sources", "27 November 2026"),
        ("thanks!", "small_talk", "welcome"),
        ("hi", "small_talk", "Hi"),
        ("good bot", "small_talk", "Thank you"),
    ],
)
def test_meta_questions_and_small_talk(engine, question: str, intent: str, needle: str) -> None:
    answer = ask(engine, question)
    assert answer.matched and answer.intent == intent
    assert needle in answer.text
    if intent == "small_talk":
        assert len(answer.text) < 120


def test_an_impossible_date_is_not_a_date(engine) -> None:
    answer = ask(engine, "was poland a party on 30 feb 2026")
    assert not answer.matched and answer.intent == "not_a_date"
    assert "not a date" in answer.text


def test_before_the_convention_and_future_dates_say_so(engine) -> None:
    before = ask(engine, "how many parties in 1995")
    assert "18 September 1997" in before.text and "1 March 1999" in before.text
    future = ask(engine, "is finland a party in 2027")
    assert "if nothing changes" in future.text and "27 November 2026" in future.text


def test_json_carries_intent_and_the_date_or_period(engine) -> None:
    day = ask(engine, "how many parties on christmas 2025").to_dict()
    assert day["intent"] == "count" and day["date"] == "2025-12-25"
    period = ask(engine, "how many parties in summer 2025").to_dict()
    assert period["date"] == {"from": "2025-06-21", "to": "2025-09-22"}


def test_names_read_like_a_person_wrote_them(engine) -> None:
    assert ask(engine, "is the us a party").text.startswith("**The United States**")
    baltic = ask(engine, "which baltic states are parties").text
    assert baltic.startswith("None of the 3 Baltic states")
    finland = ask(engine, "was finland a party in 2020").text
    assert "withdrawal_pending" not in finland and "its status is" not in finland


@pytest.mark.parametrize(
    ("turns", "states", "needles"),
    [
        (["what about sweden?", "when did they join"], ["SWE"], ["1 May 1999", "(Sweden)"]),
        (["is finland a party", "and in 2024?"], ["FIN"], ["(Finland, as of 2024)", "31 December 2024"]),
        (["is finland a party", "and poland?"], ["POL"], ["Poland"]),
        (["is poland a party", "did they ever sign?"], ["POL"], ["4 December 1997"]),
        (
            ["when did estonia and poland leave", "which one left first?"],
            ["EST", "POL"],
            ["27 December 2025"],
        ),
        (["status of estonia", "and lithuania", "which one left first"], ["EST", "LTU"], ["same day"]),
        (["is finland a party", "is canada a party"], ["CAN"], ["Canada"]),
    ],
)
def test_follow_ups_use_the_conversation(
    engine, turns: list[str], states: list[str], needles: list[str]
) -> None:
    talk = Conversations()
    for turn in turns:
        answer = talk.ask(engine, "user-1", turn, as_of=TODAY)
    assert sorted(answer.states) == sorted(states), answer.text
    for needle in needles:
        assert needle in answer.text, (needle, answer.text)


def test_a_conversation_is_forgotten_after_ten_minutes(engine) -> None:
    now = [0.0]
    talk = Conversations(clock=lambda: now[0])
    talk.ask(engine, "k", "is finland a party", as_of=TODAY)
    now[0] += 601
    answer = talk.ask(engine, "k", "and in 2024?", as_of=TODAY)
    assert "FIN" not in answer.states


def test_conversations_are_kept_apart_by_key(engine) -> None:
    talk = Conversations()
    talk.ask(engine, ("alice", 1), "is finland a party", as_of=TODAY)
    talk.ask(engine, ("bob", 1), "is canada a party", as_of=TODAY)
    assert talk.ask(engine, ("alice", 1), "and in 2024?", as_of=TODAY).states == ["FIN"]


@pytest.mark.parametrize(
    ("name", "least_right", "most_wrong"), [("tuning.yaml", 0.97, 3), ("tuning2.yaml", 0.8, 17)]
)
def test_tuning_sets(
    engine, capsys: pytest.CaptureFixture[str], name: str, least_right: float, most_wrong: int
) -> None:
    """The tuning sets (written without seeing the engine; rules were then tuned on them) stay where they are."""

    def ask_case(text: str, as_of: dt.date, before) -> dict:
        talk = Conversations()
        for earlier in before:
            talk.ask(engine, "t", earlier, as_of=as_of)
        return talk.ask(engine, "t", text, as_of=as_of).to_dict()

    report = evaluate(load_cases(ROOT / "tests" / name), ask_case)
    with capsys.disabled():
        print(f"\n{name}:\n" + "\n".join(report.lines()))
    counts = list(report.counts().values())
    right = sum(c["ok"] for c in counts)
    wrong = sum(c["wrong"] for c in counts)
    assert right / len(report.verdicts) >= least_right
    assert wrong <= most_wrong


@pytest.mark.parametrize(
    ("question", "date", "needle"),
    [
        (
            "how many parties after the baltics left",
            {"from": "2025-12-28", "to": "2026-11-27"},
            "**163** from",
        ),
        (
            "who left after the baltics left",
            {"from": "2025-12-28", "to": "2026-11-27"},
            "Finland (10 January 2026)",
        ),
        ("was finland a party after the baltics left", "2025-12-27", "still a **State Party**"),
        ("how many parties before finland left", "2026-01-09", "163"),
        ("was poland a party when tonga joined", "2025-12-01", "still a **State Party**"),
        ("how many parties before the siem reap summit", "2024-11-24", "164"),
        (
            "how many parties since the baltics left",
            {"from": "2025-12-27", "to": "2026-11-27"},
            "**161** from 20 February 2026",
        ),
        (
            "how many parties since the joint statement",
            {"from": "2025-03-18", "to": "2026-11-27"},
            "**166** from 1 December 2025",
        ),
        (
            "which states left after the joint statement",
            {"from": "2025-03-19", "to": "2026-11-27"},
            "**5** withdrawals",
        ),
    ],
)
def test_dates_anchored_on_records_and_events(engine, question: str, date: object, needle: str) -> None:
    answer = ask(engine, question).to_dict()
    assert answer["date"] == date
    assert needle in answer["answer"], answer["answer"]


@pytest.mark.parametrize(
    ("question", "as_of", "has", "lacks"),
    [
        (
            "how many states parties will there be at the end of 2025",
            "2025-07-01",
            ["163", "31 December 2025"],
            [],
        ),
        ("will estonia still be a party at the end of this year", "2025-07-01", ["not be a State Party"], []),
        ("how many parties in 2026", "2026-01-05", ["10 January 2026", "20 February 2026"], ["throughout"]),
        ("how many states parties were there last summer", "2026-11-27", ["summer 2026", "161"], ["165"]),
        ("how many states parties this winter", "2025-12-25", ["166", "163"], ["throughout"]),
        ("who withdrew between march 2025 and june 2025", "2026-11-27", ["Estonia (27 June 2025)"], []),
        (
            "how many states gave notice of withdrawal from january 2025 to august 2025",
            "2026-11-27",
            ["**5** notices"],
            [],
        ),
    ],
)
def test_periods_and_ends_of_periods(
    engine, question: str, as_of: str, has: list[str], lacks: list[str]
) -> None:
    answer = engine.ask(question, as_of=dt.date.fromisoformat(as_of))
    assert answer.matched, answer.text
    for needle in has:
        assert needle in answer.text, (needle, answer.text)
    for needle in lacks:
        assert needle not in answer.text, (needle, answer.text)


def test_a_follow_up_with_a_new_state_and_a_new_date_uses_both(engine) -> None:
    talk = Conversations()
    talk.ask(engine, "k", "Was Finland a party in 2020?", as_of=TODAY)
    answer = talk.ask(engine, "k", "and Poland in 2026?", as_of=TODAY)
    assert answer.states == ["POL"]
    assert "2020" not in answer.text and "2026" in answer.text


@pytest.mark.parametrize(
    ("turns", "needle"),
    [
        (["Is Finland a party?", "What does it say about stockpiles?"], "Article 4"),
        (["Is Poland a party?", "What happened in 2025?"], "Key events during 2025"),
    ],
)
def test_a_question_about_the_treaty_does_not_carry_the_state(engine, turns: list[str], needle: str) -> None:
    talk = Conversations()
    for turn in turns:
        answer = talk.ask(engine, "k", turn, as_of=TODAY)
    heading = answer.text.splitlines()[0]  # a carried state would show there: "Key events (Poland) ..."
    assert needle in heading and "(Finland)" not in heading and "(Poland)" not in heading
    assert answer.states != ["POL"] and answer.states != ["FIN"]


@pytest.mark.parametrize(
    ("question", "states", "needle"),
    [
        ("When did Finland join NATO?", ["FIN"], "Finland joined NATO on 4 April 2023"),
        ("Which countries left the EU?", ["GBR"], "United Kingdom: 31 January 2020"),
        ("was sweden in nato in 2020", ["SWE"], "not yet a member"),
    ],
)
def test_membership_of_a_group_is_not_membership_of_the_convention(
    engine, question: str, states: list[str], needle: str
) -> None:
    answer = ask(engine, question)
    assert answer.intent == "group_membership" and answer.states == states
    assert needle in answer.text and "not of the Ottawa Convention" in answer.text
    assert "States Parties" not in answer.text


def test_an_acronym_nobody_listed_is_named_as_unknown(engine) -> None:
    answer = ask(engine, "zorblaxia members in the treaty?")
    assert not answer.matched and "I don't have a list of the members of “zorblaxia”" in answer.text


@pytest.mark.parametrize(
    ("turns", "states", "needle"),
    [
        (
            ["when did lithuania ratify", "and estonia?", "which one was first then"],
            ["EST", "LTU"],
            "12 May 2003",
        ),
        (["kenya status", "uganda?", "which ratified first"], ["KEN", "UGA"], "25 February 1999"),
        (["was estonia a party in 2010", "and now?"], ["EST"], "27 December 2025"),
    ],
)
def test_comparisons_and_now_in_follow_ups(engine, turns: list[str], states: list[str], needle: str) -> None:
    talk = Conversations()
    for turn in turns:
        answer = talk.ask(engine, "k", turn, as_of=TODAY)
    assert sorted(answer.states) == states and needle in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "states", "needle"),
    [
        ("us or russia - either of them in it?", ["USA", "RUS"], "never signed"),
        ("which state was the last signatory to finally ratify", ["MHL"], "12 March 2025"),
        ("which state became bound during summer 2025", ["MHL"], "1 September 2025"),
        ("how many parties on the day it entered into force", [], "45"),
        ("how many parties when the siem reap revcon opened", [], "164"),
        ("poland still in on valentines day 2026?", ["POL"], "20 February 2026"),
        ("how many on easter sunday 2026", [], "161"),
    ],
)
def test_more_ways_of_asking(engine, question: str, states: list[str], needle: str) -> None:
    answer = ask(engine, question)
    assert answer.matched and answer.states == states and needle in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "intent", "needle"),
    [
        ("What did Hegseth sign at the Pentagon?", "event", "2 December 2025"),
        ("What happened at the 22MSP?", "event", "Twenty-Second Meeting"),
        ("Did Tusk sign the withdrawal?", "unknown_group", "“Tusk”"),
    ],
)
def test_names_beside_a_state_are_not_ignored(engine, question: str, intent: str, needle: str) -> None:
    answer = ask(engine, question)
    assert answer.intent == intent and needle in answer.text, answer.text


def test_a_long_note_is_shown_in_full_once_per_conversation(engine) -> None:
    talk = Conversations()
    first = talk.ask(engine, "k", "is ukraine a party", as_of=TODAY)
    again = talk.ask(engine, "k", "and in 2026?", as_of=TODAY)
    assert "no suspension clause" in first.text
    assert "(as noted above)" in again.text and "no suspension clause" not in again.text
    alone = engine.ask("was ukraine a party in 2026", as_of=TODAY)
    assert "no suspension clause" in alone.text


def test_an_anchor_may_name_its_state_with_the(engine) -> None:
    answer = ask(engine, "Which states joined after the Marshall Islands joined?").to_dict()
    assert answer["date"] == {"from": "2025-09-02", "to": "2026-11-27"}
    assert "Tonga" in answer["answer"]


def test_is_this_up_to_date_asks_for_the_sources(engine) -> None:
    answer = ask(engine, "Is this up to date?")
    assert answer.intent == "sources" and "27 November 2026" in answer.text
