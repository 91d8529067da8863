"""Follow-up questions: what a short question leaves out is taken from the conversation so far.

"what about sweden?" asks the last question again about Sweden; "and in 2024?" asks it again for
2024; "when did they join?" asks about the states last talked about. A question that names its own
subject and asks its own thing starts afresh. A conversation is kept per user and channel (or per
console session) for ``ttl`` seconds after its last question.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.engine.dates import mentions_now
from bot.engine.lexicon import lexicon
from bot.engine.question import Question, domestic_step
from bot.textnorm import fold

if TYPE_CHECKING:
    from bot.engine.answer import Answer
    from bot.engine.core import Engine

TTL_SECONDS = 600.0
TREATY_QUESTION = 0.55
MAX_CONVERSATIONS = 10_000
_LEX = lexicon()
_FOLLOW = _LEX.router_cues


@dataclass(frozen=True, slots=True)
class Turn:
    """The last question of a conversation that was answered, the one before it, and when it was asked."""

    question: Question
    at: float
    earlier: Question | None = None
    noted: frozenset[str] = frozenset()


def _subject_names(q: Question) -> list[str]:
    return [s.name for s in q.states] + [f"the {g.name}" for g in q.groups]


def _mention_texts(q: Question) -> list[str]:
    return [m.text for m in q.found.mentions if m.target.kind in ("state", "group")]


def _replace_subject(prev: Question, names: list[str]) -> str:
    """The previous question's text with its subject replaced by ``names``."""
    text = prev.text
    mentions = _mention_texts(prev)
    joined = " and ".join(names)
    for i, mention in enumerate(mentions):
        text = re.sub(re.escape(fold(mention)), joined if i == 0 else "", text, count=1)
    return re.sub(r"\s+(and|or|,)\s+(?=[?.!]?$)", " ", text).strip()


def _without_date_phrase(q: Question) -> str:
    """The question's text with its date phrase taken out."""
    if q.when.span is None:
        return q.text
    return q.text[: q.when.span[0]] + " " + q.text[q.when.span[1] :]


def _date_phrase(q: Question) -> str:
    return (q.text[q.when.span[0] : q.when.span[1]] if q.when.span else q.when.label).strip()


def _replace_date(prev: Question, q: Question) -> str:
    """The previous question's text with its date replaced by the new question's date phrase."""
    return f"{_without_date_phrase(prev).rstrip(' ?.!')} {_date_phrase(q)}"


def _with_subject(q: Question, names: list[str]) -> str:
    """The question with its pronoun ("they", "it", "which one") replaced by the previous subject."""
    joined = " and ".join(names)
    which = "which of " + joined if len(names) > 1 else joined
    text = _FOLLOW["which_one"].sub(which, q.text, count=1)
    if text == q.text:
        text = _FOLLOW["pronoun"].sub(joined, q.text, count=1)
    return text


def _only_ellipsis(q: Question) -> bool:
    """Nothing but a subject, a date and words like "and", "what about", "how about"."""
    skip = q.found.covered() | q.date_tokens
    rest = [t for i, t in enumerate(q.found.tokens) if i not in skip]
    text = " ".join(rest)
    filler = _LEX.words["follow_up_fillers"]
    return all(t in filler for t in rest) or bool(_FOLLOW["ellipsis"].fullmatch(text))


_STEP_WORDS = (("withdrawal", "left"), ("signed", "signed"), ("joined", "ratified"))


def _step_word(*questions: Question) -> str:
    """The step the earlier questions asked about ("ratified", "left", "signed"), for "which was first"."""
    for question in questions:
        for cue, word in _STEP_WORDS:
            if question.has(cue):
                return word
    return "ratified"


def _carries_subject(q: Question) -> bool:
    """A question about one state's record that names no state or date: "what was the vote in parliament"."""
    asks_about_a_state = q.has("status", "signed", "joined", "withdrawal", "timeline")
    return (
        asks_about_a_state
        and not q.when.explicit
        and not q.has("how_many", "strong_list", "procedural", "list")
    )


def rewrite(q: Question, prev: Question | None, earlier: Question | None = None) -> tuple[str, str] | None:
    """The text to ask instead of ``q`` given the previous questions, and a note of what was carried."""
    if prev is None:
        return None
    own_subject = bool(q.states or q.groups)
    if own_subject and _only_ellipsis(q) and (prev.states or prev.groups):
        return _new_subject(q, prev)
    if own_subject:
        return None
    return _carried_subject(q, prev, earlier)


def _new_subject(q: Question, prev: Question) -> tuple[str, str]:
    """The previous question asked again about ``q``'s subject ("what about Sweden?"), and date if given."""
    names = _subject_names(q)
    if q.when.explicit:
        undated = _without_date_phrase(prev)
        text = _replace_subject(replace(prev, text=undated), names)
        text = f"{text.rstrip(' ?.!')} {_date_phrase(q)}"
    else:
        text = _replace_subject(prev, names)
    carried = prev.when.label if prev.when.explicit and not q.when.explicit else ""
    return text, ", ".join(names) + (f", as of {carried}" if carried else "")


def _compared(q: Question, prev: Question, earlier: Question | None) -> tuple[str, str] | None:
    """ "which one was first" after two questions about one state each: compare the two on the same step."""
    comparing = _FOLLOW["which_one"].search(q.norm) or q.has("comparative")
    if not comparing or len(prev.states) != 1 or earlier is None or not earlier.states:
        return None
    names = list(dict.fromkeys([*_subject_names(earlier), *_subject_names(prev)]))
    if len(names) < 2:
        return None
    step = "" if q.has("joined", "signed", "withdrawal") else _step_word(prev, earlier)
    if _FOLLOW["which_one"].search(q.norm):
        return f"{_with_subject(q, names).rstrip(' ?.!')} {step}", ", ".join(names)
    return f"{q.text.rstrip(' ?.!')} {step} ({' and '.join(names)})", ", ".join(names)


def _redated(q: Question, prev: Question) -> tuple[str, str] | None:
    """ "and in 2024?", "and now?": the previous question for another date."""
    names = _subject_names(prev)
    if q.when.explicit and _only_ellipsis(q):
        return _replace_date(prev, q), ", ".join([*names, f"as of {q.when.label}"])
    if prev.when.explicit and _only_ellipsis(q) and mentions_now(q.text):
        return _without_date_phrase(prev), ", ".join([*names, "as of today"])
    return None


def _carried_subject(q: Question, prev: Question, earlier: Question | None) -> tuple[str, str] | None:
    """A question naming no subject: the previous question for a new date, or ``q`` about its subject."""
    names = _subject_names(prev)
    redated = _redated(q, prev)
    if redated is not None or not names:
        return redated
    compared = _compared(q, prev, earlier)
    if compared is not None:
        return compared
    about = f"{q.text.rstrip(' ?.!')} ({' and '.join(names)})", ", ".join(names)
    if domestic_step(q) and not q.has("how_many", "strong_list", "procedural"):
        return about  # "who signed the law?"
    if q.fact_score >= TREATY_QUESTION or (q.when.is_period and q.has("happenings")):
        return None  # "what does it say about stockpiles", "what happened in 2025": not about the state
    if _FOLLOW["pronoun"].search(q.norm) or _FOLLOW["which_one"].search(q.norm):
        return _with_subject(q, names), ", ".join(names)
    return about if _carries_subject(q) else None


class Conversations:
    """Conversations by key (user and channel), each forgotten ``ttl`` seconds after its last question."""

    def __init__(
        self,
        *,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        limit: int = MAX_CONVERSATIONS,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.limit = limit
        self._turns: OrderedDict[Hashable, Turn] = OrderedDict()

    def last(self, key: Hashable) -> Turn | None:
        """The last turn under ``key``, unless it has expired."""
        turn = self._turns.get(key)
        if turn is None or self.clock() - turn.at > self.ttl:
            self._turns.pop(key, None)
            return None
        return turn

    def ask(self, engine: Engine, key: Hashable, text: str, *, as_of: dt.date | None = None) -> Answer:
        """Answer ``text`` as the next question of the conversation under ``key``."""
        turn = self.last(key)
        previous = turn.question if turn else None
        noted = turn.noted if turn else frozenset()
        answer, question = engine.follow_up(
            text, previous=previous, earlier=turn.earlier if turn else None, as_of=as_of, noted=noted
        )
        if question is not None and answer.matched:
            shown = noted | {code for code in answer.states if "Note:" in answer.text}
            self._turns[key] = Turn(question, self.clock(), earlier=previous, noted=frozenset(shown))
            self._turns.move_to_end(key)
            while len(self._turns) > self.limit:
                self._turns.popitem(last=False)
        return answer
