"""The chart of States Parties over time: its data, its words, its cache and the ``chart`` command."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import ROOT, run_cli

from bot.engine.dates import format_date
from bot.engine.status import WITHDRAWAL_PENDING, status_counts
from bot.facts.records import KnowledgeBase
from bot.frontends.chart import (
    ALT_TEXT_LIMIT,
    ChangeKind,
    Chart,
    chart,
    chart_file_name,
    count_on,
    party_series,
    recent_changes,
    render_chart,
    state_steps,
)

AS_OF = dt.date(2026, 11, 29)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def parties(kb: KnowledgeBase, day: dt.date) -> int:
    counts = status_counts(kb.states.values(), day)
    return counts["party"] + counts[WITHDRAWAL_PENDING]


@pytest.fixture(scope="module")
def kb(engine) -> KnowledgeBase:
    return engine.kb


@pytest.fixture(scope="module")
def default_chart(kb: KnowledgeBase) -> Chart:
    return render_chart(kb, as_of=AS_OF)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_MAGIC
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = "import sys, bot.frontends.chart; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_series_equals_status_counts(kb: KnowledgeBase) -> None:
    start = dt.date(1999, 3, 1)
    series = party_series(kb, start, AS_OF)
    assert series[0] == (start, parties(kb, start))
    days = [day for day, _ in series]
    assert days == sorted(set(days))
    # Only the days on which the count changes, each with the count that day.
    for (_, before), (day, count) in itertools.pairwise(series):
        assert count != before
        assert count == parties(kb, day)
        assert parties(kb, day - dt.timedelta(days=1)) == before
    for day in (
        dt.date(2000, 1, 1),
        dt.date(2010, 6, 30),
        dt.date(2025, 12, 26),
        dt.date(2026, 1, 10),
        AS_OF,
    ):
        assert count_on(series, day) == parties(kb, day), day
    assert len(series) < (AS_OF - start).days / 20


def test_the_series_from_a_later_start(kb: KnowledgeBase) -> None:
    start = dt.date(2024, 1, 1)
    series = party_series(kb, start, AS_OF)
    assert series[0] == (start, parties(kb, start))
    assert all(day > start for day, _ in series[1:])
    assert series[-1][1] == parties(kb, AS_OF)
    with pytest.raises(ValueError):
        party_series(kb, AS_OF, start)


def test_recent_changes_come_from_the_records(kb: KnowledgeBase) -> None:
    window = dt.date(AS_OF.year - 1, 1, 1)
    changes = recent_changes(kb, window, AS_OF)
    assert [c.day for c in changes] == sorted(c.day for c in changes)
    joined = {s.name for c in changes if c.kind is ChangeKind.JOINED for s in c.states}
    left = {s.name for c in changes if c.kind is ChangeKind.LEFT for s in c.states}
    noticed = {s.name for c in changes if c.kind is ChangeKind.NOTICE for s in c.states}
    states = kb.states.values()
    assert joined == {s.name for s in states if s.entry_into_force and window <= s.entry_into_force <= AS_OF}
    assert left == {
        s.name for s in states if s.withdrawal_effective and window <= s.withdrawal_effective <= AS_OF
    }
    assert noticed == {
        s.name for s in states if s.withdrawal_notified and window <= s.withdrawal_notified <= AS_OF
    }
    assert joined and left
    for change in changes:
        assert change.count == parties(kb, change.day)


def test_the_png_is_a_picture_of_discord_size(default_chart: Chart) -> None:
    width, height = png_size(default_chart.png)
    assert 1000 <= width <= 1400 and 500 <= height <= 800
    assert len(default_chart.png) > 20_000
    assert default_chart.filename == f"parties-{AS_OF.isoformat()}.png"


def test_the_alt_text_states_the_count_and_names_the_changes(kb: KnowledgeBase, default_chart: Chart) -> None:
    text = default_chart.alt_text
    assert len(text) <= ALT_TEXT_LIMIT
    assert f"stands at {parties(kb, AS_OF)} on {format_date(AS_OF)}" in text
    for change in recent_changes(kb, dt.date(AS_OF.year - 1, 1, 1), AS_OF):
        assert format_date(change.day) in text
        for state in change.states:
            assert state.name in text
        if change.kind is not ChangeKind.NOTICE:
            assert f"({change.count} States Parties)" in text
    assert f"facts reviewed {format_date(kb.reviewed)}" in text
    assert kb.sources[kb.depositary_source].title[:40] in text


def test_the_alt_text_on_another_date_has_that_dates_count(kb: KnowledgeBase) -> None:
    day = dt.date(2025, 12, 1)
    made = render_chart(kb, as_of=day, start=dt.date(2024, 1, 1))
    assert f"stands at {parties(kb, day)} on {format_date(day)}" in made.alt_text
    assert "Tonga" in made.alt_text
    assert made.filename == "parties-from-2024-01-01-to-2025-12-01.png"


@pytest.mark.parametrize("iso3", ["FIN", "USA", "CAN", "MHL"])
def test_state_steps_come_from_its_record(kb: KnowledgeBase, iso3: str) -> None:
    record = kb.states[iso3]
    fields = {
        "signed": record.signed,
        "consent": record.consent_deposited,
        "in_force": record.entry_into_force,
        "notice": record.withdrawal_notified,
        "effective": record.withdrawal_effective,
    }
    steps = state_steps(record)
    assert sorted((s.kind, s.day) for s in steps) == sorted((k, d) for k, d in fields.items() if d)
    assert [s.day for s in steps] == sorted(s.day for s in steps)


def test_a_state_chart_states_its_steps(kb: KnowledgeBase) -> None:
    made = render_chart(kb, as_of=AS_OF, state="fin")
    png_size(made.png)
    assert made.filename == f"parties-fin-{AS_OF.isoformat()}.png"
    assert len(made.alt_text) <= ALT_TEXT_LIMIT
    for step in state_steps(kb.states["FIN"]):
        assert f"{step.label} {format_date(step.day)}" in made.alt_text
    with pytest.raises(ValueError):
        render_chart(kb, as_of=AS_OF, state="XXX")
    with pytest.raises(ValueError):
        render_chart(kb, as_of=dt.date(2000, 1, 1), start=dt.date(2001, 1, 1))


def test_file_names() -> None:
    assert chart_file_name(AS_OF) == "parties-2026-11-29.png"
    assert chart_file_name(AS_OF, state="USA") == "parties-usa-2026-11-29.png"


async def test_the_async_chart_is_cached_per_key(
    kb: KnowledgeBase, default_chart: Chart, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.frontends.chart as module

    drawn: list[tuple[dt.date, str | None]] = []

    def counting(kb: KnowledgeBase, **kwargs: object) -> Chart:
        drawn.append((kwargs["as_of"], kwargs["state"]))
        return render_chart(kb, **kwargs)

    monkeypatch.setattr(module, "render_chart", counting)
    monkeypatch.setattr(module, "_CACHE", type(module._CACHE)())
    first, again = await asyncio.gather(chart(kb, as_of=AS_OF), chart(kb, as_of=AS_OF))
    assert first is again and len(drawn) == 1
    assert await chart(kb, as_of=AS_OF) is first
    assert first == default_chart
    other = await chart(kb, as_of=AS_OF - dt.timedelta(days=400))
    assert other is not first and other.alt_text != first.alt_text
    assert await chart(kb, as_of=AS_OF) is first
    assert await chart(kb, as_of=AS_OF, state="fin") is await chart(kb, as_of=AS_OF, state="FIN")
    assert len(drawn) == 3


def test_the_cli_writes_the_png_and_prints_its_path(tmp_path: Path, built_db: Path) -> None:
    result = run_cli("chart", "--as-of", "2026-11-29", db=built_db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "parties-2026-11-29.png"
    png_size((tmp_path / "parties-2026-11-29.png").read_bytes())
    out = tmp_path / "finland.png"
    result = run_cli(
        "chart",
        "--as-of",
        "2026-11-29",
        "--from",
        "2024-01-01",
        "--state",
        "Finland",
        "--out",
        str(out),
        db=built_db,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    png_size(out.read_bytes())


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--state", "Congo"), "may mean"),
        (("--state", "Narnia"), "no state is named"),
        (("--from", "2026-12-01"), "after --as-of"),
        (("--from", "1800-01-01"), "--from"),
    ],
)
def test_the_cli_refuses_what_it_cannot_draw(
    tmp_path: Path, built_db: Path, args: tuple[str, ...], words: str
) -> None:
    result = run_cli("chart", "--as-of", "2026-11-29", *args, db=built_db, cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr
    assert not list(tmp_path.glob("*.png"))
