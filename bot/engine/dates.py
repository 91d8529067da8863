"""Find the date or period a question asks about, and write dates the way answers show them.

The grammar is a table: each row is a pattern and a function that turns its match into a span of
days (start, end), relative to the day the answer is for. A prefix ("before", "since", "as of", ...)
then turns the span into the date to compute for, or a period whose changes are reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from dateutil.easter import easter

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"((?:19|20)\d{2})"
_PREFIX = (
    r"(?:(before|prior to|until|till|up to|by|as of|as at|at the end of|end of|by the end of|the end of|"
    r"after|since|at the start of|start of|beginning of|at the beginning of|the start of|early|late|in|on|"
    r"during|of|for|from|over|throughout|at)\s+)?"
)
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "few": 3,
}
_FIXED_HOLIDAYS = {
    "christmas eve": (12, 24),
    "xmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "xmas": (12, 25),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "new year eve": (12, 31),
    "nye": (12, 31),
    "new year's day": (1, 1),
    "new years day": (1, 1),
    "new year day": (1, 1),
    "new year's": (1, 1),
    "new years": (1, 1),
    "new year": (1, 1),
    "valentine's day": (2, 14),
    "valentines day": (2, 14),
    "valentines": (2, 14),
    "halloween": (10, 31),
    "all saints day": (11, 1),
    "international women's day": (3, 8),
    "may day": (5, 1),
    "independence day": (7, 4),
    "fourth of july": (7, 4),
    "4th of july": (7, 4),
    "bastille day": (7, 14),
    "canada day": (7, 1),
    "un day": (10, 24),
    "international mine awareness day": (4, 4),
    "mine awareness day": (4, 4),
}


def _fixed(month: int, day: int) -> Callable[[int], dt.date]:
    return lambda year: dt.date(year, month, day)


def _thanksgiving(year: int) -> dt.date:
    """US Thanksgiving: the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


_HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    name: _fixed(month, day) for name, (month, day) in _FIXED_HOLIDAYS.items()
}
_HOLIDAYS.update(
    {
        "easter sunday": easter,
        "easter day": easter,
        "easter": easter,
        "easter monday": lambda year: easter(year) + dt.timedelta(days=1),
        "good friday": lambda year: easter(year) - dt.timedelta(days=2),
        "thanksgiving day": _thanksgiving,
        "thanksgiving": _thanksgiving,
    }
)
_HOLIDAY = "(" + "|".join(re.escape(h) for h in sorted(_HOLIDAYS, key=len, reverse=True)) + ")"
# Northern-hemisphere astronomical seasons (approximate equinox and solstice days).
SEASONS = {
    "spring": ((3, 20), (6, 20)),
    "summer": ((6, 21), (9, 22)),
    "autumn": ((9, 23), (12, 20)),
    "fall": ((9, 23), (12, 20)),
    "winter": ((12, 21), (3, 19)),
}
_SEASON = r"(spring|summer|autumn|fall|winter)"
_UNIT = r"(days?|weeks?|months?|years?)"
_COUNT = r"(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple of|few)"
_REL = r"(last|this|next|the past|past|previous|coming)"

_SEASON_NAMES = {start: name for name, (start, _) in SEASONS.items() if name != "fall"}

Span = tuple[dt.date, dt.date]
_END_PREFIXES = frozenset({"at the end of", "end of", "by the end of", "the end of", "late"})


@dataclass(frozen=True, slots=True)
class DateQuery:
    """The date a question is about.

    ``date`` is the day to compute status for; ``start`` is set when the question names a
    period (a year, a month, a season), so changes within it can be reported. ``invalid`` holds
    the text of a date that does not exist ("30 February 2026").
    """

    date: dt.date
    start: dt.date | None
    label: str
    explicit: bool
    span: tuple[int, int] | None = None
    invalid: str = ""
    end: dt.date | None = None
    note: str = ""
    after: bool = False  # named as "after" a day or period: its first day, or the time from it to today

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


def known(day: dt.date | None) -> dt.date:
    """``day``, which the caller relies on being set (a status implies its dates); raises if it is not."""
    if day is None:
        raise ValueError("a date the answer relies on is missing from the fact base")
    return day


def _month(name: str) -> int:
    return MONTHS["sept" if name.startswith("sept") else name[:3]]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, month: int, day: int) -> Span:
    """A single day; raises ValueError for a day that does not exist."""
    d = dt.date(year, month, day)
    return d, d


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _shift(day: dt.date, unit: str, n: int) -> dt.date:
    """``day`` moved ``n`` units back (negative n: forward)."""
    unit = unit.rstrip("s")
    if unit == "decade":
        unit, n = "year", n * 10
    if unit == "day":
        return day - dt.timedelta(days=n)
    if unit == "week":
        return day - dt.timedelta(weeks=n)
    months = day.year * 12 + day.month - 1 - (n * 12 if unit == "year" else n)
    year, month = divmod(months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _holiday(name: str, year: int) -> dt.date:
    return _HOLIDAYS[name](year)


def _nearest_holiday(name: str, today: dt.date, which: str) -> dt.date:
    """The holiday's date: the last one on or before today ("last christmas", or no year given),
    this year's ("this christmas") or the next one ("next christmas")."""
    this_year = _holiday(name, today.year)
    if which == "next":
        return this_year if this_year > today else _holiday(name, today.year + 1)
    if which == "this":
        return this_year
    if which == "last" and this_year >= today:
        return _holiday(name, today.year - 1)
    return this_year if this_year <= today else _holiday(name, today.year - 1)


def _season(name: str, year: int) -> Span:
    (m1, d1), (m2, d2) = SEASONS[name]
    end_year = year + 1 if m2 < m1 else year
    return dt.date(year, m1, d1), dt.date(end_year, m2, d2)


def _season_near(name: str, which: str, today: dt.date) -> Span:
    """ "last summer": the latest one that has ended; "this winter": the one under way (or this year's);
    "next spring": the first one that has not begun."""
    spans = [_season(name, year) for year in (today.year - 2, today.year - 1, today.year, today.year + 1)]
    if which == "last":
        return max((s for s in spans if s[1] < today), key=lambda s: s[0])
    if which == "next":
        return min((s for s in spans if s[0] > today), key=lambda s: s[0])
    current = [s for s in spans if s[0] <= today <= s[1]]
    return current[0] if current else next(s for s in spans if s[0].year == today.year)


def _part(part: str, year: int) -> Span:
    quarters = {"q1": 1, "q2": 2, "q3": 3, "q4": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}
    if part in ("mid", "middle of"):
        return dt.date(year, 6, 30), dt.date(year, 6, 30)
    if part.endswith("half of"):
        if part.startswith("first"):
            return dt.date(year, 1, 1), dt.date(year, 6, 30)
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    quarter = quarters[part.split()[1] if part.startswith("the") else part]
    return dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)


def _relative_unit(which: str, unit: str, today: dt.date) -> Span:
    """ "last month", "this week", "next year", "the past year"."""
    offset = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}.get(which)
    if offset is None:  # "the past year": the twelve months up to today
        return _shift(today, unit, 1), today
    if unit == "year":
        return dt.date(today.year + offset, 1, 1), dt.date(today.year + offset, 12, 31)
    if unit == "month":
        first = _shift(today.replace(day=1), "month", -offset)
        return first, _month_end(first.year, first.month)
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=offset)
    return monday, monday + dt.timedelta(days=6)


def _decade(text: str) -> Span:
    digits = text.rstrip("s").lstrip("'")
    year = int(digits) if len(digits) == 4 else (1900 if int(digits) >= 50 else 2000) + int(digits)
    return dt.date(year, 1, 1), dt.date(year + 9, 12, 31)


Parser = Callable[[tuple[str, ...], dt.date], Span]

_GRAMMAR: list[tuple[str, re.Pattern[str], Parser]] = [
    (
        "range",
        re.compile(
            r"\b(?:between|from)\s+(.{4,30}?)\s+(?:and|to|until|till|through|-)\s+(.{0,30}?(?:19|20)\d{2})\b"
        ),
        lambda g, t: _range(g[0], g[1], t),
    ),
    (
        "iso",
        re.compile(_PREFIX + r"\b" + _YEAR + r"-(\d{1,2})-(\d{1,2})\b"),
        lambda g, t: _day(int(g[0]), int(g[1]), int(g[2])),
    ),
    (
        "dmy",
        re.compile(
            _PREFIX + r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+" + _YEAR + r"\b"
        ),
        lambda g, t: _day(int(g[2]), _month(g[1]), int(g[0])),
    ),
    (
        "mdy",
        re.compile(_PREFIX + r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b"),
        lambda g, t: _day(int(g[2]), _month(g[0]), int(g[1])),
    ),
    (
        "ymd",
        re.compile(_PREFIX + r"\b" + _YEAR + r"[/.](\d{1,2})[/.](\d{1,2})\b"),
        lambda g, t: _day(int(g[0]), int(g[1]), int(g[2])),
    ),
    (
        "slash",
        re.compile(_PREFIX + r"\b(\d{1,2})[/.-](\d{1,2})[/.-]" + _YEAR + r"\b"),
        lambda g, t: _slash(g),
    ),
    (
        "holiday_year",
        re.compile(_PREFIX + r"\b" + _HOLIDAY + r"(?:\s+of)?,?\s+" + _YEAR + r"\b"),
        lambda g, t: (_holiday(g[0], int(g[1])),) * 2,
    ),
    (
        "holiday_rel",
        re.compile(_PREFIX + r"\b(last|this|next|the last|past)\s+" + _HOLIDAY + r"\b"),
        lambda g, t: (_nearest_holiday(g[1], t, g[0].replace("the ", "").replace("past", "last")),) * 2,
    ),
    (
        "holiday",
        re.compile(_PREFIX + r"\b" + _HOLIDAY + r"\b"),
        lambda g, t: (_nearest_holiday(g[0], t, ""),) * 2,
    ),
    (
        "part",
        re.compile(
            _PREFIX
            + r"\b(mid|middle of|first half of|second half of|q[1-4]|the (?:first|second|third|fourth) quarter of)[ -]?"
            + _YEAR
            + r"\b"
        ),
        lambda g, t: _part(g[0], int(g[1])),
    ),
    (
        "season",
        re.compile(_PREFIX + r"\b(?:the\s+)?" + _SEASON + r"\s+(?:of\s+)?" + _YEAR + r"\b"),
        lambda g, t: _season(g[0], int(g[1])),
    ),
    (
        "season_rel",
        re.compile(_PREFIX + r"\b(last|this|next)\s+" + _SEASON + r"\b"),
        lambda g, t: _season_near(g[1], g[0], t),
    ),
    (
        "month",
        re.compile(_PREFIX + r"\b" + _MONTH + r"\.?,?\s+(?:of\s+)?" + _YEAR + r"\b"),
        lambda g, t: _month_span(g),
    ),
    (
        "dm",
        re.compile(
            _PREFIX
            + r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            + _MONTH
            + r"\b(?!\.?,?\s+(?:of\s+)?(?:19|20)\d{2})"
        ),
        lambda g, t: (_latest(int(g[0]), _month(g[1]), t),) * 2,
    ),
    (
        "md",
        re.compile(_PREFIX + r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s+(?:19|20)\d{2}|\d)"),
        lambda g, t: (_latest(int(g[1]), _month(g[0]), t),) * 2,
    ),
    (
        "month_only",
        re.compile(
            r"\b(in|during|since|before|after|until|by|as of|at the end of|end of|early|late)\s+"
            + _MONTH
            + r"\b(?!\.?,?\s+(?:of\s+)?(?:19|20)\d{2}|\s+\d)"
        ),
        lambda g, t: _latest_month(_month(g[0]), t),
    ),
    ("decade", re.compile(_PREFIX + r"\b(?:the\s+)?((?:19|20)\d0s|'?\d0s)\b"), lambda g, t: _decade(g[0])),
    (
        "year",
        re.compile(_PREFIX + r"\b" + _YEAR + r"\b(?!\s*(?:-|/)\s*\d)"),
        lambda g, t: (dt.date(int(g[0]), 1, 1), dt.date(int(g[0]), 12, 31)),
    ),
    (
        "past_n",
        re.compile(
            r"\b(?:in|over|during|for|within)?\s*(?:the\s+)?(?:past|last|previous)\s+" + _COUNT + r"\s+"
            r"(days?|weeks?|months?|years?|decades?)\b"
        ),
        lambda g, t: (_shift(t, g[1], _count(g[0])), t),
    ),
    (
        "past_unit",
        re.compile(r"\b(?:in|over|during|within)\s+the\s+(?:past|last)\s+(year|month|week|decade)\b"),
        lambda g, t: (_shift(t, g[0], 1), t),
    ),
    (
        "in_n",
        re.compile(r"\bin\s+" + _COUNT + r"\s+(days?|weeks?|months?|years?)(?:\s+time)?\b"),
        lambda g, t: (_shift(t, g[1], -_count(g[0])),) * 2,
    ),
    (
        "ago",
        re.compile(_PREFIX + r"\b" + _COUNT + r"\s+" + _UNIT + r"\s+(?:ago|back|earlier|before now)\b"),
        lambda g, t: (_shift(t, g[1], _count(g[0])),) * 2,
    ),
    (
        "relunit",
        re.compile(_PREFIX + r"\b" + _REL + r"\s+(year|month|week)\b"),
        lambda g, t: _relative_unit(g[0], g[1], t),
    ),
    ("yesterday", re.compile(_PREFIX + r"\b(yesterday|tomorrow)\b"), lambda g, t: (_named_day(g[0], t),) * 2),
]
_NO_PREFIX = frozenset({"range", "past_n", "past_unit", "in_n"})
_MONTH_WORD = re.compile(r"\b" + _MONTH + r"\b")
_DIGIT = re.compile(r"\d")
_HOLIDAY_WORD = re.compile(_HOLIDAY)
# What each grammar row needs to find in a question before it is worth trying.
_NEEDS: dict[str, re.Pattern[str]] = {
    "range": _DIGIT,
    "iso": _DIGIT,
    "dmy": _DIGIT,
    "mdy": _DIGIT,
    "ymd": _DIGIT,
    "slash": _DIGIT,
    "holiday_year": _HOLIDAY_WORD,
    "holiday_rel": _HOLIDAY_WORD,
    "holiday": _HOLIDAY_WORD,
    "part": _DIGIT,
    "season": re.compile(_SEASON),
    "season_rel": re.compile(_SEASON),
    "month": _MONTH_WORD,
    "dm": _MONTH_WORD,
    "md": _MONTH_WORD,
    "month_only": _MONTH_WORD,
    "decade": re.compile(r"\d0s\b"),
    "year": _DIGIT,
    "ago": re.compile(r"\b(ago|back|earlier|before now)\b"),
    "past_n": re.compile(r"\b(past|last|previous)\b"),
    "past_unit": re.compile(r"\b(past|last)\b"),
    "in_n": re.compile(r"\bin\s+\S+\s+(days?|weeks?|months?|years?)\b"),
    "relunit": re.compile(r"\b(year|month|week)\b"),
    "yesterday": re.compile(r"\b(yesterday|tomorrow)\b"),
}
_NOW = re.compile(
    r"\b(now|currently|current|still|yet|today|presently|at present|at the moment|right now|as of today|these days|anymore|any more)\b"
)


def _latest(day: int, month: int, today: dt.date) -> dt.date:
    """A day and month with no year: the latest such day on or before today."""
    this_year = dt.date(today.year, month, day)
    return this_year if this_year <= today else dt.date(today.year - 1, month, day)


def _latest_month(month: int, today: dt.date) -> Span:
    """A month with no year: the latest one that has begun."""
    year = today.year if month <= today.month else today.year - 1
    return dt.date(year, month, 1), _month_end(year, month)


def _range(first: str, second: str, today: dt.date) -> Span:
    """ "between March 2025 and June 2025", "from 2015 to 2020": from the start of one to the end of the other.
    A first part without a year takes the second part's ("between march and june 2025")."""
    last = find_date(second, today=today)
    if not first.strip()[-4:].isdigit() and last.explicit:
        first = f"{first} {(last.start or last.date).year}"
    begin = find_date(first, today=today)
    if not (begin.explicit and last.explicit) or begin.is_period is None:
        raise ValueError("not a range of dates")
    start = begin.start or begin.date
    end = last.end or last.date
    if end < start:
        raise ValueError("a range that ends before it starts")
    return start, end


def _slash(g: tuple[str, ...]) -> Span:
    a, b, year = int(g[0]), int(g[1]), int(g[2])
    day, month = (b, a) if b > 12 >= a else (a, b)
    return _day(year, month, day)


def _month_span(g: tuple[str, ...]) -> Span:
    month, year = _month(g[0]), int(g[1])
    return dt.date(year, month, 1), _month_end(year, month)


def _named_day(word: str, today: dt.date) -> dt.date:
    return today + dt.timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[word])


# A question that none of the grammar's needs match names no date: one search instead of one per row.
_HINT = re.compile("|".join(sorted({pattern.pattern for pattern in _NEEDS.values()})))


def find_date(text: str, *, today: dt.date) -> DateQuery:
    """Find the date ``text`` (folded to lower case) asks about; default to ``today``."""
    if not _HINT.search(text):
        return DateQuery(date=today, start=None, label=format_date(today), explicit=False)
    for kind, pattern, parse in _GRAMMAR:
        if not _NEEDS[kind].search(text):
            continue
        for match in pattern.finditer(text):
            has_prefix = kind not in _NO_PREFIX
            groups = match.groups()[1:] if has_prefix else match.groups()
            try:
                start, end = parse(groups, today)
            except (ValueError, KeyError):
                if kind in ("iso", "dmy", "mdy", "ymd", "slash", "dm", "md"):
                    return _invalid(match.group(0), today)
                continue
            prefix = (match.group(1) or "").strip() if has_prefix else ""
            return _query(kind, prefix, start, end, today, (match.start(), match.end()))
    return DateQuery(date=today, start=None, label=format_date(today), explicit=False)


def _invalid(text: str, today: dt.date) -> DateQuery:
    words = text.split()
    shown = " ".join(w for w in words if w not in ("on", "in", "as", "of", "by", "at", "for", "from"))
    return DateQuery(date=today, start=None, label=format_date(today), explicit=False, invalid=shown)


def _point(day: dt.date, label: str, span: tuple[int, int], note: str = "") -> DateQuery:
    return DateQuery(date=day, start=None, label=label, explicit=True, span=span, note=note)


def _query(
    kind: str, prefix: str, start: dt.date, end: dt.date, today: dt.date, span: tuple[int, int]
) -> DateQuery:
    label_core = _label(kind, start, end)
    note = _note(kind, start, end)
    if prefix in ("before", "prior to", "until", "till", "up to"):
        day = start - dt.timedelta(days=1)
        return _point(day, f"{format_date(day)} (before {label_core})", span, note)
    if (
        prefix == "after"
    ):  # the first day after; a question about what happened makes it a period (question.py)
        day = end + dt.timedelta(days=1)
        return replace(_point(day, format_date(day), span, note), after=True)
    if prefix == "since" or (kind == "range" and prefix == ""):
        stop = end if kind == "range" else today
        return DateQuery(
            date=min(stop, today) if start <= today else stop,
            start=start,
            label=f"{format_date(start)} to {format_date(stop)}",
            explicit=True,
            span=span,
            end=stop,
            note=note,
        )
    if prefix in _END_PREFIXES:
        return _point(end, format_date(end), span, note)
    if prefix in ("as of", "as at", "by"):
        day = min(end, today) if start <= today < end else end
        return _point(day, format_date(day), span, note)
    if prefix in (
        "at the start of",
        "start of",
        "beginning of",
        "at the beginning of",
        "the start of",
        "early",
    ):
        return _point(start, format_date(start), span, note)
    if start == end:
        return _point(start, format_date(start), span, note)
    # A period: report the status at its end (or today, if it is still running), and its changes.
    day = min(end, today) if start <= today else end
    return DateQuery(date=day, start=start, label=label_core, explicit=True, span=span, end=end, note=note)


def _label(kind: str, start: dt.date, end: dt.date) -> str:
    if start == end:
        return format_date(start)
    if start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31):
        return str(start.year)
    if start.day == 1 and end == _month_end(start.year, start.month):
        return f"{_MONTH_NAMES[start.month]} {start.year}"
    if kind == "month":
        return f"{_MONTH_NAMES[start.month]} {start.year}"
    if kind == "year":
        return str(start.year)
    if kind == "decade":
        return f"the {start.year}s"
    if kind.startswith("season"):
        return f"{_SEASON_NAMES.get((start.month, start.day), 'the season')} {start.year}"
    return f"{format_date(start)} to {format_date(end)}"


def _note(kind: str, start: dt.date, end: dt.date) -> str:
    if kind.startswith("season"):
        return f"northern-hemisphere season, {format_date(start)} to {format_date(end)}"
    return ""


def mentions_now(text: str) -> bool:
    """Whether ``text`` asks about the present ("now", "still", "currently", "yet")."""
    return bool(_NOW.search(text))
