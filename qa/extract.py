"""The short answer: the best span of the chosen sentence, scored by a fitted model.

Every span of up to ``MAX_SPAN`` tokens is a candidate. Its features say what
kind of thing it is (a number, a date, a name, a case-suffixed name), whether it
repeats the question's words, how close it sits to them and whether it is
bounded by punctuation; the answer type the question asks for weighs each.
Counts over spans come from cumulative sums, so a sentence costs a few arrays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.analysis import APOSTROPHES, fold_ascii
from qa.features import _YEAR, MONTHS, Profile
from qa.query import Kind, Query
from qa.rank import LinearModel

MAX_SPAN = 7
_PUNCT = re.compile(r"[,;:()\"“”«»\[\]–—]|\s-\s")
# Where a span sits: Turkish puts the predicate last, so "kim"/"ne" answers often end the sentence.
_PLACES = ("ends_sentence",)
# Postpositions that follow a cause or a purpose ("hammadde fiyatlarındaki artış nedeniyle").
CAUSAL = frozenset("nedeniyle sebebiyle dolayı yüzünden sayesinde amacıyla gerekçesiyle etkisiyle".split())
_PROPERTIES = ("number", "date", "capital", "short", "suffixed", "capital_run", "starts_number")

SPAN_FEATURES = (
    "length_1", "length_2", "length_3", "length_4_plus", "query_share", "has_query", "stop_first", "stop_last",
    "distance", "no_match", "before_match", "after_match", "punct_inside", "bounded_left", "bounded_right",
    "position", "before_asked_after", "near_asked_after", "after_asked_before", "contains_asked_after",
    "next_is_last", "ends_sentence", "between_matches", "cuts_number", *_PROPERTIES,
    *(f"{k.value}_{p}" for k in Kind for p in _PROPERTIES),
    *(f"{k.value}_{p}" for k in Kind for p in _PLACES),
    "reason_before_causal",
)


def _key(word: str) -> str:
    return fold_ascii(word[:5])


@dataclass(frozen=True)
class Span:
    text: str
    start: int  # offsets in the sentence
    end: int
    score: float


def span_table(query: Query, query_terms: frozenset[str], sentence: str, prof: Profile,
               common: frozenset[str] = frozenset()) -> tuple[np.ndarray, np.ndarray]:
    """(features, [first, last] token index) of every candidate span of ``sentence``.

    ``common`` holds the stems the corpus writes lower-case: a sentence's capitalised first word
    among them is a common word ("Belirli", "Şehir"), not a name."""
    toks = prof.tokens
    kind = query.kind
    n = len(toks)
    if not n:
        return np.zeros((0, len(SPAN_FEATURES))), np.zeros((0, 2), dtype=int)
    matched = np.array([t.stem in query_terms for t in toks], float)
    flags = {
        "query": matched,
        "stop": np.array([t.stop for t in toks], float),
        "number": np.array([t.number for t in toks], float),
        "date": np.array([t.folded in MONTHS or bool(t.number and _YEAR.match(t.folded)) for t in toks], float),
        "capital": np.array([t.capital or (i == 0 and t.text[:1].isupper() and t.stem not in query_terms
                                           and t.stem not in common) for i, t in enumerate(toks)], float),
        "suffixed": np.array([any(a in t.text for a in APOSTROPHES) for t in toks], float),
    }
    sums = {k: np.concatenate([[0.0], np.cumsum(v)]) for k, v in flags.items()}
    gaps = np.array([bool(_PUNCT.search(sentence[toks[i].end:toks[i + 1].start])) for i in range(n - 1)], float)
    gap_sums = np.concatenate([[0.0], np.cumsum(gaps)])
    hits = np.flatnonzero(matched)
    first, last = np.array([(i, j) for i in range(n) for j in range(i, min(n, i + MAX_SPAN))]).T
    length = last - first + 1
    count = {k: sums[k][last + 1] - sums[k][first] for k in sums}
    if hits.size:
        # Distance from the span to the nearest question word before it and after it (n: none).
        before = np.searchsorted(hits, first) - 1
        left = np.where(before >= 0, first - hits[np.maximum(before, 0)], n)
        after_at = np.searchsorted(hits, last, side="right")
        right = np.where(after_at < hits.size, hits[np.minimum(after_at, hits.size - 1)] - last, n)
        distance = np.log1p(np.minimum(left, right))
    else:
        left = right = np.full(first.size, n)
        distance = np.full(first.size, np.log1p(n))
    # A gap is punctuation between two tokens; the sentence's edges count as punctuation.
    edges = np.concatenate([[1.0], gaps, [1.0]])
    # Tokens that are the words around the question word; padded so that [j + 1] and [i - 1] exist.
    before, after = ({_key(w) for w in words} for words in query.wh_context)
    keys = [_key(t.folded) for t in toks]
    is_after = np.array([0.0, *(k in after for k in keys), 0.0, 0.0, 0.0])  # is_after[i + 1]: token i
    is_before = np.array([0.0, *(k in before for k in keys), 0.0])
    after_sums = np.cumsum(is_after)
    asked_after = is_after[last + 2]
    near_after = ((after_sums[last + 4] - after_sums[last + 1]) > 0).astype(float)
    asked_before = is_before[first]
    contains_after = ((after_sums[last + 1] - after_sums[first]) > 0).astype(float)
    capital = flags["capital"]
    edge = np.concatenate([[0.0], capital, [0.0]])  # capital flags padded: edge[i + 1] is token i
    capital_run = ((count["capital"] == length) & (edge[first] == 0) & (edge[last + 2] == 0)).astype(float)
    props = {
        "capital_run": capital_run,
        "starts_number": flags["number"][first],
        "number": (count["number"] > 0).astype(float),
        "date": (count["date"] > 0).astype(float),
        "capital": count["capital"] / length,
        "short": (length <= 2).astype(float),
        "suffixed": flags["suffixed"][last],
    }
    columns = {
        "length_1": (length == 1).astype(float), "length_2": (length == 2).astype(float),
        "length_3": (length == 3).astype(float), "length_4_plus": (length >= 4).astype(float),
        "query_share": count["query"] / length, "has_query": (count["query"] > 0).astype(float),
        "stop_first": flags["stop"][first], "stop_last": flags["stop"][last],
        "distance": distance, "no_match": np.full(first.size, float(not hits.size)),
        "before_match": (right == 1).astype(float), "after_match": (left == 1).astype(float),
        "punct_inside": ((gap_sums[last] - gap_sums[first]) > 0).astype(float),
        "bounded_left": (edges[first] > 0).astype(float),
        "bounded_right": (edges[last + 1] > 0).astype(float),
        "position": first / n,
        "before_asked_after": asked_after, "near_asked_after": near_after, "after_asked_before": asked_before,
        "contains_asked_after": contains_after,
        "next_is_last": (last == n - 2).astype(float),
        "ends_sentence": (last == n - 1).astype(float),
        "between_matches": ((left < n) & (right < n)).astype(float),
        # "milyon ton" of "1,5 milyon ton", "62" of "yüzde 62": the span starts inside a number phrase.
        "cuts_number": np.concatenate([[0.0], flags["number"][:-1] * flags["number"][1:]])[first],
        **props,
    }
    for k in Kind:
        on = float(kind is k)
        for p in _PROPERTIES:
            columns[f"{k.value}_{p}"] = on * props[p]
        for p in _PLACES:
            columns[f"{k.value}_{p}"] = on * columns[p]
    # "hammadde fiyatlarındaki artış nedeniyle": a reason is the phrase a causal word follows.
    causal = np.array([kind is Kind.REASON and t.folded in CAUSAL for t in toks] + [False], float)
    columns["reason_before_causal"] = causal[last + 1]
    matrix = np.column_stack([columns[name] for name in SPAN_FEATURES])
    return matrix, np.column_stack([first, last])


def best_span(model: LinearModel, query: Query, query_terms: frozenset[str], sentence: str,
              prof: Profile, common: frozenset[str] = frozenset()) -> Span | None:
    """The highest-scoring span (its score: the share of the sentence's probability), or None."""
    matrix, bounds = span_table(query, query_terms, sentence, prof, common)
    if not len(bounds):
        return None
    logits = model.logits(matrix)
    scores = np.exp(logits - logits.max())
    scores /= scores.sum()  # the model chooses one span of the sentence: a softmax over them
    best = int(np.argmax(scores))
    i, j = bounds[best]
    start, end = prof.tokens[i].start, prof.tokens[j].end
    return Span(sentence[start:end], start, end, float(scores[best]))
