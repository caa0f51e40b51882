"""Question analysis, done once: the :class:`Query` every later stage reads.

The pure part (cleaning, the asked answer type, tokens) lives here; what needs
the corpus and the model (cross-lingual alternatives, the query vector) is
filled in by the engine through :func:`analyse`.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from index.analysis import STOPWORDS, casefold_tr, looks_english, tokenize
from qa.errors import ArgumentError, QAError, describe

MAX_QUESTION_CHARS = 1000
# C0/C1 controls, bidi overrides and zero-width spaces; U+200D (the emoji joiner) is allowed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                      r"\ud800-\udfff]")


class QuestionError(QAError, ValueError):
    """The question itself is unusable (empty, too long, control characters, not text)."""


class Kind(StrEnum):
    """The type of answer a question asks for."""

    QUANTITY = "quantity"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    REASON = "reason"
    MANNER = "manner"
    THING = "thing"


# First match wins; patterns run on the Turkish-casefolded question. Order: the more specific first
# ("hangi yıl" is a date before "hangi" is a thing, "how many" a quantity before "how" a manner).
_KIND_PATTERNS: tuple[tuple[Kind, re.Pattern], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        (Kind.DATE, r"\bne zaman|\bhangi (?:yıl|tarih|ay\b|gün|yüzyıl|dönem|sezon|yaş)|\bkaç yılında|"
                    r"\bhangi y[iı]l|\bne zaman|\bkaçta\b|\bwhen\b|\bwhat (?:year|date|month|day|century|decade|time)|"
                    r"\bwhich (?:year|date|month|day|century|decade)|\bin what (?:year|century|decade)"),
        (Kind.QUANTITY, r"\bkaç(?:a|ar|tan)?\b|\bkaçı|\bkac\b|\bne kadar|\byüzde kaç|"
                        r"\bhow (?:many|much|long|far|old|large|big|tall|high|often)|"
                        r"\bwhat (?:percentage|percent|number|amount|proportion|fraction|share|ratio)"),
        (Kind.PERSON, r"\bkim(?:dir|di|ler\w*|in|e|i|le|inle)?\b|\bwho(?:m|se)?\b|"
                      r"\bhangi (?:kişi|oyuncu|futbolcu|sporcu|yazar|şair|sanatçı|besteci|ressam|yönetmen|lider|"
                      r"bilim insanı|bilim adamı|hekim|doktor|filozof|kral|kraliçe|imparator|komutan|başkan|bakan)|"
                      r"\b(?:which|what) (?:person|man|woman|player|author|writer|poet|artist|composer|painter|"
                      r"director|leader|scientist|physician|doctor|philosopher|king|queen|emperor|commander|"
                      r"president|minister)\b"),
        (Kind.PLACE, r"\bnere(?:de|ye|den|si|sidir|dedir|deydi|li\w*)?\b|\bwhere\b|"
                     r"\bhangi (?:şehir|kent|ülke|bölge|ilçe|il\b|eyalet|kıta|ada|nehir|liman|stat|stadyum|"
                     r"meydan|havalimanı|mahalle|semt|köy|cadde|sokak)|"
                     r"\b(?:what|which) (?:city|country|region|state|continent|island|river|town|port)"),
        (Kind.REASON, r"\bneden\b|\bniçin\b|\bniye\b|\bnicin\b|\bwhy\b|\bfor what reason"),
        (Kind.MANNER, r"\bnasıl\b|\bnasil\b|\bhow\b|\bne şekilde"),
    )
)


def asked_kind(folded: str) -> Kind:
    """The answer type a casefolded question asks for (``THING`` when nothing more specific)."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(folded):
            return kind
    return Kind.THING


def clean_question(question: object) -> str:
    """The question with whitespace normalised, or :class:`QuestionError` naming the problem."""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, got {type(question).__name__}")
    bad = CONTROL.search(question)
    if bad and "\ud800" <= bad.group() <= "\udfff":
        raise QuestionError(f"the question is not valid text: {bad.group()!r} at position {bad.start()} is half "
                            "of a character or a byte that is not UTF-8; type the question as UTF-8 text")
    if bad:
        raise QuestionError(
            f"the question contains a control or invalid character ({bad.group()!r} at position {bad.start()}); "
            "remove it and ask again"
        )
    text = " ".join(question.split())
    if not text:
        raise QuestionError("the question is empty; ask something about the article")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return text


def check_k(k: object) -> int:
    """``k`` (how many sentences to retrieve) as an int, or :class:`~qa.errors.ArgumentError`."""
    try:
        if isinstance(k, bool):
            raise TypeError
        number = operator.index(k)
    except TypeError:
        raise ArgumentError(f"k must be a positive whole number, got {describe(k)} ({type(k).__name__})") from None
    if number < 1:
        raise ArgumentError(f"k must be a positive whole number, got {number}")
    return number


@dataclass(frozen=True)
class Query:
    """A question analysed once; every stage after analysis reads this value."""

    text: str
    folded: str
    english: bool
    kind: Kind
    #: content words, casefolded, apostrophe suffixes dropped, stopwords removed
    words: tuple[str, ...]
    #: corpus words that may stand for a question word (translations, synonyms)
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: question words the corpus knows in no form
    alien: tuple[str, ...] = ()
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: one vector per distinct word of ``words``, in order
    word_vectors: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: the content words just before and after the Turkish question word ("kaç sayı" -> after "sayı"):
    #: Turkish asks in situ, so the answer sits between the same neighbours in the sentence
    wh_context: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    #: the question has a question word of its own ("Peki maliyeti?" has none: it asks what the last one did)
    asks_anew: bool = True
    #: words the answer's sentence must hold: those a follow-up named ("Peki uranyum?")
    focus: tuple[str, ...] = ()

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if w[0].isdigit())


QUESTION_WORDS = frozenset(
    "kaç kaçta kaçıncı ne neyi neye neyin neden nerede nereye nereden neresi nedir neydi neler neleri "
    "kim kimi kime kimin kimler kimdir hangi hangisi hangileri nasıl niçin niye "
    "kaça kaçar kaçtan kaçı kaçını nereli nerelidir neresidir nereyi neresini".split()
)
PART_OF_QUESTION_WORD = frozenset({"zaman", "zamandan", "zamana", "zamandır", "kadar", "tane", "adet"})
_ENGLISH_QUESTION = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b")


_ENGLISH_ASKED = re.compile(r"\b(?:how (?:many|much)|what|which)\s+([a-z]+)", re.IGNORECASE)


def wh_context(text: str, english: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The content words around the first question word ("" where there is none).

    English puts its question word first, so only the noun it asks about counts ("how many
    **stops**"): the answer comes before that noun's Turkish word ("18 durak")."""
    if english:
        match = _ENGLISH_ASKED.search(text)
        noun = match.group(1).lower() if match else ""
        return (), () if not noun or noun in STOPWORDS else (noun,)
    tokens = tokenize(text)
    at = next((i for i, t in enumerate(tokens) if t in QUESTION_WORDS), None)
    if at is None:
        return (), ()
    before = next((t for t in reversed(tokens[:at]) if t not in STOPWORDS), "")
    after = next((t for t in tokens[at + 1:] if t not in STOPWORDS and t not in PART_OF_QUESTION_WORD), "")
    return tuple(w for w in (before,) if w), tuple(w for w in (after,) if w)


def parse(question: object) -> Query:
    """The model-free part of the analysis."""
    text = clean_question(question)
    folded = casefold_tr(text)
    english = looks_english(text)
    return Query(text=text, folded=folded, english=english, kind=asked_kind(folded), words=_content_words(text),
                 wh_context=wh_context(text, english), asks_anew=any(t in QUESTION_WORDS for t in tokenize(text))
                 or bool(_ENGLISH_QUESTION.search(folded)))


def _content_words(text: str) -> tuple[str, ...]:
    """Content words, less the second word of a question phrase ("ne zaman", "ne kadar")."""
    tokens = tokenize(text)
    return tuple(t for i, t in enumerate(tokens) if t not in STOPWORDS
                 and not (t in PART_OF_QUESTION_WORD and i and tokens[i - 1] in QUESTION_WORDS))
