"""Does the corpus know the words a question uses? (Model-backed adapter.)

A word counts as known when a corpus word shares its first five letters
(Turkish suffixes: "Aliyev'e", "Kazakistan'ın"), or when the multilingual
encoder puts it close to a word of the corpus ("Kazakhstan" ~ "Kazakistan",
"mutabakat" ~ "mutabakata"). "China" or "nüfus" in a question about this
article is not known: the article cannot be what answers it.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from index.analysis import (
    STOPWORDS,
    TOKEN,
    TURKISH_STOPWORDS,
    casefold_tr,
    fold_ascii,
    strip_suffix,
)
from index.documents import Document
from index.lexicon import Lexicon, describes, document_texts, glossed, lookup

NAME_SIMILARITY = 0.6
FOREIGN_NAME_SIMILARITY = 0.51
WORD_SIMILARITY = 0.6
TRANSLATION_SIMILARITY = 0.72
# An English word never matches the Turkish text verbatim, so a looser
# translation pays off there (dev set: hit@1 0.68 -> 0.78 for English).
FOREIGN_TRANSLATION_SIMILARITY = 0.65
TRANSLATIONS = 2
# An English word, capitalised, this close to a corpus name is that name ("Armenia" -> "Ermenistan").
FOREIGN_NAME_MATCH = 0.75
# A wordnet synonym or translation counts only if the encoder sees some kinship too:
# "shipment" -> "sevkiyatı" (0.45) passes, "talks" -> "anlaşma" (polysemy) does not.
LEXICON_SIMILARITY = 0.4
LEXICON_SIMILARITY_SOLE = 0.2
# An English word's closest corpus word by the encoder, this close and closer than the lexicon's, counts too.
ENCODER_OVER_LEXICON = 0.55
# A word that describes one corpus word (a hypernym, a word of its definition) stands for it at this.
DESCRIPTION_SIMILARITY = 0.3
_CAPITALISED = re.compile(r"(?<![\w'’])[A-ZÇĞİÖŞÜ][^\s\"“”()?!,;:.'’-]+")


_WORD = re.compile(r"[A-Za-z]+")


def _diacritics_map(raw: Counter) -> dict[str, str]:
    """ASCII spelling -> the commonest Turkish word written so, from the corpus (``raw``: its tokens as
    written, counted) and the function words."""
    counts: Counter = Counter()
    for token, n in raw.items():
        for word in _LETTERS.findall(casefold_tr(token)):
            counts[word] += n
    counts.update({w: 1 for w in TURKISH_STOPWORDS if " " not in w})
    restored: dict[str, str] = {}
    # Ties go to the spelling with Turkish letters ("kaç" over the folded stopword "kac").
    for word in sorted(counts, key=lambda w: (-counts[w], w.isascii())):
        ascii_form = fold_ascii(word)
        if ascii_form.isascii():
            restored.setdefault(ascii_form, word)
    return restored


_LETTERS = re.compile(r"[^\W\d_]+")


def _tokens_written(texts: list[str]) -> Counter:
    """Every token of ``texts`` as written, counted: the one pass over an archive's text that the
    vocabulary's sets are all made from."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(TOKEN.findall(text))
    return counts


def _shared_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _harmonise(stem: str, suffix: str) -> str:
    """An ASCII suffix with Turkish vowels by harmony with the stem ("alanlar" + "i" -> "ı")."""
    vowels = [c for c in stem if c in "aeıioöuü"]
    last = vowels[-1] if vowels else "e"
    out = []
    for c in suffix:
        if c == "i" and last in "aı":
            c = "ı"
        elif c == "u" and last in "öü":
            c = "ü"
        if c in "aeıioöuü":
            last = c
        out.append(c)
    return "".join(out)


def _key(word: str) -> str:
    # "ILHAM" folds to "ılham" under Turkish rules, "Gecen" is "Geçen" typed
    # without Turkish letters: compare without diacritics.
    return fold_ascii(word)[:5]


def vocabulary_terms(documents: list[Document]) -> tuple[list[str], list[str]]:
    """The corpus's names and content words, each sorted: what :class:`Vocabulary` embeds (an index
    stores their vectors, so that loading it encodes none)."""
    return _terms(document_texts(documents))


def _terms(texts: list[str], raw: Counter | None = None) -> tuple[list[str], list[str]]:
    names = sorted({strip_suffix(m.group()) for text in texts for m in _CAPITALISED.finditer(text)})
    return names, sorted(_content_words(raw if raw is not None else _tokens_written(texts)))


def _folded(raw: Counter) -> set[str]:
    """The distinct tokens casefolded, apostrophe suffixes dropped (as :func:`tokenize` reads them)."""
    return {strip_suffix(casefold_tr(token)) for token in raw}


def _content_words(raw: Counter) -> set[str]:
    """As :func:`index.analysis.content_words`, from the counted tokens."""
    return {t for t in _folded(raw) if len(t) > 2 and not t[0].isdigit() and t not in STOPWORDS}


class Vocabulary:
    """The corpus's words and names, with their vectors, for checking question words.

    ``stored`` holds the vectors an index was built with, as (terms, vectors): used when the
    terms are this corpus's names and words, in order; otherwise they are encoded now."""

    def __init__(self, documents: list[Document], encoder, lexicon: Lexicon | None = None,
                 stored: tuple[list[str], np.ndarray] | None = None):
        self.encoder = encoder
        self.lexicon = lexicon or {}
        texts = document_texts(documents)
        raw = _tokens_written(texts)  # the documents' texts are read once, all below comes from these
        self.prefixes = {_key(w) for w in _folded(raw) if len(w) > 1 and not w[0].isdigit()}
        self.names, self.words = _terms(texts, raw)
        #: words the corpus writes lower-case somewhere: a capitalised one is no name, only a sentence's first word
        self.lowercase = frozenset(strip_suffix(t) for t in raw if t[0].islower())
        self._word_position = {w: i for i, w in enumerate(self.words)}
        self._by_prefix4: dict[str, list[str]] = {}
        for word in self.words:
            if len(word) >= 5:
                self._by_prefix4.setdefault(_key(word)[:4], []).append(word)
        self._restored = _diacritics_map(raw)
        self._restored_by_prefix: dict[str, list[str]] = {}
        for ascii_form in self._restored:
            if len(ascii_form) >= 4:
                self._restored_by_prefix.setdefault(ascii_form[:4], []).append(ascii_form)
        terms = self.names + self.words
        if stored is not None and stored[0] == terms:
            vectors = stored[1]
        else:
            vectors = encoder.encode_queries(terms) if terms else None
        self.name_vectors = vectors[:len(self.names)] if vectors is not None else None
        self.word_vectors = vectors[len(self.names):] if vectors is not None else None

    def restore_diacritics(self, question: str) -> str:
        """A question typed without Turkish letters, with them put back where the corpus or
        the Turkish function words know the word ("Imzalanan belgeler hangi alanlari kapsiyor"
        -> "İmzalanan belgeler hangi alanları kapsiyor"): the encoder reads ASCII Turkish poorly."""

        def restore(match: re.Match) -> str:
            word = match.group()
            turkish = self._restore_word(casefold_tr(word).replace("ı", "i"))
            if turkish is None:
                return word
            return turkish[:1].replace("i", "İ").upper() + turkish[1:] if word[0].isupper() else turkish

        return _WORD.sub(restore, question)

    def _restore_word(self, word: str) -> str | None:
        """The Turkish spelling of an ASCII word: a corpus word spelt so, or the longest corpus
        word sharing its stem ("uretimi" ~ "üretimine"), with the rest following vowel harmony."""
        if word in self._restored:
            return self._restored[word]
        best = ""
        for candidate in self._restored_by_prefix.get(word[:4], ()):
            shared = _shared_prefix(word, candidate)
            if shared > len(best) and shared >= max(4, int(0.6 * len(word))):
                best = self._restored[candidate][:shared]
        if not best:
            return None
        return best + _harmonise(best, word[len(best):])

    def known_verbatim(self, word: str) -> bool:
        """A corpus word shares the first five letters; any part of a hyphenated name will do."""
        return any(_key(part) in self.prefixes for part in casefold_tr(word).split("-") if part)

    def _far(self, words: list[str], vectors: np.ndarray | None, threshold: float) -> tuple[str, ...]:
        if not words or vectors is None or not len(vectors):
            return tuple(words)
        sims = self.encoder.encode_queries(words) @ vectors.T
        return tuple(w for w, best in zip(words, sims.max(axis=1), strict=True) if best < threshold)

    def unsupported_names(self, candidates: list[str], sentence_start: str = "",
                          foreign: bool = False) -> tuple[str, ...]:
        """Names the corpus mentions neither verbatim nor by a close name.

        ``sentence_start`` is the question's capitalised first word: it counts
        as a name only if it is no close match for any corpus word either. In a
        question in another language names are spelt otherwise ("Kassym-Jomart",
        "Caspian"): only one far from every corpus name and word counts there.
        """
        unknown = [n for n in candidates if not self.known_verbatim(n)]
        if foreign:
            parts = [p for n in unknown for p in n.split("-") if p]
            far = set(self._far(parts, self.name_vectors, FOREIGN_NAME_SIMILARITY))
            far &= set(self._far(list(far), self.word_vectors, FOREIGN_NAME_SIMILARITY))
            return tuple(n for n in unknown if all(p in far for p in n.split("-") if p))
        far = self._far(unknown, self.name_vectors, NAME_SIMILARITY)
        if sentence_start and not self.known_verbatim(sentence_start):
            lone = self._far([sentence_start], self.name_vectors, NAME_SIMILARITY)
            far += self._far(list(lone), self.word_vectors, WORD_SIMILARITY)
        return tuple(dict.fromkeys(far))

    def _as_names(self, vectors: np.ndarray) -> list[list[str]]:
        """The corpus name each capitalised word's vector is: the encoder knows "Armenia" is
        "Ermenistan" (0.86) far better than "armenia" is "ermenistan" (0.57)."""
        if self.name_vectors is None or not len(self.name_vectors):
            return [[] for _ in vectors]
        return [[casefold_tr(self.names[i]) for i in np.argsort(-row)[:1] if row[i] >= FOREIGN_NAME_MATCH]
                for row in vectors @ self.name_vectors.T]

    def _glossed(self, word: str, foreign: bool) -> list[str]:
        """The corpus words the hand-kept glossary gives for ``word``."""
        return [w for w in glossed(self.lexicon, word, foreign) if w in self._word_position]

    def encode(self, texts: list[str], encoded: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Vectors of ``texts``, taken from ``encoded`` where there and encoded in one batch otherwise."""
        if not texts:
            return np.zeros((0, self.encoder.dimension), dtype=np.float32)
        encoded = dict(encoded or {})
        missing = [t for t in dict.fromkeys(texts) if t not in encoded]
        if missing:
            encoded.update(zip(missing, self.encoder.encode_queries(missing), strict=True))
        return np.array([encoded[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    def match(self, words: list[str], foreign: bool = False,
              encoded: dict[str, np.ndarray] | None = None) -> tuple[dict[str, list[str]], tuple[str, ...]]:
        """(alternatives, alien words) for the question words the corpus lacks verbatim.

        Alternatives are the corpus words the encoder puts closest, at least
        TRANSLATION_SIMILARITY ("agreements" -> "anlaşma", "oil" -> "petrol"),
        and the lexicon's translations and synonyms that the encoder puts at
        least LEXICON_SIMILARITY close ("merasimi" -> "töreni"); alien words
        have neither, nor a corpus word WORD_SIMILARITY close.
        """
        unknown = [w for w in dict.fromkeys(words) if not w[0].isdigit() and not self.known_verbatim(w)]
        # A word spelt like a corpus word may still mean another ("transformer" is not "Trans Hazar").
        glossary = {w: found for w in dict.fromkeys(words) if w not in unknown and not w[0].isdigit()
                    and (found := self._glossed(w, foreign))}
        if not unknown or self.word_vectors is None or not len(self.word_vectors):
            return glossary, tuple(unknown)
        # Casefolded as Turkish, an English "Interstate" became "ınterstate".
        spelt = [w.replace("ı", "i") for w in unknown] if foreign else unknown
        # One encoder call: the words, and for a foreign question the words capitalised as names.
        titled = [w[:1].upper() + w[1:] for w in spelt] if foreign else []
        vectors = self.encode(spelt + titled, encoded)
        sims = vectors[:len(spelt)] @ self.word_vectors.T
        alternatives, alien = dict(glossary), []
        threshold = FOREIGN_TRANSLATION_SIMILARITY if foreign else TRANSLATION_SIMILARITY
        spelt_as_names = self._as_names(vectors[len(spelt):]) if foreign else [[] for _ in unknown]
        for word, row, names in zip(unknown, sims, spelt_as_names, strict=True):
            best = np.argsort(-row)[:TRANSLATIONS]
            close = [self.words[i] for i in best if row[i] >= threshold]
            if foreign and len(word) >= 5:
                # Cognates the encoder misses: "uranium" ~ "uranyum", "strategic" ~ "stratejik".
                close += [w for w in self._by_prefix4.get(_key(word)[:4], ()) if w not in close]
            found = [w for w in lookup(self.lexicon, word, foreign) if w in self._word_position]
            # One reading only ("grain" -> "tahılı"): no polysemy for the encoder to guard against.
            gate = LEXICON_SIMILARITY_SOLE if len(found) == 1 else LEXICON_SIMILARITY
            lexical = [w for w in found if row[self._word_position[w]] >= gate]
            # Polysemy ("countries" -> "alanda", "bölgesel", ...): the encoder's favourites only.
            lexical = sorted(lexical, key=lambda w: -row[self._word_position[w]])[:TRANSLATIONS]
            close += [w for w in lexical if w not in close]
            # The glossary is kept by hand for news vocabulary: no polysemy to guard against, and
            # what it gives replaces the encoder's guesses ("day" is "bugünkü", not "gündemi").
            glossary = self._glossed(word, foreign)
            if glossary:
                close = glossary + [w for w in lexical if w not in glossary]
            top = self.words[best[0]]
            if (foreign and lexical and top not in close and row[best[0]] >= ENCODER_OVER_LEXICON
                    and row[best[0]] > max(row[self._word_position[w]] for w in lexical)):
                # "deals": the lexicon offers "ticaret" (0.54), the encoder prefers "anlaşma" (0.58).
                close.insert(0, top)
            close += [n for n in names if n not in close]
            # "radioactive" describes "uranyum" (its definition says so): the one thing it stands for here.
            # A unit ("monetary" -> "dolara") is what a quantity is asked in, not what it is about.
            described = [w for w in describes(self.lexicon, word) if foreign and not close
                         and w in self._word_position and row[self._word_position[w]] >= DESCRIPTION_SIMILARITY]
            close += described
            if close:
                alternatives[word] = close
            if row[best[0]] < WORD_SIMILARITY and not lexical and not names and not described and not glossary:
                alien.append(word)
        return alternatives, tuple(alien)
