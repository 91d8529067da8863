"""The engine's lexicon: intent cues, guards and word lists, loaded from the YAML files beside this module.

Regular expressions are compiled once, at load. ``check_lexicon`` reports every problem as
``file:line: message`` so ``python -m bot check`` can list them with the knowledge files' problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
FILES = ("intents.yaml", "guards.yaml", "words.yaml")


class LexiconError(Exception):
    """A lexicon file is malformed; ``problems`` lists ``file:line: message`` strings."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every word list and pattern the engine reads questions with."""

    state_cues: dict[str, re.Pattern[str]]
    state_weights: dict[str, float]
    cues: dict[str, re.Pattern[str]]
    router_cues: dict[str, re.Pattern[str]]
    topic_cues: dict[str, re.Pattern[str]]  # topics answered by the facts that declare them
    exemplars: dict[str, list[str]]
    other_treaties: tuple[tuple[re.Pattern[str], str], ...]
    unlisted_groups: tuple[tuple[re.Pattern[str], str], ...]
    guards: dict[str, re.Pattern[str]]
    words: dict[str, frozenset[str]]
    ordinals: dict[str, int]
    small_talk: dict[str, Any]
    commands: tuple[tuple[str, str], ...]
    synonyms: dict[str, frozenset[str]]
    fillers: frozenset[str]  # words with no meaning of their own: stopwords, neutral words, chat shorthand


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 0


class _Reader:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []
        self.texts: dict[str, str] = {}

    def load(self, name: str) -> dict[str, Any]:
        path = self.directory / name
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{name}:0: cannot read: {exc}")
            return {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.problems.append(f"{name}:{mark.line + 1 if mark else 0}: not valid YAML")
            return {}
        self.texts[name] = text
        if not isinstance(data, dict):
            self.problems.append(f"{name}:1: expected a mapping at the top level")
            return {}
        return data

    def patterns(self, name: str, data: dict[str, Any], key: str) -> dict[str, re.Pattern[str]]:
        out: dict[str, re.Pattern[str]] = {}
        section = data.get(key)
        if not isinstance(section, dict):
            self.problems.append(f"{name}:0: missing mapping {key!r}")
            return out
        for cue, pattern in section.items():
            out[str(cue)] = self.compile(name, str(cue), pattern)
        return out

    def named_patterns(
        self, name: str, data: dict[str, Any], key: str
    ) -> tuple[tuple[re.Pattern[str], str], ...]:
        """A list of ``{pattern, name}`` entries, compiled."""
        return tuple(
            (self.compile(name, str(item.get("name")), item.get("pattern")), str(item.get("name")))
            for item in data.get(key) or []
        )

    def compile(self, name: str, key: str, pattern: object) -> re.Pattern[str]:
        try:
            return re.compile(str(pattern))
        except re.error as exc:
            line = _line_of(self.texts.get(name, ""), f"{key}:")
            self.problems.append(f"{name}:{line}: {key}: bad regular expression: {exc}")
            return re.compile(r"(?!x)x")


def read_lexicon(directory: Path = HERE) -> tuple[Lexicon | None, list[str]]:
    """Load the lexicon from ``directory``; return it (or None) and the problems found."""
    reader = _Reader(directory)
    intents = reader.load("intents.yaml")
    guards = reader.load("guards.yaml")
    words = reader.load("words.yaml")
    word_lists = {str(k): frozenset(str(v).split()) for k, v in words.items() if isinstance(v, str)}
    lexicon = Lexicon(
        state_cues=reader.patterns("intents.yaml", intents, "state_cues"),
        state_weights={str(k): float(v) for k, v in (intents.get("state_weights") or {}).items()},
        cues=reader.patterns("intents.yaml", intents, "cues"),
        router_cues=reader.patterns("intents.yaml", intents, "router_cues"),
        topic_cues=reader.patterns("intents.yaml", intents, "topic_cues"),
        exemplars={str(k): [str(x) for x in v] for k, v in (intents.get("exemplars") or {}).items()},
        other_treaties=reader.named_patterns("guards.yaml", guards, "other_treaties"),
        unlisted_groups=reader.named_patterns("guards.yaml", guards, "groups_without_a_list"),
        guards=reader.patterns("guards.yaml", guards, "patterns"),
        words=word_lists,
        ordinals={str(k): int(v) for k, v in (words.get("ordinals") or {}).items()},
        small_talk=dict(words.get("small_talk") or {}),
        fillers=frozenset().union(
            *(word_lists.get(k, frozenset()) for k in ("stopwords", "neutral", "chat"))
        ),
        synonyms={str(k): frozenset(str(v).split()) for k, v in (words.get("synonyms") or {}).items()},
        commands=tuple((str(k), str(v)) for k, v in (words.get("commands") or {}).items()),
    )
    return (None if reader.problems else lexicon), reader.problems


def check_lexicon(directory: Path = HERE) -> list[str]:
    """Every problem in the lexicon files, as ``file:line: message``."""
    return read_lexicon(directory)[1]


@cache
def lexicon() -> Lexicon:
    """The engine's lexicon (loaded once)."""
    loaded, problems = read_lexicon()
    if loaded is None:
        raise LexiconError(problems)
    return loaded
