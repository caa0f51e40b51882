"""SQuAD-format benchmarks (`qa eval --squad`): the pure core and the runner with a fake engine,
plus one slow run of the real engine on two XQuAD articles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import qa.cli
import qa.squad
from qa.engine import QAError
from qa.squad import (
    METRICS,
    QuestionRecord,
    SquadError,
    SquadQuestion,
    check_thresholds,
    evaluate_squad,
    exact_match,
    judge,
    load_squad,
    normalize_answer,
    parse_articles,
    parse_thresholds,
    span_in_citation,
    summarize,
    token_f1,
    write_article,
)
from qa.types import Answer, Citation

XQUAD = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "xquad-dev"

# -- a small SQuAD file --------------------------------------------------------------------------

ANKARA = "\ufeffAnkara Türkiye'nin başkentidir. Şehir 1923'te başkent oldu."
ISTANBUL = "İstanbul en kalabalık şehirdir. Boğaz şehri ikiye böler."
IZMIR = "İzmir Ege kıyısındadır. Kordon boyu ünlüdür."


def qa_entry(qid: str, question: str, context: str, answer: str, **extra) -> dict:
    return {"id": qid, "question": question,
            "answers": [{"text": answer, "answer_start": context.index(answer)}], **extra}


def squad_data() -> dict:
    return {"version": "1.1", "data": [
        {"title": "Türkiye_şehirleri", "paragraphs": [
            {"context": ANKARA, "qas": [
                qa_entry("q1", "Türkiye'nin başkenti neresidir?", ANKARA, "Ankara"),
                qa_entry("q2", "Ankara ne zaman başkent oldu?", ANKARA, "1923"),
            ]},
            {"context": ISTANBUL, "qas": [qa_entry("q3", "En kalabalık şehir hangisidir?", ISTANBUL, "İstanbul")]},
        ]},
        {"title": "Ege", "paragraphs": [
            {"context": IZMIR, "qas": [qa_entry("q4", "İzmir nerededir?", IZMIR, "Ege kıyısında")]},
        ]},
    ]}


@pytest.fixture
def squad_file(tmp_path: Path) -> Path:
    path = tmp_path / "mini.tr.json"
    path.write_text(json.dumps(squad_data(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def english_file(tmp_path: Path) -> Path:
    data = squad_data()
    english = {"q1": "What is the capital of Turkey?", "q2": "When did Ankara become the capital?",
               "q3": "Which is the most crowded city?", "q4": "Where is Izmir?"}
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            for entry in paragraph["qas"]:
                entry["question"] = english[entry["id"]]
    path = tmp_path / "mini.en.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- normalisation and scores --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("İSTANBUL", "istanbul"),
    ("IRMAK", "ırmak"),
    ("1985'te", "1985"),
    ("1985’te,", "1985"),
    ("New England Patriots'u", "new england patriots"),
    ("  Luke   Kuechly. ", "luke kuechly"),
    ("'Kanun'", "kanun"),
    ("“Reform” (1517)", "reform 1517"),
    ("23–16", "2316"),
    ("zekâ", "zeka"),
    ("...", ""),
])
def test_normalize_answer(text, expected):
    assert normalize_answer(text) == expected


def test_token_f1_and_exact_match():
    assert token_f1("Pittsburgh Steelers'ı", "Pittsburgh Steelers") == 1.0
    assert token_f1("Pittsburgh", "Pittsburgh Steelers") == pytest.approx(2 / 3)
    assert token_f1("IŞIK", "ışık") == 1.0
    assert token_f1("Istanbul", "İstanbul") == 0.0  # I folds to ı, not i
    assert token_f1("Denver", "Carolina") == 0.0
    assert token_f1("", "Carolina") == 0.0
    assert token_f1("", "") == 1.0
    assert token_f1("a a b", "a b b") == pytest.approx(2 / 3)
    assert exact_match("1923'te", "1923") == 1.0
    assert exact_match("Kurt Coleman.", "kurt coleman") == 1.0
    assert exact_match("Kurt", "Kurt Coleman") == 0.0


def cite(source: str | Path, start: int, end: int, text: str = "") -> Citation:
    return Citation(id="x", text=text, source=str(source), start=start, end=end, score=1.0)


def test_span_in_citation(tmp_path):
    source = tmp_path / "a.txt"
    assert span_in_citation(cite(source, 10, 20), source, 10, 20)
    assert span_in_citation(cite(source, 10, 20), source, 12, 15)
    assert not span_in_citation(cite(source, 10, 20), source, 9, 15)
    assert not span_in_citation(cite(source, 10, 20), source, 15, 21)
    assert not span_in_citation(cite(tmp_path / "b.txt", 10, 20), source, 12, 15)
    assert span_in_citation(cite(tmp_path / "x" / ".." / "a.txt", 10, 20), str(source), 12, 15)


def test_judge():
    question = SquadQuestion("q", "Ne zaman?", (qa.squad.GoldSpan("1923", 50), qa.squad.GoldSpan("1924", 80)))
    answer = Answer(question="Ne zaman?", text="1923 [1]", fact="1923'te",
                    citations=[cite("/a.txt", 40, 70, "Şehir 1923'te başkent oldu."), cite("/a.txt", 75, 90)])
    outcome = judge(question, answer, "/a.txt", ms=3.0)
    assert (outcome.hit, outcome.f1, outcome.em, outcome.abstained) == (True, 1.0, 1.0, False)
    assert outcome.cited == "Şehir 1923'te başkent oldu." and outcome.cited_file == "a.txt"
    # Only the first citation counts; the second gold span is in the second one.
    answer.citations.reverse()
    assert judge(question, answer, "/a.txt").hit is True  # 1924 at 80-84 lies in 75-90
    answer.citations = [cite("/b.txt", 40, 70)]
    assert judge(question, answer, "/a.txt").hit is False
    abstained = Answer(question="Ne zaman?", text="Bu sorunun cevabı makalede yok.", abstained=True, fact="1923")
    assert (judge(question, abstained, "/a.txt").f1, judge(question, abstained, "/a.txt").hit) == (0.0, False)
    error = judge(question, None, "/a.txt", error="QuestionError: boş")
    assert error.abstained and error.error and error.f1 == 0.0


# -- the file -----------------------------------------------------------------------------------


def test_load_and_write_articles_keep_offsets(squad_file, tmp_path):
    articles = load_squad(squad_file)
    assert [a.title for a in articles] == ["Türkiye şehirleri", "Ege"]
    first = articles[0]
    assert first.contexts[0] == ANKARA.lstrip("\ufeff")
    assert first.text == "Türkiye şehirleri\n\n" + ANKARA[1:] + "\n\n" + ISTANBUL + "\n"
    for article in articles:
        path = write_article(article, tmp_path / "articles")
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        assert text == article.text
        for question in article.questions:
            for gold in question.answers:
                assert text[gold.start:gold.end] == gold.text
    assert first.questions[0].answers[0].start == len("Türkiye şehirleri\n\n")  # BOM dropped, offset shifted


def test_a_misplaced_answer_names_the_question(squad_file, tmp_path):
    data = squad_data()
    data["data"][0]["paragraphs"][1]["qas"][0]["answers"][0]["answer_start"] += 3
    squad_file.write_text(json.dumps(data), encoding="utf-8")
    article = load_squad(squad_file)[0]
    with pytest.raises(SquadError, match=r"'q3'.*not at its answer_start"):
        write_article(article, tmp_path)


def test_squad_v2_impossible_questions(tmp_path):
    data = squad_data()
    data["version"] = "v2.0"
    data["data"][1]["paragraphs"][0]["qas"].append(
        {"id": "q5", "question": "İzmir'in nüfusu kaçtır?", "answers": [], "is_impossible": True,
         "plausible_answers": [{"text": "İzmir", "answer_start": 0}]})
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    article = load_squad(path)[1]
    impossible = article.questions[-1]
    assert impossible.impossible and impossible.answers == ()
    assert [q.id for q in article.answerable] == ["q4"]
    # Answerable measures count answerable questions only; impossible ones count as refused when abstained.
    right = Answer(question="", text="", fact="Ege kıyısında",
                   citations=[cite("/e.txt", 0, 24)])
    refused = Answer(question="", text="", abstained=True)
    records = [
        QuestionRecord("q4", 1, "Ege", "", ["Ege kıyısında"], False, judge(article.questions[0], right, "/e.txt")),
        QuestionRecord("q5", 1, "Ege", "", [], True, judge(impossible, refused, "/e.txt")),
    ]
    records[0].main.ms, records[1].main.ms = 10.0, 30.0
    metrics = summarize(records)
    assert metrics["cite@1"] == metrics["answered"] == metrics["f1"] == metrics["em"] == 1.0
    assert metrics["impossible_refused"] == 1.0
    assert metrics["p50_ms"] == 20.0
    assert metrics["en_cite@1"] is None and metrics["swap_abstained"] is None and metrics["corpus_cite@1"] is None


def test_an_answerable_question_without_answers_is_an_error(tmp_path):
    data = squad_data()
    data["data"][0]["paragraphs"][0]["qas"][0]["answers"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SquadError, match=r"'q1'.*no answers"):
        load_squad(path)


@pytest.mark.parametrize(("content", "message"), [
    (None, "file not found"),
    ("{not json", "is not JSON"),
    ("[1, 2]", "not a SQuAD file"),
    ('{"version": "1.1"}', "needs 'data'"),
    ('{"data": []}', "'data' is empty"),
    ('{"data": [{"title": "T", "paragraphs": [{"qas": []}]}]}', r"paragraphs\[0\] needs 'context'"),
    ('{"data": [{"title": "T", "paragraphs": [{"context": "x", "qas": [{"id": "a"}]}]}]}', "needs 'question'"),
    ('{"data": [{"title": "T", "paragraphs": [{"context": "x", "qas": ['
     '{"id": "a", "question": "?", "answers": [{"text": "x", "answer_start": 0}]},'
     '{"id": "a", "question": "?", "answers": [{"text": "x", "answer_start": 0}]}]}]}]}', "appears twice"),
])
def test_bad_files_raise_qa_errors_naming_the_file(tmp_path, content, message):
    path = tmp_path / "broken.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(QAError, match=message) as caught:
        load_squad(path)
    assert "broken.json" in str(caught.value)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('{"data": "ş"}'.encode("cp1254"))
    with pytest.raises(SquadError, match="not UTF-8"):
        load_squad(path)


def test_english_questions_need_the_same_ids(squad_file, english_file, tmp_path):
    articles = load_squad(squad_file)
    assert qa.squad.english_questions(english_file, articles)["q4"] == "Where is Izmir?"
    data = json.loads(english_file.read_text())
    data["data"][1]["paragraphs"][0]["qas"][0]["id"] = "other"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SquadError, match="no question with id 'q4'"):
        qa.squad.english_questions(other, articles)


@pytest.mark.parametrize(("spec", "expected"), [
    (None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ("0-3", [0, 1, 2, 3]),
    ("0,5,7", [0, 5, 7]),
    ("7, 2-3,2", [2, 3, 7]),
    ("9", [9]),
    ([4, 1], [1, 4]),
])
def test_parse_articles(spec, expected):
    assert parse_articles(spec, 10) == expected


@pytest.mark.parametrize(("spec", "message"), [
    ("10", "no article 10"), ("3-12", "no article 10"), ("a", "indices and ranges"), ("", "indices and ranges"),
    ("3-1", "runs backwards"), ("1,,2", "indices and ranges"), ("-1", "indices and ranges"),
])
def test_parse_articles_errors(spec, message):
    with pytest.raises(SquadError, match=message):
        parse_articles(spec, 10)


def test_thresholds():
    assert parse_thresholds(["cite@1=0.8", " p95_ms = 50 "]) == {"cite@1": 0.8, "p95_ms": 50.0}
    with pytest.raises(SquadError, match="did you mean 'cite@1'"):
        parse_thresholds(["cite@2=0.8"])
    for bad in ("cite@1", "cite@1=x", "cite@1=1.5", "p50_ms=-1", "f1=nan"):
        with pytest.raises(SquadError):
            parse_thresholds([bad])
    metrics = {"cite@1": 0.5, "p95_ms": 40.0, "en_cite@1": None}
    assert check_thresholds(metrics, {"cite@1": 0.5, "p95_ms": 40.0}) == []
    failed = check_thresholds(metrics, {"cite@1": 0.6, "p95_ms": 30.0, "en_cite@1": 0.1})
    assert [(f["metric"], f["direction"]) for f in failed] == [
        ("cite@1", "min"), ("p95_ms", "max"), ("en_cite@1", "min")]


# -- the runner, with a fake engine --------------------------------------------------------------

#: the fake engine's knowledge: question -> (short answer, text of the sentence to cite).
ORACLE = {
    "Türkiye'nin başkenti neresidir?": ("Ankara", "Ankara Türkiye'nin başkentidir."),
    "Ankara ne zaman başkent oldu?": ("1923'te", "Şehir 1923'te başkent oldu."),
    "En kalabalık şehir hangisidir?": ("Boğaz", "Boğaz şehri ikiye böler."),  # the wrong sentence
    "İzmir nerededir?": ("Ege kıyısında", "İzmir Ege kıyısındadır."),
    "What is the capital of Turkey?": ("Ankara", "Ankara Türkiye'nin başkentidir."),
}


class FakeEngine:
    """Cites the sentence the oracle names when one of its files holds it, else abstains."""

    def __init__(self, corpus: list[Path], index_dir: Path, encoder):
        files = [p for c in corpus for p in (sorted(c.glob("*.txt")) if c.is_dir() else [c])]
        self.texts = {str(p.resolve()): p.read_text(encoding="utf-8") for p in files}
        self.received_encoder = encoder
        self.encoder = encoder or object()
        self.index_dir = index_dir

    def answer(self, question: str) -> Answer:
        if question == "boom":
            raise QAError("bad question")
        fact, sentence = ORACLE.get(question, ("", "\0"))
        for source, text in self.texts.items():
            if sentence in text:
                start = text.index(sentence)
                citation = Citation("id", sentence, source, start, start + len(sentence), 1.0)
                return Answer(question=question, text=f"{fact} [1]", citations=[citation], fact=fact)
        return Answer(question=question, text="Bu sorunun cevabı makalede yok.", abstained=True)


@pytest.fixture
def engines(monkeypatch) -> list[FakeEngine]:
    made: list[FakeEngine] = []

    def factory(corpus, index_dir, encoder):
        made.append(FakeEngine(corpus, index_dir, encoder))
        return made[-1]

    monkeypatch.setattr(qa.squad, "default_engine", factory)
    return made


def test_evaluate_squad_with_a_fake_engine(squad_file, english_file, engines, tmp_path):
    report = evaluate_squad(squad_file, questions_from=english_file, swap=True, corpus_mode=True,
                            progress=False, workdir=tmp_path / "work")
    m = report.metrics
    assert m["cite@1"] == 0.75 and m["answered"] == 1.0
    assert m["em"] == 0.75 and m["f1"] == 0.75
    assert m["en_cite@1"] == 0.25  # only the capital is known in English
    assert m["swap_abstained"] == 1.0  # no article holds the other's sentences
    assert m["corpus_cite@1"] == 0.75
    assert m["impossible_refused"] is None and m["p50_ms"] >= 0 and m["p95_ms"] >= m["p50_ms"]
    # Two articles alone, then one corpus; the first engine's model is shared with the others.
    assert len(engines) == 3 and engines[0].received_encoder is None
    assert all(e.received_encoder is engines[0].encoder for e in engines[1:])
    assert engines[2].index_dir.name == "corpus"
    assert [r.swap_article for r in report.records] == [1, 1, 1, 0]
    first = report.records[0].to_dict()
    assert {"id", "question", "fact", "cited", "gold", "hit", "f1"} <= first.keys()
    assert first["cited"] == "Ankara Türkiye'nin başkentidir." and first["en"]["question"].startswith("What")
    assert report.counts == {"articles": 2, "questions": 4, "answerable": 4, "impossible": 0, "errors": 0}
    json.dumps(report.to_dict())
    table = str(report)
    assert re.search(r"cite@1\s+0\.750", table) and "swap_abstained" in table
    assert "<table>" in report._repr_html_()


def test_corpus_mode_citing_another_article_misses(squad_file, engines, tmp_path):
    data = squad_data()
    # Article 1's question is answered by a sentence of article 0: a miss in every mode.
    data["data"][1]["paragraphs"][0]["qas"][0]["question"] = "Türkiye'nin başkenti neresidir?"
    squad_file.write_text(json.dumps(data), encoding="utf-8")
    report = evaluate_squad(squad_file, corpus_mode=True, progress=False, articles="1")
    assert report.metrics["cite@1"] == 0.0 and report.metrics["answered"] == 0.0
    report = evaluate_squad(squad_file, corpus_mode=True, progress=False)
    assert report.records[-1].corpus.abstained is False and report.records[-1].corpus.hit is False
    assert report.records[-1].corpus.cited_file.startswith("000-")


def test_an_archive_mixed_in_is_indexed_with_the_articles_and_citing_it_misses(squad_file, engines, tmp_path,
                                                                              monkeypatch):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "arsiv.txt").write_text("Arşive göre şehir 1923'te başkent oldu.\n", encoding="utf-8")
    monkeypatch.setitem(ORACLE, "Ankara ne zaman başkent oldu?", ("1923'te", "Arşive göre şehir 1923'te başkent oldu."))
    report = evaluate_squad(squad_file, corpus_mode=True, mix_with=[archive], progress=False)
    corpus = engines[-1]
    assert corpus.index_dir.name == "corpus" and str((archive / "arsiv.txt").resolve()) in corpus.texts
    record = next(r for r in report.records if r.question == "Ankara ne zaman başkent oldu?")
    assert record.main.abstained  # the article alone does not hold the archive's sentence
    assert record.corpus.cited_file == "arsiv.txt" and not record.corpus.hit
    with pytest.raises(qa.squad.SquadError, match=r"--mix-with .*nowhere does not exist"):
        evaluate_squad(squad_file, corpus_mode=True, mix_with=[tmp_path / "nowhere"], progress=False)


def test_evaluate_squad_subset_without_other_passes(squad_file, engines):
    report = evaluate_squad(squad_file, articles="1", swap=True, progress=False)
    assert report.articles == [1] and [r.id for r in report.records] == ["q4"]
    assert report.metrics["swap_abstained"] is None  # one article has no other to swap with
    assert "swap_abstained" not in str(report) and "en_cite@1" not in str(report)


# -- the command ---------------------------------------------------------------------------------


def test_cli_squad_table_json_out_and_thresholds(squad_file, engines, tmp_path, capsys):
    out = tmp_path / "out" / "summary.json"
    assert qa.cli.main(["eval", "--squad", str(squad_file), "--quiet", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "cite@1" in printed and "wrote" in printed
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["metrics"]["cite@1"] == 0.75 and len(saved["records"]) == 4

    code = qa.cli.main(["eval", "--squad", str(squad_file), "--quiet", "--json", "--threshold", "cite@1=0.8",
                        "--threshold", "answered=0.9"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 1 and summary["ok"] is False and "records" not in summary
    assert [f["metric"] for f in summary["failed_thresholds"]] == ["cite@1"]

    assert qa.cli.main(["eval", "--squad", str(squad_file), "--quiet", "--threshold", "en_cite@1=0.1"]) == 1
    assert "FAILED: en_cite@1 not measured" in capsys.readouterr().out


def test_cli_squad_errors(squad_file, tmp_path, capsys, monkeypatch):
    def no_engine(*args):
        raise AssertionError("no engine may be made for a bad command")

    monkeypatch.setattr(qa.squad, "default_engine", no_engine)
    missing = tmp_path / "missing.json"
    assert qa.cli.main(["eval", "--squad", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.json" in err and err.startswith("qa: error:")
    assert qa.cli.main(["eval", "--squad", str(squad_file), "--threshold", "recall=1"]) == 2
    assert "unknown measure" in capsys.readouterr().err
    assert qa.cli.main(["eval", "--squad", str(squad_file), "--articles", "5"]) == 2
    assert "no article 5" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    ([], "exactly one"),
    (["golden.jsonl", "--squad", "x.json"], "exactly one"),
    (["golden.jsonl", "--swap"], "--swap applies to --squad only"),
    (["--squad", "x.json", "--mix-with", "a/"], "--mix-with applies to --corpus-mode"),
    (["--squad", "x.json", "--baseline", "b.json"], "--baseline applies to golden files"),
])
def test_cli_needs_exactly_one_of_golden_and_squad(argv, message, capsys):
    with pytest.raises(SystemExit) as caught:
        qa.cli.main(["eval", *argv])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


# -- the real engine ----------------------------------------------------------------------------


@pytest.mark.slow
def test_xquad_two_articles_with_the_real_engine(tmp_path):
    turkish, english = XQUAD / "xquad.tr.dev.json", XQUAD / "xquad.en.dev.json"
    if not turkish.exists() or not english.exists():
        pytest.skip(f"no XQuAD dev split in {XQUAD}")
    report = evaluate_squad(turkish, questions_from=english, swap=True, corpus_mode=True, articles="1-2",
                            progress=False, workdir=tmp_path)
    m = report.metrics
    assert set(m) == set(METRICS)
    for name in ("cite@1", "answered", "f1", "em", "en_cite@1", "swap_abstained", "corpus_cite@1"):
        assert m[name] is not None and 0.0 <= m[name] <= 1.0, name
    assert m["impossible_refused"] is None  # SQuAD v1: every question is answerable
    assert 0 < m["p50_ms"] <= m["p95_ms"]
    assert report.counts["questions"] == 26 and report.counts["errors"] == 0
    assert all(r.en is not None and r.swap is not None and r.corpus is not None for r in report.records)
    # Floors a little under what the fitted engine measures on these two articles (0.615, 0.962,
    # 0.225, 0.615, 1.0, 0.615): a change that loses answers fails here.
    floors = {"cite@1": 0.55, "answered": 0.9, "f1": 0.15, "en_cite@1": 0.55, "swap_abstained": 0.9,
              "corpus_cite@1": 0.55}
    assert not check_thresholds(m, floors), {k: m[k] for k in floors}


@pytest.mark.slow
def test_news_articles_of_our_own_with_the_real_engine(tmp_path):
    """Eight news articles written for the project (SQuAD v2: 24 questions they cannot answer)."""
    data = Path(__file__).resolve().parents[1] / "bench" / "data"
    report = evaluate_squad(data / "news-tr.json", questions_from=data / "news-en.json", swap=True,
                            progress=False, workdir=tmp_path)
    m = report.metrics
    assert report.counts["errors"] == 0 and m["impossible_refused"] is not None
    # Measured 0.852, 0.932, 0.552, 0.784, 0.991: these articles are part of the training data.
    floors = {"cite@1": 0.78, "answered": 0.88, "f1": 0.45, "en_cite@1": 0.7, "swap_abstained": 0.95}
    assert not check_thresholds(m, floors), {k: m[k] for k in floors}
