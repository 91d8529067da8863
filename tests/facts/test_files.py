"""Knowledge files that cannot be read as expected: each is a ``file:line: message``, never a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from support.cli import run_cli

from bot.facts import files
from bot.facts.database import build, read_knowledge
from bot.facts.validate import content_hash, validate


def problems(knowledge: Path) -> list[str]:
    return validate(knowledge).problems


def test_invalid_utf8_is_reported_with_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "events.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4] + b" caf\xe9"
    path.write_bytes(b"\n".join(lines))
    found = problems(knowledge_copy)
    assert any(p.startswith("events.csv:5: not valid UTF-8") for p in found), found


def test_a_byte_order_mark_is_not_a_problem(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert problems(knowledge_copy) == []


def test_a_directory_in_place_of_a_file(knowledge_copy: Path) -> None:
    (knowledge_copy / "places.csv").unlink()
    (knowledge_copy / "places.csv").mkdir()
    assert "places.csv:0: is a directory, not a file" in problems(knowledge_copy)


def test_a_symlink_is_refused_and_its_target_never_shown(knowledge_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (knowledge_copy / "aliases.csv").unlink()
    (knowledge_copy / "aliases.csv").symlink_to(secret)
    found = problems(knowledge_copy)
    assert "aliases.csv:0: is a symbolic link; knowledge files must be regular files" in found
    assert not any("root:x" in p for p in found)


def test_a_pipe_is_refused_without_waiting(knowledge_copy: Path) -> None:
    (knowledge_copy / "places.csv").unlink()
    os.mkfifo(knowledge_copy / "places.csv")
    assert "places.csv:0: is not a regular file" in problems(knowledge_copy)


def test_an_unreadable_file(knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path: os.PathLike[str] | str, flags: int, *args: object) -> int:
        if str(path).endswith("groups.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(files.os, "open", refuse)
    found = problems(knowledge_copy)
    assert "groups.yaml:0: cannot read: Permission denied" in found
    assert content_hash(knowledge_copy)  # the staleness check never raises


def test_messages_name_files_relative_to_the_folder(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("FRA,France,", "DEU,France,"), encoding="utf-8")
    found = problems(knowledge_copy)
    assert found and not any(str(knowledge_copy) in p for p in found)


def test_an_unknown_header_is_quoted_to_40_characters(knowledge_copy: Path) -> None:
    path = knowledge_copy / "places.csv"
    long_column = "x" * 200
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text(f"{header},{long_column}\n{rest}", encoding="utf-8")
    found = [p for p in problems(knowledge_copy) if "unknown column" in p]
    assert found == [f"places.csv:1: unknown column {'x' * 40 + '…'!r}"]


def test_the_hash_is_of_the_bytes_that_were_parsed(
    knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file edited while the build runs: the database's hash belongs to the facts it holds."""
    path = knowledge_copy / "facts.yaml"
    original = path.read_text(encoding="utf-8")
    real_read = files.read_bytes

    def read_then_edit(target: Path) -> bytes:
        data = real_read(target)
        if target.name == "facts.yaml":  # a curator saves the file just after the build read it
            path.write_text(original.replace("in equal shares", "jointly (edited)"), encoding="utf-8")
        return data

    monkeypatch.setattr("bot.facts.validate.read_bytes", read_then_edit)
    db = tmp_path / "facts.sqlite3"
    meta = build(knowledge_copy, db)
    kb = read_knowledge(db)
    assert all("jointly (edited)" not in f.answer for f in kb.facts.values())
    assert meta["content_hash"] != content_hash(knowledge_copy)  # so the next start rebuilds


def test_check_reports_bad_files_without_a_traceback(knowledge_copy: Path, tmp_path: Path) -> None:
    (knowledge_copy / "sources.csv").write_bytes(b"id,title\n\xff\xfe broken\n")
    (knowledge_copy / "places.csv").unlink()
    (knowledge_copy / "places.csv").mkdir()
    for command in ("check", "build", "states"):
        result = run_cli(command, db=tmp_path / "db.sqlite3", knowledge=knowledge_copy)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "sources.csv:2: not valid UTF-8" in result.stderr
        assert "places.csv:0: is a directory, not a file" in result.stderr
