"""The change list of a reload: what differs between two fact bases, in a fixed order."""

from __future__ import annotations

import dataclasses
import datetime as dt

from support.cli import KNOWLEDGE

from bot.facts.validate import load
from bot.service import diff_knowledge


def test_no_changes() -> None:
    assert diff_knowledge(load(KNOWLEDGE), load(KNOWLEDGE)) == []


def test_changes_are_listed_by_kind() -> None:
    old, new = load(KNOWLEDGE), load(KNOWLEDGE)
    new.states["FRA"] = dataclasses.replace(new.states["FRA"], note="edited", signed=dt.date(1997, 12, 4))
    removed_state = new.states.pop("DEU")
    first, second = new.events[0], new.events[1]
    new.events = [dataclasses.replace(first, snippet="edited"), *new.events[2:]]
    new.events.append(dataclasses.replace(second, id="zz-new-event"))
    new.facts["nobel"] = dataclasses.replace(new.facts["nobel"], answer="edited")
    new.facts["zz-new-fact"] = new.facts["nobel"]
    new.sources["zz-new-source"] = next(iter(new.sources.values()))
    new.aliases = new.aliases[1:]
    assert diff_knowledge(old, new) == [
        "France: signed, note changed",
        f"state removed: {removed_state.name}",
        "event added: zz-new-event",
        f"event removed: {second.id}",
        f"event changed: {first.id}",
        "fact changed: nobel",
        "fact added: zz-new-fact",
        "source added: zz-new-source",
        "aliases changed",
    ]
