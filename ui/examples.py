"""Example questions made from an article: proposed from its text, kept when the engine answers them.

:func:`propose_questions` is pure (a parsed :class:`index.documents.Document` in, Turkish
questions out). It asks in situ, as Turkish does: the number, date or name a sentence holds
is replaced by the question word and the clause around it kept ("festivale bu yıl 12 bin kişi
katıldı" -> "Festivale bu yıl kaç bin kişi katıldı?"); a person who speaks is asked about
("Derya Aksoy, ... açıkladı." -> "Derya Aksoy ne açıkladı?"); a section heading is asked
about as a topic. Nothing here knows one article: the rules are Turkish news writing's.

:func:`answerable_examples` keeps the candidates the engine answers from the very sentence
the question was made from (a heading's: any sentence under it), a few of each kind first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from index.analysis import APOSTROPHES, STOPWORDS, casefold_tr
from index.documents import Document, Sentence

MAX_CHARS = 100  # no longer question is proposed
BUTTON_CHARS = 60  # Gradio shows a longer example cut ("..."): such questions are tried last
MAX_TRIES = 40  # engine calls spent looking for examples
KINDS = ("quantity", "date", "person", "section")  # the order examples are taken in, round robin

_APOS = f"[{APOSTROPHES}]"
_NUMBER = r"\d+(?:[.,]\d+)*"
_SCALE = r"(?:bin|milyon|milyar|trilyon)"
_MONTHS = "Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim|Kasım|Aralık"
# a number: "12 bin kişi", "yüzde 62", "%62", "54'e", "14.00'te", "6,2 milyar lira"
_QUANTITY = re.compile(
    rf"(?<![\w.,{APOSTROPHES}%-])(?P<pct>(?:yüzde|Yüzde)\s+|%)?(?P<num>{_NUMBER})"
    rf"(?:(?P<suffix>{_APOS}[^\W\d_]+)|(?P<scale>\s+{_SCALE}(?=\s|$))?(?P<noun>\s+[^\W\d_]+)?)(?![\w.,-])"
)
# an ordinal before a lower-case word: "17. dakikada", "12. kez"
_ORDINAL = re.compile(rf"(?<![\w.,{APOSTROPHES}-])\d{{1,3}}\.\s+(?=[a-zçğıöşü])")
# a date with a case ending: "12 Mart 2026'da", "21 Ekim'de", "Mart ayında", "2027 yılının sonunda", "1923'te"
_DATE = re.compile(
    rf"(?<![\w.,-])(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})(?:\s+\d{{4}})?(?:{_APOS}(?P<s1>[^\W\d_]+)|\s+ayı(?P<s2>nda|na|ndan))"
    rf"|\d{{4}}(?:{_APOS}(?P<s3>[^\W\d_]+)|\s+yılı(?P<s4>nda|na|ndan|nın\s+(?:sonunda|başında|ortasında)))"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}\s+tarihinde)(?![\w-])"
)
_MONTH = re.compile(_MONTHS)
_TITLES = ("başkan", "bakan", "müdür", "direktör", "vali", "sözcü", "üye", "sekreter", "koordinatör",
           "yönetici", "temsilci", "rektör", "dekan", "kaymakam", "elçi", "komutan", "başhekim", "uzman",
           "antrenör", "kaptan", "sanatçı", "yazar", "oyuncu", "başsavcı", "savcı", "yardımcı", "sahib")
_CONNECTIVES = frozenset("ayrıca ancak ama fakat ise böylece dolayısıyla hatta özellikle yine".split())
_CONNECTIVE_PAIRS = frozenset({("öte", "yandan"), ("bu", "arada"), ("buna", "göre"), ("bununla", "birlikte"),
                               ("son", "olarak")})
# "X, ... dedi." -> "X ne dedi?"; these verbs take "ne" as their object
_SAY = re.compile(r"(?:dedi|söyledi|belirtti|açıkladı|vurguladı|bildirdi|aktardı|duyurdu|kaydetti|ekledi|anlattı|"
                  r"hatırlattı|savundu|önerdi|istedi|vurguluyor|öneriyor|planlıyor|bekliyor|istiyor|söylüyor|"
                  r"belirtiyor|açıklıyor|hedefliyor|öngörüyor)(?:lar|ler)?")
# the verbs of reported speech: "Başkan, ... olduğunu söyledi"
_REPORTED = re.compile(r"(?:dedi|söyledi|belirtti|açıkladı|vurguladı|bildirdi|aktardı|duyurdu|kaydetti|ekledi|"
                       r"anlattı|hatırlattı|savundu|vurguluyor|söylüyor|belirtiyor|açıklıyor)(?:lar|ler)?")
# "... ifadelerini kullandı", "... dikkat çekti", "... bilgisini paylaştı": said something
_SAID = re.compile(r"(?:ifade|açıklama|bilgi|dikkat|uyarı|değerlendirme)\w*\s+(?:etti|yaptı|çekti|verdi|paylaştı|"
                   r"kullandı|bulundu)(?:lar|ler)?|ifadelerini kullandı|sözlerini kullandı")
_PAST = re.compile(r"[^\W\d_]+(?:[dt][ıiuü])(?:lar|ler)?")
_FIRST_PERSON = re.compile(r"(?:[dt][ıiuü]k|[ıiuü]z|[dt][ıiuü]m|yorum|[ae]ğım|[ae]ğız)$")  # "vardık", "koruyacağız"
_PASSIVE = re.compile(r"(?:[ıiuü]l|n)[dt][ıiuü](?:lar|ler)?$")  # "gösterildi", "açıklandı": done to it
_FINITE = re.compile(r"[^\W\d_]{2,}(?:[dt][ıiuü]|yor|acak|ecek|mış|miş|muş|müş|[dt][ıiuü]r)(?:lar|ler)?")
_GENERIC_HEADINGS = frozenset("sonuç giriş özet arka plan değerlendirme detaylar ayrıntılar gelişmeler "
                              "haberin devamı devamı diğer notlar kaynaklar ek bilgi".split())
_QUOTES = "\"“”«»„"


@dataclass(frozen=True)
class Candidate:
    """A proposed question, and the sentences an answer to it must cite."""

    question: str
    kind: str  # one of KINDS
    sources: tuple[str, ...]  # sentence ids; the first is the one the question was made from
    #: what the short answer must hold, when the question asks for a number or date ("12", "Mart")
    expect: str = ""
    #: whom a "person" question is about
    about: str = ""
    #: how much worse than the best a question of its kind reads (0: fine); the better are tried first
    penalty: int = 0


class Answering(Protocol):
    def answer(self, question: str): ...


# -- text helpers ---------------------------------------------------------------------------


def _upper_first(text: str) -> str:
    if not text:
        return text
    first = "İ" if text[0] == "i" else "I" if text[0] == "ı" else text[0].upper()
    return first + text[1:]


def _clean(text: str) -> str:
    """The sentence without parentheses and final punctuation, on one line."""
    text = re.sub(r"\s*\([^()]*\)", "", text)
    text = " ".join(text.split())
    return text.rstrip(" .!?…;:" + _QUOTES + "'’").strip()


def _question(words: Iterable[str]) -> str:
    """The words as a question: quotes and a leading connective ("Ayrıca", "Öte yandan") dropped."""
    words = [w.strip(_QUOTES) for w in words]
    words = [w for w in words if w]
    while words:
        first = tuple(casefold_tr(w.strip(",")) for w in words[:2])
        if first[0] in _CONNECTIVES:
            words = words[1:]
        elif first in _CONNECTIVE_PAIRS:
            words = words[2:]
        else:
            break
    text = " ".join(words).rstrip(" ,;:.!?…")
    return _upper_first(text) + "?" if text else ""


# -- in situ questions: numbers and dates ---------------------------------------------------


@dataclass
class _Span:
    tokens: list[str]
    first: int  # the first token of the asked phrase
    last: int  # one past its last token
    ask: str  # the question words that replace it
    expect: str  # what the answer must hold: the number, or the month or year


def _tokens(text: str) -> tuple[list[str], list[int]]:
    """Whitespace tokens and their start offsets."""
    found = [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]
    return [t for t, _ in found], [s for _, s in found]


def _span(text: str, start: int, end: int, ask: str) -> _Span | None:
    tokens, starts = _tokens(text)
    try:
        first = starts.index(start)
    except ValueError:
        if start and text[start - 1] in _QUOTES:  # a quote opens right before the phrase
            first = next((i for i, s in enumerate(starts) if s == start - 1), -1)
            if first < 0:
                return None
        else:
            return None
    last = first
    while last < len(tokens) and starts[last] < end:
        last += 1
    trailing = tokens[last - 1][end - starts[last - 1]:]  # what the token holds after the phrase
    if trailing.strip(",;:" + _QUOTES):
        return None
    tokens = [*tokens[:first], *ask.split(), *tokens[last:]]
    if trailing:
        tokens[first + len(ask.split()) - 1] += trailing
    phrase = text[start:end]
    key = re.search(rf"{_NUMBER}|{_MONTHS}", phrase)
    return _Span(tokens, first, first + len(ask.split()), ask, key.group() if key else "")


def _clause(span: _Span) -> tuple[int, int]:
    """The token range of the clause holding the phrase: within its quote, between ';', up to its verb."""
    tokens = span.tokens
    start, end = 0, len(tokens)
    opened = None
    for i, token in enumerate(tokens):
        if token[:1] in _QUOTES and opened is None:
            opened = i
        last_char = token.rstrip(".,;:!?")[-1:]
        closes = opened is not None and bool(last_char) and last_char in _QUOTES and (i > opened or len(token) > 1)
        if opened is not None and opened <= span.first and (closes and i >= span.last - 1):
            start, end = opened, i + 1
            break
        if closes:
            opened = None
    for i in range(span.first - 1, start - 1, -1):
        if tokens[i].endswith(";"):
            start = i + 1
            break
    for i in range(span.last, end):
        token = tokens[i]
        if token.endswith(";"):
            end = i + 1
            break
        bare = casefold_tr(token.rstrip(",;:" + _QUOTES))
        following = tokens[i + 1] if i + 1 < end else ""
        if _FINITE.fullmatch(bare) and (token.endswith(",") or following == "ve"):
            end = i + 1
            break
    return start, end


def _variants(span: _Span) -> list[str]:
    """The question with the clause before the phrase, with none of it, with all of the sentence's."""
    start, end = _clause(span)
    tokens = span.tokens
    right = tokens[span.first:end]
    asked = len(span.ask.split())
    if len(right) <= asked:  # nothing after the question word: no verb to ask with
        return []
    if _FIRST_PERSON.search(casefold_tr(right[-1].rstrip(",;:.!?" + _QUOTES))):
        return []  # "... mutabakata vardık": quoted speech, not a question to ask the article
    clause_start = start
    for i in range(span.first - 1, start - 1, -1):
        bare = casefold_tr(tokens[i - 1].rstrip(",")) if i > start else ""
        if tokens[i].endswith(","):
            clause_start = i + 1
            break
        if tokens[i] == "ve" and _FINITE.fullmatch(bare):  # "... olacak ve toplam 18 durağa ..."
            clause_start = start = i + 1
            break
    whole = _question([*tokens[start:span.first], *right])
    # "Festival, 20 Mayıs'ta kapılarını açacak": the clause after the subject's comma needs the subject
    clause = _question([*tokens[clause_start:span.first], *right]) if clause_start < span.first else whole
    # "Kaç bin kişi katıldı?" stands alone; "Ne zaman yapılacağı bildirildi?" asks about nothing
    # but not inside what someone said: "Kaç milyar lira olduğunu açıkladı?" leaves out who
    reported = _REPORTED.fullmatch(casefold_tr(right[-1].rstrip(",;:.!?" + _QUOTES)))
    first_comma = next((i for i, t in enumerate(tokens) if t.endswith(",")), -1)
    subject = _subject(tokens) if reported and clause_start - 1 == first_comma else ""
    # "Kütüphane Müdürü Ayşe Yılmaz, ilk gün ... söyledi" -> "Ayşe Yılmaz, ilk gün ... söyledi?"
    said = _question([f"{subject},", *tokens[clause_start:span.first], *right]) if subject else ""
    alone = _question(right) if span.ask.startswith("kaç ") and len(right) >= 3 and not reported else ""
    order = [said, clause, alone, whole] if len(clause) <= 60 or not alone else [alone, said, clause, whole]
    return [q for i, q in enumerate(order) if q and len(q) <= MAX_CHARS and q not in order[:i]]


def _quantity_spans(text: str) -> Iterable[_Span]:
    for match in _QUANTITY.finditer(text):
        number, suffix, noun = match.group("num"), match.group("suffix"), match.group("noun")
        noun_word = noun.strip() if noun else ""
        if noun_word in ("ila", "ile", "ve", "veya"):
            continue  # a range: "2 ila 8 derece", "yüzde 10 ile 14"
        before = text[:match.start()].rstrip()
        after = text[match.end():].lstrip()
        if re.search(rf"(?:\b(?:ila|ile|ve|veya)|{_SCALE})$", before) or re.match(r"(?:ila|ile)\b", after):
            continue  # a range ("2 ila 8 derece") or the tail of a number ("32 bin 500")
        if re.fullmatch(r"1[89]\d\d|20\d\d", number) and not match.group("pct"):
            continue  # a year: a date question
        pct = "yüzde " if match.group("pct") else ""
        if suffix:  # "54'e" -> "kaça", "14.00'te" -> "kaçta", "38'den" -> "kaçtan"
            ending = casefold_tr(suffix[1:])
            ask = ("kaça" if re.fullmatch(r"y?[ae]", ending) else "kaçta" if re.fullmatch(r"[dt][ae]", ending)
                   else "kaçtan" if re.fullmatch(r"[dt][ae]n", ending) else None)
            if ask is None:
                continue
            yield from _spans(text, match.start(), match.end(), pct + ask)
            continue
        if pct:
            yield from _spans(text, match.start(), match.end("num"), "yüzde kaç")
            continue
        if not noun_word or not noun_word[0].islower() or casefold_tr(noun_word) in STOPWORDS:
            continue
        scale = match.group("scale") or ""
        yield from _spans(text, match.start(), match.end(), f"kaç{scale} {noun_word}")
    for match in _ORDINAL.finditer(text):
        yield from _spans(text, match.start(), match.end() - 1, "kaçıncı")


def _date_spans(text: str) -> Iterable[_Span]:
    for match in _DATE.finditer(text):
        phrase = match.group()
        ending = next((casefold_tr(g) for g in match.group("s1", "s2", "s3", "s4") if g), "")
        after = text[match.end():]
        end = match.end()
        if phrase.endswith("tarihinde") or ending.endswith(("sonunda", "başında", "ortasında")):
            ask = "ne zaman"
        elif re.fullmatch(r"n?[dt][ae]", ending) or ending in ("nda", "nde"):
            ask = "ne zaman"
        elif re.fullmatch(r"y?[ae]|na|ne", ending) and re.match(r"\s+kadar\b", after):
            ask, end = "ne zamana kadar", match.end() + len(re.match(r"\s+kadar", after).group())
        elif re.fullmatch(r"n?[dt][ae]n|ndan|nden", ending) and re.match(r"\s+(?:bu yana|beri|itibaren)\b", after):
            ask = "ne zamandan"
        else:
            continue
        yield from _spans(text, match.start(), end, ask)


def _spans(text: str, start: int, end: int, ask: str) -> Iterable[_Span]:
    span = _span(text, start, end, ask)
    if span is not None:
        yield span


# -- who said what ------------------------------------------------------------------------


def _title(word: str) -> bool:
    """"Başkanı", "Müdürü", "Valisi": a title, as it stands before a name."""
    folded = casefold_tr(word)
    return folded[-1:] in "ıiuü" and any(folded.startswith(t) and len(folded) > len(t) for t in _TITLES)


def _subject(tokens: Sequence[str]) -> str:
    """The person (or body) a sentence is about: the capitalised words before its first comma."""
    comma = next((i for i, t in enumerate(tokens[:14]) if t.endswith(",")), None)
    if comma is None:
        ise = next((i for i, t in enumerate(tokens[:10]) if t == "ise"), None)
        if ise is None:
            return ""
        run_end = ise
    else:
        run_end = comma + 1
    run: list[str] = []
    for token in reversed(tokens[:run_end]):
        word = token.rstrip(",")
        if not word or not word[0].isupper() or any(a in word for a in APOSTROPHES) or word[0] in _QUOTES:
            break
        run.insert(0, word)
    if not run:
        return ""
    if len(run) == 1 and casefold_tr(run[0]) in STOPWORDS | _CONNECTIVES:
        return ""
    # after the last title ("Başkanı", "Müdürü", "Dr."), the name
    cut = max((i + 1 for i, w in enumerate(run) if w.endswith(".") or _title(w)), default=0)
    name = run[cut:] or run
    return " ".join(name) if len(name) <= 4 else ""


def _topics(tokens: Sequence[str], subject: str) -> list[str]:
    """Names the sentence mentions besides its subject ("Ermenistan'a" -> "Ermenistan")."""
    out: list[str] = []
    run: list[str] = []
    skip = set(subject.split())
    # only what comes after the subject: "Merkez Bankası Başkanı Doç. Dr. Kemal Uysal, ..." has no topic yet
    after = next((i + 1 for i, t in enumerate(tokens) if t.rstrip(",") == subject.split()[-1]), 1)

    def flush() -> None:
        if run:
            name = " ".join(run)
            if name not in out and not set(run) & skip and not _MONTH.fullmatch(name) and not _title(name):
                out.append(name)
            run.clear()

    for i, token in enumerate(tokens):
        word = token.strip(",;:.")
        opens = word[:1] in _QUOTES
        word = word.strip(_QUOTES)
        head = re.split(_APOS, word, maxsplit=1)[0]
        abbreviation = token.endswith(".") and i < len(tokens) - 1  # "Dr.", "Prof."
        if (i >= after and not opens and not abbreviation and head[:1].isupper() and head.isalpha()
                and casefold_tr(head) not in STOPWORDS):
            run.append(head)
            if head != word or token.endswith((",", ";", ".")):
                flush()
        else:
            flush()
    flush()
    return out


def _verb(tokens: Sequence[str]) -> str | None:
    """The question's ending for a sentence about what its subject said or did, or None."""
    words = [casefold_tr(t.strip(_QUOTES + ",;:")) for t in tokens[-3:]]
    last = words[-1] if words else ""
    tail = " ".join(words[-2:])
    if _SAID.fullmatch(tail) or _SAID.fullmatch(" ".join(words)):
        return "ne dedi"
    if _SAY.fullmatch(last):
        return f"ne {tokens[-1].strip(_QUOTES + ',;:')}"
    if (_PAST.fullmatch(last) and not _PASSIVE.search(last)
            and last not in ("etti", "oldu", "yaptı", "kıldı", "ettiler", "oldular")):
        return "ne yaptı"
    return None


def _person_questions(sentence: Sentence) -> list[tuple[str, str]]:
    """(subject, question) pairs: "Derya Aksoy ne açıkladı?", "Tokayev BTC hakkında ne söyledi?"."""
    tokens, _ = _tokens(_clean(sentence.text))
    subject = _subject(tokens)
    ending = _verb(tokens) if subject else None
    if not ending:
        return []
    out = [f"{subject} {ending}?"]
    if ending != "ne yaptı":  # "Tokayev BTC hakkında ne söyledi?"
        topics = _topics(tokens, subject)
        out += [f"{subject} {topic} hakkında {ending}?" for topic in topics[:2]]
    return [(subject, _upper_first(q)) for q in out if len(q) <= MAX_CHARS]


# -- the candidates -----------------------------------------------------------------------


def propose_questions(document: Document) -> list[Candidate]:
    """Questions about ``document``, each with the sentence(s) an answer must cite, in article order
    within each kind (``quantity``, ``date``, ``person``, ``section``)."""
    out: list[Candidate] = []
    seen: set[str] = set()

    def add(question: str, kind: str, sources: tuple[str, ...], expect: str = "", about: str = "") -> None:
        key = casefold_tr(question)
        if question and key not in seen:
            seen.add(key)
            out.append(Candidate(question, kind, sources, expect, about, _penalty(question, expect)))

    body = [s for s in document.sentences if s.kind == "body"]
    for sentence in body:
        text = _clean(sentence.text)
        for kind, spans in (("quantity", _quantity_spans(text)), ("date", _date_spans(text))):
            for span in spans:
                for question in _variants(span):
                    add(question, kind, (sentence.id,), expect=span.expect)
        for subject, question in _person_questions(sentence):
            add(question, "person", (sentence.id,), about=subject.split()[-1])
    for heading in dict.fromkeys(document.sections):
        under = tuple(s.id for s in body if s.section == heading)
        topic = heading.split(":")[-1].strip() if ":" in heading else heading
        if not under or casefold_tr(topic) in _GENERIC_HEADINGS or len(topic) > 60 or heading == document.title:
            continue
        add(f"{_upper_first(topic)} hakkında ne biliniyor?", "section", under)
    return out


def _penalty(question: str, expect: str) -> int:
    """0 for a question that reads well; more for a vague action, another number in it, a topic
    added to tell apart what one person said, a question too long for its button."""
    rest = question.replace(expect, "", 1) if expect else question
    return (2 * question.endswith(" ne yaptı?") + bool(re.search(r"\d", rest))
            + (" hakkında " in question and "biliniyor" not in question) + 2 * (len(question) > BUTTON_CHARS))


def accepts(candidate: Candidate, answer) -> bool:
    """Whether ``answer`` (a :class:`qa.types.Answer`) answers ``candidate`` from its sentence(s):
    not an abstention, citing that sentence, and (for a number or date) with that number or date."""
    if answer.abstained or not answer.citations or answer.citations[0].id not in candidate.sources:
        return False
    fact = getattr(answer, "fact", "")
    if not candidate.expect or not fact:
        return True  # no short answer: the cited sentence itself is the answer
    return re.search(rf"(?<![\d.,]){re.escape(candidate.expect)}(?![.,]?\d)", fact) is not None


def answerable_examples(engine: Answering, document: Document, limit: int = 4,
                        tries: int = MAX_TRIES) -> list[str]:
    """Up to ``limit`` questions about ``document`` that ``engine`` answers from the sentence they
    were made from (:func:`accepts`). The kinds are taken in turn, the better-reading questions of
    a kind first, questions that fit their button before longer ones; one question per sentence
    and per person; at most ``tries`` answers computed."""
    proposed = sorted(propose_questions(document), key=lambda c: c.penalty)
    chosen: list[str] = []
    used: set[str] = set()  # sentences and people already asked about
    asked: set[str] = set()
    for longest in (BUTTON_CHARS, MAX_CHARS):
        queues = {kind: [c for c in proposed if c.kind == kind and len(c.question) <= longest] for kind in KINDS}
        while len(chosen) < limit and len(asked) < tries and any(queues.values()):
            for kind in KINDS:
                queue = queues[kind]
                while queue and len(asked) < tries:
                    candidate = queue.pop(0)
                    if (candidate.question in asked or (kind != "section" and candidate.sources[0] in used)
                            or candidate.about in used):
                        continue
                    asked.add(candidate.question)
                    try:
                        answer = engine.answer(candidate.question)
                    except Exception:  # a question the engine refuses is simply not an example
                        continue
                    if accepts(candidate, answer):
                        chosen.append(candidate.question)
                        used.update((answer.citations[0].id, candidate.about or answer.citations[0].id))
                        break
                if len(chosen) >= limit:
                    break
    return chosen


__all__ = ["Candidate", "accepts", "answerable_examples", "propose_questions"]
