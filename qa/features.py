"""Features of a candidate sentence for a question: plain numbers a fitted model weighs.

Everything here is pure: it reads a :class:`~qa.query.Query`, the retrieval
:class:`~qa.retrieve.Signals` and the sentences' :class:`Profile` and returns
arrays. ``SENTENCE_FEATURES`` names the columns; the fitted weights in
``qa/models/ranker.json`` are keyed by these names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np

from index.analysis import STOPWORDS, TOKEN, casefold_tr, stem, strip_suffix
from qa.query import Kind, Query
from qa.retrieve import PerRow, Signals

MONTHS = frozenset(
    "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık "
    "january february march april may june july august september october november december".split()
)
_YEAR = re.compile(r"^(?:1[0-9]|20)\d\d$")
# Numbers written as words ("bir" and "one" are mostly articles), and the words that make a number
# a share ("yüzde 50", "50 percent").
NUMBER_WORDS = frozenset(
    "iki üç dört beş altı yedi sekiz dokuz on yirmi otuz kırk elli altmış yetmiş seksen doksan yüz bin "
    "milyon milyar trilyon yarım çeyrek düzine yüzde binde "
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand "
    "million billion half dozen percent".split()
)


class Token(NamedTuple):  # a tuple: an archive's load makes hundreds of thousands of them
    text: str  # as written
    start: int  # offset in the sentence
    end: int
    folded: str  # casefolded, apostrophe suffix dropped
    stem: str
    capital: bool  # capitalised and not the sentence's first word
    number: bool
    stop: bool


@dataclass(frozen=True)
class Profile:
    """A sentence's tokens and what kinds of answer it holds; computed once per sentence."""

    tokens: tuple[Token, ...]
    numbers: frozenset[str]
    dates: bool
    names: frozenset[str]  # stems of capitalised words

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Where each stem occurs, by token index."""
        found: dict[str, list[int]] = {}
        for i, t in enumerate(self.tokens):
            found.setdefault(t.stem, []).append(i)
        return found


@lru_cache(maxsize=1 << 18)
def _folded(raw: str) -> tuple[str, str]:
    """(folded, stem) of a word as written: a corpus repeats its words, each is folded once."""
    folded = strip_suffix(casefold_tr(raw))
    return folded, stem(folded)


def tokens(text: str) -> tuple[Token, ...]:
    out = []
    for n, match in enumerate(TOKEN.finditer(text)):
        raw = match.group()
        folded, stemmed = _folded(raw)
        out.append(Token(raw, match.start(), match.end(), folded, stemmed,
                         capital=n > 0 and raw[0].isupper(), number=raw[0].isdigit() or folded in NUMBER_WORDS,
                         stop=folded in STOPWORDS))
    return tuple(out)


def profile(text: str) -> Profile:
    toks = tokens(text)
    numbers = frozenset(t.folded for t in toks if t.folded[0].isdigit())
    dates = any(t.folded in MONTHS or (t.number and _YEAR.match(t.folded)) for t in toks)
    return Profile(toks, numbers, dates, frozenset(t.stem for t in toks if t.capital))


SENTENCE_FEATURES = (
    "dense", "dense_gap", "dense_top", "bm25_share", "coverage", "coverage_gap", "coverage_top",
    "neighbour_coverage", "context_coverage", "proximity", "bigrams", "numbers", "type_evidence",
    "novelty", "log_length", "english_dense", "english_coverage", "title",
    "prefix4", "prefix5", "common", "prefix5_gap", "common_gap", "soft", "soft_gap",
    "previous_coverage", "next_coverage", "joint_previous", "joint_next", "opens_with_reference",
)
# A sentence opening with a demonstrative or pronoun leans on the one before it.
_REFERENCE = re.compile(r"^(?:Bu|Bunun|Bunu|Buna|Bundan|Bununla|Bunlar\w*|Şu|O|Onun|Ona|Onu|Ondan|Onlar\w*|Böylece|"
                        r"Ayrıca|Ancak|Bununla birlikte|This|That|These|Those|It|He|She|They|His|Her|Their)\b")


def _rank_top(values: np.ndarray) -> np.ndarray:
    """1 for the best value (ties included), else 0."""
    return (values >= values.max() - 1e-9).astype(float) if values.size else values


@dataclass(frozen=True)
class SentenceTable:
    """What the features read of every corpus sentence, by row; made once when the index loads."""

    texts: list[str]
    kinds: list[str]
    profiles: Sequence[Profile]  # made when a question first reads the sentence
    previous: np.ndarray  # row of the body sentence before (-1: none)
    following: np.ndarray

    @classmethod
    def build(cls, texts: list[str], kinds: list[str], previous: np.ndarray, following: np.ndarray) -> SentenceTable:
        return cls(texts, kinds, PerRow(len(texts), lambda i: profile(texts[i])), previous, following)


def sentence_features(query: Query, signals: Signals, table: SentenceTable) -> np.ndarray:
    """One row of ``SENTENCE_FEATURES`` per candidate row of ``signals``."""
    rows = signals.rows
    profiles, previous, following = table.profiles, table.previous, table.following
    dense = np.clip(signals.dense[rows], -1, 1).astype(float)
    coverage = signals.coverage[rows]
    bm25 = signals.bm25[rows]
    top_bm25 = float(signals.bm25.max()) if signals.bm25.size else 0.0
    before = np.array([signals.coverage[p] if p >= 0 else 0.0 for p in previous[rows]])
    after = np.array([signals.coverage[f] if f >= 0 else 0.0 for f in following[rows]])
    english = float(query.english)
    columns = {
        "dense": dense,
        "dense_gap": dense - float(np.max(signals.dense)),
        "dense_top": _rank_top(dense),
        "bm25_share": bm25 / top_bm25 if top_bm25 > 0 else np.zeros_like(bm25),
        "coverage": coverage,
        "coverage_gap": coverage - float(signals.coverage.max()),
        "coverage_top": _rank_top(coverage),
        "neighbour_coverage": np.maximum(before, after),
        "previous_coverage": before,
        "next_coverage": after,
        "opens_with_reference": np.array([bool(_REFERENCE.match(table.texts[r])) for r in rows], dtype=float),
        "context_coverage": signals.context,
        "english_dense": english * dense,
        "english_coverage": english * coverage,
        "title": np.array([table.kinds[r] == "title" for r in rows], dtype=float),
        **signals.views,
        "prefix5_gap": signals.views["prefix5"] - signals.views["prefix5"].max(initial=0.0),
        "common_gap": signals.views["common"] - signals.views["common"].max(initial=0.0),
        "soft_gap": signals.views["soft"] - signals.views["soft"].max(initial=0.0),
    }
    per_sentence = [_sentence_row(query, signals, profiles[r]) for r in rows]
    for n, name in enumerate(("proximity", "bigrams", "numbers", "type_evidence", "novelty", "log_length")):
        columns[name] = np.array([row[n] for row in per_sentence], dtype=float)
    return np.column_stack([columns[name] for name in SENTENCE_FEATURES]) if len(rows) else np.zeros(
        (0, len(SENTENCE_FEATURES)))


def _sentence_row(query: Query, signals: Signals, prof: Profile) -> tuple[float, ...]:
    groups = signals.groups
    where = prof.positions
    positions = [sorted(i for term in g.terms for i in where.get(term, ())) for g in groups]
    matched = [p for p in positions if p]
    if len(matched) >= 2:
        first, last = min(p[0] for p in matched), max(p[-1] for p in matched)
        proximity = len(matched) / (last - first + 1)
    else:
        proximity = 0.0
    pairs = list(itertools.pairwise(groups))
    adjacent = sum(any(j - i == 1 for i in positions[n] for j in positions[n + 1]) for n in range(len(pairs)))
    bigrams = adjacent / len(pairs) if pairs else 0.0
    numbers = (len(set(query.numbers) & prof.numbers) / len(query.numbers)) if query.numbers else 0.0
    query_terms = frozenset().union(*(g.terms for g in groups)) if groups else frozenset()
    content = [t for t in prof.tokens if not t.stop]
    novel = [t for t in content if t.stem not in query_terms]
    novelty = len(novel) / len(content) if content else 0.0
    return proximity, bigrams, numbers, type_evidence(query.kind, novel, prof), novelty, float(np.log1p(len(content)))


def type_evidence(kind: Kind, novel: list[Token], prof: Profile) -> float:
    """Does the sentence hold, outside the question's own words, the kind of thing asked for?"""
    if kind is Kind.QUANTITY:
        return float(any(t.number for t in novel))
    if kind is Kind.DATE:
        return float(any(t.folded in MONTHS or (t.number and _YEAR.match(t.folded)) for t in novel))
    if kind in (Kind.PERSON, Kind.PLACE):
        return float(any(t.capital for t in novel))
    return 1.0
