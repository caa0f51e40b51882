"""The FAISS index on disk, with a JSON manifest; nothing is pickled.

Layout of an index folder::

    manifest.json              format, model, faiss version, sources, counts, files
    vectors-<hash>.faiss       L2-normalised vectors of sentences and their windows
    records-<hash>.json        documents, sentences, and the sentence of each vector
    lexicon-<hash>.json        wordnet translations and synonyms of the corpus's words
    extracted-<hash>.txt       the text extracted from each .html/.pdf/.docx source: the text its
                               sentences' offsets point into (kept, not re-extracted, when loading)

Data files carry their content hash in their name and the manifest is
replaced last with ``os.replace``: a crash at any point leaves either the old
index or the new one, never a mix. Indexes take vectors, not models: the
caller passes an ``embed`` function.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from index import lexicon as wordnet
from index.documents import Chunk, Document, DocumentError, Sentence, parse_document, read_text
from index.lexicon import Lexicon
from index.units import embedding_units, units_signature

FORMAT_VERSION = 2
MANIFEST = "manifest.json"


class IndexStoreError(RuntimeError):
    """The index on disk is missing, corrupt or stale; the message says what to do."""


class StaleIndexError(IndexStoreError):
    """The index was built from other sources or with another model."""


@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict
    documents: list[Document]
    sentences: list[Sentence]
    vectors: faiss.Index
    owners: np.ndarray  # vector row -> sentence index
    lexicon: Lexicon

    @property
    def model_id(self) -> str:
        return self.manifest["model"]["id"]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        raise IndexStoreError(f"no index in {folder}; build one with `qa index build`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["format_version"], manifest["model"]["id"], manifest["files"]
    except (ValueError, KeyError, TypeError):
        raise IndexStoreError(
            f"the index manifest {path} is corrupt; rebuild with `qa index build --out {folder}`"
        ) from None
    if manifest["format_version"] != FORMAT_VERSION:
        raise StaleIndexError(
            f"the index in {folder} has format {manifest['format_version']}, this version reads "
            f"{FORMAT_VERSION}; rebuild with `qa index build --out {folder}`"
        )
    return manifest


def _old_vectors(folder: Path, model_id: str) -> dict[str, np.ndarray]:
    """Vectors of an existing index by sentence-text hash, for reuse when rebuilding."""
    try:
        manifest = _read_manifest(folder)
        if manifest["model"]["id"] != model_id:
            return {}
        records = json.loads((folder / manifest["files"]["records"]["name"]).read_text("utf-8"))
        vectors = faiss.read_index(str(folder / manifest["files"]["vectors"]["name"]))
        matrix = vectors.reconstruct_n(0, vectors.ntotal)
    except (IndexStoreError, OSError, ValueError, KeyError, RuntimeError):
        return {}
    return {key: matrix[i] for i, key in enumerate(records["unit_hashes"])}


def build_index(
    documents: list[Document],
    folder: Path,
    embed: Callable[[list[str]], np.ndarray],
    model: dict,
    progress: bool = False,
    lexicon: Lexicon | None = None,
) -> dict:
    """Embed what is new, write the index atomically and return its manifest.

    ``model`` holds ``id`` and ``dimension``; ``embed`` maps passages to vectors;
    ``lexicon`` (from ``index.lexicon.corpus_lexicon``) is stored alongside.
    Sentences whose text an existing index in ``folder`` already embedded with
    the same model are not embedded again.
    """
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    sentences = [s for d in documents for s in d.sentences]
    texts, owners = embedding_units(documents)
    reuse = _old_vectors(folder, model["id"])
    todo = sorted({t for t in texts if sha256_text(t) not in reuse})
    if todo:
        fresh = embed(todo)
        if fresh.shape != (len(todo), model["dimension"]):
            raise IndexStoreError(
                f"the model returned vectors of shape {fresh.shape}, expected "
                f"({len(todo)}, {model['dimension']})"
            )
        reuse.update({sha256_text(t): v for t, v in zip(todo, fresh, strict=True)})
    matrix = np.stack([reuse[sha256_text(t)] for t in texts]).astype(np.float32)
    vectors = faiss.IndexFlatIP(model["dimension"])
    vectors.add(matrix)

    records = {
        "documents": [
            {"source": d.source, "title": d.title, "date": d.date, "sections": d.sections,
             "sha256": d.content_hash, "chunks": [asdict(c) for c in d.chunks]}
            for d in documents
        ],
        "sentences": [asdict(s) for s in sentences],
        "owners": owners,
        "unit_hashes": [sha256_text(t) for t in texts],
    }
    records_bytes = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    vector_bytes = faiss.serialize_index(vectors).tobytes()
    lexicon = lexicon or {"en": {}, "tr": {}}
    lexicon_bytes = json.dumps(lexicon, ensure_ascii=False, indent=0).encode("utf-8")
    files = {}
    sources = []
    for d in documents:
        # "sha256" is the source file's bytes' hash (for staleness); for plain text it is also the text's.
        entry = {"path": d.source, "sha256": d.raw_sha256 or d.content_hash, "sentences": len(d.sentences),
                 "chunks": len(d.chunks)}
        if d.kind != "text":
            data = d.text.encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            name = f"extracted-{digest[:16]}.txt"
            if not (folder / name).exists():
                _atomic_write(folder / name, data)
            entry |= {"kind": d.kind, "text": {"name": name, "sha256": digest, "bytes": len(data)}}
        sources.append(entry)
    for key, data, suffix in (("records", records_bytes, "json"), ("vectors", vector_bytes, "faiss"),
                              ("lexicon", lexicon_bytes, "json")):
        digest = hashlib.sha256(data).hexdigest()
        name = f"{key}-{digest[:16]}.{suffix}"
        if not (folder / name).exists():
            _atomic_write(folder / name, data)
        files[key] = {"name": name, "sha256": digest, "bytes": len(data)}

    manifest = {
        "format_version": FORMAT_VERSION,
        "model": model,
        "faiss_version": faiss.__version__,
        "units": units_signature(),
        "lexicon": {"source": wordnet.source(), "glossary": wordnet.glossary_version(),
                    "english": len(lexicon["en"]), "turkish": len(lexicon["tr"]),
                    "describing": len(lexicon.get("en_broader", {})),
                    "glossary_entries": len(lexicon.get("glossary_en", {})) + len(lexicon.get("glossary_tr", {}))},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.perf_counter() - started, 3),
        "sources": sources,
        "counts": {
            "documents": len(documents),
            "sentences": len(sentences),
            "chunks": sum(len(d.chunks) for d in documents),
            "vectors": int(vectors.ntotal),
            "embedded_now": len(todo),
        },
        "files": files,
    }
    _atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
    _remove_unlisted(folder, {f["name"] for f in files.values()} | {s["text"]["name"] for s in sources if "text" in s})
    return manifest


def _remove_unlisted(folder: Path, keep: set[str]) -> None:
    for path in folder.glob("*-*.*"):
        ours = path.suffix in (".json", ".faiss") or (path.name.startswith("extracted-") and path.suffix == ".txt")
        if path.name not in keep and ours and path.name != MANIFEST:
            path.unlink(missing_ok=True)


def _source_text(folder: Path, entry: dict) -> tuple[str, str]:
    """The text a source's sentences point into, checked against the manifest, and the file it is in.

    Plain text is the source itself. For an extracted source, the source's bytes are checked (a
    change means the index is stale) and the kept extracted text is read: the extractor is not run.
    """
    path = Path(entry["path"])
    try:
        if not path.is_file():  # a FIFO or device put in its place is never opened
            raise DocumentError(f"{path} is missing or no longer a regular file")
        if entry.get("kind", "text") == "text":
            text = read_text(path)
            current = sha256_text(text)
        else:
            text, current = "", _sha256_file(path)
    except (DocumentError, OSError) as exc:
        raise StaleIndexError(f"a source of the index in {folder} changed: {exc}; rebuild with "
                              f"`qa index build`") from None
    if current != entry["sha256"]:
        raise StaleIndexError(
            f"{entry['path']} changed since the index in {folder} was built; rebuild with `qa index build`"
        )
    if entry.get("kind", "text") == "text":
        return text, str(path)
    kept = folder / entry["text"]["name"]
    try:
        data = kept.read_bytes()
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != entry["text"]["sha256"]:
        raise IndexStoreError(f"the text extracted from {path}, {kept}, is missing or corrupt; rebuild with "
                              f"`qa index build --out {folder}`")
    return data.decode("utf-8"), str(kept.resolve())


def load_index(folder: Path, model_id: str | None = None) -> LoadedIndex:
    """Load and check an index: files, counts, model and the sources' content."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    if model_id is not None and manifest["model"]["id"] != model_id:
        raise StaleIndexError(
            f"the index in {folder} was built with model {manifest['model']['id']!r}, not "
            f"{model_id!r}; rebuild it with `qa index build --model {model_id.split('|')[0]}`"
        )
    if manifest.get("units") != units_signature():
        raise StaleIndexError(
            f"the index in {folder} embeds sentences differently from this version; "
            f"rebuild with `qa index build --out {folder}`"
        )
    if manifest.get("lexicon", {}).get("source") != wordnet.source():
        raise StaleIndexError(
            f"the index in {folder} was built with another lexicon "
            f"({manifest.get('lexicon', {}).get('source')}, now {wordnet.source()}); "
            f"rebuild with `qa index build --out {folder}`"
        )
    if manifest["lexicon"].get("glossary") != wordnet.glossary_version():
        raise StaleIndexError(
            f"the index in {folder} was built with another glossary ({manifest['lexicon'].get('glossary')}, "
            f"now {wordnet.glossary_version()}); rebuild with `qa index build --out {folder}`"
        )
    blobs = {}
    for key in ("records", "vectors", "lexicon"):
        entry = manifest["files"][key]
        path = folder / entry["name"]
        if not path.exists() or _sha256_file(path) != entry["sha256"]:
            raise IndexStoreError(
                f"the index file {path} is missing or corrupt; rebuild with "
                f"`qa index build --out {folder}`"
            )
        blobs[key] = path
    try:
        records = json.loads(blobs["records"].read_text("utf-8"))
        vectors = faiss.read_index(str(blobs["vectors"]))
        lexicon = json.loads(blobs["lexicon"].read_text("utf-8"))
    except (ValueError, RuntimeError) as exc:
        raise IndexStoreError(f"cannot read the index in {folder} ({exc}); rebuild it") from None
    if vectors.ntotal != len(records["owners"]) or vectors.d != manifest["model"]["dimension"]:
        raise IndexStoreError(f"the index in {folder} is inconsistent; rebuild it")

    documents = []
    for entry in manifest["sources"]:
        text, text_path = _source_text(folder, entry)
        document = parse_document(text, entry["path"])
        document.kind, document.raw_sha256, document.text_path = entry.get("kind", "text"), entry["sha256"], text_path
        documents.append(document)
    sentences = [s for d in documents for s in d.sentences]
    if [s.id for s in sentences] != [s["id"] for s in records["sentences"]]:
        raise StaleIndexError(f"the index in {folder} was built by another version; rebuild it")
    owners = np.asarray(records["owners"], dtype=np.int64)
    return LoadedIndex(folder, manifest, documents, sentences, vectors, owners, lexicon)


__all__ = [
    "Chunk", "IndexStoreError", "LoadedIndex", "StaleIndexError", "build_index", "load_index",
]
