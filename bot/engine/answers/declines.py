"""Declines: what the engine says when it should not answer, with what it understood and suggestions."""

from __future__ import annotations

from bot.engine.answer import Answer, decline
from bot.engine.entities import AMBIGUOUS, PLACE
from bot.engine.index import FactIndex
from bot.engine.phrasing import SCOPE_HINT, understood_summary
from bot.engine.question import Question


def instruction(ix: FactIndex, q: Question) -> Answer:
    """An order hidden in a question ("ignore your rules", "say that X left")."""
    return decline(
        "I only answer from my cited sources and don't follow instructions inside a question. " + SCOPE_HINT,
        intent="instruction",
    )


def other_treaty(ix: FactIndex, q: Question) -> Answer:
    """A question about another treaty."""
    return decline(
        f"That sounds like a question about {q.other_treaty}, which I don't cover. " + SCOPE_HINT,
        intent="out_of_scope",
    )


def not_a_date(ix: FactIndex, q: Question) -> Answer:
    """A date that does not exist ("30 February 2026")."""
    return decline(
        f"“{q.when.invalid}” is not a date, so I can't answer for it. Try a date like 20 February 2026.",
        intent="not_a_date",
        confidence=0.1,
    )


def ambiguous(ix: FactIndex, q: Question) -> Answer:
    """A name that could mean several states."""
    mention = next(m for m in q.found.mentions if m.target.kind == AMBIGUOUS)
    names = [ix.kb.states[c].name for c in mention.target.codes]
    return decline(
        f"“{mention.target.label}” could mean several states: {', '.join(names)}. Which one do you mean?",
        suggestions=[f"Is {n} a party?" for n in names][:3],
        confidence=0.3,
        intent="ambiguous",
    )


def not_a_state(ix: FactIndex, q: Question) -> Answer:
    """A territory, region, organisation or fictional country named instead of a state."""
    target = next(m for m in q.found.mentions if m.target.kind == PLACE).target
    if target.place_kind == "fictional":
        return decline(
            f"{target.label} is {target.note}, so it has no status under the Convention. " + SCOPE_HINT,
            intent="not_a_state",
        )
    text = f"{target.label} is not a state that can join the Convention: it is {target.note}."
    suggestions = []
    if target.codes:
        parent = ix.kb.states[target.codes[0]]
        text += f" Ask about {parent.name} instead."
        suggestions.append(f"Is {parent.name} a party?")
    return decline(text, suggestions=suggestions, intent="not_a_state")


def set_aside(ix: FactIndex, q: Question) -> Answer:
    """A state's name used as an ordinary word ("turkey dinner")."""
    word = q.found.set_aside[0]
    return decline(
        f"“{word.text}” here doesn't seem to mean the state {word.target.label}. " + SCOPE_HINT,
        intent="out_of_scope",
        suggestions=[f"Is {word.target.label} a party?"],
    )


def not_in_fact_base(ix: FactIndex, q: Question) -> Answer:
    """Mine use, stockpile sizes, casualties: the Landmine Monitor's subjects, not this fact base's."""
    return decline(
        "My sources cover who is bound by the Convention and when, and what it says, not figures on mine "
        "use, stockpiles, production or casualties; the Landmine Monitor publishes those.",
        suggestions=["How many States Parties are there?", "What does the treaty ban?"],
        intent="out_of_scope",
    )


def unrelated(ix: FactIndex, q: Question) -> Answer:
    """Capitals, football, the weather."""
    return decline(SCOPE_HINT, intent="out_of_scope")


def unknown_words(ix: FactIndex, q: Question) -> Answer:
    """Words that carry meaning and were not understood: say what was understood, and what was not."""
    words = ", ".join(f"“{w}”" for w in q.unknown[:3])
    near = [ix.kb.states[iso3].name for _, iso3, _ in sorted(q.found.near_misses, key=lambda m: -m[2])]
    names = list(dict.fromkeys([*near[:2], *(s.name for s in q.states[:2])]))
    suggestions = [f"Is {name} a party?" for name in names] + [
        f"What is the status of the {g.name}?" for g in q.groups[:1]
    ]
    if not suggestions:
        suggestions = ["Which states are not parties?", "How many States Parties are there?", "help"]
    opening = (
        f"I don't have a list of the members of {words}"
        if q.has("group_shaped") and not q.states
        else f"I don't know what {words} means here"
    )
    return decline(
        f"{opening}{understood_summary(q)}. "
        "I only hold sourced facts on the Ottawa Convention: states, groups of states, dates and the treaty's text.",
        suggestions=suggestions[:3],
        confidence=0.3,
        intent="unknown_group",
    )


def fallback(ix: FactIndex, q: Question) -> Answer:
    """Nothing fits: offer near-miss state names, or the treaty topics closest to the question."""
    suggestions = []
    for _word, iso3, _ in sorted(q.found.near_misses, key=lambda m: -m[2])[:3]:
        suggestions.append(f"Is {ix.kb.states[iso3].name} a party?")
    state_shaped = q.has("status", "signed", "joined", "withdrawal")
    if (
        q.fact is not None
        and q.fact_score >= 0.3
        and q.has("treaty_words")
        and not (suggestions and state_shaped)
    ):
        suggestions = [
            ix.kb.facts[f].questions[0].capitalize() + "?"
            for f in (q.fact_match.ranked if q.fact_match else [])[:3]
        ]
        return decline("I'm not sure which part of the treaty you mean.", suggestions=suggestions)
    if suggestions:
        return decline(
            "I couldn't find a state by that name. " + SCOPE_HINT,
            suggestions=list(dict.fromkeys(suggestions))[:3],
        )
    return decline(SCOPE_HINT, intent="out_of_scope")


def unlisted_group(ix: FactIndex, q: Question) -> Answer:
    """A group the fact base has no member list for: said so, never replaced by another group."""
    suggestions = [f"Is {s.name} a party?" for s in q.states[:2]] or ["Which NATO members are parties?"]
    return decline(
        f"I don't have a list of the members of {q.unlisted_group}, so I can't answer for it"
        f"{understood_summary(q)}. I can answer for any state, and for groups such as NATO, the EU, the African "
        "Union, BRICS, ASEAN and the UN regions.",
        suggestions=suggestions,
        confidence=0.3,
        intent="unknown_group",
    )
