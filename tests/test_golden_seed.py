"""The seed article's golden set, through the pytest integration, with the real default engine.

One test per pair (``assert_golden``), and one test of the whole set's metrics
against the thresholds of the issue. ``qa eval tests/golden/seed.jsonl`` shows
the same results as a table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import answer, default_engine
from qa.evaluate import evaluate
from qa.testing import assert_golden, golden_params

SEED = Path(__file__).resolve().parent / "golden" / "seed.jsonl"

#: the issue's thresholds for the seed set: (metric, bound, "min" or "max").
SEED_THRESHOLDS = (
    ("answerable_accuracy", 0.90, "min"),
    ("citation_precision", 0.95, "min"),
    ("abstention_recall", 5 / 6, "min"),
    ("false_refusal_rate", 0.03, "max"),
)


@pytest.mark.slow
@pytest.mark.parametrize("pair", golden_params(SEED))
def test_golden(pair):
    assert_golden(pair, answer(pair.question, history=pair.history))


@pytest.mark.slow
def test_seed_set_meets_the_thresholds():
    report = evaluate(SEED, default_engine())
    failed = []
    for metric, bound, direction in SEED_THRESHOLDS:
        value = report.metrics[metric]
        assert value is not None, f"{metric} does not apply to the seed set"
        if (value < bound - 1e-9) if direction == "min" else (value > bound + 1e-9):
            failed.append(f"{metric} = {value:.3f}, needs {'>=' if direction == 'min' else '<='} {bound:.3f}")
    failing_pairs = "\n".join(f"  {r.id}: {'; '.join(r.reasons)}" for r in report.failures)
    assert not failed, "; ".join(failed) + f"\nfailing pairs:\n{failing_pairs}"
