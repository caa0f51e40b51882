"""Putting Turkish letters back into a question typed without them: pure, with a fake encoder."""

import numpy as np

from index.documents import parse_document
from qa.names import Vocabulary, _harmonise

ARTICLE = """date 2025-10-21 Görüşmeler

Görüşmelerde enerji ve sağlık alanlarında 15 işbirliği anlaşması imzalandı.

Tokayev, ortak trafo üretimine başlamayı planladıklarını aktardı.
"""


class FakeEncoder:
    def encode_queries(self, texts):
        return np.ones((len(texts), 4), dtype=np.float32) / 2


def vocabulary():
    return Vocabulary([parse_document(ARTICLE, "article.txt")], FakeEncoder())


def test_corpus_words_and_function_words_get_their_letters_back():
    restore = vocabulary().restore_diacritics
    assert restore("Kac anlasma imzalandi") == "Kaç anlaşma imzalandı"
    assert restore("Gorusmeler nasil gecti?") == "Görüşmeler nasıl gecti?"
    # The longest corpus word sharing the stem gives the letters; the suffix follows vowel harmony.
    assert restore("ortak trafo uretimi") == "ortak trafo üretimi"
    assert restore("saglik alanlari") == "sağlık alanları"


def test_vowel_harmony_of_an_ascii_suffix():
    assert _harmonise("alanlar", "i") == "ı"
    assert _harmonise("gör", "u") == "ü"
    assert _harmonise("ev", "i") == "i"
