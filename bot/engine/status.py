"""Treaty status as a function of a date. Nothing here stores a "current" status."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from bot.facts.records import State


class Status(StrEnum):
    """A state's standing on a date (``states --json`` prints these codes)."""

    PARTY = "party"
    PENDING_ENTRY_INTO_FORCE = "pending_entry_into_force"
    SIGNATORY = "signatory"
    WITHDRAWAL_PENDING = "withdrawal_pending"
    WITHDRAWN = "withdrawn"
    NON_PARTY = "non_party"


PARTY = Status.PARTY
PENDING_ENTRY_INTO_FORCE = Status.PENDING_ENTRY_INTO_FORCE
SIGNATORY = Status.SIGNATORY
WITHDRAWAL_PENDING = Status.WITHDRAWAL_PENDING
WITHDRAWN = Status.WITHDRAWN
NON_PARTY = Status.NON_PARTY
STATUSES = (PARTY, WITHDRAWAL_PENDING, PENDING_ENTRY_INTO_FORCE, SIGNATORY, WITHDRAWN, NON_PARTY)
STATES_PARTIES = (PARTY, WITHDRAWAL_PENDING)

LABELS = {
    PARTY: "State Party",
    PENDING_ENTRY_INTO_FORCE: "consented, not yet in force",
    SIGNATORY: "signatory (not ratified)",
    WITHDRAWAL_PENDING: "State Party, withdrawal pending",
    WITHDRAWN: "withdrawn",
    NON_PARTY: "not a party",
}


def status_on(state: State, date: dt.date) -> Status:
    """The status code of ``state`` on ``date``, computed from its dates alone."""
    if state.withdrawal_effective and state.withdrawal_effective <= date:
        return WITHDRAWN
    if state.entry_into_force and state.entry_into_force <= date:
        if state.withdrawal_notified and state.withdrawal_notified <= date:
            return WITHDRAWAL_PENDING
        # A succession can take effect from independence, before its deposit.
        if (
            state.consent_deposited and state.consent_deposited <= date
        ) or state.consent_method == "succession":
            return PARTY
    if state.consent_deposited and state.consent_deposited <= date:
        return PENDING_ENTRY_INTO_FORCE
    if state.signed and state.signed <= date:
        return SIGNATORY
    return NON_PARTY


def is_state_party(state: State, date: dt.date) -> bool:
    """Whether ``state`` is bound on ``date``: in force, and any withdrawal not yet effective."""
    return status_on(state, date) in STATES_PARTIES


def status_counts(states: Iterable[State], date: dt.date) -> Counter[str]:
    """How many states have each status on ``date``."""
    return Counter(status_on(state, date) for state in states)


def count_states_parties(states: Iterable[State], date: dt.date) -> int:
    """The number of States Parties on ``date``: ``party`` plus ``withdrawal_pending``."""
    return sum(1 for state in states if is_state_party(state, date))


def ever_consented(state: State, date: dt.date) -> bool:
    """Whether ``state`` had deposited consent by ``date`` (even if it later withdrew)."""
    return bool(state.consent_deposited and state.consent_deposited <= date)


class PartyTimeline:
    """The number of States Parties on any date, answered by bisection over precomputed changes."""

    def __init__(self, states: Iterable[State]) -> None:
        deltas: dict[dt.date, int] = {}
        for state in states:
            if not state.entry_into_force or not state.consent_deposited:
                continue
            bound = state.entry_into_force
            if state.consent_method != "succession":
                bound = max(bound, state.consent_deposited)
            deltas[bound] = deltas.get(bound, 0) + 1
            if state.withdrawal_effective:
                deltas[state.withdrawal_effective] = deltas.get(state.withdrawal_effective, 0) - 1
        self.days = sorted(deltas)
        self.totals: list[int] = []
        running = 0
        for day in self.days:
            running += deltas[day]
            self.totals.append(running)

    def count_on(self, date: dt.date) -> int:
        """States Parties on ``date`` (``party`` plus ``withdrawal_pending``)."""
        index = bisect.bisect_right(self.days, date)
        return self.totals[index - 1] if index else 0

    def changes(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, int, int]]:
        """``(day, before, after)`` for every day in ``(start, end]`` on which the count changed."""
        out = []
        for day in self.days[bisect.bisect_right(self.days, start) : bisect.bisect_right(self.days, end)]:
            before = self.count_on(day - dt.timedelta(days=1))
            after = self.count_on(day)
            if before != after:
                out.append((day, before, after))
        return out
