"""Validation of the knowledge files: every rule has a fixture that breaks it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from support.cli import KNOWLEDGE

from bot.facts.validate import article17_entry_into_force, validate


def edit(path: Path, old: str, new: str, *, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def problems(knowledge: Path) -> list[str]:
    return validate(knowledge, today=dt.date(2026, 11, 27)).problems


def test_real_knowledge_is_valid() -> None:
    report = validate(KNOWLEDGE, today=dt.date(2026, 11, 27))
    assert report.problems == []
    kb = report.knowledge
    assert kb is not None
    assert len(kb.states) == 197
    assert all(s.sources for s in kb.states.values())
    assert all(e.sources for e in kb.events)
    assert all(f.sources for f in kb.facts.values())


def test_unknown_column(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "states.csv", "iso3,name,", "iso3,colour,name,")
    found = problems(knowledge_copy)
    assert any(p.endswith("states.csv:1: unknown column 'colour'") for p in found)


def test_missing_required_field(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    edit(path, "FRA,France,", "FRA,,")
    assert f"{path.name}:{line_of(path, 'FRA,,')}: missing required field 'name'" in problems(knowledge_copy)


def test_bad_date(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    edit(path, "1998-09-16,ratification,1999-03-01", "1998-02-30,ratification,1999-03-01")
    line = line_of(path, "1998-02-30")
    assert any(
        p.startswith(f"{path.name}:{line}: bad date in 'consent_deposited'") for p in problems(knowledge_copy)
    )


def test_consent_before_signature(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    edit(path, "POL,Poland,yes,1997-12-04,2012-12-27", "POL,Poland,yes,2013-01-04,2012-12-27")
    line = line_of(path, "POL,Poland")
    assert any(
        p.startswith(f"{path.name}:{line}: consent (2012-12-27) is before signature")
        for p in problems(knowledge_copy)
    )


def test_notice_not_before_effective(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    edit(path, "2025-08-20,2026-02-20", "2026-03-20,2026-02-20")
    line = line_of(path, "POL,Poland")
    assert any(
        p.startswith(f"{path.name}:{line}: withdrawal effective (2026-02-20) is not after notice")
        for p in problems(knowledge_copy)
    )


def test_entry_into_force_contradicting_article_17_needs_a_note(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    edit(path, "1998-06-29,ratification,1999-03-01", "1998-06-29,ratification,1999-04-01")
    line = line_of(path, "1999-04-01")
    assert any(
        "contradicts Article 17 (expected 1999-03-01)" in p and f":{line}:" in p
        for p in problems(knowledge_copy)
    )


def test_article_17_rule() -> None:
    assert article17_entry_into_force(dt.date(2025, 3, 12)) == dt.date(2025, 9, 1)
    assert article17_entry_into_force(dt.date(2025, 6, 25)) == dt.date(2025, 12, 1)
    assert article17_entry_into_force(dt.date(1998, 9, 16)) == dt.date(1999, 3, 1)
    assert article17_entry_into_force(dt.date(1997, 12, 3)) == dt.date(1999, 3, 1)


def test_duplicate_iso_code(knowledge_copy: Path) -> None:
    path = knowledge_copy / "states.csv"
    edit(path, "FRA,France,", "DEU,France,")
    assert any("duplicate ISO code 'DEU'" in p for p in problems(knowledge_copy))


def test_alias_claimed_by_two_states(knowledge_copy: Path) -> None:
    path = knowledge_copy / "aliases.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("Holland,BEL,common,\n")
    found = problems(knowledge_copy)
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert any(
        p.startswith(f"{path.name}:{line}: alias 'Holland' is claimed by BEL and by NLD") for p in found
    )


def test_unresolved_source(knowledge_copy: Path) -> None:
    path = knowledge_copy / "events.csv"
    edit(path, ",politico-europe-2025 kyiv-post-2025,", ",no-such-source,")
    assert any(
        "source 'no-such-source' does not resolve" in p and "events.csv:" in p
        for p in problems(knowledge_copy)
    )


def test_group_member_not_a_state(knowledge_copy: Path) -> None:
    path = knowledge_copy / "groups.yaml"
    edit(path, "members: [EST, LVA, LTU]", "members: [EST, LVA, LTU, XXX]")
    line = line_of(path, "- id: baltic")
    assert f"{path.name}:{line}: group 'baltic' member 'XXX' is not a state" in problems(knowledge_copy)


def test_unknown_and_missing_yaml_keys(knowledge_copy: Path) -> None:
    path = knowledge_copy / "facts.yaml"
    edit(path, "  - id: nobel\n    title:", "  - id: nobel\n    colour: red\n    title:")
    edit(path, "    answer: >-\n      The 1997 Nobel", "    answr: >-\n      The 1997 Nobel")
    found = problems(knowledge_copy)
    line = line_of(path, "- id: nobel")
    assert f"{path.name}:{line}: unknown key 'colour'" in found
    assert f"{path.name}:{line}: missing required key 'answer'" in found


def test_malformed_yaml_is_reported_with_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "groups.yaml"
    edit(path, "members: [EST, LVA, LTU]", "members: [EST, LVA, LTU")
    found = problems(knowledge_copy)
    assert any(re.match(rf"{re.escape(path.name)}:\d+: invalid YAML", p) for p in found)


def test_malformed_csv_row(knowledge_copy: Path) -> None:
    path = knowledge_copy / "sources.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("broken-row,only three,fields\n")
    assert any("expected 7 fields, found 3" in p for p in problems(knowledge_copy))


def test_all_problems_are_reported_at_once(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "states.csv", "FRA,France,", "DEU,France,")
    edit(knowledge_copy / "groups.yaml", "members: [EST, LVA, LTU]", "members: [EST, LVA, ZZZ]")
    edit(knowledge_copy / "sources.csv", "https://kyivpost.com/post/49150", "ftp://kyivpost")
    found = problems(knowledge_copy)
    assert len(found) >= 3
    assert {"states.csv", "groups.yaml", "sources.csv"} <= {Path(p.split(":")[0]).name for p in found}


def test_stale_review_date_warns_without_failing(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "knowledge.yaml", "reviewed: 2026-11-27", "reviewed: 2026-01-02")
    report = validate(knowledge_copy, today=dt.date(2026, 11, 27))
    assert report.problems == []
    assert report.knowledge is not None
    assert any("329 days ago" in w for w in report.warnings)


@pytest.mark.parametrize("missing", ["states.csv", "facts.yaml"])
def test_missing_file(knowledge_copy: Path, missing: str) -> None:
    (knowledge_copy / missing).unlink()
    assert any(p.endswith(f"{missing}:0: file is missing") for p in problems(knowledge_copy))


def test_a_source_without_a_date_is_an_error(knowledge_copy: Path) -> None:
    path = knowledge_copy / "sources.csv"
    edit(path, ",CNN,1997-10-10,", ",CNN,,")
    line = line_of(path, "cnn-1997,")
    assert (
        f"sources.csv:{line}: source 'cnn-1997' has no date (its publication or 'as at' date)"
        in "\n".join(problems(knowledge_copy))
    )


def test_two_sources_with_one_url_is_an_error(knowledge_copy: Path) -> None:
    path = knowledge_copy / "sources.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            "cnn-copy,Copy,CNN,1997-10-10,http://edition.cnn.com/WORLD/9710/10/nobel.peace/,2026-11-29,press\n"
        )
    assert any("source 'cnn-copy' has the same URL as 'cnn-1997'" in p for p in problems(knowledge_copy))


def test_an_unknown_tier_is_an_error(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "sources.csv", "2026-11-27,press\n", "2026-11-27,blog\n")
    assert any(
        "tier 'blog' is not one of depositary, official, monitor, press, other" in p
        for p in problems(knowledge_copy)
    )


def test_a_claim_resting_only_on_tier_other_is_a_warning(knowledge_copy: Path) -> None:
    path = knowledge_copy / "sources.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r",(depositary|official|monitor|press)$", ",other", text, flags=re.M), encoding="utf-8"
    )
    report = validate(knowledge_copy, today=dt.date(2026, 11, 27))
    assert report.problems == []
    line = line_of(knowledge_copy / "states.csv", "FRA,France,")
    assert f"states.csv:{line}: only sources of tier 'other' (untc-xxvi-5); find a better one" in "\n".join(
        report.warnings
    )


def test_support_names_only_the_facts_own_sources(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "facts.yaml", "      nobel-1997: The 1997", "      cnn-1997: The 1997")
    assert any("support names 'cnn-1997', not one of its sources" in p for p in problems(knowledge_copy))


def test_curator_notes_and_the_depositary_date_are_read() -> None:
    kb = validate(KNOWLEDGE, today=dt.date(2026, 11, 27)).knowledge
    assert kb is not None
    assert kb.depositary_as_at == dt.date(2026, 2, 3)
    assert "Matangi Tonga" in kb.states["TON"].curator_note
    assert "Matangi Tonga" not in kb.states["TON"].note
    assert all(s.tier for s in kb.sources.values())
    assert kb.sources["untc-xxvi-5"].tier == "depositary"
