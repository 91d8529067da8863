"""Find the date a question asks about, and write dates the way answers show them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"((?:19|20)\d{2})"
_PREFIX = r"(?:(before|prior to|until|till|by|as of|as at|at the end of|end of|by the end of|after|since|at the start of|start of|beginning of|at the beginning of|early|in|on|during|of|for|from)\s+)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(_PREFIX + r"\b" + _YEAR + r"-(\d{1,2})-(\d{1,2})\b")),
    (
        "dmy",
        re.compile(
            _PREFIX + r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+" + _YEAR + r"\b"
        ),
    ),
    ("mdy", re.compile(_PREFIX + r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b")),
    ("ymd", re.compile(_PREFIX + r"\b" + _YEAR + r"[/.](\d{1,2})[/.](\d{1,2})\b")),
    ("slash", re.compile(_PREFIX + r"\b(\d{1,2})[/.-](\d{1,2})[/.-]" + _YEAR + r"\b")),
    (
        "part",
        re.compile(
            _PREFIX
            + r"\b(mid|middle of|first half of|second half of|q[1-4]|the (?:first|second|third|fourth) quarter of)[ -]?"
            + _YEAR
            + r"\b"
        ),
    ),
    ("month", re.compile(_PREFIX + r"\b" + _MONTH + r"\.?,?\s+(?:of\s+)?" + _YEAR + r"\b")),
    ("year", re.compile(_PREFIX + r"\b" + _YEAR + r"\b(?!\s*(?:-|/)\s*\d)")),
    ("relyear", re.compile(_PREFIX + r"\b(last|this|next)\s+year\b")),
]
_NOW = re.compile(
    r"\b(now|currently|current|still|yet|today|presently|at present|at the moment|right now|as of today|these days|anymore|any more)\b"
)


@dataclass(frozen=True, slots=True)
class DateQuery:
    """The date a question is about.

    ``date`` is the day to compute status for; ``start`` is set when the question names a
    period (a year or a month), so changes within it can be reported.
    """

    date: dt.date
    start: dt.date | None
    label: str
    explicit: bool
    span: tuple[int, int] | None = None
    invalid: str = ""
    end: dt.date | None = None

    @property
    def is_period(self) -> bool:
        return self.start is not None and self.start != self.date

    def period(self) -> dict[str, str] | None:
        """``{"from": …, "to": …}`` when the question names a period, else None."""
        if not self.is_period or self.start is None:
            return None
        return {"from": self.start.isoformat(), "to": (self.end or self.date).isoformat()}


_MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: dt.date) -> str:
    """``20 February 2026``: day without a leading zero, English month, four-digit year."""
    return f"{value.day} {_MONTH_NAMES[value.month]} {value.year}"


def _month(name: str) -> int:
    return MONTHS["sept" if name.startswith("sept") else name[:3]]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, *, today: dt.date) -> DateQuery:
    """Find the date ``text`` (folded to lower case) asks about; default to ``today``."""
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            parsed = _interpret(kind, match, today)
            if parsed is not None:
                return parsed
    return DateQuery(date=today, start=None, label=format_date(today), explicit=False)


def _interpret(kind: str, m: re.Match[str], today: dt.date) -> DateQuery | None:
    prefix = (m.group(1) or "").strip()
    groups = m.groups()[1:]
    start: dt.date | None
    end: dt.date | None
    if kind == "iso":
        start = end = _safe_date(int(groups[0]), int(groups[1]), int(groups[2]))
    elif kind == "dmy":
        start = end = _safe_date(int(groups[2]), _month(groups[1]), int(groups[0]))
    elif kind == "mdy":
        start = end = _safe_date(int(groups[2]), _month(groups[0]), int(groups[1]))
    elif kind == "ymd":
        start = end = _safe_date(int(groups[0]), int(groups[1]), int(groups[2]))
    elif kind == "part":
        year = int(groups[1])
        part = groups[0]
        quarters = {"q1": 1, "q2": 2, "q3": 3, "q4": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}
        if part in ("mid", "middle of"):
            start = end = dt.date(year, 6, 30)
        elif part.endswith("half of"):
            first = part.startswith("first")
            start, end = (
                (dt.date(year, 1, 1), dt.date(year, 6, 30))
                if first
                else (dt.date(year, 7, 1), dt.date(year, 12, 31))
            )
        else:
            quarter = quarters[part.split()[1] if part.startswith("the") else part]
            start = dt.date(year, 3 * quarter - 2, 1)
            end = _month_end(year, 3 * quarter)
    elif kind == "slash":
        a, b, year = int(groups[0]), int(groups[1]), int(groups[2])
        day, month = (b, a) if b > 12 >= a else (a, b)
        start = end = _safe_date(year, month, day)
    elif kind == "month":
        month = _month(groups[0])
        year = int(groups[1])
        start, end = dt.date(year, month, 1), _month_end(year, month)
    elif kind == "year":
        year = int(groups[0])
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        year = today.year + {"last": -1, "this": 0, "next": 1}[groups[0]]
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if start is None or end is None:
        return None
    label_core = _label(kind, start, end)
    span = (m.start(), m.end())
    if prefix in ("before", "prior to", "until", "till"):
        day = start - dt.timedelta(days=1)
        return DateQuery(
            date=day, start=None, label=f"{format_date(day)} (before {label_core})", explicit=True, span=span
        )
    if prefix == "after":
        day = end + dt.timedelta(days=1)
        return DateQuery(date=day, start=None, label=format_date(day), explicit=True, span=span)
    if prefix == "since":
        return DateQuery(
            date=today,
            start=start,
            label=f"{format_date(start)} to {format_date(today)}",
            explicit=True,
            span=span,
        )
    if prefix in ("as of", "as at", "by", "at the end of", "end of", "by the end of"):
        day = min(end, today) if start <= today else end
        return DateQuery(date=day, start=None, label=format_date(day), explicit=True, span=span)
    if prefix in ("at the start of", "start of", "beginning of", "at the beginning of", "early"):
        return DateQuery(date=start, start=None, label=format_date(start), explicit=True, span=span)
    if start == end:
        return DateQuery(date=start, start=None, label=format_date(start), explicit=True, span=span)
    # A period: report the status at its end (or today, if it is still running).
    day = min(end, today) if start <= today else end
    return DateQuery(date=day, start=start, label=label_core, explicit=True, span=span)


def _label(kind: str, start: dt.date, end: dt.date) -> str:
    if start == end:
        return format_date(start)
    if kind == "month":
        return f"{_MONTH_NAMES[start.month]} {start.year}"
    if kind == "part":
        return f"{format_date(start)} to {format_date(end)}"
    return str(start.year)


def mentions_now(text: str) -> bool:
    """Whether ``text`` asks about the present ("now", "still", "currently", "yet")."""
    return bool(_NOW.search(text))
