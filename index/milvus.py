"""Dense vectors (and optionally BM25 terms) kept in Milvus instead of the local faiss index.

A store is named by a URI: ``milvus:///path/to/file.db`` runs Milvus Lite embedded in this process
(the path is a local folder that pymilvus requires to end in ``.db``), ``http://host:19530`` or
``https://...`` connects to a Milvus standalone server or cluster. Everything else of an index (the
records, the lexicon, BM25 and coverage, the fitted models) stays local: :class:`MilvusVectors` only
answers the two calls the retriever makes of a faiss index, ``ntotal`` and ``search``.

pymilvus is imported only when a store is opened, so the default (local) path never pays for it.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from index.store import IndexStoreError

if TYPE_CHECKING:
    from index.store import LoadedIndex

MAX_FILTER_IDS = 16_384  # a scope of at most as many vectors is a filter of the search itself
MAX_TOPK = 16384  # Milvus's default quotaAndLimits.limits.topK; a search asking for more is refused
BATCH_ROWS = 2000
BM25_K1, BM25_B = 1.5, 0.75  # stated, not left to defaults: Milvus Lite defaults to k1 1.5, a server to 1.2
LITE_PREFIX = "milvus://"

__all__ = ["MAX_TOPK", "MilvusTerms", "MilvusVectors", "collection_name", "open_vectors", "parse_store_uri"]


def parse_store_uri(uri: str) -> str:
    """The address pymilvus connects to for a ``--store`` URI.

    ``milvus:///abs/path.db`` or ``milvus://rel/path.db`` gives the absolute local path (Milvus Lite);
    ``http://host:port`` and ``https://host[:port]`` are returned as given (a server or cluster).
    Anything else raises :class:`IndexStoreError` naming the value.
    """
    if not isinstance(uri, str):
        raise IndexStoreError(f"the store must be a URI such as milvus:///path/to/file.db or "
                              f"http://host:19530, got {type(uri).__name__}")
    text = uri.strip()
    if text.startswith(LITE_PREFIX):
        path = text[len(LITE_PREFIX):]
        if not path.endswith(".db") or path.endswith("/.db") or path == ".db" or "\x00" in path:
            raise IndexStoreError(f"the store {_shown(uri)!r} must name a local file ending in .db, "
                                  f"e.g. milvus:///var/qa/vectors.db")
        return os.path.abspath(os.path.expanduser(path))
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme in ("http", "https") and parts.hostname and port != -1 and parts.path in ("", "/") \
            and not parts.query and not parts.fragment:
        return text.rstrip("/")
    raise IndexStoreError(f"the store {_shown(uri)!r} is not a Milvus URI; use milvus:///path/to/file.db "
                          f"(Milvus Lite) or http://host:19530 (a Milvus server or cluster)")


def _shown(uri: str) -> str:
    """The URI without a password, for messages."""
    parts = urlsplit(uri) if "://" in uri and not uri.startswith(LITE_PREFIX) else None
    if parts is not None and parts.password:
        return uri.replace(f":{parts.password}@", ":***@", 1)
    return uri


def collection_name(key: str, prefix: str = "qa_") -> str:
    """The collection that holds the vectors whose content hash is ``key``."""
    if not isinstance(key, str) or len(key) < 16 or any(c not in "0123456789abcdef" for c in key):
        raise IndexStoreError(f"the vectors' key must be a hex sha256, got {key!r}")
    return prefix + key[:16]


def _client(uri: str) -> Any:
    """A connected MilvusClient (pymilvus imported here, not at module import)."""
    address = parse_store_uri(uri)
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise IndexStoreError(f"the store {_shown(uri)!r} needs pymilvus and milvus-lite: "
                              f"pip install -e \".[milvus]\"") from None
    try:
        return MilvusClient(uri=address)
    except Exception as exc:
        raise IndexStoreError(f"cannot open the Milvus store {_shown(uri)!r}: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    return " ".join(str(getattr(exc, "message", None) or exc).split())[:300]


class MilvusVectors:
    """The index's unit vectors in a Milvus collection, searched like a faiss ``IndexFlatIP``.

    ``vectors`` is the (n, d) float32 matrix of unit rows; row ``i`` is stored with primary key ``i``
    so that search ids are positions in that matrix, as faiss gives them. ``key`` is the content hash
    of the vectors (the local vectors file's sha256): the collection is named after it, so an already
    uploaded collection with ``n`` rows is reused without uploading again (one count query), any other
    (an interrupted upload) is dropped and filled anew in batches of :data:`BATCH_ROWS`.

    ``index_type`` ``FLAT`` (default) is exact, the same results as faiss; on a large cluster
    ``AUTOINDEX`` (HNSW) trades some recall for speed. Metric IP on unit rows is cosine.
    """

    def __init__(self, uri: str, vectors: np.ndarray, key: str, index_type: str = "FLAT",
                 progress: bool = False):
        matrix = np.asarray(vectors)
        if matrix.ndim != 2 or not matrix.shape[1] or matrix.dtype != np.float32:
            raise IndexStoreError(f"the vectors must be an (n, d) float32 matrix, got {matrix.dtype} "
                                  f"of shape {matrix.shape}")
        self.uri, self.name, self.d = uri, collection_name(key), int(matrix.shape[1])
        self.index_type = index_type
        self.client = _client(uri)
        self.uploaded = False
        try:
            if self._rows() != len(matrix):
                self._upload(matrix, progress)
                self.uploaded = True
        except IndexStoreError:
            raise
        except Exception as exc:
            raise IndexStoreError(f"cannot store the vectors in {self.name} at {_shown(uri)!r}: "
                                  f"{_reason(exc)}") from None
        self.ntotal = len(matrix)

    def _rows(self) -> int:
        """Rows in the collection, -1 when it does not exist or holds vectors of another dimension."""
        if not self.client.has_collection(self.name):
            return -1
        fields = {f["name"]: f for f in self.client.describe_collection(self.name)["fields"]}
        if fields.get("vector", {}).get("params", {}).get("dim") not in (self.d, str(self.d)):
            return -1
        self.client.load_collection(self.name)
        counted = self.client.query(self.name, output_fields=["count(*)"], consistency_level="Strong")
        return int(counted[0]["count(*)"])

    def _upload(self, matrix: np.ndarray, progress: bool) -> None:
        from pymilvus import DataType, MilvusClient

        if self.client.has_collection(self.name):
            self.client.drop_collection(self.name)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.d)
        params = MilvusClient.prepare_index_params()
        params.add_index("vector", index_type=self.index_type, metric_type="IP")
        # Strong: the first question after an upload must see every row, not a bounded-stale view.
        self.client.create_collection(self.name, schema=schema, index_params=params, consistency_level="Strong")
        starts = range(0, len(matrix), BATCH_ROWS)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc=f"uploading to Milvus {self.name}", unit="batch")
        for start in starts:
            rows = matrix[start:start + BATCH_ROWS]
            self.client.insert(self.name, [{"id": start + i, "vector": row}
                                           for i, row in enumerate(rows.tolist())])
        self.client.flush(self.name)
        self.client.load_collection(self.name)

    def search(self, queries: np.ndarray, k: int, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best rows for each query, best first: ``(sims (m, k) float32, ids (m, k) int64)``;
        ``within`` (row ids) keeps the search to those rows, as a Milvus filter.

        As faiss pads, ids are -1 and sims -inf where fewer than ``k`` rows exist. ``k`` is clamped to
        :data:`MAX_TOPK` (Milvus refuses larger searches); columns beyond it are padding.
        """
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.d)
        k = int(k)
        sims = np.full((len(queries), max(k, 0)), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), max(k, 0)), -1, dtype=np.int64)
        limit = min(k, MAX_TOPK, self.ntotal)
        if limit <= 0 or not len(queries):
            return sims, ids
        try:
            # Milvus Lite has no filter templates: the ids go into the expression. A wider scope is searched
            # unfiltered and the caller drops the rows outside it (an expression of 100,000 ids is no filter).
            scoped = ({"filter": f"id in [{','.join(map(str, within.tolist()))}]"}
                      if within is not None and len(within) <= MAX_FILTER_IDS else {})
            hits = self.client.search(self.name, data=queries.tolist(), limit=limit, anns_field="vector",
                                      output_fields=["id"], search_params={"metric_type": "IP"}, **scoped)
        except Exception as exc:
            raise IndexStoreError(f"the Milvus search in {self.name} at {_shown(self.uri)!r} failed: "
                                  f"{_reason(exc)}") from None
        for row, found in enumerate(hits):
            for col, hit in enumerate(found[:limit]):
                ids[row, col] = hit["id"]
                sims[row, col] = hit["distance"]
        return sims, ids

    def close(self) -> None:
        self.client.close()


def term_token(term: str) -> str:
    """An index term as one token that every Milvus analyzer keeps whole (letters and digits only):
    terms such as ``1,5`` or ``3.000`` would be split by the standard tokenizer, and Milvus Lite has
    no whitespace tokenizer."""
    return "t" + hashlib.blake2b(term.encode("utf-8"), digest_size=8).hexdigest()


class MilvusTerms:
    """The sentences' index terms in a Milvus collection with a BM25 function (full-text search).

    ``terms`` holds each sentence's analysed terms (``index.analysis.analyze``); row ``i`` gets
    primary key ``i``. Milvus scores with Lucene's BM25 (k1 :data:`BM25_K1`, b :data:`BM25_B`); Milvus Lite keeps
    its statistics (IDF, average length) per segment, a server across the collection. Reused like
    :class:`MilvusVectors` when a collection of the same key and row count exists.
    """

    def __init__(self, uri: str, terms: list[list[str]], key: str):
        self.uri, self.name = uri, collection_name(key, prefix="qa_terms_")
        self.client = _client(uri)
        try:
            if self._rows() != len(terms):
                self._upload(terms)
        except Exception as exc:
            raise IndexStoreError(f"cannot store the terms in {self.name} at {_shown(uri)!r}: "
                                  f"{_reason(exc)}") from None
        self.ntotal = len(terms)

    def _rows(self) -> int:
        if not self.client.has_collection(self.name):
            return -1
        self.client.load_collection(self.name)
        counted = self.client.query(self.name, output_fields=["count(*)"], consistency_level="Strong")
        return int(counted[0]["count(*)"])

    def _upload(self, terms: list[list[str]]) -> None:
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        if self.client.has_collection(self.name):
            self.client.drop_collection(self.name)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("terms", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                         analyzer_params={"tokenizer": "standard"})
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                     input_field_names=["terms"], output_field_names=["sparse"]))
        params = MilvusClient.prepare_index_params()
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
        self.client.create_collection(self.name, schema=schema, index_params=params, consistency_level="Strong")
        rows = [{"id": i, "terms": " ".join(map(term_token, t)) or "t"} for i, t in enumerate(terms)]
        for start in range(0, len(rows), BATCH_ROWS):
            self.client.insert(self.name, rows[start:start + BATCH_ROWS])
        self.client.flush(self.name)
        self.client.load_collection(self.name)

    def top(self, terms: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best sentences for the query terms by BM25: ``(scores (k,) float32, ids (k,) int64)``,
        best first, padded with 0 / -1. ``k`` is clamped to :data:`MAX_TOPK`."""
        k = max(int(k), 0)
        scores, ids = np.zeros(k, dtype=np.float32), np.full(k, -1, dtype=np.int64)
        limit = min(k, MAX_TOPK, self.ntotal)
        if limit <= 0 or not terms:
            return scores, ids
        try:
            hits = self.client.search(self.name, data=[" ".join(map(term_token, terms))], limit=limit,
                                      anns_field="sparse", output_fields=["id"],
                                      search_params={"metric_type": "BM25"})
        except Exception as exc:
            raise IndexStoreError(f"the Milvus full-text search in {self.name} at {_shown(self.uri)!r} "
                                  f"failed: {_reason(exc)}") from None
        for col, hit in enumerate(hits[0][:limit]):
            ids[col] = hit["id"]
            # Milvus Lite reports distance = -score (smaller is better), a server the score itself.
            scores[col] = abs(hit["distance"])
        return scores, ids

    def close(self) -> None:
        self.client.close()


def open_vectors(store: str | None, index: LoadedIndex, progress: bool = False) -> Any:
    """What the retriever searches: the index's own faiss vectors when ``store`` is None, else a
    :class:`MilvusVectors` over the same rows at the store URI."""
    if store is None:
        return index.vectors
    vectors = index.vectors
    matrix = vectors.reconstruct_n(0, vectors.ntotal) if vectors.ntotal else np.zeros((0, vectors.d), np.float32)
    return MilvusVectors(store, np.asarray(matrix, dtype=np.float32), key=index.manifest["files"]["vectors"]["sha256"],
                         progress=progress)
