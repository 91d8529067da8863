"""Today's date in UTC, and the one parser of ``YYYY-MM-DD`` dates."""

from __future__ import annotations

import datetime as dt


def today_utc() -> dt.date:
    """Today's date in UTC: every answer is computed for a date, and this is the default one."""
    return dt.datetime.now(dt.UTC).date()


EARLIEST = dt.date(1997, 1, 1)
LATEST = dt.date(2100, 12, 31)
"""The dates a status can be asked for: from the year the Convention was made to the end of 2100."""


class DateOutOfRange(ValueError):
    """A well-formed date outside ``EARLIEST`` … ``LATEST``."""


def parse_iso_date(value: str) -> dt.date:
    """``2026-02-20`` → a date between 1997-01-01 and 2100-12-31; ``ValueError`` with the value otherwise."""
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not a date in the form YYYY-MM-DD: {value[:40]!r}") from None
    if not EARLIEST <= day <= LATEST:
        raise DateOutOfRange(
            f"{day.isoformat()} is outside the dates I answer for, {EARLIEST.isoformat()} to {LATEST.isoformat()}"
        )
    return day
