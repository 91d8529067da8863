"""Read the depositary's status page for chapter XXVI-5 and compare it with the fact base.

The page is the UN Treaty Collection's status page of the Ottawa Convention, as saved from a
browser: the status header, the participants table and the end notes. :func:`read_page` reads it,
:func:`compare` lists where the fact base differs, :func:`write` applies the new differences.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from bot.facts.records import KnowledgeBase, State
from bot.facts.validate import article17_entry_into_force
from bot.textnorm import clean, normalize


class PageError(ValueError):
    """The input is not a depositary status page of the Ottawa Convention."""


MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
CONSENT_KINDS = {"": "ratification", "a": "accession", "A": "acceptance", "AA": "approval", "d": "succession"}
TABLE_FIELDS = ("signed", "consent_deposited", "consent_method")
NOTE_FIELDS = ("withdrawal_notified", "withdrawal_effective")
FIELDS = (*TABLE_FIELDS, *NOTE_FIELDS)
_DATE = r"\d{1,2}\s+[A-Za-z]{3}[a-z]*\.?\s+\d{4}"
PAGE_PATTERNS = {
    "as_at": re.compile(r"STATUS\s+AS\s+AT\s*:\s*(\d{2})-(\d{2})-(\d{4})", re.I),
    "counts": re.compile(r"Signatories\s*:\s*(\d+)\.?\s*Parties\s*:\s*(\d+)", re.I),
    "treaty": re.compile(
        r"CHAPTER\s+XXVI\b.{0,200}?\b5\.\s*Convention\s+on\s+the\s+Prohibition\s+of\s+the\s+Use,\s+"
        r"Stockpiling,\s+Production\s+and\s+Transfer\s+of\s+Anti-Personnel\s+Mines",
        re.I | re.S,
    ),
    "participants": re.compile(r"^Participant \| Signature \| Ratification\b", re.I),
    "consent": re.compile(rf"^(\[)?\s*({_DATE})?\s*(AA|A|a|d)?\s*\]?$"),
    "date": re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})"),
    "sentence_end": re.compile(r"(?<=[.)])\s+(?=[A-Z])"),
    "cn": re.compile(rf"C\.N\.\s*(\d+)\.(\d{{4}})(\.TREATIES-[\w.-]+?)?\)?\s+of\s+({_DATE})", re.I),
}
NOTE_PATTERNS = {
    "withdrawal_notified": re.compile(rf"On ({_DATE}),[^.]*?notification of withdrawal", re.I),
    "withdrawal_effective": re.compile(rf"withdrawal (?:took|will take) effect for [^.]*?on ({_DATE})", re.I),
}
NAME_FORMS = (
    (re.compile(r"^(.+?)\s*\((.+\bof(?: the)?)\)$"), r"\2 \1"),  # Bolivia (Plurinational State of)
    (re.compile(r"^(.+?)\s*\((.+)\)$"), r"\1"),  # Netherlands (Kingdom of the), Bahamas (The)
)
KNOWN_WORDS = {
    "signed": ("depositary", "signed", "signature"),
    "consent_deposited": ("depositary", "deposit", "ratif", "accession", "acceded", "succession", "accept"),
    "consent_method": ("depositary", "ratification", "accession", "acceded", "succession", "acceptance"),
    "withdrawal_notified": ("depositary", "withdraw", "notif", "denounc"),
    "withdrawal_effective": ("depositary", "withdraw", "denounc"),
}
"""Words whose presence in a medium-confidence state's note documents a difference in that field."""
CN_SOURCE = {
    "id": "untc-cn-{number}-{year}",
    "title": "Depositary notification {ref}: {name}, withdrawal from the Convention",
    "publisher": "United Nations Treaty Collection (depositary)",
    "url": "https://treaties.un.org/doc/Publication/CN/{year}/CN.{number}.{year}-Eng.pdf",
    "tier": "depositary",
}
EVENT_SNIPPETS = {
    "withdrawal_notified": "{name} notified the UN Secretary-General, the depositary, of its withdrawal "
    "from the Convention under Article 20(2) (depositary notification {cn}).",
    "withdrawal_effective": "{name}'s withdrawal from the Convention takes effect on this date under "
    "Article 20(3), six months after its notice (depositary notification {cn}).",
}
_COUNTED = {"script": "skip", "style": "skip", "template": "skip", "noscript": "skip", "sup": "sup"}
_BREAKS = frozenset({"br", "p", "div", "li"})


@dataclass(slots=True)
class _Cell:
    text: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    anchor: str = ""

    @property
    def value(self) -> str:
        return clean("".join(self.text))


class _Reader(HTMLParser):
    """The visible text of a page, and every table row as ``(table number, cells)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.rows: list[tuple[int, list[_Cell]]] = []
        self._tables: list[int] = []
        self.closed: set[int] = set()
        self._seen = 0
        self._cell: _Cell | None = None
        self._in: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in[_COUNTED.get(tag, "")] += 1
        if tag == "table":
            self._seen += 1
            self._tables.append(self._seen)
        elif tag == "tr" and self._tables:
            self.rows.append((self._tables[-1], []))
        elif tag in ("td", "th") and self.rows:
            self._cell = _Cell()
            self.rows[-1][1].append(self._cell)
        elif tag == "a" and self._cell is not None:
            found = {k: (v or "").strip() for k, v in attrs}
            name, href = found.get("name", ""), found.get("href", "")[1:]
            if name.isdigit():
                self._cell.anchor = name
                self._in["anchor"] += 1
            elif self._in["sup"] and href.isdigit():
                self._cell.refs.append(href)
        elif tag in _BREAKS and self._cell is not None:
            self._cell.text.append(" ")
        if tag in ("tr", "table"):
            self._cell = None

    def handle_endtag(self, tag: str) -> None:
        key = "anchor" if tag == "a" else _COUNTED.get(tag, "")
        self._in[key] = max(0, self._in[key] - 1)
        if tag in ("td", "th", "tr", "table"):
            self._cell = None
        if tag == "table" and self._tables:
            self.closed.add(self._tables.pop())

    def handle_data(self, data: str) -> None:
        if self._in["skip"]:
            return
        self.text.append(data)
        if self._cell is not None and not self._in["sup"] and not self._in["anchor"]:
            self._cell.text.append(data)


@dataclass(frozen=True, slots=True)
class Note:
    """One end note: its text, the withdrawal dates it gives (with their sentence), its C.N. notice."""

    number: str
    text: str
    dates: Mapping[str, tuple[str, str]]
    cn: str = ""
    cn_ref: str = ""
    cn_date: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """What the page says of one field of one participant, and where it says it."""

    value: str | None
    evidence: str
    note: Note | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    """One row of the participants table, its withdrawal fields read from its end notes."""

    name: str
    entries: Mapping[str, Entry]
    bracketed: bool
    signature_bracketed: bool


@dataclass(frozen=True, slots=True)
class Page:
    """What a status page says: its date, its header counts, its participants."""

    as_at: dt.date
    signatories: int
    parties: int
    participants: tuple[Participant, ...]


def parse_day(text: str) -> str | None:
    """``27 Dec 2012`` or ``3 July 2025`` as ``YYYY-MM-DD``, or None when the text holds no date."""
    match = PAGE_PATTERNS["date"].search(text)
    month = MONTHS.get(match.group(2).lower()) if match else None
    if match is None or month is None:
        return None
    return dt.date(int(match.group(3)), month, int(match.group(1))).isoformat()


def _note(cell: _Cell) -> Note:
    text = cell.value
    dates: dict[str, tuple[str, str]] = {}
    for sentence in PAGE_PATTERNS["sentence_end"].split(text):
        for name, pattern in NOTE_PATTERNS.items():
            match = pattern.search(sentence)
            day = parse_day(match.group(1)) if match else None
            if day and name not in dates:
                dates[name] = (day, sentence)
    cn = PAGE_PATTERNS["cn"].search(text)
    if cn is None:
        return Note(cell.anchor, text, dates)
    number = f"C.N.{cn.group(1)}.{cn.group(2)}"
    return Note(cell.anchor, text, dates, number, number + (cn.group(3) or ""), parse_day(cn.group(4)) or "")


def _shorten(text: str, note: Note) -> str:
    short = text if len(text) <= 110 else text[:107].rsplit(" ", 1)[0] + "…"
    return f"{short} ({note.cn})" if note.cn else short


def _note_entry(notes: list[Note], name: str) -> Entry:
    note = next((n for n in notes if name in n.dates), None)
    if note is not None:
        day, sentence = note.dates[name]
        return Entry(day, _shorten(sentence, note), note)
    other = next((n for n in notes if n.cn), None)
    return Entry(None, _shorten(other.text, other) if other else "no end note on withdrawal")


def _participant(cells: list[_Cell], notes: Mapping[str, Note]) -> Participant:
    name, signature, consent = (c.value for c in cells[:3])
    match = PAGE_PATTERNS["consent"].match(consent)
    if match is None:
        raise PageError(f"cannot read the consent of {name!r} on the page: {consent!r}")
    table = f"participants table: {signature or '-'} | {consent or '-'}"
    method = CONSENT_KINDS[match.group(3) or ""] if match.group(2) else None
    entries = {
        "signed": Entry(parse_day(signature), table),
        "consent_deposited": Entry(parse_day(match.group(2) or ""), table),
        "consent_method": Entry(method, table),
    }
    own = [notes[n] for n in cells[0].refs if n in notes]
    entries.update({f: _note_entry(own, f) for f in NOTE_FIELDS})
    return Participant(name, entries, bool(match.group(1)), signature.startswith("["))


def decode(data: bytes) -> str:
    """The page's text; binary data is refused."""
    if b"\x00" in data[:4096]:
        raise PageError("the input is binary, not an HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _status(text: str) -> tuple[dt.date, int, int]:
    """The status header's date and its signatory and party counts."""
    as_at = PAGE_PATTERNS["as_at"].search(text)
    if as_at is None:
        raise PageError("no 'STATUS AS AT' date: not a depositary status page")
    header = text[as_at.end() : as_at.end() + 5000]
    if PAGE_PATTERNS["treaty"].search(header) is None:
        raise PageError(
            "the status header names no chapter XXVI-5 (the Ottawa Convention): another treaty or a cut page"
        )
    counts = PAGE_PATTERNS["counts"].search(header)
    if counts is None:
        raise PageError("no 'Signatories: N. Parties: N' counts: the page is truncated")
    day, month, year = (int(g) for g in as_at.groups())
    return dt.date(year, month, day), int(counts.group(1)), int(counts.group(2))


def _participant_rows(reader: _Reader, notes: Mapping[str, Note]) -> list[list[_Cell]]:
    """The rows of the complete participants table, each of whose end notes is on the page."""
    heads = (t for t, c in reader.rows if PAGE_PATTERNS["participants"].match(" | ".join(x.value for x in c)))
    head = next(heads, None)
    rows = [c for t, c in reader.rows if t == head and len(c) >= 3 and c[0].value][1:]
    missing = sorted({r for c in rows for r in c[0].refs} - notes.keys(), key=int)
    if not rows or head not in reader.closed or missing:
        cut = f"end notes {', '.join(missing)} are missing" if missing else "no complete participants table"
        raise PageError(f"{cut}: the page is truncated or not a status page")
    return rows


def read_page(html: str) -> Page:
    """Read a status page of chapter XXVI-5; raise :class:`PageError` for anything else."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    as_at, signatories, parties = _status(" ".join(" ".join(reader.text).split()))
    notes = {c.anchor: _note(c) for _, cells in reader.rows for c in cells if c.anchor}
    rows = _participant_rows(reader, notes)
    return Page(as_at, signatories, parties, tuple(_participant(r, notes) for r in rows))


def resolve_names(names: Iterable[str], kb: KnowledgeBase) -> dict[str, str | None]:
    """Each depositary name's ISO code; an ambiguous name takes the one code no other name claims."""
    index: dict[str, tuple[str, ...]] = {normalize(s.name): (s.iso3,) for s in kb.states.values()}
    for alias in kb.aliases:
        index.setdefault(normalize(alias.alias), alias.iso3s)
    found: dict[str, tuple[str, ...]] = {}
    for name in names:
        forms = [name, *(p.sub(r, name) for p, r in NAME_FORMS if p.match(name))]
        found[name] = next((index[k] for k in map(normalize, forms) if k in index), ())
    claimed = {c[0] for c in found.values() if len(c) == 1}
    left = {n: c if len(c) <= 1 else tuple(x for x in c if x not in claimed) for n, c in found.items()}
    return {n: c[0] if len(c) == 1 else None for n, c in left.items()}


@dataclass(frozen=True, slots=True)
class Difference:
    """One field where the fact base and the depositary disagree."""

    iso3: str | None
    name: str
    field: str
    knowledge: str | None
    depositary: str | None
    evidence: str
    known: bool
    note: Note | None = None

    def to_dict(self) -> dict[str, object]:
        keys = ("iso3", "name", "field", "knowledge", "depositary", "evidence", "known")
        return {k: getattr(self, k) for k in keys}


@dataclass(frozen=True, slots=True)
class Comparison:
    """A page compared with the fact base."""

    page: Page
    knowledge_counts: Mapping[str, int]
    differences: tuple[Difference, ...]

    @property
    def new(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if not d.known)

    def to_dict(self) -> dict[str, object]:
        page = self.page
        depositary = {"signatories": page.signatories, "parties": page.parties}
        return {
            "as_at": page.as_at.isoformat(),
            "counts": {"depositary": depositary, "knowledge": dict(self.knowledge_counts)},
            "differences": [d.to_dict() for d in self.differences],
        }


def knowledge_counts(states: Iterable[State], day: dt.date) -> dict[str, int]:
    """Signatories and parties on ``day`` by the fact base's dates.

    Signatories are the states that had signed by ``day``; parties those whose consent was deposited
    by ``day`` (in force or not) and whose withdrawal had not taken effect. The depositary counts
    parties the same way (162 on 3 February 2026: 166 deposits less the four withdrawals in effect;
    Poland's, due on 20 February, not yet), but stops counting the signature of a state whose
    withdrawal took effect (it prints it in square brackets: Lithuania), so its 132 signatories are
    one fewer than the 133 states that signed. Both figures are shown, neither adjusted.
    """
    rows = list(states)
    gone = {s.iso3 for s in rows if s.withdrawal_effective and s.withdrawal_effective <= day}
    return {
        "signatories": sum(1 for s in rows if s.signed and s.signed <= day),
        "parties": sum(1 for s in rows if s.consent_deposited and s.consent_deposited <= day) - len(gone),
    }


def _known(state: State, name: str) -> bool:
    note = state.note.lower()
    return state.confidence == "medium" and any(w in note for w in KNOWN_WORDS[name])


def _state_differences(state: State, p: Participant | None, as_at: str) -> Iterator[Difference]:
    withdrawn = state.withdrawal_effective is not None and state.withdrawal_effective.isoformat() <= as_at
    for name in FIELDS:
        mine = getattr(state, name)
        mine = mine.isoformat() if isinstance(mine, dt.date) else mine
        entry = p.entries[name] if p else Entry(None, "not in the participants table")
        later = name != "consent_method" and entry.value is None and (mine or "") > as_at
        bracket = name == "withdrawal_effective" and p is not None and p.bracketed != withdrawn
        if (mine == entry.value and not bracket) or later:
            continue
        evidence = entry.evidence
        if bracket and mine == entry.value:
            evidence = f"consent {'in' if p and p.bracketed else 'not in'} square brackets; {evidence}"
        known = _known(state, name)
        yield Difference(state.iso3, state.name, name, mine, entry.value, evidence, known, entry.note)


def compare(page: Page, kb: KnowledgeBase) -> Comparison:
    """Every field where ``kb`` differs from ``page``, and both sets of counts for its date."""
    codes = resolve_names((p.name for p in page.participants), kb)
    by_iso = {codes[p.name]: p for p in page.participants}
    out = [
        Difference(None, p.name, "name", None, p.name, "the name resolves to no state", False)
        for p in page.participants
        if codes[p.name] is None
    ]
    for state in sorted(kb.states.values(), key=lambda s: s.name):
        out.extend(_state_differences(state, by_iso.get(state.iso3), page.as_at.isoformat()))
    return Comparison(page, knowledge_counts(kb.states.values(), page.as_at), tuple(out))


def render_text(comparison: Comparison) -> list[str]:
    """The report as lines of text."""
    page, mine = comparison.page, comparison.knowledge_counts
    lines = [
        f"Depositary status as at {page.as_at.isoformat()} (UNTC chapter XXVI-5)",
        f"  signatories: depositary {page.signatories}, fact base {mine['signatories']}",
        f"  parties:     depositary {page.parties}, fact base {mine['parties']}",
    ]
    bracketed = ", ".join(p.name for p in page.participants if p.signature_bracketed)
    if bracketed:
        lines.append(f"  (the depositary does not count signatures in square brackets: {bracketed})")
    for d in comparison.differences:
        lines.append(
            f"{'known' if d.known else 'NEW':<5} {d.iso3 or '???'} {d.name}: {d.field} fact base "
            f"{d.knowledge or '-'}, depositary {d.depositary or '-'} [{d.evidence}]"
        )
    new = len(comparison.new)
    lines.append(f"{new} new difference(s), {len(comparison.differences) - new} known.")
    return lines


EVENT_KEYS = ("id", "date", "iso3", "kind", "snippet", "sources", "locator", "confidence")
WRITE_CONFLICTS: tuple[tuple[Callable[[Difference, str], bool], str], ...] = (
    (lambda d, as_at: d.iso3 is None, "the name resolves to no state; add the state or an alias first"),
    (lambda d, as_at: d.depositary is None, "the page gives no value, and a field is never cleared"),
    (
        lambda d, as_at: d.field != "consent_method" and (d.knowledge or "") > as_at,
        "the fact base has a date later than the page's status date",
    ),
)
"""Why a new difference is not written: ``(check, reason)``, the first that holds is reported."""


@dataclass(slots=True)
class WriteReport:
    """What :func:`write` changed, what it would not change, and why it refused, if it did."""

    applied: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    refused: str = ""


def _records(text: str) -> Iterator[tuple[str, list[str]]]:
    """Each CSV record with the raw text it was read from."""
    lines = iter(re.findall(r"[^\n]*\n|[^\n]+$", text))
    raw: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            raw.append(line)
            yield line

    for row in csv.reader(feed()):
        yield "".join(raw), row
        raw.clear()


def _csv_line(values: list[str], ending: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerow(values)
    return out.getvalue()


def _update_csv(path: Path, changes: Mapping[str, Mapping[str, str]], *, key: str) -> None:
    """Set fields of the rows whose ``key`` column names them; every other byte stays as it was."""
    out: list[str] = []
    header: list[str] = []
    for raw, row in _records(path.read_bytes().decode("utf-8")):
        update = changes.get(row[header.index(key)]) if header and len(row) == len(header) else None
        header = header or row
        if update:
            record = {**dict(zip(header, row, strict=False)), **update}
            raw = _csv_line([record.get(c, "") for c in header], "\r\n" if raw.endswith("\r\n") else "\n")
        out.append(raw)
    path.write_bytes("".join(out).encode("utf-8"))


def _append_csv(path: Path, rows: Iterable[Mapping[str, str]]) -> None:
    """Append rows in the file's own column order; a column a row lacks is left empty."""
    text = path.read_bytes().decode("utf-8")
    header = next(csv.reader([text.split("\n", 1)[0]]))
    ending = "\r\n" if "\r\n" in text[:4096] else "\n"
    text += "" if not text or text.endswith("\n") else ending
    text += "".join(_csv_line([r.get(c, "") for c in header], ending) for r in rows)
    path.write_bytes(text.encode("utf-8"))


@dataclass(slots=True)
class _Plan:
    """The rows a write changes and adds, collected before any file is touched."""

    kb: KnowledgeBase
    as_at: str
    today: dt.date
    report: WriteReport = field(default_factory=WriteReport)
    states: dict[str, dict[str, str]] = field(default_factory=dict)
    events: list[dict[str, str]] = field(default_factory=list)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)

    def _source(self, note: Note | None, name: str) -> str:
        if note is None or not note.cn:
            return self.kb.depositary_source
        number, year = note.cn.split(".")[2:4]
        row = {
            k: v.format(number=number, year=year, ref=note.cn_ref, name=name) for k, v in CN_SOURCE.items()
        }
        if row["id"] not in self.kb.sources:
            self.sources[row["id"]] = {**row, "date": note.cn_date, "accessed": self.today.isoformat()}
        return row["id"]

    def _withdrawal(self, d: Difference, iso3: str, day: str) -> None:
        """Queue the event of a withdrawal date, citing the depositary notification."""
        source = self._source(d.note, d.name)
        cited = self.states[iso3].get("sources") or " ".join(self.kb.states[iso3].sources)
        if source not in cited.split():
            self.states[iso3]["sources"] = f"{cited} {source}"
        same = [e.id for e in self.kb.events if e.iso3 == iso3 and e.kind == d.field]
        if same:
            self.report.conflicts.append(f"{iso3} {d.name}: events.csv already has {', '.join(same)}")
            return
        cn = d.note.cn if d.note else ""
        snippet = EVENT_SNIPPETS[d.field].format(name=d.name, cn=cn or "none")
        values = (f"{day}-{iso3.lower()}-{d.field.replace('_', '-')}", day, iso3, d.field, snippet, source)
        self.events.append(dict(zip(EVENT_KEYS, (*values, cn, "high"), strict=True)))

    def add(self, d: Difference) -> None:
        """Queue one new difference, or record why it cannot be written."""
        reason = next((r for check, r in WRITE_CONFLICTS if check(d, self.as_at)), None)
        if reason or d.iso3 is None or d.depositary is None:
            self.report.conflicts.append(f"{d.iso3 or '???'} {d.name}: {d.field}: {reason}")
            return
        row = self.states.setdefault(d.iso3, {})
        row[d.field] = d.depositary
        if d.field == "consent_deposited":
            eif = article17_entry_into_force(dt.date.fromisoformat(d.depositary))
            row["entry_into_force"] = eif.isoformat()
        if d.field in NOTE_FIELDS:
            self._withdrawal(d, d.iso3, d.depositary)
        self.report.applied.append(f"{d.iso3} {d.name}: {d.field} {d.knowledge or '-'} -> {d.depositary}")


def _set_as_at(path: Path, day: dt.date) -> None:
    """Set ``depositary_as_at`` in knowledge.yaml, editing that one line and keeping the comments."""
    text = path.read_bytes().decode("utf-8")
    line = f"depositary_as_at: {day.isoformat()}"
    new, count = re.subn(r"(?m)^depositary_as_at:.*$", line, text)
    path.write_bytes((new if count else text.rstrip("\n") + "\n" + line + "\n").encode("utf-8"))


def write(comparison: Comparison, kb: KnowledgeBase, knowledge_dir: Path, *, today: dt.date) -> WriteReport:
    """Apply the new differences to ``knowledge_dir``; never clears a field or deletes a row.

    A page older than the fact base's ``depositary_as_at`` is refused and nothing is written.
    """
    page = comparison.page
    if kb.depositary_as_at and page.as_at < kb.depositary_as_at:
        return WriteReport(
            refused=f"the page is as at {page.as_at}, older than depositary_as_at {kb.depositary_as_at} "
            "in knowledge.yaml; nothing written"
        )
    plan = _Plan(kb, page.as_at.isoformat(), today)
    for d in comparison.new:
        plan.add(d)
    if plan.states:
        _update_csv(knowledge_dir / "states.csv", plan.states, key="iso3")
    if plan.events:
        _append_csv(knowledge_dir / "events.csv", plan.events)
    if plan.sources:
        _append_csv(knowledge_dir / "sources.csv", plan.sources.values())
    _set_as_at(knowledge_dir / "knowledge.yaml", page.as_at)
    return plan.report
