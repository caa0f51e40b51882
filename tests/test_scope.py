"""Scopes: a question asked of some documents of a corpus, by file, folder or date."""

from __future__ import annotations

import datetime

import faiss
import numpy as np
import pytest
from standin import StandInModel

from index.embedding import Encoder, ModelSpec
from qa import ArgumentError, Scope
from qa.engine import Engine
from qa.retrieve import Retriever

TRAM = """date {date} {city} tramvay hattının temeli atıldı

{city} Büyükşehir Belediyesi yeni tramvay hattının temelini attı.
Yeni hat {length} kilometre uzunluğunda olacak ve üzerinde {stops} durak bulunacak.
Hattın {year} yılında hizmete açılması planlanıyor.
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Engine:
    """Three tram articles in two folders: the same question has a different answer in each."""
    root = tmp_path_factory.mktemp("archive")
    for folder, name, date, city, length, stops, year in (
            ("2024", "bursa.txt", "2024-03-05", "Bursa", "9,5", "12", "2026"),
            ("2025", "kayseri.txt", "2025-06-10", "Kayseri", "14,5", "18", "2027"),
            ("2025", "samsun.txt", "2025-11-20", "Samsun", "21", "25", "2028")):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / name).write_text(TRAM.format(date=date, city=city, length=length, stops=stops, year=year),
                                          encoding="utf-8")
    encoder = Encoder(ModelSpec.resolve(), StandInModel(), StandInModel.dimension)
    return Engine(corpus=[root], index_dir=root / "index", auto_build=True, encoder=encoder)


def cited_file(answer) -> str:
    assert not answer.abstained, answer.reason
    return answer.citations[0].source.rsplit("/", 1)[-1]


@pytest.mark.parametrize(("scope", "expected"), [
    ({"sources": ["bursa.txt"]}, {"bursa.txt"}),
    (Scope(sources=("samsun.txt",)), {"samsun.txt"}),
    ({"until": "2024-12-31"}, {"bursa.txt"}),
    ({"since": "2025-01-01", "until": datetime.date(2025, 9, 1)}, {"kayseri.txt"}),
    ({"since": "2025-07-01"}, {"samsun.txt"}),
])
def test_a_scope_keeps_the_answer_and_the_candidates_to_its_documents(archive, scope, expected):
    answer = archive.answer("Yeni hat kaç kilometre uzunluğunda olacak?", scope=scope)
    assert cited_file(answer) in expected
    assert {archive.sentence(i).source.rsplit("/", 1)[-1] for i in answer.retrieved} <= expected
    assert answer.fact and answer.fact in answer.citations[0].text


def test_a_folder_scope_and_the_answer_it_gives(archive):
    root = archive.corpus[0]
    answer = archive.answer("Hatta kaç durak olacak?", scope={"folders": [str(root / "2024")]})
    assert cited_file(answer) == "bursa.txt" and "12 durak" in answer.citations[0].text
    both = {cited_file(archive.answer("Hatta kaç durak olacak?", scope={"folders": [str(root / "2025")],
                                                                        "sources": [name]}))
            for name in ("kayseri.txt", "samsun.txt")}
    assert both == {"kayseri.txt", "samsun.txt"}


def test_no_scope_and_an_empty_scope_are_the_whole_corpus(archive):
    question = "Hat ne zaman hizmete açılacak?"
    assert archive.answer(question).retrieved == archive.answer(question, scope=Scope()).retrieved
    assert archive.within(None) is None and archive.within({}) is None


def test_a_scope_that_admits_nothing_names_itself_and_the_dates(archive):
    with pytest.raises(ArgumentError, match=r"since=2030-01-01.*3 documents, dated 2024-03-05 to 2025-11-20"):
        archive.answer("Hatta kaç durak olacak?", scope={"since": "2030-01-01"})


@pytest.mark.parametrize(("value", "message"), [
    ({"since": "2025-13-01"}, "scope since must be a date YYYY-MM-DD, got '2025-13-01'"),
    ({"until": 20250101}, "scope until must be a date YYYY-MM-DD, got 20250101"),
    ({"since": "2025-02-01", "until": "2025-01-01"}, "since 2025-02-01 is after until 2025-01-01"),
    ({"document": "a.txt"}, "scope has no field 'document'"),
    ({"sources": [3]}, "scope sources must be a list of paths"),
    ("2025", "scope must be a qa.Scope, a dict or None, got '2025'"),
])
def test_bad_scopes_name_the_bad_value(value, message):
    with pytest.raises(ArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Scope.of(value)


def test_scope_reads_and_prints_plainly():
    scope = Scope.of({"sources": "a.txt", "since": datetime.date(2025, 1, 2)})
    assert scope == Scope(sources=("a.txt",), since="2025-01-02")
    assert str(scope) == "sources=a.txt; since=2025-01-02"
    assert scope.admits("/news/a.txt", "2025-01-02") and not scope.admits("/news/a.txt", "2025-01-01")
    assert not scope.admits("/news/a.txt", "") and not scope.admits("/news/b.txt", "2025-05-05")


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_dense_search_within_a_mask_finds_only_allowed_rows(kind):
    """Below and above the ANN threshold, the search itself skips the rows outside the mask, so a narrow
    scope still gets its best vectors (the unscoped top ones are all outside it here)."""
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((600, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(16) if kind == "flat" else faiss.IndexHNSWFlat(16, 32, faiss.METRIC_INNER_PRODUCT)
    index.add(vectors)
    retriever = Retriever.__new__(Retriever)  # the dense part alone
    retriever.vectors, retriever.owners, retriever.sentences = index, np.arange(600), [None] * 600
    query = vectors[0]
    allowed = np.zeros(600, dtype=bool)
    allowed[300:310] = True
    scores = retriever.dense_scores(query, allowed)
    assert (scores[~allowed] == -1).all()
    expected = vectors[300:310] @ query
    np.testing.assert_allclose(scores[300:310], expected, atol=1e-5)


def test_a_wide_scope_over_hnsw_goes_through_the_filtered_search(monkeypatch):
    import qa.retrieve as retrieve

    monkeypatch.setattr(retrieve, "EXACT_WITHIN", 0)
    rng = np.random.default_rng(4)
    vectors = rng.standard_normal((2000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexHNSWFlat(16, 32, faiss.METRIC_INNER_PRODUCT)
    index.add(vectors)
    index.hnsw.efSearch = 256
    retriever = Retriever.__new__(Retriever)
    retriever.vectors, retriever.owners, retriever.sentences = index, np.arange(2000), [None] * 2000
    allowed = np.arange(2000) % 2 == 0
    scores = retriever.dense_scores(vectors[1], allowed)
    assert (scores[~allowed] == -1).all()
    best = np.flatnonzero(allowed)[np.argsort(-(vectors[allowed] @ vectors[1]))[:10]]
    assert len(set(best) & set(np.argsort(-scores)[:10])) >= 9  # recall@10 of the filtered walk
