"""Answers about many states: groups, counts, lists, ordinals and periods."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import bot.engine.intents as I
from bot.engine.answer import Answer, matched
from bot.engine.answers.states import (
    not_withdrawn_note,
    state_timeline,
    withdrawn_lines,
)
from bot.engine.citations import (
    citation,
    depositary_citation,
    event_citation,
    source_citations,
    state_event_citations,
)
from bot.engine.dates import format_date, known
from bot.engine.index import FactIndex
from bot.engine.phrasing import (
    group_phrase,
    in_count_sentence,
    membership_note,
    names,
    ordinal_suffix,
    plural,
    signature_window,
    tense,
    the,
    yes,
)
from bot.engine.question import Question
from bot.engine.status import (
    NON_PARTY,
    PARTY,
    PENDING_ENTRY_INTO_FORCE,
    SIGNATORY,
    WITHDRAWAL_PENDING,
    WITHDRAWN,
    status_on,
)
from bot.facts.records import Event, Group, State

_GROUP_TITLES: dict[str, str] = {
    PARTY: "State Party",
    WITHDRAWAL_PENDING: "State Party, withdrawal pending",
    WITHDRAWN: "Withdrawn",
    PENDING_ENTRY_INTO_FORCE: "Joined, not yet bound",
    SIGNATORY: "Signed, not ratified",
    NON_PARTY: "Never joined",
}
# Which members a group question is after, and the order the status lines are shown in.
_FOCUS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "withdrawal",
        (WITHDRAWN, WITHDRAWAL_PENDING),
        (WITHDRAWN, WITHDRAWAL_PENDING, PARTY, PENDING_ENTRY_INTO_FORCE, SIGNATORY, NON_PARTY),
    ),
    (
        "out_focus",
        (NON_PARTY, SIGNATORY, WITHDRAWN, PENDING_ENTRY_INTO_FORCE),
        (NON_PARTY, SIGNATORY, WITHDRAWN, PENDING_ENTRY_INTO_FORCE, WITHDRAWAL_PENDING, PARTY),
    ),
    (
        "in_focus",
        (PARTY, WITHDRAWAL_PENDING),
        (PARTY, WITHDRAWAL_PENDING, WITHDRAWN, PENDING_ENTRY_INTO_FORCE, SIGNATORY, NON_PARTY),
    ),
)
_ALL_ORDER = (PARTY, WITHDRAWAL_PENDING, WITHDRAWN, PENDING_ENTRY_INTO_FORCE, SIGNATORY, NON_PARTY)


def _focus(ctx: Question) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The cue that names the members asked about, their status codes, and the order to list codes in."""
    yes_no = bool(yes(ctx))
    for cue, codes, order in _FOCUS:
        if ctx.has(cue) and not (cue == "in_focus" and yes_no):
            return cue, codes, order
    return "", (), _ALL_ORDER


def _group_entry(state: State, code: str) -> str:
    if code in (WITHDRAWN, WITHDRAWAL_PENDING):
        return (
            f"{state.name} (notice {format_date(known(state.withdrawal_notified))}, effective "
            f"{format_date(known(state.withdrawal_effective))})"
        )
    if code == PENDING_ENTRY_INTO_FORCE:
        return f"{state.name} (bound from {format_date(known(state.entry_into_force))})"
    return state.name


def _focus_sentence(cue: str, chosen: list[State], be: str, d: dt.date) -> str:
    are = {"is": "are", "was": "were"}.get(be, "will be")
    if cue == "withdrawal":
        if not chosen:
            return f"None of them had withdrawn or given notice of withdrawal by {format_date(d)}."
        return f"{plural(len(chosen), 'member')} had withdrawn or given notice by {format_date(d)}: {names(chosen)}."
    if cue == "out_focus":
        if not chosen:
            return f"Every one of them {be} a State Party then."
        return f"{plural(len(chosen), 'member')} {are if len(chosen) != 1 else be} not a State Party then: {names(chosen)}."
    return ""


def group_question(ix: FactIndex, ctx: Question) -> Answer:
    """A group of states on the date asked: how many are parties, and the members the question is after."""
    group = ctx.groups[0]
    if (
        (ctx.has("signed", "joined"))
        and (ctx.has("when") or ctx.when.is_period)
        and not ctx.has("withdrawal", "how_many")
    ):
        return group_dates(ix, ctx, group, signed=ctx.has("signed") and not ctx.has("joined"))
    if not ctx.has("how_many") and ctx.has("why"):
        named = tuple(ix.kb.states[c] for c in group.members_on(ctx.when.date))
        return state_timeline(ix, replace(ctx, states=named), 0.8)
    d, today = ctx.when.date, ctx.today
    be = tense(d, today)[0]
    members = [ix.kb.states[c] for c in group.members_on(d)]
    by_code = _by_status(members, d)
    in_count = len(by_code.get(PARTY, [])) + len(by_code.get(WITHDRAWAL_PENDING, []))
    cue, codes, order = _focus(ctx)
    chosen = [s for code in codes for s in by_code.get(code, [])]
    lines = [in_count_sentence(group_phrase(group, len(members)), in_count, len(members), be, d)]
    focus_line = _focus_sentence(cue, chosen, be, d)
    if focus_line:
        lines.append(focus_line)
    lines += _status_lines(by_code, order)
    changed = membership_note(ix, group, d)
    if changed:
        lines.append(changed)
    if group.note:
        lines.append(f"_{group.note}_")
    citations = [
        depositary_citation(ix, members),
        *source_citations(ix, group.sources, snippet=f"Members of the {group.name}: " + names(members) + "."),
    ]
    return matched("\n".join(lines), chosen if cue and chosen else members, citations, 0.9, I.GROUP)


def _by_status(members: list[State], d: dt.date) -> dict[str, list[State]]:
    """The members by their status code on ``d``, each list in the members' order."""
    by_code: dict[str, list[State]] = {}
    for state in members:
        by_code.setdefault(status_on(state, d), []).append(state)
    return by_code


def _status_lines(by_code: dict[str, list[State]], order: tuple[str, ...]) -> list[str]:
    """A line per status code present, in ``order``: its title, how many, and the members."""
    lines: list[str] = []
    for code in order:
        if by_code.get(code):
            entries = [_group_entry(state, code) for state in by_code[code]]
            lines.append(f"• {_GROUP_TITLES[code]} ({len(entries)}): " + ", ".join(entries))
    return lines


def group_dates(ix: FactIndex, ctx: Question, group: Group, *, signed: bool) -> Answer:
    """When each member signed or joined; with a period, only those that did so within it."""
    members = sorted((ix.kb.states[c] for c in group.members_on(ctx.when.date)), key=lambda s: s.name)
    step = "signed" if signed else "joined"
    if ctx.when.is_period and ctx.when.start:
        start, end = ctx.when.start, ctx.when.end or ctx.when.date
        within = [s for s in members if (day := _step_day(s, signed=signed)) and start <= day <= end]
        lines = [f"Members of the {group.name} that {step} during {ctx.when.label}: {len(within)}."]
        members = within
    else:
        lines = [f"{group.name}, when each {step}:"]
    for state in members:
        lines.append(_member_dates_line(state, signed=signed))
    return matched("\n".join(lines), members, [depositary_citation(ix, members)], 0.88, I.GROUP)


def _step_day(state: State, *, signed: bool) -> dt.date | None:
    """The day ``state`` signed, or deposited its consent to be bound."""
    return state.signed if signed else state.consent_deposited


def _member_dates_line(state: State, *, signed: bool) -> str:
    if signed:
        return f"• {state.name}: " + (
            f"signed {format_date(state.signed)}" if state.signed else "never signed"
        )
    if not state.consent_deposited:
        return f"• {state.name}: never joined"
    line = (
        f"• {state.name}: {state.consent_method} {format_date(state.consent_deposited)}, bound from "
        f"{format_date(known(state.entry_into_force))}"
    )
    if state.withdrawal_effective:
        line += f"; withdrew with effect from {format_date(state.withdrawal_effective)}"
    return line


def _verb(d: dt.date, today: dt.date) -> str:
    be = tense(d, today)[0]
    return "are" if be == "is" else "were" if be == "was" else "will be"


def count_answer(ix: FactIndex, ctx: Question, *, withdraw: bool, signed: bool, never: bool) -> Answer:
    """How many States Parties, withdrawals, signatories or non-parties there are on the date asked."""
    extreme = count_extreme(ix, ctx)
    if extreme is not None:
        return extreme
    if withdraw:
        return count_withdrawals(ix, ctx)
    if signed and not never:
        return count_signatories(ix, ctx)
    un_only = bool(re.search(r"\bun (member|members|member states?)\b|\bmembers of the un\b", ctx.norm))
    if never:
        return count_outside(ix, ctx, un_only=un_only)
    if un_only:
        return count_un_members(ix, ctx)
    return count_parties(ix, ctx)


def _dated_names(states: list[State], field_name: str) -> str:
    """``: Finland (10 January 2026); Poland (20 February 2026).``, or ``.`` for none."""
    if not states:
        return "."
    return ": " + "; ".join(f"{s.name} ({format_date(known(getattr(s, field_name)))})" for s in states) + "."


def withdrawals_in_period(ix: FactIndex, ctx: Question) -> Answer:
    """The withdrawals notified and those that took effect within a period."""
    start, end = ctx.when.start or ctx.when.date, ctx.when.end or ctx.when.date
    states = sorted(ix.kb.states.values(), key=lambda s: (s.withdrawal_effective or dt.date.max, s.name))
    took_effect = [s for s in states if s.withdrawal_effective and start <= s.withdrawal_effective <= end]
    notified = [s for s in states if s.withdrawal_notified and start <= s.withdrawal_notified <= end]
    lines = [
        f"During {ctx.when.label}, {plural(len(took_effect), 'withdrawal')} took effect"
        + _dated_names(took_effect, "withdrawal_effective"),
        f"{plural(len(notified), 'notice')} of withdrawal {'was' if len(notified) == 1 else 'were'} given then"
        + _dated_names(notified, "withdrawal_notified"),
    ]
    chosen = notified if ctx.has("notice_words") else took_effect
    return matched(" ".join(lines), chosen, [depositary_citation(ix, chosen or notified)], 0.9, I.COUNT)


def count_withdrawals(ix: FactIndex, ctx: Question) -> Answer:
    """How many notices of withdrawal had been given, and how many had taken effect, by the date."""
    if ctx.when.is_period:
        return withdrawals_in_period(ix, ctx)
    d, today = ctx.when.date, ctx.today
    states = list(ix.kb.states.values())
    gone = [s for s in states if s.withdrawal_notified and s.withdrawal_notified <= d]
    effective = [s for s in gone if known(s.withdrawal_effective) <= d]
    text = (
        f"By {format_date(d)}, **{len(gone)}** States Parties had given notice of withdrawal, and "
        f"**{len(effective)}** withdrawals had taken effect."
    )
    if gone:
        text += " " + withdrawn_lines(ix, gone, d, today, inline=True)
    text += not_withdrawn_note(ix, d)
    return matched(text, gone, [depositary_citation(ix, gone)], 0.9, I.COUNT)


def count_signatories(ix: FactIndex, ctx: Question) -> Answer:
    """How many states had signed by the date."""
    d = ctx.when.date
    states = list(ix.kb.states.values())
    signers = [s for s in states if s.signed and s.signed <= d]
    text = f"**{len(signers)}** states had signed the Convention by {format_date(d)}." + signature_window(ix)
    unratified = [s for s in signers if not (s.consent_deposited and s.consent_deposited <= d)]
    withdrew = [s for s in signers if s.withdrawal_effective and s.withdrawal_effective <= d]
    if withdrew:
        text += (
            f" {len(withdrew)} of the signatories later withdrew ("
            + names(withdrew)
            + "), so lists of current signatories may show fewer."
        )
    if unratified:
        text += f" {len(unratified)} of them had not ratified: " + names(unratified) + "."
    return _with_header(ix, matched(text, [], [depositary_citation(ix, [])], 0.9, I.COUNT), d)


def count_outside(ix: FactIndex, ctx: Question, *, un_only: bool) -> Answer:
    """How many states (or UN members) were not States Parties on the date."""
    d, today = ctx.when.date, ctx.today
    verb = _verb(d, today)
    states = list(ix.kb.states.values())
    scope = [s for s in states if s.un_member] if un_only else states
    scope_label = f"the {len(scope)} UN member states" if un_only else f"the {len(scope)} states"
    strictly = re.search(r"\b(never|yet to|havent|hasnt|not yet|didnt|did not)\b", ctx.norm)
    outside = [s for s in scope if not (s.consent_deposited and s.consent_deposited <= d)]
    if strictly:
        text = f"**{len(outside)}** of {scope_label} had never joined the Convention by {format_date(d)}."
    else:
        not_parties = [s for s in scope if status_on(s, d) not in (PARTY, WITHDRAWAL_PENDING)]
        gone = [s for s in not_parties if status_on(s, d) == WITHDRAWN]
        text = (
            f"**{len(not_parties)}** of {scope_label} {verb} not States Parties on {format_date(d)}: "
            f"{len(outside)} never joined"
            + (f" and {len(gone)} withdrew ({names(gone)})" if gone else "")
            + "."
        )
    return matched(text, [], [depositary_citation(ix, [])], 0.85, I.COUNT)


def count_un_members(ix: FactIndex, ctx: Question) -> Answer:
    """How many UN member states were States Parties on the date."""
    d, today = ctx.when.date, ctx.today
    verb = _verb(d, today)
    states = list(ix.kb.states.values())
    scope = [s for s in states if s.un_member]
    scope_label = f"the {len(scope)} UN member states"
    in_un = [s for s in scope if status_on(s, d) in (PARTY, WITHDRAWAL_PENDING)]
    share = 100 * len(in_un) / len(scope)
    others = [s.name for s in states if not s.un_member and status_on(s, d) in (PARTY, WITHDRAWAL_PENDING)]
    text = f"**{len(in_un)}** of {scope_label} {verb} States Parties on {format_date(d)} ({share:.0f}%)." + (
        f" The other States Parties are not UN members: {', '.join(others)}." if others else ""
    )
    return matched(text, [], [depositary_citation(ix, [])], 0.88, I.COUNT)


def count_in_period(ix: FactIndex, ctx: Question) -> Answer:
    """The number of States Parties through a period: the count at its start and every change within it."""
    start = ctx.when.start or ctx.when.date
    end = ctx.when.end or ctx.when.date
    first = ix.timeline.count_on(start)
    changes = ix.timeline.changes(start, end)
    span = f"{ctx.when.label} ({ctx.when.note})" if ctx.when.note else ctx.when.label
    if not changes:
        text = f"There were **{first} States Parties** throughout {span}; the count did not change."
    else:
        steps = [f"**{first}** from {format_date(start)}"]
        for day, _before, after in changes:
            who = [s.name for s in ix.changed_on.get(day, [])]
            steps.append(f"**{after}** from {format_date(day)} ({', '.join(who)})")
        text = f"The number of States Parties during {span}: " + ", then ".join(steps) + "."
    return matched(text, [], [depositary_citation(ix, [])], 0.9, I.COUNT)


def count_parties(ix: FactIndex, ctx: Question) -> Answer:
    """The number of States Parties on the date, with pending withdrawals and entries into force."""
    if ctx.when.is_period and ctx.when.start and ctx.when.start <= ctx.today:
        return count_in_period(ix, ctx)
    d, today = ctx.when.date, ctx.today
    verb = _verb(d, today)
    states = list(ix.kb.states.values())
    parties = ix.timeline.count_on(d)
    pending = [s for s in states if status_on(s, d) == PENDING_ENTRY_INTO_FORCE]
    leaving = [s for s in states if status_on(s, d) == WITHDRAWAL_PENDING]
    text = f"There {verb} **{parties} States Parties** on {format_date(d)}."
    if leaving:
        text += (
            f" That includes {len(leaving)} whose withdrawal was pending ("
            + names(leaving)
            + "), as a state stays bound until its withdrawal takes effect."
        )
    if pending:
        text += _pending_sentence(pending, parties)
    text += _withdrew_sentence(states, d)
    changes = count_changes(ix, d - dt.timedelta(days=365), d)
    if changes:
        text += "\nChanges in the year to that date: " + "; ".join(changes) + "."
    return matched(text, [], [depositary_citation(ix, [])], 0.92, I.COUNT)


def _pending_sentence(pending: list[State], parties: int) -> str:
    """The states that deposited but were not yet bound, and the count that goes by deposit date."""
    return (
        f" {len(pending)} more had deposited {'their instruments' if len(pending) > 1 else 'its instrument'} but "
        f"{'were' if len(pending) > 1 else 'was'} not yet bound ("
        + ", ".join(f"{s.name}, from {format_date(known(s.entry_into_force))}" for s in pending)
        + f"); counts that go by deposit date give {parties + len(pending)}."
    )


def _withdrew_sentence(states: list[State], d: dt.date) -> str:
    """How many states ever joined by ``d`` and which of them had withdrawn by then; empty if none had."""
    ever = [s for s in states if s.consent_deposited and s.consent_deposited <= d]
    left = [s for s in ever if s.withdrawal_effective and s.withdrawal_effective <= d]
    if not left:
        return ""
    return (
        f" In all, {len(ever)} states have ratified or acceded; {len(left)} of them later withdrew ("
        + names(left)
        + ")."
    )


def count_extreme(ix: FactIndex, ctx: Question) -> Answer | None:
    """The peak count, or the day the count reached a given number."""
    days, totals = ix.timeline.days, ix.timeline.totals
    if not days:
        return None
    reach = re.search(
        r"\b(fall|fell|drop|dropped|decline|declined|rise|rose|reach|reached|go|went|get|got|become|became|hit)\w*"
        r"(?: to)? (\d{1,3})\b",
        ctx.norm,
    )
    if reach:
        verb, target = reach.group(1), int(reach.group(2))
        down = verb in ("fall", "fell", "drop", "dropped", "decline", "declined")
        hits = []
        for index, (day, total) in enumerate(zip(days, totals, strict=True)):
            before = totals[index - 1] if index else 0
            if (down and before > target >= total) or (not down and before < target <= total):
                hits.append(day)
        if not hits:
            text = f"The number of States Parties never {'fell' if down else 'rose'} to {target}."
        else:
            text = (
                f"The number of States Parties {'fell' if down else 'rose'} to {target} on "
                + " and ".join(format_date(d) for d in hits)
                + ": "
                + "; ".join(c for d in hits for c in count_changes(ix, d - dt.timedelta(days=1), d))
                + "."
            )
        return matched(text, [], [depositary_citation(ix, [])], 0.85, I.COUNT)
    if re.search(
        r"\b(peak|peaked|maximum|highest|most ever|largest|record high|record number|most\b.*\bever)\b",
        ctx.norm,
    ):
        best = max(totals)
        first = days[totals.index(best)]
        later = [d for d, t in zip(days, totals, strict=True) if d > first and t < best]
        text = f"The peak was **{best} States Parties**, reached on {format_date(first)}"
        text += f" and held until {format_date(later[0] - dt.timedelta(days=1))}." if later else "."
        return matched(text, [], [depositary_citation(ix, [])], 0.85, I.COUNT)
    return None


def count_changes(ix: FactIndex, start: dt.date, end: dt.date) -> list[str]:
    out = []
    for day, before, after in ix.timeline.changes(start, end):
        who = [s.name for s in ix.changed_on.get(day, [])]
        out.append(f"{format_date(day)}: {before} → {after} ({', '.join(who)})")
    return out


def _no_earlier_withdrawals(ix: FactIndex, gone: list[State]) -> str:
    """ "These were the first withdrawals in the Convention's history", when the records show none before."""
    first = min((known(s.withdrawal_notified) for s in gone), default=None)
    earlier = [
        s for s in ix.kb.states.values() if s.withdrawal_notified and first and s.withdrawal_notified < first
    ]
    return "\nThese were the first withdrawals in the Convention's history." if first and not earlier else ""


def list_withdrawn(ix: FactIndex, ctx: Question) -> Answer:
    """Every state that has withdrawn or is withdrawing by the date; within a period, those whose
    withdrawal took effect or was notified then."""
    if ctx.when.is_period:
        return withdrawals_in_period(ix, ctx)
    return _withdrawn_by(ix, ctx)


def _withdrawn_by(ix: FactIndex, ctx: Question) -> Answer:
    """The states that had given notice of withdrawal by the date (within the period, if one is named)."""
    d, today = ctx.when.date, ctx.today
    gone = [s for s in ix.kb.states.values() if s.withdrawal_notified and s.withdrawal_notified <= d]
    if not gone:
        return _none_withdrawn(ix, d)
    if ctx.when.is_period and ctx.when.start:
        in_period = _withdrawing_within(gone, ctx.when.start, d)
        if in_period:
            gone = in_period
        else:
            text = f"No withdrawal was notified or took effect during {ctx.when.label}."
            return matched(text, [], [depositary_citation(ix, [])], 0.8, I.LIST_WITHDRAWN)
    done = [s for s in gone if known(s.withdrawal_effective) <= d]
    text = _first_notices(ctx, gone) + (
        f"**{len(gone)}** states have given notice of withdrawal under Article 20 by {format_date(d)}"
        + (f", {len(done)} of them already out" if done else "")
        + ":\n"
        + withdrawn_lines(ix, gone, d, today)
        + _no_earlier_withdrawals(ix, gone)
        + not_withdrawn_note(ix, d)
    )
    citations = [depositary_citation(ix, gone)]
    for s in gone:
        citations.extend(state_event_citations(ix, s, kinds={"withdrawal_effective"})[:1])
    return matched(text, gone, citations, 0.9, I.LIST_WITHDRAWN)


def _none_withdrawn(ix: FactIndex, d: dt.date) -> Answer:
    """No notice of withdrawal by ``d``; when the first notices came, if any ever did."""
    first = min(
        (s.withdrawal_notified for s in ix.kb.states.values() if s.withdrawal_notified),
        default=None,
    )
    text = f"No State Party had withdrawn or given notice of withdrawal by {format_date(d)}."
    if first:
        text += f" The first notices came on {format_date(first)}."
    return matched(text, [], [depositary_citation(ix, [])], 0.85, I.LIST_WITHDRAWN)


def _withdrawing_within(gone: list[State], start: dt.date, d: dt.date) -> list[State]:
    """The states whose notice was given, or whose withdrawal took effect, from ``start`` to ``d``."""
    return [
        s
        for s in gone
        if start <= known(s.withdrawal_notified) <= d or start <= known(s.withdrawal_effective) <= d
    ]


def _first_notices(ctx: Question, gone: list[State]) -> str:
    """For a question about the first or earliest, a line naming the first to give notice; else empty."""
    if not ctx.has("first"):
        return ""
    earliest = min(known(s.withdrawal_notified) for s in gone)
    firsts = [s.name for s in gone if s.withdrawal_notified == earliest]
    return f"The first to give notice {'were' if len(firsts) > 1 else 'was'} {', '.join(firsts)}, on {format_date(earliest)}.\n"


def list_not_parties(ix: FactIndex, ctx: Question, *, never_signed: bool) -> Answer:
    d = ctx.when.date
    states = sorted(ix.kb.states.values(), key=lambda s: s.name)
    if never_signed:
        chosen = [
            s
            for s in states
            if not (s.signed and s.signed <= d) and not (s.consent_deposited and s.consent_deposited <= d)
        ]
        head = f"**{len(chosen)}** states had neither signed nor joined by {format_date(d)}:"
    else:
        chosen = [s for s in states if not (s.consent_deposited and s.consent_deposited <= d)]
        head = f"**{len(chosen)}** states had never joined the Convention by {format_date(d)}:"
    text = head + " " + names(chosen) + "."
    withdrawn = [s for s in states if status_on(s, d) == WITHDRAWN]
    if withdrawn:
        text += "\nAlso outside on that date, having withdrawn: " + names(withdrawn) + "."
    return matched(text, chosen, [depositary_citation(ix, [])], 0.88, I.LIST_NEVER_JOINED)


def list_pending(ix: FactIndex, ctx: Question) -> Answer:
    d = ctx.when.date
    chosen = [s for s in ix.by_consent if status_on(s, d) == PENDING_ENTRY_INTO_FORCE]
    if chosen:
        text = (
            f"On {format_date(d)}, {plural(len(chosen), 'state')} had deposited an instrument but "
            f"{'were' if len(chosen) > 1 else 'was'} not yet bound (Article 17):\n"
            + "\n".join(
                f"• {s.name}: {s.consent_method} deposited {format_date(known(s.consent_deposited))}, bound from "
                f"{format_date(known(s.entry_into_force))}"
                for s in chosen
            )
            + "\nCounts that go by deposit date, such as ICBL's, already list them as States Parties."
        )
    else:
        earlier = [s for s in ix.by_consent if s.entry_into_force and s.entry_into_force <= d]
        last = max(earlier, key=lambda s: known(s.entry_into_force)) if earlier else None
        text = f"On {format_date(d)}, no state was waiting for the Convention to enter into force for it."
        if last:
            text += f" The most recent to become bound was {last.name}, on {format_date(known(last.entry_into_force))}."
        chosen = [last] if last else []
    return matched(text, chosen, [depositary_citation(ix, chosen)], 0.85, I.RECENT)


def list_signatories(ix: FactIndex, ctx: Question) -> Answer:
    d = ctx.when.date
    chosen = [s for s in ix.kb.states.values() if status_on(s, d) == SIGNATORY]
    if chosen:
        text = (
            f"On {format_date(d)}, {plural(len(chosen), 'state')} had signed but not ratified: "
            + ", ".join(f"{s.name} (signed {format_date(known(s.signed))})" for s in chosen)
            + "."
        )
    else:
        last = max(
            (s for s in ix.kb.states.values() if s.signed and s.consent_deposited),
            key=lambda s: known(s.consent_deposited),
        )
        text = (
            f"None: on {format_date(d)}, no state had signed without ratifying. The last signatory to ratify was "
            f"{last.name}, on {format_date(known(last.consent_deposited))}."
        )
        chosen = [last]
    return matched(text, chosen, [depositary_citation(ix, chosen)], 0.85, I.LIST_SIGNATORIES)


def list_parties(ix: FactIndex, ctx: Question) -> Answer:
    d = ctx.when.date
    parties = ix.timeline.count_on(d)
    text = (
        f"There are **{parties} States Parties** on {format_date(d)} — too many to list here. "
        "Use `/parties` in Discord (it attaches the full list as a CSV file) or `python -m bot states`, "
        "or ask about a state or a group, such as “Which EU members are parties?”."
    )
    return matched(text, [], [depositary_citation(ix, [])], 0.8, I.LIST_PARTIES)


def bound_in_period(ix: FactIndex, ctx: Question) -> Answer:
    """The states that became bound (entry into force) within a period."""
    start, end = ctx.when.start or ctx.when.date, ctx.when.end or ctx.when.date
    bound = sorted(
        (s for s in ix.kb.states.values() if s.entry_into_force and start <= s.entry_into_force <= end),
        key=lambda s: (known(s.entry_into_force), s.name),
    )
    lines = [
        f"{plural(len(bound), 'state')} became {'a State Party' if len(bound) == 1 else 'States Parties'} "
        f"(entry into force) during {ctx.when.label}" + (":" if bound else ".")
    ]
    lines += [
        f"• {s.name}: bound from {format_date(known(s.entry_into_force))} ({s.consent_method} deposited "
        f"{format_date(known(s.consent_deposited))})"
        for s in bound
    ]
    return matched("\n".join(lines), bound, [depositary_citation(ix, bound)], 0.85, I.RECENT)


def _nobody_joined(ix: FactIndex, ctx: Question, start: dt.date) -> Answer:
    """No deposit in the period: say so, and name the one before it."""
    last = [s for s in ix.by_consent if known(s.consent_deposited) < start][-1:]
    text = f"No state ratified or acceded during {ctx.when.label}."
    if last:
        text += f" The previous one was {last[0].name}, on {format_date(known(last[0].consent_deposited))}."
    return matched(text, last, [depositary_citation(ix, last)], 0.8, I.RECENT)


def joined_in_period(ix: FactIndex, ctx: Question) -> Answer:
    """The states that deposited an instrument within a period (or became bound, when that is asked)."""
    if ctx.has("became_party"):
        return bound_in_period(ix, ctx)
    start, end = ctx.when.start or ctx.when.date, ctx.when.date
    deposited = [s for s in ix.by_consent if start <= known(s.consent_deposited) <= end]
    bound = [s for s in ix.kb.states.values() if s.entry_into_force and start <= s.entry_into_force <= end]
    if not deposited and not bound:
        return _nobody_joined(ix, ctx, start)
    lines = [
        f"{plural(len(deposited), 'state')} joined (deposited an instrument) during {ctx.when.label}"
        + (":" if deposited else ".")
    ]
    for s in deposited:
        lines.append(
            f"• {s.name}: {s.consent_method} deposited {format_date(known(s.consent_deposited))}, bound from "
            f"{format_date(known(s.entry_into_force))}"
        )
    deposited_codes = {s.iso3 for s in deposited}
    extra = [s for s in bound if s.iso3 not in deposited_codes]
    if extra:
        lines.append(
            "Also bound during that period, having deposited earlier: "
            + ", ".join(f"{s.name} ({format_date(known(s.entry_into_force))})" for s in extra[:20])
            + (f", and {len(extra) - 20} more." if len(extra) > 20 else "")
        )
    chosen = deposited + extra
    return matched("\n".join(lines), chosen, [depositary_citation(ix, chosen)], 0.85, I.RECENT)


def events_in_period(ix: FactIndex, ctx: Question) -> Answer:
    start, end = ctx.when.start or ctx.when.date, ctx.when.date
    events = [e for e in ix.kb.events if start <= e.date <= end and e.kind != "withdrawal_reason"]
    if not events:
        text = f"My sources record no events during {ctx.when.label}."
        return matched(text, [], [depositary_citation(ix, [])], 0.6, I.TIMELINE)
    key = {
        "withdrawal_notified",
        "withdrawal_effective",
        "accession",
        "ratification",
        "entered_into_force",
    }
    ranked = [e for e in events if e.kind in key or not e.iso3] or events
    lines = [f"Key events during {ctx.when.label}:"]
    lines += [f"• {format_date(e.date)}: {e.snippet}" for e in ranked]
    states = [ix.kb.states[e.iso3] for e in ranked if e.iso3]
    citations = [depositary_citation(ix, list(dict.fromkeys(states)))]
    citations += [event_citation(ix, e) for e in ranked[:5]]
    return matched("\n".join(lines), list(dict.fromkeys(states)), citations, 0.75, I.TIMELINE)


def by_method(ix: FactIndex, ctx: Question) -> Answer:
    d = ctx.when.date
    joined = [s for s in ix.by_consent if known(s.consent_deposited) <= d]
    by_method: dict[str, list[State]] = {}
    for s in joined:
        by_method.setdefault(s.consent_method or "", []).append(s)
    lines = [f"By {format_date(d)}, {len(joined)} states had joined the Convention:"]
    for method in ("ratification", "accession", "acceptance", "approval", "succession"):
        group = by_method.get(method, [])
        if not group:
            continue
        line = f"• {method}: **{len(group)}**"
        if len(group) <= 40:
            line += " (" + names(sorted(group, key=lambda s: s.name)) + ")"
        lines.append(line)
    lines.append(
        "Signatories join by ratification, acceptance or approval; states that did not sign accede (Article 16)."
    )
    return matched("\n".join(lines), [], [depositary_citation(ix, [])], 0.85, I.COUNT)


def first_signatures(ix: FactIndex, ctx: Question) -> Answer:
    signers = sorted((s for s in ix.kb.states.values() if s.signed), key=lambda s: (s.signed, s.name))
    opening = known(signers[0].signed)
    first_day = [s for s in signers if s.signed == opening]
    in_ottawa = [s for s in signers if known(s.signed) <= opening + dt.timedelta(days=1)]
    ratified_first = [s for s in ix.by_consent if s.consent_deposited == opening]
    text = (
        f"The Convention opened for signature in Ottawa on {format_date(opening)}: {len(first_day)} states "
        f"signed that day and {len(in_ottawa)} in Ottawa over the two days. The "
        f"depositary's list does not order same-day signatures. In all, {len(signers)} states signed before "
        f"signature closed when the Convention entered into force on {format_date(known(ix.in_force_from))}."
    )
    if ratified_first:
        text += " " + names(ratified_first) + " also ratified on the opening day."
    return matched(text, [], [depositary_citation(ix, [])], 0.75, I.NTH)


def recent_answer(ix: FactIndex, ctx: Question) -> Answer:
    d = ctx.when.date
    joined = [s for s in ix.by_consent if known(s.consent_deposited) <= d][-5:][::-1]
    text = "The most recent states to join, latest first:\n" + "\n".join(
        f"• {s.name}: {s.consent_method} deposited {format_date(known(s.consent_deposited))}, bound from "
        f"{format_date(known(s.entry_into_force))}"
        for s in joined
    )
    return matched(text, joined, [depositary_citation(ix, joined)], 0.88, I.RECENT)


def nth_answer(ix: FactIndex, ctx: Question) -> Answer:
    """The state whose instrument was the Nth deposited (or the last), as of the date asked."""
    n = ctx.ordinal if ctx.ordinal is not None else 1
    d = ctx.when.date
    ranked = [s for s in ix.by_consent if known(s.consent_deposited) <= d]
    if n == -1:
        n = len(ranked)
    if n < 1 or n > len(ranked):
        text = f"Only {len(ranked)} states had deposited an instrument of consent by {format_date(d)}."
        return matched(text, [], [depositary_citation(ix, [])], 0.7, I.NTH)
    target = ranked[n - 1]
    same_day = [s for s in ranked if s.consent_deposited == target.consent_deposited]
    first_pos = ranked.index(same_day[0]) + 1
    if len(same_day) == 1:
        chosen = [target]
        text = (
            f"The {n}{ordinal_suffix(n)} instrument of ratification or accession was deposited by "
            f"**{target.name}** ({target.consent_method}) on {format_date(known(target.consent_deposited))}."
        )
    else:
        text, chosen = _same_day_text(ix, n, same_day, first_pos)
    if n == 40 or (first_pos <= 40 < first_pos + len(same_day)):
        text += (
            f" Under Article 17, the 40th deposit brought the Convention into force on "
            f"{format_date(known(ix.in_force_from))}."
        )
    ranked_codes = {s.iso3 for s in ranked}
    asked = [s for s in ctx.states if s.iso3 in ranked_codes]
    text += _asked_positions(asked, chosen, ranked)
    citations = [depositary_citation(ix, chosen)]
    for state in chosen:
        citations.extend(
            event_citation(ix, e) for e in ix.events_by_state.get(state.iso3, []) if mentions_ordinal(e, n)
        )
    return matched(text, chosen + [s for s in asked if s not in chosen], citations, 0.85, I.NTH)


def _same_day_text(ix: FactIndex, n: int, same_day: list[State], first_pos: int) -> tuple[str, list[State]]:
    """The Nth deposit fell on a day with others: all of them and their places, led by the one whose own
    events name it the Nth, if any; and the states the answer is about."""
    day = format_date(known(same_day[0].consent_deposited))
    named = [s for s in same_day if event_names_ordinal(ix, s, n)]
    last_pos = first_pos + len(same_day) - 1
    span = f"first {len(same_day)}" if first_pos == 1 else f"instruments numbered {first_pos} to {last_pos}"
    text = (
        f"{len(same_day)} states deposited their instruments on the same day, "
        f"{day}: {', '.join(s.name for s in same_day)}. Together they are "
        f"the {span} in the order of deposit; the depositary's list does not order deposits made on one day."
    )
    if not named:
        return text, same_day
    return (
        f"The {n}{ordinal_suffix(n)} instrument was deposited by **{named[0].name}** on {day}. " + text,
        named,
    )


def _asked_positions(asked: list[State], chosen: list[State], ranked: list[State]) -> str:
    """A line for each state asked about that is not the answer: when it deposited, and its place."""
    text = ""
    for state in asked:
        if state not in chosen:
            pos = ranked.index(state) + 1
            text += (
                f"\n{state.name} deposited on {format_date(known(state.consent_deposited))}, "
                f"{pos}{ordinal_suffix(pos)} in the depositary's order."
            )
    return text


def event_names_ordinal(ix: FactIndex, state: State, n: int) -> bool:
    return any(mentions_ordinal(e, n) for e in ix.events_by_state.get(state.iso3, []))


def mentions_ordinal(event: Event, n: int) -> bool:
    return bool(re.search(rf"\b{n}{ordinal_suffix(n)}\b", event.snippet))


def plain_count(ix: FactIndex, ctx: Question) -> Answer:
    """The number of States Parties, for a question that also names a state."""
    return count_answer(ix, ctx, withdraw=False, signed=False, never=False)


def targeted_count(ix: FactIndex, ctx: Question) -> Answer:
    """Count what the words after "how many" name: withdrawals, signatories, non-parties or parties."""
    return count_answer(
        ix,
        ctx,
        withdraw=ctx.has("target_withdrawal"),
        signed=ctx.has("target_signed"),
        never=ctx.has("target_never"),
    )


HEADER_TOPIC = "depositary_header"  # the fact that says what the depositary's header counts


def signed_count(ix: FactIndex, ctx: Question) -> Answer:
    """Who signed, by the date asked."""
    return count_answer(ix, ctx, withdraw=False, signed=True, never=False)


def _with_header(ix: FactIndex, answer: Answer, day: dt.date) -> Answer:
    """The answer, with what the depositary's own header counts when the day is on or after its page."""
    header = next((f for f in ix.kb.facts.values() if HEADER_TOPIC in f.topics), None)
    page = ix.kb.sources[ix.kb.depositary_source].date
    if header and page and day >= page:
        answer.text += f"\n{header.answer}"
        answer.citations += [citation(ix, s, snippet=header.supported_by(s)) for s in header.sources]
    return answer


def never_list(ix: FactIndex, ctx: Question) -> Answer:
    """The states outside the Convention (or that never signed it) on the date asked."""
    return list_not_parties(ix, ctx, never_signed=ctx.has("signed") and not ctx.has("joined"))


def last_signatory_to_ratify(ix: FactIndex, ctx: Question) -> Answer:
    """The last state that signed in 1997-1999 to go on to ratify, by the date asked."""
    d = ctx.when.date
    ratified = [
        s for s in ix.kb.states.values() if s.signed and s.consent_deposited and s.consent_deposited <= d
    ]
    last = max(ratified, key=lambda s: known(s.consent_deposited))
    waiting = [s for s in ix.kb.states.values() if status_on(s, d) == SIGNATORY]
    text = (
        f"The last signatory to ratify was **{the(last)}**: it signed on {format_date(known(last.signed))} and "
        f"deposited its {last.consent_method} on {format_date(known(last.consent_deposited))}."
    )
    text += (
        f" {plural(len(waiting), 'signatory')} had still not ratified on {format_date(d)}: {names(waiting)}."
        if waiting
        else f" No signatory was left without ratifying on {format_date(d)}."
    )
    return matched(text, [last], [depositary_citation(ix, [last])], 0.88, I.LIST_SIGNATORIES)
