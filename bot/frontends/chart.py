"""A picture of membership over time, as a PNG for Discord, the console and the command line.

The chart is the number of States Parties (``party`` plus ``withdrawal_pending``, as
:func:`bot.engine.status.status_on` computes them) as a step line from the Convention's entry into force
(or ``start``) to ``as_of``; the joins, withdrawal notices and withdrawals of the last two calendar years
are marked on the line and listed beside it by state name; the count on ``as_of`` is written at the end
of the line; the depositary source and the review date are written in small type. With ``state``, a strip
under the line marks that state's own steps (signature, consent, entry into force, withdrawal notice,
withdrawal effective) on the same time axis.

Every name, date and count comes from the :class:`~bot.facts.records.KnowledgeBase`. matplotlib is
imported on the first render, never at import; each render draws on a private ``Figure`` with the Agg
canvas (no pyplot state), one render at a time.

API:

* :func:`render_chart` renders (blocking, 0.2-0.5 s); :func:`chart` is the same in a worker thread with a
  small cache, for the event loop.
* :func:`chart_file_name` is the attachment or file name; :func:`party_series`, :func:`recent_changes`
  and :func:`state_steps` are the data the chart draws.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import io
import textwrap
import threading
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from bot.engine.dates import format_date
from bot.engine.status import is_state_party
from bot.facts.records import KnowledgeBase, State
from bot.facts.validate import CONVENTION_IN_FORCE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

WIDTH_PX = 1100
HEIGHT_PX = 620
DPI = 100
ALT_TEXT_LIMIT = 1024  # Discord's limit on an attachment's description
RECENT_YEARS = 2  # the changes of this many calendar years, ending with as_of's, are named
CACHE_SIZE = 32
MAX_LISTED = 8  # changes listed beside the line; earlier ones are counted
MAX_NAMES = 3  # names on one listed change; more are counted

# Okabe-Ito, safe for the common colour-vision deficiencies.
LINE = "#0072B2"
JOINED_COLOUR = "#009E73"
LEFT_COLOUR = "#D55E00"
NOTICE_COLOUR = "#E69F00"
SIGNED_COLOUR = "#56B4E9"
INK = "#000000"
GREY = "#555555"
BAND = "#EEEEEE"


class ChangeKind(StrEnum):
    """What happened to States Parties on a day."""

    JOINED = "joined"  # the Convention entered into force for them
    NOTICE = "notice"  # they notified their withdrawal (still parties until it takes effect)
    LEFT = "left"  # their withdrawal took effect


@dataclass(frozen=True, slots=True)
class Change:
    """The states whose standing changed the same way on one day, and the States Parties that day."""

    day: dt.date
    kind: ChangeKind
    states: tuple[State, ...]  # by name
    count: int

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    @property
    def names_in_text(self) -> tuple[str, ...]:
        """The names as a sentence writes them: "the Marshall Islands"."""
        return tuple(f"{s.article} {s.name}".strip() for s in self.states)


@dataclass(frozen=True, slots=True)
class Step:
    """One of a state's own dates: ``kind`` is signed, consent, in_force, notice or effective."""

    kind: str
    day: dt.date
    label: str  # "signed", "ratified", "acceded", "in force", "withdrawal notice", "withdrawal effective"


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart: the PNG, the same chart in words (at most 1024 characters), and a file name."""

    png: bytes
    alt_text: str
    filename: str


CONSENT_LABELS = {
    "ratification": "ratified",
    "accession": "acceded",
    "acceptance": "accepted",
    "approval": "approved",
    "succession": "succeeded",
}
# (marker, colour, filled) for each kind of change and step; the same shapes on the line and the strip.
MARKS: dict[str, tuple[str, str, bool]] = {
    ChangeKind.JOINED: ("^", JOINED_COLOUR, True),
    ChangeKind.NOTICE: ("v", NOTICE_COLOUR, False),
    ChangeKind.LEFT: ("v", LEFT_COLOUR, True),
    "signed": ("o", SIGNED_COLOUR, True),
    "consent": ("^", JOINED_COLOUR, False),
    "in_force": ("^", JOINED_COLOUR, True),
    "notice": ("v", NOTICE_COLOUR, False),
    "effective": ("v", LEFT_COLOUR, True),
}
SYMBOLS = {ChangeKind.JOINED: "▲", ChangeKind.NOTICE: "▽", ChangeKind.LEFT: "▼"}
VERBS = {
    ChangeKind.JOINED: "joined",
    ChangeKind.NOTICE: "gave notice of withdrawal",
    ChangeKind.LEFT: "withdrew",
}
KIND_ORDER = {ChangeKind.NOTICE: 0, ChangeKind.JOINED: 1, ChangeKind.LEFT: 2}


# -- the data --------------------------------------------------------------------------------------------


def _state_dates(state: State) -> tuple[dt.date | None, ...]:
    return (
        state.signed,
        state.consent_deposited,
        state.entry_into_force,
        state.withdrawal_notified,
        state.withdrawal_effective,
    )


def _flips(state: State, after: dt.date, end: dt.date) -> tuple[bool, list[tuple[dt.date, bool]]]:
    """Whether ``state`` is a State Party on ``after``, and each day in ``(after, end]`` on which that changes.

    A state's standing changes only on its own dates, so only those are evaluated."""
    days = sorted({d for d in _state_dates(state) if d is not None and after < d <= end})
    was = first = is_state_party(state, after)
    out = []
    for day in days:
        now = is_state_party(state, day)
        if now != was:
            out.append((day, now))
            was = now
    return first, out


def party_series(kb: KnowledgeBase, start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """The States Parties on ``start``, then ``(day, count)`` on each day in ``(start, end]`` it changes.

    The count on any day is that of the last pair on or before it; it equals ``party`` plus
    ``withdrawal_pending`` in :func:`bot.engine.status.status_counts` for that day."""
    if end < start:
        raise ValueError(f"the chart ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    count = 0
    deltas: dict[dt.date, int] = {}
    for state in kb.states.values():
        first, flips = _flips(state, start, end)
        count += first
        for day, now in flips:
            deltas[day] = deltas.get(day, 0) + (1 if now else -1)
    series = [(start, count)]
    for day in sorted(deltas):
        if deltas[day]:
            count += deltas[day]
            series.append((day, count))
    return series


def count_on(series: list[tuple[dt.date, int]], day: dt.date) -> int:
    """The count ``series`` gives for ``day`` (on or after its first day)."""
    index = bisect.bisect_right([d for d, _ in series], day)
    return series[max(index - 1, 0)][1]


def recent_changes(kb: KnowledgeBase, start: dt.date, end: dt.date) -> list[Change]:
    """Joins, withdrawal notices and withdrawals in ``[start, end]``, one per day and kind, by day.

    A join is the day the Convention entered into force for a state, a withdrawal the day it took
    effect; a notice is a State Party's ``withdrawal_notified`` date."""
    series = party_series(kb, start - dt.timedelta(days=1), end)
    grouped: dict[tuple[dt.date, ChangeKind], list[State]] = {}
    for state in kb.states.values():
        _, flips = _flips(state, start - dt.timedelta(days=1), end)
        for day, now in flips:
            grouped.setdefault((day, ChangeKind.JOINED if now else ChangeKind.LEFT), []).append(state)
        notified = state.withdrawal_notified
        if notified and start <= notified <= end and is_state_party(state, notified):
            grouped.setdefault((notified, ChangeKind.NOTICE), []).append(state)
    return [
        Change(day, kind, tuple(sorted(states, key=lambda s: s.name)), count_on(series, day))
        for (day, kind), states in sorted(grouped.items(), key=lambda kv: (kv[0][0], KIND_ORDER[kv[0][1]]))
    ]


def state_steps(state: State) -> list[Step]:
    """The dates in ``state``'s record, in order: signature, consent, entry into force, withdrawal."""
    consent = CONSENT_LABELS.get(state.consent_method or "", "consent deposited")
    steps = [
        ("signed", state.signed, "signed"),
        ("consent", state.consent_deposited, consent),
        ("in_force", state.entry_into_force, "in force"),
        ("notice", state.withdrawal_notified, "withdrawal notice"),
        ("effective", state.withdrawal_effective, "withdrawal effective"),
    ]
    return sorted((Step(kind, day, label) for kind, day, label in steps if day), key=lambda s: s.day)


def default_start(kb: KnowledgeBase) -> dt.date:
    """The Convention's entry into force: the first entry into force in the records."""
    return min(
        (s.entry_into_force for s in kb.states.values() if s.entry_into_force), default=CONVENTION_IN_FORCE
    )


def chart_file_name(as_of: dt.date, *, start: dt.date | None = None, state: str | None = None) -> str:
    """``parties-2026-11-29.png``; ``parties-fin-2026-11-29.png`` with a state, ``...-from-2024-01-01-...``
    with a start."""
    parts = ["parties"]
    if state:
        parts.append(state.lower())
    if start:
        parts += ["from", start.isoformat(), "to"]
    return "-".join([*parts, as_of.isoformat()]) + ".png"


# -- the plan: everything the picture and the words say -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    start: dt.date  # the time axis' first day
    as_of: dt.date
    series: list[tuple[dt.date, int]]
    window: dt.date  # the first day whose changes are named
    changes: list[Change]
    state: State | None
    steps: list[Step]
    source: str
    reviewed: dt.date

    @property
    def end_count(self) -> int:
        return self.series[-1][1]

    @property
    def years(self) -> str:
        first, last = self.window.year, self.as_of.year
        return str(last) if first == last else f"{first}–{last}"


def _plan(kb: KnowledgeBase, as_of: dt.date, start: dt.date | None, iso3: str | None) -> _Plan:
    record = None
    if iso3 is not None:
        record = kb.states.get(iso3.upper())
        if record is None:
            raise ValueError(f"no state with the code {iso3!r}")
    steps = state_steps(record) if record else []
    if start is None:
        start = min([default_start(kb), *(s.day for s in steps)])
    if as_of < start:
        raise ValueError(f"the chart ends ({as_of.isoformat()}) before it starts ({start.isoformat()})")
    window = max(start, dt.date(as_of.year - RECENT_YEARS + 1, 1, 1))
    source = kb.sources.get(kb.depositary_source)
    return _Plan(
        start=start,
        as_of=as_of,
        series=party_series(kb, start, as_of),
        window=window,
        changes=recent_changes(kb, window, as_of),
        state=record,
        steps=steps,
        source=source.title if source else kb.depositary_source,
        reviewed=kb.reviewed,
    )


# -- the words ---------------------------------------------------------------------------------------------


def _names(names: tuple[str, ...], limit: int | None = None) -> str:
    shown = list(names if limit is None or len(names) <= limit else names[: limit - 1])
    if len(shown) < len(names):
        shown.append(f"{len(names) - len(shown)} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _change_words(change: Change) -> str:
    after = "" if change.kind is ChangeKind.NOTICE else f" ({change.count} States Parties)"
    return f"{_names(change.names_in_text)} {VERBS[change.kind]} on {format_date(change.day)}{after}"


def _shape(plan: _Plan) -> str:
    first = plan.series[0]
    high = max(plan.series, key=lambda p: p[1])
    text = f"It starts at {first[1]}"
    if high[1] > first[1]:
        text += f", is highest at {high[1]} (first on {format_date(high[0])})"
    return text + f" and stands at {plan.end_count} on {format_date(plan.as_of)}."


def _steps_words(plan: _Plan) -> str:
    if plan.state is None:
        return ""
    name = f"{plan.state.article} {plan.state.name}".strip()
    name = name[0].upper() + name[1:]
    if not plan.steps:
        return f" {name}: no signature, consent or withdrawal on record."
    return f" {name}: " + "; ".join(f"{s.label} {format_date(s.day)}" for s in plan.steps) + "."


def _changes_words(plan: _Plan, listed: int) -> str:
    """The last ``listed`` changes in words, the earlier ones counted."""
    if not plan.changes:
        return f" No State Party joined or withdrew in {plan.years}."
    earlier = len(plan.changes) - listed
    words = [
        *([f"{earlier} earlier change(s)"] if earlier else []),
        *map(_change_words, plan.changes[earlier:]),
    ]
    return f" In {plan.years}: " + "; ".join(words) + "."


def _alt_text(plan: _Plan) -> str:
    """The chart in words, at most 1024 characters: the source title is shortened first, then the earliest
    changes are counted instead of named."""
    head = (
        f"Step chart of the number of States Parties to the Mine Ban Convention, {format_date(plan.start)} "
        f"to {format_date(plan.as_of)}. {_shape(plan)}"
    )
    tail = f"{_steps_words(plan)} Source: {{}}; facts reviewed {format_date(plan.reviewed)}."
    short = plan.source if len(plan.source) <= 80 else plan.source[:79].rstrip() + "…"
    for listed in range(len(plan.changes), -1, -1):
        for title in (plan.source, short):
            text = head + _changes_words(plan, listed) + tail.format(title)
            if len(text) <= ALT_TEXT_LIMIT:
                return text
    return text[: ALT_TEXT_LIMIT - 1] + "…"


# -- the picture -------------------------------------------------------------------------------------------


def _short(day: dt.date) -> str:
    """``9 Jan 2012``."""
    return f"{day.day} {format_date(day).split()[1][:3]} {day.year}"


def _num(day: dt.date) -> float:
    from matplotlib.dates import date2num

    return float(date2num(dt.datetime(day.year, day.month, day.day)))  # type: ignore[no-untyped-call]


def _mark(ax: Axes, x: float, y: float, kind: str, *, size: int, **options: Any) -> None:
    """One step's marker (its shape and colour from ``MARKS``; hollow when the step is not filled)."""
    marker, colour, filled = MARKS[kind]
    ax.plot(
        [x],
        [y],
        marker=marker,
        markersize=size,
        markeredgewidth=2,
        color=colour,
        markerfacecolor=colour if filled else "white",
        linestyle="none",
        **options,
    )


def _draw_line(ax: Axes, plan: _Plan) -> None:
    xs = [_num(d) for d, _ in plan.series] + [_num(plan.as_of)]
    ys = [c for _, c in plan.series] + [plan.end_count]
    ax.step(xs, ys, where="post", color=LINE, linewidth=2.6, solid_joinstyle="miter", zorder=3)
    ax.plot([xs[-1]], [ys[-1]], "o", color=LINE, markersize=7, zorder=4)
    ax.annotate(
        f"{plan.end_count}",
        (xs[-1], ys[-1]),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=17,
        fontweight="bold",
        color=LINE,
    )
    if plan.window > plan.start:
        ax.axvspan(_num(plan.window), xs[-1], color=BAND, zorder=0, linewidth=0)
    for change in plan.changes:
        _mark(ax, _num(change.day), change.count, change.kind, size=11, zorder=5)


def _style_axes(ax: Axes, plan: _Plan) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import MaxNLocator

    span = _num(plan.as_of) - _num(plan.start)
    ax.set_xlim(_num(plan.start) - span * 0.01, _num(plan.as_of) + span * 0.07)
    counts = [c for _, c in plan.series]
    low, high = min(counts), max(counts)
    pad = max(1.0, (high - low) * 0.12)
    ax.set_ylim(0 if low <= high / 2 else low - pad, high + pad)
    locator = AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))  # type: ignore[no-untyped-call]
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.tick_params(labelsize=14, length=4)
    ax.grid(axis="y", color="#DDDDDD", linewidth=1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_ylabel("States Parties", fontsize=14)


LIST_PT = 13  # the list's type size
LIST_LINE = LIST_PT * 1.28 / 72 * DPI / HEIGHT_PX  # one line of it, as a fraction of the figure's height
LIST_WRAP = 34  # characters on one line of names


def _entry_lines(change: Change) -> list[str]:
    """A listed change: its date (and the count after it), then its names."""
    after = "" if change.kind is ChangeKind.NOTICE else f"  → {change.count}"
    return [f"{_short(change.day)}{after}", *textwrap.wrap(_names(change.names, MAX_NAMES), LIST_WRAP)]


def _fitting(changes: list[Change], room: float) -> list[Change]:
    """The latest changes whose entries fit in ``room`` (a fraction of the figure's height)."""
    shown: list[Change] = []
    for change in reversed(changes):
        need = LIST_LINE * (len(_entry_lines(change)) + 0.4)
        if need > room:
            break
        room -= need
        shown.insert(0, change)
    return shown


def _draw_list(fig: Figure, plan: _Plan, left: float, top: float, bottom: float) -> None:
    """The named changes beside the line, oldest first; the earliest are counted when all do not fit."""
    fig.text(left, top, f"Changes in {plan.years}", fontsize=15, fontweight="bold", va="top", color=INK)
    y = top - LIST_LINE * 1.5
    if not plan.changes:
        fig.text(left, y, "No State Party joined\nor withdrew", fontsize=LIST_PT, va="top", color=GREY)
        return
    shown = _fitting(plan.changes, y - bottom)
    if len(shown) < len(plan.changes):
        shown = _fitting(plan.changes, y - bottom - LIST_LINE * 1.2)
        fig.text(left, y, f"…and {len(plan.changes) - len(shown)} earlier", fontsize=12, va="top", color=GREY)
        y -= LIST_LINE * 1.2
    for change in shown:
        first, *names = _entry_lines(change)
        fig.text(left, y, SYMBOLS[change.kind], fontsize=LIST_PT, va="top", color=MARKS[change.kind][1])
        fig.text(left + 0.024, y, first, fontsize=LIST_PT, va="top", color=INK, fontweight="bold")
        for line in names:
            y -= LIST_LINE
            fig.text(left + 0.024, y, line, fontsize=LIST_PT, va="top", color=INK)
        y -= LIST_LINE * 1.4


def _fits(box: tuple[float, float], placed: list[tuple[float, float]], bounds: tuple[float, float]) -> bool:
    inside = bounds[0] <= box[0] and box[1] <= bounds[1]
    return inside and all(box[1] + 8 < a or box[0] > b + 8 for a, b in placed)


Side = Literal["left", "right"]
ROWS = (0.72, 0.48, 0.25)  # the strip's label rows (axes fraction, label tops)


def _place_label(
    text: Text, rows: list[list[tuple[float, float]]], prefer: Side, renderer: RendererBase
) -> int:
    """Put ``text`` in the first row, left or right of its step, where it overlaps no label already there
    and stays inside its axes; its row."""
    assert text.axes is not None
    bounds = text.axes.get_window_extent(renderer)
    other: Side = "left" if prefer == "right" else "right"
    for row, placed in enumerate(rows):
        for ha in (prefer, other):
            text.set_y(ROWS[row])
            text.set_horizontalalignment(ha)
            box = text.get_window_extent(renderer)
            if _fits((box.x0, box.x1), placed, (bounds.x0 - 40, bounds.x1)):
                placed.append((box.x0, box.x1))
                return row
    text.set_y(ROWS[-1])
    text.set_horizontalalignment(prefer)
    return len(rows) - 1


def _style_strip(strip: Axes, plan: _Plan) -> None:
    assert plan.state is not None
    strip.set_yticks([])
    strip.set_ylim(0, 1)
    for side in ("top", "right", "left"):
        strip.spines[side].set_visible(False)
    strip.tick_params(labelsize=14, length=4)
    strip.text(
        0.0, 1.04, plan.state.name, transform=strip.transAxes, fontsize=14, fontweight="bold", va="bottom"
    )
    outside = [s for s in plan.steps if not plan.start <= s.day <= plan.as_of]
    if not plan.steps:
        strip.text(
            0.5,
            0.55,
            "no signature, consent or withdrawal on record",
            transform=strip.transAxes,
            ha="center",
            va="center",
            fontsize=14,
            color=GREY,
        )
    if outside:
        words = "; ".join(f"{s.label} {_short(s.day)}" for s in outside)
        strip.text(
            1.0,
            1.04,
            f"outside the chart: {words}",
            transform=strip.transAxes,
            ha="right",
            va="bottom",
            fontsize=11,
            color=GREY,
        )


def _draw_steps(ax: Axes, strip: Axes, plan: _Plan, renderer: RendererBase) -> None:
    """The state's own steps: dotted lines on the chart, markers and labels in the strip under it."""
    _style_strip(strip, plan)
    rows: list[list[tuple[float, float]]] = [[] for _ in ROWS]
    middle = (_num(plan.start) + _num(plan.as_of)) / 2
    days: dict[dt.date, list[Step]] = {}
    for step in plan.steps:
        if plan.start <= step.day <= plan.as_of:
            days.setdefault(step.day, []).append(step)
    for day, steps in days.items():
        x = _num(day)
        for step in steps:
            ax.axvline(x, color=MARKS[step.kind][1], linestyle=(0, (2, 2)), linewidth=1.6, zorder=2)
            _mark(strip, x, 0.9, step.kind, size=12, clip_on=False)
        words = ", ".join(s.label for s in steps)
        label = strip.text(
            x,
            ROWS[0],
            f" {words} \n {_short(day)} ",
            fontsize=12,
            va="top",
            color=INK,
            linespacing=1.15,
            zorder=3,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0},
        )
        row = _place_label(label, rows, "right" if x > middle else "left", renderer)
        strip.plot([x, x], [0.9, ROWS[row]], color=MARKS[steps[-1].kind][1], linewidth=1.2, zorder=1)


def _draw_legend(fig: Figure, plan: _Plan) -> None:
    """What the marks mean, in one row under the title."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Line2D | Patch] = [
        Line2D(
            [],
            [],
            marker=MARKS[kind][0],
            color=MARKS[kind][1],
            linestyle="none",
            markersize=10,
            markeredgewidth=2,
            markerfacecolor=MARKS[kind][1] if MARKS[kind][2] else "white",
        )
        for kind in ChangeKind
    ]
    labels = ["joined (in force)", "withdrawal notice", "withdrew (effective)"]
    if plan.window > plan.start:
        handles.append(Patch(facecolor=BAND, edgecolor="none"))
        labels.append(f"{plan.years}, listed on the right")
    fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.075, 0.925),
        ncol=len(handles),
        fontsize=12,
        frameon=False,
        handletextpad=0.3,
        columnspacing=1.2,
        handlelength=1.2,
    )


def _draw(plan: _Plan) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    right = 0.655 if plan.window <= plan.as_of else 0.94
    bottom = 0.47 if plan.state else 0.13
    ax = fig.add_axes((0.085, bottom, right - 0.085, 0.855 - bottom))
    _style_axes(ax, plan)
    _draw_line(ax, plan)
    if plan.state is not None:
        strip = fig.add_axes((0.085, 0.105, right - 0.085, 0.29), sharex=ax)
        ax.tick_params(labelbottom=False)
        _draw_steps(ax, strip, plan, fig.canvas.get_renderer())  # type: ignore[attr-defined]
    if plan.window <= plan.as_of:
        _draw_list(fig, plan, 0.69, 0.855, 0.08)
    _draw_legend(fig, plan)
    title = f"States Parties to the Mine Ban Convention, {_short(plan.start)} – {_short(plan.as_of)}"
    fig.text(0.02, 0.975, title, fontsize=19, fontweight="bold", va="top", color=INK)
    fig.text(
        0.02,
        0.012,
        textwrap.fill(f"Source: {plan.source}. Facts reviewed {format_date(plan.reviewed)}.", 165),
        fontsize=9,
        va="bottom",
        color=GREY,
        linespacing=1.2,
    )
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


_RENDER_LOCK = threading.Lock()


def render_chart(
    kb: KnowledgeBase, *, as_of: dt.date, start: dt.date | None = None, state: str | None = None
) -> Chart:
    """The chart of States Parties from ``start`` (default: the Convention's entry into force, or ``state``'s
    first step if earlier) to ``as_of``, with ``state``'s (an ISO3 code) own steps marked when given.

    Blocks for a few tenths of a second: from the event loop use :func:`chart`. Raises ValueError when
    ``start`` is after ``as_of`` or ``state`` is not a code in ``kb``."""
    plan = _plan(kb, as_of, start, state)
    with _RENDER_LOCK:
        png = _draw(plan)
    return Chart(
        png=png,
        alt_text=_alt_text(plan),
        filename=chart_file_name(as_of, start=start, state=state and state.upper()),
    )


_CacheKey = tuple[dt.date, dt.date | None, str | None, str]
_CACHE: OrderedDict[_CacheKey, Chart] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_PENDING: dict[_CacheKey, asyncio.Future[Chart]] = {}


async def chart(
    kb: KnowledgeBase, *, as_of: dt.date, start: dt.date | None = None, state: str | None = None
) -> Chart:
    """:func:`render_chart` in a worker thread, so the event loop never waits; the last 32 charts are kept,
    keyed by ``(as_of, start, state, kb.content_hash)``, and the same key returns the same object.

    Callers that ask for a chart already being drawn wait for that drawing instead of starting another."""
    key: _CacheKey = (as_of, start, state and state.upper(), kb.content_hash or f"id:{id(kb)}")
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    loop = asyncio.get_running_loop()
    pending = _PENDING.get(key)
    if pending is None or pending.get_loop() is not loop:
        pending = asyncio.ensure_future(
            asyncio.to_thread(render_chart, kb, as_of=as_of, start=start, state=state)
        )
        _PENDING[key] = pending
        pending.add_done_callback(lambda done: _PENDING.pop(key) if _PENDING.get(key) is done else None)
    made = await asyncio.shield(pending)
    with _CACHE_LOCK:
        made = _CACHE.setdefault(key, made)
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return made
