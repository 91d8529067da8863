"""State names in other languages, generated from the ISO 3166-1 translations that pycountry ships.

pycountry carries gettext catalogues of every country's ISO name, official name and common name.
The alias index reads those of the languages listed in ``foreign_names.yaml`` (beside this module)
when it is built; nothing is written to the curated aliases. The data file also adds the short names
a catalogue lacks ("Россия") and drops the translations it gets wrong.

Names in a script that the text normalisation drops (Cyrillic, Arabic, Chinese) are found by
:class:`ScriptNames`, which scans the question itself: word by word, or anywhere in a run of Chinese
or Japanese characters, which have no spaces between words.
"""

from __future__ import annotations

import bisect
import functools
import gettext
import importlib.util
import json
import re
import sys
import unicodedata
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from bot.textnorm import case_tokens, normalize

DATA = Path(__file__).with_name("foreign_names.yaml")
CATALOGUE = "iso3166-1"
_FIELDS = ("name", "official_name", "common_name")
# "Lõuna-Korea (Korea Vabariik)", "刚果（布）": a name with another inside brackets.
_BRACKETED = re.compile(r"^(.*?)\s*[(（](.*?)[)）]\s*$")
# "Korea, Republik", "Mołdawia - Republika", "كوريا، جمهوريّة كوريا": a name written head first.
_INVERTED = re.compile(r"\s*(?:,|،| - )\s*")
_MAY_NEST = re.compile(r"[(（,،]| - ")
# Any character past the Latin alphabets (Greek, Cyrillic, Arabic, CJK, …), and the CJK ideographs,
# kana and hangul, which are written without spaces between words.
_OTHER_SCRIPT = re.compile(r"[\u0370-\u1dff\u1f00-\U0010ffff]")
_CHUNK = re.compile(r"\S+")
_NOT_ALNUM = re.compile(r"[\W_]+")
_CJK = re.compile(r"[\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class ForeignName(NamedTuple):
    """A state's name in another language, as the catalogue (or the data file) writes it, and how it is
    looked for: its normalised words, or (in a script the normalisation drops) its ``script_key``."""

    name: str
    iso3: str
    language: str
    words: tuple[str, ...] = ()
    key: str = ""
    shown: bool = True  # offered by autocomplete (not an elided form like "l'Allemagne")


@dataclass(frozen=True, slots=True)
class ForeignNameSettings:
    """What ``foreign_names.yaml`` says: the languages read, names to add and drop, Discord locales."""

    languages: tuple[str, ...]
    missing: dict[str, dict[str, tuple[str, ...]]]
    wrong: dict[str, dict[str, frozenset[str]]]
    elisions: dict[str, tuple[str, ...]]
    locales: dict[str, str]


def _by_language(section: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """``{language: {ISO3: [names]}}`` from the data file, as tuples."""
    return {
        str(language): {str(iso3): tuple(str(n) for n in names) for iso3, names in (codes or {}).items()}
        for language, codes in (section or {}).items()
    }


@functools.cache
def settings(path: Path = DATA) -> ForeignNameSettings:
    """The data file, read once."""
    data = (
        yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        or {}
    )
    wrong = _by_language(data.get("wrong"))
    return ForeignNameSettings(
        languages=tuple(str(data.get("languages") or "").split()),
        missing=_by_language(data.get("missing")),
        wrong={
            lang: {iso3: frozenset(names) for iso3, names in codes.items()} for lang, codes in wrong.items()
        },
        elisions={str(k): tuple(str(v).split()) for k, v in (data.get("elisions") or {}).items()},
        locales={str(k): str(v or "") for k, v in (data.get("locales") or {}).items()},
    )


@functools.cache
def pycountry_dir() -> Path | None:
    """pycountry's folder, found without importing the package (its import loads importlib.metadata,
    which costs more than reading the catalogues); None when it is not installed."""
    spec = importlib.util.find_spec("pycountry")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def locales_dir() -> Path | None:
    """pycountry's gettext catalogues (``pycountry.LOCALES_DIR``)."""
    folder = pycountry_dir()
    return folder / "locales" if folder else None


@functools.cache
def countries() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each ISO 3166-1 country's alpha-3 code and its English names: ISO name, official and common name."""
    folder = pycountry_dir()
    if folder is None:
        return ()
    data = json.loads((folder / "databases" / f"{CATALOGUE}.json").read_text(encoding="utf-8"))
    return tuple(
        (str(entry["alpha_3"]), tuple(str(entry[f]) for f in _FIELDS if entry.get(f)))
        for entry in data["3166-1"]
    )


def has_catalogue(language: str) -> bool:
    """Whether pycountry has a catalogue of country names for ``language``."""
    folder = locales_dir()
    return (
        bool(language)
        and folder is not None
        and (folder / language / "LC_MESSAGES" / f"{CATALOGUE}.mo").is_file()
    )


def name_forms(name: str) -> list[str]:
    """A translated name and the names inside it: "Korea, Republik" also gives "Korea" and "Republik Korea",
    "Lõuna-Korea (Korea Vabariik)" gives "Lõuna-Korea" and "Korea Vabariik". A bracketed description in
    lower case ("Palestyna (państwo)": "state") is not a name; nor is a head written again after the comma
    ("كوريا، جمهوريّة كوريا" gives "كوريا" and "جمهوريّة كوريا")."""
    if not _MAY_NEST.search(name):
        return [name]
    forms = [name]
    bracketed = _BRACKETED.match(name)
    if bracketed:
        name, inside = bracketed.group(1), bracketed.group(2)
        forms += [name] if inside[:1].islower() else [name, inside]
    parts = _INVERTED.split(name, maxsplit=1)
    if len(parts) == 2 and all(parts):
        head, rest = parts
        forms += [head, rest if head in rest else f"{rest} {head}"]
    return [f for f in dict.fromkeys(forms) if f.strip()]


def _elided(name: str, articles: tuple[str, ...]) -> list[str]:
    """French "l'Allemagne", "d'Ukraine": the name with each article elided before a vowel or h."""
    first = unicodedata.normalize("NFKD", name[:1]).lower()[:1]
    return [f"{article}'{name}" for article in articles] if first and first in "aeiouyh" else []


def _looked_for(forms: list[tuple[str, str, bool]], language: str) -> list[ForeignName]:
    """``(name, iso3, shown)`` as names, each with the words or the script key it is looked for by."""
    names: list[ForeignName] = []
    for name, iso3, shown in forms:
        if is_other_script(name):
            names.append(ForeignName(name, iso3, language, key=script_key(name), shown=shown))
        else:
            names.append(
                ForeignName(
                    name, iso3, language, words=tuple(map(sys.intern, normalize(name).split())), shown=shown
                )
            )
    return names


def _country_forms(
    iso3: str, english: tuple[str, ...], catalogue: gettext.NullTranslations, language: str
) -> list[tuple[str, str, bool]]:
    """``(name, iso3, shown)`` for one country: its translated names and the names inside them, the data
    file's missing names, less its wrong ones; then the elided forms, never shown."""
    conf = settings()
    translated = [catalogue.gettext(e) for e in english]
    forms = [f for t, e in zip(translated, english, strict=True) if t != e for f in name_forms(t)]
    forms += conf.missing.get(language, {}).get(iso3, ())
    bad = conf.wrong.get(language, {}).get(iso3, frozenset())
    out = [(f, iso3, True) for f in dict.fromkeys(forms) if f not in bad]
    articles = conf.elisions.get(language, ())
    if articles:  # "l'Ukraine" as well as "l'Allemagne": the names the language shares with English too
        every = dict.fromkeys([*forms, *(f for t in translated for f in name_forms(t))])
        out += [(e, iso3, False) for n in every if n not in bad for e in _elided(n, articles)]
    return out


@functools.cache
def catalogue_names(language: str) -> tuple[ForeignName, ...]:
    """Every name the catalogue of ``language`` gives a country, with the names inside inverted and
    bracketed ones and the elided forms, plus the data file's missing names, less its wrong ones."""
    folder = locales_dir()
    if not has_catalogue(language) or folder is None:
        return ()
    catalogue = gettext.translation(CATALOGUE, str(folder), languages=[language])
    forms = [
        form for iso3, english in countries() for form in _country_forms(iso3, english, catalogue, language)
    ]
    return tuple(_looked_for(forms, language))


def generated_names(languages: Iterable[str] | None = None) -> Iterator[ForeignName]:
    """The names of every language read (by default those the data file lists)."""
    for language in settings().languages if languages is None else languages:
        yield from catalogue_names(language)


def catalogue_language(locale: str) -> str:
    """The catalogue for a Discord locale ("fr", "es-ES", "zh-CN"); "" when there is none or it is English."""
    overrides = settings().locales
    if locale in overrides:
        return overrides[locale]
    for candidate in (locale.replace("-", "_"), locale.split("-")[0]):
        if has_catalogue(candidate):
            return candidate
    return ""


def is_other_script(name: str) -> bool:
    """Whether ``name`` has letters outside the Latin alphabets, which the text normalisation drops."""
    return _OTHER_SCRIPT.search(name) is not None and any(ch.isalpha() for ch in _OTHER_SCRIPT.findall(name))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased, without diacritics (or Arabic vowel marks), every run of other characters
    made one space; and for each character kept, where it stands in ``text``."""
    out: list[str] = []
    origin: list[int] = []
    space = True
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            if part.isalnum():
                lowered = part.casefold()
                out.extend(lowered)
                origin.extend([i] * len(lowered))
                space = False
            elif not space:
                out.append(" ")
                origin.append(i)
                space = True
    return "".join(out), origin


def script_key(name: str) -> str:
    """How a name in another script is looked for: what ``fold_with_offsets`` makes of it, without the
    offsets and the leading and trailing space."""
    kept = "".join([ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)])
    return _NOT_ALNUM.sub(" ", kept.casefold()).strip()


class ScriptNames:
    """Names in scripts the normalisation drops, found in the question text itself: a whole word
    (or words) in Cyrillic or Arabic, anywhere in a run of Chinese or Japanese; the longest first."""

    def __init__(self, keys: Iterable[str]) -> None:
        unique = {key for key in keys if key}
        by_first: dict[str, list[str]] = {}
        for key in sorted(unique, key=len, reverse=True):
            by_first.setdefault(key[0], []).append(key)
        self._by_first = by_first
        self._cjk = frozenset(k for k in unique if _CJK.search(k))

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, key)`` for each name found in ``text``, in order, not overlapping."""
        if not self._by_first or not _OTHER_SCRIPT.search(text):
            return []
        folded, origin = fold_with_offsets(text)
        hits: list[tuple[int, int, str]] = []
        i = 0
        while i < len(folded):
            key = self._match(folded, i)
            if key is None:
                i += 1
                continue
            hits.append((origin[i], origin[i + len(key) - 1] + 1, key))
            i += len(key)
        return hits

    def _match(self, folded: str, i: int) -> str | None:
        for key in self._by_first.get(folded[i], ()):
            if not folded.startswith(key, i):
                continue
            if key in self._cjk or (_at_edge(folded, i - 1) and _at_edge(folded, i + len(key))):
                return key
        return None


def _at_edge(folded: str, j: int) -> bool:
    """Whether position ``j`` is outside a word: before the start, past the end, or a space."""
    return j < 0 or j >= len(folded) or folded[j] == " "


def _trimmed(text: str) -> str:
    """``text`` without the punctuation around it ("(Allemagne)?" → "Allemagne")."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def written_in(text: str, words: list[str]) -> str | None:
    """How ``text`` writes the words ``words`` (lower-cased ``case_tokens``), accents and hyphens kept:
    "États-Unis" for ``["etats", "unis"]``; None when it cannot be cut out cleanly."""
    chunks = [
        (m.start(), m.end(), [t.lower() for t in case_tokens(m.group())]) for m in _CHUNK.finditer(text)
    ]
    flat = [(c, token) for c, (_, _, tokens) in enumerate(chunks) for token in tokens]
    n = len(words)
    for k in range(len(flat) - n + 1):
        if [token for _, token in flat[k : k + n]] != words:
            continue
        candidate = _trimmed(text[chunks[flat[k][0]][0] : chunks[flat[k + n - 1][0]][1]])
        if [t.lower() for t in case_tokens(candidate)] == words:
            return candidate
    return None


@functools.cache
def _autocomplete_keys(language: str) -> tuple[tuple[str, ForeignName], ...]:
    """The names autocomplete offers in ``language``, each with its folded form, in that order."""
    keyed = ((f" {script_key(n.name)}", n) for n in catalogue_names(language) if n.shown)
    return tuple(sorted(keyed, key=lambda pair: pair[0]))


class _WordStarts(NamedTuple):
    suffixes: list[str]  # each word of each folded name with the rest of the name, sorted
    owners: list[int]  # the position in ``_autocomplete_keys`` of the name each suffix is part of


@functools.cache
def _word_starts(language: str) -> _WordStarts:
    """Every place a word begins in ``language``'s folded names, sorted, so a prefix is found by bisection."""
    keys = _autocomplete_keys(language)
    pairs = sorted((key[at:], i) for i, (key, _) in enumerate(keys) for at, ch in enumerate(key) if ch == " ")
    return _WordStarts([suffix for suffix, _ in pairs], [i for _, i in pairs])


def _beginning_with(language: str, wanted: str) -> list[ForeignName]:
    """``language``'s names that begin with ``wanted`` (a folded text after a space), then those with a
    word that does, each group in the names' order."""
    keys = _autocomplete_keys(language)
    starts = _word_starts(language)
    at = bisect.bisect_left(starts.suffixes, wanted)
    hits: set[int] = set()
    while at < len(starts.suffixes) and starts.suffixes[at].startswith(wanted):
        hits.add(starts.owners[at])
        at += 1
    first = sorted(i for i in hits if keys[i][0].startswith(wanted))
    return [keys[i][1] for i in first + sorted(hits)]


def prepare_suggestions(languages: Iterable[str] | None = None) -> None:
    """Fold and sort each language's names for ``suggest`` now rather than on a user's first keystroke."""
    for language in settings().languages if languages is None else languages:
        _word_starts(language)


def suggest(
    text: str, languages: Iterable[str], states: Container[str], *, limit: int = 25
) -> list[ForeignName]:
    """The names in ``languages`` (each catalogue read on first use) that begin with ``text``, or have a
    word that does ("Allemagne" for "alle", "Unis" for "États-Unis"): one per state in ``states``, in the
    languages' order, names that begin with it first, then alphabetically."""
    wanted = " " + script_key(text)
    if wanted == " ":
        return []
    found: dict[str, ForeignName] = {}
    for language in dict.fromkeys(languages):
        for name in _beginning_with(language, wanted):
            if name.iso3 in states and name.iso3 not in found:
                found[name.iso3] = name
    return list(found.values())[:limit]
