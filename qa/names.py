"""Does the corpus mention the names a question uses? (Model-backed adapter.)

A name counts as mentioned when a corpus word shares its first five letters
(Turkish suffixes: "Aliyev'e", "Kazakistan'ın"), or when the multilingual
encoder puts it close to a name of the corpus ("Kazakhstan" ~ "Kazakistan",
"Armenia" ~ "Ermenistan"); "China" or "Putin" in a question about this
article is not.
"""

from __future__ import annotations

import re

import numpy as np

from index.analysis import casefold_tr, strip_suffix, tokenize
from index.documents import Sentence

NAME_SIMILARITY = 0.6
_CAPITALISED = re.compile(r"(?<![\w'’])[A-ZÇĞİÖŞÜ][^\s\"“”()?!,;:.'’-]+")


class NameChecker:
    def __init__(self, sentences: list[Sentence], encoder, similarity: float = NAME_SIMILARITY):
        self.encoder = encoder
        self.similarity = similarity
        self.prefixes = {t[:5] for s in sentences for t in tokenize(s.text) if len(t) > 1}
        names = sorted({strip_suffix(m.group()) for s in sentences for m in _CAPITALISED.finditer(s.text)})
        self.names = names
        self.vectors = encoder.encode_queries(names) if names else np.zeros((0, 1), np.float32)

    def mentioned_verbatim(self, name: str) -> bool:
        return casefold_tr(name)[:5] in self.prefixes

    def unsupported(self, candidates: list[str]) -> tuple[str, ...]:
        """The candidates that the corpus mentions neither verbatim nor by a close name."""
        unknown = [n for n in candidates if not self.mentioned_verbatim(n)]
        if not unknown or not self.names:
            return tuple(unknown)
        sims = self.encoder.encode_queries(unknown) @ self.vectors.T
        return tuple(n for n, best in zip(unknown, sims.max(axis=1), strict=True) if best < self.similarity)
