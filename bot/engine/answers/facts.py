"""Answers about the Convention itself, matched against its facts' question forms and keywords."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.engine import intents as I
from bot.engine.answer import Answer
from bot.engine.answers.parts import SCOPE_HINT, AnswerParts, Context
from bot.facts.records import Fact


class FactAnswers(AnswerParts):
    """What the Convention says."""

    def _top_facts(self, ctx: Context) -> list[str]:
        scores = self._fact_scores(ctx)
        return [f for f, _ in sorted(scores.items(), key=lambda x: x[1], reverse=True)]

    def _fact_scores(self, ctx: Context) -> dict[str, float]:
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

    def _best_fact(self, ctx: Context) -> tuple[Fact | None, float]:
        scores = self._fact_scores(ctx)
        if not scores:
            return None, 0.0
        fid, score = max(scores.items(), key=lambda x: x[1])
        return self.kb.facts[fid], score

    def _article(self, number: int, ctx: Context) -> Answer:
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

    def _fact(self, fact: Fact, ctx: Context, *, confidence: float) -> Answer:
        citations = []
        for i, source_id in enumerate(fact.sources):
            quote = bool(fact.quote) and i == 0 and source_id == self.kb.treaty_source
            citations.append(
                self._citation(
                    source_id,
                    locator=fact.locator if i == 0 else "",
                    snippet=fact.quote if quote else fact.answer.split(". ")[0].rstrip(".") + ".",
                    quote=quote,
                )
            )
        text = f"**{fact.title}**\n{fact.answer}"
        if fact.quote and re.search(
            r"\b(article|art|say|says|said|wording|text|exact|quote|words)\b", ctx.norm
        ):
            text += f"\n> “{fact.quote}”"
        return self._matched(text, [], citations, min(1.0, 0.5 + confidence * 0.6), I.FACT)
