"""Load the engine's question set and judge answers against it (shared by tests and benchmarks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
DEFAULT_AS_OF = dt.date(2026, 11, 27)
SUBSET_INTENTS = {
    "list_withdrawn",
    "list_never_joined",
    "list_signatories",
    "recent_joiners",
    "nth_to_join",
    "count",
    "group",
    "events_in_period",
}


@dataclass(frozen=True)
class Case:
    q: str
    intent: str
    states: tuple[str, ...]
    has: tuple[str, ...]
    matched: bool
    as_of: dt.date


@dataclass
class Verdict:
    case: Case
    ok: bool
    problems: list[str] = field(default_factory=list)


def load_cases(path: Path = QUESTIONS_FILE) -> list[Case]:
    """Every question in the set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for item in data["questions"]:
        cases.append(
            Case(
                q=str(item["q"]),
                intent=str(item["intent"]),
                states=tuple(item.get("states") or ()),
                has=tuple(str(h) for h in item.get("has") or ()),
                matched=bool(item.get("matched", True)),
                as_of=dt.date.fromisoformat(str(item["as_of"])) if item.get("as_of") else DEFAULT_AS_OF,
            )
        )
    return cases


def judge(case: Case, answer: dict[str, Any]) -> Verdict:
    """Whether ``answer`` (the JSON form) is right for ``case``."""
    problems = []
    if answer["matched"] != case.matched:
        problems.append(f"matched is {answer['matched']}, expected {case.matched}")
    text = answer["answer"].lower()
    for needle in case.has:
        if needle.lower() not in text and not any(
            needle.lower() in (s or "").lower() for s in (answer.get("suggestions") or [])
        ):
            problems.append(f"answer lacks {needle!r}")
    if case.matched:
        got = set(answer["states"])
        want = set(case.states)
        if case.intent in SUBSET_INTENTS:
            if not want <= got:
                problems.append(f"states {sorted(got)} do not include {sorted(want)}")
        elif want != got:
            problems.append(f"states {sorted(got)}, expected {sorted(want)}")
        if not answer["citations"]:
            problems.append("no citations")
        elif not all(c.get("title") and c.get("url") and c.get("date") for c in answer["citations"]):
            problems.append("a citation lacks title, url or date")
    return Verdict(case, not problems, problems)
