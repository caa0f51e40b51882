"""The FAISS store with a fake embedder: manifest checks, staleness, atomicity, reuse."""

import json

import numpy as np
import pytest

from index.documents import load_document
from index.store import IndexStoreError, StaleIndexError, build_index, load_index

MODEL = {"id": "fake-hash-embedder", "dimension": 16}


class FakeEmbedder:
    """Deterministic vectors from a text hash; counts what it was asked to embed."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, texts):
        self.seen.extend(texts)
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=MODEL["dimension"]) for t in texts]
        matrix = np.asarray(rows, dtype=np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("date 2025-01-02 Birinci haber\n\nBir cümle. İki cümle.\n", encoding="utf-8")
    return folder


def _docs(folder):
    return [load_document(p) for p in sorted(folder.glob("*.txt"))]


def test_round_trip_and_manifest(corpus, tmp_path):
    out = tmp_path / "index"
    manifest = build_index(_docs(corpus), out, FakeEmbedder(), MODEL)
    assert manifest["format_version"] == 2 and manifest["model"] == MODEL
    assert manifest["counts"]["sentences"] == 3 and manifest["faiss_version"]
    assert manifest["sources"][0]["sha256"]
    loaded = load_index(out, MODEL["id"])
    assert [s.text for s in loaded.sentences][1:] == ["Bir cümle.", "İki cümle."]
    assert loaded.vectors.ntotal == len(loaded.owners)
    assert not list(out.glob("*.tmp"))
    assert not any(p.suffix == ".pkl" for p in out.iterdir())


def test_adding_a_document_embeds_only_the_new_text(corpus, tmp_path):
    out = tmp_path / "index"
    build_index(_docs(corpus), out, FakeEmbedder(), MODEL)
    (corpus / "b.txt").write_text("Yeni bir cümle.\n", encoding="utf-8")
    embedder = FakeEmbedder()
    manifest = build_index(_docs(corpus), out, embedder, MODEL)
    assert embedder.seen == ["Yeni bir cümle."]
    assert manifest["counts"]["documents"] == 2
    assert len(list(out.glob("vectors-*.faiss"))) == 1  # the old data file is gone


def test_changed_source_is_stale(corpus, tmp_path):
    out = tmp_path / "index"
    build_index(_docs(corpus), out, FakeEmbedder(), MODEL)
    (corpus / "a.txt").write_text("Değişti.\n", encoding="utf-8")
    with pytest.raises(StaleIndexError, match="changed"):
        load_index(out, MODEL["id"])


def test_other_model_is_stale(corpus, tmp_path):
    out = tmp_path / "index"
    build_index(_docs(corpus), out, FakeEmbedder(), MODEL)
    with pytest.raises(StaleIndexError, match="another-model"):
        load_index(out, "another-model")


@pytest.mark.parametrize("damage", ["manifest", "vectors", "missing"])
def test_corrupt_index_is_reported(corpus, tmp_path, damage):
    out = tmp_path / "index"
    build_index(_docs(corpus), out, FakeEmbedder(), MODEL)
    vectors = next(out.glob("vectors-*.faiss"))
    if damage == "manifest":
        (out / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "vectors":
        vectors.write_bytes(b"garbage")
    else:
        vectors.unlink()
    with pytest.raises(IndexStoreError, match=r"corrupt|missing"):
        load_index(out, MODEL["id"])


def test_crash_during_build_keeps_the_old_index(corpus, tmp_path):
    out = tmp_path / "index"
    build_index(_docs(corpus), out, FakeEmbedder(), MODEL)
    before = json.loads((out / "manifest.json").read_text())
    (corpus / "b.txt").write_text("Yeni bir cümle.\n", encoding="utf-8")

    def crashing(texts):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(_docs(corpus), out, crashing, MODEL)
    assert json.loads((out / "manifest.json").read_text()) == before
    (corpus / "b.txt").unlink()
    assert load_index(out, MODEL["id"]).manifest == before


def test_the_lexicon_round_trips_and_another_lexicon_means_stale(corpus, tmp_path, monkeypatch):
    out = tmp_path / "index"
    lexicon = {"en": {"sentenc": ["cümle"]}, "tr": {"tümce": ["cümle"]}}
    manifest = build_index(_docs(corpus), out, FakeEmbedder(), MODEL, lexicon=lexicon)
    assert manifest["lexicon"]["english"] == 1 and manifest["files"]["lexicon"]["sha256"]
    assert load_index(out, MODEL["id"]).lexicon == lexicon
    monkeypatch.setattr("index.lexicon.source", lambda: "OtherWordNet 9.9")
    with pytest.raises(StaleIndexError, match="OtherWordNet"):
        load_index(out, MODEL["id"])


def test_another_glossary_means_stale(corpus, tmp_path, monkeypatch):
    out = tmp_path / "index"
    manifest = build_index(_docs(corpus), out, FakeEmbedder(), MODEL, lexicon={"en": {}, "tr": {}})
    assert manifest["lexicon"]["glossary"]
    monkeypatch.setattr("index.lexicon.glossary_version", lambda: "0123456789ab")
    with pytest.raises(StaleIndexError, match="another glossary"):
        load_index(out, MODEL["id"])
