"""Query: a structured request from a slash command, answered without parsing English."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.engine.intents import Intent


@dataclass(frozen=True, slots=True)
class Query:
    """What to answer: an intent, the states (ISO alpha-3) it is about, the date, and an article."""

    intent: Intent
    states: tuple[str, ...] = ()
    date: dt.date | None = None
    article: int | None = None
    today: dt.date | None = None
