"""The console: styled on a terminal, plain and echoing each question when piped; bad dates said in words."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from support.cli import KNOWLEDGE

from bot.frontends import console
from bot.frontends.replies import CommandReplies
from bot.frontends.terminal import Printer, plain, styled
from bot.service import FactStore


@pytest.fixture(scope="module")
def replies(built_db: Path) -> CommandReplies:
    return CommandReplies(FactStore(knowledge_dir=KNOWLEDGE, database=built_db))


def test_an_impossible_day_is_refused_not_read_as_today(replies: CommandReplies) -> None:
    text = console.handle("/status Poland 2026-02-30", replies)
    assert "2026-02-30 is not a date in YYYY-MM-DD form" in text
    assert "status on" not in text


def test_a_date_anywhere_in_the_arguments_is_used(replies: CommandReplies) -> None:
    assert "status on 15 September 2025" in console.handle("/status 2025-09-15 Poland", replies)


def test_piped_output_is_plain_and_echoes_each_question(built_db: Path) -> None:
    out = io.StringIO()
    lines = "is poland a party?\n/about\n"
    console.run_console(knowledge_dir=KNOWLEDGE, database=built_db, stdin=io.StringIO(lines), stdout=out)
    text = out.getvalue()
    assert text.index("> is poland a party?") < text.index("Poland") < text.index("> /about")
    assert "**" not in text and "\x1b[" not in text


def test_a_terminal_gets_bold_and_italics() -> None:
    rendered = styled("**Poland** is a party _(as of today)_.")
    assert rendered.plain == "Poland is a party (as of today)."
    assert {str(span.style) for span in rendered.spans} == {"bold", "italic"}

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    Printer(stream).show("**Poland** is a party.")
    assert "\x1b[1m" in stream.getvalue() and "**" not in stream.getvalue()


def test_plain_keeps_underscores_inside_words() -> None:
    assert plain("withdrawal_pending and **bold** and _it_") == "withdrawal_pending and bold and it"


def test_parties_and_withdrawals_write_the_format_asked_for(replies: CommandReplies, tmp_path: Path) -> None:
    text = console.handle("/parties 2026-11-27 json", replies, out_dir=tmp_path)
    assert (tmp_path / "states-parties-2026-11-27.json").exists() and "written to" in text
    console.handle("/withdrawals csv", replies, out_dir=tmp_path)
    assert any(p.name.startswith("withdrawals-") and p.suffix == ".csv" for p in tmp_path.iterdir())


def test_a_superscript_article_number_is_a_usage_line_not_a_crash(replies: CommandReplies) -> None:
    assert console.handle("/treaty ²", replies).startswith("Usage: /treaty")
