"""The FAISS index on disk, with a JSON manifest; nothing is pickled.

Layout of an index folder::

    manifest.json              format, model, faiss version, sources, counts, files
    vectors-<hash>.faiss       L2-normalised vectors of sentences and their windows (an IndexFlatIP; an
                               IndexHNSWFlat over inner product above ANN_THRESHOLD vectors)
    records-<hash>.json        documents, sentences, the sentence of each vector, the vectors file's sha256
    lexicon-<hash>.json        wordnet translations and synonyms of the corpus's words
    extracted-<hash>.txt       the text extracted from each .html/.pdf/.docx source: the text its
                               sentences' offsets point into (kept, not re-extracted, when loading)
    .lock                      held (``flock``) by the one build writing the folder

Every data file is named after its content's sha256 and checked against the manifest before it is
read or reused. The records name the vectors file's sha256, so records and vectors are verified as a
pair. A build takes the folder's lock, writes data files to temporary files (fsynced, renamed), then
replaces the manifest last and fsyncs the folder: a crash at any point leaves either the old index or
the new one, never a mix. It removes only the files the old manifest listed and the new one does not.
Loading takes no lock; it reads the manifest once and retries if a build replaced it meanwhile.
Indexes take vectors, not models: the caller passes an ``embed`` function.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import re
import shlex
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from index import lexicon as wordnet
from index.documents import Chunk, Document, DocumentError, Sentence, parse_document, read_text
from index.lexicon import Lexicon
from index.units import embedding_units, units_signature
from qa.errors import QAError

FORMAT_VERSION = 3  # 3: records carry vectors_sha256; names are checked against their content's hash
MANIFEST = "manifest.json"
LOCK = ".lock"
LOCK_TIMEOUT = 600.0  # seconds a build waits for another build of the same folder
NORM_TOLERANCE = 1e-3  # a stored vector's length may differ from 1 by this much
# Above this many vectors a question no longer scans them all: HNSW (M=32), as the faiss wiki advises for
# up to a few million vectors when memory allows. Below it exact search costs a few milliseconds.
ANN_THRESHOLD = int(os.environ.get("QA_ANN_THRESHOLD", "200000"))
HNSW_LINKS = 32
HNSW_BUILD_DEPTH = 80  # efConstruction
# efSearch. Measured at 100,000 sentences (395,774 vectors, 200 questions): 256 gave recall@10 0.901 and
# hit@1 0.815 (with 256 candidates); 1024 gives 0.944 and 0.925 (1024 candidates), p95 35 ms; 1536 no better.
HNSW_SEARCH_DEPTH = 1024
_VECTOR_TYPES = (faiss.IndexFlatIP, faiss.IndexHNSWFlat)
KINDS = ("text", "html", "pdf", "docx")
_DATA_FILES = {"records": "json", "vectors": "faiss", "lexicon": "json"}
# Optional: an index without it loads, and encodes its vocabulary then.
_OPTIONAL_FILES = {"words": "npy"}
_DATA_NAME = (r"(?:(?:records|lexicon)-[0-9a-f]{16}\.json|vectors-[0-9a-f]{16}\.faiss|extracted-[0-9a-f]{16}\.txt"
              r"|words-[0-9a-f]{16}\.npy)")
_IS_DATA_NAME = re.compile(_DATA_NAME)
# Vectors a build has embedded so far, kept until it commits: a killed build resumes from them.
_CHECKPOINT_NAME = r"checkpoint-[0-9a-f]{8}-[0-9a-f]{16}\.npz"
_IS_CHECKPOINT_NAME = re.compile(_CHECKPOINT_NAME)
_IS_TEMP_NAME = re.compile(rf"\.(?:{re.escape(MANIFEST)}|{_DATA_NAME}|{_CHECKPOINT_NAME})\.[A-Za-z0-9_]+\.tmp")
#: units embedded between two checkpoints (a build of more units saves each batch as it completes)
CHECKPOINT_UNITS = 4096
_IS_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class IndexStoreError(QAError, RuntimeError):
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
    #: the corpus's names and words with the vectors the model gave them at build time (None: not stored)
    words: tuple[list[str], np.ndarray] | None = None

    @property
    def model_id(self) -> str:
        return self.manifest["model"]["id"]


@dataclass
class Verification:
    """What :func:`verify_index` checked, and the problems it found (one line each)."""

    folder: Path
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def _show(value: object) -> str:
    """A path or value from a file, safe to put in a one-line message."""
    text = str(value)
    return repr(text) if _CONTROL.search(text) else text


def rebuild_command(paths: list[str | Path], folder: str | Path, model=None) -> str:
    """The command that rebuilds the index in ``folder`` from ``paths``; ``model`` is a
    :class:`index.embedding.ModelSpec` (named when it is not the default one)."""
    words = ["qa", "index", "build", *map(str, paths), "--out", str(folder)]
    if model is not None and (not model.is_default or model.query_prompt or model.passage_prompt):
        words += ["--model", model.name]
        words += ["--query-prompt", model.query_prompt] if model.query_prompt else []
        words += ["--passage-prompt", model.passage_prompt] if model.passage_prompt else []
    return shlex.join(words)


def _hint(folder: Path, manifest: dict | None = None) -> str:
    """A rebuild command when the caller named none: the manifest's sources, when it has a few valid ones."""
    try:
        paths = [entry["path"] for entry in manifest["sources"]]
        if 0 < len(paths) <= 5 and all(isinstance(p, str) and p and not _CONTROL.search(p) for p in paths):
            return rebuild_command(paths, folder)
    except (KeyError, TypeError):
        pass
    return f"qa index build <files or folders> --out {shlex.quote(str(folder))}"


def _rebuild(message: str, hint: str, kind: type[IndexStoreError] = IndexStoreError) -> IndexStoreError:
    return kind(f"{message}; rebuild with `{hint}`")


# -- reading and writing files -------------------------------------------------------------------


class _Unreadable(Exception):
    """Why a file could not be read: missing, not a regular file, the wrong size, an OS error."""


def _read_regular(path: Path, size: int | None = None, follow: bool = True) -> bytes:
    """The bytes of a regular file (a FIFO or device is never read, a symlink only when ``follow``),
    refused before reading when its size is not ``size``."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _Unreadable("is missing") from None
    except OSError as exc:
        why = "is a symlink" if exc.errno == errno.ELOOP and not follow else f"cannot be read ({exc.strerror})"
        raise _Unreadable(why) from None
    with open(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("is not a regular file")
        if size is not None and info.st_size != size:
            raise _Unreadable(f"is corrupt ({info.st_size} bytes, not the {size} manifest.json lists)")
        try:
            return handle.read()
        except OSError as exc:
            raise _Unreadable(f"cannot be read ({exc.strerror})") from None


def _verifies(path: Path, digest: str, size: int) -> bool:
    """``path`` is a regular file (not a symlink) holding exactly the bytes with this sha256."""
    try:
        return _sha256(_read_regular(path, size, follow=False)) == digest
    except _Unreadable:
        return False


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder; the renames are still atomic
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes | memoryview) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it and rename it over ``path``."""
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


@contextmanager
def _locked(folder: Path, timeout: float) -> Iterator[None]:
    """Hold ``<folder>/.lock`` exclusively; wait at most ``timeout`` seconds for another build.

    The lock is the open file's ``flock``: it goes with the process, so a killed build never leaves
    the folder locked. The file stays (removing it would race with the next build)."""
    path = folder / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise IndexStoreError(f"cannot lock the index in {folder} ({path}: {exc.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                    raise IndexStoreError(f"cannot lock the index in {folder} ({path}: {exc.strerror})") from None
                left = deadline - time.monotonic()
                if left <= 0:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    raise IndexStoreError(
                        f"another build is writing the index in {folder} (it holds {path}"
                        f"{f', process {holder}' if holder.isdigit() else ''}) and did not finish within "
                        f"{timeout:g} s; try again when it has finished"
                    ) from None
                time.sleep(min(delay, left))
                delay = min(delay * 2, 0.5)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove_stale_temps(folder: Path) -> list[str]:
    """Temporary files of builds that died before renaming them; only while holding the lock."""
    removed = []
    for path in folder.iterdir():
        if _IS_TEMP_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


# -- the manifest --------------------------------------------------------------------------------

_MISSING = object()


class _Bad(Exception):
    """A field of the manifest or the records that is missing or has the wrong type or value."""


def _describe(value: object) -> str:
    if value is None:
        return "null"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return _show(text if len(text) <= 40 else text[:37] + "...")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_KINDS_OF_VALUE = {
    "object": ("an object", lambda v: isinstance(v, dict)),
    "list": ("a list", lambda v: isinstance(v, list)),
    "string": ("a string", lambda v: isinstance(v, str)),
    "text": ("a non-empty string", lambda v: isinstance(v, str) and bool(v) and "\x00" not in v),
    "count": ("a whole number >= 0", lambda v: _whole(v) and v >= 0),
    "dimension": ("a whole number >= 1", lambda v: _whole(v) and 1 <= v <= 1 << 16),
    "sha256": ("a sha256 (64 lowercase hex digits)", lambda v: isinstance(v, str) and bool(_IS_SHA256.fullmatch(v))),
    "string or null": ("a string or null", lambda v: v is None or isinstance(v, str)),
}


def _get(container: dict, key: str | int, where: str, kind: str) -> object:
    """``container[key]``, checked to be of ``kind``; the error names the field (``where.key``)."""
    name = f"{where}[{key}]" if isinstance(key, int) else (f"{where}.{key}" if where else key)
    if isinstance(key, int):
        value = container[key]
    else:
        value = container.get(key, _MISSING)
        if value is _MISSING:
            raise _Bad(f"{name} is missing")
    article, test = _KINDS_OF_VALUE[kind]
    if not test(value):
        raise _Bad(f"{name} must be {article}, not {_describe(value)}")
    return value


def _file_entry(container: dict, key: str, where: str, folder: Path, prefix: str, suffix: str) -> dict:
    """A ``{name, sha256, bytes}`` entry; its name must be ``<prefix>-<sha256[:16]>.<suffix>`` inside ``folder``."""
    entry = _get(container, key, where, "object")
    where = f"{where}.{key}"
    name = _get(entry, "name", where, "text")
    digest = _get(entry, "sha256", where, "sha256")
    _get(entry, "bytes", where, "count")
    if "/" in name or "\\" in name or os.sep in name or ".." in name or name in (".", ""):
        raise _Bad(f"{where}.name must be a file name inside the index folder, not {_describe(name)}")
    if (folder / name).resolve().parent != folder.resolve():
        raise _Bad(f"{where}.name {_describe(name)} points outside the index folder")
    expected = f"{prefix}-{digest[:16]}.{suffix}"
    if name != expected:
        raise _Bad(f"{where}.name must be {expected!r} (named after its sha256), not {_describe(name)}")
    return entry


def _check_manifest(manifest: object, folder: Path) -> None:
    """Every field the loader reads, with its type; raises :class:`_Bad` naming the first bad field."""
    if not isinstance(manifest, dict):
        raise _Bad(f"the manifest must be a JSON object, not {_describe(manifest)}")
    model = _get(manifest, "model", "", "object")
    _get(model, "id", "model", "text")
    _get(model, "dimension", "model", "dimension")
    _get(manifest, "units", "", "object")
    lexicon = _get(manifest, "lexicon", "", "object")
    _get(lexicon, "source", "lexicon", "string or null")
    _get(lexicon, "glossary", "lexicon", "string")
    sources = _get(manifest, "sources", "", "list")
    seen: dict[str, int] = {}
    for i, _ in enumerate(sources):
        entry = _get(sources, i, "sources", "object")
        where = f"sources[{i}]"
        path = _get(entry, "path", where, "text")
        if path in seen:
            raise _Bad(f"{where}.path repeats sources[{seen[path]}].path")
        seen[path] = i
        _get(entry, "sha256", where, "sha256")
        _get(entry, "sentences", where, "count")
        _get(entry, "chunks", where, "count")
        kind = entry.get("kind", "text")
        if kind not in KINDS:
            raise _Bad(f"{where}.kind must be one of {', '.join(KINDS)}, not {_describe(kind)}")
        if kind != "text":
            _file_entry(entry, "text", where, folder, "extracted", "txt")
    counts = _get(manifest, "counts", "", "object")
    for key in ("documents", "sentences", "chunks", "vectors"):
        _get(counts, key, "counts", "count")
    if counts["documents"] != len(sources):
        raise _Bad(f"counts.documents is {counts['documents']}, but sources lists {len(sources)}")
    files = _get(manifest, "files", "", "object")
    for key, suffix in _DATA_FILES.items():
        _file_entry(files, key, "files", folder, key, suffix)
    for key, suffix in _OPTIONAL_FILES.items():
        if key in files:
            _file_entry(files, key, "files", folder, key, suffix)


def _read_manifest(folder: Path, rebuild: str | None) -> dict:
    """The manifest, checked field by field."""
    path = folder / MANIFEST
    hint = rebuild or _hint(folder)
    if not folder.is_dir() or not (path.exists() or path.is_symlink()):
        raise IndexStoreError(f"no index in {folder}; build one with `{hint}`")
    try:
        data = _read_regular(path)
    except _Unreadable as exc:
        raise _rebuild(f"the index manifest {path} {exc}", hint) from None
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise _rebuild(f"the index manifest {path} is corrupt (not JSON: {str(exc).splitlines()[0][:80]})",
                       hint) from None
    if isinstance(manifest, dict) and "format_version" in manifest:
        version = manifest["format_version"]
        if not _whole(version):
            raise _rebuild(f"the index manifest {path} is corrupt: format_version must be a whole number, "
                           f"not {_describe(version)}", hint)
        if version != FORMAT_VERSION:
            raise _rebuild(f"the index in {folder} has format {version}, this version reads {FORMAT_VERSION}",
                           rebuild or _hint(folder, manifest), StaleIndexError)
    elif isinstance(manifest, dict):
        raise _rebuild(f"the index manifest {path} is corrupt: format_version is missing", hint)
    try:
        _check_manifest(manifest, folder)
    except _Bad as exc:
        raise _rebuild(f"the index manifest {path} is corrupt: {exc}", hint) from None
    return manifest


def _listed(folder: Path) -> set[str]:
    """The data files the current manifest lists (whatever its format), for removal once replaced."""
    try:
        manifest = json.loads(_read_regular(folder / MANIFEST).decode("utf-8"))
    except (_Unreadable, ValueError, RecursionError):
        return set()
    names = []
    if isinstance(manifest, dict):
        files = manifest.get("files")
        names += [entry.get("name") for entry in files.values() if isinstance(entry, dict)] if isinstance(
            files, dict) else []
        sources = manifest.get("sources")
        for entry in sources if isinstance(sources, list) else []:
            text = entry.get("text") if isinstance(entry, dict) else None
            names.append(text.get("name") if isinstance(text, dict) else None)
    return {name for name in names if isinstance(name, str) and _IS_DATA_NAME.fullmatch(name)}


# -- the data files ------------------------------------------------------------------------------


def _read_data(folder: Path, entry: dict, hint: str) -> bytes:
    """A data file's bytes, verified against its manifest entry (size, then sha256)."""
    path = folder / entry["name"]
    try:
        data = _read_regular(path, entry["bytes"], follow=False)
    except _Unreadable as exc:
        raise _rebuild(f"the index file {path} {exc}", hint) from None
    if _sha256(data) != entry["sha256"]:
        raise _rebuild(f"the index file {path} is corrupt (its sha256 is not the one manifest.json lists)", hint)
    return data


def _json_object(data: bytes, what: str) -> dict:
    """``data`` read as a JSON object; raises :class:`_Bad` naming ``what`` otherwise."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise _Bad(f"not JSON ({str(exc).splitlines()[0][:80]})") from None
    if not isinstance(parsed, dict):
        raise _Bad(f"{what} must be a JSON object, not {_describe(parsed)}")
    return parsed


def _parse_records(data: bytes) -> dict:
    """The records' fields and types, and each owner in range and in order; raises :class:`_Bad`."""
    records = _json_object(data, "the records")
    for key in ("documents", "sentences", "owners", "unit_hashes"):
        _get(records, key, "", "list")
    _get(records, "vectors_sha256", "", "sha256")
    owners, hashes, count = records["owners"], records["unit_hashes"], len(records["sentences"])
    if len(owners) != len(hashes):
        raise _Bad(f"owners has {len(owners)} entries but unit_hashes has {len(hashes)}")
    previous = 0
    for i, owner in enumerate(owners):
        if not _whole(owner) or not 0 <= owner < count:
            raise _Bad(f"owners[{i}] must be a sentence number, 0 <= owner < {count}, not {_describe(owner)}")
        if owner < previous:
            raise _Bad(f"owners[{i}] ({owner}) comes after owners[{i - 1}] ({previous}): owners must be in order")
        previous = owner
    for i, _ in enumerate(hashes):
        _get(hashes, i, "unit_hashes", "sha256")
    return records


def _parse_vectors(data: bytes, dimension: int, path: Path | None = None) -> tuple[faiss.Index, np.ndarray]:
    """The vectors: an IndexFlatIP (or IndexHNSWFlat) of ``dimension`` whose rows are finite and of unit length.

    With ``path`` (the file ``data`` was read from and checked against its sha256) faiss reads the file
    itself: deserialising the bytes would copy a large index once more."""
    try:
        # read_index gives the concrete class (faiss.downcast_index would hand back a wrapper whose owner
        # frees the index)
        vectors = faiss.read_index(str(path)) if path is not None else faiss.deserialize_index(
            np.frombuffer(data, dtype=np.uint8))
    except (RuntimeError, ValueError, TypeError) as exc:
        raise _Bad(f"not a FAISS index ({str(exc).strip().splitlines()[-1][:80]})") from None
    if type(vectors) not in _VECTOR_TYPES or vectors.metric_type != faiss.METRIC_INNER_PRODUCT:
        raise _Bad(f"holds a {type(vectors).__name__}, not the IndexFlatIP or IndexHNSWFlat (inner product) "
                   f"this store writes")
    if type(vectors) is faiss.IndexHNSWFlat:
        vectors.hnsw.efSearch = HNSW_SEARCH_DEPTH
    if vectors.d != dimension:
        raise _Bad(f"holds vectors of dimension {vectors.d}, not the model's {dimension}")
    matrix = vectors.reconstruct_n(0, vectors.ntotal) if vectors.ntotal else np.zeros((0, dimension), np.float32)
    bad = _bad_rows(matrix)
    if len(bad):
        norm = float(np.linalg.norm(matrix[bad[0]])) if np.isfinite(matrix[bad[0]]).all() else float("nan")
        raise _Bad(f"row {bad[0]} (of {len(bad)} bad rows) is not a finite vector of length 1 (length {norm:.3g})")
    return vectors, matrix


def _bad_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows that are not finite or not of unit length."""
    finite = np.isfinite(matrix).all(axis=1)
    norms = np.linalg.norm(np.where(finite[:, None], matrix, 0), axis=1)
    return np.flatnonzero(~finite | (np.abs(norms - 1) > NORM_TOLERANCE))


def _parse_words(data: bytes, dimension: int, terms: int) -> np.ndarray:
    """The vocabulary's vectors: a float32 .npy of ``terms`` finite rows of ``dimension``."""
    try:
        matrix = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise _Bad(f"not a .npy array ({str(exc).strip()[:80]})") from None
    if matrix.dtype != np.float32 or matrix.shape != (terms, dimension):
        raise _Bad(f"holds a {matrix.dtype} array of shape {matrix.shape}, not ({terms}, {dimension}) float32: "
                   f"one vector per vocabulary term of the records")
    if not np.isfinite(matrix).all():
        raise _Bad("holds vectors that are not finite")
    return matrix


def _parse_lexicon(data: bytes) -> Lexicon:
    lexicon = _json_object(data, "the lexicon")
    for part, table in lexicon.items():
        if not isinstance(table, dict):
            raise _Bad(f"{part} must be an object, not {_describe(table)}")
        for word, found in table.items():
            if not isinstance(found, list) or not all(isinstance(w, str) for w in found):
                raise _Bad(f"{part}.{word} must be a list of strings, not {_describe(found)}")
    for part in ("en", "tr"):
        _get(lexicon, part, "", "object")
    return lexicon


def _old_vectors(folder: Path, model: dict) -> dict[str, np.ndarray]:
    """Vectors of an existing index by unit-text hash, for reuse when rebuilding.

    Only from files that verify (sha256 against the manifest, the records naming the vectors file's
    sha256), of the same model and dimension, and only finite rows of unit length."""
    try:
        manifest = _read_manifest(folder, "-")
        if manifest["model"]["id"] != model["id"] or manifest["model"]["dimension"] != model["dimension"]:
            return {}
        files = manifest["files"]
        records = _parse_records(_read_data(folder, files["records"], "-"))
        if records["vectors_sha256"] != files["vectors"]["sha256"]:
            return {}
        vectors = faiss.deserialize_index(np.frombuffer(_read_data(folder, files["vectors"], "-"), dtype=np.uint8))
        if (type(vectors) not in _VECTOR_TYPES or vectors.d != model["dimension"]
                or vectors.ntotal != len(records["unit_hashes"])):
            return {}
        matrix = vectors.reconstruct_n(0, vectors.ntotal)
    except (IndexStoreError, _Bad, RuntimeError, ValueError, TypeError):
        return {}
    bad = set(_bad_rows(matrix).tolist())
    return {key: matrix[i] for i, key in enumerate(records["unit_hashes"]) if i not in bad}


# -- building ------------------------------------------------------------------------------------


def build_index(
    documents: list[Document],
    folder: Path,
    embed: Callable[[list[str]], np.ndarray],
    model: dict,
    progress: bool = False,
    lexicon: Lexicon | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    words: tuple[list[str], Callable[[list[str]], np.ndarray]] | None = None,
    ann_threshold: int | None = None,
) -> dict:
    """Embed what is new, write the index crash-safely and return its manifest.

    ``model`` holds ``id`` and ``dimension``; ``embed`` maps passages to vectors;
    ``lexicon`` (from ``index.lexicon.corpus_lexicon``) is stored alongside, and so are the
    vectors of ``words`` (terms, and the function that embeds them), so that loading embeds none.
    Above ``ann_threshold`` vectors (default :data:`ANN_THRESHOLD`) they are searched through HNSW.
    Sentences whose text an existing index in ``folder`` already embedded with
    the same model are not embedded again (when its files verify). One build
    writes a folder at a time: another waits up to ``lock_timeout`` seconds.
    """
    started = time.perf_counter()
    folder = Path(folder)
    if not (isinstance(model.get("id"), str) and _whole(model.get("dimension")) and model["dimension"] > 0):
        raise IndexStoreError(f"the model must have a string id and a positive dimension, not {model!r}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexStoreError(f"cannot create the index folder {folder} ({exc.strerror})") from None
    with _locked(folder, lock_timeout):
        try:
            _remove_stale_temps(folder)
        except OSError as exc:
            raise IndexStoreError(f"cannot write the index in {folder} ({exc.strerror})") from None
        old = _listed(folder)
        reuse = _old_vectors(folder, model) | _checkpointed(folder, model)
        sentences = [s for d in documents for s in d.sentences]
        texts, owners = embedding_units(documents)
        todo = sorted({t for t in texts if sha256_text(t) not in reuse})
        if todo:
            reuse.update(_embed_in_batches(embed, todo, folder, model, progress))
        matrix = (np.stack([reuse[sha256_text(t)] for t in texts]).astype(np.float32) if texts
                  else np.zeros((0, model["dimension"]), np.float32))
        # One copy of the vectors at a time (an archive's are gigabytes): the embedded batches, then the
        # matrix, then the faiss index, then its serialised bytes, each dropped once the next is made.
        del reuse
        vectors = _vector_index(matrix, model["dimension"], ann_threshold)
        del matrix
        count = int(vectors.ntotal)
        vector_bytes = memoryview(faiss.serialize_index(vectors))  # not .tobytes(): that would be a copy
        del vectors

        records = {
            "documents": [
                {"source": d.source, "title": d.title, "date": d.date, "sections": d.sections,
                 "sha256": d.content_hash, "chunks": [asdict(c) for c in d.chunks]}
                for d in documents
            ],
            "sentences": [asdict(s) for s in sentences],
            "owners": owners,
            "unit_hashes": [sha256_text(t) for t in texts],
            "vectors_sha256": _sha256(vector_bytes),  # the records and the vectors are checked as a pair
        }
        word_bytes = None
        if words is not None:
            records["vocabulary"] = list(words[0])
            word_bytes = _npy(_word_vectors(words, model["dimension"], _old_word_vectors(folder, model)))
        records_bytes = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
        lexicon = lexicon or {"en": {}, "tr": {}}
        lexicon_bytes = json.dumps(lexicon, ensure_ascii=False, indent=0).encode("utf-8")
        blobs: dict[str, bytes | memoryview] = {}
        sources = []
        for d in documents:
            # "sha256" is the source file's bytes' hash (for staleness); for plain text it is also the text's.
            entry = {"path": d.source, "sha256": d.raw_sha256 or d.content_hash, "sentences": len(d.sentences),
                     "chunks": len(d.chunks)}
            if d.kind != "text":
                data = d.text.encode("utf-8")
                name = f"extracted-{_sha256(data)[:16]}.txt"
                blobs[name] = data
                entry |= {"kind": d.kind, "text": {"name": name, "sha256": _sha256(data), "bytes": len(data)}}
            sources.append(entry)
        files = {}
        for key, data in (("records", records_bytes), ("vectors", vector_bytes), ("lexicon", lexicon_bytes),
                          ("words", word_bytes)):
            if data is None:
                continue
            name = f"{key}-{_sha256(data)[:16]}.{(_DATA_FILES | _OPTIONAL_FILES)[key]}"
            blobs[name] = data
            files[key] = {"name": name, "sha256": _sha256(data), "bytes": len(data)}

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
            "build_seconds": 0.0,
            "sources": sources,
            "counts": {
                "documents": len(documents),
                "sentences": len(sentences),
                "chunks": sum(len(d.chunks) for d in documents),
                "vectors": count,
                "embedded_now": len(todo),
            },
            "files": files,
        }
        _commit(folder, blobs, manifest, old, started)
        try:
            _drop_checkpoints(folder)  # the index now holds their vectors
        except OSError:
            pass  # the next build removes them
    return manifest


def _vector_index(matrix: np.ndarray, dimension: int, threshold: int | None) -> faiss.Index:
    """Exact search below ``threshold`` vectors, HNSW above it."""
    if len(matrix) <= (ANN_THRESHOLD if threshold is None else threshold):
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_BUILD_DEPTH
    index.add(matrix)
    return index


def _word_vectors(words: tuple[list[str], Callable[[list[str]], np.ndarray]], dimension: int,
                  old: dict[str, np.ndarray]) -> np.ndarray:
    """One row per term: the old index's vector where it had the term, else embedded now."""
    terms, embed = words
    todo = [t for t in dict.fromkeys(terms) if t not in old]
    if todo:
        fresh = np.asarray(embed(todo), dtype=np.float32)
        if fresh.shape != (len(todo), dimension) or not np.isfinite(fresh).all():
            raise IndexStoreError(f"the model returned word vectors of shape {fresh.shape} (expected "
                                  f"({len(todo)}, {dimension})) or not finite; nothing was written")
        old = old | dict(zip(todo, fresh, strict=True))
    return np.stack([old[t] for t in terms]).astype(np.float32) if terms else np.zeros((0, dimension), np.float32)


def _old_word_vectors(folder: Path, model: dict) -> dict[str, np.ndarray]:
    """The existing index's word vectors by term, when its files verify and its model is the same."""
    try:
        manifest = _read_manifest(folder, "-")
        if manifest["model"] != model or "words" not in manifest["files"]:
            return {}
        records = _json_object(_read_data(folder, manifest["files"]["records"], "-"), "the records")
        terms = records.get("vocabulary")
        if not (isinstance(terms, list) and all(isinstance(t, str) for t in terms)):
            return {}
        matrix = _parse_words(_read_data(folder, manifest["files"]["words"], "-"), model["dimension"], len(terms))
    except (IndexStoreError, _Bad, KeyError, TypeError):
        return {}
    return dict(zip(terms, matrix, strict=True))


def _npy(matrix: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.save(out, matrix, allow_pickle=False)
    return out.getvalue()


def _embed_in_batches(embed: Callable[[list[str]], np.ndarray], texts: list[str], folder: Path, model: dict,
                      progress: bool) -> dict[str, np.ndarray]:
    """Vectors of ``texts`` by text hash. Above :data:`CHECKPOINT_UNITS` texts, each batch is saved in
    ``folder`` as it completes (a checkpoint), so that a build killed midway embeds only the rest."""
    out: dict[str, np.ndarray] = {}
    batches = range(0, len(texts), CHECKPOINT_UNITS)
    with tqdm(total=len(texts), unit="unit", desc="embedding", disable=not progress or len(batches) < 2) as bar:
        for start in batches:
            batch = texts[start:start + CHECKPOINT_UNITS]
            vectors = _embedded(embed, batch, model["dimension"])
            hashes = [sha256_text(t) for t in batch]
            if len(batches) > 1:
                _save_checkpoint(folder, model, hashes, vectors)
            out.update(zip(hashes, vectors, strict=True))
            bar.update(len(batch))
    return out


def _model_key(model: dict) -> str:
    return hashlib.sha256(f"{model['id']}\0{model['dimension']}".encode()).hexdigest()[:8]


def _save_checkpoint(folder: Path, model: dict, hashes: list[str], vectors: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, hashes=np.array(hashes, dtype="U64"), vectors=vectors.astype(np.float32))
    data = buffer.getvalue()
    _atomic_write(folder / f"checkpoint-{_model_key(model)}-{_sha256(data)[:16]}.npz", data)


def _checkpointed(folder: Path, model: dict) -> dict[str, np.ndarray]:
    """The vectors a killed build of this model saved (only whole, finite, unit-length rows)."""
    out: dict[str, np.ndarray] = {}
    for path in sorted(folder.glob(f"checkpoint-{_model_key(model)}-*.npz")):
        if not (_IS_CHECKPOINT_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink()):
            continue
        try:
            with np.load(path, allow_pickle=False) as saved:
                hashes, vectors = saved["hashes"], saved["vectors"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            continue  # a damaged checkpoint is embedded again
        if vectors.dtype != np.float32 or vectors.shape != (len(hashes), model["dimension"]):
            continue
        bad = set(_bad_rows(vectors).tolist())
        out.update((str(h), vectors[i]) for i, h in enumerate(hashes) if i not in bad)
    return out


def _drop_checkpoints(folder: Path) -> None:
    for path in folder.iterdir():
        if _IS_CHECKPOINT_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def _embedded(embed: Callable[[list[str]], np.ndarray], texts: list[str], dimension: int) -> np.ndarray:
    """The model's vectors of ``texts``, checked (shape, finite, non-zero) and L2-normalised."""
    fresh = np.asarray(embed(texts), dtype=np.float32)
    if fresh.shape != (len(texts), dimension):
        raise IndexStoreError(f"the model returned vectors of shape {fresh.shape}, "
                              f"expected ({len(texts)}, {dimension})")
    norms = np.linalg.norm(fresh, axis=1, keepdims=True)
    bad = np.flatnonzero(~np.isfinite(fresh).all(axis=1) | ~(norms[:, 0] > 0))
    if len(bad):
        raise IndexStoreError(f"the model returned {len(bad)} vector(s) that are not finite or are zero, "
                              f"e.g. for {texts[bad[0]][:60]!r}; nothing was written")
    return fresh / norms


def _commit(folder: Path, blobs: dict[str, bytes | memoryview], manifest: dict, old: set[str], started: float) -> None:
    """Write the data files that do not verify, then the manifest, then drop what only the old one listed."""
    written, committed = [], False
    try:
        for name, data in blobs.items():
            if not _verifies(folder / name, _sha256(data), len(data)):
                _atomic_write(folder / name, data)  # a damaged or missing file is rewritten
                written.append(name)
        _fsync_folder(folder)
        manifest["build_seconds"] = round(time.perf_counter() - started, 3)
        _atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
        committed = True
        _fsync_folder(folder)
    except BaseException as exc:
        for name in written:  # files this build created that no manifest lists
            if not committed and name not in old:
                (folder / name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise IndexStoreError(f"cannot write the index in {folder} ({exc.strerror or exc}); "
                                  f"the index there is unchanged") from None
        raise
    for name in sorted(old - set(blobs)):
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError:
            pass  # unused; the next build tries again
    _fsync_folder(folder)


# -- loading and verifying -----------------------------------------------------------------------


class _Checks:
    """Runs the checks: the first failure raises (loading), or each is noted and the rest go on (verify)."""

    def __init__(self, collect: bool):
        self.collect = collect
        self.problems: list[str] = []
        self.checked: list[str] = []

    def run(self, check: Callable, *args):
        try:
            return check(*args)
        except IndexStoreError as exc:
            if not self.collect:
                raise
            self.problems.append(str(exc))
            return None


def _source_document(folder: Path, entry: dict, hint: str) -> Document:
    """A source parsed from its text, checked against the manifest. Plain text is the source
    itself; for an extracted source the source's bytes are checked (a change means the index is
    stale) and the kept extracted text is read: the extractor is not run."""
    path = Path(entry["path"])
    kind = entry.get("kind", "text")
    try:
        if not path.is_file():  # a FIFO or device put in its place is never opened
            raise DocumentError(f"{_show(path)} is missing or no longer a regular file")
        if kind == "text":
            text = read_text(path)
            current = sha256_text(text)
        else:
            text, current = "", _sha256(_read_regular(path))
    except (DocumentError, OSError, _Unreadable) as exc:
        raise _rebuild(f"a source of the index in {folder} changed: {exc}", hint, StaleIndexError) from None
    if current != entry["sha256"]:
        raise _rebuild(f"{_show(path)} changed since the index in {folder} was built", hint, StaleIndexError)
    text_path = str(path)
    if kind != "text":
        kept = folder / entry["text"]["name"]
        try:
            text = _read_data(folder, entry["text"], hint).decode("utf-8")
        except (IndexStoreError, UnicodeDecodeError):
            raise _rebuild(f"the text extracted from {_show(path)}, {kept}, is missing or corrupt", hint) from None
        text_path = str(kept.resolve())
    document = parse_document(text, entry["path"])
    document.kind, document.raw_sha256, document.text_path = kind, entry["sha256"], text_path
    if (len(document.sentences), len(document.chunks)) != (entry["sentences"], entry["chunks"]):
        raise _rebuild(f"the index in {folder} lists {entry['sentences']} sentences and {entry['chunks']} "
                       f"paragraphs for {_show(path)}, which has {len(document.sentences)} and "
                       f"{len(document.chunks)}", hint, StaleIndexError)
    return document


def _check_sentences(records: dict, documents: list[Document], where: str, hint: str) -> list[Sentence]:
    """The records' sentences: offsets inside their document's text and equal to the sentences parsed now."""
    sentences = [s for d in documents for s in d.sentences]
    stored = records["sentences"]
    if len(stored) != len(sentences):
        raise _rebuild(f"{where} lists {len(stored)} sentences, the sources have {len(sentences)}", hint,
                       StaleIndexError)
    length = {d.source: len(d.text) for d in documents}
    for i, (record, sentence) in enumerate(zip(stored, sentences, strict=True)):
        if not isinstance(record, dict):
            raise _rebuild(f"{where} is corrupt: sentences[{i}] must be an object, not {_describe(record)}", hint)
        start, end, size = record.get("start"), record.get("end"), length[sentence.source]
        if not (_whole(start) and _whole(end) and 0 <= start <= end <= size):
            raise _rebuild(f"{where} is corrupt: sentences[{i}] spans {_describe(start)}..{_describe(end)}, "
                           f"outside the {size} characters of {_show(sentence.source)}", hint)
        if record != vars(sentence):  # its fields are flat: asdict's deep copy costs seconds on an archive
            raise _rebuild(f"{where}: sentences[{i}] ({_describe(record.get('id'))}) does not match "
                           f"{_show(sentence.source)} (built by another version, or edited)", hint, StaleIndexError)
    return sentences


def _check_units(records: dict, documents: list[Document], where: str, hint: str) -> bool:
    """Owners and unit hashes equal to what the sentences give now: vector row i embeds unit i's text."""
    texts, owners = embedding_units(documents)
    if records["owners"] != owners:
        first = next((i for i, (a, b) in enumerate(zip(records["owners"], owners, strict=False)) if a != b),
                     min(len(owners), len(records["owners"])))
        raise _rebuild(f"{where} is corrupt: its owners differ from the sentences' units from row {first}", hint)
    hashes = [sha256_text(t) for t in texts]
    if records["unit_hashes"] != hashes:
        first = next(i for i, (a, b) in enumerate(zip(records["unit_hashes"], hashes, strict=True)) if a != b)
        raise _rebuild(f"{where} is corrupt: unit_hashes[{first}] is not the hash of unit {first}'s text", hint)
    return True


def _check(folder: Path, model_id: str | None, rebuild: str | None, checks: _Checks,
           expected_sources: list[str] | None = None) -> LoadedIndex | None:
    manifest = _read_manifest(folder, rebuild)
    hint = rebuild or _hint(folder, manifest)
    files, counts = manifest["files"], manifest["counts"]
    checks.checked.append(f"manifest.json: format {FORMAT_VERSION}, every field present with its type, "
                          f"file names inside the folder and named after their sha256")

    def stale(condition: bool, message: str) -> bool:
        if condition:
            raise _rebuild(message, hint, StaleIndexError)
        return True

    built_with = manifest["model"]["id"]
    checks.run(stale, model_id is not None and built_with != model_id,
               f"the index in {folder} was built with model {_show(built_with)!r}, not {model_id!r}")
    checks.run(stale, manifest["units"] != units_signature(),
               f"the index in {folder} embeds sentences differently from this version")
    checks.run(stale, manifest["lexicon"]["source"] != wordnet.source(),
               f"the index in {folder} was built with another lexicon ({_show(manifest['lexicon']['source'])}, "
               f"now {wordnet.source()})")
    checks.run(stale, manifest["lexicon"]["glossary"] != wordnet.glossary_version(),
               f"the index in {folder} was built with another glossary ({_show(manifest['lexicon']['glossary'])}, "
               f"now {wordnet.glossary_version()})")
    checks.checked.append(f"model {_show(built_with)!r}" + ("" if model_id is not None else " (not compared: no model "
                          "named)") + ", units, lexicon and glossary versions")

    def parsed(key: str, parse: Callable, *args):
        data = _read_data(folder, files[key], hint)
        try:
            return parse(data, *args)
        except _Bad as exc:
            raise _rebuild(f"the index file {folder / files[key]['name']} is corrupt: {exc}", hint) from None

    where = str(folder / files["records"]["name"])

    def paired(records: dict) -> dict:
        if records["vectors_sha256"] != files["vectors"]["sha256"]:
            raise _rebuild(f"{where} was written with another vectors file than {files['vectors']['name']} "
                           f"(vectors_sha256 differs): the records and the vectors do not belong together", hint)
        return records

    # The records name the vectors file they were written with: checked before the vectors are read.
    records = checks.run(lambda: paired(parsed("records", _parse_records)))
    loaded = checks.run(parsed, "vectors", _parse_vectors, manifest["model"]["dimension"],
                        folder / files["vectors"]["name"])
    lexicon = checks.run(parsed, "lexicon", _parse_lexicon)

    def vocabulary(records: dict) -> list[str]:
        terms = records.get("vocabulary")
        if not (isinstance(terms, list) and all(isinstance(t, str) for t in terms)):
            raise _rebuild(f"{where} is corrupt: vocabulary must be a list of strings, since "
                           f"{files['words']['name']} holds its vectors", hint)
        return terms

    words = None
    if "words" in files and records is not None:
        terms = checks.run(vocabulary, records)
        matrix = (checks.run(parsed, "words", _parse_words, manifest["model"]["dimension"], len(terms))
                  if terms is not None else None)
        words = (terms, matrix) if matrix is not None else None
    if records is not None and loaded is not None and lexicon is not None:
        checks.checked.append(f"files: {', '.join(f['name'] for f in files.values())}: regular files, sizes and "
                              f"sha256 as manifest.json lists, contents of the expected types")
    vectors = loaded[0] if loaded is not None else None

    def counted() -> bool:
        if vectors.ntotal != len(records["owners"]) or vectors.ntotal != counts["vectors"]:
            raise _rebuild(f"the index in {folder} is inconsistent: {vectors.ntotal} vectors, "
                           f"{len(records['owners'])} owners, counts.vectors {counts['vectors']}", hint)
        return True

    if records is not None and vectors is not None and checks.run(counted):
        checks.checked.append(f"vectors: {vectors.ntotal} rows of an {type(vectors).__name__}, dimension "
                              f"{vectors.d}, finite and of unit length; the records name this vectors file's sha256")

    documents = [checks.run(_source_document, folder, entry, hint) for entry in manifest["sources"]]
    complete = all(d is not None for d in documents)
    if complete:
        extracted = sum(1 for d in documents if d.kind != "text")
        checks.checked.append(f"sources: {len(documents)} unchanged (sha256), {extracted} kept extracted "
                              f"text(s) verified, sentence and paragraph counts as listed")
    sentences = None
    if records is not None and complete:
        sentences = checks.run(_check_sentences, records, documents, where, hint)
        if sentences is not None:
            checks.checked.append(f"sentences: {len(sentences)}, offsets inside their text and equal to the "
                                  f"sentences parsed from it now")
            if checks.run(_check_units, records, documents, where, hint):
                checks.checked.append(f"owners: {len(records['owners'])}, each 0 <= owner < {len(sentences)} and "
                                      f"in order; unit hashes match the units' text")
            checks.run(stale, len(sentences) != counts["sentences"],
                       f"the index manifest {folder / MANIFEST} lists counts.sentences {counts['sentences']}, "
                       f"the sources have {len(sentences)}")
    if expected_sources is not None:
        listed = sorted(entry["path"] for entry in manifest["sources"])
        if checks.run(stale, listed != sorted(expected_sources),
                      f"the index in {folder} covers other files than the corpus named "
                      f"({len(listed)} indexed, {len(expected_sources)} in the corpus)"):
            checks.checked.append(f"corpus: its {len(expected_sources)} file(s) are the ones the index covers")
    if checks.problems or not complete or records is None or vectors is None or lexicon is None:
        return None
    return LoadedIndex(folder, manifest, documents, sentences, vectors,
                       np.asarray(records["owners"], dtype=np.int64), lexicon, words)


def load_index(folder: Path, model_id: str | None = None, rebuild: str | None = None) -> LoadedIndex:
    """Load and check an index: the manifest's fields, every file's sha256, the records against the
    vectors and the sources, the model and the sources' content. ``rebuild`` is the command that
    messages suggest (:func:`rebuild_command`). Raises :class:`IndexStoreError` with one line."""
    folder = Path(folder)
    for attempt in range(3):
        before = _manifest_bytes(folder)
        try:
            return _check(folder, model_id, rebuild, _Checks(collect=False))
        except IndexStoreError:
            # A build replaced the index while it was read: read the new one.
            if attempt == 2 or _manifest_bytes(folder) == before:
                raise
    raise AssertionError("unreachable")


def _manifest_bytes(folder: Path) -> bytes | None:
    try:
        return _read_regular(folder / MANIFEST)
    except _Unreadable:
        return None


def verify_index(folder: Path, model_id: str | None = None, rebuild: str | None = None,
                 sources: list[str] | None = None) -> Verification:
    """Every check :func:`load_index` makes, each problem noted (one line) instead of the first raised;
    ``sources`` (paths) are the files the index should cover. Also names leftover files."""
    folder = Path(folder)
    report = Verification(folder)
    checks = _Checks(collect=True)
    try:
        _check(folder, model_id, rebuild, checks, sources)
    except IndexStoreError as exc:  # the manifest itself
        checks.problems.append(str(exc))
    report.checked, report.problems = checks.checked, checks.problems
    if folder.is_dir():
        listed = _listed(folder)
        unlisted = sorted(p.name for p in folder.iterdir() if (_IS_DATA_NAME.fullmatch(p.name) and p.name not in listed)
                          or _IS_CHECKPOINT_NAME.fullmatch(p.name))
        temps = sorted(p.name for p in folder.iterdir() if _IS_TEMP_NAME.fullmatch(p.name))
        if unlisted or temps:
            report.checked.append(f"leftovers of interrupted builds (the next build resumes from the checkpoints "
                                  f"and removes them with the temporary files): {', '.join(unlisted + temps)}")
    return report


_FAISS_TYPES = {b"IxFI": "IndexFlatIP", b"IxF2": "IndexFlatL2", b"IHNf": "IndexHNSWFlat", b"IwFl": "IndexIVFFlat",
                b"IwSq": "IndexIVFScalarQuantizer", b"IwPQ": "IndexIVFPQ"}


def index_info(folder: Path) -> dict:
    """What an index holds, from its manifest alone (no model, no vectors read): documents, sentences,
    vectors, the FAISS index type, bytes on disk, the model, when and how fast it was built."""
    folder = Path(folder)
    manifest = _read_manifest(folder, None)
    listed = sorted(_listed(folder))
    try:
        header = _read_regular(folder / manifest["files"]["vectors"]["name"])[:4]
    except _Unreadable:
        header = b""
    return {
        "folder": str(folder),
        "format_version": manifest["format_version"],
        "model": manifest["model"]["id"],
        "dimension": manifest["model"]["dimension"],
        **{key: manifest["counts"][key] for key in ("documents", "sentences", "vectors")},
        "vectors_per_sentence": round(manifest["counts"]["vectors"] / max(manifest["counts"]["sentences"], 1), 2),
        "index_type": _FAISS_TYPES.get(header, header.decode("ascii", "replace") or "missing"),
        "disk_bytes": sum((folder / name).stat().st_size for name in listed if (folder / name).is_file())
        + (folder / MANIFEST).stat().st_size,
        "files": len(listed) + 1,
        "built_at": manifest["built_at"],
        "build_seconds": manifest["build_seconds"],
        "sources": [entry["path"] for entry in manifest["sources"]],
    }


__all__ = [
    "Chunk", "IndexStoreError", "LoadedIndex", "StaleIndexError", "Verification", "build_index", "index_info",
    "load_index", "rebuild_command", "verify_index",
]
