"""The answer engine: understand a question, answer it for a date, and cite the sources.

Plain Python with no Discord import, shared by the CLI, the console, the bot and the benchmarks.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Callable

from bot.engine import intents as I
from bot.engine.answer import Answer, Citation, fit
from bot.engine.answers.facts import FactAnswers
from bot.engine.answers.lists import ListAnswers
from bot.engine.answers.parts import SCOPE_HINT, Context
from bot.engine.answers.states import StateAnswers
from bot.engine.dates import DateQuery, find_date, format_date
from bot.engine.entities import AMBIGUOUS, GROUP, PLACE, STATE, EntityIndex, Found, Mention
from bot.engine.status import (
    PartyTimeline,
)
from bot.facts.records import Event, Fact, KnowledgeBase, State
from bot.textnorm import clean, fold, normalize

MAX_QUESTION_CHARS = 500
ANSWER_CACHE_SIZE = 2048
DECLINE_BELOW = 0.5
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
    "update updates standing relationship relation involvement participation position view any some new abt bout "
    "wrt pls plz u r y n yn thx ok okay hey hi hello so well".split()
)
UNRELATED_TOPICS = re.compile(
    r"\b(capital|population|currency|weather|gdp|economy|football|soccer|cricket|climate|religion|flag|anthem|"
    r"visa|tourism|tourist|time ?zone|king|queen|election|elections|recipe|restaurant|hotel|flight|flights|"
    r"stock market|bitcoin|movie|song|language spoken|spoken|food|cuisine|largest city|area of|olympics|"
    r"prime minister of|president of)\b"
)


class Engine(StateAnswers, ListAnswers, FactAnswers):
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
        ctx = Context(
            question=raw,
            text=text,
            norm=norm,
            templated=self._templated(found, when, drop=anchor_span),
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
    def _route(self, ctx: Context) -> Answer:
        mentions = ctx.found.mentions
        ambiguous = [m for m in mentions if m.target.kind == AMBIGUOUS]
        places = [m for m in mentions if m.target.kind == PLACE]
        if ambiguous and not ctx.states and not ctx.groups:
            return self._did_you_mean_ambiguous(ambiguous[0], ctx)
        if places and not ctx.states and not ctx.groups:
            return self._not_a_state(places[0])
        if ctx.found.set_aside and not ctx.states and not ctx.groups:
            word = ctx.found.set_aside[0]
            return self._decline(
                f"“{word.text}” here doesn't seem to mean the state {word.target.label}. " + SCOPE_HINT,
                intent="out_of_scope",
                suggestions=[f"Is {word.target.label} a party?"],
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

    def _state_question(self, ctx: Context) -> Answer:
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

    # ------------------------------------------------------------------ groups

    # ------------------------------------------------------------------ questions with no state
    def _general_question(self, ctx: Context, ordinal: int | None) -> Answer:
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
        if party_words or re.search(r"\b(number|count)\b", norm):
            extreme = self._count_extreme(ctx)
            if extreme is not None:
                return extreme
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

    # ------------------------------------------------------------------ treaty facts

    # ------------------------------------------------------------------ declines and suggestions

    def _did_you_mean_ambiguous(self, mention: Mention, ctx: Context) -> Answer:
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

    @staticmethod
    def _other_treaty(norm: str) -> str:
        for pattern, name in OTHER_TREATIES.items():
            if re.search(pattern, norm):
                return name
        return ""

    # ------------------------------------------------------------------ citations

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _templated(found: Found, when: DateQuery, *, drop: tuple[int, int] | None = None) -> str:
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
        return text
