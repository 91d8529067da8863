"""Write an N-times synthetic copy of ``knowledge/`` for scale benchmarks."""

from __future__ import annotations

import csv
import itertools
import shutil
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _codes() -> list[str]:
    return ["".join(c) for c in itertools.product(string.ascii_uppercase, repeat=3)]


def write_synthetic(target: Path, *, factor: int = 20, source: Path = ROOT / "knowledge") -> Path:
    """Copy ``source`` to ``target`` with every state, alias and event repeated ``factor`` times."""
    shutil.copytree(source, target)
    with (source / "states.csv").open(newline="", encoding="utf-8") as handle:
        states = list(csv.DictReader(handle))
    taken = {s["iso3"] for s in states}
    free = (c for c in _codes() if c not in taken)
    clones: dict[str, list[tuple[str, str]]] = {}
    rows = list(states)
    for copy in range(1, factor):
        for state in states:
            code = next(free)
            name = f"{state['name']} {_suffix(copy)}"
            clones.setdefault(state["iso3"], []).append((code, name))
            rows.append({**state, "iso3": code, "name": name})
    _write(target / "states.csv", rows)
    with (source / "aliases.csv").open(newline="", encoding="utf-8") as handle:
        aliases = list(csv.DictReader(handle))
    alias_rows = list(aliases)
    for alias in aliases:
        if alias["kind"] in ("ambiguous", "name"):
            continue
        for (code, _), copy in zip(clones.get(alias["iso3"], []), range(1, factor), strict=False):
            alias_rows.append({**alias, "alias": f"{alias['alias']} {_suffix(copy)}", "iso3": code})
    _write(target / "aliases.csv", alias_rows)
    with (source / "events.csv").open(newline="", encoding="utf-8") as handle:
        events = list(csv.DictReader(handle))
    event_rows = list(events)
    for copy in range(1, factor):
        for event in events:
            code = event["iso3"]
            if code:
                code = clones[code][copy - 1][0]
            event_rows.append({**event, "id": f"{event['id']}-x{copy}", "iso3": code})
    _write(target / "events.csv", event_rows)
    return target


def _suffix(copy: int) -> str:
    letters = string.ascii_lowercase
    return "Nova" + letters[copy % 26] + letters[(copy // 26) % 26]


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
