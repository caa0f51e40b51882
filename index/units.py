"""What gets embedded: each sentence whole, plus short overlapping word windows.

The multilingual encoder matches a short question far better against a
clause than against a 40-word news sentence (measured on the dev set: MRR
0.69 with whole sentences, 0.80 with 8-word windows added), so a sentence's
dense score is the best of its windows.
"""

from __future__ import annotations

import re

from index.documents import Document, Sentence

# A sentence that opens with a demonstrative leans on the one before it
# ("Bu, ... barışın pratikte de gerçekleştiğinin göstergesi.").
_ANAPHOR = re.compile(r"^(?:Bu|Bunun|Bunu|Buna|Bundan|Bununla|Böylece|Bu nedenle|Ancak|This|That|It|These)\b")


# "Liderler önce baş başa görüştü": the leaders are the people the article names.
_LEADERS = re.compile(r"^(?:Liderler|İki lider|Cumhurbaşkanları|İki cumhurbaşkanı|The leaders|Both leaders)\b")
_TITLED = re.compile(r"(?:Cumhurbaşkanı|Başbakanı|Başbakan|Bakanı|President|Prime Minister)"
                     r"((?:\s+[A-ZÇĞİÖŞÜ][\wçğıöşü]+){1,4})")


def titled_people(doc: Document) -> dict[str, str]:
    """The people the document introduces by title, surname -> title with the capitalised word
    before it ("Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev" -> {"Tokayev": "Kazakistan Cumhurbaşkanı"})."""
    people: dict[str, str] = {}
    for sentence in doc.sentences:
        for match in _TITLED.finditer(sentence.text):
            surname = re.sub(r"['’].*$", "", match.group(1).split()[-1])
            title = sentence.text[match.start():match.start(1)]
            before = re.search(r"([A-ZÇĞİÖŞÜ][\wçğıöşü]*)\s+$", sentence.text[max(0, match.start() - 30):match.start()])
            if surname not in people or (" " not in people[surname] and before):
                people[surname] = f"{before.group(1)} {title}" if before else title
    return people


def named_leaders(doc: Document) -> str:
    """The people the document introduces by title, by surname: "Tokayev ve Aliyev" ("" if fewer than two)."""
    surnames = list(titled_people(doc))
    return " ve ".join(surnames[:2]) if len(surnames) >= 2 else ""


def resolve_leaders(text: str, leaders: str) -> str:
    """The sentence with "Liderler" replaced by the leaders' names ("" when it does not start so)."""
    match = _LEADERS.match(text)
    return f"{leaders}{text[match.end():]}" if match and leaders else ""


def leans_on_previous(sentence: Sentence, previous: Sentence | None) -> bool:
    return (previous is not None and previous.paragraph == sentence.paragraph
            and previous.kind == sentence.kind == "body" and bool(_ANAPHOR.match(sentence.text)))


def lexical_texts(documents: list[Document]) -> list[str]:
    """Per sentence, the text its index terms come from: the sentence, its
    section heading (context such as "Sonuç"), the sentence it leans on, and
    the leaders' names for a sentence that says only "Liderler"."""
    texts = []
    for doc in documents:
        previous = None
        leaders = named_leaders(doc)
        for sentence in doc.sentences:
            base = doc.title if sentence.kind == "title" else sentence.text
            parts = [base, sentence.section]
            if leans_on_previous(sentence, previous):
                parts.append(previous.text)
            if sentence.kind == "body" and resolve_leaders(sentence.text, leaders):
                parts.append(leaders)
            texts.append("\n".join(p for p in parts if p))
            previous = sentence
    return texts

WINDOW_WORDS = 8
WINDOW_STRIDE = 4
UNITS_VERSION = 3  # bump when what gets embedded changes: old indexes become stale


def units_signature() -> dict:
    return {"version": UNITS_VERSION, "window_words": WINDOW_WORDS, "window_stride": WINDOW_STRIDE}


def sentence_windows(text: str, size: int = WINDOW_WORDS, stride: int = WINDOW_STRIDE) -> list[str]:
    """The sentence itself, then windows of ``size`` words every ``stride`` words."""
    words = text.split()
    units = [text]
    if len(words) > size:
        last = max(len(words) - size, 0)
        starts = list(range(0, last + 1, stride))
        if starts[-1] != last:
            starts.append(last)
        units += [" ".join(words[i:i + size]) for i in starts]
    return units


def embedding_units(documents: list[Document]) -> tuple[list[str], list[int]]:
    """Texts to embed and, for each, the index of its sentence across ``documents``."""
    texts: list[str] = []
    owners: list[int] = []
    index = 0
    for doc in documents:
        previous = None
        leaders = named_leaders(doc)
        for sentence in doc.sentences:
            base = doc.title if sentence.kind == "title" else sentence.text
            units = sentence_windows(base)
            if leans_on_previous(sentence, previous):
                units.append(f"{previous.text} {sentence.text}")
            if sentence.kind == "body" and (resolved := resolve_leaders(sentence.text, leaders)):
                units.append(resolved)
            for unit in units:
                texts.append(unit)
                owners.append(index)
            index += 1
            previous = sentence
    return texts, owners
