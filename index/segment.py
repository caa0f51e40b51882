"""Turkish-aware sentence segmentation that keeps exact character offsets.

Every span returned satisfies ``text[start:end] == sentence``: nothing is
rewritten, only located. The rules target news prose: a period after a short
number or a Roman numeral is an ordinal (``2. Toplantısı``, ``II. Dünya``), a
period after an abbreviation or an initial is not an end (``Prof. Dr.``,
``M.Ö. 300``, ``John F. Kennedy``), and a quotation that closes after its
period continues the sentence when the next word is lower case
(``ortağıdır." dedi.``).
"""

from __future__ import annotations

import re

# Lower-cased (Turkish casefold not needed: all ASCII or already lower) forms.
ABBREVIATIONS = frozenset(
    """
    dr prof doç yrd av bkz vb vs vd örn sn hz no nr s sf st mr mrs ms jr sr
    ltd şti aş cad sok mah apt blv bşk gen org korg tuğg alb yb bnb uzm op
    tel fak üniv böl enst müd dk sa yy çev haz ed ör bk krş
    etc e.g i.e inc co corp dept est approx vol fig
    """.split()
)

_TERMINATORS = ".!?…"
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*")
# Roman numerals before a period are ordinals: "II. Dünya Savaşı", "XIV. Louis".
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# Letters joined by periods: "M.Ö", "A.Ş", "T.C", "U.S", "J.A", "e.g".
_DOTTED = re.compile(r"(?:[^\W\d_]{1,4}\.)+[^\W\d_]{1,4}")
# Two-word abbreviations whose last word alone is an ordinary word ("al").
_PHRASE = re.compile(r"\bet al\Z", re.IGNORECASE)


def _word_before(text: str, pos: int) -> str:
    """The token (letters, digits and ``.,%``) that ends right before ``pos``.

    Commas and percent signs are kept so that "%7,4" is seen as a number,
    not as the ordinal "4".
    """
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".,%"):
        start -= 1
    return text[start:pos]


def _is_false_boundary(text: str, mark_start: int, mark_end: int, limit: int) -> bool:
    """True when the terminator at ``mark_start`` does not end a sentence."""
    marks = text[mark_start:mark_end]
    nxt = mark_end
    while nxt < limit and text[nxt].isspace():
        nxt += 1
    if nxt >= limit:
        return False  # end of the paragraph
    if nxt == mark_end:
        return True  # "4.5", "www.site.com": no space after the period
    following = text[nxt]
    if following.islower():
        # `ortağıdır." dedi.` and `vb. şeyler` both continue the sentence.
        return True
    if not marks.startswith("."):
        return False  # ! ? … before a capital end the sentence
    if len(marks.rstrip(_CLOSERS)) > 1:
        return False  # "..." before a capital
    if any(ch in _CLOSERS for ch in marks):
        return False  # `göstergesi." Bu` ends at the quote
    return _is_abbreviation(text, _word_before(text, mark_start), mark_start)


def _is_abbreviation(text: str, word: str, end: int) -> bool:
    """True when ``word`` (ending at ``end``, before a period) is not a sentence end."""
    if word.isdigit():
        # Ordinals: "2. Toplantısı", "20. yılı". A four-digit year before a
        # capital is more often a sentence end than a "2025." ordinal.
        return len(word) <= 3
    if len(word) == 1 and word.isalpha():
        # Initials ("K. Tokayev") and one-letter abbreviations ("c. 1455",
        # "ö. 869", "Brown v. Topeka"); prose rarely ends in a lone letter,
        # except the Turkish pronoun "o" ("Kazanan o.").
        return word != "o"
    if word.isupper() and len(word) <= 5 and _ROMAN.fullmatch(word):
        return True
    if _DOTTED.fullmatch(word):
        return True
    if _PHRASE.search(text, max(0, end - 6), end):
        return True
    return word.lower() in ABBREVIATIONS


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in ``text[start:end]``.

    Spans are trimmed of surrounding whitespace and never empty.
    """
    limit = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sent_start = start
    for match in _BOUNDARY.finditer(text, start, limit):
        if _is_false_boundary(text, match.start(), match.end(), limit):
            continue
        spans.append((sent_start, match.end()))
        sent_start = match.end()
    spans.append((sent_start, limit))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e))]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
