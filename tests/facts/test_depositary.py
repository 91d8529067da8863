"""``python -m bot depositary PAGE``: the depositary's status page compared with the fact base."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from support.depositary_pages import EXCERPT, PAGES, browser_page

from bot.cli import main
from bot.facts.depositary import knowledge_counts, resolve_names
from bot.facts.validate import load

DATA = PAGES
TITLE = "Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel Mines and on their Destruction"
LAST_NOTE = "Isle of Man.<br><br></div>\n                                    </td>\n\t\t</tr>"
ZIMBABWE = (
    "<td>Zimbabwe<br></td>\n\t\t<td> &nbsp;3 Dec\t 1997 <br></td>\n\t\t<td>18 Jun\t 1998 <br></td>\n\t</tr>"
)
AUSTRIA = ">Austria</A><br></td>\n\t\t<td> &nbsp;3 Dec\t 1997 <br></td>\n\t\t<td>29 Jun\t 1998 <br></td>"
FRANCE_NOTE = (
    "On 5 January 2026, the Government of France deposited with the Secretary-General a notification of "
    "withdrawal (See depositary notification <a href='https://treaties.un.org/doc/Publication/CN/2026/"
    "CN.10.2026-Eng.pdf' target='_blank'>C.N.10.2026</a>.TREATIES-XXVI-5 of 7 January 2026). The withdrawal "
    "will take effect for France on 5 July 2026 in accordance with article 20 (3) of the Convention, "
    "subject to the condition set forth in the said paragraph."
)
AUSTRIA_NOTE = (
    "On 1 July 2025, the Government of Austria deposited with the Secretary-General a notification of "
    "withdrawal (See depositary notification <a href='#'>C.N.400.2025</a>.TREATIES-XXVI-5 of 4 July 2025). "
    "The withdrawal took effect for Austria on 1 January 2026 in accordance with article 20 (3) of the "
    "Convention."
)


def excerpt() -> str:
    return EXCERPT.read_text(encoding="utf-8")


def edit(html: str, old: str, new: str) -> str:
    """``html`` with the one occurrence of ``old`` replaced."""
    assert html.count(old) == 1, old
    return html.replace(old, new)


def add_participant(html: str, name: str, signature: str, consent: str) -> str:
    row = f'\n\t<tr class="trBWhite">\n\t\t<td>{name}<br></td>\n\t\t<td>{signature}</td>\n\t\t<td>{consent}<br></td>\n\t</tr>'
    return edit(html, ZIMBABWE, ZIMBABWE + row)


def add_note(html: str, name_cell: str, number: int, text: str) -> str:
    """A new end note, referred to from the participant cell ``name_cell`` (its text up to ``<br>``)."""
    sup = f" <SUP><A onclick='ShowNoteAll()' href='#{number}' class='noteIndex'>{number}</A> </SUP>"
    html = edit(html, name_cell + "<br></td>", name_cell + sup + "<br></td>")
    note = (
        f'<tr align="justify" valign="top"><td><div class="divNotesAll" style="text-align: justify">'
        f"<a name='{number}'>{number}</a><index></index>{text}<br><br></div></td></tr>"
    )
    return edit(html, LAST_NOTE, LAST_NOTE + note)


def withdrawals(html: str) -> str:
    """France's withdrawal notified and pending, Austria's in effect (its consent in square brackets)."""
    html = add_note(html, "<td>France", 13, FRANCE_NOTE)
    html = edit(html, AUSTRIA, AUSTRIA.replace("<td>29 Jun\t 1998 <br>", "<td>[29 Jun\t 1998 ]<br>"))
    return add_note(html, ">Austria</A>", 14, AUSTRIA_NOTE)


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    knowledge: Path,
    *args: str,
    stdin: bytes | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["--knowledge", str(knowledge), "depositary", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, knowledge_copy: Path, tmp_path: Path
) -> Any:
    """Run ``depositary`` on a page given as text, against a private copy of ``knowledge/``."""

    def go(html: str | Path, *flags: str) -> tuple[int, str, str]:
        page = html if isinstance(html, Path) else tmp_path / "page.html"
        if isinstance(html, str):
            page.write_text(html, encoding="utf-8")
        return run(capsys, monkeypatch, knowledge_copy, str(page), *flags)

    return go


def as_json(result: tuple[int, str, str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result[1])
    return data


def new_differences(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in data["differences"] if not d["known"]]


def test_the_real_page_agrees_with_the_fact_base(cli: Any) -> None:
    code, out, err = cli(EXCERPT)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Depositary status as at 2026-02-03 (UNTC chapter XXVI-5)"
    assert lines[1] == "  signatories: depositary 132, fact base 133"
    assert lines[2] == "  parties:     depositary 162, fact base 162"
    assert "square brackets: Lithuania" in lines[3]
    assert lines[-1] == "0 new difference(s), 0 known."


def test_the_json_report_has_the_promised_shape(cli: Any) -> None:
    code, out, _ = cli(add_participant(excerpt(), "Atlantis", "&nbsp;", "2 Feb\t 2026 a"), "--json")
    data = json.loads(out)
    assert code == 1
    assert set(data) == {"as_at", "counts", "differences"}
    assert data["as_at"] == "2026-02-03"
    assert data["counts"] == {
        "depositary": {"signatories": 132, "parties": 162},
        "knowledge": {"signatories": 133, "parties": 162},
    }
    assert data["differences"] == [
        {
            "iso3": None,
            "name": "Atlantis",
            "field": "name",
            "knowledge": None,
            "depositary": "Atlantis",
            "evidence": "the name resolves to no state",
            "known": False,
        }
    ]


def test_a_page_saved_from_a_browser_gives_the_same_result(cli: Any, tmp_path: Path) -> None:
    full_page = tmp_path / "saved.html"
    full_page.write_bytes(browser_page())
    assert b"<script" in full_page.read_bytes() and b"\r\n" in full_page.read_bytes()
    assert cli(full_page, "--json") == cli(EXCERPT, "--json")
    assert cli(full_page) == cli(EXCERPT)


def test_the_page_can_come_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, knowledge_copy: Path
) -> None:
    code, out, _ = run(capsys, monkeypatch, knowledge_copy, "-", "--json", stdin=browser_page())
    assert code == 0
    assert json.loads(out)["counts"]["depositary"] == {"signatories": 132, "parties": 162}


def test_whitespace_in_dates_does_not_matter(cli: Any) -> None:
    html = excerpt().replace("\t ", "&nbsp;\n  ").replace("<td> &nbsp;", "<td>\u00a0\u2009")
    data = as_json(cli(html, "--json"))
    assert data["differences"] == []


def test_a_moved_date_is_a_new_difference(cli: Any) -> None:
    html = edit(excerpt(), "<td>29 Feb\t 2000 <br></td>", "<td> &nbsp;1 Mar\t 2000 <br></td>")
    code, out, _ = cli(html, "--json")
    assert code == 1
    assert json.loads(out)["differences"] == [
        {
            "iso3": "ALB",
            "name": "Albania",
            "field": "consent_deposited",
            "knowledge": "2000-02-29",
            "depositary": "2000-03-01",
            "evidence": "participants table: 8 Sep 1998 | 1 Mar 2000",
            "known": False,
        }
    ]
    code, out, _ = cli(html)
    assert "NEW   ALB Albania: consent_deposited fact base 2000-02-29, depositary 2000-03-01" in out
    assert out.splitlines()[-1] == "1 new difference(s), 0 known."


def test_a_difference_the_note_documents_is_known(cli: Any) -> None:
    html = edit(excerpt(), "<td>16 Feb\t 2007 <br></td>", "<td>20 Feb\t 2007 <br></td>")
    code, out, _ = cli(html, "--json")
    (difference,) = json.loads(out)["differences"]
    assert (difference["iso3"], difference["field"], difference["known"]) == (
        "IDN",
        "consent_deposited",
        True,
    )
    assert code == 0


def test_a_note_explains_a_difference_only_on_a_medium_confidence_row(cli: Any) -> None:
    html = edit(excerpt(), "<td>16 Sep\t 1998 <br></td>", "<td>17 Sep\t 1998 <br></td>")
    code, out, _ = cli(html, "--json")
    (difference,) = json.loads(out)["differences"]
    assert (difference["iso3"], difference["field"], difference["known"]) == (
        "BFA",
        "consent_deposited",
        False,
    )
    assert code == 1


def test_a_page_silent_on_a_date_after_its_own_is_no_difference(cli: Any) -> None:
    future = " The withdrawal will take effect for Poland on 20 February 2026"
    past = " The withdrawal took effect for Estonia on 27 December 2025"
    html = excerpt()
    assert cli(edit(html, future, " Nothing more."), "--json")[0] == 0
    code, out, _ = cli(edit(html, past, " Nothing more."), "--json")
    assert code == 1
    assert [
        (d["iso3"], d["field"], d["knowledge"], d["depositary"]) for d in json.loads(out)["differences"]
    ] == [("EST", "withdrawal_effective", "2025-12-27", None)]


def test_a_new_participant(cli: Any) -> None:
    html = add_participant(excerpt(), "United States of America", "&nbsp;", " &nbsp;2 Feb\t 2026 a")
    code, out, _ = cli(html, "--json")
    assert code == 1
    assert [
        (d["iso3"], d["field"], d["knowledge"], d["depositary"]) for d in new_differences(json.loads(out))
    ] == [
        ("USA", "consent_deposited", None, "2026-02-02"),
        ("USA", "consent_method", None, "accession"),
    ]


def test_withdrawal_notes_pending_and_in_effect(cli: Any) -> None:
    code, out, _ = cli(withdrawals(excerpt()), "--json")
    assert code == 1
    found = {(d["iso3"], d["field"]): d for d in json.loads(out)["differences"]}
    assert sorted(found) == [
        ("AUT", "withdrawal_effective"),
        ("AUT", "withdrawal_notified"),
        ("FRA", "withdrawal_effective"),
        ("FRA", "withdrawal_notified"),
    ]
    assert found["FRA", "withdrawal_notified"]["depositary"] == "2026-01-05"
    pending = found["FRA", "withdrawal_effective"]
    assert pending["depositary"] == "2026-07-05" and pending["knowledge"] is None
    assert pending["evidence"].startswith("The withdrawal will take effect for France on 5 July 2026")
    assert pending["evidence"].endswith("(C.N.10.2026)")
    assert found["AUT", "withdrawal_effective"]["depositary"] == "2026-01-01"
    assert "took effect for Austria" in found["AUT", "withdrawal_effective"]["evidence"]


def test_square_brackets_must_match_the_withdrawal(cli: Any) -> None:
    html = edit(excerpt(), "<td>[12 May\t 2004 a]<br></td>", "<td>12 May\t 2004 a<br></td>")
    html = edit(html, AUSTRIA, AUSTRIA.replace("<td>29 Jun\t 1998 <br>", "<td>[29 Jun\t 1998 ]<br>"))
    code, out, _ = cli(html, "--json")
    found = {d["iso3"]: d for d in json.loads(out)["differences"]}
    assert code == 1 and sorted(found) == ["AUT", "EST"]
    assert found["EST"]["field"] == "withdrawal_effective"
    assert found["EST"]["evidence"].startswith("consent not in square brackets; The withdrawal took effect")
    assert found["AUT"]["evidence"] == "consent in square brackets; no end note on withdrawal"


def test_a_participant_missing_from_the_page(cli: Any) -> None:
    html = edit(excerpt(), ZIMBABWE, "<td>Zimbabwe (gone)<br></td><td></td><td>bad</td></tr>")
    assert cli(html)[0] == 2
    html = edit(excerpt(), ZIMBABWE, "<td></td><td></td><td></td></tr>")
    data = as_json(cli(html, "--json"))
    assert [(d["iso3"], d["field"], d["depositary"]) for d in data["differences"]] == [
        ("ZWE", "signed", None),
        ("ZWE", "consent_deposited", None),
        ("ZWE", "consent_method", None),
    ]
    assert data["differences"][0]["evidence"] == "not in the participants table"


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(
            lambda h: edit(edit(h, TITLE, "Convention on Cluster Munitions"), "5. ", "6. "), id="other treaty"
        ),
        pytest.param(lambda h: h[: h.index('id="participants"')], id="no participants table"),
        pytest.param(lambda h: h[: h.index("<td>Zimbabwe")], id="cut in the table"),
        pytest.param(lambda h: h[: h.index("<a name='5'>")], id="cut in the end notes"),
        pytest.param(lambda h: edit(h, "STATUS AS AT", "STATE AS OF"), id="no status date"),
        pytest.param(lambda h: "<html><body><p>Hello</p></body></html>", id="another page"),
    ],
)
def test_not_a_status_page_of_this_treaty(cli: Any, page: Any) -> None:
    code, out, err = cli(page(excerpt()))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_binary_and_missing_input(cli: Any, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 40)
    code, _, err = cli(garbage)
    assert code == 2 and err == f"error: {garbage}: the input is binary, not an HTML page\n"
    missing = tmp_path / "missing.html"
    code, _, err = cli(missing)
    assert code == 2 and err == f"error: {missing}: No such file or directory\n"


def test_depositary_names_resolve_through_the_fact_base(knowledge_copy: Path) -> None:
    names = {
        "Bolivia (Plurinational State of)": "BOL",
        "Netherlands (Kingdom of the)": "NLD",
        "Türkiye": "TUR",
        "Côte d'Ivoire": "CIV",
        "State of Palestine": "PSE",
        "Micronesia (Federated States of)": "FSM",
        "Iran (Islamic Republic of)": "IRN",
        "Venezuela (Bolivarian Republic of)": "VEN",
        "Bahamas (The)": "BHS",
        "Congo": "COG",
        "Democratic Republic of the Congo": "COD",
        "Atlantis": None,
    }
    assert resolve_names(names, load(knowledge_copy)) == names
    assert resolve_names(["Congo"], load(knowledge_copy)) == {"Congo": None}


def test_counts_follow_the_dates(knowledge_copy: Path) -> None:
    states = load(knowledge_copy).states.values()
    assert knowledge_counts(states, dt.date(2026, 2, 3)) == {"signatories": 133, "parties": 162}
    assert knowledge_counts(states, dt.date(2026, 2, 20)) == {"signatories": 133, "parties": 161}
    assert knowledge_counts(states, dt.date(2025, 12, 26)) == {"signatories": 133, "parties": 166}


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines(keepends=True)


def test_write_applies_the_new_differences(
    cli: Any, knowledge_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {name: _lines(knowledge_copy / name) for name in ("states.csv", "events.csv", "sources.csv")}
    html = withdrawals(excerpt())
    html = edit(html, "<td>29 Feb\t 2000 <br></td>", "<td> &nbsp;1 Mar\t 2000 <br></td>")
    html = add_participant(html, "United States of America", "&nbsp;", " &nbsp;2 Feb\t 2026 a")
    html = edit(html, "STATUS AS AT : 03-02-2026", "STATUS AS AT : 10-02-2026")
    code, _, err = cli(html, "--write")
    assert code == 0, err
    assert "wrote: FRA France: withdrawal_effective - -> 2026-07-05" in err

    states = _lines(knowledge_copy / "states.csv")
    changed = [line for line in states if line not in before["states.csv"]]
    assert len(states) == len(before["states.csv"]) and len(changed) == 4
    assert [line for line in before["states.csv"] if line in states] == [
        line for line in states if line not in changed
    ]
    kb = load(knowledge_copy)
    albania, austria, france, usa = (kb.states[c] for c in ("ALB", "AUT", "FRA", "USA"))
    assert (albania.consent_deposited, albania.entry_into_force) == (dt.date(2000, 3, 1), dt.date(2000, 9, 1))
    assert (usa.consent_deposited, usa.consent_method, usa.entry_into_force) == (
        dt.date(2026, 2, 2),
        "accession",
        dt.date(2026, 8, 1),
    )
    assert (france.withdrawal_notified, france.withdrawal_effective) == (
        dt.date(2026, 1, 5),
        dt.date(2026, 7, 5),
    )
    assert (austria.withdrawal_notified, austria.withdrawal_effective) == (
        dt.date(2025, 7, 1),
        dt.date(2026, 1, 1),
    )
    assert "untc-cn-10-2026" in france.sources and "untc-cn-400-2025" in austria.sources

    events = _lines(knowledge_copy / "events.csv")
    assert events[: len(before["events.csv"])] == before["events.csv"]
    added = {e.id: e for e in kb.events if e.id not in "".join(before["events.csv"])}
    assert sorted(added) == [
        "2025-07-01-aut-withdrawal-notified",
        "2026-01-01-aut-withdrawal-effective",
        "2026-01-05-fra-withdrawal-notified",
        "2026-07-05-fra-withdrawal-effective",
    ]
    pending = added["2026-07-05-fra-withdrawal-effective"]
    assert (pending.kind, pending.locator, pending.confidence, pending.sources) == (
        "withdrawal_effective",
        "C.N.10.2026",
        "high",
        ("untc-cn-10-2026",),
    )
    source = kb.sources["untc-cn-10-2026"]
    assert source.date == dt.date(2026, 1, 7)
    assert source.url == "https://treaties.un.org/doc/Publication/CN/2026/CN.10.2026-Eng.pdf"
    assert _lines(knowledge_copy / "sources.csv")[: len(before["sources.csv"])] == before["sources.csv"]
    header = before["sources.csv"][0]
    if "tier" in header.strip().split(","):
        assert _lines(knowledge_copy / "sources.csv")[-1].rstrip().endswith(",depositary")

    meta = (knowledge_copy / "knowledge.yaml").read_text(encoding="utf-8")
    assert "\ndepositary_as_at: 2026-02-10\n" in meta and "# The day these facts were last checked" in meta
    assert kb.depositary_as_at == dt.date(2026, 2, 10)

    assert main(["--knowledge", str(knowledge_copy), "check"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    code, out, _ = cli(html, "--json")
    assert code == 0 and new_differences(json.loads(out)) == []
    assert cli(html, "--write")[0] == 0
    assert _lines(knowledge_copy / "events.csv") == events


def test_write_refuses_an_older_page(cli: Any, knowledge_copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in knowledge_copy.iterdir()}
    html = edit(excerpt(), "STATUS AS AT : 03-02-2026", "STATUS AS AT : 15-01-2026")
    html = edit(html, "<td>29 Feb\t 2000 <br></td>", "<td> &nbsp;1 Mar\t 2000 <br></td>")
    code, _, err = cli(html, "--write")
    assert code == 1
    assert "older than depositary_as_at 2026-02-03" in err
    assert {p.name: p.read_bytes() for p in knowledge_copy.iterdir()} == before


def test_write_reports_conflicts_and_keeps_the_facts(cli: Any, knowledge_copy: Path) -> None:
    states = (knowledge_copy / "states.csv").read_bytes()
    html = add_participant(excerpt(), "Atlantis", "&nbsp;", "2 Feb\t 2026 a")
    html = edit(
        html,
        "will take effect for Poland on 20 February 2026",
        "will take effect for Poland on 21 February 2026",
    )
    code, out, err = cli(html, "--write")
    assert code == 1
    assert "NEW   POL Poland: withdrawal_effective fact base 2026-02-20, depositary 2026-02-21" in out
    assert "not written: ??? Atlantis: name: the name resolves to no state" in err
    assert "not written: POL Poland: withdrawal_effective: the fact base has a date later" in err
    assert (knowledge_copy / "states.csv").read_bytes() == states


def test_write_fills_the_tier_column_when_sources_have_one(cli: Any, knowledge_copy: Path) -> None:
    path = knowledge_copy / "sources.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if "tier" not in rows[0]:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([[*rows[0], "tier"], *([*r, ""] for r in rows[1:])])
        path.write_text(out.getvalue(), encoding="utf-8")
    code, _, err = cli(add_note(excerpt(), "<td>France", 13, FRANCE_NOTE), "--write")
    assert code == 0, err
    assert load(knowledge_copy).sources["untc-cn-10-2026"].tier == "depositary"
