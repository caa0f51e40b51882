"""The FAISS store with a fake embedder: manifest checks, staleness, atomicity, reuse."""

import json

import numpy as np
import pytest

from index.documents import load_document
from index.store import IndexStoreError, StaleIndexError, build_index, index_info, load_index

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
    assert manifest["format_version"] == 3 and manifest["model"] == MODEL
    assert manifest["counts"]["sentences"] == 3 and manifest["faiss_version"]
    assert manifest["sources"][0]["sha256"]
    loaded = load_index(out, MODEL["id"])
    assert [s.text for s in loaded.sentences][1:] == ["Bir cümle.", "İki cümle."]
    assert loaded.vectors.ntotal == len(loaded.owners)
    assert not list(out.glob("*.tmp"))
    assert not any(p.suffix == ".pkl" for p in out.iterdir())


def test_index_info_reads_the_manifest_alone(corpus, tmp_path, capsys):
    out = tmp_path / "index"
    build_index(_docs(corpus), out, FakeEmbedder(), MODEL)
    info = index_info(out)
    assert (info["documents"], info["sentences"], info["model"], info["index_type"]) == (
        1, 3, "fake-hash-embedder", "IndexFlatIP")
    assert info["vectors"] >= 3 and info["disk_bytes"] == sum(p.stat().st_size for p in out.iterdir()
                                                                if not p.name.startswith("."))
    from qa.cli import main

    assert main(["index", "info", "--index", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sources"] == [str((corpus / "a.txt").resolve())]
    assert main(["index", "info", "--index", str(tmp_path / "none")]) == 2
    assert "no index in" in capsys.readouterr().err


def test_above_the_threshold_the_vectors_are_searched_through_hnsw(corpus, tmp_path):
    import faiss

    (corpus / "b.txt").write_text("date 2025-01-03 İkinci haber\n\n" + " ".join(
        f"Cümle {i} burada yazıyor ve sekiz kelimeden uzun bir cümle oluyor." for i in range(40)), encoding="utf-8")
    out = tmp_path / "index"
    manifest = build_index(_docs(corpus), out, FakeEmbedder(), MODEL, ann_threshold=10)
    loaded = load_index(out, MODEL["id"])
    assert type(loaded.vectors) is faiss.IndexHNSWFlat and index_info(out)["index_type"] == "IndexHNSWFlat"
    matrix = loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal)
    queries = matrix[::7] + 0.01
    scores, _ = loaded.vectors.search(queries, 10)
    tenth = np.sort(queries @ matrix.T, axis=1)[:, -10]
    recall = np.mean(scores >= tenth[:, None] - 1e-5)  # a tie with the tenth best counts as found
    assert manifest["counts"]["vectors"] > 10 and recall >= 0.95
    # a rebuild below the threshold goes back to exact search, reusing every vector
    embedder = FakeEmbedder()
    build_index(_docs(corpus), out, embedder, MODEL)
    assert type(load_index(out, MODEL["id"]).vectors) is faiss.IndexFlatIP and embedder.seen == []


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


def test_web_pages_pdfs_and_docx_files_are_indexed_with_their_extracted_text_kept(tmp_path, monkeypatch):
    from test_documents import NEWS_PAGE, PDF_LINES, make_docx, make_pdf

    from index.documents import DocumentWarning, find_sources

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "haber.html").write_text(NEWS_PAGE, encoding="utf-8")
    (folder / "rapor.pdf").write_bytes(make_pdf(PDF_LINES, title="Kars-Tiflis demiryolu"))
    make_docx(folder / "metro.docx")
    (folder / "tablo.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    with pytest.warns(DocumentWarning, match=r"tablo\.xlsx"):
        sources = find_sources([folder])
    assert [p.name for p in sources] == ["haber.html", "metro.docx", "rapor.pdf"]
    out = tmp_path / "index"
    documents = [load_document(p) for p in sources]
    manifest = build_index(documents, out, FakeEmbedder(), MODEL)
    kept = {s["path"]: s["text"]["name"] for s in manifest["sources"]}
    assert sorted(p.name for p in out.glob("extracted-*.txt")) == sorted(kept.values())
    assert [s["kind"] for s in manifest["sources"]] == ["html", "docx", "pdf"]

    def no_extraction(*args):
        raise AssertionError("load_index ran an extractor")

    monkeypatch.setattr("index.documents._EXTRACTORS", {k: no_extraction for k in ("html", "pdf", "docx")})
    loaded = load_index(out, MODEL["id"])
    for doc in loaded.documents:
        assert doc.text_path == str((out / kept[doc.source]).resolve())
        with open(doc.text_path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        assert doc.sentences and all(text[s.start:s.end] == s.text for s in doc.sentences)
    assert "Projenin maliyeti 4 milyar lira olarak açıklandı." in [s.text for s in loaded.sentences]

    # A rebuild without the PDF drops its kept text; a changed raw file makes the index stale.
    build_index(documents[:2], out, FakeEmbedder(), MODEL)
    assert len(list(out.glob("extracted-*.txt"))) == 2
    (folder / "metro.docx").write_bytes(make_pdf(PDF_LINES))
    with pytest.raises(StaleIndexError, match=r"metro\.docx changed .* rebuild with `qa index build "):
        load_index(out, MODEL["id"])


def test_a_damaged_kept_text_is_reported(tmp_path):
    from test_documents import PDF_LINES, make_pdf

    (tmp_path / "rapor.pdf").write_bytes(make_pdf(PDF_LINES))
    out = tmp_path / "index"
    build_index([load_document(tmp_path / "rapor.pdf")], out, FakeEmbedder(), MODEL)
    next(out.glob("extracted-*.txt")).write_text("Başka bir metin.\n", encoding="utf-8")
    with pytest.raises(IndexStoreError, match=r"text extracted from .*rapor\.pdf.* is missing or corrupt"):
        load_index(out, MODEL["id"])


@pytest.mark.slow
def test_the_engine_answers_from_a_docx_and_cites_the_kept_text(tmp_path):
    from test_documents import NEWS_PAGE, PDF_LINES, make_docx, make_pdf

    from qa.engine import Engine

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "haber.html").write_text(NEWS_PAGE, encoding="utf-8")
    (folder / "rapor.pdf").write_bytes(make_pdf(PDF_LINES, title="Kars-Tiflis demiryolu"))
    make_docx(folder / "metro.docx")
    index = tmp_path / "index"
    engine = Engine(corpus=[folder], index_dir=index, auto_build=True)
    answer = engine.answer("Yeni metro hattı kaç duraktan oluşuyor?")
    assert not answer.abstained and "12" in answer.text
    cited = answer.citations[0]
    assert cited.source == str((folder / "metro.docx").resolve()) and cited.text == "Hat 12 duraktan oluşuyor."
    assert cited.text_path.startswith(str(index.resolve())) and cited.text_path.endswith(".txt")
    with open(cited.text_path, encoding="utf-8", newline="") as handle:
        assert handle.read()[cited.start:cited.end] == cited.text
    assert Engine(corpus=[folder], index_dir=index).index.manifest == engine.index.manifest  # loads, no rebuild


def test_index_add_and_remove_embed_only_what_is_new(tmp_path, monkeypatch, capsys):
    import shutil

    from standin import StandInModel

    import qa.engine
    from index.embedding import Encoder, ModelSpec
    from qa.cli import main

    encoder = Encoder(ModelSpec.resolve(), StandInModel(), StandInModel.dimension)
    monkeypatch.setattr(qa.engine, "load_encoder", lambda *args, **kwargs: encoder)
    monkeypatch.setattr(qa.engine, "_shared_builder", lambda spec: encoder)
    docs = tmp_path / "docs"
    docs.mkdir()
    for source in qa.engine.DEFAULT_CORPUS.glob("*.txt"):
        shutil.copy(source, docs / source.name)
    tram = tmp_path / "tram.txt"
    tram.write_text("date 2025-03-01 Yeni tramvay hattı\n\nYeni hat 14,5 kilometre uzunluğunda olacak ve üzerinde "
                    "18 durak bulunacak.\n", encoding="utf-8")
    out = tmp_path / "index"
    assert main(["index", "build", str(docs), "--out", str(out), "--quiet"]) == 0
    before = index_info(out)
    assert main(["index", "add", str(tram), "--index", str(out), "--quiet"]) == 0
    added = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the title and the sentence with its two word windows: 4 units, of 113
    assert added["counts"]["documents"] == 2 and added["counts"]["embedded_now"] == 4
    assert main(["ask", "Hatta kaç durak olacak?", "--index", str(out), "--json"]) == 0  # the index alone
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == added  # nothing rebuilt
    capsys.readouterr()
    assert main(["index", "remove", str(tmp_path / "nope.txt"), "--index", str(out)]) == 2
    assert "does not hold" in capsys.readouterr().err
    assert main(["index", "remove", str(tram), "--index", str(out), "--quiet"]) == 0
    after = index_info(out)
    assert (after["documents"], after["sentences"], after["vectors"]) == (
        before["documents"], before["sentences"], before["vectors"])
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]["embedded_now"] == 0
    assert main(["index", "remove", *map(str, docs.glob("*.txt")), "--index", str(out)]) == 2  # would be empty
    assert "empty" in capsys.readouterr().err
