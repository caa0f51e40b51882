"""The engine: one corpus, one index, one model, answering questions."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.analysis import (
    analyze,
    casefold_tr,
    content_tokens,
    lacks_turkish_letters,
    looks_english,
    normalise_case,
    stem,
    strip_suffix,
)
from index.documents import DocumentError, find_sources, load_document
from index.embedding import Encoder, FastUseEncoder, ModelError, ModelSpec, load_encoder
from index.lexicon import corpus_lexicon
from index.store import IndexStoreError, LoadedIndex, StaleIndexError, build_index, load_index
from index.units import lexical_texts, titled_people
from qa.assemble import Assembled, Evidence, assemble
from qa.constraints import excluded_words, name_candidates, role_missing, spelt_number, unit_words, verb_forms
from qa.names import Vocabulary
from qa.questions import asked_kind
from qa.retrieve import Hit, HybridRetriever
from qa.speakers import asked_person, asked_speaker, sentence_speakers
from qa.types import Answer, Citation

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "seeds"
DEFAULT_INDEX = PROJECT_ROOT / ".qa_index"
MAX_QUESTION_CHARS = 1000
RERANK_DEPTH = 8  # hits the answer assembly may re-order by answer type
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_FOLLOW_UP = re.compile(r"^\s*(?:peki|ya|and|what about|how about|bir de)\b", re.IGNORECASE)
_PARTICIPLE = re.compile(r"(?:l[ae]n|nan|nen|d[ıiuü]ğ[ıiuü]\w*|t[ıiuü]ğ[ıiuü]\w*|[ae]c[ae]k\w*)$")
_ASKING_VERB = re.compile(r"nitelendir|tanımla|tarif|betimle|adlandır|characteri[sz]|describ|portray|depict")
_INTERROGATIVE = re.compile(r"\b(?:what|what's|which|who|whom|whose|when|where|why|how|ne|neler|neyi|nedir|neydi|"
                            r"kim|kimi|hangi|nerede|neden|niçin|nasıl|kaç)\b")
# Pronouns that point back into the conversation ("What did he announce?").
_PRONOUN = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|there|that|those|these|it|its|o|onun|ona|onu|onlar|onların|orada|oraya|"
    r"oradan|ondan|bunlar|bunların|bundan|bunun|bunu|buna|bununla|şunu|bu miktar\w*|bu rakam\w*|bu hedef\w*)\b",
    re.IGNORECASE)


@dataclass
class _Analysis:
    """A question, what it asks for, and the sentences ranked for it."""

    question: str
    kind: str | None
    english: bool
    words: list[str]
    alternatives: dict[str, list[str]]
    alien: tuple[str, ...]
    alien_share: float
    follow_up: bool
    mentioned: tuple[str, ...]
    ranked: list[Hit]
    timings: dict[str, float]


class QAError(Exception):
    """Anything the user can fix; the message says what was wrong and what to do."""


class QuestionError(QAError, ValueError):
    """The question itself is unusable (empty, too long, control characters)."""


USER_ERRORS = (QAError, DocumentError, IndexStoreError, ModelError)


def clean_question(question: object) -> str:
    """Return the question with whitespace normalised, or raise QuestionError."""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, got {type(question).__name__}")
    bad = _CONTROL.search(question)
    if bad:
        raise QuestionError(
            f"the question contains a control character ({bad.group()!r} at position {bad.start()}); "
            "remove it and ask again"
        )
    text = " ".join(question.split())
    if not text:
        raise QuestionError("the question is empty; ask something about the article")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    return text


_ALIAS = re.compile(
    r"(?P<alias>(?:[^\W\d_]+\s+){1,3}?)(?:diye|olarak|adıyla)\s+(?:da\s+)?(?:bilinen|anılan|adlandırılan)|"
    r"\b(?:known as|so-called|dubbed|nicknamed)\s+(?:the\s+)?(?P<alias2>(?:[^\W\d_]+\s*){1,3})", re.IGNORECASE)


class Engine:
    """Answers questions about one corpus.

    ``corpus`` is a list of files or folders (default: the project's ``seeds/``);
    the index lives in ``index_dir``. A missing or stale index is rebuilt when
    ``auto_build`` is true (the default for the default corpus), otherwise
    loading raises with a clear message. ``load=False`` defers loading (to
    call :meth:`build` first). ``encoder`` shares an already loaded model of the
    same name (``other.encoder``) instead of loading it again. Safe to call
    from many threads.
    """

    def __init__(
        self,
        corpus: list[str | Path] | str | Path | None = None,
        index_dir: str | Path | None = None,
        model: str | None = None,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        auto_build: bool | None = None,
        fast_query_encoder: bool = False,
        evidence: Evidence | None = None,
        progress: bool = False,
        load: bool = True,
        encoder: Encoder | None = None,
    ):
        if corpus is None:
            corpus = [Path(os.environ.get("QA_CORPUS", DEFAULT_CORPUS))]
        elif isinstance(corpus, (str, Path)):
            corpus = [corpus]
        self.corpus = [Path(p) for p in corpus]
        default_corpus = self.corpus == [DEFAULT_CORPUS]
        self.index_dir = Path(index_dir or os.environ.get("QA_INDEX_DIR", DEFAULT_INDEX))
        if index_dir is None and not default_corpus:
            # Another corpus gets a folder of its own, so it never replaces the default index.
            key = hashlib.sha1("\n".join(sorted(str(p.resolve()) for p in self.corpus)).encode()).hexdigest()
            self.index_dir = self.index_dir / "corpora" / key[:12]
        self.spec = ModelSpec.resolve(model, query_prompt, passage_prompt)
        self.auto_build = default_corpus if auto_build is None else auto_build
        self.evidence = evidence or Evidence()
        self.progress = progress
        self._fast = fast_query_encoder
        if encoder is not None and encoder.model_id != self.spec.model_id:
            raise QAError(f"the encoder given is {encoder.model_id!r}, but this engine uses {self.spec.model_id!r}")
        self._encoder: Encoder | FastUseEncoder | None = encoder
        self._lock = threading.Lock()
        self.timings: dict[str, float] = {}
        if load:
            self.load()

    def load(self) -> None:
        """Load the index (building it if allowed) and prepare retrieval."""
        started = time.perf_counter()
        self.index = self._load_or_build()
        self.retriever = HybridRetriever(self.index.sentences, self.index.vectors, self.index.owners,
                                         lexical_texts=lexical_texts(self.index.documents))
        self.by_source = {d.source: d for d in self.index.documents}
        self.people = {p: c for d in self.index.documents for p, c in titled_people(d).items()}
        self.speakers = {i: p for d in self.index.documents for i, p in sentence_speakers(d).items()}
        # The sentences under each document's last heading ("Sonuç"): what "the conclusion" means.
        self.closing = frozenset(s.id for d in self.index.documents if d.sections
                                 for s in d.sentences if s.kind == "body" and s.section == d.sections[-1])
        self._sentences_by_id = {s.id: s for s in self.index.sentences}
        self._corpus_text = casefold_tr("\n".join(d.text for d in self.index.documents))
        self.vocabulary = Vocabulary(self.index.documents, self._encoder_for(building=False), self.index.lexicon)
        self.timings["load_ms"] = (time.perf_counter() - started) * 1000

    # -- loading --------------------------------------------------------------------------

    def _encoder_for(self, building: bool) -> Encoder | FastUseEncoder:
        with self._lock:
            if self._encoder is None or (building and isinstance(self._encoder, FastUseEncoder)):
                self._encoder = load_encoder(self.spec, fast=self._fast and not building)
            return self._encoder

    @property
    def encoder(self) -> Encoder | FastUseEncoder:
        """The loaded embedding model (loaded on first use)."""
        return self._encoder_for(building=False)

    def build(self) -> dict:
        """(Re)build the index of the corpus; returns the manifest."""
        sources = [p.resolve() for p in find_sources(self.corpus)]
        documents = [load_document(p) for p in sources]
        encoder = self._encoder_for(building=True)
        return build_index(
            documents,
            self.index_dir,
            lambda texts: encoder.encode_passages(texts, progress=self.progress),
            {"id": encoder.model_id, "dimension": encoder.dimension},
            progress=self.progress,
            lexicon=corpus_lexicon(documents),
        )

    def _load_or_build(self) -> LoadedIndex:
        try:
            index = load_index(self.index_dir, self.spec.model_id)
            expected = sorted(str(p.resolve()) for p in find_sources(self.corpus))
            if sorted(s["path"] for s in index.manifest["sources"]) != expected:
                raise StaleIndexError(
                    f"the index in {self.index_dir} covers other files than {', '.join(map(str, self.corpus))}; "
                    "rebuild with `qa index build`"
                )
            return index
        except IndexStoreError:
            if not self.auto_build:
                raise
        self.build()
        return load_index(self.index_dir, self.spec.model_id)

    # -- answering ------------------------------------------------------------------------

    def _previous_names(self, previous: list[str]) -> tuple[str, ...]:
        """Names the previous answer gave ("Kasım Cömert Tokayev"): what "he" or "there" points to."""
        if not previous:
            return ()
        earlier = self.answer(previous[-1], history=previous[-4:-1])
        return (earlier.fact,) if earlier.fact and earlier.fact[:1].isupper() else ()

    def _analyse(self, question: str, history: list[str] | None) -> _Analysis:
        """Everything about a question that retrieval and assembly need, and the ranking."""
        started = time.perf_counter()
        question = clean_question(question)
        previous = [q for q in (history or []) if isinstance(q, str) and q.strip()]
        english = looks_english(question)
        # "Apart from oil, ..." sets oil aside: it must not pull in the oil sentence.
        set_aside = set(excluded_words(question))
        words = [w for w in content_tokens(question) if w not in set_aside]
        alternatives, alien = self.vocabulary.match(words, foreign=english)
        if set_aside:
            # "Besides oil, which fuel ...": what stands for oil does not stand for the fuel asked about.
            aside, _ = self.vocabulary.match(sorted(set_aside), foreign=english)
            dropped = set(set_aside) | {w for forms in aside.values() for w in forms}
            alternatives = {w: [a for a in forms if a not in dropped] for w, forms in alternatives.items()}
        # "nasıl nitelendiriyor", "how does he characterise": the asking, not a topic the article lacks.
        alien = tuple(w for w in alien if not _ASKING_VERB.match(w))
        # "fifteen deals" is "15 anlaşma": a spelt-out number is known by its digits.
        numbers = {w: spelt_number(w) for w in words if spelt_number(w)}
        alternatives = {**alternatives, **{w: [n] for w, n in numbers.items()}}
        alien = tuple(w for w in alien if w not in numbers)
        # "Hangi süre içinde?" after a question: no word of its own the article has, so it goes on from there.
        short = (_FOLLOW_UP.match(question) is not None or len(content_tokens(question)) <= 1
                 or not self.retriever.has_topic(words, alternatives))
        follow_up = bool(previous) and (short or _PRONOUN.search(question) is not None)
        # "Peki Aliyev?" asks what the earlier question asked; "And what's the plan?" asks its own.
        inherits = follow_up and short and not _INTERROGATIVE.search(casefold_tr(question))
        kind = asked_kind(question) or (asked_kind(previous[-1]) if inherits else None)
        encoder = self._encoder_for(building=False)
        typed = question
        if lacks_turkish_letters(question) and not english:
            typed = self.vocabulary.restore_diacritics(question)
        vector = encoder.encode_queries([normalise_case(typed)])[0]
        if follow_up:
            # The earlier question gives the frame ("what did he say about"), the
            # new one the topic.
            vector = vector * 2 + encoder.encode_queries([previous[-1]])[0]
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        encoded = time.perf_counter()
        alien_share = self._alien_share(words, alien)
        if follow_up:
            # Names from the earlier question stand in for "he", "orada", ...; a question
            # with no topic of its own ("Ondan sonra ne yaptılar?") keeps the earlier topic.
            mentioned = self._previous_names(previous)
            carried = [strip_suffix(casefold_tr(n)) for n in name_candidates(previous[-1])]
            carried += [w for name in mentioned for w in content_tokens(name)]
            if not self.retriever.has_topic(words):
                carried += content_tokens(previous[-1])
            # An English earlier question carries English words: they need their translations too.
            carried_alternatives, _ = self.vocabulary.match(carried, foreign=looks_english(previous[-1]))
            alternatives = {**{n: [] for n in carried}, **carried_alternatives, **alternatives}
            words = words + carried
        else:
            mentioned = ()
        ranked = self.retriever.search(question, vector, alternatives=alternatives, words=words,
                                       not_focus=unit_words(words) | verb_forms(words))
        return _Analysis(question, kind, english, words, alternatives, alien, alien_share, follow_up,
                         mentioned, ranked, {"encode_ms": (encoded - started) * 1000,
                                  "retrieve_ms": (time.perf_counter() - encoded) * 1000})

    def answer(self, question: str, history: list[str] | None = None, k: int = 5) -> Answer:
        """Answer ``question``; ``history`` holds earlier questions of a conversation."""
        started = time.perf_counter()
        found = self._analyse(question, history)
        ranked = found.ranked
        hits = ranked[:max(k, RERANK_DEPTH)]
        speaker = asked_speaker(found.question, self.people)
        if speaker:
            # All the speaker's statements may answer "what did he say": they were scored too.
            hits += [h for h in ranked[len(hits):] if self.speakers.get(h.sentence.id) == speaker]
        assembling = time.perf_counter()
        source = hits[0].sentence.source if hits else None
        title_hit = next((h for h in ranked if h.sentence.kind == "title" and h.sentence.source == source), None)
        document = self.by_source.get(source)
        assembled = assemble(
            found.question,
            hits,
            date_hit=title_hit,
            document_date=document.date if document else "",
            kind=found.kind,
            foreign=found.english,
            unsupported_names=self._unsupported_names(found.question, found.english, found.alternatives),
            alien_share=found.alien_share,
            alien=found.alien,
            missing_role=role_missing(found.question, self._corpus_text, folded=True),
            mentioned=found.mentioned,
            alternatives=found.alternatives,
            speaker=speaker,
            person=asked_person(found.question, self.people),
            speakers=self.speakers,
            people=self.people,
            closing=self.closing,
            plain=lacks_turkish_letters(found.question),
            evidence=self.evidence,
        )
        retrieved_ids = {h.sentence.id for h in hits} | ({title_hit.sentence.id} if title_hit else set())
        citations = self._citations(assembled, retrieved_ids)
        done = time.perf_counter()
        return Answer(
            question=found.question,
            text=assembled.text,
            citations=citations,
            abstained=assembled.abstained,
            fact=assembled.fact,
            reason=assembled.reason,
            retrieved=[h.sentence.id for h in ranked],
            timings={**found.timings, "assemble_ms": (done - assembling) * 1000,
                     "total_ms": (done - started) * 1000},
        )

    def _citations(self, assembled: Assembled, retrieved_ids: set[str]) -> list[Citation]:
        """Citations checked against the source text and the retrieval, not trusted."""
        citations = []
        for hit in assembled.cited:
            sentence = hit.sentence
            text = self.by_source[sentence.source].text
            if sentence.id not in retrieved_ids or text[sentence.start:sentence.end] != sentence.text:
                raise AssertionError(f"citation {sentence.id} is not a retrieved, verbatim sentence")
            citations.append(Citation(sentence.id, sentence.text, sentence.source, sentence.start,
                                      sentence.end, round(hit.score, 4)))
        return citations

    def explain(self, question: str, history: list[str] | None = None, k: int = 5) -> dict:
        """The answer with the features behind it: retrieval scores of the top ``k`` sentences."""
        result = self.answer(question, history=history, k=k)
        found = self._analyse(question, history)
        return {
            "answer": result.to_dict() | {"reason": result.reason, "fact": result.fact},
            "kind": found.kind,
            "english": found.english,
            "follow_up": found.follow_up,
            "terms": analyze(found.question),
            "names_not_in_corpus": list(self._unsupported_names(found.question, found.english, found.alternatives)),
            "alternatives": found.alternatives,
            "alien_words": list(found.alien),
            "alien_share": round(found.alien_share, 3),
            "hits": [{"id": h.sentence.id, "score": round(h.score, 3), "dense": round(h.dense, 3),
                      "coverage": round(h.lexical, 3), "bm25": round(h.bm25, 3), "focus": h.focus,
                      "text": h.sentence.text[:90]} for h in found.ranked[:k]],
        }

    def _unsupported_names(self, question: str, english: bool,
                           alternatives: dict[str, list[str]] | None = None) -> tuple[str, ...]:
        """Names in a question that the corpus does not mention.

        A capitalised word with a corpus synonym ("Antlaşmanın" ~ "anlaşması") is a word, not a name.
        """
        names = self._capitalised_unknown(question, english)
        # "Orta koridor diye bilinen ...", "the so-called Middle Corridor": the asker's own name for it.
        aliases = {w for m in _ALIAS.finditer(question)
                   for w in re.findall(r"[^\W\d_]+", m.group("alias") or m.group("alias2"))}
        return tuple(n for n in names if not (alternatives or {}).get(casefold_tr(n)) and n not in aliases)

    def _capitalised_unknown(self, question: str, english: bool) -> tuple[str, ...]:
        later = name_candidates(question)
        if english:
            # Short acronyms differ between languages ("AI" is "YZ", "EU" is "AB").
            later = [n for n in later if not (n.isupper() and len(n) <= 3)]
            return self.vocabulary.unsupported_names(later, foreign=True)
        first = name_candidates(question, first=True)
        start = first[0] if len(first) > len(later) else ""
        if _PARTICIPLE.search(casefold_tr(start)):
            start = ""  # "Kutlanan ortaklık anlaşması ...": a verb form opens the question, not a name
        return self.vocabulary.unsupported_names(later, sentence_start=start)

    def _alien_share(self, words: list[str], alien: tuple[str, ...]) -> float:
        """Share of the question's term weight carried by words the corpus does not know."""
        words = [w for w in words if not w[0].isdigit()]
        if not words:
            return 0.0
        weights = [self.retriever.idf.get(stem(w), self.retriever.unknown_idf) for w in words]
        return sum(wt for w, wt in zip(words, weights, strict=True) if w in alien) / sum(weights)

    def sentence(self, sentence_id: str):
        """The indexed sentence with this id."""
        return self._sentences_by_id[sentence_id]
