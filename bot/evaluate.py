"""Question sets: load them, ask every question (with its conversation), and judge the answers.

A question set is a YAML file with a ``questions`` list. Each entry has ``q`` and optionally:
``intent`` or ``section`` (the group it is reported under), ``states`` (the exact ISO codes the
answer is about), ``include`` (codes that must be among them), ``has`` and ``lacks`` (text the
answer must and must not contain), ``matched`` (false when the right reply is a decline),
``before`` (earlier messages of the same conversation) and ``as_of`` (the day it is asked on).

A verdict is ``ok``, ``declined`` (an answer was expected and none was given) or ``wrong``
(a confident answer that is not right, or an answer where a decline was expected).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.engine.core import UNCITED_INTENTS

DEFAULT_AS_OF = dt.date(2026, 11, 27)

SUBSET_INTENTS = frozenset(
    {
        "list_withdrawn",
        "list_never_joined",
        "list_signatories",
        "recent_joiners",
        "nth_to_join",
        "count",
        "group",
        "events_in_period",
    }
)

Asker = Callable[[str, dt.date, Sequence[str]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Case:
    q: str
    intent: str
    states: tuple[str, ...] | None
    has: tuple[str, ...]
    matched: bool
    as_of: dt.date
    include: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    before: tuple[str, ...] = ()


@dataclass
class Verdict:
    case: Case
    ok: bool
    problems: list[str] = field(default_factory=list)
    kind: str = "ok"


def _codes(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def load_cases(path: Path) -> list[Case]:
    """Every question in the set at ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for item in data["questions"]:
        states = _codes(item.get("states"))
        if states is None and "intent" in item:
            states = ()  # the main set: no states listed means none
        intent = str(item.get("intent") or item.get("section") or "other")
        cases.append(
            Case(
                q=str(item["q"]),
                intent=intent,
                states=states,
                has=tuple(str(h) for h in item.get("has") or ()),
                matched=bool(item.get("matched", True)),
                as_of=dt.date.fromisoformat(str(item["as_of"])) if item.get("as_of") else DEFAULT_AS_OF,
                include=_codes(item.get("include")) or (),
                lacks=tuple(str(h) for h in item.get("lacks") or ()),
                before=tuple(str(b) for b in item.get("before") or ()),
            )
        )
    return cases


def _text_problems(case: Case, answer: dict[str, Any]) -> list[str]:
    text = answer["answer"].lower()
    suggestions = [(s or "").lower() for s in (answer.get("suggestions") or [])]
    problems = []
    for needle in case.has:
        low = needle.lower()
        if low not in text and not any(low in s for s in suggestions):
            problems.append(f"answer lacks {needle!r}")
    problems.extend(f"answer has {needle!r}" for needle in case.lacks if needle.lower() in text)
    return problems


def _state_problems(case: Case, answer: dict[str, Any]) -> list[str]:
    got = set(answer["states"])
    problems = []
    if case.include and not set(case.include) <= got:
        problems.append(f"states {sorted(got)} do not include {sorted(case.include)}")
    if case.states is not None:
        want = set(case.states)
        if case.intent in SUBSET_INTENTS:
            if not want <= got:
                problems.append(f"states {sorted(got)} do not include {sorted(want)}")
        elif want != got:
            problems.append(f"states {sorted(got)}, expected {sorted(want)}")
    if not answer["citations"] and answer.get("intent") not in UNCITED_INTENTS:
        problems.append("no citations")
    elif not all(c.get("title") and c.get("url") and c.get("date") for c in answer["citations"]):
        problems.append("a citation lacks title, url or date")
    return problems


def judge(case: Case, answer: dict[str, Any]) -> Verdict:
    """Whether ``answer`` (the JSON form) is right for ``case``, and if not, how it is wrong."""
    problems = []
    if answer["matched"] != case.matched:
        problems.append(f"matched is {answer['matched']}, expected {case.matched}")
    problems.extend(_text_problems(case, answer))
    if case.matched and answer["matched"]:
        problems.extend(_state_problems(case, answer))
    if not problems:
        return Verdict(case, True)
    kind = "declined" if case.matched and not answer["matched"] else "wrong"
    return Verdict(case, False, problems, kind)


@dataclass
class Report:
    verdicts: list[Verdict]

    def counts(self) -> dict[str, Counter[str]]:
        """Per group: how many ``ok``, ``declined`` and ``wrong``, and the ``total``."""
        out: dict[str, Counter[str]] = {}
        for verdict in self.verdicts:
            counter = out.setdefault(verdict.case.intent, Counter())
            counter[verdict.kind] += 1
            counter["total"] += 1
        return out

    def lines(self) -> list[str]:
        """A table: accuracy per group, with confident-wrong answers apart from declines."""
        rows = [f"  {'group':<20} {'right':>9} {'%':>6} {'wrong':>6} {'declined':>9}"]
        totals: Counter[str] = Counter()
        for group, c in sorted(self.counts().items()):
            totals.update(c)
            rows.append(
                f"  {group:<20} {c['ok']:>4}/{c['total']:<4} {100 * c['ok'] / c['total']:6.1f} "
                f"{c['wrong']:>6} {c['declined']:>9}"
            )
        if totals["total"]:
            rows.append(
                f"  {'all':<20} {totals['ok']:>4}/{totals['total']:<4} {100 * totals['ok'] / totals['total']:6.1f} "
                f"{totals['wrong']:>6} {totals['declined']:>9}"
            )
        return rows


def evaluate(cases: Sequence[Case], ask: Asker) -> Report:
    """Ask every case (after its conversation so far) and judge the answers."""
    return Report([judge(case, ask(case.q, case.as_of, case.before)) for case in cases])
