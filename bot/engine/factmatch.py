"""Which treaty fact a question asks about: fuzzy similarity to each fact's question forms plus its keywords."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.engine.index import FactIndex
from bot.facts.records import Fact
from bot.textnorm import sorted_words

CANDIDATES = 40


def fact_scores(ix: FactIndex, templated: str, norm: str) -> dict[str, float]:
    """A score in [0, 1] for every fact: half phrasing similarity, half keywords found."""
    fuzzy: dict[str, float] = {}
    for _, score, index in process.extract(
        sorted_words(templated), ix.fact_question_sorted, scorer=fuzz.ratio, limit=CANDIDATES
    ):
        fid = ix.fact_questions[index][0]
        fuzzy[fid] = max(fuzzy.get(fid, 0.0), score / 100)
    weights = keyword_weights(ix, norm)
    return {fid: 0.5 * fuzzy.get(fid, 0.0) + 0.5 * min(1.0, weights[fid] / 2.0) for fid in weights}


def keyword_weights(ix: FactIndex, norm: str) -> dict[str, float]:
    """How many of each fact's keywords the question uses (longer keywords weigh more)."""
    padded = f" {norm} "
    return {
        fid: sum(1.0 + 0.5 * (k.count(" ")) for k in keywords if f" {k} " in padded or f" {k}s " in padded)
        for fid, keywords in ix.fact_keywords.items()
    }


def ranked(scores: dict[str, float]) -> list[str]:
    """Fact ids, best match first."""
    return [f for f, _ in sorted(scores.items(), key=lambda x: x[1], reverse=True)]


def best_of(ix: FactIndex, scores: dict[str, float]) -> tuple[Fact | None, float]:
    """The best-matching fact and its score (None when there are no facts)."""
    if not scores:
        return None, 0.0
    fid, score = max(scores.items(), key=lambda x: x[1])
    return ix.kb.facts[fid], score
