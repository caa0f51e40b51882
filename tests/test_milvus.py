"""The Milvus store backend, against Milvus Lite embedded in a temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from index.milvus import MAX_TOPK, MilvusTerms, MilvusVectors, collection_name, open_vectors, parse_store_uri
from index.store import IndexStoreError
from qa.engine import DEFAULT_INDEX, Engine

pytestmark = pytest.mark.slow

QUESTION = "Kaç işbirliği anlaşması imzalandı?"
KEPT = ("records-", "vectors-", "lexicon-", "extracted-")


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return unit_rows(rng, 1000, 512), unit_rows(rng, 200, 512)


@pytest.fixture(scope="module")
def store(tmp_path_factory, data) -> MilvusVectors:
    return MilvusVectors(f"milvus://{tmp_path_factory.mktemp('lite')}/v.db", data[0], "ab" * 32)


def test_search_equals_exact_search(store, data):
    vectors, queries = data
    sims, ids = store.search(queries, 10)
    exact = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact, strict=True)])
    assert recall == 1.0  # FLAT is exhaustive
    assert (ids == exact).all()
    assert sims.dtype == np.float32 and ids.dtype == np.int64 and store.ntotal == 1000
    np.testing.assert_allclose(sims, np.take_along_axis(queries @ vectors.T, exact, axis=1), atol=1e-5)


def test_search_within_rows_finds_the_best_of_them(store, data):
    vectors, queries = data
    within = np.arange(500, 540)
    sims, ids = store.search(queries[:3], 10, within=within)
    assert np.isfinite(sims).all()
    exact = within[np.argsort(-(queries[:3] @ vectors[within].T), axis=1, kind="stable")[:, :10]]
    assert (ids == exact).all()


def test_fewer_rows_than_k_are_padded_like_faiss(store, data):
    sims, ids = store.search(data[1][:2], 1005)
    assert ids.shape == sims.shape == (2, 1005)
    assert (ids[:, :1000] >= 0).all() and (ids[:, 1000:] == -1).all() and np.isneginf(sims[:, 1000:]).all()
    assert sorted(ids[0, :1000]) == list(range(1000))
    assert MAX_TOPK == 16384


def test_an_uploaded_collection_is_reused(store, data):
    reopened = MilvusVectors(store.uri, data[0], "ab" * 32)
    assert not reopened.uploaded and reopened.name == store.name == collection_name("ab" * 32)
    assert (reopened.search(data[1][:5], 3)[1] == store.search(data[1][:5], 3)[1]).all()
    fewer = MilvusVectors(store.uri, data[0][:10], "cd" * 32)
    assert fewer.uploaded and fewer.ntotal == 10
    again = MilvusVectors(store.uri, data[0][:20], "cd" * 32)  # same key, another row count: filled anew
    assert again.uploaded and again.search(data[0][15:16], 1)[1][0, 0] == 15


@pytest.mark.parametrize("uri", ["milvus:/x.db", "milvus:///tmp/x.sqlite", "ftp://h:19530", "http://",
                                 "http://host:port", "localhost:19530", "", "milvus://"])
def test_a_bad_uri_names_itself(uri):
    with pytest.raises(IndexStoreError, match=r"milvus:///path/to/file\.db|ending in \.db") as raised:
        parse_store_uri(uri)
    assert repr(uri) in str(raised.value)


def test_good_uris():
    assert parse_store_uri("milvus:///var/qa/v.db") == "/var/qa/v.db"
    assert parse_store_uri("milvus://rel/v.db").endswith("/rel/v.db")
    assert parse_store_uri("http://milvus.example:19530") == "http://milvus.example:19530"
    assert parse_store_uri("https://user:pw@milvus.example/") == "https://user:pw@milvus.example"
    with pytest.raises(IndexStoreError) as raised:
        parse_store_uri("https://user:secret@milvus.example/db?x=1")
    assert "secret" not in str(raised.value)


def lucene_bm25(docs: list[list[str]], query: list[str], k1: float = 1.5, b: float = 0.75) -> np.ndarray:
    avgdl = np.mean([len(d) for d in docs])
    scores = np.zeros(len(docs))
    for term in set(query):
        df = sum(term in d for d in docs)
        if not df:
            continue
        idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        for i, d in enumerate(docs):
            tf = d.count(term)
            scores[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl)) if tf else 0
    return scores


def test_full_text_search_scores_the_terms_as_bm25(store):
    from index.analysis import analyze

    texts = ["Kazakistan ile Azerbaycan 15 işbirliği anlaşması imzaladı.", "Petrolün 1,5 milyon tonu BTC'den geçti.",
             "İşbirliği ve işbirliği yine işbirliği.", "Toplantı Bakü'de yapıldı.", "3.000 kişi katıldı."]
    terms = [analyze(t) for t in texts]
    milvus = MilvusTerms(store.uri, terms, "ef" * 32)
    for query in (analyze("işbirliği anlaşması"), analyze("1,5 milyon"), analyze("3.000")):
        scores, ids = milvus.top(query, 10)
        expected = lucene_bm25(terms, query)
        hits = ids >= 0
        assert set(ids[hits]) == set(np.flatnonzero(expected))
        np.testing.assert_allclose(scores[hits], expected[ids[hits]], rtol=1e-4)
        assert (np.diff(scores[hits]) <= 1e-6).all()


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Engine:
    """An engine over the seed corpus in a folder of its own; the project's index of the seeds, when there
    is one, is copied there first (a build takes half a minute; a stale copy is rebuilt as usual)."""
    folder = tmp_path_factory.mktemp("index")
    source = Path(os.environ.get("QA_INDEX_DIR") or DEFAULT_INDEX)
    if (source / "manifest.json").is_file():
        for path in source.iterdir():
            if path.is_file() and (path.name == "manifest.json" or path.name.startswith(KEPT)):
                shutil.copyfile(path, folder / path.name)
    return Engine(index_dir=folder)


def test_engine_with_a_milvus_store_answers_as_without(local, tmp_path):
    engine = Engine(store=f"milvus://{tmp_path}/m.db", index_dir=local.index_dir, encoder=local.encoder)
    assert isinstance(engine.retriever.vectors, MilvusVectors) and engine.retriever.vectors.uploaded
    answer, expected = engine.answer(QUESTION), local.answer(QUESTION)
    assert answer.text.startswith("15")
    assert answer.citations[0].id == expected.citations[0].id
    np.testing.assert_allclose(engine.retriever.dense_scores(engine.analyse(QUESTION).vector),
                               local.retriever.dense_scores(local.analyse(QUESTION).vector), atol=1e-5)
    assert open_vectors(None, local.index) is local.index.vectors
    scope = {"sources": [local.index.documents[0].source]}
    assert engine.answer(QUESTION, scope=scope).citations[0].id == expected.citations[0].id


def test_engine_rejects_a_bad_store_at_once(tmp_path):
    with pytest.raises(IndexStoreError, match="'mysql://h/db'"):
        Engine(store="mysql://h/db", index_dir=tmp_path, load=False)
    with pytest.raises(Exception, match="store must be text or None"):
        Engine(store=5, index_dir=tmp_path, load=False)
