"""Which corpus words translate or paraphrase a question word: a wordnet lexicon.

The multilingual encoder links few single words across languages ("shipment"
~ "sevkiyatı" scores 0.45) or between Turkish synonyms ("merasim" ~ "tören").
KeNet, the Turkish WordNet, does: its synsets list Turkish synonyms and link
to Princeton WordNet 3.1 synsets. Both ship inside the PyPI package
``NlpToolkit-WordNet`` (GPL-3.0); without it the lexicon is empty and answering
works as before.

Only the part that reaches the corpus's own words is kept, at index build:
``{"en": {english stem: [corpus words]}, "tr": {Turkish word: [corpus words]},
"en_broader": {english stem: [one corpus word's forms]}}``. The last holds the
English words of a synset's hypernyms and definition ("radioactive", "metal"
for "uranyum"): a question word that describes one corpus word stands for it.
The engine still checks each candidate against the encoder.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import Stemmer

from index.analysis import STOPWORDS, casefold_tr, content_words, fold_ascii
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
_HYPERNYM = re.compile(r"<SR>([^<]+)<TYPE>HYPERNYM</TYPE></SR>")
_DEFINITION = re.compile(r"<DEF>([^<]*)</DEF>")
_LETTERS = re.compile(r"[^\W\d_]+")
# Bump when what the lexicon holds changes: indexes built with an older one are rebuilt.
LEXICON_VERSION = 3
GLOSSARY = Path(__file__).with_name("glossary.tsv")

Lexicon = dict[str, dict[str, list[str]]]


@lru_cache(maxsize=1)
def _english_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _turkish_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("turkish")


def source() -> str | None:
    """The lexicon's origin and version ("NlpToolkit-WordNet 1.0.26, lexicon 3"), None when not installed."""
    try:
        return f"{PACKAGE} {metadata.version(PACKAGE)}, lexicon {LEXICON_VERSION}"
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def glossary_version() -> str:
    """A digest of the glossary's text: an index built with another glossary is stale."""
    return hashlib.sha256(GLOSSARY.read_bytes()).hexdigest()[:12]


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


def corpus_reacher(corpus_words: set[str]) -> Callable[[str], list[str]]:
    """A function from a literal to the corpus words it reaches ([] if any of its words reaches none)."""
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

    return corpus_forms


def restrict(synsets: list[list[str]], english: dict[int, list[str]], corpus_words: set[str],
             broader: dict[int, list[str]] | None = None) -> Lexicon:
    """The lexicon entries that lead to ``corpus_words``.

    ``synsets`` are Turkish synonym lists; ``english`` maps a synset's position
    to the English words of the Princeton synsets it is linked to; ``broader``
    to the English words of its hypernyms and definitions, which describe it
    ("radioactive", "metal" for "uranyum"). A describing word is kept only
    where it leads to one corpus word and its inflections: as a description
    of several things it says nothing.
    """
    corpus_forms = corpus_reacher(corpus_words)
    en: dict[str, set[str]] = defaultdict(set)
    tr: dict[str, set[str]] = defaultdict(set)
    en_broader: dict[str, set[str]] = defaultdict(set)
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
        for word in (broader or {}).get(position, ()):
            en_broader[english_key(word)].update(reached)

    def sorted_table(table: dict[str, set[str]], one_thing: bool = False) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in sorted(table.items())
                if not one_thing or len({w[:MIN_LITERAL + 1] for w in v}) == 1}

    return {"en": sorted_table(en), "tr": sorted_table(tr),
            "en_broader": sorted_table(en_broader, one_thing=True)}


def lookup(lexicon: Lexicon, word: str, foreign: bool) -> list[str]:
    """Corpus words that ``word`` (a casefolded question word) translates or paraphrases."""
    if foreign:
        english, key = lexicon.get("en", {}), english_key(word)
        # A verb and its noun are one thing to ask about: "shipped" also as "shipment".
        return list(dict.fromkeys([*english.get(key, ()), *english.get(key + "ment", ())]))
    return _longest_literal(lexicon.get("tr", {}), word)


def _longest_literal(table: dict[str, list[str]], word: str, max_suffix: int = MAX_SUFFIX) -> list[str]:
    """The entry of the longest literal the word begins: "merasimi" -> "merasim"; a final
    consonant softens before a vowel suffix, so "dayanağı" begins "dayanak" too."""
    for end in range(len(word), max(MIN_LITERAL, len(word) - max_suffix) - 1, -1):
        for literal in (word[:end], word[:end - 1] + _HARD.get(word[end - 1], word[end - 1])):
            if literal in table:
                return list(table[literal])
    return []


def describes(lexicon: Lexicon, word: str) -> list[str]:
    """The one corpus word (with its inflections) that the English ``word`` describes: "radioactive" -> "uranyum".

    Only English: KeNet's Turkish definitions proved too loose ("hastane" described "sağlık").
    """
    return list(lexicon.get("en_broader", {}).get(english_key(word), ()))


def glossed(lexicon: Lexicon, word: str, foreign: bool) -> list[str]:
    """Corpus words the hand-kept glossary gives for ``word`` ("exchange" -> "alışverişinde")."""
    if foreign:
        return list(lexicon.get("glossary_en", {}).get(english_key(word), ()))
    # Glossary entries are stems: longer suffix chains still lead to them ("paylaş-tığının").
    return _longest_literal(lexicon.get("glossary_tr", {}), word, max_suffix=MAX_SUFFIX + 2)


def read_glossary(path: Path = GLOSSARY) -> list[tuple[str, str, list[str]]]:
    """The glossary's entries: (language, question word, Turkish words)."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, word, targets = line.split("\t")
        entries.append((language, casefold_tr(word), [t.strip() for t in targets.split(";") if t.strip()]))
    return entries


def restrict_glossary(entries: list[tuple[str, str, list[str]]], corpus_words: set[str]) -> Lexicon:
    """The glossary entries that lead to ``corpus_words``, keyed as :func:`glossed` looks them up."""
    corpus_forms = corpus_reacher(corpus_words)
    tables: dict[str, dict[str, set[str]]] = {"glossary_en": defaultdict(set), "glossary_tr": defaultdict(set)}
    for language, word, targets in entries:
        reached = {w for target in targets for w in corpus_forms(target)}
        if reached:
            # A Turkish word typed without Turkish letters ("yildonumu") is looked up too.
            for key in {english_key(word)} if language == "en" else {word, fold_ascii(word)}:
                tables[f"glossary_{language}"][key].update(reached)
    return {name: {k: sorted(v) for k, v in sorted(table.items())} for name, table in tables.items()}


def _data_folder() -> Path | None:
    if source() is None:
        return None
    return Path(str(resources.files("WordNet") / "data"))


def _describing_words(text: str) -> list[str]:
    """The content words of a definition, casefolded ("a heavy toxic ... element" -> ["heavy", ...])."""
    return [w for w in _LETTERS.findall(text.lower()) if len(w) >= MIN_LITERAL and w not in STOPWORDS]


def read_wordnet(keep: Callable[[list[str]], bool] | None = None
                 ) -> tuple[list[list[str]], dict[int, list[str]], dict[int, list[str]]]:
    """KeNet's Turkish synsets, the English words linked to each, and the English words
    of each one's hypernyms and definitions ([], {}, {} when not installed).

    ``keep`` picks the synsets (by their literals) that need English words and
    descriptions; reading only those halves the time.
    """
    folder = _data_folder()
    if folder is None:
        return [], {}, {}
    synsets: list[list[str]] = []
    ids: dict[str, int] = {}
    links: dict[int, list[str]] = {}
    hypernyms: dict[int, list[str]] = {}
    with open(folder / "turkish_wordnet.xml", encoding="utf-8") as handle:
        for line in handle:
            match = _SYNSET.search(line)
            if not match:
                continue
            position = len(synsets)
            ids[match.group(1)] = position
            synsets.append(_LITERAL.findall(match.group(2)))
            if ilr := _INTERLINGUAL.findall(match.group(3)):
                links[position] = ilr
            if broader := _HYPERNYM.findall(match.group(3)):
                hypernyms[position] = broader
    kept = {p for p in range(len(synsets)) if keep is None or keep(synsets[p])}
    kept |= {ids[h] for p in kept for h in hypernyms.get(p, ()) if h in ids}
    links = {p: linked for p, linked in links.items() if p in kept}
    wanted = {i for linked in links.values() for i in linked}
    english_words: dict[str, list[str]] = {}
    english_definitions: dict[str, str] = {}
    with open(folder / "english_wordnet_version_31.xml", encoding="utf-8") as handle:
        for line in handle:
            # "<SYNSET><ID>ENG31-00001740-n</ID>...": look at the id before parsing the line.
            start = line.find("<ID>")
            if start < 0 or line[start + 4:line.find("</ID>", start)] not in wanted:
                continue
            match = _SYNSET.search(line)
            if match:
                english_words[match.group(1)] = _LITERAL.findall(match.group(2))
                if definition := _DEFINITION.search(match.group(3)):
                    english_definitions[match.group(1)] = definition.group(1)
    english = {pos: [w for i in linked for w in english_words.get(i, ())] for pos, linked in links.items()}
    broader: dict[int, list[str]] = {}
    for position in kept:
        above = [ids[h] for h in hypernyms.get(position, ()) if h in ids]
        broader[position] = [w.lower() for p in above for w in english.get(p, ()) if " " not in w] + [
            w for i in links.get(position, ()) for w in _describing_words(english_definitions.get(i, ""))]
    return synsets, english, broader


def document_texts(documents: list[Document]) -> list[str]:
    """The sentences and headings of ``documents``: where a question's words are looked for."""
    return [s.text for d in documents for s in d.sentences] + [h for d in documents for h in d.sections]


def corpus_lexicon(documents: list[Document]) -> Lexicon:
    """The installed wordnet restricted to the words of ``documents`` (empty when not installed)."""
    words = content_words(document_texts(documents))
    corpus_forms = corpus_reacher(words)
    synsets, english, broader = read_wordnet(keep=lambda literals: any(corpus_forms(lit) for lit in literals))
    glossary = restrict_glossary(read_glossary(), words)
    if not synsets:
        return {"en": {}, "tr": {}, **glossary}
    return {**restrict(synsets, english, words, broader), **glossary}


__all__ = ["Lexicon", "corpus_lexicon", "describes", "document_texts", "english_key", "glossed", "lookup", "reaches",
           "read_glossary", "restrict", "restrict_glossary", "source"]
