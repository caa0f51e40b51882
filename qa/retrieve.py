"""Hybrid retrieval: BM25 over the Turkish analysis plus dense FAISS search, fused."""

from __future__ import annotations

import math
from dataclasses import dataclass

import bm25s
import faiss
import numpy as np

from index.analysis import DEFAULT_STEMMER, analyze, content_tokens, stem
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
    #: the sentence has the question's most specific known word (None: no such word)
    focus: bool | None = None
    #: which of the question's topical words (by position) the sentence has
    matched: frozenset[int] = frozenset()


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
                 stemmer: str = DEFAULT_STEMMER, dense_weight: float = DENSE_WEIGHT,
                 lexical_texts: list[str] | None = None):
        self.sentences = sentences
        self.vectors = vectors
        self.owners = owners
        self.stemmer = stemmer
        self.dense_weight = dense_weight
        texts = lexical_texts or [s.text for s in sentences]
        corpus = [analyze(text, stemmer) or ["\u2205"] for text in texts]
        self.terms = [set(terms) for terms in corpus]
        # A heading is context ("Toplantı gündemi ve ortak belgeler"): it does not make
        # every sentence under it hold the question's most specific word.
        self.own_terms = [set(analyze(s.text, stemmer)) for s in sentences]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)
        doc_freq: dict[str, int] = {}
        for terms in self.terms:
            for term in terms:
                doc_freq[term] = doc_freq.get(term, 0) + 1
        n = len(sentences)
        self.idf = {t: math.log(1 + n / f) for t, f in doc_freq.items()}
        self._by_prefix: dict[str, list[str]] = {}
        for term in self.idf:
            if len(term) >= 4:
                self._by_prefix.setdefault(term[:4], []).append(term)
        self.unknown_idf = math.log(1 + n)

    def expand(self, term: str, word: str = "") -> list[str]:
        """Index terms for one query term: itself, or terms it is a prefix of or extends.

        Snowball leaves some suffixes on ("halkı" vs "halk"): a term unknown to
        the index matches the index terms that share its stem-prefix.
        """
        if term in self.idf or len(term) < 4 or term[0].isdigit():
            return [term]
        # The index term may be the query term less a suffix ("halkı" -> "halk"), or
        # extend it when the query term is long or a whole word ("imal" -> "imalat");
        # a short stem cut from a longer word ("ortamda" -> "orta") must not reach "ortak".
        extend = len(term) >= 5 or term == word
        related = [t for t in self._by_prefix.get(term[:4], ())
                   if term.startswith(t) or (extend and t.startswith(term))]
        return related or [term]

    def term_groups(self, words: list[str], alternatives: dict[str, list[str]] | None = None) -> list[set[str]]:
        """One group of index terms per question word: its stem and its alternatives' stems."""
        groups = []
        for word in dict.fromkeys(words):
            forms = [word, *(alternatives or {}).get(word, [])]
            groups.append({t for form in forms for t in self.expand(stem(form, self.stemmer), form)})
        return groups

    def has_topic(self, words: list[str], alternatives: dict[str, list[str]] | None = None) -> bool:
        """Does any word name something the corpus has ("Peki Aliyev?" does, "Ondan sonra ne yaptılar?" not)?"""
        return any(t in self.idf for g in self.term_groups(words, alternatives) for t in g)

    def coverage(self, groups: list[set[str]]) -> np.ndarray:
        """Share of the question's IDF weight that each sentence contains.

        A group weighs as its rarest known term (an unknown word weighs most)
        and counts as covered when the sentence has any of its terms.
        """
        weights = [max((self.idf[t] for t in g if t in self.idf), default=self.unknown_idf) for g in groups]
        total = sum(weights)
        if not total:
            return np.zeros(len(self.sentences))
        return np.array([
            sum(w for g, w in zip(groups, weights, strict=True) if g & terms) / total for terms in self.terms
        ])

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Best cosine over each sentence's embedded units."""
        k = min(self.vectors.ntotal, MAX_DENSE_CANDIDATES)
        sims, rows = self.vectors.search(query_vector.reshape(1, -1).astype(np.float32), k)
        best = np.full(len(self.sentences), -1.0, dtype=np.float32)
        valid = rows[0] >= 0
        np.maximum.at(best, self.owners[rows[0][valid]], sims[0][valid])
        return best

    def search(self, question: str, query_vector: np.ndarray, k: int | None = None,
               alternatives: dict[str, list[str]] | None = None, words: list[str] | None = None,
               not_focus: frozenset[str] = frozenset()) -> list[Hit]:
        """The ``k`` best sentences (all when ``k`` is None), best first.

        ``alternatives`` maps a question word to corpus words that may stand
        for it (a translation, a synonym); they count for the lexical side.
        ``words`` replaces the question's own content words (a follow-up adds
        the names of the earlier question); ``not_focus`` are words that say
        what kind of answer is wanted ("ton", "dolar") rather than what about.
        """
        words = words if words is not None else content_tokens(question)
        groups = self.term_groups(words, alternatives)
        topical = self.term_groups([w for w in words if w not in not_focus], alternatives)
        dense = self.dense_scores(query_vector)
        known = sorted({t for g in groups for t in g if t in self.idf})
        bm25 = self.bm25.get_scores(known) if known else np.zeros(len(self.sentences))
        coverage = self.coverage(groups)
        fused = fuse(dense, np.asarray(bm25, dtype=np.float64), coverage,
                     self.dense_weight, 1.0 - self.dense_weight)
        order = np.argsort(-fused, kind="stable")[:k]
        # The question's own words pick the focus before any synonym the vocabulary
        # offered ("seviyeye" ~ "düzeyde" must not make a "düzeyde" sentence the one to find).
        own = self.term_groups([w for w in words if w not in not_focus])
        focus = self.focus_group(own) or self.focus_group(topical)
        known_groups = [(n, g) for n, g in enumerate(topical) if any(t in self.idf for t in g)]
        return [
            Hit(self.sentences[i], float(fused[i]), float(dense[i]), float(coverage[i]), float(bm25[i]),
                None if focus is None else bool(focus & self.own_terms[i]),
                frozenset(n for n, g in known_groups if g & self.own_terms[i]))
            for i in order
        ]

    def focus_group(self, groups: list[set[str]]) -> set[str] | None:
        """The question word the corpus knows that is rarest in it ("uranyum" in
        "how much uranium was shipped?"): the answer sentence should have it."""
        known = [(max(self.idf[t] for t in g if t in self.idf), i) for i, g in enumerate(groups)
                 if any(t in self.idf for t in g)]
        if not known:
            return None
        best = max(known)[0]
        if best <= min(self.idf.values()) + 1e-9:
            return None  # only words every sentence has: nothing specific
        return set().union(*(groups[i] for weight, i in known if weight >= best - 1e-9))
