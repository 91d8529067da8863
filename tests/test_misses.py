"""The misses log: only missed questions, no ids, old rows pruned, similar wordings grouped, the CLI report."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from support.cli import KNOWLEDGE

from bot import misses
from bot.cli import main
from bot.frontends import console
from bot.frontends.observe import Answered
from bot.misses import Miss, MissesLog, group, misses_observer, read_misses
from bot.settings import Settings

TODAY = dt.date(2026, 11, 27)


def event(
    question: str, outcome: str = "declined", *, confidence: float = 1.0, frontend: str = "slash"
) -> Answered:
    return Answered(frontend, "ask", outcome, 3.0, question, confidence)


def stored(path: Path) -> list[dict[str, object]]:
    return list(sqlite_utils.Database(path)["misses"].rows)


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / misses.FILE_NAME


def test_only_missed_questions_are_recorded(log_path: Path) -> None:
    recorder = MissesLog(log_path, clock=lambda: TODAY)
    for answered in (
        event("is poland a party?", "answered", confidence=0.95),
        event("what is the weather?", "declined"),
        event("is korea a party?", "suggested", frontend="mention"),
        event("who is tusk?", "answered", confidence=0.3, frontend="console"),
        event("", "command"),
        event("", "declined"),  # nothing to read: not recorded
    ):
        recorder(answered)
    recorder.close()
    assert [(r["question"], r["outcome"], r["frontend"], r["date"]) for r in stored(log_path)] == [
        ("what is the weather?", "declined", "slash", "2026-11-27"),
        ("is korea a party?", "suggested", "mention", "2026-11-27"),
        ("who is tusk?", "answered", "console", "2026-11-27"),
    ]


def test_the_text_is_cut_to_300_characters_without_mentions_or_ids(log_path: Path) -> None:
    recorder = MissesLog(log_path, clock=lambda: TODAY)
    question = (
        "<@123456789012345678> <@!223456789012345678> <@&323456789012345678> is <#423456789012345678> "
        "@everyone @here <:mine:523456789012345678> </ask:623456789012345678> 723456789012345678 a party "
    ) + "very " * 100
    recorder(event(question))
    recorder.close()
    [row] = stored(log_path)
    text = str(row["question"])
    assert len(text) == misses.TEXT_LIMIT and text.endswith("…")
    assert text.startswith("is a party very very")
    for leftover in ("<", "@", "#", "everyone", "here", "mine", "3456789012345678"):
        assert leftover not in text


def test_no_user_channel_or_guild_id_is_stored(log_path: Path) -> None:
    recorder = MissesLog(log_path, clock=lambda: TODAY)
    recorder(event("what is the weather?"))
    recorder.close()
    db = sqlite_utils.Database(log_path)
    assert db.table_names() == ["misses"]
    assert set(db["misses"].columns_dict) == {"date", "question", "outcome", "frontend"}


def test_rows_older_than_misses_days_are_deleted_at_start_and_daily(log_path: Path) -> None:
    day = [TODAY - dt.timedelta(days=100)]
    recorder = MissesLog(log_path, days=90, clock=lambda: day[0])
    recorder(event("asked 100 days ago"))
    day[0] = TODAY - dt.timedelta(days=90)
    recorder(event("asked 90 days ago"))
    day[0] = TODAY - dt.timedelta(days=5)
    recorder(event("asked 5 days ago"))  # a new day: the write prunes first
    assert [r["question"] for r in stored(log_path)] == ["asked 90 days ago", "asked 5 days ago"]
    recorder.close()
    reopened = MissesLog(log_path, days=30, clock=lambda: TODAY)
    assert reopened.open()  # at start
    assert [r["question"] for r in stored(log_path)] == ["asked 5 days ago"]
    reopened.close()


def test_the_observer_is_none_unless_misses_log_is_on(tmp_path: Path) -> None:
    assert misses_observer(Settings(data_dir=tmp_path)) is None
    observer = misses_observer(Settings(data_dir=tmp_path, misses_log=True, misses_days=7))
    assert isinstance(observer, MissesLog) and observer.days == 7
    assert observer.path == tmp_path / "misses.sqlite3" and observer.path.is_file()
    observer.close()


def miss(question: str, day: int = 1, outcome: str = "declined", frontend: str = "slash") -> Miss:
    return Miss(question, dt.date(2026, 11, day), outcome, frontend)


def test_similar_wordings_are_grouped_with_counts_most_frequent_first() -> None:
    found = group(
        [
            miss("Who won the Nobel prize?", 1),
            miss("who won the nobel prize", 2, "suggested", "mention"),
            miss("Who won the Nobel prize?", 3),
            miss("who won the nobel peace prize for the mine ban?", 4),
            miss("hello", 5),
            miss("hello is poland a party?", 6),  # one shared word is not the same question
            miss("Is Korea a party?", 7),
            miss("is north korea a party", 8, "suggested"),
            miss("Кто выиграл?", 9),
            miss("кто выиграл", 9),
        ]
    )
    assert [(g.count, g.example) for g in found] == [
        (4, "Who won the Nobel prize?"),
        (2, "Кто выиграл?"),
        (2, "is north korea a party"),
        (1, "hello is poland a party?"),
        (1, "hello"),
    ]
    nobel = found[0]
    assert nobel.outcomes == {"declined": 3, "suggested": 1}
    assert nobel.frontends == {"slash": 3, "mention": 1}
    assert (nobel.first_seen, nobel.last_seen) == (dt.date(2026, 11, 1), dt.date(2026, 11, 4))
    assert nobel.questions == (
        "Who won the Nobel prize?",
        "who won the nobel peace prize for the mine ban?",
        "who won the nobel prize",
    )


def test_a_group_keeps_at_most_five_wordings() -> None:
    [found] = group([miss(f"is the state number {n} a party") for n in range(8)])
    assert found.count == 8 and len(found.questions) == misses.VARIANTS


def fill(path: Path) -> None:
    recorder = MissesLog(path, clock=lambda: TODAY)
    for day, question, outcome in (
        (dt.date(2026, 10, 1), "who won the nobel prize?", "declined"),
        (dt.date(2026, 11, 2), "Who won the Nobel prize", "declined"),
        (dt.date(2026, 11, 3), "who won the nobel prize?", "suggested"),
        (dt.date(2026, 11, 4), "how many mines were destroyed?", "declined"),
    ):
        recorder.record(Miss(question, day, outcome, "slash"))
    recorder.close()


def test_cli_text_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    fill(tmp_path / misses.FILE_NAME)
    assert main(["misses"]) == 0
    out = capsys.readouterr().out
    assert "4 missed question(s) in the log, in 2 group(s)" in out
    table = out[out.index("count") :].splitlines()
    assert table[2].split()[:3] == ["3", "2026-11-03", "declined"]
    assert table[2].endswith("who won the nobel prize?")
    assert table[3].strip() == "~ Who won the Nobel prize"
    assert table[4].split()[:2] == ["1", "2026-11-04"]
    assert main(["misses", "--json", "--since", "2026-11-02"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "count": 2,
            "example": "who won the nobel prize?",  # as often as the other wording, and asked later
            "outcomes": {"declined": 1, "suggested": 1},
            "frontends": {"slash": 2},
            "first_seen": "2026-11-02",
            "last_seen": "2026-11-03",
            "questions": ["who won the nobel prize?", "Who won the Nobel prize"],
        },
        {
            "count": 1,
            "example": "how many mines were destroyed?",
            "outcomes": {"declined": 1},
            "frontends": {"slash": 1},
            "first_seen": "2026-11-04",
            "last_seen": "2026-11-04",
            "questions": ["how many mines were destroyed?"],
        },
    ]
    assert main(["misses", "--since", "2026-11-20"]) == 0
    assert "no missed questions since 2026-11-20" in capsys.readouterr().out


def test_cli_without_a_misses_log_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["misses"]) == 0
    assert capsys.readouterr().out.strip() == misses.NOTHING
    assert main(["misses", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and misses.NOTHING in captured.err
    assert not (tmp_path / misses.FILE_NAME).exists()  # reading never creates the log


def test_the_console_records_missed_questions_when_misses_log_is_on(built_db: Path, tmp_path: Path) -> None:
    lines = "is poland a party?\nwhat is the weather on mars?\n/ask who is zorblax?\n"
    for on in (False, True):
        settings = Settings(data_dir=tmp_path / str(on), misses_log=on)
        console.run_console(
            knowledge_dir=KNOWLEDGE,
            database=built_db,
            stdin=io.StringIO(lines),
            stdout=io.StringIO(),
            settings=settings,
        )
        found = read_misses(tmp_path / str(on) / misses.FILE_NAME)
        if not on:
            assert found is None
            continue
        assert found is not None
        assert [(m.question, m.frontend) for m in found] == [
            ("what is the weather on mars?", "console"),
            ("who is zorblax?", "console"),
        ]


def test_a_log_that_cannot_be_written_never_breaks_an_answer(
    built_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / misses.FILE_NAME).mkdir()  # the log's path is a directory
    recorder = MissesLog(tmp_path / misses.FILE_NAME, clock=lambda: TODAY)
    with caplog.at_level(logging.WARNING, logger="bot.misses"):
        assert not recorder.open()
        assert not recorder.record(miss("what is the weather?"))
        recorder(event("what is the weather?"))
    assert len([r for r in caplog.records if r.name == "bot.misses"]) == 1  # logged once
    out = io.StringIO()
    settings = Settings(data_dir=tmp_path, misses_log=True)
    code = console.run_console(
        knowledge_dir=KNOWLEDGE,
        database=built_db,
        stdin=io.StringIO("what is the weather on mars?\nis poland a party?\n"),
        stdout=out,
        settings=settings,
    )
    assert code == 0 and "Poland" in out.getvalue()


def test_a_misses_log_that_cannot_be_read_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    (tmp_path / misses.FILE_NAME).write_bytes(b"not a database" * 100)
    assert main(["misses"]) == 1
    assert "cannot be read" in capsys.readouterr().err
    with pytest.raises(sqlite3.DatabaseError):
        read_misses(tmp_path / misses.FILE_NAME)
