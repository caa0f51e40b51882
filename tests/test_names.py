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


class SpellingEncoder:
    """Vectors by spelling: a capitalised "Armenia" meets "Ermenistan", lower case does not."""

    def encode_queries(self, texts):
        rows = []
        for text in texts:
            key = {"Armenia": "Ermenistan"}.get(text, text)
            rows.append(np.random.default_rng(sum(map(ord, key)) * len(key)).normal(size=32))
        matrix = np.asarray(rows, dtype=np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_an_english_word_capitalised_like_a_corpus_name_is_that_name():
    article = "date 2025-10-21 Haber\n\nAliyev, Ermenistan'a uygulanan kısıtlamaları kaldırdı.\n"
    words = Vocabulary([parse_document(article, "a.txt")], SpellingEncoder())
    alternatives, alien = words.match(["armenia", "weather"], foreign=True)
    assert alternatives == {"armenia": ["ermenistan"]}
    assert alien == ("weather",)
