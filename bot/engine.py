"""The answer engine: understand a question, answer it for a date, and cite the sources.

Plain Python with no Discord import, shared by the CLI, the console, the bot and the benchmarks.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot import intents as I
from bot.answers import Answer, Citation, fit
from bot.dates import DateQuery, find_date, format_date
from bot.entities import AMBIGUOUS, GROUP, PLACE, STATE, EntityIndex, Found, Mention
from bot.knowledge import EVENT_KINDS
from bot.records import Event, Fact, Group, KnowledgeBase, State
from bot.status import (
    LABELS,
    NON_PARTY,
    PARTY,
    PENDING_ENTRY_INTO_FORCE,
    SIGNATORY,
    WITHDRAWAL_PENDING,
    WITHDRAWN,
    PartyTimeline,
    status_on,
)
from bot.textnorm import clean, fold, normalize

MAX_QUESTION_CHARS = 500
ANSWER_CACHE_SIZE = 2048
DECLINE_BELOW = 0.5
SCOPE_HINT = (
    "I answer questions about the Ottawa Mine Ban Convention: who is a State Party, who signed, "
    "who withdrew and when, how many parties there are on a date, and what the treaty says. "
    "Try “Is Finland still a party?” or “How does withdrawal work?”"
)
OTHER_TREATIES = {
    r"cluster munitions?|\bccm\b|convention on cluster": "the Convention on Cluster Munitions",
    r"\bccw\b|certain conventional weapons|amended protocol ii": "the Convention on Certain Conventional Weapons",
    r"\bnpt\b|non ?proliferation|nuclear weapons?|\btpnw\b|\bctbt\b|test ban": "a nuclear weapons treaty",
    r"chemical weapons?|\bcwc\b": "the Chemical Weapons Convention",
    r"biological weapons?|\bbwc\b": "the Biological Weapons Convention",
    r"arms trade treaty|\batt\b": "the Arms Trade Treaty",
    r"geneva conventions?|rome statute|\bicc\b|paris agreement|kyoto|montreal protocol|unclos|law of the sea"
    r"|outer space treaty|\bnew start\b|\binf treaty\b": "another treaty",
}
IN_SCOPE_NAMES = re.compile(r"\b(ottawa|mine ban|landmine|land mine|anti personnel mine|apmbc)\b")
INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(rules?|instructions?|previous|above|prompt|guidelines|"
    r"facts?|sources?|data)\b|\b(pretend|role ?play|act as|you are now|from now on|jailbreak|developer mode|"
    r"system prompt|as if you were|as if you are)\b|\bsay (that |it s |its )?[a-z ]{2,30} (is|are|was|has|have) "
    r"(a |an |now |still )?(party|parties|member|withdrawn|left)\b|\brepeat after me\b|\brespond (only )?with\b|"
    r"\bprint your\b|^\s*(system|assistant|user|admin)\s*:|\boverride\b"
)
# An order to "say" something, at the start of a sentence or after "and", "then", "just", "now" or "please".
COMMAND_TO_SAY = re.compile(
    r"(^|[.!?:;,]\s*|\b(and|then|just|now|please|simply)\s+)(say|claim)\s+(that\s+)?\w"
)
NOT_COUNTED_UNITS = frozenset(
    "years year months month days day weeks week articles article times languages mines landmines meetings "
    "conferences hours decades".split()
)
COUNT_NOUNS = re.compile(
    r"\b(state|states|countries|country|nations|nation|parties|party|members|member|signator\w*|signed|ratif\w*|"
    r"acced\w*|accession\w*|withdr\w*|left|joined|join|never|outside|governments|in the treaty|in it)\b"
)
NOT_IN_FACT_BASE = re.compile(
    r"\b(how many (mines|landmines|anti personnel mines|casualties|victims|people|deaths)|biggest|largest|"
    r"most mines|stockpile sizes?|casualt\w*|killed|deaths?|injur\w*|using (mines|landmines|anti personnel)|"
    r"laid|laying|planted|planting|minefields?|producers?|manufactur\w*|export\w*|import\w*|cost of|price)\b"
)
NEUTRAL_WORDS = frozenset(
    "is are was were be the a an of in on to and or what about how status treaty convention ottawa mine mines ban "
    "landmine landmines anti personnel apmbc today now currently current still yet tell me please info information "
    "regarding re for with as at by its it s this that there their they does do did check update latest compare "
    "comparison versus vs between difference show give list details summary overview where stand stands or out "
    "right true correct really actually article art under deal commitment commitments situation record news "
    "update updates standing relationship relation involvement participation position view any some new".split()
)
UNRELATED_TOPICS = re.compile(
    r"\b(capital|population|currency|weather|gdp|economy|football|soccer|cricket|climate|religion|flag|anthem|"
    r"visa|tourism|tourist|time ?zone|king|queen|election|elections|recipe|restaurant|hotel|flight|flights|"
    r"stock market|bitcoin|movie|song|language spoken|spoken|food|cuisine|largest city|area of|olympics|"
    r"prime minister of|president of)\b"
)
WITHDRAWAL_KINDS = frozenset(kind for kind in EVENT_KINDS if kind.startswith("withdrawal_"))
METHOD_NOUN = {
    "ratification": "ratification",
    "accession": "accession",
    "acceptance": "acceptance",
    "approval": "approval",
    "succession": "succession",
}


@dataclass(slots=True)
class _Context:
    question: str
    text: str  # folded, punctuation kept
    norm: str  # normalised words
    templated: str
    today: dt.date
    when: DateQuery
    found: Found
    states: list[State]
    groups: list[Group]
    truncated: bool


class Engine:
    """Answers questions from an in-memory copy of the fact base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        clock: Callable[[], dt.date] | None = None,
        cache_size: int = ANSWER_CACHE_SIZE,
    ) -> None:
        self.kb = kb
        self.cache_size = cache_size
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC).date())
        vocabulary = set()
        for fact in kb.facts.values():
            for text in (*fact.keywords, *fact.questions):
                vocabulary.update(normalize(text).split())
        self.entities = EntityIndex(kb, extra_vocabulary=vocabulary)
        self.by_consent = sorted(
            (s for s in kb.states.values() if s.consent_deposited),
            key=lambda s: (s.consent_deposited, s.name),
        )
        self.timeline = PartyTimeline(kb.states.values())
        self.ambiguous_names = {normalize(a.alias): a.iso3s for a in kb.aliases if a.kind == "ambiguous"}
        self.events_by_state: dict[str, list[Event]] = {}
        for event in kb.events:
            if event.iso3:
                self.events_by_state.setdefault(event.iso3, []).append(event)
        self.fact_questions: list[tuple[str, str]] = [
            (fact.id, normalize(q)) for fact in kb.facts.values() for q in fact.questions
        ]
        self.fact_keywords: dict[str, list[str]] = {
            fact.id: [normalize(k) for k in fact.keywords if normalize(k)] for fact in kb.facts.values()
        }
        self._cache: OrderedDict[tuple[str, dt.date], Answer] = OrderedDict()
        self.facts_by_article: dict[int, list[Fact]] = {}
        for fact in kb.facts.values():
            if fact.article:
                self.facts_by_article.setdefault(fact.article, []).append(fact)

    @classmethod
    def from_database(cls, db_path: Path, **kwargs: object) -> Engine:
        """Load the engine from a built SQLite database."""
        from bot.database import read_knowledge

        return cls(read_knowledge(db_path), **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ entry point
    def ask(self, question: str, *, as_of: dt.date | None = None) -> Answer:
        """Answer ``question`` as if today were ``as_of`` (default: today, UTC). Never raises on bad input."""
        today = as_of or self.clock()
        raw = question if isinstance(question, str) else str(question)
        key = (raw, today)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return copy.copy(cached)
        answer = self._ask(raw, today)
        if self.cache_size:
            self._cache[key] = answer
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return copy.copy(answer)

    def _ask(self, raw: str, today: dt.date) -> Answer:
        truncated = len(raw) > MAX_QUESTION_CHARS
        raw = clean(raw[: MAX_QUESTION_CHARS * 4])[:MAX_QUESTION_CHARS]
        answer = self._answer(raw, today, truncated)
        answer.as_of = today.isoformat()
        answer.truncated_input = truncated
        if truncated:
            answer.text = (
                fit(answer.text, 1500 - 60)
                + f"\n\n_(Your question was cut to {MAX_QUESTION_CHARS} characters.)_"
            )
        answer.text = fit(answer.text)
        if answer.matched and not answer.citations:
            answer.matched = False
        return answer

    def _answer(self, raw: str, today: dt.date, truncated: bool) -> Answer:
        text = fold(raw)
        norm = normalize(raw)
        if not norm:
            return self._decline("Please ask a question. " + SCOPE_HINT, confidence=0.0)
        if INJECTION.search(norm) or INJECTION.search(text) or COMMAND_TO_SAY.search(text):
            return self._decline(
                "I only answer from my cited fact base and don't follow instructions inside a question. "
                + SCOPE_HINT,
                intent="instruction",
            )
        other = self._other_treaty(norm)
        if other and not IN_SCOPE_NAMES.search(norm):
            return self._decline(
                f"That sounds like a question about {other}, which I don't cover. " + SCOPE_HINT,
                intent="out_of_scope",
            )
        found = self.entities.find(raw)
        when = find_date(text, today=today)
        states, groups = [], []
        for mention in found.mentions:
            if mention.target.kind == STATE:
                state = self.kb.states[mention.target.codes[0]]
                if state not in states:
                    states.append(state)
            elif mention.target.kind == GROUP:
                group = self.kb.groups[mention.target.note]
                if group not in groups:
                    groups.append(group)
        anchor = self._relative_date(found, today) if not when.explicit else None
        anchor_span: tuple[int, int] | None = None
        if anchor is not None and (
            len(states) > 1 or groups or I.HOW_MANY.search(norm) or re.search(r"\b(before|after)\b", norm)
        ):
            when, anchor_state, anchor_span = anchor
            states = [s for s in states if s is not anchor_state]
        ctx = _Context(
            question=raw,
            text=text,
            norm=norm,
            templated=self._templated(found, norm, when, drop=anchor_span),
            today=today,
            when=when,
            found=found,
            states=states,
            groups=groups,
            truncated=truncated,
        )
        answer = self._route(ctx)
        if answer.matched:
            answer.date_asked = when.date.isoformat()
            fuzzy = [m for m in found.mentions if m.fuzzy and m.target.kind in (STATE, GROUP)]
            if fuzzy:
                answer.confidence = min(answer.confidence, min(m.score for m in fuzzy))
                names = ", ".join(f"“{m.text}” as {m.target.label}" for m in fuzzy)
                answer.text = f"_(I read {names}.)_\n" + answer.text
            if other:
                answer.text += (
                    f"\n\n_I don't cover {other}; this answer is about the Ottawa Convention only._"
                )
            for mention in found.mentions:
                codes = self.ambiguous_names.get(normalize(mention.text))
                if mention.target.kind == STATE and codes and not mention.fuzzy:
                    chosen = self.kb.states[mention.target.codes[0]].name
                    others = [self.kb.states[c].name for c in codes if c != mention.target.codes[0]]
                    answer.text += (
                        f"\n_“{mention.text}” is read as {chosen}; {', '.join(others)} "
                        f"{'are separate states' if len(others) > 1 else 'is a separate state'}._"
                    )
                    answer.suggestions = [f"Is {name} a party?" for name in others][:3]
        return answer

    def _relative_date(self, found: Found, today: dt.date) -> tuple[DateQuery, State, tuple[int, int]] | None:
        """ "before Poland left", "after Tonga joined": a date anchored on another state's record."""
        tokens = found.tokens
        for mention in found.mentions:
            if mention.target.kind != STATE or mention.start == 0 or mention.end >= len(tokens):
                continue
            word, verb = tokens[mention.start - 1], tokens[mention.end]
            if word not in ("before", "after", "when", "once"):
                continue
            state = self.kb.states[mention.target.codes[0]]
            if re.fullmatch(
                r"left|withdrew|withdrawn|quit|exited|pulled|departed|leaves|withdraws|was", verb
            ):
                day = state.withdrawal_effective
            elif re.fullmatch(r"joined|ratified|acceded|joins|ratifies|accedes|became|become", verb):
                day = state.entry_into_force
            elif re.fullmatch(r"signed|signs", verb):
                day = state.signed
            else:
                continue
            if day is None:
                continue
            if word == "before":
                day = day - dt.timedelta(days=1)
            label = f"{format_date(day)} ({word} {state.name} {verb})"
            return (
                DateQuery(date=day, start=None, label=label, explicit=True),
                state,
                (mention.start - 1, mention.end + 1),
            )
        return None

    # ------------------------------------------------------------------ routing
    def _route(self, ctx: _Context) -> Answer:
        mentions = ctx.found.mentions
        ambiguous = [m for m in mentions if m.target.kind == AMBIGUOUS]
        places = [m for m in mentions if m.target.kind == PLACE]
        if ambiguous and not ctx.states and not ctx.groups:
            return self._did_you_mean_ambiguous(ambiguous[0], ctx)
        if places and not ctx.states and not ctx.groups:
            return self._not_a_state(places[0])
        if ctx.found.set_aside and not ctx.states and not ctx.groups:
            word = ctx.found.set_aside[0]
            if word.target.codes == ("GEO",) and not I.CUES[I.STATUS].search(ctx.templated):
                return self._decline(
                    "That seems to be about the US state of Georgia, which is not a state under international law. "
                    "The country Georgia has never joined the Convention. " + SCOPE_HINT,
                    suggestions=["Is Georgia a party?"],
                    intent="not_a_state",
                )
            return self._decline(
                SCOPE_HINT, intent="out_of_scope", suggestions=[f"Is {word.target.label} a party?"]
            )

        article = re.search(r"\b(?:article|art)\s*(\d{1,2})\b", ctx.norm)
        ordinal = I.ordinal(ctx.norm)
        if article and not ctx.states:
            return self._article(int(article.group(1)), ctx)
        if (
            len(ctx.states) >= 2
            and not ctx.groups
            and re.search(
                r"\b(first|earlier|earliest|before|sooner|later|latest|last|after|which of)\b", ctx.norm
            )
            and (
                I.CUES[I.JOINED].search(ctx.templated)
                or I.CUES[I.SIGNED].search(ctx.templated)
                or I.CUES[I.WITHDRAWAL].search(ctx.templated)
            )
        ):
            return self._compare(ctx)
        if ctx.states and not ctx.groups:
            if (ordinal is not None and I.CUES[I.JOINED].search(ctx.norm)) or (
                ordinal is not None and "party" in ctx.norm
            ):
                return self._nth(ordinal, ctx)
            if I.HOW_MANY.search(ctx.norm) and COUNT_NOUNS.search(self._count_target(ctx.templated)):
                return self._count(ctx, withdraw=False, signed=False, never=False)
            return self._state_question(ctx)
        if ctx.groups:
            return self._group_question(ctx)
        return self._general_question(ctx, ordinal)

    def _state_question(self, ctx: _Context) -> Answer:
        scores = I.score_state_intents(ctx.templated)
        top = scores[0]
        unrelated = UNRELATED_TOPICS.search(ctx.norm)
        if NOT_IN_FACT_BASE.search(ctx.norm) and not I.CUES[I.WITHDRAWAL].search(ctx.templated):
            names = [s.name for s in ctx.states[:3]]
            return self._decline(
                "The fact base covers who is bound by the Convention and when, not figures on mine use, stockpiles, "
                "production or casualties; the Landmine Monitor publishes those. I can tell you a state's status.",
                suggestions=[f"Is {n} a party?" for n in names],
                intent="out_of_scope",
            )
        if not any(s.cue for s in scores):
            # A bare name ("poland", "Finland?", "what about Chad") asks for its status; other topics are out of scope.
            covered = ctx.found.covered()
            leftover = [
                t
                for i, t in enumerate(ctx.found.tokens)
                if i not in covered and t not in NEUTRAL_WORDS and not t.isdigit()
            ]
            if unrelated or leftover:
                names = [s.name for s in ctx.states[:3]]
                return self._decline(
                    "I can only tell you about states' status under the Ottawa Mine Ban Convention. "
                    + SCOPE_HINT,
                    suggestions=[f"Is {n} a party?" for n in names],
                    intent="out_of_scope",
                )
            intent, confidence = I.STATUS, 0.75
        else:
            intent, confidence = top.intent, min(1.0, 0.55 + top.score * 0.5)
        if unrelated and not any(s.cue for s in scores[:1]):
            confidence = min(confidence, 0.4)
        if confidence < DECLINE_BELOW:
            return self._decline(
                "I'm not sure what you'd like to know. " + SCOPE_HINT,
                suggestions=self._state_suggestions(ctx.states[0]),
            )
        if I.CUES[I.TIMELINE].search(ctx.templated) and intent in (I.WITHDRAWAL, I.STATUS, I.TIMELINE):
            intent = I.TIMELINE
        builders = {
            I.STATUS: self._status_text,
            I.SIGNED: self._signed_text,
            I.JOINED: self._joined_text,
            I.WITHDRAWAL: self._withdrawal_text,
        }
        if intent == I.TIMELINE:
            return self._timeline(ctx, confidence)
        parts: list[str] = []
        citations: list[Citation] = []
        many = len(ctx.states) > 1
        for state in ctx.states[:8]:
            text, extra = builders[intent](state, ctx, compact=many)
            parts.append(text)
            citations.extend(extra)
        if len(ctx.states) > 8:
            parts.append(f"_({len(ctx.states) - 8} more states named; ask about them separately.)_")
        citations.insert(0, self._depositary_citation(ctx.states[:8]))
        return self._matched(
            "\n".join(parts) if many else "\n\n".join(parts), ctx.states, citations, confidence, intent
        )

    # ------------------------------------------------------------------ per-state texts
    def _tense(self, when: dt.date, today: dt.date) -> tuple[str, str, str]:
        """Words for a status on ``when``: ("is", "has", "") today, ("was", "had", "On D, ") in the past."""
        if when == today:
            return "is", "has", ""
        if when < today:
            return "was", "had", f"On {format_date(when)}, "
        return (
            "will be",
            "will have",
            f"On {format_date(when)} (going by the record as of {format_date(today)}), ",
        )

    @staticmethod
    def _yes(ctx: _Context, word: str = "Yes") -> str:
        """``"Yes. "`` for a yes/no question; nothing for "when" and other questions."""
        first = ctx.found.tokens[0] if ctx.found.tokens else ""
        yes_no = first in {
            "is",
            "was",
            "are",
            "were",
            "has",
            "have",
            "had",
            "did",
            "does",
            "do",
            "will",
            "can",
            "could",
        }
        return f"{word}. " if yes_no and not I.WHEN.search(ctx.norm) else ""

    @staticmethod
    def _happens(day: dt.date, today: dt.date, past: str, future: str) -> str:
        return past if day <= today else future

    def _status_text(
        self, state: State, ctx: _Context, *, compact: bool = False
    ) -> tuple[str, list[Citation]]:
        d, today = ctx.when.date, ctx.today
        be, have, lead = self._tense(d, today)
        code = status_on(state, d)
        name = f"**{state.name}**"
        s = self._sentence_start
        method = METHOD_NOUN.get(state.consent_method or "", "instrument")
        if code == PARTY:
            text = s(lead, f"{name} {be} a **State Party**")
            if state.entry_into_force:
                text += (
                    f": its {method} was deposited on {format_date(state.consent_deposited)} and it "
                    f"{'has' if have == 'has' else 'had'} been bound since {format_date(state.entry_into_force)}."
                )
            if state.withdrawal_notified and state.withdrawal_notified > d:
                text += (
                    f" It later gave notice of withdrawal on {format_date(state.withdrawal_notified)}; the withdrawal "
                    + self._happens(state.withdrawal_effective, today, "took", "will take")
                    + f" effect on {format_date(state.withdrawal_effective)}."
                )
        elif code == WITHDRAWAL_PENDING:
            text = s(
                lead, f"{name} {be} still a **State Party**, but it {have} given notice of withdrawal"
            ) + (
                f" (on {format_date(state.withdrawal_notified)}); the withdrawal "
                + self._happens(state.withdrawal_effective, today, "took", "will take")
                + f" effect on {format_date(state.withdrawal_effective)} (Article 20(3)). A state stays bound until "
                "its withdrawal takes effect."
            )
        elif code == WITHDRAWN:
            text = s(lead, f"{name} {_be_not(be, 'a State Party')}: it withdrew") + (
                f", with effect from {format_date(state.withdrawal_effective)} (notice given on "
                f"{format_date(state.withdrawal_notified)}). It had been bound from "
                f"{format_date(state.entry_into_force)}; once the withdrawal took effect, the Convention's ban no "
                "longer bound it."
            )
        elif code == PENDING_ENTRY_INTO_FORCE:
            text = s(lead, f"{name} {have} deposited its instrument of {method}") + (
                f" (on {format_date(state.consent_deposited)}) but {_be_not(be, 'yet bound')}: the Convention "
                + self._happens(state.entry_into_force, today, "entered", "enters")
                + f" into force for it on {format_date(state.entry_into_force)} (Article 17). Counts that go by "
                "deposit date, such as ICBL's, already list it as a State Party."
            )
        elif code == SIGNATORY:
            text = s(lead, f"{name} {have} **signed** the Convention") + (
                f" (on {format_date(state.signed)}) but not ratified it, so it {_be_not(be, 'a State Party')}."
            )
        else:
            joined_later = state.consent_deposited and state.consent_deposited > d
            if joined_later:
                text = s(lead, f"{name} {_be_not(be, 'yet a party')}.")
            else:
                text = s(
                    lead, f"{name} {_be_not(be, 'a party')}: it has never signed or joined the Convention."
                )
        if code in (SIGNATORY, NON_PARTY) and state.consent_deposited and state.consent_deposited > d:
            text += (
                f" It later joined by {method}, deposited on {format_date(state.consent_deposited)}, and "
                + ("has been" if state.entry_into_force <= today else "will be")
                + f" bound from {format_date(state.entry_into_force)}."
            )
        text += self._period_changes(state, ctx)
        if d != today:
            now_code = status_on(state, today)
            if now_code != code:
                text += f" Today ({format_date(today)}) its status is: {LABELS[now_code]}."
        text += self._notes(state, d, compact=compact)
        return text, self._state_event_citations(
            state, d, kinds={"withdrawal_notified", "withdrawal_effective"}
        )

    @staticmethod
    def _sentence_start(lead: str, rest: str) -> str:
        return lead + rest if lead else rest

    def _period_changes(self, state: State, ctx: _Context) -> str:
        if not ctx.when.is_period or ctx.when.start is None:
            return ""
        start, end = ctx.when.start, ctx.when.date
        milestones = [
            (state.signed, "signed"),
            (
                state.consent_deposited,
                f"deposited its {METHOD_NOUN.get(state.consent_method or '', 'instrument')}",
            ),
            (state.entry_into_force, "became bound"),
            (state.withdrawal_notified, "gave notice of withdrawal"),
            (state.withdrawal_effective, "its withdrawal took effect"),
        ]
        inside = [f"{what} on {format_date(day)}" for day, what in milestones if day and start <= day <= end]
        if not inside:
            return ""
        return f" During {ctx.when.label} it " + "; ".join(inside) + "."

    def _notes(self, state: State, d: dt.date, *, compact: bool) -> str:
        out = ""
        if state.iso3 == "UKR" or (state.confidence != "high" and state.note):
            relevant = state.iso3 != "UKR" or d >= dt.date(2025, 6, 29)
            if relevant and state.note:
                out += f"\n> Note: {state.note}" if not compact else f" _Note: {state.note}_"
        return out

    def _signed_text(
        self, state: State, ctx: _Context, *, compact: bool = False
    ) -> tuple[str, list[Citation]]:
        d, today = ctx.when.date, ctx.today
        _be, have, lead = self._tense(d, today)
        name = f"**{state.name}**"
        if state.signed and state.signed <= d:
            text = f"{self._yes(ctx)}{name} signed the Convention on {format_date(state.signed)}."
            if state.consent_deposited and state.consent_deposited <= d:
                text += (
                    f" It then deposited its {METHOD_NOUN.get(state.consent_method or '', 'instrument')} on "
                    f"{format_date(state.consent_deposited)} and was bound from {format_date(state.entry_into_force)}."
                )
            elif state.consent_deposited:
                text += f" It ratified later, on {format_date(state.consent_deposited)}."
            else:
                text += " It has not ratified it."
        elif state.signed:
            text = self._sentence_start(
                lead, f"{name} {have} not yet signed; it signed on {format_date(state.signed)}."
            )
        elif state.consent_deposited:
            text = (
                f"No. {name} never signed the Convention; it joined by {state.consent_method} on "
                f"{format_date(state.consent_deposited)} and "
                + ("has been" if state.entry_into_force <= today else "will be")
                + f" bound from {format_date(state.entry_into_force)}. States that did not sign join by accession "
                "(Article 16)."
            )
            if state.consent_deposited > d:
                text += f" On {format_date(d)} it had not yet joined."
        else:
            text = f"No. {name} has never signed or joined the Convention."
        text += self._withdrawal_suffix(state, d, today)
        text += self._notes(state, d, compact=compact)
        return text, []

    def _joined_text(
        self, state: State, ctx: _Context, *, compact: bool = False
    ) -> tuple[str, list[Citation]]:
        d, today = ctx.when.date, ctx.today
        name = f"**{state.name}**"
        if state.consent_deposited:
            method = METHOD_NOUN.get(state.consent_method or "", "instrument")
            bound = self._happens(state.entry_into_force, today, "entered", "enters")
            text = (
                f"{name} joined by {method}: it deposited its instrument on {format_date(state.consent_deposited)}, "
                f"and the Convention {bound} into force for it on {format_date(state.entry_into_force)}."
            )
            if state.signed:
                text += f" It had signed on {format_date(state.signed)}."
            if state.consent_method == "succession":
                text += " A succession can take effect from independence, before the deposit."
            if state.consent_deposited > d:
                text += f" So on {format_date(d)} it had not yet joined."
            elif state.entry_into_force > d:
                text += f" So on {format_date(d)} it had joined but was not yet bound."
        elif state.signed:
            text = (
                f"{name} signed on {format_date(state.signed)} but has never ratified, so it has not joined."
            )
        else:
            text = f"{name} has never joined the Convention: it has neither signed nor acceded."
        text += self._withdrawal_suffix(state, d, today)
        text += self._notes(state, d, compact=compact)
        return text, []

    def _withdrawal_suffix(self, state: State, d: dt.date, today: dt.date) -> str:
        if not state.withdrawal_notified:
            return ""
        effect = self._happens(state.withdrawal_effective, today, "took", "will take")
        return (
            f" It later withdrew: notice on {format_date(state.withdrawal_notified)}, which {effect} effect on "
            f"{format_date(state.withdrawal_effective)}."
        )

    def _withdrawal_text(
        self, state: State, ctx: _Context, *, compact: bool = False
    ) -> tuple[str, list[Citation]]:
        d, today = ctx.when.date, ctx.today
        be, _have, lead = self._tense(d, today)
        name = f"**{state.name}**"
        code = status_on(state, d)
        if state.withdrawal_notified and state.withdrawal_notified <= d:
            effect_verb = self._happens(state.withdrawal_effective, today, "took", "will take")
            text = (
                f"{self._yes(ctx)}{name} deposited its instrument of withdrawal on "
                f"{format_date(state.withdrawal_notified)}, and "
                f"the withdrawal {effect_verb} effect on {format_date(state.withdrawal_effective)}, six months later "
                "(Article 20(3))."
            )
            if code == WITHDRAWN:
                text += " " + _cap(f"{lead}it {be} no longer a State Party.")
            else:
                text += " " + _cap(
                    f"{lead}it {be} still a State Party until then, as a state stays bound until its withdrawal "
                    "takes effect."
                )
        elif state.withdrawal_notified:
            text = (
                f"Not on {format_date(d)}: {name} was still a State Party then. It later deposited its instrument of "
                f"withdrawal on {format_date(state.withdrawal_notified)}, which "
                + self._happens(state.withdrawal_effective, today, "took", "will take")
                + f" effect on {format_date(state.withdrawal_effective)}."
            )
        elif state.iso3 == "UKR":
            text = (
                f"No. {name} has not withdrawn under Article 20 and {be} still a **State Party**. In July 2025 it "
                "declared that it was *suspending* the Convention (law of 15 July, notice to the UN on 18 July 2025), "
                "but the Convention has no suspension clause and the depositary records no withdrawal notification. "
                "Under Article 20(3), a withdrawal could not take effect while Ukraine is engaged in an armed conflict."
            )
            return text, self._state_event_citations(
                state, d, kinds={"withdrawal_notified", "withdrawal_reason"}
            )
        elif code in (PARTY, PENDING_ENTRY_INTO_FORCE):
            text = (
                f"No. {name} has not withdrawn: it {be} a **State Party** on {format_date(d)}"
                + (f" (bound since {format_date(state.entry_into_force)})" if code == PARTY else "")
                + ", and the depositary records no withdrawal notification from it."
            )
            if code == PENDING_ENTRY_INTO_FORCE:
                text = (
                    f"No. {name} has not withdrawn; on {format_date(d)} it had joined but was not yet bound (from "
                    f"{format_date(state.entry_into_force)})."
                )
        else:
            text = (
                f"{name} never joined the Convention, so it has nothing to withdraw from; it {be} not a party on "
                f"{format_date(d)}."
            )
            if state.signed:
                text += f" It signed on {format_date(state.signed)} but did not ratify."
        text += self._notes(state, d, compact=compact) if state.iso3 != "UKR" else ""
        return text, self._state_event_citations(
            state, d, kinds={"withdrawal_notified", "withdrawal_effective"}
        )

    def _timeline(self, ctx: _Context, confidence: float) -> Answer:
        why = bool(re.search(r"\b(why|reason\w*|motiv\w*|justif\w*|rationale)\b", ctx.norm))
        if why and len(ctx.states) > 1:
            return self._reasons(ctx, confidence)
        lines: list[str] = []
        citations: list[Citation] = [self._depositary_citation(ctx.states[:3])]
        for state in ctx.states[:3]:
            events = list(self.events_by_state.get(state.iso3, []))
            header = f"**{state.name}**"
            reasons = [e for e in events if e.kind == "withdrawal_reason"]
            if why:
                if reasons:
                    lines.append(
                        f"{header}: " + " ".join(e.snippet.replace("Reason given: ", "") for e in reasons)
                    )
                    citations.extend(self._event_citation(e) for e in reasons)
                elif not state.withdrawal_notified:
                    status_text, _ = self._status_text(state, ctx, compact=True)
                    lines.append(
                        f"{header} has not withdrawn, so there is no withdrawal to explain. {status_text}"
                    )
                    continue
                else:
                    lines.append(f"{header}: the fact base records no stated reason.")
            else:
                lines.append(f"{header}, timeline:")
            milestones = self._milestones(state)
            chosen = [
                e for e in events if e.kind != "withdrawal_reason" and (not why or e.kind in WITHDRAWAL_KINDS)
            ]
            event_days = {(e.date, e.kind) for e in chosen}
            entries: list[tuple[dt.date, str]] = [
                (day, what) for day, kind, what in milestones if (day, kind) not in event_days and not why
            ]
            entries += [(e.date, e.snippet) for e in chosen]
            entries.sort(key=lambda x: x[0])
            if ctx.when.is_period and ctx.when.start is not None:
                start, end = ctx.when.start, ctx.when.date
                within = [(day, what) for day, what in entries if start <= day <= end]
                if within:
                    entries = within
                    lines[-1] = f"{header}, during {ctx.when.label}:"
            if not entries and not why:
                status_text, _ = self._status_text(state, ctx, compact=True)
                lines[-1] = f"{header}: the fact base records no dated events for it. {status_text}"
            for day, what in entries:
                lines.append(f"• {format_date(day)}: {what}")
            citations.extend(self._event_citation(e) for e in chosen[:4])
        return self._matched("\n".join(lines), ctx.states[:3], citations, confidence, I.TIMELINE)

    def _compare(self, ctx: _Context) -> Answer:
        """Order several states by when they signed, joined or withdrew."""
        if I.CUES[I.WITHDRAWAL].search(ctx.templated):
            label, pick = "gave notice of withdrawal", lambda s: s.withdrawal_notified
        elif I.CUES[I.SIGNED].search(ctx.templated) and not I.CUES[I.JOINED].search(ctx.templated):
            label, pick = "signed", lambda s: s.signed
        else:
            label, pick = (
                "deposited its instrument of ratification or accession",
                lambda s: s.consent_deposited,
            )
        dated = sorted((s for s in ctx.states if pick(s)), key=lambda s: pick(s))
        undated = [s for s in ctx.states if not pick(s)]
        lines = []
        if dated:
            first = dated[0]
            ties = [s for s in dated if pick(s) == pick(first)]
            if len(ties) > 1:
                lines.append(
                    f"{' and '.join(s.name for s in ties)} {label} on the same day, {format_date(pick(first))}."
                )
            else:
                lines.append(f"**{first.name}** {label} first, on {format_date(pick(first))}.")
            lines += [f"• {s.name}: {format_date(pick(s))}" for s in dated]
        for s in undated:
            lines.append(f"• {s.name}: never {label.split(' its ')[0] if ' its ' in label else label}.")
        return self._matched(
            "\n".join(lines), ctx.states, [self._depositary_citation(ctx.states)], 0.85, I.STATUS
        )

    def _reasons(self, ctx: _Context, confidence: float) -> Answer:
        """Why several states withdrew: each stated reason once, then the key dates."""
        by_reason: dict[str, list[State]] = {}
        events: dict[str, Event] = {}
        silent: list[State] = []
        for state in ctx.states:
            reasons = [e for e in self.events_by_state.get(state.iso3, []) if e.kind == "withdrawal_reason"]
            if not reasons:
                silent.append(state)
            for event in reasons:
                by_reason.setdefault(event.snippet, []).append(state)
                events.setdefault(event.snippet, event)
        lines = []
        for snippet, states in by_reason.items():
            names = ", ".join(s.name for s in states)
            lines.append(f"**{names}**: {snippet.replace('Reason given: ', '')}")
        for state in silent:
            if state.withdrawal_notified:
                lines.append(f"**{state.name}**: the fact base records no stated reason.")
            else:
                lines.append(f"**{state.name}** has not withdrawn.")
        gone = [s for s in ctx.states if s.withdrawal_notified]
        if gone:
            lines.append(self._withdrawn_lines(gone, ctx.when.date, ctx.today))
        citations = [self._depositary_citation(ctx.states)] + [
            self._event_citation(e) for e in events.values()
        ]
        return self._matched("\n".join(lines), ctx.states, citations, confidence, I.TIMELINE)

    def _milestones(self, state: State) -> list[tuple[dt.date, str, str]]:
        method = METHOD_NOUN.get(state.consent_method or "", "instrument")
        rows: list[tuple[dt.date, str, str]] = []
        if state.signed:
            rows.append((state.signed, "signature", "signed the Convention (depositary record)."))
        if state.consent_deposited:
            rows.append(
                (
                    state.consent_deposited,
                    state.consent_method or "",
                    f"deposited its instrument of {method}.",
                )
            )
        if state.entry_into_force:
            rows.append(
                (state.entry_into_force, "entered_into_force", "the Convention entered into force for it.")
            )
        if state.withdrawal_notified:
            rows.append(
                (state.withdrawal_notified, "withdrawal_notified", "instrument of withdrawal deposited.")
            )
        if state.withdrawal_effective:
            rows.append((state.withdrawal_effective, "withdrawal_effective", "withdrawal took effect."))
        return rows

    # ------------------------------------------------------------------ groups
    def _group_question(self, ctx: _Context) -> Answer:
        group = ctx.groups[0]
        signed = I.CUES[I.SIGNED].search(ctx.templated)
        joined = I.CUES[I.JOINED].search(ctx.templated)
        if (signed or joined) and I.WHEN.search(ctx.norm) and not I.CUES[I.WITHDRAWAL].search(ctx.templated):
            return self._group_dates(ctx, group, signed=bool(signed and not joined))
        if I.HOW_MANY.search(ctx.norm) is None and re.search(r"\b(why|reason\w*)\b", ctx.norm):
            ctx.states = [self.kb.states[c] for c in group.members]
            return self._timeline(ctx, 0.8)
        d, today = ctx.when.date, ctx.today
        be = self._tense(d, today)[0]
        members = [self.kb.states[c] for c in group.members]
        by_code: dict[str, list[State]] = {}
        for state in members:
            by_code.setdefault(status_on(state, d), []).append(state)
        in_count = len(by_code.get(PARTY, [])) + len(by_code.get(WITHDRAWAL_PENDING, []))
        withdraw_focus = bool(I.CUES[I.WITHDRAWAL].search(ctx.templated))
        lines = [
            f"Of the {len(members)} {group.name}, **{in_count}** {'are' if be == 'is' else 'were' if be == 'was' else 'will be'} "
            f"States Parties on {format_date(d)}."
        ]
        order = (WITHDRAWN, WITHDRAWAL_PENDING, PARTY, PENDING_ENTRY_INTO_FORCE, SIGNATORY, NON_PARTY)
        if not withdraw_focus:
            order = (PARTY, WITHDRAWAL_PENDING, WITHDRAWN, PENDING_ENTRY_INTO_FORCE, SIGNATORY, NON_PARTY)
        titles = {
            PARTY: "State Party",
            WITHDRAWAL_PENDING: "State Party, withdrawal pending",
            WITHDRAWN: "Withdrawn",
            PENDING_ENTRY_INTO_FORCE: "Joined, not yet bound",
            SIGNATORY: "Signed, not ratified",
            NON_PARTY: "Never joined",
        }
        for code in order:
            group_states = by_code.get(code, [])
            if not group_states:
                continue
            names = []
            for state in group_states:
                if code in (WITHDRAWN, WITHDRAWAL_PENDING):
                    names.append(
                        f"{state.name} (notice {format_date(state.withdrawal_notified)}, effective "
                        f"{format_date(state.withdrawal_effective)})"
                    )
                elif code == PENDING_ENTRY_INTO_FORCE:
                    names.append(f"{state.name} (bound from {format_date(state.entry_into_force)})")
                else:
                    names.append(state.name)
            lines.append(f"• {titles[code]} ({len(group_states)}): " + ", ".join(names))
        if withdraw_focus and not by_code.get(WITHDRAWN) and not by_code.get(WITHDRAWAL_PENDING):
            lines.insert(1, f"None of them had withdrawn or given notice of withdrawal by {format_date(d)}.")
        if group.note:
            lines.append(f"_{group.note}_")
        citations = [
            self._depositary_citation(members),
            *self._source_citations(
                group.sources,
                snippet=f"Members of the {group.name}: " + ", ".join(s.name for s in members) + ".",
            ),
        ]
        return self._matched("\n".join(lines), members, citations, 0.9, I.GROUP)

    def _group_dates(self, ctx: _Context, group: Group, *, signed: bool) -> Answer:
        members = sorted((self.kb.states[c] for c in group.members), key=lambda s: s.name)
        lines = [f"{group.name}, when each {'signed' if signed else 'joined'}:"]
        for state in members:
            if signed:
                lines.append(
                    f"• {state.name}: "
                    + (f"signed {format_date(state.signed)}" if state.signed else "never signed")
                )
            elif state.consent_deposited:
                line = (
                    f"• {state.name}: {state.consent_method} {format_date(state.consent_deposited)}, bound from "
                    f"{format_date(state.entry_into_force)}"
                )
                if state.withdrawal_effective:
                    line += f"; withdrew with effect from {format_date(state.withdrawal_effective)}"
                lines.append(line)
            else:
                lines.append(f"• {state.name}: never joined")
        citations = [self._depositary_citation(members)]
        return self._matched("\n".join(lines), members, citations, 0.88, I.GROUP)

    # ------------------------------------------------------------------ questions with no state
    def _general_question(self, ctx: _Context, ordinal: int | None) -> Answer:
        norm, t = ctx.norm, ctx.templated
        withdraw = bool(I.CUES[I.WITHDRAWAL].search(t))
        how_many = bool(I.HOW_MANY.search(norm))
        listy = bool(I.LIST.search(norm))
        never = bool(I.NEVER.search(norm))
        signed = bool(I.CUES[I.SIGNED].search(t))
        joined = bool(I.CUES[I.JOINED].search(t))
        party_words = bool(
            re.search(r"\b(party|parties|member|members|joined|join|ratif\w*|in the treaty)\b", norm)
        )
        procedural = bool(
            re.search(
                r"\b(how (does|do|can|is|would|long)|procedure|process|rules?|can a|could a|can states?|what happens|"
                r"article|armed conflict|war|allowed|permitted|possible|must|required|have to|need to|may a)\b",
                norm,
            )
        )
        fact, fact_score = self._best_fact(ctx)
        meeting = bool(re.search(r"\b(meeting|meetings|msp|conference|conferences|revcon|summit)\b", norm))
        if NOT_IN_FACT_BASE.search(norm) and not procedural:
            return self._decline(
                "The fact base covers who is bound by the Convention and when, and what it says, not figures on mine "
                "use, stockpiles, production or casualties; the Landmine Monitor publishes those.",
                suggestions=["How many States Parties are there?", "What does the treaty ban?"],
                intent="out_of_scope",
            )
        if (
            re.search(r"\b(acced\w*|accession|accessions)\b", norm)
            and (
                how_many or re.search(r"\b(ratif\w*|rather|instead|versus|vs|method|methods|how did)\b", norm)
            )
            and not ctx.when.is_period
            and not re.search(r"\b(differ\w*|difference|mean|means|meaning|what is)\b", norm)
        ):
            return self._by_method(ctx)
        if ordinal is not None and signed and not joined and not meeting:
            return self._first_signatures(ctx)
        if ordinal is not None and (joined or party_words or "instrument" in norm) and not meeting:
            return self._nth(ordinal, ctx)
        if ctx.when.is_period and re.search(
            r"\b(happen\w*|events?|news|changed?|changes|timeline|going on)\b", norm
        ):
            return self._events_in_period(ctx)
        if ctx.when.is_period and joined and not withdraw and not how_many and not never:
            return self._joined_in_period(ctx)
        if I.RECENT_CUE.search(norm) and (joined or party_words):
            return self._recent(ctx)
        needed = bool(
            re.search(r"\b(needed|required|necessary|need|require|does it take|did it take)\b", norm)
        )
        target = self._count_target(t)
        if how_many and not (needed and fact and fact_score >= 0.45) and COUNT_NOUNS.search(target):
            return self._count(
                ctx,
                withdraw=bool(I.CUES[I.WITHDRAWAL].search(target)),
                signed=bool(I.CUES[I.SIGNED].search(target)),
                never=bool(I.NEVER.search(target)),
            )
        if re.search(
            r"\b(not yet (bound|in force)|pending entry|awaiting entry|consented but|deposited but|joined but|"
            r"ratified but not (yet )?(bound|in force))\b",
            norm,
        ):
            return self._list_pending(ctx)
        if re.search(
            r"\b(signed|signatory|signatories)\b.*\b(not|never|but|yet|without|havent|hasnt|didnt|isnt|arent|still)\b.*\bratif",
            norm,
        ):
            return self._list_signatories(ctx)
        if signed and not never and not procedural and listy and not joined:
            return self._count(ctx, withdraw=False, signed=True, never=False)
        first_withdrawal = withdraw and re.search(r"\b(first|earliest)\b", norm)
        if withdraw and (
            first_withdrawal or (not procedural and (listy or "withdrawals" in norm or not fact))
        ):
            return self._list_withdrawn(ctx)
        if never and (party_words or signed or "treaty" in norm or "convention" in norm) and not procedural:
            return self._list_not_parties(ctx, never_signed=signed and not joined)
        strong_list = bool(re.search(r"\b(which|list|who are|name|names|show)\b", norm))
        if strong_list and party_words and not procedural and fact_score < 0.6:
            return self._list_parties(ctx)
        domain = bool(I.TREATY_WORDS.search(norm))
        if UNRELATED_TOPICS.search(norm) and not re.search(
            r"\b(treaty|convention|mines?|landmines?|ban)\b", norm
        ):
            return self._decline(SCOPE_HINT, intent="out_of_scope")
        if fact and fact_score >= 0.45 and domain:
            return self._fact(fact, ctx, confidence=fact_score)
        suggestions = []
        for _word, iso3, _ in sorted(ctx.found.near_misses, key=lambda m: -m[2])[:3]:
            suggestions.append(f"Is {self.kb.states[iso3].name} a party?")
        state_shaped = any(I.CUES[i].search(t) for i in (I.STATUS, I.SIGNED, I.JOINED, I.WITHDRAWAL))
        if fact and fact_score >= 0.3 and I.TREATY_WORDS.search(norm) and not (suggestions and state_shaped):
            suggestions = [self.kb.facts[f].questions[0].capitalize() + "?" for f in self._top_facts(ctx)[:3]]
            return self._decline("I'm not sure which part of the treaty you mean.", suggestions=suggestions)
        if suggestions:
            return self._decline(
                "I couldn't find a state by that name. " + SCOPE_HINT,
                suggestions=list(dict.fromkeys(suggestions))[:3],
            )
        return self._decline(SCOPE_HINT, intent="out_of_scope")

    @staticmethod
    def _count_target(norm: str) -> str:
        """The words that say what to count: from "how many" to the end of that clause."""
        match = I.HOW_MANY.search(norm)
        rest = norm[match.end() :] if match else norm
        if rest.split()[:1] and rest.split()[0] in NOT_COUNTED_UNITS:
            return ""  # "how many years/days/articles ...": not a count of states
        clause = re.split(
            r"\b(?:before|after|since|as of|by|during)\b|\b(?:on|in|when)\b(?=\s+(?:\d|jan|feb|mar|apr|may|jun|jul|"
            r"aug|sep|oct|nov|dec|the (?:end|start|beginning)|early|late|last|this|next))",
            rest,
        )[0]
        return " ".join(clause.split()[:8])

    def _count(self, ctx: _Context, *, withdraw: bool, signed: bool, never: bool) -> Answer:
        d, today = ctx.when.date, ctx.today
        be = self._tense(d, today)[0]
        verb = "are" if be == "is" else "were" if be == "was" else "will be"
        states = list(self.kb.states.values())
        if withdraw:
            gone = [s for s in states if s.withdrawal_notified and s.withdrawal_notified <= d]
            effective = [s for s in gone if s.withdrawal_effective <= d]
            text = (
                f"By {format_date(d)}, **{len(gone)}** States Parties had given notice of withdrawal, and "
                f"**{len(effective)}** withdrawals had taken effect."
            )
            if gone:
                text += " " + self._withdrawn_lines(gone, d, today, inline=True)
            text += self._ukraine_list_note(d)
            return self._matched(text, gone, [self._depositary_citation(gone)], 0.9, I.COUNT)
        if signed and not never:
            signers = [s for s in states if s.signed and s.signed <= d]
            text = (
                f"**{len(signers)}** states had signed the Convention by {format_date(d)}. It was open for "
                "signature from 3 December 1997 until it entered into force on 1 March 1999; since then states join "
                "by accession."
            )
            unratified = [s for s in signers if not (s.consent_deposited and s.consent_deposited <= d)]
            if unratified:
                text += (
                    f" {len(unratified)} of them had not ratified: "
                    + ", ".join(s.name for s in unratified)
                    + "."
                )
            return self._matched(text, [], [self._depositary_citation([])], 0.9, I.COUNT)
        un_only = bool(re.search(r"\bun (member|members|member states?)\b|\bmembers of the un\b", ctx.norm))
        scope = [s for s in states if s.un_member] if un_only else states
        scope_label = f"the {len(scope)} UN member states" if un_only else f"the {len(scope)} states"
        if never:
            strictly = re.search(r"\b(never|yet to|havent|hasnt|not yet|didnt|did not)\b", ctx.norm)
            outside = [s for s in scope if not (s.consent_deposited and s.consent_deposited <= d)]
            if strictly:
                text = f"**{len(outside)}** of {scope_label} had never joined the Convention by {format_date(d)}."
            else:
                not_parties = [s for s in scope if status_on(s, d) not in (PARTY, WITHDRAWAL_PENDING)]
                gone = [s for s in not_parties if status_on(s, d) == WITHDRAWN]
                text = (
                    f"**{len(not_parties)}** of {scope_label} {verb} not States Parties on {format_date(d)}: "
                    f"{len(outside)} never joined"
                    + (f" and {len(gone)} withdrew ({', '.join(s.name for s in gone)})" if gone else "")
                    + "."
                )
            return self._matched(text, [], [self._depositary_citation([])], 0.85, I.COUNT)
        if un_only:
            in_un = [s for s in scope if status_on(s, d) in (PARTY, WITHDRAWAL_PENDING)]
            share = 100 * len(in_un) / len(scope)
            others = [
                s.name for s in states if not s.un_member and status_on(s, d) in (PARTY, WITHDRAWAL_PENDING)
            ]
            text = (
                f"**{len(in_un)}** of {scope_label} {verb} States Parties on {format_date(d)} ({share:.0f}%)."
                + (f" The other States Parties are not UN members: {', '.join(others)}." if others else "")
            )
            return self._matched(text, [], [self._depositary_citation([])], 0.88, I.COUNT)
        parties = self.timeline.count_on(d)
        pending = [s for s in states if status_on(s, d) == PENDING_ENTRY_INTO_FORCE]
        leaving = [s for s in states if status_on(s, d) == WITHDRAWAL_PENDING]
        text = f"There {verb} **{parties} States Parties** on {format_date(d)}."
        if leaving:
            text += (
                f" That includes {len(leaving)} whose withdrawal was pending ("
                + ", ".join(s.name for s in leaving)
                + "), as a state stays bound until its withdrawal takes effect."
            )
        if pending:
            text += (
                f" {len(pending)} more had deposited {'their instruments' if len(pending) > 1 else 'its instrument'} but "
                f"{'were' if len(pending) > 1 else 'was'} not yet bound ("
                + ", ".join(f"{s.name}, from {format_date(s.entry_into_force)}" for s in pending)
                + f"); counts that go by deposit date give {parties + len(pending)}."
            )
        ever = [s for s in states if s.consent_deposited and s.consent_deposited <= d]
        left = [s for s in ever if s.withdrawal_effective and s.withdrawal_effective <= d]
        if left:
            text += (
                f" In all, {len(ever)} states have ratified or acceded; {len(left)} of them later withdrew ("
                + ", ".join(s.name for s in left)
                + ")."
            )
        changes = self._count_changes(d - dt.timedelta(days=365), d)
        if changes:
            text += "\nChanges in the year to that date: " + "; ".join(changes) + "."
        return self._matched(text, [], [self._depositary_citation([])], 0.92, I.COUNT)

    def _count_changes(self, start: dt.date, end: dt.date) -> list[str]:
        out = []
        for day, before, after in self.timeline.changes(start, end):
            who = [
                s.name for s in self.kb.states.values() if day in (s.entry_into_force, s.withdrawal_effective)
            ]
            out.append(f"{format_date(day)}: {before} → {after} ({', '.join(who)})")
        return out

    def _withdrawn_lines(
        self, gone: Iterable[State], d: dt.date, today: dt.date, *, inline: bool = False
    ) -> str:
        parts = []
        for s in sorted(gone, key=lambda s: (s.withdrawal_effective, s.name)):
            verb = self._happens(s.withdrawal_effective, today, "effective", "will take effect on")
            parts.append(
                f"{s.name} (notice {format_date(s.withdrawal_notified)}, {verb} {format_date(s.withdrawal_effective)})"
            )
        if inline:
            return "They are: " + "; ".join(parts) + "."
        return "\n".join(f"• {p}" for p in parts)

    @staticmethod
    def _ukraine_list_note(d: dt.date) -> str:
        if d < dt.date(2025, 7, 18):
            return ""
        return (
            "\nUkraine is not on this list: its July 2025 declaration suspending the Convention is not an "
            "Article 20 withdrawal, and it remains a State Party."
        )

    def _list_withdrawn(self, ctx: _Context) -> Answer:
        d, today = ctx.when.date, ctx.today
        gone = [s for s in self.kb.states.values() if s.withdrawal_notified and s.withdrawal_notified <= d]
        if not gone:
            first = min(
                (s.withdrawal_notified for s in self.kb.states.values() if s.withdrawal_notified),
                default=None,
            )
            text = f"No State Party had withdrawn or given notice of withdrawal by {format_date(d)}."
            if first:
                text += f" The first notices came on {format_date(first)}."
            return self._matched(text, [], [self._depositary_citation([])], 0.85, I.LIST_WITHDRAWN)
        if ctx.when.is_period and ctx.when.start:
            start = ctx.when.start
            in_period = [
                s
                for s in gone
                if start <= s.withdrawal_notified <= d or start <= s.withdrawal_effective <= ctx.when.date
            ]
            if in_period:
                gone = in_period
            else:
                text = f"No withdrawal was notified or took effect during {ctx.when.label}."
                return self._matched(text, [], [self._depositary_citation([])], 0.8, I.LIST_WITHDRAWN)
        done = [s for s in gone if s.withdrawal_effective <= d]
        earliest = min(s.withdrawal_notified for s in gone)
        firsts = [s.name for s in gone if s.withdrawal_notified == earliest]
        lead = ""
        if re.search(r"\b(first|earliest)\b", ctx.norm):
            lead = f"The first to give notice {'were' if len(firsts) > 1 else 'was'} {', '.join(firsts)}, on {format_date(earliest)}.\n"
        text = lead + (
            f"**{len(gone)}** states have given notice of withdrawal under Article 20 by {format_date(d)}"
            + (f", {len(done)} of them already out" if done else "")
            + ":\n"
            + self._withdrawn_lines(gone, d, today)
            + "\nThese were the first withdrawals in the Convention's history."
            + self._ukraine_list_note(d)
        )
        citations = [self._depositary_citation(gone)]
        for s in gone:
            citations.extend(self._state_event_citations(s, d, kinds={"withdrawal_effective"})[:1])
        return self._matched(text, gone, citations, 0.9, I.LIST_WITHDRAWN)

    def _list_not_parties(self, ctx: _Context, *, never_signed: bool) -> Answer:
        d = ctx.when.date
        states = sorted(self.kb.states.values(), key=lambda s: s.name)
        if never_signed:
            chosen = [
                s
                for s in states
                if not (s.signed and s.signed <= d) and not (s.consent_deposited and s.consent_deposited <= d)
            ]
            head = f"**{len(chosen)}** states had neither signed nor joined by {format_date(d)}:"
        else:
            chosen = [s for s in states if not (s.consent_deposited and s.consent_deposited <= d)]
            head = f"**{len(chosen)}** states had never joined the Convention by {format_date(d)}:"
        text = head + " " + ", ".join(s.name for s in chosen) + "."
        withdrawn = [s for s in states if status_on(s, d) == WITHDRAWN]
        if withdrawn:
            text += (
                "\nAlso outside on that date, having withdrawn: " + ", ".join(s.name for s in withdrawn) + "."
            )
        return self._matched(text, chosen, [self._depositary_citation([])], 0.88, I.LIST_NEVER_JOINED)

    def _list_pending(self, ctx: _Context) -> Answer:
        d = ctx.when.date
        chosen = [s for s in self.by_consent if status_on(s, d) == PENDING_ENTRY_INTO_FORCE]
        if chosen:
            text = (
                f"On {format_date(d)}, {_plural(len(chosen), 'state')} had deposited an instrument but "
                f"{'were' if len(chosen) > 1 else 'was'} not yet bound (Article 17):\n"
                + "\n".join(
                    f"• {s.name}: {s.consent_method} deposited {format_date(s.consent_deposited)}, bound from "
                    f"{format_date(s.entry_into_force)}"
                    for s in chosen
                )
                + "\nCounts that go by deposit date, such as ICBL's, already list them as States Parties."
            )
        else:
            earlier = [s for s in self.by_consent if s.entry_into_force and s.entry_into_force <= d]
            last = max(earlier, key=lambda s: s.entry_into_force) if earlier else None
            text = f"On {format_date(d)}, no state was waiting for the Convention to enter into force for it."
            if last:
                text += f" The most recent to become bound was {last.name}, on {format_date(last.entry_into_force)}."
            chosen = [last] if last else []
        return self._matched(text, chosen, [self._depositary_citation(chosen)], 0.85, I.RECENT)

    def _list_signatories(self, ctx: _Context) -> Answer:
        d = ctx.when.date
        chosen = [s for s in self.kb.states.values() if status_on(s, d) == SIGNATORY]
        if chosen:
            text = (
                f"On {format_date(d)}, {_plural(len(chosen), 'state')} had signed but not ratified: "
                + ", ".join(f"{s.name} (signed {format_date(s.signed)})" for s in chosen)
                + "."
            )
        else:
            last = max(
                (s for s in self.kb.states.values() if s.signed and s.consent_deposited),
                key=lambda s: s.consent_deposited,
            )
            text = (
                f"On {format_date(d)}, no state had signed without ratifying. The last signatory to ratify was "
                f"{last.name}, on {format_date(last.consent_deposited)}."
            )
        return self._matched(text, chosen, [self._depositary_citation(chosen)], 0.85, I.LIST_SIGNATORIES)

    def _list_parties(self, ctx: _Context) -> Answer:
        d = ctx.when.date
        parties = self.timeline.count_on(d)
        text = (
            f"There are **{parties} States Parties** on {format_date(d)} — too many to list here. "
            "Use `/parties` in Discord (it attaches the full list as a CSV file) or `python -m bot states`, "
            "or ask about a state or a group, such as “Which EU members are parties?”."
        )
        return self._matched(text, [], [self._depositary_citation([])], 0.8, I.LIST_PARTIES)

    def _joined_in_period(self, ctx: _Context) -> Answer:
        start, end = ctx.when.start or ctx.when.date, ctx.when.date
        deposited = [s for s in self.by_consent if start <= s.consent_deposited <= end]
        bound = [
            s for s in self.kb.states.values() if s.entry_into_force and start <= s.entry_into_force <= end
        ]
        if not deposited and not bound:
            last = [s for s in self.by_consent if s.consent_deposited < start][-1:]
            text = f"No state ratified or acceded during {ctx.when.label}."
            if last:
                text += f" The previous one was {last[0].name}, on {format_date(last[0].consent_deposited)}."
            return self._matched(text, last, [self._depositary_citation(last)], 0.8, I.RECENT)
        lines = [f"States that joined during {ctx.when.label}:"]
        for s in deposited:
            lines.append(
                f"• {s.name}: {s.consent_method} deposited {format_date(s.consent_deposited)}, bound from "
                f"{format_date(s.entry_into_force)}"
            )
        extra = [s for s in bound if s not in deposited]
        if extra:
            lines.append(
                "Also bound during that period, having deposited earlier: "
                + ", ".join(f"{s.name} ({format_date(s.entry_into_force)})" for s in extra[:20])
                + ("…" if len(extra) > 20 else "")
            )
        chosen = deposited + extra
        return self._matched("\n".join(lines), chosen, [self._depositary_citation(chosen)], 0.85, I.RECENT)

    def _events_in_period(self, ctx: _Context) -> Answer:
        start, end = ctx.when.start or ctx.when.date, ctx.when.date
        events = [e for e in self.kb.events if start <= e.date <= end and e.kind != "withdrawal_reason"]
        if not events:
            text = f"The fact base records no events during {ctx.when.label}."
            return self._matched(text, [], [self._depositary_citation([])], 0.6, I.TIMELINE)
        key = {
            "withdrawal_notified",
            "withdrawal_effective",
            "accession",
            "ratification",
            "entered_into_force",
        }
        ranked = [e for e in events if e.kind in key or not e.iso3] or events
        lines = [f"Key events during {ctx.when.label}:"]
        lines += [f"• {format_date(e.date)}: {e.snippet}" for e in ranked]
        states = [self.kb.states[e.iso3] for e in ranked if e.iso3]
        citations = [self._depositary_citation(list(dict.fromkeys(states)))]
        citations += [self._event_citation(e) for e in ranked[:5]]
        return self._matched("\n".join(lines), list(dict.fromkeys(states)), citations, 0.75, I.TIMELINE)

    def _by_method(self, ctx: _Context) -> Answer:
        d = ctx.when.date
        joined = [s for s in self.by_consent if s.consent_deposited <= d]
        by_method: dict[str, list[State]] = {}
        for s in joined:
            by_method.setdefault(s.consent_method or "", []).append(s)
        lines = [f"By {format_date(d)}, {len(joined)} states had joined the Convention:"]
        for method in ("ratification", "accession", "acceptance", "approval", "succession"):
            group = by_method.get(method, [])
            if not group:
                continue
            line = f"• {method}: **{len(group)}**"
            if len(group) <= 40:
                line += " (" + ", ".join(s.name for s in sorted(group, key=lambda s: s.name)) + ")"
            lines.append(line)
        lines.append(
            "Signatories join by ratification, acceptance or approval; states that did not sign accede (Article 16)."
        )
        return self._matched("\n".join(lines), [], [self._depositary_citation([])], 0.85, I.COUNT)

    def _first_signatures(self, ctx: _Context) -> Answer:
        signers = sorted((s for s in self.kb.states.values() if s.signed), key=lambda s: (s.signed, s.name))
        opening = signers[0].signed
        first_day = [s for s in signers if s.signed == opening]
        in_ottawa = [s for s in signers if s.signed <= opening + dt.timedelta(days=1)]
        ratified_first = [s for s in self.by_consent if s.consent_deposited == opening]
        text = (
            f"The Convention opened for signature in Ottawa on {format_date(opening)}: {len(first_day)} states "
            f"signed that day and {len(in_ottawa)} in Ottawa over the two days, Canada, the host, among them. The "
            f"depositary's list does not order same-day signatures. In all, {len(signers)} states signed before "
            "signature closed when the Convention entered into force on 1 March 1999."
        )
        if ratified_first:
            text += " " + ", ".join(s.name for s in ratified_first) + " also ratified on the opening day."
        return self._matched(text, [], [self._depositary_citation([])], 0.75, I.NTH)

    def _recent(self, ctx: _Context) -> Answer:
        d = ctx.when.date
        joined = [s for s in self.by_consent if s.consent_deposited <= d][-5:][::-1]
        text = "The most recent states to join, latest first:\n" + "\n".join(
            f"• {s.name}: {s.consent_method} deposited {format_date(s.consent_deposited)}, bound from "
            f"{format_date(s.entry_into_force)}"
            for s in joined
        )
        return self._matched(text, joined, [self._depositary_citation(joined)], 0.88, I.RECENT)

    def _nth(self, n: int, ctx: _Context) -> Answer:
        d = ctx.when.date
        ranked = [s for s in self.by_consent if s.consent_deposited <= d]
        if n == -1:
            n = len(ranked)
        if n < 1 or n > len(ranked):
            text = f"Only {len(ranked)} states had deposited an instrument of consent by {format_date(d)}."
            return self._matched(text, [], [self._depositary_citation([])], 0.7, I.NTH)
        target = ranked[n - 1]
        same_day = [s for s in ranked if s.consent_deposited == target.consent_deposited]
        first_pos = ranked.index(same_day[0]) + 1
        suffix = _ordinal_suffix(n)
        if len(same_day) == 1:
            chosen = [target]
            text = (
                f"The {n}{suffix} instrument of ratification or accession was deposited by **{target.name}** "
                f"({target.consent_method}) on {format_date(target.consent_deposited)}."
            )
        else:
            named = [s for s in same_day if self._event_names_ordinal(s, n)]
            span = f"{first_pos}{_ordinal_suffix(first_pos)} to {first_pos + len(same_day) - 1}{_ordinal_suffix(first_pos + len(same_day) - 1)}"
            text = (
                f"{len(same_day)} states deposited on {format_date(target.consent_deposited)}, the {span} "
                f"instruments: {', '.join(s.name for s in same_day)}; the depositary's list does not order "
                "same-day deposits."
            )
            if named:
                text = (
                    f"The {n}{suffix} instrument was deposited by **{named[0].name}** on "
                    f"{format_date(target.consent_deposited)}. " + text
                )
                chosen = named
            else:
                chosen = same_day
        if n == 40 or (first_pos <= 40 < first_pos + len(same_day)):
            text += " Under Article 17, the 40th deposit brought the Convention into force on 1 March 1999."
        asked = [s for s in ctx.states if s in ranked]
        for state in asked:
            if state not in chosen:
                pos = ranked.index(state) + 1
                text += (
                    f"\n{state.name} deposited on {format_date(state.consent_deposited)}, "
                    f"{pos}{_ordinal_suffix(pos)} in the depositary's order."
                )
        citations = [self._depositary_citation(chosen)]
        for state in chosen:
            citations.extend(
                self._event_citation(e)
                for e in self.events_by_state.get(state.iso3, [])
                if self._mentions_ordinal(e, n)
            )
        return self._matched(text, chosen + [s for s in asked if s not in chosen], citations, 0.85, I.NTH)

    def _event_names_ordinal(self, state: State, n: int) -> bool:
        return any(self._mentions_ordinal(e, n) for e in self.events_by_state.get(state.iso3, []))

    @staticmethod
    def _mentions_ordinal(event: Event, n: int) -> bool:
        return bool(re.search(rf"\b{n}{_ordinal_suffix(n)}\b", event.snippet))

    # ------------------------------------------------------------------ treaty facts
    def _top_facts(self, ctx: _Context) -> list[str]:
        scores = self._fact_scores(ctx)
        return [f for f, _ in sorted(scores.items(), key=lambda x: x[1], reverse=True)]

    def _fact_scores(self, ctx: _Context) -> dict[str, float]:
        query = ctx.templated
        fuzzy: dict[str, float] = {}
        for _, score, index in process.extract(
            query, [q for _, q in self.fact_questions], scorer=fuzz.token_sort_ratio, limit=40
        ):
            fid = self.fact_questions[index][0]
            fuzzy[fid] = max(fuzzy.get(fid, 0.0), score / 100)
        padded = f" {ctx.norm} "
        scores: dict[str, float] = {}
        for fid, keywords in self.fact_keywords.items():
            weight = sum(
                1.0 + 0.5 * (k.count(" ")) for k in keywords if f" {k} " in padded or f" {k}s " in padded
            )
            scores[fid] = 0.5 * fuzzy.get(fid, 0.0) + 0.5 * min(1.0, weight / 2.0)
        return scores

    def _best_fact(self, ctx: _Context) -> tuple[Fact | None, float]:
        scores = self._fact_scores(ctx)
        if not scores:
            return None, 0.0
        fid, score = max(scores.items(), key=lambda x: x[1])
        return self.kb.facts[fid], score

    def _article(self, number: int, ctx: _Context) -> Answer:
        facts = self.facts_by_article.get(number)
        if not facts:
            if 1 <= number <= 22:
                return self._decline(
                    f"I don't have a summary of Article {number} in the fact base yet.",
                    intent=I.FACT,
                    suggestions=["What does Article 1 say?", "How does withdrawal work?"],
                )
            return self._decline(
                "The Convention has 22 articles; ask about one of them. " + SCOPE_HINT, intent=I.FACT
            )
        fact = facts[0]
        if number == 20 and re.search(r"\b(armed conflict|war|20 3|conflict)\b", ctx.norm):
            fact = next((f for f in facts if "armed" in f.id), fact)
        return self._fact(fact, ctx, confidence=0.95)

    def public_article(self, number: int, *, as_of: dt.date | None = None) -> Answer:
        """What Article ``number`` says, cited (used by ``/treaty``)."""
        return self.ask(f"What does Article {number} say?", as_of=as_of)

    def _fact(self, fact: Fact, ctx: _Context, *, confidence: float) -> Answer:
        citations = []
        for i, source_id in enumerate(fact.sources):
            source = self.kb.sources[source_id]
            quote = bool(fact.quote) and i == 0 and source_id == self.kb.treaty_source
            citations.append(
                self._citation(
                    source_id,
                    locator=fact.locator if i == 0 else "",
                    snippet=fact.quote if quote else fact.answer.split(". ")[0].rstrip(".") + ".",
                    quote=quote,
                )
            )
            del source
        text = f"**{fact.title}**\n{fact.answer}"
        if fact.quote and re.search(
            r"\b(article|art|say|says|said|wording|text|exact|quote|words)\b", ctx.norm
        ):
            text += f"\n> “{fact.quote}”"
        return self._matched(text, [], citations, min(1.0, 0.5 + confidence * 0.6), I.FACT)

    # ------------------------------------------------------------------ declines and suggestions
    def _decline(
        self, text: str, *, suggestions: list[str] | None = None, confidence: float = 0.2, intent: str = ""
    ) -> Answer:
        return Answer(
            text=text,
            matched=False,
            confidence=confidence,
            suggestions=(suggestions or [])[:3],
            intent=intent or "decline",
        )

    def _did_you_mean_ambiguous(self, mention: Mention, ctx: _Context) -> Answer:
        names = [self.kb.states[c].name for c in mention.target.codes]
        return self._decline(
            f"“{mention.target.label}” could mean several states: {', '.join(names)}. Which one do you mean?",
            suggestions=[f"Is {n} a party?" for n in names][:3],
            confidence=0.3,
            intent="ambiguous",
        )

    def _not_a_state(self, mention: Mention) -> Answer:
        target = mention.target
        if target.place_kind == "fictional":
            return self._decline(
                f"{target.label} is {target.note}, so it has no status under the Convention. " + SCOPE_HINT,
                intent="not_a_state",
            )
        text = f"{target.label} is not a state that can join the Convention: it is {target.note}."
        suggestions = []
        if target.codes:
            parent = self.kb.states[target.codes[0]]
            text += f" Ask about {parent.name} instead."
            suggestions.append(f"Is {parent.name} a party?")
        return self._decline(text, suggestions=suggestions, intent="not_a_state")

    def _state_suggestions(self, state: State) -> list[str]:
        return [f"Is {state.name} a party?", f"When did {state.name} join?", f"Has {state.name} withdrawn?"]

    @staticmethod
    def _other_treaty(norm: str) -> str:
        for pattern, name in OTHER_TREATIES.items():
            if re.search(pattern, norm):
                return name
        return ""

    # ------------------------------------------------------------------ citations
    def _citation(
        self, source_id: str, *, locator: str = "", snippet: str = "", quote: bool = False
    ) -> Citation:
        source = self.kb.sources[source_id]
        return Citation(
            title=source.title,
            publisher=source.publisher,
            date=(source.date or source.accessed).isoformat(),
            accessed=source.date is None,
            url=source.url,
            locator=locator,
            snippet=snippet,
            quote=quote,
            source_id=source_id,
        )

    def _source_citations(self, source_ids: Iterable[str], *, snippet: str) -> list[Citation]:
        return [self._citation(s, snippet=snippet) for s in source_ids]

    def _depositary_citation(self, states: list[State]) -> Citation:
        if states:
            records = "; ".join(self._record(s) for s in states[:4])
            if len(states) > 4:
                records += f"; and {len(states) - 4} more"
            locator = states[0].locator if len(states) == 1 else "participant list and end notes"
        else:
            records = "Participants in the Convention, with their signature, consent and withdrawal dates."
            locator = "participant list"
        return self._citation(self.kb.depositary_source, locator=locator, snippet=records)

    @staticmethod
    def _record(state: State) -> str:
        parts = []
        if state.signed:
            parts.append(f"signed {format_date(state.signed)}")
        if state.consent_deposited:
            parts.append(f"{state.consent_method} {format_date(state.consent_deposited)}")
        if state.entry_into_force:
            parts.append(f"in force {format_date(state.entry_into_force)}")
        if state.withdrawal_notified:
            parts.append(f"withdrawal notified {format_date(state.withdrawal_notified)}")
        if state.withdrawal_effective:
            parts.append(f"effective {format_date(state.withdrawal_effective)}")
        if not parts:
            parts.append("not a participant")
        return f"{state.name}: " + ", ".join(parts)

    def _event_citation(self, event: Event) -> Citation:
        return self._citation(event.sources[0], locator=event.locator, snippet=event.snippet)

    def _state_event_citations(self, state: State, d: dt.date, *, kinds: set[str]) -> list[Citation]:
        del d
        return [self._event_citation(e) for e in self.events_by_state.get(state.iso3, []) if e.kind in kinds][
            :2
        ]

    def _matched(
        self, text: str, states: Iterable[State], citations: list[Citation], confidence: float, intent: str
    ) -> Answer:
        unique: list[Citation] = []
        seen: set[tuple[str, str]] = set()
        for citation in citations:
            key = (citation.source_id, citation.snippet)
            if key in seen:
                continue
            seen.add(key)
            unique.append(citation)
        codes = list(dict.fromkeys(s.iso3 for s in states))
        return Answer(
            text=text, matched=True, states=codes, citations=unique[:6], confidence=confidence, intent=intent
        )

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _templated(found: Found, norm: str, when: DateQuery, *, drop: tuple[int, int] | None = None) -> str:
        tokens = list(found.tokens)
        if drop is not None:
            tokens[drop[0] : drop[1]] = [""] * (drop[1] - drop[0])
        for mention in sorted(found.mentions, key=lambda m: m.start, reverse=True):
            if drop is not None and drop[0] <= mention.start < drop[1]:
                continue
            placeholder = "G" if mention.target.kind == GROUP else "X"
            tokens[mention.start : mention.end] = [placeholder]
        text = " ".join(t for t in tokens if t)
        if when.explicit:
            text = re.sub(r"\b(19|20)\d{2}\b", "D", text)
        del norm
        return text


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _be_not(be: str, rest: str) -> str:
    """``was **not a party**``, or ``will **not be a party**`` for a future date."""
    if be == "will be":
        return f"will **not be {rest}**"
    return f"{be} **not {rest}**"


def _plural(count: int, noun: str) -> str:
    """``**1** state`` or ``**2** states``."""
    return f"**{count}** {noun}{'' if count == 1 else 's'}"
