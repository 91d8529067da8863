"""/parties and /withdrawals exports: CSV or JSON, each saying the date it is for and the facts' review date."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from support import discord_payloads as P
from support.cli import KNOWLEDGE
from test_discord_commands import harness, invoke

from bot.engine.status import count_states_parties
from bot.frontends import exports
from bot.frontends.replies import CommandReplies
from bot.service import FactStore

__all__ = ["harness"]
ON = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def replies(built_db: Path) -> CommandReplies:
    return CommandReplies(FactStore(knowledge_dir=KNOWLEDGE, database=built_db))


def test_parties_csv_carries_the_date_and_the_review_date(replies: CommandReplies) -> None:
    reply = replies.parties(as_of=ON)
    assert reply.attachment is not None
    name, data = reply.attachment
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    kb = replies.store.kb
    assert name == "states-parties-2026-11-27.csv"
    assert len(rows) == count_states_parties(kb.states.values(), ON)
    assert {r["as_of"] for r in rows} == {"2026-11-27"}
    assert {r["facts_reviewed"] for r in rows} == {kb.reviewed.isoformat()}
    assert list(rows[0])[:7] == list(exports.STATE_FIELDS[:7])


def test_parties_json_is_a_document_with_its_dates(replies: CommandReplies) -> None:
    name, data = replies.parties(as_of=ON, fmt="json").attachment or ("", b"")
    document = json.loads(data)
    kb = replies.store.kb
    assert name.endswith(".json")
    assert document["as_of"] == "2026-11-27" and document["facts_reviewed"] == kb.reviewed.isoformat()
    assert document["count"] == len(document["states"]) == count_states_parties(kb.states.values(), ON)
    assert {s["status"] for s in document["states"]} <= {"party", "withdrawal_pending"}
    assert set(document["states"][0]) == set(exports.STATE_FIELDS)


def test_withdrawals_export_lists_the_states_that_gave_notice(replies: CommandReplies) -> None:
    assert replies.withdrawals(as_of=ON).attachment is None  # only when a format is asked for
    name, data = replies.withdrawals(as_of=ON, fmt="csv").attachment or ("", b"")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    kb = replies.store.kb
    expected = {s.iso3 for s in kb.states.values() if s.withdrawal_notified and s.withdrawal_notified <= ON}
    assert name == "withdrawals-2026-11-27.csv" and {r["iso3"] for r in rows} == expected
    earlier = replies.withdrawals(as_of=dt.date(2025, 1, 1), fmt="json").attachment or ("", b"")
    assert json.loads(earlier[1])["states"] == []


def test_an_unknown_format_is_refused(replies: CommandReplies) -> None:
    with pytest.raises(exports.ExportFormatError):
        replies.parties(as_of=ON, fmt="xlsx")


async def test_the_format_option_attaches_json_in_discord(harness) -> None:
    fmt = P.option("format", "json")
    await invoke(harness, P.command("parties", P.option("as_of", "2026-11-27"), fmt))
    [attached] = [f for s in harness["sent"] for f in s.files]
    assert attached.filename == "states-parties-2026-11-27.json"
    assert json.loads(attached.fp.getvalue())["as_of"] == "2026-11-27"
    await invoke(harness, P.command("withdrawals", fmt))
    names = [f.filename for s in harness["sent"] for f in s.files]
    assert names[-1] == "withdrawals-2026-11-27.json"


async def test_without_attach_files_the_reply_comes_without_its_file(harness) -> None:
    from test_discord_commands import embed_of, last_message

    no_files = str(((1 << 53) - 1) & ~(1 << 15))
    await invoke(harness, P.command("parties", app_permissions=no_files))
    assert not [f for s in harness["sent"] for f in s.files]
    assert "may not attach files" in embed_of(last_message(harness))["description"]
