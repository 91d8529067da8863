"""Lists of states as CSV or JSON files, each saying the date it is for and when the facts were reviewed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from bot.engine.status import status_on
from bot.facts.records import KnowledgeBase, State

FORMATS = ("csv", "json")
Row = dict[str, Any]


class ExportFormatError(ValueError):
    """A format other than CSV or JSON."""


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def state_row(state: State, on: dt.date) -> Row:
    """One state's status on ``on`` and its dates, with the field names of ``states --json``."""
    return {
        "iso3": state.iso3,
        "name": state.name,
        "status": status_on(state, on),
        "consent_method": state.consent_method,
        "consent_deposited": _iso(state.consent_deposited),
        "entry_into_force": _iso(state.entry_into_force),
        "withdrawal_effective": _iso(state.withdrawal_effective),
        "signed": _iso(state.signed),
        "withdrawal_notified": _iso(state.withdrawal_notified),
    }


# The columns of a state row, in the order of the first CSV export; later columns are appended.
STATE_FIELDS = (
    "iso3",
    "name",
    "status",
    "consent_method",
    "consent_deposited",
    "entry_into_force",
    "withdrawal_effective",
    "signed",
    "withdrawal_notified",
)


def _rows(kb: KnowledgeBase, on: dt.date, keep: Callable[[State], bool]) -> list[Row]:
    return [state_row(s, on) for s in sorted(kb.states.values(), key=lambda s: s.name) if keep(s)]


def all_states(kb: KnowledgeBase, on: dt.date) -> list[Row]:
    """Every state."""
    return _rows(kb, on, lambda s: True)


def states_parties(kb: KnowledgeBase, on: dt.date) -> list[Row]:
    """The States Parties on ``on`` (a withdrawing state is one until its withdrawal takes effect)."""
    return _rows(kb, on, lambda s: status_on(s, on) in ("party", "withdrawal_pending"))


def withdrawals(kb: KnowledgeBase, on: dt.date) -> list[Row]:
    """The states that had given notice of withdrawal by ``on``."""
    return _rows(kb, on, lambda s: s.withdrawal_notified is not None and s.withdrawal_notified <= on)


def _stamp(kb: KnowledgeBase, on: dt.date) -> Row:
    return {"as_of": on.isoformat(), "facts_reviewed": kb.reviewed.isoformat()}


def to_csv(rows: Iterable[Row], *, kb: KnowledgeBase, on: dt.date) -> bytes:
    """CSV with a header; every row also carries ``as_of`` and ``facts_reviewed``."""
    stamp = _stamp(kb, on)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*STATE_FIELDS, *stamp], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in {**row, **stamp}.items()})
    return buffer.getvalue().encode("utf-8")


def to_json(rows: Iterable[Row], *, kb: KnowledgeBase, on: dt.date, kind: str) -> bytes:
    """``{"kind", "as_of", "facts_reviewed", "depositary_as_at", "count", "states": [...]}``."""
    listed = list(rows)
    document = {
        "kind": kind,
        **_stamp(kb, on),
        "depositary_as_at": _iso(kb.depositary_as_at),
        "count": len(listed),
        "states": listed,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def export(rows: list[Row], *, kb: KnowledgeBase, on: dt.date, kind: str, fmt: str) -> tuple[str, bytes]:
    """``(file name, bytes)`` of ``rows`` in ``fmt`` (csv or json)."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ExportFormatError(f"{fmt!r} is not an export format: choose csv or json")
    name = f"{kind}-{on.isoformat()}.{fmt}"
    if fmt == "csv":
        return name, to_csv(rows, kb=kb, on=on)
    return name, to_json(rows, kb=kb, on=on, kind=kind)
