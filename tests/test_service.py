"""The fact store in service: audited reloads whatever happens, orphan clean-up, awkward paths."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from support.cli import run_cli

from bot.facts.database import build
from bot.frontends.replies import CommandReplies
from bot.service import FactStore


def store_for(knowledge: Path, tmp_path: Path) -> FactStore:
    return FactStore(knowledge_dir=knowledge, database=tmp_path / "facts.sqlite3")


async def test_a_reload_of_an_undecodable_file_is_refused_and_audited(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    store = store_for(knowledge_copy, tmp_path)
    before = store.kb.content_hash
    (knowledge_copy / "facts.yaml").write_bytes(b"- id: x\n  title: caf\xe9\n")
    result = await store.reload(user_id="1", user_name="curator")
    assert not result.ok
    assert "facts.yaml:2: not valid UTF-8" in result.summary()
    assert store.kb.content_hash == before
    last = store.audit.last()
    assert last is not None and last["ok"] == 0 and "not valid UTF-8" in str(last["detail"])


async def test_a_reload_that_crashes_is_still_audited(
    knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_for(knowledge_copy, tmp_path)

    def crash() -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_rebuild", crash)
    with pytest.raises(RuntimeError):
        await store.reload(user_id="1", user_name="curator")
    last = store.audit.last()
    assert last is not None and last["ok"] == 0 and last["user_name"] == "curator"


async def test_an_unwritable_audit_log_does_not_undo_a_reload(knowledge_copy: Path, tmp_path: Path) -> None:
    store = store_for(knowledge_copy, tmp_path)
    path = knowledge_copy / "facts.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("in equal shares", "jointly (edited)"), encoding="utf-8"
    )
    store.audit.path.unlink()
    store.audit.path.mkdir()  # sqlite cannot open a directory, whoever runs the test
    result = await store.reload(user_id="1", user_name="curator")
    assert result.ok and not result.audited
    assert "Reloaded in" in result.summary() and "audit log could not be written" in result.summary()
    assert any("jointly (edited)" in f.answer for f in store.kb.facts.values())
    about = CommandReplies(store).about().body
    assert "audit log unavailable" in about and "Ottawa Treaty Bot" in about


def test_orphans_of_a_killed_build_are_swept_at_start(knowledge_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.sqlite3"
    build(knowledge_copy, db)
    old = time.time() - 3600
    orphans = [tmp_path / ".facts.sqlite3.abc123.tmp", tmp_path / ".facts.sqlite3.abc123.tmp-journal"]
    fresh = tmp_path / ".facts.sqlite3.def456.tmp"  # a build in another process, still running
    for path in [*orphans, fresh]:
        path.write_bytes(b"partial")
    for path in orphans:
        os.utime(path, (old, old))
    FactStore(knowledge_dir=knowledge_copy, database=db)
    assert [p.exists() for p in orphans] == [False, False]
    assert fresh.exists() and db.exists()


def test_a_start_with_broken_files_serves_the_last_good_build(knowledge_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.sqlite3"
    build(knowledge_copy, db)
    path = knowledge_copy / "states.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("FRA,France,", "DEU,France,"), encoding="utf-8")
    store = FactStore(knowledge_dir=knowledge_copy, database=db)
    assert any("duplicate ISO code 'DEU'" in p for p in store.start_problems)
    assert "FRA" in store.kb.states


@pytest.mark.parametrize("name", ["facts#1.sqlite3", "what?.sqlite3", "100%.sqlite3"])
def test_a_database_path_with_uri_characters(tmp_path: Path, name: str) -> None:
    db = tmp_path / name
    result = run_cli("ask", "is poland a party?", "--as-of", "2026-11-27", db=db)
    assert result.returncode == 0, result.stderr
    assert "Poland" in result.stdout
    again = run_cli("states", "--json", db=db)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_ask_from_stdin_survives_invalid_utf8_under_strict_encoding(tmp_path: Path) -> None:
    import subprocess
    import sys

    from support.cli import KNOWLEDGE, ROOT

    lines = b"is poland a party?\nis caf\xe9 \xff a party?\nhas finland left?\n"
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8:strict",
        "DATABASE_PATH": str(tmp_path / "db.sqlite3"),
        "KNOWLEDGE_DIR": str(KNOWLEDGE),
        "DISCORD_TOKEN": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "-", "--json", "--as-of", "2026-11-27"],
        input=lines,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    answers = result.stdout.decode().splitlines()
    assert len(answers) == 3 and "Finland" in answers[2]
    assert b"Traceback" not in result.stderr


def test_run_with_broken_files_and_no_build_lists_the_problems(knowledge_copy: Path, tmp_path: Path) -> None:
    """``run`` with broken files and no earlier build lists the problems and stops, without a traceback."""
    (knowledge_copy / "places.csv").unlink()
    (knowledge_copy / "places.csv").symlink_to("/etc/hostname")
    env = {"DISCORD_TOKEN": "x" * 59, "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"}
    result = run_cli("run", db=tmp_path / "db.sqlite3", knowledge=knowledge_copy, env=env)
    assert result.returncode == 1
    assert "places.csv:0: is a symbolic link" in result.stderr and "Traceback" not in result.stderr


def test_console_reload_of_a_broken_file_reports_and_goes_on(knowledge_copy: Path, tmp_path: Path) -> None:
    from bot.frontends.console import handle

    replies = CommandReplies(store_for(knowledge_copy, tmp_path))
    (knowledge_copy / "groups.yaml").unlink()
    (knowledge_copy / "groups.yaml").mkdir()
    text = handle("/reload", replies)
    assert "Reload failed" in text and "groups.yaml:0: is a directory, not a file" in text
    assert "State Party" in handle("is france a party?", replies)


async def test_a_reload_in_one_process_reaches_the_others_through_the_stamp(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    import asyncio

    first, second = store_for(knowledge_copy, tmp_path), store_for(knowledge_copy, tmp_path)
    path = knowledge_copy / "facts.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("in equal shares", "jointly (edited)"), encoding="utf-8"
    )
    follower = asyncio.create_task(second.follow_reloads(every=0.05))
    try:
        result = await first.reload(user_id="1", user_name="curator")
        assert result.ok and first.read_stamp()["content_hash"] == result.hash_after
        for _ in range(100):  # the swap, then its audit row
            last = second.audit.last()
            if last is not None and last["user_name"] == "reload in another process":
                break
            await asyncio.sleep(0.02)
    finally:
        follower.cancel()
    assert second.kb.content_hash == result.hash_after
    assert any("jointly (edited)" in f.answer for f in second.kb.facts.values())
    with second.audit._db() as db:
        rows = list(db.table("reloads").rows_where(order_by="id"))
    assert [r["user_name"] for r in rows] == ["curator", "reload in another process"]
    assert rows[1]["hash_after"] == result.hash_after and rows[1]["user_id"].startswith("process ")


async def test_a_stamp_for_the_facts_in_service_changes_nothing(knowledge_copy: Path, tmp_path: Path) -> None:
    store = store_for(knowledge_copy, tmp_path)
    assert await store.follow_stamp() is False  # no stamp yet
    store.stamp_path.write_text(json.dumps({"content_hash": store.kb.content_hash}), encoding="utf-8")
    assert await store.follow_stamp() is False
    store.stamp_path.write_text("not json", encoding="utf-8")
    assert await store.follow_stamp() is False
    assert store.audit.last() is None


async def test_an_old_stamp_costs_no_rebuild(
    knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stamp from before a restart that rebuilt newer facts: the poll sees the database already in service."""
    store = store_for(knowledge_copy, tmp_path)
    store.stamp_path.write_text(json.dumps({"content_hash": "0" * 64}), encoding="utf-8")
    loads: list[Path] = []
    monkeypatch.setattr("bot.service.read_knowledge", lambda path: loads.append(path))
    assert await store.follow_stamp() is False
    assert loads == []


def test_a_rebuild_at_start_leaves_a_stamp(knowledge_copy: Path, tmp_path: Path) -> None:
    store = store_for(knowledge_copy, tmp_path)
    assert store.read_stamp()["content_hash"] == store.kb.content_hash
