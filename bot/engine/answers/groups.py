"""Membership of a group itself: "when did Finland join NATO", "which countries left the EU"."""

from __future__ import annotations

import datetime as dt

from bot.engine.answer import Answer, matched
from bot.engine.citations import source_citations
from bot.engine.dates import format_date
from bot.engine.index import FactIndex
from bot.engine.intents import Intent
from bot.engine.phrasing import names, the
from bot.engine.question import Question
from bot.facts.records import Group, State


def short(group: Group) -> str:
    """How a sentence names the group: "NATO", "the EU", else "the <name>"."""
    return group.short or f"the {group.name}"


def is_membership_question(q: Question) -> bool:
    """A group named as what a state joins or leaves, with no word about the Convention."""
    return bool(q.groups) and q.has("group_object") and not q.has("convention_words")


def _state_line(ix: FactIndex, group: Group, state: State, day: dt.date) -> str:
    joined = dict(group.joined).get(state.iso3)
    left = dict(group.left).get(state.iso3)
    if state.iso3 not in group.members:
        return f"{the(state, start=True)} is not a member of {short(group)} in the membership list I hold."
    if left and left <= day:
        since = f" (it had joined on {format_date(joined)})" if joined else ""
        return f"{the(state, start=True)} left {short(group)} on {format_date(left)}{since}."
    if joined and joined > day:
        return f"{the(state, start=True)} was not yet a member on {format_date(day)}: it joined on {format_date(joined)}."
    if joined:
        return f"{the(state, start=True)} joined {short(group)} on {format_date(joined)}."
    return f"{the(state, start=True)} is a member of {short(group)}; my sources record no date for when it joined."


def _group_lines(ix: FactIndex, q: Question, group: Group) -> tuple[list[str], list[State]]:
    if q.has("leave_words"):
        left = [(ix.kb.states[c], d) for c, d in group.left]
        if not left:
            return [f"My sources record no member leaving {short(group)}."], []
        return [f"Members that left {short(group)}:"] + [
            f"• {s.name}: {format_date(d)}" for s, d in sorted(left, key=lambda x: x[1])
        ], [s for s, _ in left]
    joined = sorted(((ix.kb.states[c], d) for c, d in group.joined), key=lambda x: x[1])
    if q.when.is_period and q.when.start:
        start, end = q.when.start, q.when.end or q.when.date
        joined = [(s, d) for s, d in joined if start <= d <= end]
    if not joined:
        return [f"My sources record no dated accessions to {short(group)} for that."], []
    return [f"Members that joined {short(group)} after it was founded, with the day they joined:"] + [
        f"• {s.name}: {format_date(d)}" for s, d in joined
    ], [s for s, _ in joined]


def membership_answer(ix: FactIndex, q: Question) -> Answer:
    """When states joined or left a group (from the group's dated membership), not the Convention."""
    group = q.groups[0]
    if q.states:
        lines = [_state_line(ix, group, state, q.when.date) for state in q.states]
        chosen = list(q.states)
    else:
        lines, chosen = _group_lines(ix, q, group)
    lines.append(f"_(This is about membership of {short(group)}, not of the Ottawa Convention.)_")
    members = [ix.kb.states[c] for c in group.members]
    cites = source_citations(ix, group.sources, snippet=f"Members of the {group.name}: {names(members)}.")
    return matched("\n".join(lines), chosen, cites, 0.85, Intent.GROUP_MEMBERSHIP)
