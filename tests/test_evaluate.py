"""The evaluation core with fabricated answers (no model), plus `qa eval` end to end."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

import qa.cli
from qa.engine import QAError, QuestionError
from qa.evaluate import (
    DEFAULT_THRESHOLDS,
    EvalError,
    EvalReport,
    GoldenFileError,
    GoldenPair,
    check_thresholds,
    citation_relevance,
    compare_baseline,
    contains,
    evaluate,
    load_baseline,
    load_golden,
    make_baseline,
    pairs_from,
    parse_threshold_args,
    percentile,
    render_html,
    render_table,
    resolve_thresholds,
    score_pair,
    summarize,
)
from qa.testing import assert_golden, golden_params
from qa.types import Answer, Citation

pytest_plugins = ["pytester"]

ABSTAIN = "Bu sorunun cevabı makalede yok."


def cite(text: str, n: int = 0) -> Citation:
    return Citation(id=f"doc#{abs(hash(text)) % 10**8:08d}{n}", text=text, source="doc.txt", start=0,
                    end=len(text), score=0.5)


def make_answer(text: str, cited: tuple[str, ...] | list[str] = (), abstained: bool = False,
                retrieved: tuple[str, ...] = (), total_ms: float = 10.0, question: str = "q") -> Answer:
    markers = " ".join(f"[{n}]" for n in range(1, len(cited) + 1))
    return Answer(question=question, text=f"{text} {markers}".strip() if not abstained else ABSTAIN,
                  citations=[cite(t, n) for n, t in enumerate(cited)], abstained=abstained,
                  timings={"total_ms": total_ms}, retrieved=list(retrieved))


def make_pair(**fields) -> GoldenPair:
    fields.setdefault("question", "soru?")
    return pairs_from([fields]).pairs[0]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, *records: dict) -> Path:
    return write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


class FakeEngine:
    """Answers from a dict keyed by question; sentences for retrieval ranks."""

    def __init__(self, answers: dict[str, Answer], sentences: dict[str, str] | None = None):
        self.answers = answers
        self.sentences = sentences or {}
        self.calls: list[tuple[str, list[str]]] = []

    def answer(self, question: str, history: list[str] | None = None, k: int = 5) -> Answer:
        self.calls.append((question, list(history or [])))
        if question not in self.answers:
            raise QuestionError(f"no fabricated answer for {question!r}")
        return self.answers[question]

    def sentence(self, sentence_id: str):
        return SimpleNamespace(text=self.sentences[sentence_id])


# -- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("haystack", "needle"), [
    ("İSTANBUL'da toplandılar", "istanbul"),
    ("istanbul", "İSTANBUL"),
    ("KAZAKİSTAN ile AZERBAYCAN", "Kazakistan ile Azerbaycan"),
    ("Kazakistan’ın ortağı", "KAZAKİSTAN'IN"),          # curly apostrophe, Turkish I
    ("ILIK bir hava", "ılık"),                           # dotless I folds to ı
    ("“yeşil enerji” alanında", '"yeşil enerji"'),
    ("Kazak   tahılı\nsevk edildi", "kazak tahılı sevk"),  # whitespace
    ("yüzde 62 artarak", "62"),
    ("1,5 milyon ton", "1,5 milyon"),
    ("20. yılı dolayısıyla", "20. yıl"),
])
def test_matching_folds_turkish_case(haystack, needle):
    assert contains(haystack, needle)


@pytest.mark.parametrize(("haystack", "needle"), [
    ("ılık", "ilik"),            # ı and i are different letters
    ("150 anlaşma", "15"),       # numbers match whole numbers
    ("2015 yılında", "15"),
    ("1,5 milyon", "15"),
    ("11,5 milyon ton", "1,5 milyon"),
    ("4,55 milyon", "4,5"),
    ("Ankara", "istanbul"),
])
def test_matching_rejects(haystack, needle):
    assert not contains(haystack, needle)


def test_answer_matching_ignores_citation_markers_and_case():
    pair = make_pair(answer_any=["kazak tahılı"], support_any=["KAZAK TAHILI"])
    answer = Answer("q", "KAZAK [1] TAHILI [2]", [cite("Ermenistan'a Kazak tahılı sevk edildi.")])
    result = score_pair(pair, answer)
    assert result.passed and result.correct and result.reasons == []


# -- scoring one pair --------------------------------------------------------------------------


def test_score_pair_reasons():
    answerable = make_pair(answer_any=["15"], support_any=["15 anlaşma imzalandı"])
    good = score_pair(answerable, make_answer("15 anlaşma", ["Toplam 15 anlaşma imzalandı."]))
    assert good.passed and good.reasons == []

    wrong = score_pair(answerable, make_answer("12 anlaşma", ["Toplam 12 anlaşma imzalandı."]))
    assert not wrong.passed and not wrong.correct
    assert wrong.reasons == ["answer lacks any of ['15']",
                             "no cited sentence contains any of ['15 anlaşma imzalandı']"]

    uncited = score_pair(answerable, make_answer("15 anlaşma", ["Başka bir cümle, 15 kişi."]))
    assert uncited.correct and not uncited.passed
    assert uncited.reasons == ["no cited sentence contains any of ['15 anlaşma imzalandı']"]

    refused = score_pair(answerable, make_answer("", abstained=True))
    assert refused.reasons == ["abstained on an answerable question"] and refused.supported is None

    unanswerable = make_pair(unanswerable=True)
    assert score_pair(unanswerable, make_answer("", abstained=True)).passed
    answered = score_pair(unanswerable, make_answer("Ankara", ["Ankara başkenttir."]))
    assert answered.reasons == ["answered an unanswerable question"] and not answered.passed


def test_without_answer_any_not_abstaining_is_enough():
    pair = make_pair(support_any=["trafo"])
    assert score_pair(pair, make_answer("bir şey", ["Ortak trafo üretimi."])).passed
    assert not score_pair(pair, make_answer("", abstained=True)).passed


# -- ALCE citation recall and precision ----------------------------------------------------------


@pytest.mark.parametrize(("cited", "relevant"), [
    (["x alpha beta y"], [True]),                              # one citation, supports
    (["alpha beta", "unrelated sentence"], [True, False]),     # the second is irrelevant
    (["first half alpha", "beta second half"], [True, True]),  # jointly: each one needed
    (["alpha beta", "alpha beta again"], [True, True]),        # each supports alone
    (["alpha", "beta", "noise"], [True, True, False]),
    (["nothing", "else"], [False, False]),                     # the set does not support
    ([], []),
])
def test_citation_relevance_alce(cited, relevant):
    assert citation_relevance(cited, ("alpha beta",)) == relevant


def test_citation_recall_and_precision():
    support = make_pair(id="s", answer_any=["a"], support_any=["alpha beta"])
    fallback = make_pair(id="f", answer_any=["gamma"])   # no support_any: the answer string is the support
    unanswerable = make_pair(id="u", unanswerable=True)
    results = [
        score_pair(support, make_answer("a", ["alpha beta", "noise"])),       # supported, 1/2 relevant
        score_pair(support, make_answer("a", ["alpha", "beta"])),             # supported, 2/2
        score_pair(support, make_answer("a", ["unrelated"])),                 # not supported, 0/1
        score_pair(support, make_answer("", abstained=True)),                 # not judged
        score_pair(fallback, make_answer("gamma", ["gamma ray"])),            # supported, 1/1
        score_pair(unanswerable, make_answer("a", ["alpha beta"])),           # not judged
    ]
    assert [r.supported for r in results] == [True, True, False, None, True, None]
    metrics = summarize(results)
    assert metrics["citation_recall"] == pytest.approx(3 / 4)
    assert metrics["citation_precision"] == pytest.approx(4 / 6)
    assert results[0].to_dict()["citations"][1]["relevant"] is False


# -- abstention, accuracy, retrieval -------------------------------------------------------------


def test_abstention_metrics():
    ans = make_pair(id="a", answer_any=["x"])
    un = make_pair(id="u", unanswerable=True)
    results = [
        score_pair(un, make_answer("", abstained=True)),
        score_pair(un, make_answer("", abstained=True)),
        score_pair(un, make_answer("x", ["x"])),
        score_pair(ans, make_answer("x", ["x"])),
        score_pair(ans, make_answer("x", ["x"])),
        score_pair(ans, make_answer("y", ["y"])),
        score_pair(ans, make_answer("", abstained=True)),
    ]
    m = summarize(results)
    assert m["abstention_precision"] == pytest.approx(2 / 3)
    assert m["abstention_recall"] == pytest.approx(2 / 3)
    assert m["false_refusal_rate"] == pytest.approx(1 / 4)
    assert m["answerable_accuracy"] == pytest.approx(2 / 4)
    assert m["answer_accuracy"] == pytest.approx(4 / 7)

    none_abstained = summarize([score_pair(ans, make_answer("x", ["x"]))])
    assert none_abstained["abstention_precision"] == 1.0
    assert none_abstained["abstention_recall"] is None and none_abstained["false_refusal_rate"] == 0.0


def test_retrieval_ranks_hits_and_mrr():
    sentences = {"s1": "Ankara'da toplandılar.", "s2": "Hava güzeldi.", "s3": "15 anlaşma imzalandı.",
                 "s4": "Başka bir şey."}
    pair = make_pair(answer_any=["15"], support_any=["15 anlaşma"])
    first = score_pair(pair, make_answer("15", ["15 anlaşma imzalandı."], retrieved=("s3", "s1")), sentences)
    third = score_pair(pair, make_answer("15", retrieved=("s1", "s2", "s3")), sentences.get)
    missing = score_pair(pair, make_answer("", abstained=True, retrieved=("s1", "s4", "unknown")), sentences)
    assert (first.rank, third.rank, missing.rank) == (1, 3, None)
    m = summarize([first, third, missing])
    assert m["hit@1"] == pytest.approx(1 / 3)
    assert m["hit@3"] == pytest.approx(2 / 3)
    assert m["mrr"] == pytest.approx((1 + 1 / 3) / 3)

    unscored = score_pair(pair, make_answer("15", retrieved=("s3",)))   # no sentence lookup
    assert not unscored.retrieval_scored
    assert summarize([unscored])["hit@1"] is None


def test_latency_percentiles():
    assert percentile([], 50) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(n) for n in range(1, 101)], 95) == pytest.approx(95.05)
    pair = make_pair(answer_any=["x"])
    results = [score_pair(pair, make_answer("x", ["x"], total_ms=ms)) for ms in (10, 20, 30, 40, 1000)]
    m = summarize(results)
    assert m["latency_p50_ms"] == 30 and m["latency_p95_ms"] == pytest.approx(808.0)


# -- thresholds and baselines --------------------------------------------------------------------


def test_threshold_directions():
    thresholds = {"false_refusal_rate": 0.03, "answer_accuracy": 0.90, "abstention_recall": 5 / 6,
                  "latency_p95_ms": 500.0}
    ok = {"false_refusal_rate": 0.03, "answer_accuracy": 0.90, "abstention_recall": 10 / 12,
          "latency_p95_ms": 499.0}
    assert check_thresholds(ok, thresholds) == []
    bad = {"false_refusal_rate": 0.05, "answer_accuracy": 0.95, "abstention_recall": None,
           "latency_p95_ms": 501.0}
    failed = check_thresholds(bad, thresholds)
    assert [(f["metric"], f["direction"]) for f in failed] == [("false_refusal_rate", "max"),
                                                              ("latency_p95_ms", "max")]
    low = check_thresholds({"answer_accuracy": 0.02, "false_refusal_rate": 0.0}, thresholds)
    assert [(f["metric"], f["direction"]) for f in low] == [("answer_accuracy", "min")]


def test_threshold_layers_and_arguments():
    assert resolve_thresholds() == DEFAULT_THRESHOLDS
    merged = resolve_thresholds({"answer_accuracy": 0.5, "hit@3": None}, parse_threshold_args(
        ["answer_accuracy=0.7", "mrr=0.6", "citation_recall=off"]))
    assert merged["answer_accuracy"] == 0.7 and merged["mrr"] == 0.6
    assert "hit@3" not in merged and "citation_recall" not in merged
    assert merged["false_refusal_rate"] == 0.03
    for spec, message in [("answer_accuracy", "METRIC=VALUE"), ("acuracy=0.9", "unknown metric"),
                          ("answer_acuracy=0.9", "did you mean 'answer_accuracy'"),
                          ("hit@3=high", "not a number"), ("hit@3=1.5", "between 0 and 1")]:
        with pytest.raises(EvalError, match=message):
            parse_threshold_args([spec])


def test_baseline_regressions(tmp_path):
    before = {"answer_accuracy": 0.90, "false_refusal_rate": 0.02, "hit@3": 0.95, "mrr": None,
              "latency_p50_ms": 10.0, "latency_p95_ms": 20.0}
    baseline = make_baseline(before, "seed.jsonl")
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(baseline), encoding="utf-8")
    assert load_baseline(path)["metrics"] == before

    within = {"answer_accuracy": 0.885, "false_refusal_rate": 0.035, "hit@3": 0.95, "mrr": 0.5,
              "latency_p50_ms": 500.0, "latency_p95_ms": 900.0}   # latency is not compared by default
    assert compare_baseline(within, baseline) == []
    worse = {"answer_accuracy": 0.85, "false_refusal_rate": 0.05, "hit@3": 0.99}
    regressions = compare_baseline(worse, baseline)
    assert [(r["metric"], r["direction"]) for r in regressions] == [("answer_accuracy", "min"),
                                                                    ("false_refusal_rate", "max")]
    strict = dict(baseline, tolerance={"default": 0.0, "hit@3": None, "latency_p95_ms": 5})
    names = {r["metric"] for r in compare_baseline(within | {"hit@3": 0.1}, strict)}
    assert names == {"answer_accuracy", "false_refusal_rate", "latency_p95_ms"}

    for text, message in [("{", "invalid JSON"), ('{"metric": {}}', "'metrics' object"),
                          ('{"metrics": {"mrr": "high"}}', "number or null")]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(EvalError, match=message):
            load_baseline(path)
    with pytest.raises(EvalError, match="not found"):
        load_baseline(tmp_path / "none.json")


# -- golden files ------------------------------------------------------------------------------


def test_load_jsonl(tmp_path):
    path = write(tmp_path / "g.jsonl", "\n".join([
        '{"question": "Kaç anlaşma?", "answer_any": ["15"], "tags": ["number"]}',
        "",
        '{"thresholds": {"answer_accuracy": 0.5, "hit@3": null}}',
        '{"id": "fu", "question": "Peki uranyum?", "history": ["Petrol?"], "support_any": ["uranyum"]}',
        '{"id": "un", "question": "Başkent?", "unanswerable": true}',
    ]) + "\n")
    golden = load_golden(path)
    assert [p.id for p in golden.pairs] == ["line-1", "fu", "un"]
    assert golden.pairs[0].answer_any == ("15",) and golden.pairs[0].tags == ("number",)
    assert golden.pairs[1].history == ["Petrol?"] and golden.pairs[2].unanswerable
    assert golden.thresholds == {"answer_accuracy": 0.5, "hit@3": None}
    assert golden.pairs[1].location == f"{path}:4"


@pytest.mark.parametrize(("lines", "line", "message"), [
    (['{"question": "a"}', '{"question": "b"}', '{"question": "c",}'], 3, "invalid JSON"),
    (['{"question": "a"}', '{"id": "x", "answer_any": ["15"]}'], 2, "missing required field 'question'"),
    (['{"question": "a", "answer_any": "15"}'], 1, "'answer_any' must be a list of strings, got str"),
    (['{"question": "a"}', '{"question": "b", "support_any": [1]}'], 2,
     "'support_any' must be a list of strings, got a list holding int"),
    (['{"question": "a", "unanswerable": "yes"}'], 1, "'unanswerable' must be true or false, got str"),
    (['{"question": 7}'], 1, "'question' must be a string, got int"),
    (['{"question": "a", "id": 3}'], 1, "'id' must be a string, got int"),
    (['{"question": "a"}', '{"question": "b", "answr_any": ["x"]}'], 2,
     "unknown field 'answr_any'; did you mean 'answer_any'"),
    (['{"question": "a", "colour": "red"}'], 1, "unknown field 'colour' \\(known: question, id"),
    (['["question", "a"]'], 1, "must be a JSON object, got list"),
    (['{"question": "a", "id": "x"}', '{"question": "b", "id": "x"}'], 2, "duplicate id 'x'"),
    (['{"question": "a", "unanswerable": true, "answer_any": ["x"]}'], 1, "unanswerable pair cannot"),
    (['{"question": "a", "answer_any": [""]}'], 1, "empty string"),
    (['{"question": "a"}', '{"thresholds": {"acuracy": 0.9}}'], 2, "unknown metric 'acuracy'"),
    (['{"thresholds": {"hit@3": 2}}', '{"question": "a"}'], 1, "between 0 and 1"),
    (['{"thresholds": {"hit@3": 0.9}, "question": "a"}'], 1, "'thresholds' alone"),
])
def test_malformed_jsonl_names_file_and_line(tmp_path, lines, line, message):
    path = write(tmp_path / "bad.jsonl", "\n".join(lines) + "\n")
    with pytest.raises(GoldenFileError, match=message) as caught:
        load_golden(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert isinstance(caught.value, QAError)


def test_unreadable_golden_files(tmp_path):
    with pytest.raises(GoldenFileError, match="not found"):
        load_golden(tmp_path / "missing.jsonl")
    with pytest.raises(GoldenFileError, match="no pairs"):
        load_golden(write(tmp_path / "empty.jsonl", "\n\n"))
    (tmp_path / "latin.jsonl").write_bytes('{"question": "Kaç?"}'.encode("utf-16"))
    with pytest.raises(GoldenFileError, match="UTF-8"):
        load_golden(tmp_path / "latin.jsonl")


def test_load_yaml_list_and_mapping(tmp_path):
    listed = write(tmp_path / "g.yaml", """\
- id: count
  question: Kaç anlaşma imzalandı?
  answer_any: ["15"]
  support_any: [15 işbirliği anlaşması]
- question: Başkent neresi?
  unanswerable: true
""")
    golden = load_golden(listed)
    assert [p.id for p in golden.pairs] == ["count", "line-5"]
    assert golden.pairs[0].answer_any == ("15",) and golden.pairs[1].unanswerable
    assert golden.thresholds == {}

    mapped = write(tmp_path / "g.yml", """\
thresholds:
  answer_accuracy: 0.8
  false_refusal_rate: 0.1
pairs:
  - question: Peki uranyum?
    history: ["Tokayev petrol hakkında ne dedi?"]
    answer_any: [uranyum]
""")
    golden = load_golden(mapped)
    assert golden.thresholds == {"answer_accuracy": 0.8, "false_refusal_rate": 0.1}
    assert golden.pairs[0].history == ["Tokayev petrol hakkında ne dedi?"]
    assert golden.pairs[0].id == "line-5"


@pytest.mark.parametrize(("text", "where", "message"), [
    ("- question: a\n- question: b\n  answer_any: 15\n", ":3:",
     "'answer_any' must be a list of strings, got int"),
    ("- question: a\n- answer_any: [x]\n", ":2:", "missing required field 'question'"),
    ("- question: a\n  tgas: [x]\n", ":2:", "unknown field 'tgas'; did you mean 'tags'"),
    ("- question: a\n  answer_any: [x\n", ":", "invalid YAML"),
    ("pairs: []\nlimits: {}\n", ":2:", "unknown top-level key 'limits'"),
    ("pairs:\n  - question: a\nthresholds:\n  hit@3: lots\n", ":3:", "must be a number or null"),
    ("question: a\n", ":1:", "unknown top-level key 'question'"),
    ("just text\n", ":", "a list of pairs"),
])
def test_malformed_yaml(tmp_path, text, where, message):
    path = write(tmp_path / "bad.yaml", text)
    with pytest.raises(GoldenFileError, match=message) as caught:
        load_golden(path)
    assert str(caught.value).startswith(f"{path}{where}")


# -- the independent scorer --------------------------------------------------------------------


def independent_verdict(record: dict, answer: Answer) -> bool:
    """A second scorer, written separately from qa.evaluate: Turkish lower-casing by hand."""
    def low(s: str) -> str:
        return s.replace("I", "ı").replace("İ", "i").lower()

    if record.get("unanswerable"):
        return answer.abstained
    if answer.abstained:
        return False
    said = low(answer.text.replace("[1]", "").replace("[2]", ""))
    if record.get("answer_any") and not any(low(a) in said for a in record["answer_any"]):
        return False
    cited = low(" ".join(c.text for c in answer.citations))
    return not record.get("support_any") or any(low(s) in cited for s in record["support_any"])


FABRICATED = [
    ({"id": "ok", "question": "q1", "answer_any": ["Akorda"], "support_any": ["Akorda Sarayı"]},
     make_answer("AKORDA", ["Akorda Sarayı'nda görüştüler."])),
    ({"id": "caps", "question": "q2", "answer_any": ["İlham Aliyev"]}, make_answer("İLHAM ALİYEV", ["x"])),
    ({"id": "dotless", "question": "q3", "answer_any": ["ılık"]}, make_answer("ILIK", ["ılık"])),
    ({"id": "wrong", "question": "q4", "answer_any": ["Akorda"]}, make_answer("Bakü", ["Bakü'de."])),
    ({"id": "uncited", "question": "q5", "answer_any": ["15"], "support_any": ["15 anlaşma"]},
     make_answer("15", ["Başka cümle."])),
    ({"id": "refused", "question": "q6", "answer_any": ["x"]}, make_answer("", abstained=True)),
    ({"id": "un-ok", "question": "q7", "unanswerable": True}, make_answer("", abstained=True)),
    ({"id": "un-bad", "question": "q8", "unanswerable": True}, make_answer("Ankara", ["Ankara."])),
    ({"id": "any", "question": "q9", "answer_any": ["yok", "trafo"]}, make_answer("ortak TRAFO", ["trafo"])),
    ({"id": "two", "question": "q10", "support_any": ["gemi inşa"]},
     make_answer("gemi", ["Tarım ve enerji.", "Gemi inşasında ortak projeler."])),
    ({"id": "no-expect", "question": "q11"}, make_answer("bir şey", ["bir şey"])),
    ({"id": "kazak", "question": "q12", "answer_any": ["KAZAKİSTAN"]}, make_answer("Kazakistan'ın", ["."])),
]


def test_independent_scorer_agrees():
    engine = FakeEngine({record["question"]: answer for record, answer in FABRICATED})
    report = evaluate([record for record, _ in FABRICATED], engine)
    expected = {record["id"]: independent_verdict(record, answer) for record, answer in FABRICATED}
    assert {r.id: r.passed for r in report.results} == expected
    assert set(expected.values()) == {True, False}
    correct = sum(independent_verdict({k: v for k, v in record.items() if k != "support_any"}, answer)
                  for record, answer in FABRICATED)
    assert report.metrics["answer_accuracy"] == pytest.approx(correct / len(FABRICATED))


# -- running: evaluate(), the table, the HTML, qa eval -------------------------------------------


def test_evaluate_passes_history_and_survives_engine_errors(tmp_path):
    path = jsonl(tmp_path / "g.jsonl",
                 {"id": "fu", "question": "Peki uranyum?", "history": ["Petrol?"], "answer_any": ["uranyum"]},
                 {"id": "boom", "question": "no answer for this one", "answer_any": ["x"]})
    engine = FakeEngine({"Peki uranyum?": make_answer("uranyum", ["uranyum sevkiyatı"])})
    report = evaluate(path, engine)
    assert engine.calls[0] == ("Peki uranyum?", ["Petrol?"])
    boom = report.results[1]
    assert not boom.passed and boom.error.startswith("QuestionError")
    assert report.counts["errors"] == 1 and report.metrics["answer_accuracy"] == 0.5


def test_golden_file_thresholds_apply_and_arguments_win(tmp_path):
    path = jsonl(tmp_path / "g.jsonl", {"thresholds": {"answer_accuracy": 0.5, "hit@3": None}},
                 {"question": "a", "answer_any": ["x"]}, {"question": "b", "answer_any": ["x"]})
    engine = FakeEngine({"a": make_answer("x", ["x"]), "b": make_answer("y", ["y"])})
    report = evaluate(path, engine)
    assert report.thresholds["answer_accuracy"] == 0.5 and "hit@3" not in report.thresholds
    assert {f["metric"] for f in report.failed_thresholds} == {"answerable_accuracy", "citation_recall",
                                                                "citation_precision"}
    stricter = evaluate(path, engine, thresholds={"answer_accuracy": 0.9})
    assert "answer_accuracy" in {f["metric"] for f in stricter.failed_thresholds}


def test_render_table_and_html():
    pair_ok = make_pair(id="ok", question="<b>Kaç?</b>", answer_any=["15"])
    pair_bad = make_pair(id="bad", question="Nerede?", answer_any=["Akorda"])
    results = [score_pair(pair_ok, make_answer("15 <script>alert(1)</script>", ["15 & <i>daha</i>"])),
               score_pair(pair_bad, make_answer("Bakü", ["Bakü'de."]))]
    report = EvalReport.build(results)
    table = render_table(report)
    assert "ok   PASS" in table and "bad  FAIL    answer lacks any of ['Akorda']" in table
    assert "answer: 'Bakü'" in table and "1/2 pairs passed" in table
    assert "answer_accuracy          0.500  >= 0.900    FAIL" in table
    assert "false_refusal_rate       0.000  <= 0.030    ok" in table
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;Kaç?&lt;/b&gt;" in page
    assert "15 &amp; &lt;i&gt;daha&lt;/i&gt;" in page and "answer lacks any of [&#x27;Akorda&#x27;]" in page


def run_qa_eval(monkeypatch, capsys, engine, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(qa.cli, "engine_from", lambda args, fast=False: engine)
    code = qa.cli.main(["eval", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_qa_eval_exit_codes_json_report_and_baseline(tmp_path, monkeypatch, capsys):
    golden = jsonl(tmp_path / "g.jsonl",
                   {"id": "count", "question": "Kaç?", "answer_any": ["15"], "support_any": ["15 anlaşma"]},
                   {"id": "place", "question": "Nerede <b>?", "answer_any": ["Akorda"]},
                   {"id": "capital", "question": "Başkent?", "unanswerable": True})
    good = FakeEngine({"Kaç?": make_answer("15", ["15 anlaşma imzalandı."], retrieved=("s1",)),
                       "Nerede <b>?": make_answer("Akorda", ["Akorda'da."]),
                       "Başkent?": make_answer("", abstained=True)},
                      {"s1": "15 anlaşma imzalandı."})
    code, out, _ = run_qa_eval(monkeypatch, capsys, good, str(golden))
    assert code == 0 and "3/3 pairs passed" in out and "OK: all thresholds hold" in out

    baseline = tmp_path / "base" / "baseline.json"
    report_dir = tmp_path / "report"
    code, out, err = run_qa_eval(monkeypatch, capsys, good, str(golden), "--json", "--save-baseline",
                                 str(baseline), "--report", str(report_dir))
    data = json.loads(out)
    assert code == 0 and data["answer_accuracy"] == 1.0 and data["failed_thresholds"] == []
    assert data["metrics"]["hit@1"] == 1.0 and data["baseline_regressions"] == []
    assert data["pairs"][0] | {"citations": None} == data["pairs"][0] | {
        "id": "count", "question": "Kaç?", "answer": "15 [1]", "abstained": False, "passed": True,
        "reasons": [], "rank": 1, "citations": None}
    assert "saved the baseline" in err
    saved = json.loads(baseline.read_text(encoding="utf-8"))
    assert saved["metrics"]["answer_accuracy"] == 1.0
    assert saved["tolerance"] == {"default": 0.02, "latency_p50_ms": None, "latency_p95_ms": None}
    assert json.loads((report_dir / "report.json").read_text(encoding="utf-8"))["metrics"] == data["metrics"]
    assert "Nerede &lt;b&gt;?" in (report_dir / "report.html").read_text(encoding="utf-8")

    worse = FakeEngine(good.answers | {"Nerede <b>?": make_answer("Bakü", ["Bakü."])}, good.sentences)
    thresholds_off = [f"--threshold={m}=off" for m in DEFAULT_THRESHOLDS]
    code, out, _ = run_qa_eval(monkeypatch, capsys, worse, str(golden), "--baseline", str(baseline),
                               *thresholds_off)
    assert code == 1 and "regressions against the baseline:" in out and "answer_accuracy regressed" in out
    code, out, _ = run_qa_eval(monkeypatch, capsys, worse, str(golden), *thresholds_off)
    assert code == 0 and "place" in out and "FAIL" in out

    code, out, _ = run_qa_eval(monkeypatch, capsys, worse, str(golden), "--json")
    data = json.loads(out)
    assert code == 1 and {"metric": "answer_accuracy", "value": pytest.approx(2 / 3), "threshold": 0.9,
                          "direction": "min"} in data["failed_thresholds"]


def test_qa_eval_user_errors_exit_2(tmp_path, monkeypatch, capsys):
    engine = FakeEngine({})
    bad = write(tmp_path / "bad.jsonl", '{"question": "a"}\n{"question": "b", "answer_any": "x"}\n')
    code, _, err = run_qa_eval(monkeypatch, capsys, engine, str(bad))
    assert code == 2 and f"{bad}:2: 'answer_any' must be a list of strings, got str" in err
    good = jsonl(tmp_path / "g.jsonl", {"question": "a"})
    code, _, err = run_qa_eval(monkeypatch, capsys, engine, str(good), "--threshold", "recall=1")
    assert code == 2 and "unknown metric 'recall'" in err
    code, _, err = run_qa_eval(monkeypatch, capsys, engine, str(good), "--baseline", str(tmp_path / "no"))
    assert code == 2 and "baseline file not found" in err


# -- the pytest integration ----------------------------------------------------------------------


def test_assert_golden_message():
    pair = make_pair(id="place", question="Liderler nerede görüştü?", history=["Kim geldi?"],
                     answer_any=["Akorda"], support_any=["Akorda Sarayı"])
    assert_golden(pair, make_answer("Akorda", ["Akorda Sarayı'nda görüştüler."]))
    with pytest.raises(AssertionError) as caught:
        assert_golden(pair, make_answer("Bakü", ["Bakü'de buluştular.", "İkinci cümle."]))
    message = str(caught.value)
    assert message.startswith("golden pair 'place' failed: answer lacks any of ['Akorda']")
    for part in ["question:  Liderler nerede görüştü?", "history:   Kim geldi?", "answer:    Bakü [1] [2]",
                 "  [1] Bakü'de buluştular.", "  [2] İkinci cümle.",
                 "expected:  an answer containing any of ['Akorda']; a cited sentence containing any of "
                 "['Akorda Sarayı']"]:
        assert part in message
    with pytest.raises(AssertionError, match=r"(?s)answer:    \(abstained\).*citations:\n  \(none\)"):
        assert_golden(pair, make_answer("", abstained=True))


def test_golden_params(tmp_path):
    path = jsonl(tmp_path / "g.jsonl", {"id": "a", "question": "x"}, {"question": "y", "unanswerable": True})
    params = golden_params(path, marks=pytest.mark.slow)
    assert [p.id for p in params] == ["a", "line-2"]
    assert params[1].values[0].unanswerable and params[0].marks[0].name == "slow"
    with pytest.raises(GoldenFileError):
        golden_params(write(tmp_path / "bad.jsonl", "{}\n"))


def test_plugin_collects_one_item_per_pair(pytester):
    pytester.makefile(".jsonl", g="\n".join(json.dumps(r) for r in [
        {"id": "count", "question": "Kaç?", "tags": ["number"]},
        {"id": "place", "question": "Nerede?", "tags": ["place"]}]))
    pytester.makefile(".jsonl", bad='{"question": "a", "answer_any": "x"}')
    pytester.makeini("[pytest]\n")

    plain = pytester.runpytest_inprocess("--collect-only", "-q")
    assert "count" not in plain.stdout.str()              # nothing happens without the option
    listed = pytester.runpytest_inprocess("--collect-only", "-q", "--qa-golden", "g.jsonl")
    listed.stdout.fnmatch_lines(["g.jsonl::count", "g.jsonl::place"])
    tagged = pytester.runpytest_inprocess("--collect-only", "-q", "--qa-golden", "g.jsonl", "-k", "number")
    assert "g.jsonl::count" in tagged.stdout.str() and "g.jsonl::place" not in tagged.stdout.str()
    broken = pytester.runpytest_inprocess("--collect-only", "-q", "--qa-golden", "bad.jsonl")
    assert broken.ret != 0
    broken.stdout.fnmatch_lines(["*bad.jsonl:1: 'answer_any' must be a list of strings, got str*"])


# -- with the real engine ------------------------------------------------------------------------


@pytest.mark.slow
def test_qa_eval_fails_on_wrong_expectations(tmp_path, capsys):
    golden = jsonl(tmp_path / "wrong.jsonl",
                   {"id": "count", "question": "Kaç işbirliği anlaşması imzalandı?", "answer_any": ["99"]},
                   {"id": "capital", "question": "Kaç işbirliği anlaşması imzalandı?", "unanswerable": True})
    code = qa.cli.main(["eval", str(golden), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [p["passed"] for p in data["pairs"]] == [False, False]
    assert data["pairs"][0]["reasons"] == ["answer lacks any of ['99']"]
    assert data["pairs"][1]["reasons"] == ["answered an unanswerable question"]
