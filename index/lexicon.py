"""Which corpus words translate or paraphrase a question word: a wordnet lexicon.

The multilingual encoder links few single words across languages ("shipment"
~ "sevkiyatı" scores 0.45) or between Turkish synonyms ("merasim" ~ "tören").
KeNet, the Turkish WordNet, does: its synsets list Turkish synonyms and link
to Princeton WordNet 3.1 synsets. Both ship inside the PyPI package
``NlpToolkit-WordNet`` (GPL-3.0); without it the lexicon is empty and answering
works as before.

Only the part that reaches the corpus's own words is kept, at index build:
``{"en": {english stem: [corpus words]}, "tr": {Turkish word: [corpus words]}}``.
The engine still checks each candidate against the encoder before using it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import Stemmer

from index.analysis import casefold_tr, content_words
from index.documents import Document

PACKAGE = "NlpToolkit-WordNet"
# A Turkish literal reaches a corpus word it begins, up to this many suffix letters ("tören" -> "töreni").
MAX_SUFFIX = 6
MIN_LITERAL = 4
_HARD = {"ğ": "k", "b": "p", "c": "ç", "d": "t"}  # consonant softening, undone
_LIGHT_VERBS = ("etmek", "olmak", "yapmak", "kılmak", "eylemek")
_SYNSET = re.compile(r"<SYNSET><ID>([^<]+)</ID><SYNONYM>(.*?)</SYNONYM>(.*?)</SYNSET>")
_LITERAL = re.compile(r"<LITERAL>([^<]+)<SENSE>")
_INTERLINGUAL = re.compile(r"<ILR>([^<]+)<TYPE>SYNONYM</TYPE></ILR>")

Lexicon = dict[str, dict[str, list[str]]]


@lru_cache(maxsize=1)
def _english_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _turkish_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("turkish")


def source() -> str | None:
    """The lexicon's origin and version ("NlpToolkit-WordNet 1.0.26"), None when not installed."""
    try:
        return f"{PACKAGE} {metadata.version(PACKAGE)}"
    except metadata.PackageNotFoundError:
        return None


def english_key(word: str) -> str:
    return _english_stemmer().stemWord(word.lower())


def literal_words(literal: str) -> list[str]:
    """A literal's words as they meet text: "sevk etmek" -> ["sevk"], "artırmak" -> ["artır"]."""
    words = casefold_tr(literal).split()
    if len(words) == 2 and words[1] in _LIGHT_VERBS:
        words = words[:1]
    return [w[:-3] if len(w) > 5 and w.endswith(("mek", "mak")) else w for w in words]


def reaches(word: str, literal_word: str) -> bool:
    """Whether ``word`` is ``literal_word`` with suffixes ("töreni" ~ "tören")."""
    if len(literal_word) < MIN_LITERAL:
        return word == literal_word
    if word.startswith(literal_word) and len(word) - len(literal_word) <= MAX_SUFFIX:
        return True
    stemmer = _turkish_stemmer()
    return stemmer.stemWord(word) == stemmer.stemWord(literal_word)


def restrict(synsets: list[list[str]], english: dict[int, list[str]], corpus_words: set[str]) -> Lexicon:
    """The lexicon entries that lead to ``corpus_words``.

    ``synsets`` are Turkish synonym lists; ``english`` maps a synset's position
    to the English words of the Princeton synsets it is linked to.
    """
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for word in sorted(corpus_words):
        by_prefix[word[:MIN_LITERAL]].append(word)

    def corpus_forms(literal: str) -> list[str]:
        found: list[str] = []
        for part in literal_words(literal):
            hits = [w for w in by_prefix.get(part[:MIN_LITERAL], ()) if reaches(w, part)]
            if not hits:
                return []
            found += hits
        return found

    en: dict[str, set[str]] = defaultdict(set)
    tr: dict[str, set[str]] = defaultdict(set)
    for position, literals in enumerate(synsets):
        forms = {literal: corpus_forms(literal) for literal in literals}
        reached = {w for hits in forms.values() for w in hits}
        if not reached:
            continue
        for word in english.get(position, ()):
            if " " not in word:
                en[english_key(word)].update(reached)
        for literal in literals:
            parts = literal_words(literal)
            others = reached - set(forms[literal])
            if len(parts) == 1 and len(parts[0]) >= MIN_LITERAL and others:
                tr[parts[0]].update(others)
    return {"en": {k: sorted(v) for k, v in sorted(en.items())},
            "tr": {k: sorted(v) for k, v in sorted(tr.items())}}


def lookup(lexicon: Lexicon, word: str, foreign: bool) -> list[str]:
    """Corpus words that ``word`` (a casefolded question word) translates or paraphrases."""
    if foreign:
        english, key = lexicon.get("en", {}), english_key(word)
        # A verb and its noun are one thing to ask about: "shipped" also as "shipment".
        return list(dict.fromkeys([*english.get(key, ()), *english.get(key + "ment", ())]))
    turkish = lexicon.get("tr", {})
    # The longest literal the word begins: "merasimi" -> "merasim"; a final consonant
    # softens before a vowel suffix, so "dayanağı" begins "dayanak" too.
    for end in range(len(word), max(MIN_LITERAL, len(word) - MAX_SUFFIX) - 1, -1):
        for literal in (word[:end], word[:end - 1] + _HARD.get(word[end - 1], word[end - 1])):
            if literal in turkish:
                return list(turkish[literal])
    return []


def _data_folder() -> Path | None:
    if source() is None:
        return None
    return Path(str(resources.files("WordNet") / "data"))


def read_wordnet() -> tuple[list[list[str]], dict[int, list[str]]]:
    """KeNet's Turkish synsets and the English words linked to each ([], {} when not installed)."""
    folder = _data_folder()
    if folder is None:
        return [], {}
    synsets: list[list[str]] = []
    links: dict[int, list[str]] = {}
    with open(folder / "turkish_wordnet.xml", encoding="utf-8") as handle:
        for line in handle:
            match = _SYNSET.search(line)
            if not match:
                continue
            literals = _LITERAL.findall(match.group(2))
            ilr = _INTERLINGUAL.findall(match.group(3))
            if ilr:
                links[len(synsets)] = ilr
            synsets.append(literals)
    wanted = {i for ids in links.values() for i in ids}
    english_words: dict[str, list[str]] = {}
    with open(folder / "english_wordnet_version_31.xml", encoding="utf-8") as handle:
        for line in handle:
            # "<SYNSET><ID>ENG31-00001740-n</ID>...": look at the id before parsing the line.
            start = line.find("<ID>")
            if start < 0 or line[start + 4:line.find("</ID>", start)] not in wanted:
                continue
            match = _SYNSET.search(line)
            if match:
                english_words[match.group(1)] = _LITERAL.findall(match.group(2))
    english = {pos: [w for i in ids for w in english_words.get(i, ())] for pos, ids in links.items()}
    return synsets, english


def document_texts(documents: list[Document]) -> list[str]:
    """The sentences and headings of ``documents``: where a question's words are looked for."""
    return [s.text for d in documents for s in d.sentences] + [h for d in documents for h in d.sections]


def corpus_lexicon(documents: list[Document]) -> Lexicon:
    """The installed wordnet restricted to the words of ``documents`` (empty when not installed)."""
    synsets, english = read_wordnet()
    return restrict(synsets, english, content_words(document_texts(documents))) if synsets else {"en": {}, "tr": {}}


__all__ = ["Lexicon", "corpus_lexicon", "document_texts", "english_key", "lookup", "reaches", "restrict", "source"]
