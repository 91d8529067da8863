"""What a question wants to know: keyword cues combined with fuzzy exemplar phrasings.

Questions are scored after the states, groups and dates in them are replaced by the
placeholders ``X``, ``G`` and ``D``, so one exemplar covers every state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

STATUS = "status"
SIGNED = "signed"
JOINED = "joined"
WITHDRAWAL = "withdrawal"
TIMELINE = "timeline"
LIST_WITHDRAWN = "list_withdrawn"
LIST_NEVER_JOINED = "list_never_joined"
LIST_SIGNATORIES = "list_signatories"
LIST_PARTIES = "list_parties"
RECENT = "recent_joiners"
NTH = "nth_to_join"
COUNT = "count"
GROUP = "group"
FACT = "treaty_fact"

CUES: dict[str, re.Pattern[str]] = {
    STATUS: re.compile(
        r"\b(party|parties|member|members|membership|bound|part of|in the (treaty|convention|ban|mine ban)|"
        r"in the (ottawa|mine ban|landmine|apmbc) (treaty|convention|ban)|"
        r"signed up|status|participat\w*|belong\w*|on board|still in|adhere\w*|covered by|subject to|"
        r"in it|inside|a signatory or|comply|complies|legally|allowed|permitted|obliged|obligat\w*|free to|"
        r"still bound|where does|stand|in or out|in or not|rejoin\w*|re join\w*|come back|return\w*|"
        r"can X use|could X use|may X use|is X allowed)\b"
    ),
    SIGNED: re.compile(r"\b(sign|signs|signed|signing|signature|signatory|signatories|put pen)\b"),
    JOINED: re.compile(
        r"\b(ratif\w*|accede\w*|accession|join|joins|joined|joining|become (a )?(state )?(party|member|bound)|"
        r"became (a )?(state )?(party|member|bound)|bound since|bound from|(enter|entered|come|came) into force for|"
        r"in force for|consent\w*|succession|deposit\w*|accept\w*|approv\w*)\b"
    ),
    WITHDRAWAL: re.compile(
        r"\b(withdr\w*|left|leave|leaves|leaving|quit\w*|pull\w* out|exit\w*|denounc\w*|denunciation|"
        r"drop\w* out|abandon\w*|renounc\w*|notice|notif\w*|depart\w*|ditch\w*|walk\w* (away|out)|"
        r"out of (the|it)|get out|got out|no longer|suspen\w*|back out|backed out|opt\w* out)\b"
    ),
    TIMELINE: re.compile(
        r"\b(why|reason\w*|motiv\w*|timeline|history|chronolog\w*|what happened|sequence|steps|events|"
        r"justif\w*|rationale|explain|explanation|background|story|process|how did|polic(y|ies)|announce\w*|"
        r"stance|position|plan|plans|planning|parliament|vote|voted|votes|decree|law|bill|statement|"
        r"sejm|senate|riigikogu|saeima|seimas|eduskunta|rada|what did \w+ say|what does \w+ say|said about|"
        r"say about|react\w*|response|respond\w*|"
        r"condemn\w*|criticis\w*|criticiz\w*|do in|did it do|happen\w*)\b"
    ),
}
WHEN = re.compile(r"\b(when|what date|which date|what year|which year|date|dates|what day|how long ago)\b")
HOW_MANY = re.compile(
    r"\b(how many|number of|count|total|tally|how much|share of|percentage of|proportion of|what percent)\b"
)
LIST = re.compile(
    r"\b(who|which|list|what countries|what states|what nations|name|names|any|anyone|anybody|countries|"
    r"nations|states|ones|show|all)\b"
)
NEVER = re.compile(
    r"\b(never|not|non|nonparty|nonparties|haven t|hasn t|havent|hasnt|outside|holdouts?|hold outs?|yet to|"
    r"refus\w*|remain\w* out|stay\w* out|didn t|didnt|did not|don t|do not|absent|missing)\b"
)
RECENT_CUE = re.compile(
    r"\b(most recent\w*|latest|newest|recently|lately|new (member|members|part\w*|state|states)|"
    r"last (state|country|one|ones|nation)s? to|joined last|last to)\b"
)
ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "hundredth": 100,
    "last": -1,
}
ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b|\b(" + "|".join(ORDINAL_WORDS) + r")\b")
TREATY_WORDS = re.compile(
    r"\b(treaty|treaties|convention|ottawa|mine|mines|landmine|landmines|land mines|ban|apmbc|party|parties|"
    r"ratif\w*|accede\w*|accession|withdr\w*|sign\w*|member\w*|article|articles|depositary|stockpil\w*|"
    r"clearance|demining|review conference|nobel|icbl|states parties|anti personnel|explosive\w*|reservations?|"
    r"secretariat|implementation support|complian\w*|verif\w*|anti handling|anti vehicle|anti tank|stockpiles?|"
    r"mined areas?|victims?|transparency|amend\w*|suspen\w*|entry into force|into force|jody williams|"
    r"provisional\w*|review conferences?|meetings?|msp|president of the convention|binding|action plans?|in force|"
    r"articles?|administer\w*|secretariat|join|joining|obligations?|reports?|reporting)\b"
)

EXEMPLARS: dict[str, list[str]] = {
    STATUS: [
        "is X a party",
        "is X a state party to the ottawa treaty",
        "is X a member of the mine ban treaty",
        "is X still in the convention",
        "is X bound by the treaty",
        "X status",
        "what is the status of X",
        "is X part of the ottawa convention",
        "does X belong to the mine ban treaty",
        "was X a party in D",
        "has X ratified the treaty",
    ],
    SIGNED: [
        "did X sign",
        "when did X sign the treaty",
        "has X signed the ottawa convention",
        "is X a signatory",
        "did X sign the mine ban treaty in 1997",
    ],
    JOINED: [
        "when did X join",
        "when did X ratify",
        "when did X accede",
        "when did X become a party",
        "when was X bound by the treaty",
        "how did X join the treaty",
        "when did the treaty enter into force for X",
        "has X ratified",
    ],
    WITHDRAWAL: [
        "has X withdrawn",
        "did X leave the treaty",
        "has X left the ottawa convention",
        "when did X withdraw",
        "when does the withdrawal of X take effect",
        "when did X give notice of withdrawal",
        "is X leaving the treaty",
        "did X pull out of the mine ban treaty",
        "has X quit",
    ],
    TIMELINE: [
        "why did X withdraw",
        "why did X leave the treaty",
        "what happened with X",
        "X timeline",
        "timeline of X withdrawal",
        "what are the reasons for X leaving",
        "history of X and the treaty",
    ],
}


@dataclass(frozen=True, slots=True)
class IntentScore:
    intent: str
    score: float
    cue: bool


_EXEMPLAR_KEYS = [(intent, text) for intent, texts in EXEMPLARS.items() for text in texts]
_EXEMPLAR_TEXTS = [text for _, text in _EXEMPLAR_KEYS]


def score_state_intents(templated: str) -> list[IntentScore]:
    """Score the per-state intents for a question whose states are replaced by ``X``."""
    best: dict[str, float] = {}
    for _, score, index in process.extract(
        templated, _EXEMPLAR_TEXTS, scorer=fuzz.token_sort_ratio, limit=len(_EXEMPLAR_TEXTS)
    ):
        intent = _EXEMPLAR_KEYS[index][0]
        best[intent] = max(best.get(intent, 0.0), score / 100)
    # Cues outweigh phrasing; TIMELINE and WITHDRAWAL are more specific than STATUS.
    weights = {TIMELINE: 0.72, WITHDRAWAL: 0.7, SIGNED: 0.66, JOINED: 0.68, STATUS: 0.6}
    scores = []
    for intent, weight in weights.items():
        cue = bool(CUES[intent].search(templated))
        scores.append(IntentScore(intent, (weight if cue else 0.0) + 0.3 * best.get(intent, 0.0), cue))
    return sorted(scores, key=lambda s: s.score, reverse=True)


def ordinal(text: str) -> int | None:
    """The ordinal a question names ("40th", "first", "last"), or None."""
    match = ORDINAL.search(text)
    if not match:
        return None
    if match.group(1):
        return int(match.group(1))
    return ORDINAL_WORDS[match.group(2)]
