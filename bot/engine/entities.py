"""Find the states, groups and places a question names.

Exact n-gram lookup in an alias index comes first; rapidfuzz then catches typos in the
words left over, with a length-aware edit-distance limit so ordinary words never turn
into states. States' names in other languages are generated when the index is built
(``foreign_names``) and matched exactly, never as typos.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cachetools import LRUCache
from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA

from bot.engine.foreign_names import (
    ForeignName,
    ScriptNames,
    generated_names,
    prepare_suggestions,
    suggest,
    written_in,
)
from bot.engine.vocabulary import COMMON_WORDS
from bot.facts.records import KnowledgeBase
from bot.textnorm import case_tokens, normalize

STATE = "state"
SUGGEST_SCORE = 50
RESOLVED_CACHED = 4096  # state names typed into a slash command, each read once
GROUP = "group"
AMBIGUOUS = "ambiguous"
PLACE = "place"

# Words that show a common-word state name ("Turkey", "Chad", "Jordan") means something else.
NOT_A_STATE_NEARBY: dict[str, frozenset[str]] = {
    "turkey": frozenset(
        "thanksgiving roast roasted sandwich sandwiches dinner meat bird birds recipe recipes stuffing gravy cook cooking cooked eat eating breast leg legs bacon cold wild carve oven baste brine".split()
    ),
    "chad": frozenset(
        "named guy bro dude meme friend brother boyfriend husband colleague coworker mr smith said says told thinks my our your his her".split()
    ),
    "jordan": frozenset(
        "michael air shoes shoe sneakers peterson henderson nike nba basketball jumpman brand named mr ms my friend river".split()
    ),
    "georgia": frozenset(
        "atlanta savannah peach county senator senators governor usa us american bulldogs athens augusta macon u".split()
    ),
    "china": frozenset("porcelain plate plates dishes dish cup cups tea set fine bone cabinet".split()),
    "guinea": frozenset("pig pigs fowl worm worms".split()),
    "kiwi": frozenset("fruit fruits bird birds".split()),
    "niger": frozenset("river delta".split()),
}
# A word this frequent in English ("dates", "begin", "sedan") is never read as a misspelt state name.
COMMON_WORD_FREQUENCY = 400


@functools.cache
def _english_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """Common English words, and the one-word names in other languages that English text uses at all
    (counted above the dictionary's floor: "togas", "salvador"); pyspellchecker's dictionary, loaded once."""
    try:
        from spellchecker import SpellChecker
    except ImportError:  # the matcher still works, with the built-in word list only
        return frozenset(), frozenset()
    counts = SpellChecker(language="en", distance=1).word_frequency.dictionary
    common = frozenset(word for word, count in counts.items() if count >= COMMON_WORD_FREQUENCY)
    floor = min(counts.values(), default=0)
    foreign = {name.words[0] for name in generated_names() if len(name.words) == 1}
    return common, frozenset(word for word in foreign if counts.get(word, 0) > floor)


def common_english_words() -> frozenset[str]:
    """English words at least as frequent as ``COMMON_WORD_FREQUENCY`` (pyspellchecker's dictionary), loaded once."""
    return _english_vocabulary()[0]


# Phrases that, just before the word, show it is not the state ("the state of Georgia" is the US state).
NOT_A_STATE_AFTER: dict[str, tuple[str, ...]] = {"georgia": ("state of",)}


@functools.cache
def _alias_tokens(alias: str) -> tuple[str, ...]:
    """An alias's words with their case kept, worked out once per alias."""
    return tuple(case_tokens(alias))


# ISO alpha-3 codes that are also English words are never read as codes.
_NOT_AFTER_THE_STATES = frozenset(
    "parties party that which who whose with of listed where in signatories members named mentioned above".split()
)
_CODE_WORDS = frozenset("and are can per ton ben mar dom lie nor gab cub jam pan cog tun mli com bel".split())


@dataclass(frozen=True, slots=True)
class Target:
    kind: str
    codes: tuple[str, ...]
    label: str
    case_sensitive: bool = False
    needs_context: bool = False
    place_kind: str = ""
    note: str = ""
    alias: str = ""
    language: str = ""  # the catalogue a generated name in another language comes from ("fr")


@dataclass(slots=True)
class Mention:
    target: Target
    start: int
    end: int
    text: str
    score: float = 1.0
    fuzzy: bool = False


@dataclass(slots=True)
class Found:
    tokens: list[str]
    original: list[str]
    mentions: list[Mention] = field(default_factory=list)
    set_aside: list[Mention] = field(default_factory=list)
    near_misses: list[tuple[str, str, float]] = field(default_factory=list)

    def covered(self) -> set[int]:
        return {i for m in self.mentions + self.set_aside for i in range(m.start, m.end)}

    def in_other_languages(self) -> list[Mention]:
        """The states named by a generated name in another language ("Allemagne", "Россия")."""
        return [m for m in self.mentions if m.target.language and m.target.kind == STATE]


class EntityIndex:
    """An in-memory alias index over states, groups and places."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        extra_vocabulary: set[str] | None = None,
        languages: Iterable[str] | None = None,
    ) -> None:
        """``languages``: the catalogues whose names in other languages are read (default: the data file's)."""
        self.kb = kb
        self.exact: dict[tuple[str, ...], list[Target]] = defaultdict(list)
        self._add_all(kb)
        alias_words = {word for key in self.exact for word in key}
        self.vocabulary = set(COMMON_WORDS) | ((extra_vocabulary or set()) - alias_words)
        self.max_n = max((len(k) for k in self.exact), default=1)
        self.english = common_english_words()
        self.fuzzy_choices: dict[str, list[str]] = defaultdict(list)
        self.fuzzy_targets: dict[str, Target] = {}
        for key, targets in self.exact.items():
            target = targets[0]
            if target.case_sensitive or target.kind == PLACE or len(key) > 6:
                continue
            text = " ".join(key)
            if len(text) < 5 or text in COMMON_WORDS:
                continue
            self.fuzzy_choices[text[0]].append(text)
            self.fuzzy_targets[text] = target
        self.alias_words = alias_words
        self.state_names = {iso3: s.name for iso3, s in kb.states.items()}
        self.name_choices = {iso3: normalize(name) for iso3, name in self.state_names.items()}
        self.script_targets: dict[str, Target] = {}
        self.script = self._add_foreign(kb, languages)
        prepare_suggestions(languages)
        self._resolved: LRUCache[str, str | None] = LRUCache(RESOLVED_CACHED)

    def _add(self, alias: str, target: Target) -> None:
        key = tuple(normalize(alias).split())
        if not key:
            return
        existing = self.exact[key]
        if target in existing:
            return
        # A state's own name wins over an ambiguous alias spelled the same ("Guinea", "Sudan").
        if target.kind == STATE and existing and existing[0].kind == AMBIGUOUS:
            existing.insert(0, target)
        else:
            existing.append(target)

    def _add_all(self, kb: KnowledgeBase) -> None:
        weak_names = {a.iso3s[0] for a in kb.aliases if a.kind == "name" and a.context == "needs_context"}
        ambiguous_weak = {
            normalize(a.alias) for a in kb.aliases if a.kind == "ambiguous" and a.context == "needs_context"
        }
        for iso3, state in kb.states.items():
            weak = iso3 in weak_names or normalize(state.name) in ambiguous_weak
            self._add(state.name, Target(STATE, (iso3,), state.name, needs_context=weak))
            if iso3.lower() not in _CODE_WORDS:
                self._add(iso3, Target(STATE, (iso3,), state.name, case_sensitive=True, alias=iso3))
        for alias in kb.aliases:
            if alias.kind == "name":
                continue
            kind = AMBIGUOUS if alias.ambiguous else STATE
            label = alias.alias if alias.ambiguous else kb.states[alias.iso3s[0]].name
            self._add(
                alias.alias,
                Target(
                    kind,
                    alias.iso3s,
                    label,
                    case_sensitive=alias.context == "case_sensitive",
                    needs_context=alias.context == "needs_context",
                    alias=alias.alias,
                ),
            )
        for group in kb.groups.values():
            target = Target(GROUP, group.members, group.name, note=group.id)
            self._add(group.name, target)
            for group_alias in group.aliases:
                case_sensitive = (
                    group_alias.isupper() and len(group_alias) <= 4 and group_alias.lower() in COMMON_WORDS
                )
                self._add(
                    group_alias,
                    Target(
                        GROUP,
                        group.members,
                        group.name,
                        case_sensitive=case_sensitive,
                        note=group.id,
                        alias=group_alias,
                    ),
                )
        for place in kb.places:
            codes = (place.parent,) if place.parent else ()
            self._add(place.name, Target(PLACE, codes, place.name, place_kind=place.kind, note=place.note))

    def _add_foreign(self, kb: KnowledgeBase, languages: Iterable[str] | None) -> ScriptNames:
        """The states' names in other languages (``foreign_names``), each matched exactly: never one that a
        curated alias, an English name, a group or a place already has, nor an ordinary English word; a name
        two states share is ambiguous. Names in other scripts go to a scan of the text (returned)."""
        latin: dict[tuple[str, ...], dict[str, ForeignName]] = {}
        other: dict[str, dict[str, ForeignName]] = {}
        near = self._near_other_state()
        for name in generated_names(languages):
            if name.iso3 not in kb.states:
                continue
            if name.key:
                other.setdefault(name.key, {}).setdefault(name.iso3, name)
            elif self._may_add(name.words) and not near(" ".join(name.words), name.iso3):
                latin.setdefault(name.words, {}).setdefault(name.iso3, name)
        shared: dict[tuple[str, str], Target] = {}
        for key, claims in latin.items():
            self.exact[key] = [self._foreign_target(claims, shared)]
        self.script_targets = {key: self._foreign_target(claims, shared) for key, claims in other.items()}
        return ScriptNames(self.script_targets)

    def _near_other_state(self) -> Callable[[str, str], bool]:
        """A test: is a generated name one typo from another state's English name or alias ("Nigēra", Niger
        in Latvian, is "Nigeria" mistyped)? Such a name would turn a typo into a confident wrong state."""
        owners: dict[str, set[str]] = defaultdict(set)
        for key, targets in self.exact.items():
            for target in targets:
                if target.kind == STATE:
                    owners[" ".join(key)].update(target.codes)
        choices = list(owners)

        def near(text: str, iso3: str) -> bool:
            found = process.extract(text, choices, scorer=OSA.distance, score_cutoff=1, limit=5)
            return any(owners[choice] - {iso3} for choice, _, _ in found)

        return near

    def _may_add(self, key: tuple[str, ...]) -> bool:
        """Whether a generated name may be read: new, not too long, not only common English words, and
        (one word) not a word English uses at all ("Grenade", "Island", "Togas")."""
        if key in self.exact or len(key) > self.max_n or len("".join(key)) < 3:
            return False
        if len(key) == 1 and key[0] in _english_vocabulary()[1]:
            return False
        return not all(w in self.english or w in self.vocabulary for w in key)

    def _foreign_target(
        self, claims: dict[str, ForeignName], shared: dict[tuple[str, str], Target]
    ) -> Target:
        """The state a generated name means (one target per state and language), or an ambiguous one."""
        first = next(iter(claims.values()))
        if len(claims) > 1:
            return Target(AMBIGUOUS, tuple(claims), first.name, alias=first.name, language=first.language)
        iso3, language = first.iso3, first.language
        if (iso3, language) not in shared:
            shared[iso3, language] = Target(STATE, (iso3,), self.kb.states[iso3].name, language=language)
        return shared[iso3, language]

    def _tokenise(self, text: str) -> tuple[list[str], dict[int, Target]]:
        """The words of ``text`` with their case kept, each name in another script one word; and the
        targets of those names by position."""
        hits = self.script.scan(text)
        if not hits:
            return case_tokens(text), {}
        original: list[str] = []
        placed: dict[int, Target] = {}
        at = 0
        for start, end, key in hits:
            original += case_tokens(text[at:start])
            placed[len(original)] = self.script_targets[key]
            original.append(text[start:end])
            at = end
        original += case_tokens(text[at:])
        return original, placed

    def find(self, text: str) -> Found:
        """Every state, group and place named in ``text``, exact matches first, then typos."""
        original, placed = self._tokenise(text)
        tokens = [
            t.lower() if i not in placed else "_".join(t.lower().split()) for i, t in enumerate(original)
        ]
        found = Found(tokens=tokens, original=original)
        shouting = sum(1 for t in original if t.isupper() and len(t) > 1) > max(2, len(original) // 2)
        i = 0
        while i < len(tokens):
            if i in placed:
                found.mentions.append(Mention(placed[i], i, i + 1, original[i]))
                i += 1
                continue
            i += self._exact_at(found, i, shouting)
        self._fuzzy(found)
        if placed or any(m.target.language for m in found.mentions):
            self._as_written(found, text, placed)
        return found

    def _exact_at(self, found: Found, i: int, shouting: bool) -> int:
        """Read the longest name that starts at word ``i``; the number of words read (1 if none)."""
        tokens, original = found.tokens, found.original
        for n in range(min(self.max_n, len(tokens) - i), 0, -1):
            targets = self.exact.get(tuple(tokens[i : i + n]))
            if not targets:
                continue
            target = self._choose(targets, original[i : i + n], shouting, tokens, i, n)
            if target is None:
                continue
            mention = Mention(target, i, i + n, " ".join(original[i : i + n]))
            if target.needs_context and not self._context_allows(tokens, i, n):
                found.set_aside.append(mention)
            else:
                found.mentions.append(mention)
            return n
        return 1

    @staticmethod
    def _as_written(found: Found, text: str, placed: dict[int, Target]) -> None:
        """A name in another language is quoted as the question writes it ("États-Unis", not "Etats Unis")."""
        for mention in found.mentions:
            if mention.target.language and mention.start not in placed and not mention.fuzzy:
                words = found.tokens[mention.start : mention.end]
                mention.text = written_in(text, words) or mention.text

    def _choose(
        self, targets: list[Target], original: list[str], shouting: bool, tokens: list[str], i: int, n: int
    ) -> Target | None:
        for target in targets:
            if target.case_sensitive:
                wanted = _alias_tokens(target.alias)
                if shouting or len(wanted) != len(original):
                    continue
                if any(
                    w != o if w != w.lower() else w != o.lower()
                    for w, o in zip(wanted, original, strict=True)
                ):
                    continue
            # "the States" is the USA, but "the States Parties" is not.
            if tokens[i : i + n] == ["the", "states"] and (
                (i + n < len(tokens) and tokens[i + n] in _NOT_AFTER_THE_STATES)
                or (i > 0 and tokens[i - 1] in {"of", "all"})
            ):
                continue
            return target
        return None

    @staticmethod
    def _context_allows(tokens: list[str], i: int, n: int) -> bool:
        word = " ".join(tokens[i : i + n])
        blockers = NOT_A_STATE_NEARBY.get(word)
        if not blockers:
            return True
        window = set(tokens[max(0, i - 3) : i]) | set(tokens[i + n : i + n + 3])
        before = " ".join(tokens[max(0, i - 2) : i])
        return not (window & blockers) and before not in NOT_A_STATE_AFTER.get(word, ())

    def is_ordinary(self, word: str) -> bool:
        """An ordinary English word, never to be read as a misspelt name."""
        if word in self.vocabulary:
            return True
        return word not in self.alias_words and word in self.english

    def _best(self, query: str) -> tuple[str, float] | None:
        """The closest alias within the edit-distance limit for ``query``'s length; None if none or a tie."""
        limit = 1 if len(query) < 8 else 2 if len(query) < 13 else 3
        choices = self.fuzzy_choices.get(query[0], [])
        hits = process.extract(query, choices, scorer=OSA.distance, score_cutoff=limit, limit=3)
        if not hits:
            return None
        best = hits[0]
        rivals = [
            h for h in hits[1:] if h[1] == best[1] and self.fuzzy_targets[h[0]] != self.fuzzy_targets[best[0]]
        ]
        if rivals:
            return None
        return best[0], 1 - best[1] / max(len(query), len(best[0]))

    def _extend(self, found: Found) -> None:
        """Let a typo in a longer name win over an exact shorter one: "Souh Sudan" is South Sudan, not Sudan."""
        for index, mention in enumerate(list(found.mentions)):
            if mention.target.kind != STATE or mention.target.case_sensitive or mention.target.language:
                continue
            others = {i for m in found.mentions if m is not mention for i in range(m.start, m.end)}
            best = self._longer_name(found.tokens, mention, others)
            if best is not None:
                score, start, end, choice = best
                found.mentions[index] = Mention(
                    self.fuzzy_targets[choice],
                    start,
                    end,
                    " ".join(found.original[start:end]),
                    score=score,
                    fuzzy=True,
                )

    def _longer_name(
        self, tokens: list[str], mention: Mention, others: set[int]
    ) -> tuple[float, int, int, str] | None:
        """The best longer name (score, start, end, alias) over ``mention`` and up to three words each side."""
        best: tuple[float, int, int, str] | None = None
        for left in range(0, 4):
            for right in range(0, 4):
                if not left and not right:
                    continue
                start, end = mention.start - left, mention.end + right
                hit = self._widened(tokens, mention, start, end, others)
                if (
                    hit
                    and len(hit[0].split()) > mention.end - mention.start
                    and (best is None or hit[1] > best[0])
                ):
                    best = (hit[1], start, end, hit[0])
        return best

    def _widened(
        self, tokens: list[str], mention: Mention, start: int, end: int, others: set[int]
    ) -> tuple[str, float] | None:
        """The closest alias to the words ``start:end`` around ``mention``, if the added words may be named."""
        if start < 0 or end > len(tokens) or any(i in others for i in range(start, end)):
            return None
        extra = tokens[start : mention.start] + tokens[mention.end : end]
        if any(self.is_ordinary(word) or len(word) < 3 for word in extra):
            return None
        return self._best(" ".join(tokens[start:end]))

    def _fuzzy(self, found: Found) -> None:
        """Read misspelt names in the words no exact match covers, and note near misses of state names."""
        self._extend(found)
        covered = found.covered()
        taken: set[int] = set(covered)
        for i, n in self._candidates(found.tokens, covered):
            if any(j in taken for j in range(i, i + n)):
                continue
            best = self._best(" ".join(found.tokens[i : i + n]))
            if best is None:
                continue
            choice, score = best
            target = self.fuzzy_targets[choice]
            found.mentions.append(
                Mention(target, i, i + n, " ".join(found.original[i : i + n]), score=score, fuzzy=True)
            )
            taken.update(range(i, i + n))
        found.mentions.sort(key=lambda m: m.start)
        self._near_misses(found, taken)

    def _candidates(self, tokens: list[str], covered: set[int]) -> list[tuple[int, int]]:
        """Uncovered spans (start, length) of up to three words that may be a misspelt name, longest first."""
        candidates: list[tuple[int, int]] = []
        for n in (3, 2, 1):
            for i in range(len(tokens) - n + 1):
                if any(j in covered for j in range(i, i + n)):
                    continue
                if self._may_be_name(tokens[i : i + n]):
                    candidates.append((i, n))
        return candidates

    def _may_be_name(self, words: list[str]) -> bool:
        """Whether words may be a misspelt name: not bounded by known words or numbers, not all ordinary."""
        if any(w in self.vocabulary or w.isdigit() for w in (words[0], words[-1])):
            return False
        if all(self.is_ordinary(w) for w in words):
            return False
        return not (len(words) == 1 and len(words[0]) < 5)

    def _near_misses(self, found: Found, taken: set[int]) -> None:
        """Record the state names close to each word left unread, for suggestions."""
        for i, word in enumerate(found.tokens):
            if i in taken or self.is_ordinary(word) or len(word) < 4 or word.isdigit():
                continue
            for _, score, iso3 in process.extract(
                word, self.name_choices, scorer=fuzz.ratio, score_cutoff=70, limit=3
            ):
                found.near_misses.append((word, iso3, score))

    def resolve_state(self, text: str) -> str | None:
        """The ISO code a short text names: an ISO code itself, or the first state found in it."""
        if text.upper() in self.state_names:
            return text.upper()
        if text not in self._resolved:
            found = self.find(text)
            self._resolved[text] = next(
                (m.target.codes[0] for m in found.mentions if m.target.kind == STATE), None
            )
        return self._resolved[text]

    def suggest_foreign(
        self, text: str, languages: Iterable[str], *, limit: int = 25
    ) -> list[tuple[str, str]]:
        """``(iso3, name)`` for the states whose name in one of ``languages`` (catalogue codes such as "fr")
        begins with ``text`` or has a word that does, the name as the language writes it (for autocomplete)."""
        return [(n.iso3, n.name) for n in suggest(text, languages, self.state_names, limit=limit)]

    def suggest_states(self, text: str, *, limit: int = 25) -> list[tuple[str, str]]:
        """``(iso3, name)`` for the states a partial or misspelt name may mean: names that start with it first,
        then the closest by fuzzy score (for autocomplete and "did you mean")."""
        names = self.state_names
        if not text:
            return sorted(names.items(), key=lambda kv: kv[1])[:limit]
        lowered = text.lower()
        prefix = sorted(
            (kv for kv in names.items() if kv[1].lower().startswith(lowered)), key=lambda kv: kv[1]
        )
        fuzzy = process.extract(text, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit)
        ordered = prefix + [(iso3, name) for name, score, iso3 in fuzzy if score >= SUGGEST_SCORE]
        return list(dict.fromkeys(ordered))[:limit]
