"""Follow-up questions, rewritten into the question they stand for.

A follow-up leans on the turn before it. Three forms cover what people type:

* **ellipsis** – "Peki uranyum?", "What about Warsaw?": the new words fill the slot of the
  most similar word of the last question (a number replaces a number, a name a name);
* **a new question word** – "Peki ne zaman?", "Why?": the last question, asking something else;
* **a pronoun or a dropped subject** – "Ne zaman doğdu?", "When did he die?": the last
  question's names (or, after "who/where", its answer) supply the missing topic.

:func:`rewrite` returns the standalone question, which the engine then answers like any
other and shows as the question it answered. It is pure: word similarity comes in as a
function, so it is tested without a model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from index.analysis import STOPWORDS, TOKEN, casefold_tr, looks_english, strip_suffix
from qa.errors import ArgumentError, describe
from qa.query import (
    CONTROL,
    MAX_QUESTION_CHARS,
    PART_OF_QUESTION_WORD,
    QUESTION_WORDS,
    Kind,
    QAError,
    clean_question,
    parse,
)

__all__ = ["HISTORY_TURNS", "Turn", "rewrite", "turns"]

#: similar(word, candidates) -> one similarity per candidate
Similarity = Callable[[str, Sequence[str]], np.ndarray]

_CUE = re.compile(r"^\s*(?:peki(?: ya)?|ya|bir de|o zaman|and|but|so|what about|how about|and what about)\b[\s,]*",
                  re.IGNORECASE)
_TRAILING_YA = re.compile(r"\s+ya\s*\?*\s*$", re.IGNORECASE)
# Pronouns that stand for the last question's topic or its answer.
_PRONOUNS = frozenset(
    "o onu ona onun ondan onda onlar onları onlara onların bu bunu buna bunun bundan bunlar bunları bunlara "
    "bunların burada orada oraya orası şu şunu şunun şunlar kendisi kendisini kendisine kendisinin "
    "he she it him her his its they them their hers "
    "that this these those there".split()
)
# These never stand for a person ("How long did it take?" after "Who led the research?").
_IMPERSONAL = frozenset("it its bu bunu buna bunun bundan bunlar bunları bunlara bunların burada orada oraya orası "
                        "şu şunu şunun şunlar that this these those there".split())
HISTORY_TURNS = 20  # the most recent turns read from a history
_ENGLISH_WH = re.compile(
    r"\b(?:how (?:many|much|long|far|old|large|big|tall|high|often)|in what|what|which|who|whom|whose|when|where|"
    r"why|how)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rewrite:
    """The standalone question, and the words it asks about when the follow-up named them ("Peki
    uranyum?" asks about uranyum: a sentence without it cannot answer)."""

    text: str
    focus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Turn:
    """An earlier turn: the question, and what was answered (short answer, cited sentence)."""

    question: str
    fact: str = ""
    cited: str = ""


def turns(history: object) -> list[Turn]:
    """Earlier turns from ``history``: questions, (question, answer) pairs or :class:`~qa.types.Answer` s.

    Only the last :data:`HISTORY_TURNS` items are read (a follow-up leans on the turn before it), so
    a long conversation costs no more than a short one."""
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise ArgumentError(f"history must be a list of earlier questions or (question, answer) pairs, "
                            f"got {describe(history)} ({type(history).__name__})")
    start = max(len(history) - HISTORY_TURNS, 0)
    read = []
    for i, item in enumerate(history[start:], start):
        try:
            turn = _turn(item)
        except QAError as exc:  # said of the history, not of the question asked
            raise ArgumentError(f"history[{i}]: {exc}") from None
        if turn is not None:
            read.append(turn)
    return read


def _turn(item: object) -> Turn | None:
    if hasattr(item, "question") and hasattr(item, "citations"):  # an Answer: the question it answered
        cited = item.citations[0].text if item.citations and not item.abstained else ""
        return _checked(getattr(item, "rewritten", "") or item.question, item.fact if not item.abstained else "", cited)
    if isinstance(item, str):
        return _checked(item, "", "")
    if isinstance(item, (list, tuple)) and len(item) == 2:
        question, answer = item
        if answer is None:
            answer = ""
        if not isinstance(answer, str):
            raise QAError(f"the answer of a history pair must be text, got {type(answer).__name__}")
        # An answer is context, not a question: an article's zero-width space or a stray byte is dropped.
        fact, cited = _split_answer(CONTROL.sub(" ", answer[:10 * MAX_QUESTION_CHARS]))
        return _checked(question, fact, cited)
    raise QAError(f"each history item must be a question or a (question, answer) pair, got {describe(item)}")


def _checked(question: object, fact: str, cited: str) -> Turn | None:
    if not isinstance(question, str):
        raise QAError(f"each history question must be text, got {type(question).__name__}")
    if not question.strip():
        return None
    return Turn(clean_question(question[:MAX_QUESTION_CHARS]), fact[:MAX_QUESTION_CHARS],
                cited[:10 * MAX_QUESTION_CHARS])


def _split_answer(answer: str) -> tuple[str, str]:
    """(short answer, cited sentence) of an answer's text: ``"15 [1]\\n\\nsentence [1]"``."""
    parts = [re.sub(r"\s*\[\d+\]", "", p).strip() for p in answer.split("\n\n") if p.strip()]
    if not parts:
        return "", ""
    return (parts[0], parts[-1]) if len(parts) > 1 else ("", parts[0])


# -- rewriting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    surface: str
    start: int
    end: int
    key: str  # casefolded, apostrophe suffix dropped
    name: bool

    @property
    def content(self) -> bool:
        return self.key not in STOPWORDS and self.key not in QUESTION_WORDS

    @property
    def number(self) -> bool:
        return self.key[:1].isdigit()


def _words(text: str, is_name: Callable[[str], bool] = lambda word: False) -> list[_Word]:
    """The words of ``text``; a capitalised first word is a name only if ``is_name`` says so or it
    carries an apostrophe suffix."""
    words = []
    for match in TOKEN.finditer(text):
        surface = match.group()
        first = not text[:match.start()].strip(" ¿¡\"'«")
        name = surface[:1].isupper() and (not first or is_name(surface) or any(a in surface for a in "'’"))
        words.append(_Word(surface, match.start(), match.end(), strip_suffix(casefold_tr(surface)), name))
    return words


def rewrite(question: str, history: Sequence[Turn], similar: Similarity,
            is_name: Callable[[str], bool] = lambda word: False) -> Rewrite | None:
    """The standalone question a follow-up stands for, or ``None`` when it stands alone.

    ``similar(word, candidates)`` scores how alike words are (the engine uses the encoder);
    ``is_name(word)`` says whether a question's capitalised first word is a name ("Tesla"), not
    just the first word ("Şirketi")."""
    if not history:
        return None
    last = history[-1]
    cue = _CUE.match(question) or _TRAILING_YA.search(question)
    bare = _TRAILING_YA.sub("?", _CUE.sub("", question, count=1)).strip(" ,?") if cue else question.strip(" ?")
    if not bare:
        return None
    asked = parse(bare + "?")
    # After "Peki"/"What about" the first word is not the sentence's first: capitalised, it is a name.
    words = _words(bare, (lambda word: True) if _CUE.match(question) else is_name)
    content = [w for w in words if w.content]
    if asked.asks_anew:
        phrase = _question_phrase(bare, _asks_in_english(bare))
        outside = [w for w in content if phrase is None or not phrase.start <= w.start < phrase.end]
        # "Niye düştü?" after "Kâr marjı yüzde kaça düştü?" restates the last question: only its question changes.
        said = {_stem(w.key) for w in _words(last.question) if w.content}
        pronoun = any(w.key in _PRONOUNS for w in words)
        if not pronoun and (not outside or all(_stem(w.key) in said for w in outside)):
            return Rewrite(_new_question_word(bare[:phrase.end] if phrase and outside else bare, last, is_name))
        if not _has_topic(words):
            text = _with_topic(bare, words, last, is_name)
            # "Kaç seyirci önünde?" after "Maç hangi statta oynandı?": what is counted stands beside the
            # number in the answer ("32 bin 500 seyirci"). Not "hangi süre" (a type the answer need not
            # name), nor an English noun (it reaches the Turkish text only through its translations).
            counted = [w for w in content if phrase and not _asks_in_english(bare) and phrase.core_end <= w.start
                       < phrase.end and casefold_tr(bare[phrase.start:phrase.core_end]).startswith("kaç")]
            return Rewrite(text, tuple(w.key for w in counted if _stem(w.key) not in said)) if text else None
        return None
    if cue or len(content) <= 2:
        if not content:
            return None
        phrase = _question_phrase(last.question, looks_english(last.question))
        inside = (phrase.start, phrase.core_end) if phrase else (0, 0)
        slots = [w for w in _words(last.question, is_name) if not inside[0] <= w.start < inside[1]]
        text = _replace_name(content, bare, slots, last.question) or _fill_slot(content, slots, last.question, similar)
        return Rewrite(text, tuple(w.key for w in content))
    return None


def _stem(key: str) -> str:
    return key[:5]


def _has_topic(words: list[_Word]) -> bool:
    """The question names what it is about: a name, or several content words and no pronoun."""
    if any(w.key in _PRONOUNS for w in words):
        return False
    content = [w for w in words if w.content]
    return any(w.name for w in content) or len(content) >= 3


def _replace_name(new: list[_Word], bare: str, words: list[_Word], previous: str) -> str:
    """The last question with the many-word name that the new name shares a word with replaced by
    it whole ("And Newcastle Polytechnic?" after "When was Newcastle's School of Medicine and Surgery
    founded?"); "" when the new words are no such name."""
    if len(new) < 2 or not all(w.name for w in new):
        return ""
    keys = {w.key for w in new}
    runs = _runs(previous, [w for w in words if w.name and w.content], _NAME_PARTS)
    run = next((r for r in runs if len(r) > 1 and keys & {w.key for w in r} and keys != {w.key for w in r}), None)
    if run is None:
        return ""
    suffix = re.search(r"['’]\w+$", run[-1].surface)
    name = bare[new[0].start:new[-1].end] + (suffix.group() if suffix else "")
    return previous[:run[0].start] + name + previous[run[-1].end:]


def _fill_slot(new: list[_Word], words: list[_Word], previous: str, similar: Similarity) -> str:
    """The last question with the slot each new word fills replaced by it."""
    slots = [w for w in words if w.content]
    filled: dict[int, str] = {}
    extra = []
    for word in new:
        free = [i for i in range(len(slots)) if i not in filled]
        same_type = [i for i in free if slots[i].number == word.number and (word.number or slots[i].name == word.name)]
        candidates = same_type if same_type or word.number else free
        if not candidates:
            extra.append(word.surface)
            continue
        scores = similar(word.key, [slots[i].key for i in candidates])
        filled[candidates[int(np.argmax(scores))]] = word.surface
    text = previous
    for i in sorted(filled, key=lambda i: -slots[i].start):  # right to left keeps offsets valid
        text = text[:slots[i].start] + filled[i] + text[slots[i].end:]
    return _prepend(" ".join(extra), text) if extra else text


def _new_question_word(bare: str, last: Turn, is_name: Callable[[str], bool]) -> str:
    """The last question asking what ``bare`` asks: its question phrase swapped for the new one. When
    the last question asked for its subject ("Who runs the metro?"), the subject answered stays in
    ("On whose behalf DB Regio runs the metro?")."""
    previous = last.question
    english = looks_english(previous)
    old = _question_phrase(previous, english)
    if old is None:
        return _prepend(bare, previous)
    new = _question_phrase(bare, _asks_in_english(bare))
    if _asks_in_english(bare) != english:  # asked in the other language: keep both, drop the old phrase
        return _prepend(bare, (previous[:old.start] + previous[old.end:]).replace("  ", " ").strip())
    # "Kaç kişi?" replaces "kaç bina"; "Ne zaman?" replaces only "kaç" ("kaç bina" -> "ne zaman bina"),
    # but all of "hangi şehirde", which names the asked type.
    end = old.end if (new and new.end > new.core_end) or old.names_type else old.core_end
    start = old.start
    if english and new and new.end == new.core_end and casefold_tr(bare.split()[0]) in _WH_ADVERBS:
        # "Where?" after "At what temperature ...?": the adverb takes the preposition's place too
        before = re.search(r"\b(?:at|in|on|by|for|from|to|with|of|during|since|until)\s+$", previous[:start],
                           re.IGNORECASE)
        start = before.start() if before else start
    phrase = bare[:1].upper() + bare[1:] if start == 0 else bare[:1].lower() + bare[1:]
    subject = _answered_subject(last, english, is_name)
    if subject and not _asks_subject(bare + "?", english):
        end = old.end
        phrase = f"{phrase} {subject}" if english else f"{subject} {phrase}"
    return (previous[:start] + phrase + previous[end:]).replace("  ", " ")


# A Turkish noun's case ending: "hangi şehirde", "hangi ülkeye" ask for an argument, "hangi kurum" for the subject.
_CASE_ENDING = re.compile(r"(?:[dt][ae]n?|y?[ae]|y?[ıiuü]|n?[ıiuü]n)$")
_DO_SUPPORT = frozenset({"did", "does", "do"})


def _answered_subject(last: Turn, english: bool, is_name: Callable[[str], bool]) -> str:
    """The last answer when the last question asked for its subject ("Şirketi kim kurdu?", "Hangi kurum
    finanse etti?", "Who runs the metro?") and it is a name: a follow-up about the same event keeps it."""
    fact = _named_answer(last, is_name)
    return fact if fact and _asks_subject(last.question, english) else ""


def _named_answer(last: Turn, is_name: Callable[[str], bool]) -> str:
    """The last short answer, less its case suffix, when it is a name."""
    fact = _bare_answer(last, is_name)
    return fact if fact[:1].isupper() and len(fact) <= 60 else ""


def _bare_answer(last: Turn, is_name: Callable[[str], bool]) -> str:
    """The last short answer less its case suffix ("Edison'un" -> "Edison": a pronoun brings its own
    case); "" when it is capitalised only because it opens its sentence ("Belirli" of "belirli")."""
    fact = re.sub(r"['’]\w+$", "", last.fact)
    first = fact.split()[0] if fact.strip() else ""
    opener = first[:1].isupper() and last.cited.lstrip(" \"'“«").startswith(first) and not is_name(first)
    return "" if opener else fact


def _asks_subject(question: str, english: bool) -> bool:
    """Whether the question phrase is the subject: "kim", "hangi kurum" right before the verb, or an
    English "who/which X" followed by its verb (not "Who did ... meet?")."""
    phrase = _question_phrase(question, english)
    if phrase is None:
        return False
    words = _words(question)
    asked = [w for w in words if phrase.start <= w.start < phrase.end]
    after = [w for w in words if w.start >= phrase.end]
    if english:
        return phrase.start == 0 and asked[0].key in {"who", "what", "which"} and \
            not (after and after[0].key in _DO_SUPPORT)
    return (asked[-1].key == "kim" or (asked[0].key == "hangi" and len(asked) > 1
                                       and not _CASE_ENDING.search(asked[-1].key))) and len(after) <= 2


def _asks_in_english(text: str) -> bool:
    return bool(_ENGLISH_WH.match(text.strip())) or looks_english(text + "?")


@dataclass(frozen=True)
class _Phrase:
    start: int
    core_end: int  # after "ne zaman", "kaç", "how many"
    end: int  # after the noun asked about: "kaç bina", "hangi şehirde", "which city"
    names_type: bool  # "hangi/which/what X": X is the answer's type, not the topic


_TYPE_NAMING = frozenset({"hangi", "kaçıncı", "which", "what"})
_INFLECTED_KAÇ = re.compile(r"kaç(?:a|ı|ar|tan|ında)")  # "kaça düştü", "kaçı", "kaçar"
_WH_ADVERBS = frozenset({"where", "when", "why", "how"})
_POSTPOSITIONS = frozenset({"beri", "kadar", "önce", "sonra"})


def _question_phrase(text: str, english: bool) -> _Phrase | None:
    """Where the question phrase is: "ne zaman", "hangi şehirde", "kaç bina", "How many people", "Where"."""
    words = _words(text)
    if english:
        match = _ENGLISH_WH.search(text)
        if not match:
            return None
        start, core_end = match.span()
        head = casefold_tr(match.group()).split()[-1]
        following = next((w for w in words if w.start >= core_end), None)
        takes_noun = head in {"many", "much", "what", "which", "whose"} and following and following.content
        return _Phrase(start, core_end, following.end if takes_noun else core_end, head in _TYPE_NAMING)
    for i, word in enumerate(words):
        if word.key in QUESTION_WORDS or _INFLECTED_KAÇ.fullmatch(word.key):
            if i and words[i - 1].key == "yüzde" and word.key.startswith("kaç"):  # "yüzde kaça" is one phrase
                word = _Word(word.surface, words[i - 1].start, word.end, word.key, False)
            following = words[i + 1] if i + 1 < len(words) else None
            if following and (following.key in PART_OF_QUESTION_WORD or following.key.startswith("kadar")):
                # "ne zamandan beri", "ne zamana kadar": the postposition belongs to the phrase
                after = words[i + 2] if i + 2 < len(words) else None
                end = after.end if after and after.key in _POSTPOSITIONS else following.end
                return _Phrase(word.start, end, end, False)
            takes_noun = word.key in {"hangi", "kaç", "kaçıncı"} and following and following.content
            return _Phrase(word.start, word.end, following.end if takes_noun else word.end,
                           word.key in _TYPE_NAMING)
    return None


def _with_topic(bare: str, words: list[_Word], last: Turn, is_name: Callable[[str], bool]) -> str | None:
    """``bare`` with its pronoun (or its missing subject) replaced by the last turn's topic."""
    pronoun = next((w for w in words if w.key in _PRONOUNS), None)
    # "Neden başarısız oldu?" drops its whole subject; "Uzunluğu ne kadar?" names its own, less the possessor.
    phrase = _question_phrase(bare, False)
    dropped = pronoun is None and phrase is not None and not any(w.content for w in words if w.end <= phrase.start)
    referent = _referent(last, pronoun, is_name, dropped, frozenset(w.key for w in words if w.content))
    if not referent:
        return None
    if pronoun is not None:
        suffix = _suffix(pronoun.surface, referent)
        text = bare[:pronoun.start] + referent + suffix + bare[pronoun.end:]
    elif phrase is not None and _PARTITIVE.fullmatch(casefold_tr(bare[phrase.start:phrase.core_end])):
        # "Ne kadarı yağmur ormanı?": the part asked of is possessed, so the whole stands in the genitive
        text = _prepend(referent + _suffix("onun", referent), bare)
    else:
        text = _prepend(referent, bare)
    return text.rstrip(" ?") + "?"


_PARTITIVE = re.compile(r"ne kadarı|(?:yüzde )?kaçı")


def _referent(last: Turn, pronoun: _Word | None, is_name: Callable[[str], bool], dropped: bool = False,
              said: frozenset[str] = frozenset()) -> str:
    """What a pronoun points at. "he/o" after "who": the person answered ("Şirketi kim kurdu?" ->
    "Edison"); "it/that/bunlar": the last answer, else all the last question was about; otherwise the
    last question's names, the place it was answered with, or its topic; a ``dropped`` Turkish subject:
    the last question's whole subject."""
    kind = parse(last.question).kind
    fact = _bare_answer(last, is_name)
    named = fact[:1].isupper() and len(fact) <= 60
    impersonal = pronoun is not None and pronoun.key in _IMPERSONAL
    if named and not impersonal and kind is Kind.PERSON:
        return fact
    if impersonal:
        # "it/that" stands for a thing answered ("Hangi şehir?" -> "Marsilya"); after an amount, for what was
        # counted ("bunlar" after "kaç ziyaret"); after a date or a person, for the thing the question named
        # ("When did they attack it?" after "In what year was the fort founded?" -> the fort).
        if fact and len(fact) <= 60 and kind in (Kind.THING, Kind.PLACE) and not fact[:1].isdigit():
            return fact
        named_thing = fact and kind is not Kind.QUANTITY and _names(last.question, is_name, latest=True,
                                                                     besides=said)
        return named_thing or _topic(last.question, is_name)
    answered = _answered_subject(last, False, is_name) if dropped else ""
    if answered:  # "Ne kadarlık destek verdi?" after "Hangi kurum finanse etti?": TÜBİTAK and its object
        before = last.question[:_question_phrase(last.question, False).start].strip()
        if before and not is_name(before.split()[0]):
            before = before[:1].lower() + before[1:]
        return f"{answered} {before}".strip()
    subject = _subject(last.question, is_name) if dropped else ""
    if subject:
        return subject
    names = _names(last.question, is_name, besides=said)
    if names:
        return names
    if named and kind is Kind.PLACE:  # "Hangi ülkeye göç etti?" -> "Amerika"; "Onun başkenti neresi?"
        return fact
    return _topic(last.question, is_name)


# Case suffixes of an argument, not a subject: dative, locative, ablative, accusative ("Fresno'ya").
_ARGUMENT_SUFFIX = re.compile(r"['’](?:y?[ae]|[dt][ae]|[dt][ae]n|n?[dt][ae]n?|y?[ıiuü])$")


def _subject(question: str, is_name: Callable[[str], bool]) -> str:
    """A Turkish question's subject: the words before its question phrase, less trailing case-marked
    arguments, when they hold its names ("Kubilay'ın ikinci Japonya işgali hangi yıl oldu?" ->
    "Kubilay'ın ikinci Japonya işgali"; "Devlet Karayolu 41 Fresno'ya hangi şehirden giriyor?" ->
    "Devlet Karayolu 41"). A dropped subject stands for all of it, not only its names."""
    if looks_english(question):
        return ""
    phrase = _question_phrase(question, False)
    if phrase is None:
        return ""
    words = [w for w in _words(question, is_name) if w.end <= phrase.start]
    while words and (_ARGUMENT_SUFFIX.search(words[-1].surface) or not words[-1].content):
        words.pop()
    if not words or len(words) > 6 or not any(w.name for w in words):
        return ""
    return question[words[0].start:words[-1].end]


def _topic(question: str, is_name: Callable[[str], bool]) -> str:
    """The words a question is about: its content words outside the question phrase, less a Turkish
    question's final verb ("Hat kaç kilometre olacak?" -> "Hat"); in English, their longest run."""
    english = looks_english(question)
    phrase = _question_phrase(question, english)
    inside = (phrase.start, phrase.end) if phrase else (0, 0)
    words = [w for w in _words(question, is_name) if w.content and not inside[0] <= w.start < inside[1]]
    if not english and phrase and any(w.end <= phrase.start for w in words):
        # a Turkish question's topic comes before its question phrase, its predicate after ("kaça mal olacak")
        words = [w for w in words if w.end <= phrase.start]
        return question[words[0].start:words[-1].end]
    if not english and len(words) > 1:
        words = words[:-1]
    if english and words:  # the longest run of adjacent content words: "the drought-resistant wheat research"
        run = max(reversed(_runs(question, words, _WORD_JOIN)), key=len)
        return question[run[0].start:run[-1].end]
    return " ".join(w.surface for w in words)


def _runs(text: str, words: list[_Word], joins: re.Pattern) -> list[list[_Word]]:
    """Runs of ``words`` adjacent in ``text``: only what ``joins`` matches lies between two of a run."""
    runs: list[list[_Word]] = []
    for word in words:
        if runs and joins.fullmatch(text[runs[-1][-1].end:word.start]):
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


# Between two names of one referent: a space, or "and"/"ve"/"ile" ("Kazakistan ile Azerbaycan").
_NAME_JOIN = re.compile(r"\s+|\s+(?:and|ve|ile|&)\s+|,\s+", re.IGNORECASE)
_WORD_JOIN = re.compile(r"[\s-]+")
# Between the words of one many-word name: "School of Medicine and Surgery", "Bank for ...".
_NAME_PARTS = re.compile(r"\s+|\s+(?:of|and|for|the|de|del|da|van|von|ve)\s+", re.IGNORECASE)


def _names(text: str, is_name: Callable[[str], bool], latest: bool = False,
           besides: frozenset[str] = frozenset()) -> str:
    """The longest run of names in ``text`` ("Nikola Tesla", "Kazakhstan and Azerbaijan"); of two as
    long, the first (the subject), or with ``latest`` the last: "it" is the thing the subject acted on
    ("When did they attack it?" after "In what year René Goulaine founded Fort Caroline?"). A run
    whose words are all in ``besides`` (the follow-up names it itself) is no referent."""
    names = [w for w in _words(text, is_name) if w.name and w.content and w.key not in QUESTION_WORDS]
    runs = [r for r in _runs(text, names, _NAME_JOIN) if not {w.key for w in r} <= besides]
    if not runs:
        return ""
    run = max(reversed(runs) if latest else runs, key=len)
    return re.sub(r"['’]\w+$", "", text[run[0].start:run[-1].end])  # "Aliyev'e" -> "Aliyev"


_CASES = {"onun": "genitive", "bunun": "genitive", "ona": "dative", "buna": "dative", "onu": "accusative",
          "bunu": "accusative", "ondan": "ablative", "bundan": "ablative", "onda": "locative", "bunda": "locative"}


def _suffix(pronoun: str, name: str) -> str:
    """The case a Turkish pronoun carries, as an apostrophe suffix on ``name`` ("onun" → "Tesla'nın")."""
    case = _CASES.get(casefold_tr(pronoun))
    if case is None:
        return "'s" if casefold_tr(pronoun) in {"his", "its", "their"} else ""
    folded = casefold_tr(name)
    vowels = [c for c in folded if c in "aeıioöuü"]
    last = vowels[-1] if vowels else "e"
    narrow = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}[last]
    wide = "a" if last in "aıou" else "e"
    after_vowel = folded[-1:] in "aeıioöuü"
    hard = folded[-1:] in "fstkçşhp"
    return "'" + {
        "genitive": ("n" if after_vowel else "") + narrow + "n",
        "accusative": ("y" if after_vowel else "") + narrow,
        "dative": ("y" if after_vowel else "") + wide,
        "locative": ("t" if hard else "d") + wide,
        "ablative": ("t" if hard else "d") + wide + "n",
    }[case]


def _prepend(words: str, question: str) -> str:
    """``words`` put before ``question`` (its first word lower-cased when it is a function word)."""
    question = question.strip()
    first = _words(question)[:1]
    if first and first[0].start == 0 and (first[0].key in STOPWORDS or first[0].key in QUESTION_WORDS):
        question = question[:1].lower() + question[1:]
    return f"{words} {question}"
