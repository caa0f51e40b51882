"""Articles uploaded in the chat: checked, indexed into a temporary folder, cached by content.

Each upload is indexed with the same pipeline as the default corpus
(:class:`qa.engine.Engine` with its own corpus and ``index_dir``) in a folder
under the system temp directory; the default corpus and ``.qa_index/`` are
never touched. Engines are cached by the SHA-256 of the file's bytes, so the
same file uploaded twice (or by two users) is indexed once. Each article
carries a few example questions about it that its engine answers
(:mod:`ui.examples`), made once when it is indexed.

Indexing runs off the answering path (:mod:`ui.indexer`): one worker process, at a
lower CPU priority (``nice`` +10) and with its own copy of the model, embeds the
article's sentences and its words and makes the example questions; the chat's process
then only loads the finished index with the word vectors it is handed. An upload never
holds the encoder, the interpreter lock or a CPU at full priority that other visitors'
answers run on.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.documents import SUFFIXES, Document, parse_document
from index.embedding import Encoder, FastUseEncoder, ModelSpec, load_encoder
from qa.engine import USER_ERRORS, Engine
from ui.examples import answerable_examples
from ui.indexer import Worker, WorkerError

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 200 * 1024
CACHE_SIZE = 8
EXAMPLE_COUNT = 4  # example questions offered for an uploaded article
WORKER_THREADS = 1  # BLAS threads of the indexing worker's model: one core at most, the rest answers

Progress = Callable[[float, str], None]


class UploadError(ValueError):
    """An uploaded file cannot be used; the message (Turkish) says why and what to do."""


@dataclass
class Article:
    key: str  # SHA-256 of the file's bytes
    name: str  # the file name as uploaded
    engine: Engine
    folder: Path
    #: questions about this article that its engine answers (ui.examples), for the example buttons
    examples: list[str] = field(default_factory=list)

    @property
    def document(self) -> Document:
        return self.engine.index.documents[0]


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB"


def read_upload(path: str | Path, name: str | None = None) -> tuple[str, bytes, Document]:
    """Check an uploaded file; returns ``(name, bytes, parsed document)`` or raises UploadError."""
    path = Path(path)
    name = name or path.name
    if path.suffix.lower() not in SUFFIXES:
        raise UploadError(f"'{name}' desteklenmiyor: yalnızca .txt ve .md dosyaları yüklenebilir.")
    try:
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise UploadError(f"'{name}' çok büyük ({_kb(size)}; sınır {_kb(MAX_UPLOAD_BYTES)}). "
                              "Daha kısa bir makale yükleyin.")
        data = path.read_bytes()
    except OSError as exc:
        raise UploadError(f"'{name}' okunamadı ({exc.strerror or exc}).") from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"'{name}' çok büyük ({_kb(len(data))}; sınır {_kb(MAX_UPLOAD_BYTES)}).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadError(f"'{name}' UTF-8 metin değil ({exc.start + 1}. bayt çözülemedi). "
                          "Dosyayı UTF-8 olarak kaydedip yeniden yükleyin.") from None
    if not text.replace("\ufeff", "").strip():
        raise UploadError(f"'{name}' boş. İçinde metin olan bir dosya yükleyin.")
    if "\x00" in text:
        raise UploadError(f"'{name}' bir metin dosyası değil (NUL karakteri içeriyor).")
    document = parse_document(text, name)
    if not any(s.kind == "body" for s in document.sentences):
        raise UploadError(f"'{name}' içinde dizinlenecek cümle bulunamadı (yalnızca başlık mı var?). "
                          "Noktalı cümleler içeren bir makale yükleyin.")
    return name, data, document


def _examples(engine: Engine, document: Document) -> list[str]:
    """Answerable example questions about the article; none (never an error) if making them fails."""
    try:
        return answerable_examples(engine, document, limit=EXAMPLE_COUNT)
    except Exception:
        log.exception("making example questions for %s failed", document.source)
        return []


# -- indexing in the worker process (ui.indexer) ---------------------------------------------------

_worker_encoders: dict[str, Encoder] = {}  # in the worker: the model, loaded once


def _worker_encoder(spec: ModelSpec) -> Encoder:
    encoder = _worker_encoders.get(spec.model_id)
    if encoder is None:
        encoder = _worker_encoders[spec.model_id] = load_encoder(spec, fast=False, threads=WORKER_THREADS)
    return encoder


def load_in_worker(spec: ModelSpec) -> None:
    """In the worker: load the model of ``spec`` now (``ArticleStore.warm``)."""
    _worker_encoder(spec)


def index_in_worker(source: str, index_dir: str, spec: ModelSpec) -> tuple[list[str], list[str], np.ndarray | None]:
    """In the worker: index ``source`` into ``index_dir``; returns (example questions, the vocabulary's
    words, their vectors) for the chat's process, which loads the index without encoding them again."""
    encoder = _worker_encoder(spec)
    engine = Engine(corpus=[Path(source)], index_dir=Path(index_dir), model=spec.name,
                    query_prompt=spec.query_prompt, passage_prompt=spec.passage_prompt, auto_build=True,
                    progress=False, encoder=encoder)
    examples = _examples(engine, engine.index.documents[0])
    vocabulary = engine.vocabulary
    words = vocabulary.names + vocabulary.words
    parts = [v for v in (vocabulary.name_vectors, vocabulary.word_vectors) if v is not None]
    return examples, words, np.concatenate(parts) if parts else None


class _KnownVectors:
    """The chat's encoder, answering from vectors already computed (by the worker) when it can:
    loading an uploaded article's engine then encodes nothing."""

    def __init__(self, encoder: Encoder | FastUseEncoder, known: dict[str, np.ndarray]):
        self.encoder = encoder
        self.known = known

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        known = self.known
        if texts and all(t in known for t in texts):
            return np.stack([known[t] for t in texts])
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.encoder.encode_passages(texts, progress=progress)


def _safe_stem(name: str) -> str:
    stem = re.sub(r"[^\w-]+", "-", Path(name).stem).strip("-_")
    return stem[:60] or "makale"


class ArticleStore:
    """Engines of uploaded articles, keyed by content hash; the oldest beyond ``limit`` are dropped."""

    def __init__(self, base: Engine, limit: int = CACHE_SIZE):
        self.base = base
        self.limit = limit
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}
        self._root: Path | None = None
        self.worker = Worker()  # started on the first upload

    def _folder(self, key: str) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="qa-chat-"))
            atexit.register(shutil.rmtree, self._root, True)
        folder = self._root / key[:16]
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def get(self, key: str | None) -> Article | None:
        if not key:
            return None
        with self._lock:
            article = self._articles.get(key)
            if article is not None:
                self._articles.move_to_end(key)
            return article

    def add(self, path: str | Path, name: str | None = None, progress: Progress | None = None) -> Article:
        """Check, index (or find in the cache) and return the uploaded article."""
        step = progress or (lambda fraction, desc: None)
        step(0.05, "Dosya denetleniyor…")
        name, data, document = read_upload(path, name)
        key = hashlib.sha256(data).hexdigest()
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per content, however many sessions upload it
            cached = self.get(key)
            if cached is not None:
                step(1.0, "Önbellekteki dizin kullanılıyor")
                return cached
            body = sum(s.kind == "body" for s in document.sentences)
            step(0.25, f"Makale cümlelere bölündü ({body} cümle)")
            folder = self._folder(key)
            source = folder / "corpus" / (_safe_stem(name) + Path(name).suffix.lower())
            source.parent.mkdir(exist_ok=True)
            source.write_bytes(data)
            step(0.4, f"Dizin oluşturuluyor ve örnek sorular hazırlanıyor ({body} cümle)…")
            indexed = False
            try:
                examples, words, vectors = self._index(source, folder / "index")
                step(0.9, "Dizin yükleniyor…")
                engine = self._engine(source, folder / "index", dict(zip(words, vectors, strict=True))
                                      if vectors is not None else {})
                indexed = True
            except USER_ERRORS as exc:
                raise UploadError(f"'{name}' dizinlenemedi: {exc}") from None
            finally:
                if not indexed:
                    shutil.rmtree(folder, ignore_errors=True)
                with self._lock:
                    self._building.pop(key, None)
            article = Article(key, name, engine, folder, examples)
            step(0.95, "Dizin hazır")
            with self._lock:
                self._articles[key] = article
                while len(self._articles) > self.limit:
                    _, old = self._articles.popitem(last=False)
                    shutil.rmtree(old.folder, ignore_errors=True)
            return article

    def warm(self) -> None:
        """Start the worker and load its model now, in the background, so the first upload does not wait
        for them (``ui.app.launch`` calls this; a store that only answers never starts the worker)."""

        def load() -> None:
            try:
                self.worker.call("load", self.base.spec)
            except Exception:  # the first upload tries again, and reports what fails
                log.warning("starting the indexing worker failed", exc_info=True)

        threading.Thread(target=load, name="qa-indexer-warm", daemon=True).start()

    def _index(self, source: Path, index_dir: Path) -> tuple[list[str], list[str], np.ndarray | None]:
        """Index ``source`` in the worker process (started on first use, its model loaded once)."""
        try:
            return self.worker.call("index", str(source), str(index_dir), self.base.spec)
        except WorkerError:
            log.exception("indexing %s in the worker failed", source)
            raise UploadError("Makale dizinlenirken bir hata oluştu; lütfen yeniden yükleyin.") from None

    def _engine(self, source: Path, index_dir: Path, known: dict[str, np.ndarray]) -> Engine:
        """The engine of a file the worker indexed: the base engine's model, the words' vectors known."""
        spec = self.base.spec
        encoder = _KnownVectors(self.base.encoder, known)
        engine = Engine(corpus=[source], index_dir=index_dir, model=spec.name, query_prompt=spec.query_prompt,
                        passage_prompt=spec.passage_prompt, auto_build=False, progress=False, encoder=encoder)
        encoder.known = {}  # loaded; later questions are encoded as usual
        return engine

    def close(self) -> None:
        self.worker.close()  # after the upload being indexed, if any
        with self._lock:
            self._articles.clear()
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None
