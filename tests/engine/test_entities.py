"""Every state name and alias resolves; typos resolve; ordinary words never become states."""

from __future__ import annotations

import datetime as dt
import random

import pytest

TODAY = dt.date(2026, 11, 27)


def test_every_state_name_resolves_in_several_forms(engine) -> None:
    failures = []
    for iso3, state in engine.kb.states.items():
        for form in (
            f"Is {state.name} a party?",
            f"{state.name.lower()} status",
            f"Has {state.name} withdrawn?",
        ):
            answer = engine.ask(form, as_of=TODAY)
            if answer.states != [iso3] or not answer.matched:
                failures.append((form, answer.states))
    assert failures == []


def test_every_unambiguous_alias_resolves(engine) -> None:
    failures = []
    for alias in engine.kb.aliases:
        if alias.kind in ("ambiguous", "name"):
            continue
        answer = engine.ask(f"Is {alias.alias} a party?", as_of=TODAY)
        if answer.states != [alias.iso3s[0]]:
            failures.append((alias.alias, answer.states))
    assert failures == []


def test_single_typos_in_state_names_mostly_resolve_and_rarely_mislead(engine) -> None:
    rng = random.Random(7)
    resolved = wrong = total = 0
    for iso3, state in engine.kb.states.items():
        name = state.name
        if len(name) < 7:
            continue
        i = rng.randrange(1, len(name) - 2)
        typo = name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swap two letters
        total += 1
        states = engine.ask(f"Is {typo} a party?", as_of=TODAY).states
        resolved += states == [iso3]
        wrong += bool(states) and states != [iso3]
    assert resolved / total >= 0.9, (resolved, total)
    assert wrong / total <= 0.02, (wrong, total)


@pytest.mark.parametrize(
    "question",
    [
        "When did the withdrawals begin?",
        "Can a woman ask about the treaty?",
        "The Roman empire had no landmines",
        "How do I begin?",
        "What does party mean in treaty law?",
        "Tell us about the convention",
        "Which states have signed and ratified?",
    ],
)
def test_ordinary_words_are_not_states(engine, question: str) -> None:
    assert engine.ask(question, as_of=TODAY).states in ([], ["EST", "FIN", "LVA", "LTU", "POL"])
