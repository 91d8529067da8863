"""Answers about many states: groups, counts, lists, ordinals and periods."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from bot.engine import intents as I
from bot.engine.answer import Answer
from bot.engine.answers.parts import AnswerParts, Context, names, ordinal_suffix, plural
from bot.engine.dates import format_date
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

NOT_COUNTED_UNITS = frozenset(
    "years year months month days day weeks week articles article times languages mines landmines meetings "
    "conferences hours decades".split()
)


class ListAnswers(AnswerParts):
    """Counts and lists of states on a date."""

    def _group_question(self, ctx: Context) -> Answer:
        group = ctx.groups[0]
        signed = I.CUES[I.SIGNED].search(ctx.templated)
        joined = I.CUES[I.JOINED].search(ctx.templated)
        if (signed or joined) and I.WHEN.search(ctx.norm) and not I.CUES[I.WITHDRAWAL].search(ctx.templated):
            return self._group_dates(ctx, group, signed=bool(signed and not joined))
        if I.HOW_MANY.search(ctx.norm) is None and re.search(r"\b(why|reason\w*)\b", ctx.norm):
            ctx.states = [self.kb.states[c] for c in group.members]
            return self._timeline(ctx, 0.8)
        d, today = ctx.when.date, ctx.today
        be = self._tense(d, today)[0]
        members = [self.kb.states[c] for c in group.members]
        by_code: dict[str, list[State]] = {}
        for state in members:
            by_code.setdefault(status_on(state, d), []).append(state)
        in_count = len(by_code.get(PARTY, [])) + len(by_code.get(WITHDRAWAL_PENDING, []))
        withdraw_focus = bool(I.CUES[I.WITHDRAWAL].search(ctx.templated))
        lines = [
            f"Of the {len(members)} {group.name}, **{in_count}** {'are' if be == 'is' else 'were' if be == 'was' else 'will be'} "
            f"States Parties on {format_date(d)}."
        ]
        order = (WITHDRAWN, WITHDRAWAL_PENDING, PARTY, PENDING_ENTRY_INTO_FORCE, SIGNATORY, NON_PARTY)
        if I.NEVER.search(ctx.norm) and not withdraw_focus:
            order = (NON_PARTY, SIGNATORY, WITHDRAWN, PENDING_ENTRY_INTO_FORCE, WITHDRAWAL_PENDING, PARTY)
        elif not withdraw_focus:
            order = (PARTY, WITHDRAWAL_PENDING, WITHDRAWN, PENDING_ENTRY_INTO_FORCE, SIGNATORY, NON_PARTY)
        titles = {
            PARTY: "State Party",
            WITHDRAWAL_PENDING: "State Party, withdrawal pending",
            WITHDRAWN: "Withdrawn",
            PENDING_ENTRY_INTO_FORCE: "Joined, not yet bound",
            SIGNATORY: "Signed, not ratified",
            NON_PARTY: "Never joined",
        }
        for code in order:
            group_states = by_code.get(code, [])
            if not group_states:
                continue
            entries = []
            for state in group_states:
                if code in (WITHDRAWN, WITHDRAWAL_PENDING):
                    entries.append(
                        f"{state.name} (notice {format_date(state.withdrawal_notified)}, effective "
                        f"{format_date(state.withdrawal_effective)})"
                    )
                elif code == PENDING_ENTRY_INTO_FORCE:
                    entries.append(f"{state.name} (bound from {format_date(state.entry_into_force)})")
                else:
                    entries.append(state.name)
            lines.append(f"• {titles[code]} ({len(group_states)}): " + ", ".join(entries))
        if withdraw_focus and not by_code.get(WITHDRAWN) and not by_code.get(WITHDRAWAL_PENDING):
            lines.insert(1, f"None of them had withdrawn or given notice of withdrawal by {format_date(d)}.")
        if group.note:
            lines.append(f"_{group.note}_")
        citations = [
            self._depositary_citation(members),
            *self._source_citations(
                group.sources,
                snippet=f"Members of the {group.name}: " + names(members) + ".",
            ),
        ]
        return self._matched("\n".join(lines), members, citations, 0.9, I.GROUP)

    def _group_dates(self, ctx: Context, group: Group, *, signed: bool) -> Answer:
        members = sorted((self.kb.states[c] for c in group.members), key=lambda s: s.name)
        lines = [f"{group.name}, when each {'signed' if signed else 'joined'}:"]
        for state in members:
            if signed:
                lines.append(
                    f"• {state.name}: "
                    + (f"signed {format_date(state.signed)}" if state.signed else "never signed")
                )
            elif state.consent_deposited:
                line = (
                    f"• {state.name}: {state.consent_method} {format_date(state.consent_deposited)}, bound from "
                    f"{format_date(state.entry_into_force)}"
                )
                if state.withdrawal_effective:
                    line += f"; withdrew with effect from {format_date(state.withdrawal_effective)}"
                lines.append(line)
            else:
                lines.append(f"• {state.name}: never joined")
        citations = [self._depositary_citation(members)]
        return self._matched("\n".join(lines), members, citations, 0.88, I.GROUP)

    @staticmethod
    def _count_target(norm: str) -> str:
        """The words that say what to count: from "how many" to the end of that clause."""
        match = I.HOW_MANY.search(norm)
        rest = norm[match.end() :] if match else norm
        if rest.split()[:1] and rest.split()[0] in NOT_COUNTED_UNITS:
            return ""  # "how many years/days/articles ...": not a count of states
        clause = re.split(
            r"\b(?:before|after|since|as of|by|during)\b|\b(?:on|in|when)\b(?=\s+(?:\d|jan|feb|mar|apr|may|jun|jul|"
            r"aug|sep|oct|nov|dec|the (?:end|start|beginning)|early|late|last|this|next))",
            rest,
        )[0]
        return " ".join(clause.split()[:8])

    def _count(self, ctx: Context, *, withdraw: bool, signed: bool, never: bool) -> Answer:
        d, today = ctx.when.date, ctx.today
        be = self._tense(d, today)[0]
        verb = "are" if be == "is" else "were" if be == "was" else "will be"
        states = list(self.kb.states.values())
        extreme = self._count_extreme(ctx)
        if extreme is not None:
            return extreme
        if withdraw:
            gone = [s for s in states if s.withdrawal_notified and s.withdrawal_notified <= d]
            effective = [s for s in gone if s.withdrawal_effective <= d]
            text = (
                f"By {format_date(d)}, **{len(gone)}** States Parties had given notice of withdrawal, and "
                f"**{len(effective)}** withdrawals had taken effect."
            )
            if gone:
                text += " " + self._withdrawn_lines(gone, d, today, inline=True)
            text += self._not_withdrawn_note(d)
            return self._matched(text, gone, [self._depositary_citation(gone)], 0.9, I.COUNT)
        if signed and not never:
            signers = [s for s in states if s.signed and s.signed <= d]
            text = (
                f"**{len(signers)}** states had signed the Convention by {format_date(d)}. It was open for "
                "signature from 3 December 1997 until it entered into force on 1 March 1999; since then states join "
                "by accession."
            )
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
            return self._matched(text, [], [self._depositary_citation([])], 0.9, I.COUNT)
        un_only = bool(re.search(r"\bun (member|members|member states?)\b|\bmembers of the un\b", ctx.norm))
        scope = [s for s in states if s.un_member] if un_only else states
        scope_label = f"the {len(scope)} UN member states" if un_only else f"the {len(scope)} states"
        if never:
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
            return self._matched(text, [], [self._depositary_citation([])], 0.85, I.COUNT)
        if un_only:
            in_un = [s for s in scope if status_on(s, d) in (PARTY, WITHDRAWAL_PENDING)]
            share = 100 * len(in_un) / len(scope)
            others = [
                s.name for s in states if not s.un_member and status_on(s, d) in (PARTY, WITHDRAWAL_PENDING)
            ]
            text = (
                f"**{len(in_un)}** of {scope_label} {verb} States Parties on {format_date(d)} ({share:.0f}%)."
                + (f" The other States Parties are not UN members: {', '.join(others)}." if others else "")
            )
            return self._matched(text, [], [self._depositary_citation([])], 0.88, I.COUNT)
        parties = self.timeline.count_on(d)
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
            text += (
                f" {len(pending)} more had deposited {'their instruments' if len(pending) > 1 else 'its instrument'} but "
                f"{'were' if len(pending) > 1 else 'was'} not yet bound ("
                + ", ".join(f"{s.name}, from {format_date(s.entry_into_force)}" for s in pending)
                + f"); counts that go by deposit date give {parties + len(pending)}."
            )
        ever = [s for s in states if s.consent_deposited and s.consent_deposited <= d]
        left = [s for s in ever if s.withdrawal_effective and s.withdrawal_effective <= d]
        if left:
            text += (
                f" In all, {len(ever)} states have ratified or acceded; {len(left)} of them later withdrew ("
                + names(left)
                + ")."
            )
        changes = self._count_changes(d - dt.timedelta(days=365), d)
        if changes:
            text += "\nChanges in the year to that date: " + "; ".join(changes) + "."
        return self._matched(text, [], [self._depositary_citation([])], 0.92, I.COUNT)

    def _count_extreme(self, ctx: Context) -> Answer | None:
        """The peak count, or the day the count reached a given number."""
        days, totals = self.timeline.days, self.timeline.totals
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
                    + "; ".join(c for d in hits for c in self._count_changes(d - dt.timedelta(days=1), d))
                    + "."
                )
            return self._matched(text, [], [self._depositary_citation([])], 0.85, I.COUNT)
        if re.search(r"\b(peak|maximum|highest|most ever|largest|record high|record number)\b", ctx.norm):
            best = max(totals)
            first = days[totals.index(best)]
            later = [d for d, t in zip(days, totals, strict=True) if d > first and t < best]
            text = f"The peak was **{best} States Parties**, reached on {format_date(first)}"
            text += f" and held until {format_date(later[0] - dt.timedelta(days=1))}." if later else "."
            return self._matched(text, [], [self._depositary_citation([])], 0.85, I.COUNT)
        return None

    def _count_changes(self, start: dt.date, end: dt.date) -> list[str]:
        out = []
        for day, before, after in self.timeline.changes(start, end):
            who = [
                s.name for s in self.kb.states.values() if day in (s.entry_into_force, s.withdrawal_effective)
            ]
            out.append(f"{format_date(day)}: {before} → {after} ({', '.join(who)})")
        return out

    def _withdrawn_lines(
        self, gone: Iterable[State], d: dt.date, today: dt.date, *, inline: bool = False
    ) -> str:
        parts = []
        for s in sorted(gone, key=lambda s: (s.withdrawal_effective, s.name)):
            verb = self._happens(s.withdrawal_effective, today, "effective", "will take effect on")
            parts.append(
                f"{s.name} (notice {format_date(s.withdrawal_notified)}, {verb} {format_date(s.withdrawal_effective)})"
            )
        if inline:
            return "They are: " + "; ".join(parts) + "."
        return "\n".join(f"• {p}" for p in parts)

    def _not_withdrawn_note(self, d: dt.date) -> str:
        """Name the states that took steps towards leaving without an Article 20 withdrawal."""
        stepped = [s for s in self.kb.states.values() if self._steps_without_notice(s, d)]
        if not stepped:
            return ""
        verb = "it remains a State Party" if len(stepped) == 1 else "they remain States Parties"
        return (
            f"\nNot on this list: {names(stepped)}, which took steps towards leaving but deposited no Article 20 "
            f"instrument of withdrawal, so {verb}."
        )

    def _list_withdrawn(self, ctx: Context) -> Answer:
        d, today = ctx.when.date, ctx.today
        gone = [s for s in self.kb.states.values() if s.withdrawal_notified and s.withdrawal_notified <= d]
        if not gone:
            first = min(
                (s.withdrawal_notified for s in self.kb.states.values() if s.withdrawal_notified),
                default=None,
            )
            text = f"No State Party had withdrawn or given notice of withdrawal by {format_date(d)}."
            if first:
                text += f" The first notices came on {format_date(first)}."
            return self._matched(text, [], [self._depositary_citation([])], 0.85, I.LIST_WITHDRAWN)
        if ctx.when.is_period and ctx.when.start:
            start = ctx.when.start
            in_period = [
                s
                for s in gone
                if start <= s.withdrawal_notified <= d or start <= s.withdrawal_effective <= ctx.when.date
            ]
            if in_period:
                gone = in_period
            else:
                text = f"No withdrawal was notified or took effect during {ctx.when.label}."
                return self._matched(text, [], [self._depositary_citation([])], 0.8, I.LIST_WITHDRAWN)
        done = [s for s in gone if s.withdrawal_effective <= d]
        earliest = min(s.withdrawal_notified for s in gone)
        firsts = [s.name for s in gone if s.withdrawal_notified == earliest]
        lead = ""
        if re.search(r"\b(first|earliest)\b", ctx.norm):
            lead = f"The first to give notice {'were' if len(firsts) > 1 else 'was'} {', '.join(firsts)}, on {format_date(earliest)}.\n"
        text = lead + (
            f"**{len(gone)}** states have given notice of withdrawal under Article 20 by {format_date(d)}"
            + (f", {len(done)} of them already out" if done else "")
            + ":\n"
            + self._withdrawn_lines(gone, d, today)
            + "\nThese were the first withdrawals in the Convention's history."
            + self._not_withdrawn_note(d)
        )
        citations = [self._depositary_citation(gone)]
        for s in gone:
            citations.extend(self._state_event_citations(s, kinds={"withdrawal_effective"})[:1])
        return self._matched(text, gone, citations, 0.9, I.LIST_WITHDRAWN)

    def _list_not_parties(self, ctx: Context, *, never_signed: bool) -> Answer:
        d = ctx.when.date
        states = sorted(self.kb.states.values(), key=lambda s: s.name)
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
        return self._matched(text, chosen, [self._depositary_citation([])], 0.88, I.LIST_NEVER_JOINED)

    def _list_pending(self, ctx: Context) -> Answer:
        d = ctx.when.date
        chosen = [s for s in self.by_consent if status_on(s, d) == PENDING_ENTRY_INTO_FORCE]
        if chosen:
            text = (
                f"On {format_date(d)}, {plural(len(chosen), 'state')} had deposited an instrument but "
                f"{'were' if len(chosen) > 1 else 'was'} not yet bound (Article 17):\n"
                + "\n".join(
                    f"• {s.name}: {s.consent_method} deposited {format_date(s.consent_deposited)}, bound from "
                    f"{format_date(s.entry_into_force)}"
                    for s in chosen
                )
                + "\nCounts that go by deposit date, such as ICBL's, already list them as States Parties."
            )
        else:
            earlier = [s for s in self.by_consent if s.entry_into_force and s.entry_into_force <= d]
            last = max(earlier, key=lambda s: s.entry_into_force) if earlier else None
            text = f"On {format_date(d)}, no state was waiting for the Convention to enter into force for it."
            if last:
                text += f" The most recent to become bound was {last.name}, on {format_date(last.entry_into_force)}."
            chosen = [last] if last else []
        return self._matched(text, chosen, [self._depositary_citation(chosen)], 0.85, I.RECENT)

    def _list_signatories(self, ctx: Context) -> Answer:
        d = ctx.when.date
        chosen = [s for s in self.kb.states.values() if status_on(s, d) == SIGNATORY]
        if chosen:
            text = (
                f"On {format_date(d)}, {plural(len(chosen), 'state')} had signed but not ratified: "
                + ", ".join(f"{s.name} (signed {format_date(s.signed)})" for s in chosen)
                + "."
            )
        else:
            last = max(
                (s for s in self.kb.states.values() if s.signed and s.consent_deposited),
                key=lambda s: s.consent_deposited,
            )
            text = (
                f"On {format_date(d)}, no state had signed without ratifying. The last signatory to ratify was "
                f"{last.name}, on {format_date(last.consent_deposited)}."
            )
        return self._matched(text, chosen, [self._depositary_citation(chosen)], 0.85, I.LIST_SIGNATORIES)

    def _list_parties(self, ctx: Context) -> Answer:
        d = ctx.when.date
        parties = self.timeline.count_on(d)
        text = (
            f"There are **{parties} States Parties** on {format_date(d)} — too many to list here. "
            "Use `/parties` in Discord (it attaches the full list as a CSV file) or `python -m bot states`, "
            "or ask about a state or a group, such as “Which EU members are parties?”."
        )
        return self._matched(text, [], [self._depositary_citation([])], 0.8, I.LIST_PARTIES)

    def _joined_in_period(self, ctx: Context) -> Answer:
        start, end = ctx.when.start or ctx.when.date, ctx.when.date
        deposited = [s for s in self.by_consent if start <= s.consent_deposited <= end]
        bound = [
            s for s in self.kb.states.values() if s.entry_into_force and start <= s.entry_into_force <= end
        ]
        if not deposited and not bound:
            last = [s for s in self.by_consent if s.consent_deposited < start][-1:]
            text = f"No state ratified or acceded during {ctx.when.label}."
            if last:
                text += f" The previous one was {last[0].name}, on {format_date(last[0].consent_deposited)}."
            return self._matched(text, last, [self._depositary_citation(last)], 0.8, I.RECENT)
        lines = [f"States that joined during {ctx.when.label}:"]
        for s in deposited:
            lines.append(
                f"• {s.name}: {s.consent_method} deposited {format_date(s.consent_deposited)}, bound from "
                f"{format_date(s.entry_into_force)}"
            )
        extra = [s for s in bound if s not in deposited]
        if extra:
            lines.append(
                "Also bound during that period, having deposited earlier: "
                + ", ".join(f"{s.name} ({format_date(s.entry_into_force)})" for s in extra[:20])
                + ("…" if len(extra) > 20 else "")
            )
        chosen = deposited + extra
        return self._matched("\n".join(lines), chosen, [self._depositary_citation(chosen)], 0.85, I.RECENT)

    def _events_in_period(self, ctx: Context) -> Answer:
        start, end = ctx.when.start or ctx.when.date, ctx.when.date
        events = [e for e in self.kb.events if start <= e.date <= end and e.kind != "withdrawal_reason"]
        if not events:
            text = f"The fact base records no events during {ctx.when.label}."
            return self._matched(text, [], [self._depositary_citation([])], 0.6, I.TIMELINE)
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
        states = [self.kb.states[e.iso3] for e in ranked if e.iso3]
        citations = [self._depositary_citation(list(dict.fromkeys(states)))]
        citations += [self._event_citation(e) for e in ranked[:5]]
        return self._matched("\n".join(lines), list(dict.fromkeys(states)), citations, 0.75, I.TIMELINE)

    def _by_method(self, ctx: Context) -> Answer:
        d = ctx.when.date
        joined = [s for s in self.by_consent if s.consent_deposited <= d]
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
        return self._matched("\n".join(lines), [], [self._depositary_citation([])], 0.85, I.COUNT)

    def _first_signatures(self, ctx: Context) -> Answer:
        signers = sorted((s for s in self.kb.states.values() if s.signed), key=lambda s: (s.signed, s.name))
        opening = signers[0].signed
        first_day = [s for s in signers if s.signed == opening]
        in_ottawa = [s for s in signers if s.signed <= opening + dt.timedelta(days=1)]
        ratified_first = [s for s in self.by_consent if s.consent_deposited == opening]
        text = (
            f"The Convention opened for signature in Ottawa on {format_date(opening)}: {len(first_day)} states "
            f"signed that day and {len(in_ottawa)} in Ottawa over the two days. The "
            f"depositary's list does not order same-day signatures. In all, {len(signers)} states signed before "
            "signature closed when the Convention entered into force on 1 March 1999."
        )
        if ratified_first:
            text += " " + names(ratified_first) + " also ratified on the opening day."
        return self._matched(text, [], [self._depositary_citation([])], 0.75, I.NTH)

    def _recent(self, ctx: Context) -> Answer:
        d = ctx.when.date
        joined = [s for s in self.by_consent if s.consent_deposited <= d][-5:][::-1]
        text = "The most recent states to join, latest first:\n" + "\n".join(
            f"• {s.name}: {s.consent_method} deposited {format_date(s.consent_deposited)}, bound from "
            f"{format_date(s.entry_into_force)}"
            for s in joined
        )
        return self._matched(text, joined, [self._depositary_citation(joined)], 0.88, I.RECENT)

    def _nth(self, n: int, ctx: Context) -> Answer:
        d = ctx.when.date
        ranked = [s for s in self.by_consent if s.consent_deposited <= d]
        if n == -1:
            n = len(ranked)
        if n < 1 or n > len(ranked):
            text = f"Only {len(ranked)} states had deposited an instrument of consent by {format_date(d)}."
            return self._matched(text, [], [self._depositary_citation([])], 0.7, I.NTH)
        target = ranked[n - 1]
        same_day = [s for s in ranked if s.consent_deposited == target.consent_deposited]
        first_pos = ranked.index(same_day[0]) + 1
        suffix = ordinal_suffix(n)
        if len(same_day) == 1:
            chosen = [target]
            text = (
                f"The {n}{suffix} instrument of ratification or accession was deposited by **{target.name}** "
                f"({target.consent_method}) on {format_date(target.consent_deposited)}."
            )
        else:
            named = [s for s in same_day if self._event_names_ordinal(s, n)]
            span = f"{first_pos}{ordinal_suffix(first_pos)} to {first_pos + len(same_day) - 1}{ordinal_suffix(first_pos + len(same_day) - 1)}"
            text = (
                f"{len(same_day)} states deposited on {format_date(target.consent_deposited)}, the {span} "
                f"instruments: {', '.join(s.name for s in same_day)}; the depositary's list does not order "
                "same-day deposits."
            )
            if named:
                text = (
                    f"The {n}{suffix} instrument was deposited by **{named[0].name}** on "
                    f"{format_date(target.consent_deposited)}. " + text
                )
                chosen = named
            else:
                chosen = same_day
        if n == 40 or (first_pos <= 40 < first_pos + len(same_day)):
            text += " Under Article 17, the 40th deposit brought the Convention into force on 1 March 1999."
        asked = [s for s in ctx.states if s in ranked]
        for state in asked:
            if state not in chosen:
                pos = ranked.index(state) + 1
                text += (
                    f"\n{state.name} deposited on {format_date(state.consent_deposited)}, "
                    f"{pos}{ordinal_suffix(pos)} in the depositary's order."
                )
        citations = [self._depositary_citation(chosen)]
        for state in chosen:
            citations.extend(
                self._event_citation(e)
                for e in self.events_by_state.get(state.iso3, [])
                if self._mentions_ordinal(e, n)
            )
        return self._matched(text, chosen + [s for s in asked if s not in chosen], citations, 0.85, I.NTH)

    def _event_names_ordinal(self, state: State, n: int) -> bool:
        return any(self._mentions_ordinal(e, n) for e in self.events_by_state.get(state.iso3, []))

    @staticmethod
    def _mentions_ordinal(event: Event, n: int) -> bool:
        return bool(re.search(rf"\b{n}{ordinal_suffix(n)}\b", event.snippet))
