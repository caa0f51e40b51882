"""Hybrid retrieval: BM25 over the Turkish analysis plus dense FAISS search, fused."""

from __future__ import annotations

import math
from dataclasses import dataclass

import bm25s
import faiss
import numpy as np

from index.analysis import analyze
from index.documents import Sentence

DENSE_WEIGHT = 0.6
LEXICAL_WEIGHT = 0.4
MAX_DENSE_CANDIDATES = 1024  # vectors beyond these count as unrelated (cosine -1)


@dataclass(frozen=True)
class Hit:
    """A retrieved sentence with its scores (all in [0, 1] but ``bm25``)."""

    sentence: Sentence
    score: float
    dense: float
    lexical: float
    bm25: float


def fuse(dense: np.ndarray, bm25: np.ndarray, coverage: np.ndarray,
         dense_weight: float = DENSE_WEIGHT, lexical_weight: float = LEXICAL_WEIGHT) -> np.ndarray:
    """Weighted sum of the dense cosine and a lexical score.

    The lexical score is BM25 scaled to the best sentence, damped by how much
    of the question's term weight the sentence covers, so one rare word
    shared by chance does not count as a match. Absolute levels survive
    (unlike rank fusion), which the abstention decision needs.
    """
    top = float(bm25.max()) if bm25.size else 0.0
    lexical = (bm25 / top) * np.sqrt(coverage) if top > 0 else np.zeros_like(bm25)
    return dense_weight * np.clip(dense, 0.0, 1.0) + lexical_weight * lexical


class HybridRetriever:
    """Scores every sentence of a corpus for a question; thread-safe after construction."""

    def __init__(self, sentences: list[Sentence], vectors: faiss.Index, owners: np.ndarray,
                 stemmer: str = "snowball"):
        self.sentences = sentences
        self.vectors = vectors
        self.owners = owners
        self.stemmer = stemmer
        self.terms = [set(analyze(s.text, stemmer)) for s in sentences]
        self.bm25 = bm25s.BM25()
        corpus = [analyze(s.text, stemmer) or ["\u2205"] for s in sentences]
        self.bm25.index(corpus, show_progress=False)
        doc_freq: dict[str, int] = {}
        for terms in self.terms:
            for term in terms:
                doc_freq[term] = doc_freq.get(term, 0) + 1
        n = len(sentences)
        self.idf = {t: math.log(1 + n / f) for t, f in doc_freq.items()}
        self.unknown_idf = math.log(1 + n)

    def vocabulary(self) -> set[str]:
        return set(self.idf)

    def coverage(self, query_terms: list[str]) -> np.ndarray:
        """Share of the query's IDF weight that each sentence contains."""
        weights = {t: self.idf.get(t, self.unknown_idf) for t in set(query_terms)}
        total = sum(weights.values())
        if not total:
            return np.zeros(len(self.sentences))
        return np.array([sum(w for t, w in weights.items() if t in terms) / total for terms in self.terms])

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Best cosine over each sentence's embedded units."""
        k = min(self.vectors.ntotal, MAX_DENSE_CANDIDATES)
        sims, rows = self.vectors.search(query_vector.reshape(1, -1).astype(np.float32), k)
        best = np.full(len(self.sentences), -1.0, dtype=np.float32)
        valid = rows[0] >= 0
        np.maximum.at(best, self.owners[rows[0][valid]], sims[0][valid])
        return best

    def search(self, question: str, query_vector: np.ndarray, k: int | None = None) -> list[Hit]:
        """The ``k`` best sentences (all when ``k`` is None), best first."""
        terms = analyze(question, self.stemmer)
        dense = self.dense_scores(query_vector)
        known = [t for t in terms if t in self.idf]
        bm25 = self.bm25.get_scores(known) if known else np.zeros(len(self.sentences))
        coverage = self.coverage(terms)
        fused = fuse(dense, np.asarray(bm25, dtype=np.float64), coverage)
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(self.sentences[i], float(fused[i]), float(dense[i]), float(coverage[i]), float(bm25[i]))
            for i in order
        ]
