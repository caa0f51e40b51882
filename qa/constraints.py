"""What a question pins down that the evidence must match: numbers, units, names.

Pure text functions. A question that says "third meeting", "in dollars" or
"China" is only answered by a sentence that has the same ordinal, unit or
name; otherwise the loosely related sentence is not evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from index.analysis import STOPWORDS, casefold_tr, strip_suffix

_CARDINALS = {
    "iki": "2", "üç": "3", "dört": "4", "beş": "5", "altı": "6", "yedi": "7", "sekiz": "8", "dokuz": "9",
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "twice": "2", "double": "2",
}
# Spelt-out numbers a question may restate ("Of the fifteen accords, how many ...?").
_NUMBER_WORDS = {
    # Small ones restate the context ("the two countries"), so only from eleven up.
    "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16",
    "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "fifty": "50",
}
_TURKISH_UNITS = ("bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz")
_TURKISH_TEENS = re.compile(r"\bon (" + "|".join(_TURKISH_UNITS) + r")\b")
_ORDINALS = {
    "ikinci": "2", "üçüncü": "3", "dördüncü": "4", "beşinci": "5",
    "altıncı": "6", "yedinci": "7", "sekizinci": "8", "dokuzuncu": "9", "onuncu": "10",
    "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "twentieth": "20",
}
_ORDINAL_SUFFIX = re.compile(r"^(\d+)(?:st|nd|rd|th|\.)$")
_WORD = re.compile(r"\d+(?:st|nd|rd|th)\b|\d+(?:[.,]\d+)*\.?|[^\W\d_]+(?:['’][^\W\d_]+)?")

# Each unit's forms; forms of five letters or more also match as prefixes ("dolara").
UNITS = {
    "dolar": ("dolar", "dollar", "usd", "$"),
    "ton": ("ton", "tona", "tonluk", "tondan", "tonne", "tons"),
    "yüzde": ("yüzde", "percent", "%"),
    "kat": ("kat", "katı", "katına", "katla", "misli", "misline", "mislini", "times", "fold", "double", "twice",
            "multipl", "triple"),
    "km": ("km", "kilometre", "kilometer", "metre", "meter", "mile", "miles", "uzunluğu", "derinliği",
           "yüksekliği", "depth", "length", "height"),
    "yaş": ("yaş", "yaşında", "yaşındadır", "old", "age"),
    "kişi": ("kişi", "kişidir", "people", "inhabitants", "nüfus", "nüfusu", "population"),
    # How long an event lasted: days and hours, not the article's years.
    "süre": ("gün", "günlük", "saat", "saatlik", "hafta", "dakika", "day", "days", "hour", "hours", "week",
             "weeks", "minute", "minutes"),
    "megavat": ("megavat", "megawatt", "megawatts", "mw", "gigavat", "gigawatt", "gw", "kilovat", "kilowatt",
                "kw", "kwh", "mwh"),
    "avro": ("avro", "euro", "euros", "eur", "€"),
    "varil": ("varil", "barrel", "barrels"),
    "metreküp": ("metreküp", "cubic", "m3", "bcm"),
    "hektar": ("hektar", "hectare", "hectares"),
}

# Words about the document itself: no sentence mentions them, yet a question
# such as "Bu haber hangi tarihli?" is about the article.
META_WORDS = frozenset(
    "haber haberi haberin makale makalenin makalesi yazı metin article story news report text "
    "published yayımlandı yayınlandı yayımlanan yayınlanan".split()
)
# A price is a sum of money: "kaç dolar" and "what tariff" alike want one.
_PRICE = re.compile(r"\b(?:fiyat|ücret|maliyet|tarife|bedel|parasal|price|cost|tariff|fee|monetary|worth|money|"
                    r"invest|yatırım|budget|bütçe|funding|premium|sigorta prim|insurance)\w*")

_HOW_LONG = re.compile(r"\bhow (?:long|deep|high|tall|far) (?:is|are|was)\b|\bne kadar (?:uzun|derin|yüksek)")
_DURATION = re.compile(r"\bhow long did\b|\bhow long (?:will|would)\b|\bne kadar sür|\bkaç (?:gün|saat|hafta) sür")

# Roles a "who" question can name, with the Turkish word the article would use.
ROLES = {
    "bakan": ("bakan", "minister", "ministry"),
    "başbakan": ("başbakan", "prime minister", "premier"),
    "büyükelçi": ("büyükelçi", "ambassador"),
    "sözcü": ("sözcü", "spokes"),
    "cumhurbaşkanı": ("cumhurbaşkan", "president", "head of state", "devlet başkan"),
}

_NEXT = re.compile(r"\bnext\b|\bsonraki\b|\bbir dahaki\b|\bupcoming\b")
_NEXT_IN_TEXT = re.compile(r"sonraki|gelecek|yakında|planla|next")
_FUTURE = re.compile(r"\b\w+(?:acak|ecek)(?:tır|tir|lar|ler)?\b|\b\w+(?:acağ|eceğ)(?:ı|i|ını|ini)\b|"
                     r"\bwill\b|\bnext\b|\bsonraki\b|\bgelecek\b|"
                     r"\bplanlan\w*|\bhedeflen\w*|\bhedef(?:i|leri)? olarak\b|\bbekleniyor\b|\bplan\w*|\bexpect\w*|"
                     r"\bscheduled\b|\baim\w*|\btarget\w*|\bwant(?:s|ed)? to\b|\bhop(?:e|es|ing) to\b|\bgoals?\b|"
                     r"\bintend\w*|\bhedefl\w*|\bamaçl\w*|\bisti(?:yor|yorlar)\b")
# "When was the treaty originally signed?" asks about an earlier event than the one reported.
_EARLIER = re.compile(r"\boriginally\b|\bfirst (?:signed|held|established|founded)\b|\bestablished\b|\bfounded\b|"
                      r"\bilk (?:kez|defa|olarak)\b|\bilk imza\w*|\bkuruldu\w*|\bkurulu[sş]\w*|"
                      r"\bfirst (?:meeting|session|summit|gathering)\b|\bilk (?:toplantı|oturum|zirve)\w*|"
                      # "Bu ziyaretten önce en son ne zaman görüşmüşlerdi?": the time before, not this one.
                      r"\ben son\b|\bdaha önce\b|\bpreviously\b|\bbefore this\b|\blast time\b|"
                      r"\bprior to (?:this|the)\b|"
                      # "Who was the first president to visit Baku after independence?"
                      r"\bthe first (?:\w+ ){1,3}to\b|\bafter independence\b|\bbağımsızlığ\w*")
# Relative years: a "this year" question is not answered by a "last year" figure.
_RELATIVE_YEARS = {
    "last": re.compile(r"\bgeçen (?:yıl|sene)\w*|\blast year\b|\bgecen (?:yil|sene)\w*"),
    "this": re.compile(r"\bbu (?:yıl|sene)\w*|\bthis year\b|\bbu (?:yil|sene)\w*"),
    "next": re.compile(r"\bgelecek (?:yıl|sene)\w*|\bönümüzdeki (?:yıl|sene)\w*|\bnext year\b"),
}
# "ilk"/"first" is too common to be demanded of the evidence ("ilk olarak"); it
# only conflicts with another ordinal on the same noun ("ilk toplantı" vs "2. Toplantısı").
_FIRST = {"ilk": "1", "birinci": "1", "first": "1"}
_DETERMINERS = {"the", "its", "their", "a", "an", "this", "that"}
_COUNTED = re.compile(r"(?<!yüzde )\b(?:kaç|kac|how many|number of)\s+([^\W\d_]+(?:['’][^\W\d_]+)?)")
# "kaç arttı", "kaç büyüdü": a verb after "kaç" counts nothing named.
_VERB_END = re.compile(r"(?:[dt][ıiuü](?:r|k|m|n|lar|ler)?|m[ıiuü]ş\w*|[ae]c[ae]k\w*|[ıiuü]?yor\w*|m[ae]k)$")


def spelt_number(word: str) -> str:
    """The digits of a spelt-out number from eleven up ("fifteen" -> "15"), "" for any other word."""
    return _NUMBER_WORDS.get(word, "")


def restated_numbers(question: str) -> set[str]:
    """Every number the question states, digits or words ("fifteen", "on beş"), as digit strings."""
    folded = casefold_tr(question)
    numbers = set(re.findall(r"\d+(?:[.,]\d+)*", folded))
    numbers |= {_NUMBER_WORDS[w] for w in re.findall(r"[^\W\d_]+", folded) if w in _NUMBER_WORDS}
    numbers |= {str(10 + _TURKISH_UNITS.index(m) + 1) for m in _TURKISH_TEENS.findall(folded)}
    return numbers


def question_numbers(question: str) -> tuple[set[str], set[str]]:
    """(cardinals, ordinals) the question states, as digit strings.

    Cardinal words ("iki ülke", "the two presidents") restate the context
    more often than they constrain the answer, so only digits count as
    cardinals; ordinals ("üçüncü", "third", "3.") always constrain.
    """
    cardinals, ordinals = set(), set()
    for raw in _WORD.findall(casefold_tr(question)):
        word = strip_suffix(raw)
        if word in _ORDINALS:
            ordinals.add(_ORDINALS[word])
        elif match := _ORDINAL_SUFFIX.match(word):
            ordinals.add(match.group(1))
        elif word.replace(",", "").replace(".", "").isdigit():
            cardinals.add(word)
    return cardinals, ordinals


_EXCLUDED = re.compile(
    r"(?:\d+\s+)?([^\W\d_]+(?:['’][^\W\d_]+)?(?:\s+(?:ve|and)\s+[^\W\d_]+)?)\s+(?:dışında|hariç|yanı sıra)\b|"
    r"\b(?:apart from|besides|beyond|other than|except(?: for)?|aside from|[iı]n addition to)\s+(?:the\s+)?(?:\d+\s+)?"
    r"([^\W\d_]+(?:\s+(?:ve|and)\s+[^\W\d_]+)?)")


def excluded_words(question: str) -> list[str]:
    """Words the question sets aside ("petrol dışında", "apart from oil"): not the topic."""
    words = []
    for match in _EXCLUDED.finditer(casefold_tr(question)):
        phrase = match.group(1) or match.group(2)
        words += [strip_suffix(w) for w in re.split(r"\s+(?:ve|and)\s+", phrase)]
        # "15 anlaşmanın yanı sıra": the number counts what is set aside.
        words += re.findall(r"\d+", match.group(0))
    return words


_CHOICE = re.compile(r"\bor\b|\bveya\b|\byoksa\b|\bya da\b")


def numbers_missing(question: str, sentence: str) -> list[str]:
    """Numbers of the question that the sentence does not state ("apart from the 15 agreements" sets 15 aside)."""
    cardinals, ordinals = question_numbers(_EXCLUDED.sub(" ", casefold_tr(question)))
    folded = casefold_tr(sentence)
    words = set(_WORD.findall(folded))
    stated = {strip_suffix(w).rstrip(".") for w in words}
    stated |= {_CARDINALS[w] for w in stated if w in _CARDINALS}
    stated_ordinals = {w.rstrip(".") for w in words if w.endswith(".")} | {
        _ORDINALS[w] for w in stated if w in _ORDINALS
    }
    missing = [n for n in sorted(cardinals) if n not in stated]
    choices = len(ordinals) + bool(re.search(r"\b(?:first|ilk|birinci)\b", casefold_tr(question)))
    offered = choices > 2 or (choices > 1 and _CHOICE.search(casefold_tr(question)))
    # "The first, second or third session?" offers choices: one of them stated is enough.
    if not (offered and ordinals & stated_ordinals):
        missing += [f"{n}." for n in sorted(ordinals) if n not in stated_ordinals]
    return missing


def _ordinal_nouns(text: str, alternatives: Mapping[str, list[str]] | None = None) -> set[tuple[str, str]]:
    """(ordinal, noun prefix) pairs: "2. Toplantısı" -> ("2", "topla"); "ilk toplantı" -> ("1", "topla").

    ``alternatives`` adds the corpus words a noun stands for ("the first meeting" -> ("1", "topla")),
    after a determiner only: in "how did they first meet" the ordinal is an adverb.
    """
    words = _WORD.findall(casefold_tr(text))
    pairs = set()
    for before, word, following in zip(["", *words], words, words[1:], strict=False):
        bare = strip_suffix(word)
        match = _ORDINAL_SUFFIX.match(word)
        number = match.group(1) if match else _ORDINALS.get(bare) or _FIRST.get(bare)
        if number and following[0].isalpha():
            noun = strip_suffix(following)
            translated = alternatives if before in _DETERMINERS else None
            forms = [noun, *(translated or {}).get(following, ()), *(translated or {}).get(noun, ())]
            pairs |= {(number, strip_suffix(casefold_tr(form))[:5]) for form in forms}
    return pairs


def ordinal_conflict(question: str, sentences: list[str], alternatives: Mapping[str, list[str]] | None = None) -> str:
    """The question's "ilk toplantı" when the evidence only knows a "2. Toplantısı" ("" if none)."""
    asked = _ordinal_nouns(question, alternatives)
    stated = set().union(*(_ordinal_nouns(s) for s in sentences)) if sentences else set()
    for number, noun in sorted(asked):
        others = {n for n, other in stated if other == noun}
        if others and number not in others:
            return f"{number}. {noun}…"
    return ""


def counted_noun(question: str) -> str:
    """What a "kaç X / how many X" question counts, suffix removed ("" if it counts nothing named)."""
    match = _COUNTED.search(casefold_tr(question))
    if not match or _VERB_END.search(match.group(1)):
        return ""
    return strip_suffix(match.group(1))


_ENGLISH_VERB = re.compile(r"(?:ed|ing)$")
_VERBAL_NOUN = re.compile(r"(?:[ıi]l|[ıi]n)?m[ae](?:s[ıi]\w*|y[ıi])$")


def verb_forms(words: list[str]) -> frozenset[str]:
    """Words that look like inflected verbs ("carried", "taşındı"): what happened, not what about.

    The question's most specific word should be a thing ("uranium"), which
    the answer sentence must have; a verb is often paraphrased.
    """
    return frozenset(w for w in words if len(w) > 4 and (_VERB_END.search(w) or _ENGLISH_VERB.search(w)
                                                        or _VERBAL_NOUN.search(w)))


def unit_words(words: list[str]) -> frozenset[str]:
    """The words among ``words`` that name a unit ("ton", "dolar", "yüzde")."""
    forms = {f for unit_forms in UNITS.values() for f in unit_forms}
    return frozenset(w for w in words if w in forms or any(len(f) > 4 and w.startswith(f) for f in forms))


def asked_units(question: str) -> list[str]:
    """Units the question asks its quantity in ("kaç dolar" -> ["dolar"]; a price -> dolar)."""
    folded = casefold_tr(question)
    tokens = {strip_suffix(t) for t in _WORD.findall(folded)} | ({"%"} if "%" in folded else set())
    units = [unit for unit, forms in UNITS.items()
             if any(t == f or (len(f) > 4 and t.startswith(f)) for t in tokens for f in forms)]
    if asks_for_a_price(question) and "dolar" not in units:
        units.append("dolar")
    if _HOW_LONG.search(folded) and "km" not in units:
        units.append("km")
    if _DURATION.search(folded) and "süre" not in units:
        units.append("süre")
    return units


def asks_for_a_price(question: str) -> bool:
    return bool(_PRICE.search(casefold_tr(question)))


def role_missing(question: str, sentence: str, folded: bool = False) -> str:
    """The role a "who" question names ("foreign minister") when the sentence has no such role.

    ``folded``: the sentence is already casefolded (a whole corpus, folded once).
    """
    folded_q, folded_s = casefold_tr(question), sentence if folded else casefold_tr(sentence)
    for turkish, forms in ROLES.items():
        if any(form in folded_q for form in forms):
            # "bakan" inside "cumhurbaşkanı" is no minister: match whole-word starts.
            if not re.search(r"(?<![\w])" + re.escape(turkish[:6]), folded_s):
                return turkish
            return ""
    return ""


def has_unit(fact: str, unit: str) -> bool:
    """Does the fact carry the unit (in the article's Turkish)?"""
    folded = casefold_tr(fact)
    if unit == "km":
        return any(form in folded for form in ("km", "kilometre", "metre", "mil "))
    return unit in folded or any(re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", folded)
                                 for form in UNITS.get(unit, ()) if len(form) >= 2 and form != "double")


def is_about_the_document(question: str) -> bool:
    """The question names the article itself ("haber", "article", "published")."""
    return any(strip_suffix(t) in META_WORDS for t in _WORD.findall(casefold_tr(question)))


def next_event_missing(question: str, sentence: str) -> bool:
    """The question asks about the next event, and the sentence speaks of no future one."""
    return bool(_NEXT.search(casefold_tr(question))) and not _NEXT_IN_TEXT.search(casefold_tr(sentence))


def asks_about_an_earlier_event(question: str) -> bool:
    return bool(_EARLIER.search(casefold_tr(question)))


def relative_year_conflict(question: str, sentence: str) -> str:
    """The question's "this year" when the sentence speaks of another year only ("" if no conflict)."""
    folded_q, folded_s = casefold_tr(question), casefold_tr(sentence)
    asked = {name for name, pattern in _RELATIVE_YEARS.items() if pattern.search(folded_q)}
    stated = {name for name, pattern in _RELATIVE_YEARS.items() if pattern.search(folded_s)}
    if asked and stated and not asked & stated:
        return f"{'/'.join(sorted(asked))} year"
    return ""


def asks_about_the_future(question: str) -> bool:
    return bool(_FUTURE.search(casefold_tr(question)))


def name_candidates(question: str, first: bool = False) -> list[str]:
    """Capitalised words of the question that look like names, suffixes removed.

    The first word is capitalised anyway: it counts only with ``first``. Function
    words and a question written in capitals are skipped; a hyphenated name
    ("Trans-Caspian") is kept whole.
    """
    letters = [c for c in question if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        return []
    names = []
    for position, match in enumerate(re.finditer(r"[^\s\"“”()?!,;:]+", question)):
        token = match.group().strip(".")
        if (position == 0 and not first) or not token or not token[0].isupper() or token[0].isdigit():
            continue
        base = strip_suffix(token)
        if casefold_tr(base) in STOPWORDS or base.lower() in STOPWORDS:
            continue
        names.append(base)
    return names
