"""Finding the date a question asks about, and writing dates."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.engine.dates import find_date, format_date

TODAY = dt.date(2026, 11, 27)
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("text", "date", "start"),
    [
        ("was it a party in 2020", "2020-12-31", "2020-01-01"),
        ("before 2025", "2024-12-31", None),
        ("as of march 2026", "2026-03-31", None),
        ("on 1 january 2026", "2026-01-01", None),
        ("on january 1, 2026", "2026-01-01", None),
        ("on 2026-02-03", "2026-02-03", None),
        ("on 27.12.2025", "2025-12-27", None),
        ("on 12/27/2025", "2025-12-27", None),
        ("on 2025/12/27", "2025-12-27", None),
        ("on 27-12-2025", "2025-12-27", None),
        ("in sept 2025", "2025-09-30", "2025-09-01"),
        ("mid-2025", "2025-06-30", None),
        ("in q1 2026", "2026-03-31", "2026-01-01"),
        ("in the second half of 2025", "2025-12-31", "2025-07-01"),
        ("at the end of last year", "2025-12-31", None),
        ("in early 2026", "2026-01-01", None),
        ("after 2025", "2026-01-01", None),  # the first day; "who joined after 2025" makes it a period
        ("after 2030", "2031-01-01", None),
        ("in 2026", "2026-11-27", "2026-01-01"),
    ],
)
def test_find_date(text: str, date: str, start: str | None) -> None:
    found = find_date(text, today=TODAY)
    assert found.explicit
    assert found.date == D(date)
    assert found.start == (D(start) if start else None)


@pytest.mark.parametrize("text", ["is it still in", "now", "the 40th to ratify", "164 states", "article 20"])
def test_no_date_means_today(text: str) -> None:
    found = find_date(text, today=TODAY)
    assert not found.explicit and found.date == TODAY


@pytest.mark.parametrize("text", ["on 31 february 2026", "was it a party on 30 feb 2026", "on 2026-02-30"])
def test_an_impossible_day_is_not_replaced_by_another(text: str) -> None:
    found = find_date(text, today=TODAY)
    assert found.invalid and not found.explicit and found.date == TODAY


@pytest.mark.parametrize(
    ("text", "date", "start"),
    [
        ("on christmas eve 2025", "2025-12-24", None),
        ("on christmas 2025", "2025-12-25", None),
        ("on new years day", "2026-01-01", None),
        ("new year's eve 2025", "2025-12-31", None),
        ("as of last christmas", "2025-12-25", None),
        ("next christmas", "2026-12-25", None),
        ("yesterday", "2026-11-26", None),
        ("a year ago", "2025-11-27", None),
        ("3 months ago", "2026-08-27", None),
        ("two weeks ago", "2026-11-13", None),
        ("last month", "2026-10-31", "2026-10-01"),
        ("in summer 2025", "2025-09-22", "2025-06-21"),
        ("in the 2000s", "2009-12-31", "2000-01-01"),
        ("between 2000 and 2005", "2005-12-31", "2000-01-01"),
        ("since 2010", "2026-11-27", "2010-01-01"),
        ("at the end of 2025", "2025-12-31", None),
        ("in late 2025", "2025-12-31", None),
    ],
)
def test_dates_in_words(text: str, date: str, start: str | None) -> None:
    found = find_date(text, today=TODAY)
    assert found.explicit
    assert (found.date, found.start) == (D(date), D(start) if start else None)


def test_a_season_says_which_hemisphere() -> None:
    assert "northern-hemisphere" in find_date("summer 2025", today=TODAY).note


def test_format_date() -> None:
    assert format_date(D("2026-02-20")) == "20 February 2026"
    assert format_date(D("2025-12-01")) == "1 December 2025"


@pytest.mark.parametrize(
    ("text", "date", "start"),
    [
        ("how many parties on 27 december", "2025-12-27", None),
        ("on december 27", "2025-12-27", None),
        ("on 1 january", "2026-01-01", None),
        ("was finland a party in january", "2026-01-31", "2026-01-01"),
        ("at the end of 2025", "2025-12-31", None),
    ],
)
def test_a_day_or_month_without_a_year_is_the_latest_one(text: str, date: str, start: str | None) -> None:
    found = find_date(text, today=TODAY)
    assert found.explicit and (found.date, found.start) == (D(date), D(start) if start else None)
    assert str(found.date.year) in found.label


def test_may_the_verb_is_not_a_month() -> None:
    assert not find_date("how many may join", today=TODAY).explicit


@pytest.mark.parametrize(
    ("text", "start", "date"),
    [
        ("how many joined in the past 5 years", "2021-11-27", "2026-11-27"),
        ("how many parties in the last year", "2025-11-27", "2026-11-27"),
        ("over the past decade", "2016-11-27", "2026-11-27"),
        ("in the last 2 weeks", "2026-11-13", "2026-11-27"),
    ],
)
def test_the_past_n_units_is_a_period_up_to_today(text: str, start: str, date: str) -> None:
    found = find_date(text, today=TODAY)
    assert (found.start, found.date) == (D(start), D(date))


def test_in_n_years_is_a_future_day() -> None:
    assert find_date("will it be a party in 5 years", today=TODAY).date == D("2031-11-27")
