"""Features and spans without a model: the numbers the fitted models weigh."""

from __future__ import annotations

import numpy as np

from index.analysis import stem
from qa.extract import SPAN_FEATURES, best_span, span_table
from qa.features import SENTENCE_FEATURES, SentenceTable, profile, sentence_features, type_evidence
from qa.query import Kind, parse
from qa.rank import LinearModel
from qa.retrieve import Signals, TermGroup

SENTENCE = "Yeni hat 14,5 kilometre uzunluğunda olacak ve üzerinde 18 durak bulunacak."


def test_profile_tokens_keep_offsets_and_fold_suffixes():
    prof = profile("Varşova'nın ilk borsası 1817'de kuruldu.")
    assert [t.folded for t in prof.tokens] == ["varşova", "ilk", "borsası", "1817", "kuruldu"]
    assert prof.tokens[3].text == "1817'de" and prof.dates
    assert "1817" in prof.numbers
    text = "Varşova'nın ilk borsası 1817'de kuruldu."
    assert all(text[t.start:t.end] == t.text for t in prof.tokens)


def test_type_evidence_needs_something_new():
    prof = profile(SENTENCE)
    novel = [t for t in prof.tokens if t.folded != "durak"]
    assert type_evidence(Kind.QUANTITY, novel, prof) == 1.0
    assert type_evidence(Kind.QUANTITY, [t for t in novel if not t.number], prof) == 0.0
    assert type_evidence(Kind.DATE, novel, prof) == 0.0
    assert type_evidence(Kind.THING, novel, prof) == 1.0


def _signals(groups, coverage, dense, rows):
    coverage, dense = np.asarray(coverage, float), np.asarray(dense, np.float32)
    rows = np.asarray(rows)
    views = {name: coverage[rows] for name in ("prefix4", "prefix5", "common", "soft", "joint_previous", "joint_next")}
    return Signals(tuple(groups), dense, coverage * 3, coverage, np.zeros(len(rows)), rows, views)


def test_sentence_features_one_row_per_candidate():
    query = parse("Hatta kaç durak olacak?")
    groups = [TermGroup(frozenset({"hat"}), 1.0, True), TermGroup(frozenset({"durak"}), 2.0, True)]
    table = SentenceTable.build([SENTENCE, "Bunun maliyeti 2,3 milyar lira."], ["body", "body"],
                                np.array([-1, 0]), np.array([1, -1]))
    signals = _signals(groups, [1.0, 0.0], [0.6, 0.2], [0, 1])
    matrix = sentence_features(query, signals, table)
    assert matrix.shape == (2, len(SENTENCE_FEATURES))
    row = dict(zip(SENTENCE_FEATURES, matrix[0], strict=True))
    assert row["coverage_top"] == 1.0 and row["coverage_gap"] == 0.0 and row["type_evidence"] == 1.0
    other = dict(zip(SENTENCE_FEATURES, matrix[1], strict=True))
    assert other["neighbour_coverage"] == 1.0 and other["previous_coverage"] == 1.0 and other["dense_gap"] < 0
    assert other["opens_with_reference"] == 1.0 and row["opens_with_reference"] == 0.0


def test_span_table_covers_every_short_span():
    prof = profile(SENTENCE)
    matrix, bounds = span_table(parse("Hatta kaç durak olacak?"), frozenset({"durak"}), SENTENCE, prof)
    assert matrix.shape == (len(bounds), len(SPAN_FEATURES))
    n = len(prof.tokens)
    assert len(bounds) == sum(min(7, n - i) for i in range(n))
    eighteen = next(k for k, (i, j) in enumerate(bounds) if i == j and prof.tokens[i].text == "18")
    row = dict(zip(SPAN_FEATURES, matrix[eighteen], strict=True))
    assert row["number"] == 1.0 and row["quantity_number"] == 1.0 and row["before_match"] == 1.0
    assert row["has_query"] == 0.0 and row["before_asked_after"] == 1.0


def test_a_common_first_word_is_not_a_capital():
    sentence = "Belirli bir zaman içinde Turing makinesi kullanılır."
    capital = SPAN_FEATURES.index("capital")
    query = parse("Hangi model kullanılır?")
    matrix, bounds = span_table(query, frozenset(), sentence, profile(sentence))
    assert matrix[0, capital] == 1.0 and tuple(bounds[0]) == (0, 0)  # unknown: the first word may be a name
    matrix, _ = span_table(query, frozenset(), sentence, profile(sentence), common=frozenset({stem("belirli")}))
    assert matrix[0, capital] == 0.0  # the corpus writes "belirli" lower-case: a common word


def test_best_span_follows_the_model():
    prefers_numbers = np.zeros(len(SPAN_FEATURES))
    prefers_numbers[SPAN_FEATURES.index("quantity_number")] = 3.0
    prefers_numbers[SPAN_FEATURES.index("length_1")] = 1.0
    prefers_numbers[SPAN_FEATURES.index("before_match")] = 1.0
    model = LinearModel(SPAN_FEATURES, np.zeros(len(SPAN_FEATURES)), np.ones(len(SPAN_FEATURES)),
                        prefers_numbers, 0.0)
    span = best_span(model, parse("Hatta kaç durak olacak?"), frozenset({"durak"}), SENTENCE, profile(SENTENCE))
    assert span is not None and span.text == "18"
    assert SENTENCE[span.start:span.end] == "18"


def _span_row(query: str, sentence: str, text: str) -> dict[str, float]:
    prof = profile(sentence)
    matrix, bounds = span_table(parse(query), frozenset(), sentence, prof)
    k = next(k for k, (i, j) in enumerate(bounds) if sentence[prof.tokens[i].start:prof.tokens[j].end] == text)
    return dict(zip(SPAN_FEATURES, matrix[k], strict=True))


def test_a_reason_is_the_phrase_a_causal_postposition_follows():
    sentence = "Hammadde fiyatlarındaki artış nedeniyle kâr marjı geriledi."
    reason = _span_row("Kâr marjı neden geriledi?", sentence, "Hammadde fiyatlarındaki artış")
    assert reason["reason_before_causal"] == 1.0
    assert _span_row("Kâr marjı neden geriledi?", sentence, "Hammadde fiyatlarındaki")["reason_before_causal"] == 0.0
    # only for reason questions
    assert _span_row("Kâr marjı ne oldu?", sentence, "Hammadde fiyatlarındaki artış")["reason_before_causal"] == 0.0


def test_the_answer_type_knows_a_span_that_ends_the_sentence():
    sentence = "En sık katkı yapan kişi, Yarının İnsanları ile tanınan Dudley Simpson'dı."
    last = _span_row("En sık katkı yapan kim?", sentence, "Dudley Simpson'dı")
    assert last["person_ends_sentence"] == 1.0 and last["thing_ends_sentence"] == 0.0
    assert _span_row("En sık katkı yapan kim?", sentence, "Yarının İnsanları")["person_ends_sentence"] == 0.0
