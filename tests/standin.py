"""An engine over the seed article with a stand-in encoder: the engine's own code runs, no model loads.

The stand-in vectors are letter-trigram counts hashed into 64 dimensions, so similar texts are
near one another; answers are not the real model's, only their shape and the engine's checks are.
"""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import numpy as np

from index.embedding import Encoder, ModelSpec
from qa.engine import DEFAULT_CORPUS, Engine


class StandInModel:
    """A sentence-transformers stand-in for :class:`index.embedding.Encoder`."""

    dimension = 64

    def _vectors(self, texts, **_) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            folded = f"  {text.lower()} "
            for i in range(len(folded) - 2):
                out[row, zlib.crc32(folded[i:i + 3].encode("utf-8", "replace")) % self.dimension] += 1
        return out + 1e-3

    encode = encode_query = encode_document = _vectors


def stand_in_engine(folder: Path) -> Engine:
    """An engine of a copy of ``seeds/`` in ``folder``, indexed there with the stand-in encoder."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in DEFAULT_CORPUS.glob("*.txt"):
        shutil.copy(source, folder / source.name)
    encoder = Encoder(ModelSpec.resolve(), StandInModel(), StandInModel.dimension)
    return Engine(corpus=[folder], index_dir=folder / "index", auto_build=True, encoder=encoder)
