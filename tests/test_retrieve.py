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
