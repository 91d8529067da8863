"""Answers about one state or a few: status, signature, joining, withdrawal, timelines and reasons."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import replace
from typing import Protocol

import bot.engine.intents as I
from bot.engine.answer import Answer, Citation, decline, matched
from bot.engine.answers.events import event_answer, names_in
from bot.engine.citations import (
    depositary_citation,
    event_citation,
    state_event_citations,
)
from bot.engine.dates import format_date, known
from bot.engine.index import FactIndex
from bot.engine.lexicon import lexicon
from bot.engine.phrasing import (
    NOW_PHRASES,
    SCOPE_HINT,
    be_not,
    cap,
    first_sentence,
    happens,
    months_between,
    names,
    state_scope_decline,
    tense,
    the,
    yes,
)
from bot.engine.question import Question, domestic_step
from bot.engine.status import (
    NON_PARTY,
    PARTY,
    PENDING_ENTRY_INTO_FORCE,
    SIGNATORY,
    WITHDRAWAL_PENDING,
    WITHDRAWN,
    status_on,
)
from bot.facts.records import Event, State
from bot.facts.validate import EVENT_KINDS

WITHDRAWAL_KINDS = frozenset(kind for kind in EVENT_KINDS if kind.startswith("withdrawal_"))


def status_text(
    ix: FactIndex, state: State, ctx: Question, *, compact: bool = False
) -> tuple[str, list[Citation]]:
    d, today = ctx.when.date, ctx.today
    be, have, lead = tense(d, today)
    code = status_on(state, d)
    name = f"**{the(state)}**"
    method = state.consent_method or "instrument"
    if code == PARTY:
        text = lead + f"{name} {be} a **State Party**"
        if state.entry_into_force:
            text += (
                f": its {method} was deposited on {format_date(known(state.consent_deposited))} and it "
                f"{'has' if have == 'has' else 'had'} been bound since {format_date(state.entry_into_force)}."
            )
        if state.withdrawal_notified and state.withdrawal_notified > d:
            text += (
                f" It later gave notice of withdrawal on {format_date(state.withdrawal_notified)}; the withdrawal "
                + happens(known(state.withdrawal_effective), today, "took", "will take")
                + f" effect on {format_date(known(state.withdrawal_effective))}."
            )
    elif code == WITHDRAWAL_PENDING:
        text = (lead + f"{name} {be} still a **State Party**, but it {have} given notice of withdrawal") + (
            f" (on {format_date(known(state.withdrawal_notified))}); the withdrawal "
            + happens(known(state.withdrawal_effective), today, "took", "will take")
            + f" effect on {format_date(known(state.withdrawal_effective))} (Article 20(3)). A state stays bound until "
            "its withdrawal takes effect."
        )
    elif code == WITHDRAWN:
        text = (lead + f"{name} {be_not(be, 'a State Party')}: it withdrew") + (
            f", with effect from {format_date(known(state.withdrawal_effective))} (notice given on "
            f"{format_date(known(state.withdrawal_notified))}). It had been bound from "
            f"{format_date(known(state.entry_into_force))}; once the withdrawal took effect, the Convention's ban no "
            "longer bound it."
        )
    elif code == PENDING_ENTRY_INTO_FORCE:
        text = (lead + f"{name} {have} deposited its instrument of {method}") + (
            f" (on {format_date(known(state.consent_deposited))}) but {be_not(be, 'yet bound')}: the Convention "
            + happens(known(state.entry_into_force), today, "entered", "enters")
            + f" into force for it on {format_date(known(state.entry_into_force))} (Article 17). Counts that go by "
            "deposit date, such as ICBL's, already list it as a State Party."
        )
    elif code == SIGNATORY:
        text = (lead + f"{name} {have} **signed** the Convention") + (
            f" (on {format_date(known(state.signed))}) but not ratified it, so it {be_not(be, 'a State Party')}."
        )
    else:
        joined_later = state.consent_deposited and state.consent_deposited > d
        if joined_later:
            text = lead + f"{name} {be_not(be, 'yet a party')}."
        else:
            text = lead + f"{name} {be_not(be, 'a party')}: it has never signed or joined the Convention."
    if code in (SIGNATORY, NON_PARTY) and state.consent_deposited and state.consent_deposited > d:
        text += (
            f" It later joined by {method}, deposited on {format_date(state.consent_deposited)}, and "
            + ("has been" if known(state.entry_into_force) <= today else "will be")
            + f" bound from {format_date(known(state.entry_into_force))}."
        )
    text += period_changes(ix, state, ctx)
    if d != today:
        now_code = status_on(state, today)
        if now_code != code:
            text += f" Today ({format_date(today)}) {NOW_PHRASES[now_code]}."
    text += notes(ix, state, d, compact=compact, seen=ctx.noted)
    return text, state_event_citations(ix, state, kinds={"withdrawal_notified", "withdrawal_effective"})


def period_changes(ix: FactIndex, state: State, ctx: Question) -> str:
    if not ctx.when.is_period or ctx.when.start is None:
        return ""
    start, end = ctx.when.start, ctx.when.date
    milestones = [
        (state.signed, "signed"),
        (
            state.consent_deposited,
            f"deposited its {state.consent_method or 'instrument'}",
        ),
        (state.entry_into_force, "became bound"),
        (state.withdrawal_notified, "gave notice of withdrawal"),
        (state.withdrawal_effective, "left (its withdrawal took effect)"),
    ]
    inside = [f"{what} on {format_date(day)}" for day, what in milestones if day and start <= day <= end]
    if not inside:
        return ""
    return f" During {ctx.when.label} it " + "; ".join(inside) + "."


def notes(ix: FactIndex, state: State, d: dt.date, *, compact: bool, seen: Container[str] = ()) -> str:
    """The record's note: for a state that took steps to leave, from the first step; else when not certain.
    A note already shown in the conversation (``seen``) is cut to its first sentence."""
    if not state.note:
        return ""
    steps = steps_without_notice(ix, state, dt.date.max)
    if (steps and d < steps[0].date) or (not steps and state.confidence == "high"):
        return ""
    note = first_sentence(state.note) + " (as noted above)" if state.iso3 in seen else state.note
    return f" _Note: {note}_" if compact else f"\n> Note: {note}"


def signed_text(
    ix: FactIndex, state: State, ctx: Question, *, compact: bool = False
) -> tuple[str, list[Citation]]:
    d, today = ctx.when.date, ctx.today
    _be, have, lead = tense(d, today)
    name = f"**{the(state)}**"
    if state.signed and state.signed <= d:
        text = f"{yes(ctx)}{name} signed the Convention on {format_date(state.signed)}."
        if state.consent_deposited and state.consent_deposited <= d:
            text += (
                f" It then deposited its {state.consent_method or 'instrument'} on "
                f"{format_date(known(state.consent_deposited))} and was bound from {format_date(known(state.entry_into_force))}."
            )
        elif state.consent_deposited:
            text += f" It ratified later, on {format_date(state.consent_deposited)}."
        else:
            text += " It has not ratified it."
    elif state.signed:
        text = lead + f"{name} {have} not yet signed; it signed on {format_date(state.signed)}."
    elif state.consent_deposited:
        text = (
            f"No. {name} never signed the Convention; it joined by {state.consent_method} on "
            f"{format_date(state.consent_deposited)} and "
            + ("has been" if known(state.entry_into_force) <= today else "will be")
            + f" bound from {format_date(known(state.entry_into_force))}. States that did not sign join by accession "
            "(Article 16)."
        )
        if state.consent_deposited > d:
            text += f" On {format_date(d)} it had not yet joined."
    else:
        text = f"No. {name} has never signed or joined the Convention."
    text += withdrawal_suffix(ix, state, d, today)
    text += notes(ix, state, d, compact=compact, seen=ctx.noted)
    return text, []


def joined_text(
    ix: FactIndex, state: State, ctx: Question, *, compact: bool = False
) -> tuple[str, list[Citation]]:
    d, today = ctx.when.date, ctx.today
    name = f"**{the(state)}**"
    if state.consent_deposited:
        method = state.consent_method or "instrument"
        bound = happens(known(state.entry_into_force), today, "entered", "enters")
        text = (
            f"{name} joined by {method}: it deposited its instrument on {format_date(state.consent_deposited)}, "
            f"and the Convention {bound} into force for it on {format_date(known(state.entry_into_force))}."
        )
        if state.signed:
            text += f" It had signed on {format_date(state.signed)}."
        if state.consent_method == "succession":
            text += " A succession can take effect from independence, before the deposit."
        if state.consent_deposited > d:
            text += f" So on {format_date(d)} it had not yet joined."
        elif known(state.entry_into_force) > d:
            text += f" So on {format_date(d)} it had joined but was not yet bound."
    elif state.signed:
        text = f"{name} signed on {format_date(state.signed)} but has never ratified, so it has not joined."
    else:
        text = f"{name} has never joined the Convention: it has neither signed nor acceded."
    text += withdrawal_suffix(ix, state, d, today)
    text += notes(ix, state, d, compact=compact, seen=ctx.noted)
    return text, []


def withdrawal_suffix(ix: FactIndex, state: State, d: dt.date, today: dt.date) -> str:
    if not state.withdrawal_notified:
        return ""
    effect = happens(known(state.withdrawal_effective), today, "took", "will take")
    return (
        f" It later withdrew: notice on {format_date(state.withdrawal_notified)}, which {effect} effect on "
        f"{format_date(known(state.withdrawal_effective))}."
    )


def withdrawal_text(
    ix: FactIndex, state: State, ctx: Question, *, compact: bool = False
) -> tuple[str, list[Citation]]:
    d, today = ctx.when.date, ctx.today
    be, _have, lead = tense(d, today)
    name = f"**{the(state)}**"
    code = status_on(state, d)
    if state.withdrawal_notified and state.withdrawal_notified <= d:
        effect_verb = happens(known(state.withdrawal_effective), today, "took", "will take")
        text = (
            f"{yes(ctx)}{name} deposited its instrument of withdrawal on "
            f"{format_date(state.withdrawal_notified)}, and "
            f"the withdrawal {effect_verb} effect on {format_date(known(state.withdrawal_effective))}, "
            f"{months_between(known(state.withdrawal_notified), known(state.withdrawal_effective))} later "
            "(Article 20(3))."
        )
        if code == WITHDRAWN:
            text += " " + cap(f"{lead}it {be} no longer a State Party.")
        else:
            text += " " + cap(
                f"{lead}it {be} still a State Party until then, as a state stays bound until its withdrawal "
                "takes effect."
            )
    elif state.withdrawal_notified:
        text = (
            f"Not on {format_date(d)}: {name} was still a State Party then. It later deposited its instrument of "
            f"withdrawal on {format_date(state.withdrawal_notified)}, which "
            + happens(known(state.withdrawal_effective), today, "took", "will take")
            + f" effect on {format_date(known(state.withdrawal_effective))}."
        )
    elif steps_without_notice(ix, state, d):
        text = (
            f"No. {name} has not withdrawn under Article 20 and {be} still a **State Party**: it took steps "
            "towards leaving, but the depositary records no instrument of withdrawal from it."
            + notes(ix, state, d, compact=compact, seen=ctx.noted)
        )
        return text, state_event_citations(ix, state, kinds={"withdrawal_notified", "withdrawal_reason"})
    elif code in (PARTY, PENDING_ENTRY_INTO_FORCE):
        text = (
            f"No. {name} has not withdrawn: it {be} a **State Party** on {format_date(d)}"
            + (f" (bound since {format_date(known(state.entry_into_force))})" if code == PARTY else "")
            + ", and the depositary records no withdrawal notification from it."
        )
        if code == PENDING_ENTRY_INTO_FORCE:
            text = (
                f"No. {name} has not withdrawn; on {format_date(d)} it had joined but was not yet bound (from "
                f"{format_date(known(state.entry_into_force))})."
            )
    else:
        text = (
            f"{name} never joined the Convention, so it has nothing to withdraw from; it {be} not a party on "
            f"{format_date(d)}."
        )
        if state.signed:
            text += f" It signed on {format_date(state.signed)} but did not ratify."
    text += notes(ix, state, d, compact=compact, seen=ctx.noted)
    return text, state_event_citations(ix, state, kinds={"withdrawal_notified", "withdrawal_effective"})


def state_timeline(ix: FactIndex, ctx: Question, confidence: float) -> Answer:
    """A state's dated record and events (up to three states), or why it withdrew when the reason is asked."""
    why = bool(re.search(r"\b(why|reason\w*|motiv\w*|justif\w*|rationale)\b", ctx.norm))
    if why and len(ctx.states) > 1:
        return reasons_answer(ix, ctx, confidence)
    lines: list[str] = []
    citations: list[Citation] = [depositary_citation(ix, ctx.states[:3])]
    for state in ctx.states[:3]:
        events = list(ix.events_by_state.get(state.iso3, []))
        if why:
            lead, cited, then_why = _reason_lead(ix, state, ctx, events)
            lines.append(lead)
            citations.extend(cited)
            if then_why is None:
                continue
            why = then_why
        else:
            lead = f"**{the(state)}**, timeline:"
            lines.append(lead)
        chosen = [
            e for e in events if e.kind != "withdrawal_reason" and (not why or e.kind in WITHDRAWAL_KINDS)
        ]
        lines[-1:] = _timeline_block(ix, state, ctx, lead, chosen, why=why)
        citations.extend(event_citation(ix, e) for e in chosen[:4])
    return matched("\n".join(lines), ctx.states[:3], citations, confidence, I.TIMELINE)


def _reason_lead(
    ix: FactIndex, state: State, ctx: Question, events: list[Event]
) -> tuple[str, list[Citation], bool | None]:
    """The first line about why ``state`` withdrew, its citations, and what follows it: only withdrawal
    events (True), all its events (False), or nothing (None)."""
    header = f"**{the(state)}**"
    if state.consent_deposited and ctx.has("joined_words", "signed") and not ctx.has("withdrawal"):
        return f"{header}, timeline:", [], False  # reasons on record are for leaving, not for joining
    reasons = [e for e in events if e.kind == "withdrawal_reason"]
    if reasons:
        lead = f"{header}: " + " ".join(e.snippet.replace("Reason given: ", "") for e in reasons)
        return lead, [event_citation(ix, e) for e in reasons], True
    if not state.withdrawal_notified and not state.consent_deposited:
        status_line, _ = status_text(ix, state, ctx, compact=True)
        lead = f"{status_line} My sources record no stated reason for {state.name} staying out" + (
            "; these are its recorded policy steps:" if events else "."
        )
        return lead, [], False
    if not state.withdrawal_notified:
        status_line, _ = status_text(ix, state, ctx, compact=True)
        return f"{header} has not withdrawn, so there is no withdrawal to explain. {status_line}", [], None
    return f"{header}: my sources record no stated reason.", [], True


def _timeline_entries(
    ix: FactIndex, state: State, chosen: list[Event], *, why: bool
) -> list[tuple[dt.date, str]]:
    """The chosen events and, unless a reason is asked, the record's milestones no event repeats, by date."""
    event_days = {(e.date, e.kind) for e in chosen}
    entries: list[tuple[dt.date, str]] = [
        (day, what)
        for day, kind, what in state_milestones(ix, state)
        if (day, kind) not in event_days and not why
    ]
    entries += [(e.date, e.snippet) for e in chosen]
    entries.sort(key=lambda x: x[0])
    return entries


def _timeline_block(
    ix: FactIndex, state: State, ctx: Question, lead: str, chosen: list[Event], *, why: bool
) -> list[str]:
    """The lead line (retitled for a period asked, or a status when nothing is dated) and a line per entry."""
    header = f"**{the(state)}**"
    entries = _timeline_entries(ix, state, chosen, why=why)
    if ctx.when.is_period and ctx.when.start is not None:
        start, end = ctx.when.start, ctx.when.date
        within = [(day, what) for day, what in entries if start <= day <= end]
        if within:
            entries = within
            lead = f"{header}, during {ctx.when.label}:"
    if not entries and not why:
        status_line, _ = status_text(ix, state, ctx, compact=True)
        lead = f"{header}: my sources record no dated events for it. {status_line}"
    return [lead] + [f"• {format_date(day)}: {what}" for day, what in entries]


def _compared_step(ctx: Question) -> tuple[str, Callable[[State], dt.date | None]]:
    """Which dates answer the comparison: leaving compares effective dates unless notice is asked about."""
    if ctx.has("withdrawal"):
        if ctx.has("notice_words"):
            return "gave notice of withdrawal", lambda s: s.withdrawal_notified
        return "left (withdrawal effective)", lambda s: s.withdrawal_effective
    if ctx.has("signed") and not ctx.has("joined"):
        return "signed", lambda s: s.signed
    if ctx.has("became_party"):
        return "became a State Party (entry into force)", lambda s: s.entry_into_force
    return "deposited its instrument of ratification or accession", lambda s: s.consent_deposited


def _compared_line(state: State, day: dt.date | None) -> str:
    """One state's dates in a comparison: the compared date, and for joining both deposit and entry into force."""
    line = f"• {state.name}: {format_date(day) if day else 'never'}"
    if (
        state.consent_deposited
        and state.entry_into_force
        and day in (state.consent_deposited, state.entry_into_force)
    ):
        line = (
            f"• {state.name}: instrument deposited {format_date(state.consent_deposited)}, "
            f"bound from {format_date(state.entry_into_force)}"
        )
    return line


def compare_answer(ix: FactIndex, ctx: Question) -> Answer:
    """Order several states by when they signed, joined or withdrew; say whether it was the same day."""
    label, pick = _compared_step(ctx)
    ctx = replace(ctx, states=tuple(_compared_states(ix, ctx)), groups=())
    last = ctx.has("latest")
    dated = sorted((s for s in ctx.states if pick(s)), key=lambda s: pick(s) or dt.date.min, reverse=last)
    undated = [s for s in ctx.states if not pick(s)]
    lines = []
    if dated:
        lines.append(_compared_headline(ctx, dated, label, pick, last=last))
        lines += [_compared_line(s, pick(s)) for s in dated]
    for s in undated:
        lines.append(f"• {s.name}: never {label.split(' its ')[0].split(' (')[0]}.")
    return matched("\n".join(lines), ctx.states, [depositary_citation(ix, ctx.states)], 0.85, I.STATUS)


def _compared_states(ix: FactIndex, ctx: Question) -> list[State]:
    """The states compared: those named, then the members of the groups named on the date asked."""
    subjects = list(ctx.states)
    for group in ctx.groups:
        subjects += [
            ix.kb.states[c] for c in group.members_on(ctx.when.date) if ix.kb.states[c] not in subjects
        ]
    return subjects


def _compared_headline(
    ctx: Question, dated: list[State], label: str, pick: Callable[[State], dt.date | None], *, last: bool
) -> str:
    """Which state came first (or last), or that they all (or the first few) did it on the same day."""
    first = dated[0]
    ties = [s for s in dated if pick(s) == pick(first)]
    day = format_date(pick(first) or dt.date.min)
    if len(ties) == len(ctx.states) > 1:
        return f"{'Yes: ' if ctx.has('same_time') else ''}{' and '.join(s.name for s in ties)} {label} on the same day, {day}."
    if len(ties) > 1:
        return f"{' and '.join(s.name for s in ties)} {label} on the same day, {day}."
    lead = "No: " if ctx.has("same_time") else ""
    return f"{lead}**{the(first)}** {label} {'last' if last else 'first'}, on {day}."


def reasons_answer(ix: FactIndex, ctx: Question, confidence: float) -> Answer:
    """Why several states withdrew: each stated reason once, then the key dates."""
    by_reason: dict[str, list[State]] = {}
    events: dict[str, Event] = {}
    silent: list[State] = []
    for state in ctx.states:
        reasons = [e for e in ix.events_by_state.get(state.iso3, []) if e.kind == "withdrawal_reason"]
        if not reasons:
            silent.append(state)
        for event in reasons:
            by_reason.setdefault(event.snippet, []).append(state)
            events.setdefault(event.snippet, event)
    lines = []
    for snippet, states in by_reason.items():
        lines.append(f"**{names(states)}**: {snippet.replace('Reason given: ', '')}")
    for state in silent:
        if state.withdrawal_notified:
            lines.append(f"**{the(state)}**: my sources record no stated reason.")
        else:
            lines.append(f"**{the(state)}** has not withdrawn.")
    gone = [s for s in ctx.states if s.withdrawal_notified]
    if gone:
        lines.append(withdrawn_lines(ix, gone, ctx.when.date, ctx.today))
    citations = [depositary_citation(ix, ctx.states)] + [event_citation(ix, e) for e in events.values()]
    return matched("\n".join(lines), ctx.states, citations, confidence, I.TIMELINE)


def state_milestones(ix: FactIndex, state: State) -> list[tuple[dt.date, str, str]]:
    method = state.consent_method or "instrument"
    rows: list[tuple[dt.date, str, str]] = []
    if state.signed:
        rows.append((state.signed, "signature", "signed the Convention (depositary record)."))
    if state.consent_deposited:
        rows.append(
            (
                state.consent_deposited,
                state.consent_method or "",
                f"deposited its instrument of {method}.",
            )
        )
    if state.entry_into_force:
        rows.append(
            (state.entry_into_force, "entered_into_force", "the Convention entered into force for it.")
        )
    if state.withdrawal_notified:
        rows.append((state.withdrawal_notified, "withdrawal_notified", "instrument of withdrawal deposited."))
    if state.withdrawal_effective:
        rows.append((state.withdrawal_effective, "withdrawal_effective", "withdrawal took effect."))
    return rows


def state_suggestions(ix: FactIndex, state: State) -> list[str]:
    return [f"Is {state.name} a party?", f"When did {state.name} join?", f"Has {state.name} withdrawn?"]


def steps_without_notice(ix: FactIndex, state: State, d: dt.date) -> list[Event]:
    """Steps towards leaving (announcements, votes, laws, notices) by ``d`` from a state whose record shows
    no Article 20 instrument of withdrawal: it is still a State Party."""
    if state.withdrawal_notified:
        return []
    return [
        e
        for e in ix.events_by_state.get(state.iso3, [])
        if e.kind.startswith("withdrawal_") and e.kind != "withdrawal_reason" and e.date <= d
    ]


def withdrawn_lines(
    ix: FactIndex, gone: Iterable[State], d: dt.date, today: dt.date, *, inline: bool = False
) -> str:
    parts = []
    for s in sorted(gone, key=lambda s: (s.withdrawal_effective, s.name)):
        verb = happens(known(s.withdrawal_effective), today, "effective", "will take effect on")
        parts.append(
            f"{s.name} (notice {format_date(known(s.withdrawal_notified))}, {verb} {format_date(known(s.withdrawal_effective))})"
        )
    if inline:
        return "They are: " + "; ".join(parts) + "."
    return "\n".join(f"• {p}" for p in parts)


def not_withdrawn_note(ix: FactIndex, d: dt.date) -> str:
    """Name the states that took steps towards leaving without an Article 20 withdrawal."""
    stepped = [s for s in ix.kb.states.values() if steps_without_notice(ix, s, d)]
    if not stepped:
        return ""
    verb = "it remains a State Party" if len(stepped) == 1 else "they remain States Parties"
    return (
        f"\nNot on this list: {names(stepped)}, which took steps towards leaving but deposited no Article 20 "
        f"instrument of withdrawal, so {verb}."
    )


class StateText(Protocol):
    """A builder of one state's answer text and citations, for one per-state intent."""

    def __call__(
        self, ix: FactIndex, state: State, ctx: Question, *, compact: bool = False
    ) -> tuple[str, list[Citation]]: ...


_BUILDERS: dict[str, StateText] = {
    I.STATUS: status_text,
    I.SIGNED: signed_text,
    I.JOINED: joined_text,
    I.WITHDRAWAL: withdrawal_text,
}
_LEX = lexicon()
MAX_STATES = 8
DECLINE_BELOW = 0.5


def _leftover_words(ctx: Question) -> list[str]:
    """Words that are neither a name, part of the date, nor filler: a question about a state that asks
    something more than its standing."""
    skip = ctx.found.covered() | ctx.date_tokens
    return [
        t
        for i, t in enumerate(ctx.found.tokens)
        if i not in skip and t not in _LEX.fillers and not t.isdigit()
    ]


def _state_intent(ctx: Question) -> tuple[str, float] | Answer:
    """The per-state intent and how sure the reading is, or a decline."""
    scores = I.score_state_intents(ctx.templated)
    top = scores[0]
    unrelated = ctx.has("unrelated_topics")
    intent: str
    if not any(s.cue for s in scores):
        # A bare name ("poland", "Finland?", "what about Chad") asks for its status; other topics are out of scope.
        leftover = _leftover_words(ctx)
        if unrelated or leftover:
            return decline(
                state_scope_decline(leftover if not unrelated else [], ctx.states),
                suggestions=[f"Is {s.name} a party?" for s in ctx.states[:3]],
                intent="out_of_scope",
            )
        intent, confidence = I.STATUS, 0.75
    else:
        intent, confidence = top.intent, min(1.0, 0.55 + top.score * 0.5)
    if unrelated and not scores[0].cue:
        confidence = min(confidence, 0.4)
    if confidence < DECLINE_BELOW:
        return decline("I'm not sure what you'd like to know. " + SCOPE_HINT)
    if ctx.has("timeline") and intent in (I.WITHDRAWAL, I.STATUS, I.TIMELINE):
        intent = I.TIMELINE
    return intent, confidence


def _names_beyond_the_states(ix: FactIndex, ctx: Question) -> bool:
    """Whether the question names someone or something besides its states ("Hegseth", "22MSP")."""
    state_words = {ix.search.fold(w) for m in ctx.found.mentions for w in m.text.lower().split()}
    return bool(names_in(ix, ctx) - state_words)


def _own_event(ix: FactIndex, ctx: Question) -> Answer | None:
    """The event the question describes, if it is about one of the question's states (an event of another
    state that shares its words answers a question about this one only by chance)."""
    event = event_answer(ix, ctx)
    named = {state.iso3 for state in ctx.states}
    return event if event is not None and named & set(event.states) else None


def state_question(ix: FactIndex, ctx: Question) -> Answer:
    """One or more named states: status, signature, joining, withdrawal or timeline, for the date asked."""
    if ctx.has("not_in_fact_base") and not ctx.has("withdrawal"):
        return decline(
            "My sources cover who is bound by the Convention and when, not figures on mine use, stockpiles, "
            "production or casualties; the Landmine Monitor publishes those. I can tell you a state's status.",
            suggestions=[f"Is {s.name} a party?" for s in ctx.states[:3]],
            intent="out_of_scope",
        )
    if _names_beyond_the_states(ix, ctx):
        event = event_answer(ix, ctx)
        if event is not None:
            return event  # "what did Hegseth sign": the event, not the state's signature
    reading = _state_intent(ctx)
    if domestic_step(ctx) and not isinstance(reading, Answer) and reading[0] != I.STATUS:
        event = _own_event(ix, ctx)
        if event is not None:
            return event  # "when did Poland's president sign the withdrawal": the event, not the deposit
    if isinstance(reading, Answer):
        event = _own_event(ix, ctx)
        if event is not None:
            return event
        if not reading.suggestions:
            reading.suggestions = state_suggestions(ix, ctx.states[0])
        return reading
    intent, confidence = reading
    if intent == I.TIMELINE:
        return state_timeline(ix, ctx, confidence)
    parts: list[str] = []
    citations: list[Citation] = []
    many = len(ctx.states) > 1
    shown = list(ctx.states[:MAX_STATES])
    for state in shown:
        text, extra = _BUILDERS[intent](ix, state, ctx, compact=many)
        parts.append(text)
        citations.extend(extra)
    if len(ctx.states) > MAX_STATES:
        parts.append(f"_({len(ctx.states) - MAX_STATES} more states named; ask about them separately.)_")
    citations.insert(0, depositary_citation(ix, shown))
    return matched(
        "\n".join(parts) if many else "\n\n".join(parts), ctx.states, citations, confidence, intent
    )
