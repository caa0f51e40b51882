"""Retrieval: every sentence scored by BM25, IDF-weighted term coverage and dense cosine.

The scores are signals, not a ranking: :mod:`qa.rank` combines them (and more)
with weights fitted on data. Retrieval only decides which sentences are worth
ranking: the best ``depth`` by a plain sum of dense cosine and coverage.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import bm25s
import faiss
import numpy as np
from scipy import sparse

from index.analysis import analyze, content_tokens, fold_ascii, stem
from index.documents import Document, Sentence
from qa.query import Query

MAX_DENSE_CANDIDATES = 2048  # vectors beyond these count as unrelated (cosine -1)
EXACT_WITHIN = 20_000  # a scope of at most as many vectors is scored exactly, not through HNSW
DEPTH = 24  # sentences handed to the ranker
POOL_FACTOR = 32  # the ranked rows are the best of DEPTH * POOL_FACTOR by the pre-score, each scored exactly
SPARSE_FROM = 2000  # sentences from which coverage of the whole corpus is summed over the sparse matrix


@dataclass(frozen=True)
class TermGroup:
    """One question word: the index terms that stand for it, and its weight (IDF of the rarest)."""

    terms: frozenset[str]
    weight: float
    known: bool


@dataclass(frozen=True)
class Signals:
    """Per-sentence retrieval signals over the whole corpus, and the rows worth ranking."""

    groups: tuple[TermGroup, ...]
    dense: np.ndarray
    bm25: np.ndarray
    coverage: np.ndarray
    context: np.ndarray  # coverage by the sentence's title and section (candidate rows only)
    rows: np.ndarray  # candidate sentence rows, best first by the pre-score
    #: coverage by other readings of the words: 5- and 4-letter prefixes, and IDF taken from
    #: the language's word frequencies instead of the corpus (candidate rows only)
    views: dict[str, np.ndarray] = field(default_factory=dict)


class Retriever:
    """Holds the corpus's lexical and dense structures; thread-safe after construction."""

    def __init__(self, documents: list[Document], sentences: list[Sentence], vectors: faiss.Index,
                 owners: np.ndarray, words: list[str] | None = None, word_vectors: np.ndarray | None = None):
        self.sentences = sentences
        self.vectors = vectors
        self.owners = owners
        by_source = {d.source: d for d in documents}
        texts = [by_source[s.source].title if s.kind == "title" else s.text for s in sentences]
        tokens = [content_tokens(t) for t in texts]  # each text read once: terms, prefixes and words below
        self.terms = [[stem(t) for t in ws] for ws in tokens]  # = analyze(text)
        self.term_sets = [frozenset(t) for t in self.terms]
        contexts = [f"{by_source[s.source].title}\n{s.section}" for s in sentences]
        analysed = {c: frozenset(analyze(c)) for c in set(contexts)}  # a document's sentences share a few
        self.context_sets = [analysed[c] for c in contexts]
        self.bm25 = bm25s.BM25()
        self.bm25.index([t or ["\u2205"] for t in self.terms], show_progress=False)
        doc_freq: dict[str, int] = {}
        for terms in self.term_sets:
            for term in terms:
                doc_freq[term] = doc_freq.get(term, 0) + 1
        n = max(len(sentences), 1)
        self.idf = {t: math.log(1 + n / f) for t, f in doc_freq.items()}
        # sentence x term incidence, by column: a question's coverage of every sentence in a few sparse sums
        self._column = {t: i for i, t in enumerate(self.idf)}
        rows = [i for i, terms in enumerate(self.term_sets) for _ in terms]
        cols = [self._column[t] for terms in self.term_sets for t in terms]
        self._incidence = sparse.csc_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                            shape=(len(sentences), len(self._column)))
        self.unknown_idf = math.log(1 + n)
        self._by_prefix: dict[str, list[str]] = {}
        for term in self.idf:
            if len(term) >= 4:
                self._by_prefix.setdefault(term[:4], []).append(term)
        self.previous, self.next = _neighbours(sentences)
        # The units of sentence i are vector rows _units[i]:_units[i + 1] (owners run in sentence order).
        self._units = np.searchsorted(owners, np.arange(len(sentences) + 1))
        # Only the corpus-wide counts are made here; the per-sentence sets are made for the few hundred
        # sentences a question reads, when it reads them (an archive's load would otherwise build millions).
        self.prefix_idf = {n: _prefix_idf(tokens, n) for n in PREFIXES}
        read = PerRow(len(texts), lambda i: content_tokens(texts[i]))  # each read sentence tokenised once
        self.prefix_sets = {n: PerRow(len(texts), lambda i, n=n: frozenset(_prefix(w, n) for w in read[i]))
                            for n in PREFIXES}
        # Each sentence's words as rows of the corpus word vectors: soft matching of paraphrases.
        position = {w: i for i, w in enumerate(words or ())}
        self.word_vectors = word_vectors
        self.sentence_words = PerRow(len(texts), lambda i: np.array(
            sorted({position[w] for w in read[i] if w in position}), dtype=int))

    def expand(self, term: str, word: str) -> list[str]:
        """Index terms for one query term: itself, or the terms it is a prefix of or extends
        ("halkı" -> "halk"; a whole short word "imal" -> "imalat")."""
        if term in self.idf or len(term) < 4 or term[0].isdigit():
            return [term]
        extend = len(term) >= 5 or term == word
        related = [t for t in self._by_prefix.get(term[:4], ())
                   if term.startswith(t) or (extend and t.startswith(term))]
        return related or [term]

    def term_groups(self, query: Query) -> tuple[TermGroup, ...]:
        groups = []
        for word in dict.fromkeys(query.words):
            forms = [word, *query.alternatives.get(word, ())]
            terms = frozenset(t for form in forms for t in self.expand(stem(form), form))
            known = [self.idf[t] for t in terms if t in self.idf]
            groups.append(TermGroup(terms, max(known, default=self.unknown_idf), bool(known)))
        return tuple(groups)

    def coverage(self, groups: tuple[TermGroup, ...], sets: list[frozenset[str]]) -> np.ndarray:
        """Share of the question's IDF weight that each term set contains."""
        total = sum(g.weight for g in groups)
        if not total:
            return np.zeros(len(sets))
        return np.array([sum(g.weight for g in groups if g.terms & s) / total for s in sets])

    def corpus_coverage(self, groups: tuple[TermGroup, ...]) -> np.ndarray:
        """:meth:`coverage` of every sentence of the corpus, from the incidence matrix (a plain loop
        is faster below a few thousand sentences)."""
        if len(self.sentences) < SPARSE_FROM:
            return self.coverage(groups, self.term_sets)
        total = sum(g.weight for g in groups)
        out = np.zeros(len(self.sentences))
        if not total:
            return out
        for group in groups:
            columns = [self._column[t] for t in group.terms if t in self._column]
            if columns:
                out += group.weight * (np.asarray(self._incidence[:, columns].sum(axis=1)).ravel() > 0)
        return out / total

    def dense_scores(self, vector: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
        """Best cosine over each sentence's embedded units (-1 outside ``allowed``)."""
        exact = isinstance(self.vectors, faiss.IndexFlat) or not isinstance(self.vectors, faiss.Index)
        # an HNSW index gives as many candidates as its search depth (index.store.HNSW_SEARCH_DEPTH)
        k = min(self.vectors.ntotal, MAX_DENSE_CANDIDATES if exact else self.vectors.hnsw.efSearch)
        query = vector.reshape(1, -1).astype(np.float32)
        if allowed is not None and isinstance(self.vectors, faiss.Index):
            # the search itself skips other documents' vectors, so a narrow scope still gets k candidates
            ids = np.flatnonzero(allowed[self.owners]).astype(np.int64)
            if isinstance(self.vectors, faiss.IndexHNSW) and len(ids) <= EXACT_WITHIN:
                # HNSW's graph walk misses the rows of a narrow filter: those few are scored exactly
                sims = (self.vectors.reconstruct_batch(ids) @ query[0])[None, :]
                rows = ids[None, :]
            else:
                selector = faiss.IDSelectorBatch(ids)
                params = (faiss.SearchParametersHNSW(sel=selector, efSearch=self.vectors.hnsw.efSearch)
                          if isinstance(self.vectors, faiss.IndexHNSW) else faiss.SearchParameters(sel=selector))
                sims, rows = self.vectors.search(query, k, params=params)
        elif allowed is not None:  # Milvus: the same, as a filter of the search
            sims, rows = self.vectors.search(query, k, within=np.flatnonzero(allowed[self.owners]))
        else:
            sims, rows = self.vectors.search(query, k)
        best = np.full(len(self.sentences), -1.0, dtype=np.float32)
        valid = rows[0] >= 0
        np.maximum.at(best, self.owners[rows[0][valid]], sims[0][valid])
        return best if allowed is None else np.where(allowed, best, -1.0).astype(np.float32)

    def _filled(self, dense: np.ndarray, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """``dense`` with the exact cosine of the ranked rows that the search did not reach.

        In an archive the search's candidates are a few hundred vectors of millions: a sentence ranked
        for its words alone would otherwise count as unrelated (-1) to the ranker."""
        missing = rows[dense[rows] <= -1.0]
        if not len(missing) or not isinstance(self.vectors, faiss.Index):
            return dense
        starts, ends = self._units[missing], self._units[missing + 1]
        ids = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)]).astype(np.int64)
        if not len(ids):
            return dense
        sims = self.vectors.reconstruct_batch(ids) @ vector.astype(np.float32)
        dense = dense.copy()
        np.maximum.at(dense, self.owners[ids], sims)
        return dense

    def signals(self, query: Query, depth: int = DEPTH, allowed: np.ndarray | None = None) -> Signals:
        """The signals of every sentence, and the ``depth`` rows worth ranking; ``allowed`` (a mask over the
        sentences) keeps a question to some documents: the others score as unrelated and are never ranked."""
        groups = self.term_groups(query)
        known = sorted({t for g in groups for t in g.terms if t in self.idf})
        bm25 = np.asarray(self.bm25.get_scores(known), dtype=np.float64) if known else np.zeros(len(self.sentences))
        dense = self.dense_scores(query.vector, allowed)
        coverage = self.corpus_coverage(groups)
        reachable = len(self.sentences)
        if allowed is not None:
            bm25, coverage = np.where(allowed, bm25, 0.0), np.where(allowed, coverage, 0.0)
            reachable = int(allowed.sum())

        def prescore(dense: np.ndarray) -> np.ndarray:
            scores = np.clip(dense, 0, 1) + coverage
            return scores if allowed is None else np.where(allowed, scores, -np.inf)

        # The pre-score's best few hundred get their exact cosine before the ranked rows are chosen.
        pool = _best(prescore(dense), min(depth * POOL_FACTOR, reachable))
        dense = self._filled(dense, pool, query.vector)
        rows = _best(prescore(dense), min(depth, reachable))
        context = self.coverage(groups, [self.context_sets[i] for i in rows])
        views = {f"prefix{n}": self._prefix_coverage(query, n, rows) for n in PREFIXES}
        common = tuple(TermGroup(g.terms, rarity(w, query.english), g.known)
                       for g, w in zip(groups, dict.fromkeys(query.words), strict=True))
        views["common"] = self.coverage(common, [self.term_sets[i] for i in rows])
        views["soft"] = self._soft_coverage(query, groups, rows)
        # The question's words may sit in the sentence before ("Bu hükümet ..." answers about the one
        # named there) or after: coverage of the sentence joined with each neighbour.
        for name, neighbour in (("joint_previous", self.previous), ("joint_next", self.next)):
            views[name] = self.coverage(groups, [self.term_sets[i] | (self.term_sets[neighbour[i]] if neighbour[i] >= 0
                                                                      else frozenset()) for i in rows])
        return Signals(groups, dense, bm25, coverage, context, rows, views)

    def _soft_coverage(self, query: Query, groups: tuple[TermGroup, ...], rows: np.ndarray) -> np.ndarray:
        """Coverage where each question word counts by its closest word in the sentence (cosine of the
        word vectors): paraphrases and translations count in part ("iskan" ~ "yaşadığı")."""
        if query.word_vectors is None or self.word_vectors is None or not len(self.word_vectors) or not groups:
            return np.zeros(len(rows))
        weights = np.array([g.weight for g in groups])
        sims = np.clip(query.word_vectors @ self.word_vectors.T, 0, 1)
        out = np.zeros(len(rows))
        for n, row in enumerate(rows):
            found = self.sentence_words[row]
            if len(found):
                best = np.maximum(sims[:, found].max(axis=1), [1.0 if g.terms & self.term_sets[row] else 0.0
                                                                for g in groups])
                out[n] = float(best @ weights / weights.sum())
        return out

    def _prefix_coverage(self, query: Query, n: int, rows: np.ndarray) -> np.ndarray:
        """Coverage when a word is its first ``n`` letters (Turkish suffixes vary, stems rarely)."""
        idf, unknown = self.prefix_idf[n], self.unknown_idf
        groups = []
        for word in dict.fromkeys(query.words):
            terms = frozenset(_prefix(f, n) for f in (word, *query.alternatives.get(word, ())))
            groups.append(TermGroup(terms, max((idf[t] for t in terms if t in idf), default=unknown), True))
        return self.coverage(tuple(groups), [self.prefix_sets[n][i] for i in rows])


PREFIXES = (4, 5)


@lru_cache(maxsize=1 << 18)
def _prefix(word: str, n: int) -> str:
    return word if word[0].isdigit() else fold_ascii(word[:n])


def _prefix_idf(tokens: list[list[str]], n: int) -> dict[str, float]:
    """IDF of each ``n``-letter prefix over the sentences (each counted once per sentence)."""
    doc_freq: dict[str, int] = {}
    for words in tokens:
        for term in {_prefix(w, n) for w in words}:
            doc_freq[term] = doc_freq.get(term, 0) + 1
    total = max(len(tokens), 1)
    return {t: math.log(1 + total / f) for t, f in doc_freq.items()}


class PerRow(Sequence):
    """A value per row, made by ``make(row)`` on first use and kept (thread-safe: a race makes it twice)."""

    def __init__(self, size: int, make: Callable[[int], object]):
        self._values: list = [None] * size
        self._make = make

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        value = self._values[row]
        if value is None:
            value = self._values[row] = self._make(row)
        return value


_frequencies_loading: threading.Thread | None = None
_frequencies_lock = threading.Lock()


def load_frequencies() -> threading.Thread:
    """Start reading wordfreq's Turkish and English lists (0.7 s) in the background: an engine
    starts this first, so that the model and the index load meanwhile."""
    global _frequencies_loading
    with _frequencies_lock:
        if _frequencies_loading is None:
            def read() -> None:
                from wordfreq import zipf_frequency

                zipf_frequency("bir", "tr"), zipf_frequency("one", "en")

            _frequencies_loading = threading.Thread(target=read, name="wordfreq", daemon=True)
            _frequencies_loading.start()
        return _frequencies_loading


@lru_cache(maxsize=65536)
def rarity(word: str, english: bool) -> float:
    """How informative a word is in the language at large: 8 less its Zipf frequency (wordfreq).

    A corpus of one article says little about which words are common ("yapmıştır", "başka",
    "olabilir"); the language's word frequencies do. Numbers and unknown words weigh most.
    """
    load_frequencies().join()
    from wordfreq import zipf_frequency

    if word[0].isdigit():
        return 8.0
    return max(8.0 - zipf_frequency(word, "en" if english else "tr"), 0.5)


def _best(scores: np.ndarray, depth: int) -> np.ndarray:
    """Rows of the ``depth`` highest scores, best first, ties by row (as a stable sort of all would give)."""
    if len(scores) <= 4 * depth:
        return np.argsort(-scores, kind="stable")[:depth]
    threshold = np.partition(scores, len(scores) - depth)[len(scores) - depth]
    rows = np.flatnonzero(scores >= threshold)
    return rows[np.argsort(-scores[rows], kind="stable")][:depth]


def _neighbours(sentences: list[Sentence]) -> tuple[np.ndarray, np.ndarray]:
    """Row of the body sentence before and after each sentence in its document (-1: none)."""
    previous = np.full(len(sentences), -1)
    following = np.full(len(sentences), -1)
    for i in range(1, len(sentences)):
        a, b = sentences[i - 1], sentences[i]
        if a.source == b.source and a.kind == b.kind == "body":
            previous[i], following[i - 1] = i - 1, i
    return previous, following
