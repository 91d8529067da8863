"""Status is computed from dates: boundaries, counts, and the States Parties rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from support.cli import KNOWLEDGE

from bot.engine.status import count_states_parties, status_counts, status_on
from bot.facts.validate import load

D = dt.date.fromisoformat
KB = load(KNOWLEDGE, today=D("2026-11-27"))
STATES = list(KB.states.values())


def day_before(value: str) -> dt.date:
    return D(value) - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("iso3", "boundary", "before", "on"),
    [
        ("MHL", "1997-12-04", "non_party", "signatory"),
        ("MHL", "2025-03-12", "signatory", "pending_entry_into_force"),
        ("MHL", "2025-09-01", "pending_entry_into_force", "party"),
        ("TON", "2025-06-25", "non_party", "pending_entry_into_force"),
        ("TON", "2025-12-01", "pending_entry_into_force", "party"),
        ("EST", "2025-06-27", "party", "withdrawal_pending"),
        ("EST", "2025-12-27", "withdrawal_pending", "withdrawn"),
        ("LVA", "2025-12-27", "withdrawal_pending", "withdrawn"),
        ("LTU", "2025-12-27", "withdrawal_pending", "withdrawn"),
        ("FIN", "2025-07-10", "party", "withdrawal_pending"),
        ("FIN", "2026-01-10", "withdrawal_pending", "withdrawn"),
        ("POL", "2025-08-20", "party", "withdrawal_pending"),
        ("POL", "2026-02-20", "withdrawal_pending", "withdrawn"),
        ("POL", "2012-12-27", "signatory", "pending_entry_into_force"),
        ("POL", "2013-06-01", "pending_entry_into_force", "party"),
        ("CAN", "1999-03-01", "pending_entry_into_force", "party"),
        ("OMN", "2015-02-01", "pending_entry_into_force", "party"),
        ("SSD", "2011-07-09", "non_party", "party"),
    ],
)
def test_status_changes_on_the_day(iso3: str, boundary: str, before: str, on: str) -> None:
    state = KB.states[iso3]
    assert status_on(state, day_before(boundary)) == before
    assert status_on(state, D(boundary)) == on


def test_ukraine_stays_a_party_after_its_suspension_declaration() -> None:
    assert status_on(KB.states["UKR"], D("2026-11-27")) == "party"


def test_counts_on_the_review_date() -> None:
    counts = status_counts(STATES, D("2026-11-27"))
    assert counts == Counter({"party": 161, "withdrawn": 5, "non_party": 31})


@pytest.mark.parametrize(
    ("day", "parties"),
    [
        ("2025-02-01", 164),
        ("2025-09-15", 165),
        ("2025-12-01", 166),
        ("2025-12-27", 163),
        ("2026-01-10", 162),
        ("2026-02-03", 162),
        ("2026-02-20", 161),
        ("2026-11-27", 161),
        ("2007-08-15", 153),
        ("1999-03-01", 45),
    ],
)
def test_states_parties_on_a_date(day: str, parties: int) -> None:
    assert count_states_parties(STATES, D(day)) == parties


def test_mid_september_2025() -> None:
    on = D("2025-09-15")
    for iso3 in ("EST", "LVA", "LTU", "FIN", "POL"):
        assert status_on(KB.states[iso3], on) == "withdrawal_pending"
    assert status_on(KB.states["TON"], on) == "pending_entry_into_force"
    assert status_on(KB.states["MHL"], on) == "party"


def test_august_2007_counts_consented_but_not_in_force_separately() -> None:
    counts = status_counts(STATES, D("2007-08-15"))
    assert counts["party"] == 153
    assert counts["pending_entry_into_force"] == 2


def test_poland_still_pending_on_3_february_2026() -> None:
    assert status_on(KB.states["POL"], D("2026-02-03")) == "withdrawal_pending"


def test_party_timeline_agrees_with_status_on_every_boundary() -> None:
    from bot.engine.status import PartyTimeline

    timeline = PartyTimeline(STATES)
    days = {D("1999-02-28"), D("2026-11-27")}
    for state in STATES:
        for day in (state.entry_into_force, state.consent_deposited, state.withdrawal_effective):
            if day:
                days.update({day, day - dt.timedelta(days=1)})
    for day in days:
        assert timeline.count_on(day) == count_states_parties(STATES, day), day
    assert timeline.changes(D("2025-11-27"), D("2026-11-27")) == [
        (D("2025-12-01"), 165, 166),
        (D("2025-12-27"), 166, 163),
        (D("2026-01-10"), 163, 162),
        (D("2026-02-20"), 162, 161),
    ]
