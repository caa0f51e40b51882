"""Answer assembly: choose the evidence, lead with the asked fact, or abstain.

Pure: takes retrieval hits and returns the answer text and the cited hits.
The decision to abstain weighs what the question asks for against what the
candidate sentences contain, not one raw threshold alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.analysis import analyze, casefold_tr
from qa.constraints import (
    asked_units,
    asks_about_the_future,
    has_unit,
    is_about_the_document,
    numbers_missing,
)
from qa.questions import DATE, PERSON, PLACE, QUANTITY, TITLE, Fact, asked_kind, find_facts, format_date, rank_facts
from qa.retrieve import Hit

ABSTAIN_TEXT = "Bu sorunun cevabı makalede yok."


@dataclass(frozen=True)
class Evidence:
    """The thresholds of the abstention decision (tuned on tests/golden/seed.jsonl)."""

    min_score: float = 0.30  # fused score of the best sentence
    min_dense: float = 0.28  # a question in another language has only the dense signal
    min_coverage: float = 0.34  # share of the question's term weight in the sentence
    second_ratio: float = 0.92  # cite a second sentence scoring this close to the first
    fact_ratio: float = 0.80  # prefer a lower hit holding the asked fact, down to this ratio
    date_coverage: float = 0.5  # question terms the best sentence must cover to take the article's date
    name_override_dense: float = 0.5  # a name the corpus lacks is fatal below this dense score
    strong_score: float = 0.5  # answers a who/where question even without a name in the sentence


@dataclass(frozen=True)
class Assembled:
    text: str
    cited: list[Hit]
    abstained: bool
    fact: str = ""
    reason: str = ""


def _supported(top: Hit, evidence: Evidence, foreign: bool) -> tuple[bool, str]:
    """Is the best sentence evidence for this question at all?"""
    if foreign:
        ok = top.dense >= evidence.min_dense
        return ok, "" if ok else f"dense similarity {top.dense:.2f} < {evidence.min_dense}"
    if top.score < evidence.min_score:
        return False, f"score {top.score:.2f} < {evidence.min_score}"
    if top.lexical < evidence.min_coverage and top.dense < evidence.min_dense:
        return False, f"question terms covered {top.lexical:.2f}, dense {top.dense:.2f}"
    return True, ""


def _pick_fact(hit: Hit, kind: str, question: str, units: list[str]) -> Fact | None:
    """The best fact of ``kind`` in the hit that does not merely repeat the question."""
    asked = casefold_tr(question)
    facts = [f for f in find_facts(hit.sentence.text, kind)
             if casefold_tr(f.text) not in asked and all(has_unit(f.text, u) for u in units)]
    facts = rank_facts(facts, hit.sentence.text, set(analyze(question)))
    return facts[0] if facts else None


def _abstain(reason: str) -> Assembled:
    return Assembled(ABSTAIN_TEXT, [], True, reason=reason)


def _document_date(question: str, top: Hit, date_hit: Hit | None, document_date: str,
                   foreign: bool, evidence: Evidence) -> Assembled:
    """Answer a date question with the article's date, when the article is what it is about."""
    if date_hit is None or not document_date:
        return _abstain("no date in the best sentences and no document date")
    if asks_about_the_future(question):
        return _abstain("asks when something will happen; the article's date does not say")
    about_article = is_about_the_document(question) or (
        top.dense >= evidence.min_dense if foreign else top.lexical >= evidence.date_coverage
    )
    if not about_article:
        return _abstain("no date in the best sentences")
    lead = f"{format_date(document_date)} ({document_date})"
    return Assembled(f"{lead} [1]\n\n{date_hit.sentence.text} [1]", [date_hit], False, lead)


def assemble(
    question: str,
    hits: list[Hit],
    date_hit: Hit | None = None,
    document_date: str = "",
    kind: str | None = None,
    foreign: bool = False,
    unsupported_names: tuple[str, ...] = (),
    evidence: Evidence = Evidence(),
) -> Assembled:
    """Build the answer from ``hits`` (best first).

    ``date_hit`` is the document's title line, cited with ``document_date``
    for questions about the article's date or title. ``foreign`` marks a
    question in another language than the corpus; ``unsupported_names`` are
    names in the question that the corpus does not mention.
    """
    kind = kind if kind is not None else asked_kind(question)
    if not hits:
        return _abstain("nothing retrieved")
    body = [h for h in hits if h.sentence.kind == "body"] or hits
    top = body[0]
    if kind == DATE and is_about_the_document(question):
        return _document_date(question, top, date_hit, document_date, foreign, evidence)
    ok, reason = _supported(top, evidence, foreign)
    if not ok:
        return _abstain(reason)
    if unsupported_names and top.dense < evidence.name_override_dense:
        return _abstain(f"the article does not mention {', '.join(unsupported_names)}")
    if kind == TITLE and date_hit is not None:
        title = date_hit.sentence.text.split(" ", 2)[-1] if document_date else date_hit.sentence.text
        return Assembled(f"{title} [1]\n\n{date_hit.sentence.text} [1]", [date_hit], False, title)

    primary, fact = top, None
    if kind:
        units = asked_units(question) if kind == QUANTITY else []
        for hit in body[:3]:
            if hit.score < evidence.fact_ratio * top.score:
                break
            fact = _pick_fact(hit, kind, question, units)
            if fact:
                primary = hit
                break
        if fact is None and kind == DATE:
            return _document_date(question, top, date_hit, document_date, foreign, evidence)
        if fact is None and kind in (PERSON, PLACE) and top.score >= evidence.strong_score:
            kind = None  # "nerede" can be figurative; strong evidence still answers
        elif fact is None:
            unit = f" in {'/'.join(units)}" if units else ""
            return _abstain(f"no {kind}{unit} in the best sentences")
    missing = numbers_missing(question, primary.sentence.text)
    if missing:
        return _abstain(f"the best sentence does not state {', '.join(missing)}")

    cited = [primary]
    for hit in body:
        if hit is primary or len(cited) == 2:
            continue
        if hit.score >= evidence.second_ratio * primary.score and not kind:
            cited.append(hit)
    parts = []
    if fact:
        parts.append(f"{fact.text} [1]")
    parts += [f"{hit.sentence.text} [{n}]" for n, hit in enumerate(cited, 1)]
    return Assembled("\n\n".join(parts), cited, False, fact.text if fact else "")
