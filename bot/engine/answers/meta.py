"""Meta questions and small talk: help, where the facts come from, greetings and thanks."""

from __future__ import annotations

from bot.engine.answer import Answer, matched
from bot.engine.citations import citation
from bot.engine.dates import format_date
from bot.engine.index import FactIndex
from bot.engine.lexicon import lexicon
from bot.engine.question import Question

_LEX = lexicon()
_TALK = {kind: frozenset(str(words).split()) for kind, words in _LEX.small_talk.items()}
_ALL_TALK = frozenset().union(*_TALK.values()) if _TALK else frozenset()
_MEANT = _ALL_TALK - _TALK.get("filler", frozenset())
MAX_TALK_WORDS = 8


SHORT = 12


def _short_and_general(q: Question) -> bool:
    """A short question that names no state, group or date and matches no treaty fact well."""
    return (
        not q.states
        and not q.groups
        and not q.when.explicit
        and len(q.found.tokens) <= SHORT
        and q.fact_score < 0.6
        and q.article is None
    )


def is_help(q: Question) -> bool:
    """ "help", "what can you do", "what commands are there", "how do i use this"."""
    if q.states or q.groups:
        return False
    return q.has("help") or (q.has("help_words") and _short_and_general(q) and not q.has("how_many"))


def is_sources(q: Question) -> bool:
    """ "sources?", "where do you get your info", "how up to date is this"."""
    if q.states or q.groups:
        return False
    return q.has("sources_meta") or (q.has("sources_words") and _short_and_general(q))


def is_small_talk(q: Question) -> bool:
    """Every word is a greeting, thanks, praise or laughter, and nothing else is asked."""
    words = q.norm.split()
    if not words or len(words) > MAX_TALK_WORDS:
        return False
    return any(w in _MEANT for w in words) and all(w in _ALL_TALK for w in words)


def help_answer(ix: FactIndex, q: Question) -> Answer:
    """What the bot can do: its commands and three example questions."""
    lines = [
        "I answer questions about the Ottawa Mine Ban Convention from cited sources. Commands:",
        *(f"• `/{name}`: {desc}" for name, desc in _LEX.commands),
        "Or just ask, for example: “Is Finland still a party?”, “How many States Parties were there on "
        "christmas 2025?”, “Which NATO members never joined?”",
    ]
    return matched("\n".join(lines), [], [], 0.95, "help")


def sources_answer(ix: FactIndex, q: Question) -> Answer:
    """Where the facts come from: the sources by tier, the depositary record first, and the review date."""
    kb = ix.kb
    ordered = sorted(
        kb.sources.values(), key=lambda s: (s.id != kb.depositary_source, s.id != kb.treaty_source)
    )
    lines = [
        f"My facts were last checked against the depositary record on {format_date(kb.reviewed)}. "
        f"They come from {len(kb.sources)} sources; the main ones:"
    ]
    lines += [f"• {s.title} ({s.publisher})" for s in ordered[:4]]
    lines.append("Every answer cites the sources behind it; `/about` shows the version of the facts.")
    cites = [citation(ix, s.id, snippet="One of the sources behind my answers.") for s in ordered[:2]]
    return matched("\n".join(lines), [], cites, 0.95, "sources")


def small_talk(ix: FactIndex, q: Question) -> Answer:
    """One short friendly line."""
    words = set(q.norm.split())
    if words & _TALK.get("thanks", frozenset()):
        text = "You're welcome! Ask me anything about the Mine Ban Convention."
    elif words & _TALK.get("complaint", frozenset()):
        text = (
            "Sorry about that. If an answer was wrong, ask again with the state and the date, or check the "
            "sources it cites."
        )
    elif words & _TALK.get("greeting", frozenset()):
        text = "Hi! Ask me about the Mine Ban Convention, e.g. “Is Poland still a party?” (or type `help`)."
    elif words & _TALK.get("bye", frozenset()):
        text = "Bye!"
    elif words & _TALK.get("laugh", frozenset()):
        text = "😄"
    else:
        text = "Thank you! Happy to help."
    return matched(text, [], [], 0.9, "small_talk")


def emoji_reply() -> Answer:
    """A reaction with no words (👍, 🙏): one short line back."""
    return matched("🙂", [], [], 0.9, "small_talk")
