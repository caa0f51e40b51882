"""Answer assembly: choose the evidence, lead with the asked fact, or abstain.

Pure: takes retrieval hits and returns the answer text and the cited hits.
The decision to abstain weighs what the question asks for against what the
candidate sentences contain, not one raw threshold alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.analysis import analyze, casefold_tr
from qa.questions import DATE, TITLE, Fact, asked_kind, find_facts, format_date, rank_facts
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


def _pick_fact(hit: Hit, kind: str, question_words: frozenset[str], question_stems: set[str]) -> Fact | None:
    """The fact of ``kind`` in the hit that is not merely repeating the question."""
    facts = [f for f in find_facts(hit.sentence.text, kind)
             if casefold_tr(f.text) not in question_words]
    facts = rank_facts(facts, hit.sentence.text, question_stems)
    return facts[0] if facts else None


def assemble(
    question: str,
    hits: list[Hit],
    date_hit: Hit | None = None,
    document_date: str = "",
    kind: str | None = None,
    foreign: bool = False,
    question_terms: frozenset[str] = frozenset(),
    evidence: Evidence = Evidence(),
) -> Assembled:
    """Build the answer from ``hits`` (best first).

    ``date_hit`` is the document's title line, cited with ``document_date``
    when a date question finds no date in the retrieved sentences.
    ``foreign`` marks a question whose words the corpus does not share.
    """
    kind = kind if kind is not None else asked_kind(question)
    if not hits:
        return Assembled(ABSTAIN_TEXT, [], True, reason="nothing retrieved")
    if kind == TITLE and date_hit is not None:
        title = date_hit.sentence.text.split(" ", 2)[-1] if document_date else date_hit.sentence.text
        return Assembled(f"{title} [1]\n\n{date_hit.sentence.text} [1]", [date_hit], False, title)
    body = [h for h in hits if h.sentence.kind == "body"] or hits
    top = body[0]
    ok, reason = _supported(top, evidence, foreign)
    if not ok:
        return Assembled(ABSTAIN_TEXT, [], True, reason=reason)

    primary, fact = top, None
    if kind:
        for hit in body[:3]:
            if hit.score < evidence.fact_ratio * top.score:
                break
            fact = _pick_fact(hit, kind, question_terms, set(analyze(question)))
            if fact:
                primary = hit
                break
        if fact is None and kind == DATE and date_hit is not None and document_date:
            lead = f"{format_date(document_date)} ({document_date})"
            return Assembled(f"{lead} [1]\n\n{date_hit.sentence.text} [1]", [date_hit], False, lead)
        if fact is None:
            return Assembled(ABSTAIN_TEXT, [], True, reason=f"no {kind} in the best sentences")

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
