"""Retrieval's two ways of computing coverage of the whole corpus agree (no model: a stand-in encoder)."""

from __future__ import annotations

import numpy as np
import pytest
from standin import stand_in_engine

import qa.retrieve as retrieve


@pytest.mark.slow
def test_sparse_coverage_equals_the_loop_and_the_best_rows_a_full_sort(tmp_path, monkeypatch):
    engine = stand_in_engine(tmp_path / "seed")
    retriever = engine.retriever
    for question in ("Kaç işbirliği anlaşması imzalandı?", "How much oil went through BTC last year?",
                     "Tokayev uranyum hakkında ne dedi?"):
        groups = retriever.term_groups(engine.analyse(question))
        monkeypatch.setattr(retrieve, "SPARSE_FROM", 0)
        assert np.array_equal(retriever.corpus_coverage(groups), retriever.coverage(groups, retriever.term_sets))
    scores = np.random.default_rng(0).integers(0, 6, 5000).astype(float)  # many ties
    assert np.array_equal(retrieve._best(scores, 24), np.argsort(-scores, kind="stable")[:24])


@pytest.mark.slow
def test_a_ranked_sentence_the_search_missed_gets_its_exact_cosine(tmp_path, monkeypatch):
    engine = stand_in_engine(tmp_path / "seed")
    retriever = engine.retriever
    query = engine.analyse("Kaç işbirliği anlaşması imzalandı?")
    exact = retriever.dense_scores(query.vector)
    monkeypatch.setattr(retrieve, "MAX_DENSE_CANDIDATES", 1)  # an archive: the search reaches a few rows
    signals = retriever.signals(query)
    searched = retriever.dense_scores(query.vector)
    assert (searched[signals.rows] <= -1).sum() >= len(signals.rows) - 1  # the search reached one sentence
    # every ranked row has its true cosine, not "unrelated"
    assert np.allclose(signals.dense[signals.rows], exact[signals.rows], atol=1e-5)


@pytest.mark.slow
def test_a_scoped_question_scores_no_sentence_outside_its_scope(tmp_path, monkeypatch):
    engine = stand_in_engine(tmp_path / "seed")
    retriever = engine.retriever
    query = engine.analyse("Kaç işbirliği anlaşması imzalandı?")
    monkeypatch.setattr(retrieve, "MAX_DENSE_CANDIDATES", 1)
    allowed = np.zeros(len(retriever.sentences), bool)
    allowed[:3] = True
    signals = retriever.signals(query, allowed=allowed)
    assert set(signals.rows.tolist()) <= {0, 1, 2}
    assert (signals.dense[~allowed] <= -1).all()  # the exact scoring stays inside the scope
