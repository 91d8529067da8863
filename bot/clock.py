"""Today's date in UTC, and the one parser of ``YYYY-MM-DD`` dates."""

from __future__ import annotations

import datetime as dt


def today_utc() -> dt.date:
    """Today's date in UTC: every answer is computed for a date, and this is the default one."""
    return dt.datetime.now(dt.UTC).date()


def parse_iso_date(value: str) -> dt.date:
    """``2026-02-20`` → a date; raises ``ValueError`` with the value for anything else."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not a date in the form YYYY-MM-DD: {value[:40]!r}") from None
