"""What a question wants to know: every intent id, and the cues and example phrasings that signal them.

The cues and exemplars are data (``lexicon/intents.yaml``). Questions are scored after the states,
groups and dates in them are replaced by the placeholders ``X``, ``G`` and ``D``, so one exemplar
covers every state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.engine.lexicon import lexicon
from bot.textnorm import sorted_words


class Intent(StrEnum):
    """Every answer the engine can give, declines included; ``ask --json`` reports it as ``intent``."""

    STATUS = "status"
    SIGNED = "signed"
    JOINED = "joined"
    WITHDRAWAL = "withdrawal"
    TIMELINE = "timeline"
    COMPARE = "compare"
    LIST_WITHDRAWN = "list_withdrawn"
    LIST_NEVER_JOINED = "list_never_joined"
    LIST_SIGNATORIES = "list_signatories"
    LIST_PARTIES = "list_parties"
    LIST_PENDING = "list_pending"
    RECENT = "recent_joiners"
    NTH = "nth_to_join"
    FIRST_SIGNATURES = "first_signatures"
    COUNT = "count"
    BY_METHOD = "by_method"
    JOINED_IN_PERIOD = "joined_in_period"
    EVENTS_IN_PERIOD = "events_in_period"
    GROUP = "group"
    GROUP_MEMBERSHIP = "group_membership"
    FACT = "treaty_fact"
    EVENT = "event"
    HELP = "help"
    SOURCES = "sources"
    SMALL_TALK = "small_talk"
    DECLINE = "decline"
    INSTRUCTION = "instruction"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_A_STATE = "not_a_state"
    AMBIGUOUS = "ambiguous"
    UNKNOWN_GROUP = "unknown_group"
    NOT_A_DATE = "not_a_date"


STATUS = Intent.STATUS
SIGNED = Intent.SIGNED
JOINED = Intent.JOINED
WITHDRAWAL = Intent.WITHDRAWAL
TIMELINE = Intent.TIMELINE
LIST_WITHDRAWN = Intent.LIST_WITHDRAWN
LIST_NEVER_JOINED = Intent.LIST_NEVER_JOINED
LIST_SIGNATORIES = Intent.LIST_SIGNATORIES
LIST_PARTIES = Intent.LIST_PARTIES
RECENT = Intent.RECENT
NTH = Intent.NTH
COUNT = Intent.COUNT
GROUP = Intent.GROUP
FACT = Intent.FACT

_LEX = lexicon()
CUES: dict[str, re.Pattern[str]] = _LEX.state_cues
WHEN = _LEX.cues["when"]
HOW_MANY = _LEX.cues["how_many"]
LIST = _LEX.cues["list"]
NEVER = _LEX.cues["never"]
RECENT_CUE = _LEX.cues["recent"]
TREATY_WORDS = _LEX.cues["treaty_words"]
ORDINAL_WORDS = _LEX.ordinals
ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b|\b(" + "|".join(ORDINAL_WORDS) + r")\b")
EXEMPLARS = _LEX.exemplars


@dataclass(frozen=True, slots=True)
class IntentScore:
    intent: str
    score: float
    cue: bool


_EXEMPLAR_KEYS = [(intent, text) for intent, texts in EXEMPLARS.items() for text in texts]
_EXEMPLAR_TEXTS = [text for _, text in _EXEMPLAR_KEYS]
# token_sort_ratio is ratio over sorted words: sort the exemplars' words once, not on every question.
_EXEMPLAR_SORTED = [sorted_words(text) for text in _EXEMPLAR_TEXTS]


def score_state_intents(templated: str) -> list[IntentScore]:
    """Score the per-state intents for a question whose states are replaced by ``X``."""
    best: dict[str, float] = {}
    for _, score, index in process.extract(
        sorted_words(templated), _EXEMPLAR_SORTED, scorer=fuzz.ratio, limit=len(_EXEMPLAR_SORTED)
    ):
        intent = _EXEMPLAR_KEYS[index][0]
        best[intent] = max(best.get(intent, 0.0), score / 100)
    # Cues outweigh phrasing; the weights make TIMELINE and WITHDRAWAL more specific than STATUS.
    scores = []
    for intent, weight in _LEX.state_weights.items():
        cue = bool(CUES[intent].search(templated))
        scores.append(IntentScore(intent, (weight if cue else 0.0) + 0.3 * best.get(intent, 0.0), cue))
    return sorted(scores, key=lambda s: s.score, reverse=True)


def ordinal(text: str) -> int | None:
    """The ordinal a question names ("40th", "first", "last"), or None."""
    match = ORDINAL.search(text)
    if not match:
        return None
    if match.group(1):
        return int(match.group(1))
    return ORDINAL_WORDS[match.group(2)]
