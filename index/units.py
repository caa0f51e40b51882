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


def leans_on_previous(sentence: Sentence, previous: Sentence | None) -> bool:
    return (previous is not None and previous.paragraph == sentence.paragraph
            and previous.kind == sentence.kind == "body" and bool(_ANAPHOR.match(sentence.text)))


WINDOW_WORDS = 8
WINDOW_STRIDE = 4
UNITS_VERSION = 4  # bump when what gets embedded changes: old indexes become stale


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
        for sentence in doc.sentences:
            base = doc.title if sentence.kind == "title" else sentence.text
            units = sentence_windows(base, WINDOW_WORDS, WINDOW_STRIDE)  # read now: bench/units.py varies them
            if leans_on_previous(sentence, previous):
                units.append(f"{previous.text} {sentence.text}")
            for unit in units:
                texts.append(unit)
                owners.append(index)
            index += 1
            previous = sentence
    return texts, owners
