"""Fitted linear models: which sentence answers, whether any does, which span is the answer.

The weights are data (``qa/models/ranker.json``), written by ``python -m qa.fit``
from training questions; nothing here is tuned by hand. Each model is a
logistic regression over standardised, named features.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.query import QAError

MODELS = Path(__file__).resolve().parent / "models" / "ranker.json"


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over named features, standardised by ``mean`` and ``scale``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        if matrix.shape[1] != len(self.features):
            raise ValueError(f"expected {len(self.features)} features ({', '.join(self.features)}), "
                             f"got {matrix.shape[1]}")
        return ((matrix - self.mean) / self.scale) @ self.coef + self.intercept

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(matrix)))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        return cls(tuple(data["features"]), np.asarray(data["mean"], float), np.asarray(data["scale"], float),
                   np.asarray(data["coef"], float), float(data["intercept"]))


@dataclass(frozen=True)
class Models:
    """The three fitted models and the abstention threshold."""

    sentence: LinearModel
    answerable: LinearModel
    span: LinearModel
    threshold: float
    info: dict

    @classmethod
    def from_dict(cls, data: dict) -> Models:
        return cls(LinearModel.from_dict(data["sentence"]), LinearModel.from_dict(data["answerable"]),
                   LinearModel.from_dict(data["span"]), float(data["threshold"]), data.get("info", {}))


@lru_cache(maxsize=4)
def load_models(path: Path = MODELS) -> Models:
    """The models in ``path``; a missing or malformed file raises :class:`~qa.query.QAError`."""
    try:
        return Models.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise QAError(f"the fitted models file {path} is missing; fit it with `python -m qa.fit`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise QAError(f"the fitted models file {path} is malformed ({exc}); refit it with `python -m qa.fit`") from None
