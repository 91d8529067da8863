"""The consistency rules for a state's dates, one row of states.csv at a time, with their exact messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.facts.validate import validate

HEADER = (
    "iso3,name,un_member,signed,consent_deposited,consent_method,entry_into_force,"
    "withdrawal_notified,withdrawal_effective,sources,locator,confidence,note,article"
)


def row_problems(knowledge_copy: Path, dates: str, note: str = "") -> list[str]:
    """The problems reported on line 2 of a states.csv holding one row with these date columns."""
    path = knowledge_copy / "states.csv"
    path.write_text(f"{HEADER}\nFRA,France,yes,{dates},untc-xxvi-5,,high,{note},\n", encoding="utf-8")
    found = validate(knowledge_copy, today=dt.date(2026, 11, 27)).problems
    prefix = "states.csv:2: "
    return [p.removeprefix(prefix) for p in found if p.startswith(prefix)]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ("1997-12-03,1998-07-15,ratification,1999-03-01,,", []),
        ("1997-12-03,1998-07-15,,1999-03-01,,", ["consent_deposited is set but consent_method is empty"]),
        (
            "1997-12-03,,ratification,,,",
            ["consent_method is set but consent_deposited is empty"],
        ),
        (
            "1997-12-03,1998-07-15,ratification,,,",
            ["consent_deposited is set but entry_into_force is empty"],
        ),
        (
            "1997-12-03,,,1999-03-01,,",
            ["entry_into_force is set but consent_deposited is empty"],
        ),
        (
            "1998-08-01,1998-07-15,ratification,1999-03-01,,",
            ["consent (1998-07-15) is before signature (1998-08-01)"],
        ),
        (
            "1997-12-02,1998-07-15,ratification,1999-03-01,,",
            ["signature (1997-12-02) is before the Convention opened for signature"],
        ),
        (
            "1997-12-03,2005-07-15,ratification,2005-07-01,,",
            ["entry into force (2005-07-01) is before consent (2005-07-15)"],
        ),
        ("1997-12-03,2005-07-15,succession,2005-07-01,,", []),
        (
            "1997-12-03,2005-07-15,ratification,2006-02-01,,",
            [
                "entry into force 2006-02-01 contradicts Article 17 (expected 2006-01-01) and no note explains it"
            ],
        ),
        (
            "1997-12-03,1998-07-15,ratification,1999-03-01,,2020-01-01",
            ["withdrawal_effective is set but withdrawal_notified is empty"],
        ),
        (
            "1997-12-03,,,,2020-01-01,2020-07-01",
            ["withdrawal_notified is set but the state never became bound"],
        ),
        (
            "1997-12-03,1998-07-15,ratification,1999-03-01,2020-01-01,2020-01-01",
            ["withdrawal effective (2020-01-01) is not after notice (2020-01-01)"],
        ),
        (
            "1997-12-03,1998-07-15,ratification,1999-03-01,1999-01-01,1999-07-01",
            ["withdrawal notice (1999-01-01) is before entry into force (1999-03-01)"],
        ),
        (
            "1998-08-01,1998-07-15,,,2020-01-01,2019-01-01",
            [
                "consent_deposited is set but consent_method is empty",
                "consent_deposited is set but entry_into_force is empty",
                "consent (1998-07-15) is before signature (1998-08-01)",
                "withdrawal_notified is set but the state never became bound",
                "withdrawal effective (2019-01-01) is not after notice (2020-01-01)",
            ],
        ),
    ],
)
def test_state_date_rules(knowledge_copy: Path, dates: str, expected: list[str]) -> None:
    assert row_problems(knowledge_copy, dates) == expected


def test_a_note_explains_an_entry_into_force_off_article_17(knowledge_copy: Path) -> None:
    dates = "1997-12-03,2005-07-15,ratification,2006-02-01,,"
    assert row_problems(knowledge_copy, dates, note="deposit recorded late") == []
