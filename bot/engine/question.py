"""Question: what the engine understood of one question, made once by ``understand`` and never changed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

import bot.engine.intents as I
from bot.engine.dates import DateQuery, find_date, format_date
from bot.engine.entities import GROUP, STATE, Found, Mention
from bot.engine.factmatch import best_of, fact_scores, ranked
from bot.engine.index import FactIndex
from bot.engine.lexicon import lexicon
from bot.engine.search import stem
from bot.facts.records import Fact, Group, State
from bot.textnorm import fold, normalize

_LEX = lexicon()
_PARLIAMENTS = _LEX.words["parliaments"]
_ANCHOR_VERBS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"left|withdrew|withdrawn|quit|exited|pulled|departed|leaves|withdraws"),
        "withdrawal_effective",
    ),
    (re.compile(r"joined|ratified|acceded|joins|ratifies|accedes|became|become"), "entry_into_force"),
    (re.compile(r"signed|signs"), "signed"),
)
_ANCHOR_WORDS = frozenset({"before", "after", "when", "once", "since"})


class FactMatch:
    """The best treaty fact for a question, worked out the first time a route asks for it."""

    __slots__ = ("_best", "_index", "_norm", "_scores", "_templated")

    def __init__(self, ix: FactIndex, templated: str, norm: str) -> None:
        self._index, self._templated, self._norm = ix, templated, norm
        self._scores: dict[str, float] | None = None
        self._best: tuple[Fact | None, float] | None = None

    @property
    def scores(self) -> dict[str, float]:
        """Every fact's score for the question."""
        if self._scores is None:
            self._scores = fact_scores(self._index, self._templated, self._norm)
        return self._scores

    @property
    def best(self) -> tuple[Fact | None, float]:
        """The best fact and its score."""
        if self._best is None:
            self._best = best_of(self._index, self.scores)
        return self._best

    @property
    def ranked(self) -> list[str]:
        """Fact ids, best first."""
        return ranked(self.scores)


@dataclass(frozen=True, slots=True)
class Question:
    """A question as understood: its words, the states, groups and date found, and its cues."""

    question: str
    text: str  # folded, punctuation kept
    norm: str  # normalised words
    templated: str  # norm with states as X, groups as G and years as D
    today: dt.date
    when: DateQuery
    found: Found
    states: tuple[State, ...]
    groups: tuple[Group, ...]
    truncated: bool = False
    cues: Container[str] = frozenset()
    ordinal: int | None = None
    article: int | None = None
    other_treaty: str = ""
    fact_match: FactMatch | None = None
    count_target: str = ""
    unknown: tuple[str, ...] = field(default=())
    date_tokens: frozenset[int] = frozenset()  # positions of the words that name the date (or its anchor)
    unlisted_group: str = ""  # a group the fact base has no member list for ("the Quad")
    noted: frozenset[str] = frozenset()  # states whose long note this conversation has already shown
    off_topic: float = 0.0  # the share of the question's content words that name nothing the engine knows
    carried: str = ""

    @property
    def fact(self) -> Fact | None:
        """The treaty fact the question matches best (only for questions that name no state or group)."""
        return self.fact_match.best[0] if self.fact_match else None

    @property
    def fact_score(self) -> float:
        """How well ``fact`` matches, from 0 to 1."""
        return self.fact_match.best[1] if self.fact_match else 0.0

    def has(self, *names: str) -> bool:
        """Whether any of the named cues is in the question."""
        return any(name in self.cues for name in names)


def other_treaty(norm: str) -> str:
    """The other treaty a question names ("the Convention on Cluster Munitions"), or ""."""
    for pattern, name in _LEX.other_treaties:
        if pattern.search(norm):
            return name
    return ""


def domestic_step(q: Question) -> bool:
    """A question about a step a state's own institutions took to leave: a law signed or passed, or its
    president, government or parliament with a word of leaving ("when did Poland's president denounce it")."""
    return q.has("domestic_act") or (q.has("actor") and q.has("withdrawal"))


def templated(found: Found, when: DateQuery, *, drop: tuple[int, int] | None = None) -> str:
    """The question's words with states as ``X``, groups as ``G`` and (when a date was named) years as ``D``."""
    tokens = list(found.tokens)
    if drop is not None:
        tokens[drop[0] : drop[1]] = [""] * (drop[1] - drop[0])
    for mention in sorted(found.mentions, key=lambda m: m.start, reverse=True):
        if drop is not None and drop[0] <= mention.start < drop[1]:
            continue
        placeholder = "G" if mention.target.kind == GROUP else "X"
        if mention.target.alias and set(normalize(mention.target.alias).split()) <= _PARLIAMENTS:
            placeholder = "X parliament"
        tokens[mention.start : mention.end] = [placeholder]
    text = " ".join(t for t in tokens if t)
    if when.explicit:
        text = re.sub(r"\b(19|20)\d{2}\b", "D", text)
    return text


def count_target(text: str) -> str:
    """The words that say what to count: from "how many" to the end of that clause."""
    match = I.HOW_MANY.search(text)
    rest = text[match.end() :] if match else text
    if rest.split()[:1] and rest.split()[0] in _LEX.words["not_counted_units"]:
        return ""  # "how many years/days/articles ...": not a count of states
    clause = re.split(
        r"\b(?:before|after|since|as of|by|during)\b|\b(?:on|in|when)\b(?=\s+(?:\d|jan|feb|mar|apr|may|jun|jul|"
        r"aug|sep|oct|nov|dec|the (?:end|start|beginning)|early|late|last|this|next))",
        rest,
    )[0]
    return " ".join(clause.split()[:8])


def _after_as_period(when: DateQuery, norm: str, names_a_state: bool, today: dt.date) -> DateQuery:
    """ "after 2020" as the time from 1 January 2021 to today when the question asks what happened then ("who
    joined after 2020", "did anyone leave after 2024", "did Finland withdraw after 2024"); a state's status
    "after 2020" stays the status on 1 January 2021."""
    if not when.after or when.date > today:
        return when
    happened = _LEX.state_cues["withdrawal"].search(norm) or _LEX.state_cues["joined"].search(norm)
    if names_a_state and not happened and not _asks_for_many(norm):
        return when
    label = f"{format_date(when.date)} to {format_date(today)}"
    return replace(when, date=today, start=when.date, end=today, label=label)


def _asks_for_many(norm: str) -> bool:
    """ "which states left after …", "how many joined after …": the answer spans the time after the anchor."""
    return bool(
        I.HOW_MANY.search(norm)
        or _LEX.router_cues["strong_list"].search(norm)
        or _LEX.router_cues["who"].search(norm)
    )


def _anchor_day(ix: FactIndex, mention: Mention, field_name: str, word: str) -> tuple[dt.date, str] | None:
    """The day a state (or, for a group, its first or last member) took the step, and its name."""
    if mention.target.kind == STATE:
        state = ix.kb.states[mention.target.codes[0]]
        day = getattr(state, field_name)
        return (day, state.name) if day else None
    group = ix.kb.groups[mention.target.note]
    days = [getattr(ix.kb.states[c], field_name) for c in group.members]
    known = [d for d in days if d]
    if not known:
        return None
    return (min(known) if word == "before" else max(known)), f"the {group.name}"


def anchored_date(
    ix: FactIndex, found: Found, today: dt.date
) -> tuple[DateQuery, Mention, tuple[int, int]] | None:
    """ "before Poland left", "after Tonga joined", "since the Baltics left": a date anchored on the record
    of a state (or a group's members)."""
    tokens = found.tokens
    for mention in found.mentions:
        if mention.target.kind not in (STATE, GROUP) or mention.start == 0 or mention.end >= len(tokens):
            continue
        before = (
            mention.start - 2
            if tokens[mention.start - 1] == "the" and mention.start >= 2
            else mention.start - 1
        )
        word, verb = tokens[before], tokens[mention.end]
        field_name = next((f for pattern, f in _ANCHOR_VERBS if pattern.fullmatch(verb)), "")
        anchor = _anchor_day(ix, mention, field_name, word) if word in _ANCHOR_WORDS and field_name else None
        if anchor is None:
            continue
        day, name = anchor
        span = (before, mention.end + 1)
        if word == "since" or (word == "after" and _asks_for_many(" ".join(tokens))):
            start = day + dt.timedelta(days=1) if word == "after" else day
            label = f"{format_date(start)} to {format_date(today)} ({word} {name} {verb})"
            return DateQuery(date=today, start=start, label=label, explicit=True, end=today), mention, span
        if word == "before":
            day = day - dt.timedelta(days=1)
        label = f"{format_date(day)} ({word} {name} {verb})"
        return DateQuery(date=day, start=None, label=label, explicit=True), mention, span
    return None


EVENT_ANCHOR_SCORE = 0.7


def _up_to_next_clause(words: list[str]) -> list[str]:
    """ "joint statement who has left" → "joint statement": the anchor ends where the question resumes."""
    for i, word in enumerate(words):
        if word in _LEX.words["clause_words"]:
            return words[:i]
    return words


def _withdrawals_anchor(ix: FactIndex, norm: str, today: dt.date) -> tuple[DateQuery, tuple[int, int]] | None:
    """ "before the withdrawals", "since the first withdrawal": anchored on the day the first withdrawal took
    effect, worked out from the states' records."""
    match = _LEX.router_cues["withdrawals_day"].search(norm)
    if match is None:
        return None
    noticed = bool(match.group(2) and "effect" not in match.group(2))  # "were announced", "the notices"
    field = "withdrawal_notified" if noticed else "withdrawal_effective"
    days = [day for s in ix.kb.states.values() if (day := getattr(s, field)) is not None]
    if not days:
        return None
    first_day, word = min(days), match.group(1)
    start = len(norm[: match.start()].split())
    span = (start, start + len(match.group(0).split()))
    if word == "before":
        day = first_day - dt.timedelta(days=1)
        label = f"{format_date(day)} (before the first withdrawal {'notice' if noticed else 'took effect'})"
        return DateQuery(date=day, start=None, label=label, explicit=True), span
    since = "notice" if noticed else "took effect"
    label = f"{format_date(first_day)} to {format_date(today)} (since the first withdrawal {since})"
    return DateQuery(date=today, start=first_day, label=label, explicit=True, end=today), span


def event_anchored_date(
    ix: FactIndex, found: Found, today: dt.date
) -> tuple[DateQuery, tuple[int, int]] | None:
    """ "since the joint statement", "after the 22nd meeting": a date anchored on an event in the fact base."""
    norm = " ".join(found.tokens)
    in_force = _LEX.router_cues["in_force_day"].search(norm)
    if in_force is not None and ix.in_force_from is not None:
        first = len(norm[: in_force.start()].split())
        day = ix.in_force_from
        label = f"{format_date(day)} (when the Convention entered into force)"
        return DateQuery(date=day, start=None, label=label, explicit=True), (
            first,
            first + len(in_force.group(0).split()),
        )
    withdrawals = _withdrawals_anchor(ix, norm, today)
    if withdrawals is not None:
        return withdrawals
    match = _LEX.router_cues["event_anchor"].search(norm)
    if match is None:
        return None
    word, phrase = match.group(1), _up_to_next_clause(match.group(2).split())
    tokens = [ix.search.fold(w) for w in phrase if w not in _LEX.fillers]
    hits = ix.search.search(tokens, limit=1)
    if not hits or hits[0].score < EVENT_ANCHOR_SCORE or len(hits[0].matched) < 2:
        return None
    event = hits[0].event
    first = len(norm[: match.start()].split())
    span = (first, first + 2 + len(phrase))
    name = " ".join(phrase)
    if word == "since" or (word == "after" and _asks_for_many(norm)):
        start = event.date + dt.timedelta(days=1) if word == "after" else event.date
        label = f"{format_date(start)} to {format_date(today)} ({word} the {name})"
        return DateQuery(date=today, start=start, label=label, explicit=True, end=today), span
    shift = {"before": -1, "after": 1}.get(word, 0)
    day = event.date + dt.timedelta(days=shift)
    return DateQuery(
        date=day, start=None, label=f"{format_date(day)} ({word} the {name})", explicit=True
    ), span


def _with_lowercase_us(ix: FactIndex, found: Found) -> Found:
    """ "us or russia", "canada and us": a lower-case "us" paired with a state is the United States."""
    covered = found.covered()
    states_at = {i for m in found.mentions if m.target.kind == STATE for i in range(m.start, m.end)}
    targets = ix.entities.exact.get(("united", "states"))
    if not targets:
        return found
    for i, token in enumerate(found.tokens):
        if token != "us" or i in covered:
            continue
        after = (
            i + 2 < len(found.tokens) and found.tokens[i + 1] in _LEX.words["pairing"] and i + 2 in states_at
        )
        before = i >= 2 and found.tokens[i - 1] in _LEX.words["pairing"] and i - 2 in states_at
        if after or before:
            found.mentions.append(Mention(targets[0], i, i + 1, found.original[i]))
    found.mentions.sort(key=lambda m: m.start)
    return found


def _entities(ix: FactIndex, found: Found) -> tuple[list[State], list[Group]]:
    states: list[State] = []
    groups: list[Group] = []
    for mention in found.mentions:
        if mention.target.kind == STATE:
            state = ix.kb.states[mention.target.codes[0]]
            if state not in states:
                states.append(state)
        elif mention.target.kind == GROUP:
            group = ix.kb.groups[mention.target.note]
            if group not in groups:
                groups.append(group)
    return states, groups


class Cues:
    """The named cues of one question, each worked out the first time a route asks for it."""

    __slots__ = ("_memo", "bare", "norm", "target", "templated", "text")

    def __init__(self, *, text: str, norm: str, templated: str, target: str, bare: str) -> None:
        self.text, self.norm, self.templated, self.target, self.bare = text, norm, templated, target, bare
        self._memo: dict[str, bool] = {}

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        found = self._memo.get(name)
        if found is None:
            found = self._memo[name] = _CUE_TABLE[name](self)
        return found

    def names(self) -> frozenset[str]:
        """Every cue that holds (works all of them out)."""
        return frozenset(name for name in _CUE_TABLE if name in self)


CueTest = Callable[[Cues], bool]


def _on(pattern: re.Pattern[str], attr: str) -> CueTest:
    return lambda c: pattern.search(getattr(c, attr)) is not None


def _injection(c: Cues) -> bool:
    guards = _LEX.guards
    return any(
        guards[name].search(text) is not None
        for name, text in (("injection", c.norm), ("injection", c.text), ("command_to_say", c.text))
    )


def _group_object(c: Cues) -> bool:
    """A group is the object of joining or leaving ("join NATO", "left the EU", "in BRICS")."""
    words = c.templated.split()
    return any(
        _LEX.router_cues["group_verb"].search(" ".join(words[max(0, i - 3) : i]))
        for i, word in enumerate(words)
        if word == "G"
    )


def _cue_table() -> dict[str, CueTest]:
    """Where each cue is looked for: the normalised words, the templated words or the words counted."""
    table: dict[str, CueTest] = {name: _on(p, "norm") for name, p in _LEX.router_cues.items()}
    table.update({name: _on(p, "norm") for name, p in _LEX.guards.items()})
    table.update({name: _on(p, "norm") for name, p in _LEX.topic_cues.items()})
    table.update({name: _on(p, "norm") for name, p in _LEX.cues.items()})
    table.update({name: _on(p, "templated") for name, p in _LEX.state_cues.items()})
    table["injection"] = _injection
    table["joined_words"] = _on(_LEX.state_cues["joined"], "norm")
    table["target_count_nouns"] = _on(_LEX.cues["count_nouns"], "target")
    table["target_never"] = _on(_LEX.cues["never"], "target")
    table["target_withdrawal"] = _on(_LEX.state_cues["withdrawal"], "target")
    table["target_signed"] = _on(_LEX.state_cues["signed"], "target")
    table["party_substring"] = lambda c: "party" in c.norm
    table["instrument"] = lambda c: "instrument" in c.norm
    table["withdrawals_word"] = lambda c: "withdrawals" in c.norm.split()
    table["group_object"] = _group_object
    table["bare_count"] = lambda c: _LEX.router_cues["bare_count"].fullmatch(c.bare) is not None
    return table


_CUE_TABLE = _cue_table()


def _typo_of_known(ix: FactIndex, word: str) -> bool:
    limit = 1 if len(word) < 8 else 2
    hit = process.extractOne(word, ix.typo_words.get(word[0], ()), scorer=OSA.distance, score_cutoff=limit)
    return hit is not None


def _capitalised_name(found: Found, i: int) -> bool:
    """A capitalised word inside a sentence ("did Tusk sign"): a name, even when it is also an English word."""
    original = found.original[i] if i < len(found.original) else ""
    return i > 0 and original[:1].isupper() and original[1:].islower() and len(original) > 2


def unknown_words(ix: FactIndex, found: Found, date_tokens: Container[int] = frozenset()) -> tuple[str, ...]:
    """Words that carry meaning and that nothing understood: not a name found, not ordinary English,
    not a word of the fact base or the lexicon, not part of the date, and not a typo of one of those
    (names, acronyms, topics)."""
    covered = found.covered()
    unknown = []
    for i, word in enumerate(found.tokens):
        if (
            i in covered
            or i in date_tokens
            or len(word) < 3
            or word.isdigit()
            or any(ch.isdigit() for ch in word)
        ):
            continue
        if word in ix.domain_words:
            continue
        named = _capitalised_name(found, i)
        if not named and (ix.entities.is_ordinary(word) or _typo_of_known(ix, word)):
            continue
        unknown.append(found.original[i] if i < len(found.original) else word)
    return tuple(dict.fromkeys(unknown))


def off_topic_share(ix: FactIndex, found: Found) -> float:
    """How much of the question is about things the engine has no words for ("senators", "score")."""
    covered = found.covered()
    content = [
        w for i, w in enumerate(found.tokens) if i not in covered and w not in _LEX.fillers and w.isalpha()
    ]
    if not content:
        return 0.0
    return sum(1 for w in content if w not in ix.topic_words and stem(w) not in ix.topic_words) / len(content)


def date_positions(
    found: Found, text: str, when: DateQuery, anchor: tuple[int, int] | None
) -> frozenset[int]:
    """The positions of the words that name the date: its phrase, or a date anchored on a record or event."""
    words = set(normalize(text[when.span[0] : when.span[1]]).split()) if when.span else set()
    positions = {i for i, token in enumerate(found.tokens) if token in words}
    return frozenset(positions | set(range(*anchor) if anchor else ()))


def _without_group_names(text: str, found: Found) -> str:
    """The text with group names blanked, so "states that announced withdrawal in 2025" names no date."""
    for mention in found.mentions:
        if mention.target.kind == GROUP:
            name = fold(mention.text)
            text = text.replace(name, " " * len(name))
    return text


def _without_date(
    text: str, when: DateQuery, *, found: Found | None = None, anchor: tuple[int, int] | None = None
) -> str:
    """The question's words with the date phrase taken out ("last christmas" names no ordinal), or the words
    of the record or event it is anchored on ("since the first withdrawal": no "first" either)."""
    if anchor is not None and found is not None:
        return " ".join(w for i, w in enumerate(found.tokens) if not anchor[0] <= i < anchor[1])
    if when.span is None:
        return normalize(text)
    return normalize(text[: when.span[0]] + " " + text[when.span[1] :])


def understand(raw: str, today: dt.date, ix: FactIndex, *, truncated: bool = False) -> Question:
    """Read ``raw`` (already cleaned) as a question asked on ``today``."""
    text = fold(raw)
    norm = normalize(raw)
    found = _with_lowercase_us(ix, ix.entities.find(raw))
    when = find_date(_without_group_names(text, found), today=today)
    states, groups = _entities(ix, found)
    when = _after_as_period(when, norm, bool(states), today)
    anchor = anchored_date(ix, found, today) if not when.explicit else None
    anchor_span: tuple[int, int] | None = None
    if anchor is not None and (
        len(states) + len(groups) > 1
        or I.HOW_MANY.search(norm)
        or _LEX.router_cues["before_after"].search(norm)
    ):
        when, anchor_mention, anchor_span = anchor
        codes = anchor_mention.target.codes
        states = [s for s in states if anchor_mention.target.kind != STATE or s.iso3 not in codes]
        groups = [
            g for g in groups if anchor_mention.target.kind != GROUP or g.id != anchor_mention.target.note
        ]
    if not when.explicit and anchor is None:
        event_anchor = event_anchored_date(ix, found, today)
        if event_anchor is not None:
            when, anchor_span = event_anchor
    t = templated(found, when, drop=anchor_span)
    bare = _without_date(text, when, found=found, anchor=anchor_span)
    dates = date_positions(found, text, when, anchor_span)
    target = count_target(t)
    article = _LEX.router_cues["article"].search(norm)
    question = Question(
        question=raw,
        text=text,
        norm=norm,
        templated=t,
        today=today,
        when=when,
        found=found,
        states=tuple(states),
        groups=tuple(groups),
        truncated=truncated,
        cues=Cues(text=text, norm=norm, templated=t, target=target, bare=bare),
        ordinal=I.ordinal(bare),
        article=int(article.group(1)) if article else None,
        other_treaty=other_treaty(norm),
        unlisted_group=next((name for pattern, name in _LEX.unlisted_groups if pattern.search(norm)), ""),
        count_target=target,
        unknown=unknown_words(ix, found, dates),
        date_tokens=dates,
        off_topic=off_topic_share(ix, found),
    )
    if states or groups:
        return question
    return replace(question, fact_match=FactMatch(ix, t, norm))
