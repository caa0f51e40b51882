"""The fitted models' container and the fitting helper, without the model or an index."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.query import QAError
from qa.rank import MODELS, LinearModel, Models, load_models


def test_linear_model_round_trips_and_standardises():
    model = LinearModel(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]), 0.5)
    again = LinearModel.from_dict(json.loads(json.dumps(model.to_dict())))
    x = np.array([[3.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(again.logits(x), [1.0 - 1.0 + 0.5, 0.5])
    assert 0 < again.probabilities(x)[0] < 1


def test_a_matrix_of_the_wrong_width_names_the_features():
    model = LinearModel(("a", "b"), np.zeros(2), np.ones(2), np.zeros(2), 0.0)
    with pytest.raises(ValueError, match="a, b"):
        model.logits(np.zeros((1, 3)))


def test_the_shipped_models_load_and_match_the_feature_names():
    from qa.engine import ANSWERABLE_FEATURES
    from qa.extract import SPAN_FEATURES
    from qa.features import SENTENCE_FEATURES

    models = load_models(MODELS)
    assert isinstance(models, Models)
    assert models.sentence.features == SENTENCE_FEATURES
    assert models.answerable.features == ANSWERABLE_FEATURES
    assert models.span.features == SPAN_FEATURES
    assert 0 < models.threshold < 1
    assert models.info["cross_validation"]


def test_a_missing_or_broken_models_file_is_a_clear_error(tmp_path):
    with pytest.raises(QAError, match=r"python -m qa\.fit"):
        load_models(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"sentence": {}}', encoding="utf-8")
    with pytest.raises(QAError, match="malformed"):
        load_models(broken)


def test_fit_linear_separates_a_simple_signal():
    pytest.importorskip("sklearn")
    from qa.fit import fit_linear

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] > 0).astype(float)
    model = fit_linear(x, y, ("signal", "noise"))
    assert model.coef[0] > 2 * abs(model.coef[1])
    assert ((model.probabilities(x) > 0.5) == (y == 1)).mean() > 0.9
