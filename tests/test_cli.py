"""The command line, run as users run it: ``python -m bot ...``."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from support.cli import KNOWLEDGE, run_cli


def run(
    *args: str, db: Path, stdin: str | None = None, knowledge: Path = KNOWLEDGE
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, db=db, stdin=stdin, knowledge=knowledge)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "facts.sqlite3"


def test_states_json_on_the_review_date(db: Path) -> None:
    result = run("states", "--as-of", "2026-11-27", "--json", db=db)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 197
    assert Counter(r["status"] for r in rows) == {"party": 161, "withdrawn": 5, "non_party": 31}
    poland = next(r for r in rows if r["iso3"] == "POL")
    assert poland == {
        "iso3": "POL",
        "name": "Poland",
        "status": "withdrawn",
        "signed": "1997-12-04",
        "consent_deposited": "2012-12-27",
        "consent_method": "ratification",
        "entry_into_force": "2013-06-01",
        "withdrawal_notified": "2025-08-20",
        "withdrawal_effective": "2026-02-20",
    }
    usa = next(r for r in rows if r["iso3"] == "USA")
    assert usa["signed"] is None and usa["status"] == "non_party"


def test_states_text_table_has_counts(db: Path) -> None:
    result = run("states", "--as-of", "2025-09-15", db=db)
    assert result.returncode == 0
    assert "withdrawal_pending           5" in result.stdout
    assert "States Parties (party + withdrawal_pending): 165" in result.stdout


def test_ask_json_contract(db: Path) -> None:
    result = run("ask", "has Finland left?", "--json", "--as-of", "2026-11-27", db=db)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {"answer", "matched", "states", "citations", "confidence", "suggestions"} <= set(answer)
    assert answer["matched"] is True
    assert answer["states"] == ["FIN"]
    assert "10 January 2026" in answer["answer"]
    assert all({"title", "url", "date"} <= set(c) for c in answer["citations"])
    assert answer["citations"][0]["url"].startswith("https://treaties.un.org/")


def test_ask_text_shows_numbered_sources(db: Path) -> None:
    result = run("ask", "Is Poland a party?", "--as-of", "2025-09-15", db=db)
    assert result.returncode == 0
    assert "will take effect on 20 February 2026" in result.stdout
    assert "Sources:\n[1] Status of treaties" in result.stdout


def test_ask_reads_questions_from_stdin_in_order(db: Path) -> None:
    questions = "Is Tonga a party?\n\nwhat is the capital of France\nHow many states parties are there?\n"
    result = run("ask", "-", "--json", "--as-of", "2025-09-15", db=db, stdin=questions)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["states"] == ["TON"] and "not yet bound" in lines[0]["answer"]
    assert lines[1]["matched"] is False
    assert lines[2]["matched"] is False
    assert "165" in lines[3]["answer"]


@pytest.mark.parametrize("command", ["check", "build", "states", "ask", "console", "run", "sync"])
def test_help_for_every_command(command: str, db: Path) -> None:
    result = run(command, "--help", db=db)
    assert result.returncode == 0
    assert "usage: python -m bot" in result.stdout


def test_check_reports_problems_and_fails(knowledge_copy: Path, db: Path) -> None:
    path = knowledge_copy / "states.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("FRA,France,", "DEU,France,"), encoding="utf-8")
    result = run("check", db=db, knowledge=knowledge_copy)
    assert result.returncode == 1
    assert f"{path.name}:" in result.stderr and "duplicate ISO code 'DEU'" in result.stderr


def test_check_passes_on_the_real_files(db: Path) -> None:
    result = run("check", db=db)
    assert result.returncode == 0
    assert result.stdout.startswith("OK: 197 states")


def test_bad_date_argument_is_a_clear_error(db: Path) -> None:
    result = run("states", "--as-of", "27/11/2026", db=db)
    assert result.returncode == 2
    assert "is not a date in YYYY-MM-DD form" in result.stderr


def test_ask_conversation_reads_one_conversation_from_stdin(db: Path) -> None:
    stdin = "is finland a party\nand in 2024?\nwhat about sweden?\nwhen did they join\n"
    result = run("ask", "-", "--conversation", "--json", "--as-of", "2026-11-27", db=db, stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["states"] for a in lines] == [["FIN"], ["FIN"], ["SWE"], ["SWE"]]
    assert lines[1]["date"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert "(Finland, as of 2024)" in lines[1]["answer"]
    assert lines[3]["intent"] == "joined" and "1 May 1999" in lines[3]["answer"]
    alone = run(
        "ask", "-", "--json", "--as-of", "2026-11-27", db=db, stdin="is finland a party\nand in 2024?\n"
    )
    assert "FIN" not in json.loads(alone.stdout.splitlines()[1])["states"]


def test_conversation_needs_stdin(db: Path) -> None:
    result = run("ask", "is finland a party", "--conversation", db=db)
    assert result.returncode == 2 and "standard input" in result.stderr


def test_routes_lists_the_table_in_order(db: Path) -> None:
    result = run("routes", db=db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[1] == "instruction"
    assert lines[-1].split()[1] == "decline"
    assert any("states.state_question" in line for line in lines)


def test_evaluate_reports_wrong_answers_apart_from_declines(db: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n"
        '- {q: "is canada a party", section: status, states: [CAN], has: ["State Party"]}\n'
        '- {q: "is canada a party", section: status, states: [USA]}\n'
        '- {q: "best shawarma in ottawa", section: status, states: [CAN]}\n',
        encoding="utf-8",
    )
    result = run("evaluate", str(questions), "--failures", db=db)
    assert result.returncode == 0, result.stderr
    status = next(line for line in result.stdout.splitlines() if line.strip().startswith("status"))
    assert status.split()[1:] == ["1/3", "33.3", "1", "1"]
    assert "[wrong] 'is canada a party'" in result.stdout
    assert "[declined] 'best shawarma in ottawa'" in result.stdout


@pytest.mark.parametrize("command", [["ask", "is poland a party"], ["states"], ["console"]])
def test_as_of_outside_the_calendar_the_bot_answers_for_is_refused(db: Path, command: list[str]) -> None:
    result = run(*command, "--as-of", "2300-01-01", db=db, stdin="")
    assert result.returncode == 2
    assert "2300-01-01 is outside the dates I answer for, 1997-01-01 to 2100-12-31" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_commands_refuse_a_date_outside_the_calendar(db: Path) -> None:
    result = run("console", db=db, stdin="/status poland 1900-01-01\n/parties 2101-01-01\n")
    assert result.returncode == 0, result.stderr
    assert "1900-01-01 is outside the dates I answer for" in result.stdout
    assert "2101-01-01 is outside the dates I answer for" in result.stdout


def test_states_csv_carries_the_date_and_the_review_date(db: Path) -> None:
    import csv
    import io

    result = run("states", "--as-of", "2026-01-01", "--csv", db=db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 197 and {r["as_of"] for r in rows} == {"2026-01-01"}
    finland = next(r for r in rows if r["iso3"] == "FIN")
    assert finland["status"] == "withdrawal_pending" and finland["withdrawal_effective"] == "2026-01-10"
    assert len({r["facts_reviewed"] for r in rows}) == 1


def test_a_reader_that_stops_early_ends_the_command_quietly(db: Path) -> None:
    """``python -m bot states | head -1``: the pipe closes before the output is written."""
    import os
    import sys

    run("check", db=db)  # build first, so the command below only writes
    read, write = os.pipe()
    os.close(read)  # no reader: the first write meets a closed pipe
    env = {**os.environ, "DATABASE_PATH": str(db), "KNOWLEDGE_DIR": str(KNOWLEDGE), "DISCORD_TOKEN": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "states"], stdout=write, stderr=subprocess.PIPE, env=env, timeout=120
    )
    os.close(write)
    assert "Traceback" not in result.stderr.decode() and "BrokenPipe" not in result.stderr.decode()
    assert result.returncode == 1
