"""All the wording in one place: tense, yes/no, plurals, ordinals, lists of names, and decline texts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import bot.engine.intents as I
from bot.engine.dates import format_date
from bot.engine.index import FactIndex
from bot.engine.question import Question
from bot.engine.status import LABELS, status_on
from bot.facts.records import Group, State

SCOPE_HINT = (
    "I answer questions about the Ottawa Mine Ban Convention: who is a State Party, who signed, "
    "who withdrew and when, how many parties there are on a date, and what the treaty says. "
    "Try “Is Finland still a party?” or “How does withdrawal work?”"
)


def tense(when: dt.date, today: dt.date) -> tuple[str, str, str]:
    """Words for a status on ``when``: ("is", "has", "") today, ("was", "had", "On D, ") in the past."""
    if when == today:
        return "is", "has", ""
    if when < today:
        return "was", "had", f"On {format_date(when)}, "
    return (
        "will be",
        "will have",
        f"On {format_date(when)} (going by the record as of {format_date(today)}), ",
    )


def yes(ctx: Question) -> str:
    """``"Yes. "`` for a yes/no question; nothing for "when" and other questions."""
    first = ctx.found.tokens[0] if ctx.found.tokens else ""
    yes_no = first in {
        "is",
        "was",
        "are",
        "were",
        "has",
        "have",
        "had",
        "did",
        "does",
        "do",
        "will",
        "can",
        "could",
    }
    return "Yes. " if yes_no and not I.WHEN.search(ctx.norm) else ""


def happens(day: dt.date, today: dt.date, past: str, future: str) -> str:
    return past if day <= today else future


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def be_not(be: str, rest: str) -> str:
    """``was **not a party**``, or ``will **not be a party**`` for a future date."""
    if be == "will be":
        return f"will **not be {rest}**"
    return f"{be} **not {rest}**"


def plural(count: int, noun: str) -> str:
    """``**1** state`` or ``**2** states``."""
    return f"**{count}** {noun}{'' if count == 1 else 's'}"


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def names(states: Iterable[State]) -> str:
    """``Estonia, Latvia, Lithuania``."""
    return ", ".join(state.name for state in states)


def read_as_note(readings: list[tuple[str, str]]) -> str:
    """``_(I read “Lithunia” as Lithuania.)_`` before an answer that rests on a typo's reading."""
    return "_(I read " + ", ".join(f"“{text}” as {label}" for text, label in readings) + ".)_\n"


def separate_states_note(alias: str, chosen: str, others: list[str]) -> str:
    """The note after an answer about one of several states that share a name."""
    verb = "are separate states" if len(others) > 1 else "is a separate state"
    return f"\n_“{alias}” is read as {chosen}; {', '.join(others)} {verb}._"


def understood_summary(q: Question) -> str:
    """``; I understood: Poland, on 24 December 2025`` (empty when nothing was understood)."""
    parts = [s.name for s in q.states[:3]] + [g.name for g in q.groups[:2]]
    if q.when.explicit:
        parts.append(q.when.label)
    return "; I understood: " + ", ".join(parts) if parts else ""


_GROUP_NOUNS = ("states", "members", "countries", "participating states", "republics")


def group_phrase(group: Group, count: int) -> str:
    """``3 Baltic states``, ``54 states of Africa (UN M49 region)``, ``7 members of the Visegrád Group``."""
    name = group.name
    if name.lower().endswith(_GROUP_NOUNS) or name.lower().endswith("(sids)"):
        return f"{count} {name}"
    if group.kind == "region":
        return f"{count} states of {name}"
    return f"{count} members of the {name}"


def membership_note(ix: FactIndex, group: Group, day: dt.date) -> str:
    """Members that had not yet joined, or had left, on ``day`` (empty when membership is as listed)."""
    joined = [ix.kb.states[c] for c, d in group.joined if d > day]
    left = [ix.kb.states[c] for c, d in group.left if d <= day]
    parts = []
    if joined:
        parts.append(f"{names(joined)} joined the group later")
    if left:
        parts.append(f"{names(left)} had left it")
    return f"_(Membership on {format_date(day)}: " + "; ".join(parts) + ".)_" if parts else ""


NOW_PHRASES = {
    "party": "it is a State Party",
    "pending_entry_into_force": "it has joined but is not yet bound",
    "signatory": "it has signed but not ratified",
    "withdrawal_pending": "it is still a State Party, with its withdrawal pending",
    "withdrawn": "it is no longer a State Party: its withdrawal has taken effect",
    "non_party": "it is not a party",
}


def date_notes(ix: FactIndex, q: Question) -> str:
    """Notes on the date asked about: before the Convention existed, or in the future."""
    day = q.when.date
    if q.when.explicit and ix.in_force_from and day < ix.in_force_from:
        adopted = f"adopted on {format_date(ix.adopted_on)} and " if ix.adopted_on else ""
        return (
            f"\n_(The Convention was {adopted}entered into force on {format_date(ix.in_force_from)}; "
            f"on {format_date(day)} it bound no state yet.)_"
        )
    if day > q.today:
        return (
            f"\n_({format_date(day)} is in the future: this holds if nothing changes after the facts were "
            f"last reviewed, on {format_date(ix.kb.reviewed)}.)_"
        )
    return ""


def premise_notes(q: Question, answered: Sequence[str]) -> str:
    """A note on each state the question says has left ("now that Ukraine has withdrawn, how many are left")
    but that gave no notice of withdrawal, when the answer is not about that state itself."""
    if not q.has("says_it_left"):
        return ""
    notes = [
        f"{the(state, start=True)} has not withdrawn: it gave no notice under Article 20, and on "
        f"{format_date(q.when.date)} its status is: {LABELS[status_on(state, q.when.date)]}."
        for state in q.states
        if state.iso3 not in answered and state.withdrawal_notified is None
    ]
    return "".join(f"\n_(Note: {note})_" for note in notes)


def the(state: State, *, start: bool = False) -> str:
    """A state's name as a sentence uses it: "the United States" ("The United States" to start one)."""
    if not state.article:
        return state.name
    return f"{state.article.capitalize() if start else state.article} {state.name}"


_LOWER_THE = re.compile(r"(^|[.!?]\s+|\n[•\s]*)(\*\*|_)?the\b")


def sentences(text: str) -> str:
    """Capitalise "the" where it starts a sentence ("**the United States** is …" → "**The United …")."""
    return _LOWER_THE.sub(lambda m: m.group(1) + (m.group(2) or "") + "The", text)


def state_scope_decline(words: list[str], states: Iterable[State]) -> str:
    """One decline sentence for a question about states that asks something the fact base does not cover."""
    named = " and ".join(the(s) for s in list(states)[:2]) or "a state"
    shown = ", ".join(f"“{w}”" for w in words[:3])
    opening = f"I don't know what {shown} means here. " if words else ""
    return (
        f"{opening}About {named}, I can tell you whether it is a party to the Ottawa Mine Ban Convention on any "
        "date, and when it signed, joined or withdrew."
    )


def in_count_sentence(phrase: str, count: int, total: int, be: str, day: dt.date) -> str:
    """``Of the 3 Baltic states, 2 are States Parties on D.``, or "None of …", "All …"."""
    are = {"is": "are", "was": "were"}.get(be, "will be")
    if count == 0:
        return f"None of the {phrase} {be} a State Party on {format_date(day)}."
    if count == total and total > 1:
        return f"All {phrase} {are} States Parties on {format_date(day)}."
    return f"Of the {phrase}, **{count}** {are if count != 1 else be} {'States Parties' if count != 1 else 'a State Party'} on {format_date(day)}."


def months_between(start: dt.date, end: dt.date) -> str:
    """ "six months" for 27 June → 27 December; the count of whole months otherwise, in words up to twelve."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    words = "zero one two three four five six seven eight nine ten eleven twelve".split()
    count = words[months] if 0 <= months < len(words) else str(months)
    return f"{count} month{'' if months == 1 else 's'}"


def signature_window(ix: FactIndex) -> str:
    """When the Convention was open for signature, from the dated events and the states' records."""
    if ix.opened_on is None or ix.in_force_from is None:
        return ""
    return (
        f" It was open for signature from {format_date(ix.opened_on)} until it entered into force on "
        f"{format_date(ix.in_force_from)}; since then states join by accession."
    )


def first_sentence(text: str) -> str:
    """The text up to its first full stop followed by a space (or all of it)."""
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text
