"""Text normalisation shared by the alias index, the question parser and validation."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`´]")
_POSSESSIVE = re.compile(r"'s\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_FOLD = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ł": "l", "Ł": "l", "đ": "d", "ı": "i"}
)


def clean(text: str) -> str:
    """Remove control and invisible characters and collapse whitespace, keeping case and punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case and strip diacritics (``Côte`` becomes ``cote``)."""
    return _strip_marks(clean(text).translate(_FOLD)).lower()


def normalize(text: str) -> str:
    """Fold case and diacritics, drop possessives and apostrophes, and keep only words and digits."""
    text = _APOSTROPHES.sub("'", fold(text))
    text = _POSSESSIVE.sub("", text).replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return normalize(text).split()


def case_tokens(text: str) -> list[str]:
    """The words of ``text`` with their case kept; ``[t.lower() for t in case_tokens(x)] == tokens(x)``."""
    text = unicodedata.normalize("NFKC", text)
    text = _strip_marks(_INVISIBLE.sub("", text).translate(_FOLD))
    text = _APOSTROPHES.sub("'", text)
    text = re.sub(r"'[sS]\b", "", text).replace("'", "")
    return [t for t in re.split(r"[^A-Za-z0-9]+", text) if t]


def sorted_words(text: str) -> str:
    """The words of ``text`` in sorted order, as rapidfuzz's token_sort_ratio compares them."""
    return " ".join(sorted(text.split()))
