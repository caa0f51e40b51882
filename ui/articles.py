"""Articles uploaded in the chat: checked, indexed into a temporary folder, cached by content.

Each upload is indexed with the same pipeline as the default corpus
(:class:`qa.engine.Engine` with its own corpus and ``index_dir``) in a folder
under the system temp directory; the default corpus and ``.qa_index/`` are
never touched. Engines are cached by the SHA-256 of the file's bytes, so the
same file uploaded twice (or by two users) is indexed once. Each article
carries a few example questions about it that its engine answers
(:mod:`ui.examples`), made once when it is indexed.
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

from index.documents import SUFFIXES, Document, parse_document
from index.embedding import Encoder
from qa.engine import USER_ERRORS, Engine
from ui.examples import answerable_examples

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 200 * 1024
CACHE_SIZE = 8
EXAMPLE_COUNT = 4  # example questions offered for an uploaded article

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
            step(0.4, f"Dizin oluşturuluyor ({body} cümle)…")
            try:
                engine = self._engine(source, folder / "index")
            except USER_ERRORS as exc:
                shutil.rmtree(folder, ignore_errors=True)
                raise UploadError(f"'{name}' dizinlenemedi: {exc}") from None
            finally:
                with self._lock:
                    self._building.pop(key, None)
            step(0.9, "Örnek sorular hazırlanıyor…")
            article = Article(key, name, engine, folder, _examples(engine, engine.index.documents[0]))
            step(0.95, "Dizin hazır")
            with self._lock:
                self._articles[key] = article
                while len(self._articles) > self.limit:
                    _, old = self._articles.popitem(last=False)
                    shutil.rmtree(old.folder, ignore_errors=True)
            return article

    def _engine(self, source: Path, index_dir: Path) -> Engine:
        """An engine of one file, same model as the base engine, sharing its loaded encoder."""
        spec = self.base.spec
        # Loading the model again costs ~9 s; the base engine's encoder is thread-safe
        # and the same model, but only a full sentence-transformers one can build.
        encoder = self.base.encoder if isinstance(self.base.encoder, Encoder) else None
        return Engine(corpus=[source], index_dir=index_dir, model=spec.name, query_prompt=spec.query_prompt,
                      passage_prompt=spec.passage_prompt, auto_build=True, progress=False, encoder=encoder)

    def close(self) -> None:
        with self._lock:
            self._articles.clear()
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None
