"""What a question asks for, and the facts of that kind in a sentence.

Pure functions over text: question typing (quantity, date, person, place) in
Turkish and English, and extraction of number, time, person and place
phrases with their offsets inside a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from index.analysis import STOPWORDS, casefold_tr, fold_ascii

QUANTITY, DATE, PERSON, PLACE, TITLE = "quantity", "date", "person", "place", "title"
ORDINAL = "ordinal"
LIST = "list"
ORGANISATION = "organisation"
POSITION = "position"
EVENT = "event"
PARTIES = "parties"

# Up to three words between "which" and the noun ("which Azerbaijani or Kazakh port city"),
# none of them the start of a clause ("which goals of the two countries").
MODIFIERS = r"(?:(?!(?:of|the|a|do|does|did|is|are|was|were|will|has|have) )\w+ ){0,3}?"
_ASKS = [
    # "Anlaşmalar hangi taraflar arasında imzalandı?": the phrase before "arasında".
    (PARTIES, r"\bhangi (?:\w+ )?(?:taraf|kurum|ülke|hükümet|kuruluş)\w* arasında|\bbetween (?:which|whom|what)\b|"
              r"\bwhich parties\b|\bwho were the parties\b|\bkimler arasında\b"),
    (ORDINAL, r"\bkaçıncı|\bwhich (?:anniversary|session|edition)\b|\bwhat anniversary\b|\bhangi yıl ?dönümü|"
              r"\bhow many years\b.{0,40}\banniversary|\banniversary\b.{0,40}\bhow many years\b|"
              r"\bwhich (?:meeting|summit) of\b"),
    (EVENT, r"\bhangi (?:toplantı|zirve|etkinlik|forum|konsey|tören)\w*|"
            r"\b(?:which|what) (?:meeting|summit|event|forum|council|ceremony|gathering)\b"),
    (LIST, r"\bhangi (?:alan|konu|sektör|başlık)\w*|\bname (?:some|the|a few)(?: of the)? (?:fields|areas|sectors)\b|"
           r"\b(?:fields|areas|sectors) (?:covered|included)\b|\bwhich (?:fields|areas|sectors|topics|domains)\b|"
           r"\bwhat (?:fields|areas|sectors|topics|domains)\b|\bhangi alanlar|"
           r"\blist (?:the |all )?(?:\w+ )?(?:fields|areas|sectors|topics|domains)\b"),
    (ORGANISATION, r"\b(?:which|what|name of the) (?:\w+ ){0,4}?(?:company|companies|firms?|shipyards?|banks?|"
                   r"organi[sz]ations?|factory|factories)\b|"
                   r"\bhangi (?:\w+ ){0,3}?(?:şirket|firma|tersane|banka|kuruluş|örgüt|fabrika)"),
    (POSITION, r"\bwhat (?:title|position|post|office) (?:does|did|do|is|was)\b|\bunvan\w*|\bmakam\w*|"
               r"\w['’]s (?:title|position|post|office)\b|"
               r"\bgörevi (?:ne|nedir)|\bhangi görev\w*|\bwhich (?:post|office|position)\b"),
    # "The title of the treaty" is the treaty's name, not the article's title.
    (TITLE, r"\bbaşlı(?:k|ğı)|\bmanşet|\bheadline\b|\btitle\b(?! of (?:the |this |that )?(?:\w+ )?"
            r"(?:treaty|agreement|accord|pact|declaration|document|deal|council|corridor|pipeline|statement)\b)"),
    (QUANTITY, r"\bkaç(?:ı|ını|ının|tanesi)?\b|\bne kadar\b|\bhow long\b|\bpopulation\b|\bnüfus|"
               r"\bwhat (?:price|cost|tariff|fee|value)\b|"
               r"\bvalue of\b|\bworth\b|\bmonetary\b|\bparasal\b|\bfiyat|\bmaliyet|\bücret|"
               r"\b(?:fiyatı|ücreti|maliyeti|tarifesi|bedeli|değeri) (?:ne|nedir)\b|\bwhat level\b|"
               r"\bne düzey|\bhangi düzey|\bhangi seviye|\byüzde kaç|\bhow (?:many|much|large|big)\b|"
               r"\bwhat (?:percentage|percent|share)\b|\bwhat (?:\w+ ){0,5}?(?:amount|volume|number|tonnage|figure)\b|"
               r"\bby how much\b|\bnumerical\b|\bin (?:million |billion |thousand )?(?:tons|tonnes|dollars|barrels)\b|"
               r"\bhangi (?:oranda|miktarda|seviyeye)|\bmiktar(?:ı|ın)\b|\bsayısı\b|\boranı\b|"
               r"\bhangi (?:tutar|rakam|meblağ)\w*|\bwhat(?:'s| is| was) the (?:\w+ )?target\b|"
               r"\bcapacity\b|\bkapasite|\bcosts?\b|\bprice\b|\btariffs?\b|\bfees?\b|\bfunding\b|\bfinanc\w*|"
               r"\bhow long did\b|\bne kadar sürdü|\b(?:total )?length of\b|\bhow long is\b|\buzunluğ\w*|"
               r"\bbudget\b|"
               r"\bbütçe|\binvestment (?:amount|value|size|volume)\b|\byatırım (?:tutarı|miktarı|bedeli)"),
    (DATE, r"\bne zaman\b|\bhangi (?:tarih|yıl|gün|ay)|\btarih(?:i|inde|te)\b|"
           r"\btarih(?:i)? (?:ne|nedir)\b|\bwhen\b|\bthe date\b|\bdate of\b|"
           r"\bwhat (?:\w+ )?(?:date|day|year|month)\b|\bwhich (?:\w+ )?(?:date|day|year|month)\b|\bon what date\b|"
           r"\bby when\b|\bdeadline\b|\bhangi yıla kadar\b|\bson tarih\w*|"
           r"\b(?:publication|publishing|release) date\b|\bdateline\b|\byayın tarih\w*"),
    (PERSON, r"\bkim(?:dir|di|ler|lerdi|lerdir|lere|lerle|in|e|i|le|inle)?\b|\bwhom?\b|^\W*whose\b|"
             r"\bhangi (?:lider|cumhurbaşkanı|isim|bakan|yetkili|kişi|devlet başkanı)|\bsurname\b|\bsoyad\w*|"
             r"\bwhich (?:\w+ )?(?:leaders?|presidents?|persons?|people|officials?|ministers?|ambassadors?)\b|"
             r"\bfull name\b(?! of the (?:treaty|agreement|accord|council|corridor|pipeline|declaration|document))|"
             # "Antlaşmanın tam adı" is the treaty's name, not a person's.
             r"^(?!.*(?:anlaşma|antlaşma|bildiri|konsey|koridor|hatt|proje|boru)\w*\s+tam adı).*\btam adı\b|"
             r"\b(?:başkanının|liderinin|bakanının|cumhurbaşkanının) (?:tam )?adı\b"),
    (PLACE, r"\bnerede\b|\bnereye\b|\bnereden\b|\bneresi|\bhangi (?:şehir|şehr|ülke|saray|yer|kent|mekan|deniz|liman)|"
            r"\bhangi (?:\w+ )?(?:sınır kapı|gümrük kapı|havaliman|havaalan)|\bborder (?:gate|crossing|post)\b|"
            r"\bwhere\b|\bwhich (?:city|country|place|palace|venue|sea|route|pipeline)\b|"
            r"\bwhich " + MODIFIERS + r"(?:city|cities|country|countries|towns?|ports?)\b|"
            r"\bin what (?:city|country|place)\b|\bhangi ülkeye\b"),
]
# Matched without diacritics, so "Kac anlasma?" asks a quantity like "Kaç anlaşma?".
_ASKS = [(kind, re.compile(fold_ascii(pattern))) for kind, pattern in _ASKS]

_SCALE = r"(?:\s+(?:milyon|milyar|bin|trilyon|million|billion|thousand))?"
_UNIT = (
    r"(?:\s+(?:ton(?:a|dan|luk)?|dolar(?:a|lık)?|avro|euro|kat(?:ına|ı)?|yıl(?:da|ı|lık)?|ay|gün|"
    r"kişi|adet|kilometre|km|işbirliği\s+anlaşması(?:yla)?|anlaşma(?:sı)?|ziyaret|belge)\b)?"
)
_NUMBER = re.compile(
    r"(?:yüzde\s+)?(?<![\d-])\d+(?:[.,]\d+)*(?![\d-]|\.\s)(?:['’][^\W\d_]+)?" + _SCALE + r"(?:\s+fazla)?" + _UNIT
    + r"|\b(?:iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on)\s+kat(?:ına|ı)?\b",
    re.IGNORECASE,
)
# "enerji, ulaştırma ve lojistik, dijitalleşme ..., sağlık ve kültürel": three or more items.
_ITEM = r"[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,3}"
_ORGANISATION_WORDS = re.compile(
    r"\b(?:a\.ş|ltd|inc|corp|holding|şirketi|tersanesi|bankası|group|company|kurumu|ajansı)\b|[a-z]+oil\b")
_ENUMERATION = re.compile(rf"{_ITEM}(?:,\s+{_ITEM}){{2,}}(?:,?\s+(?:ve|ile|and)\s+{_ITEM})?")
# "Kazakistan-Azerbaycan Devletlerarası Yüksek Konseyinin 2. Toplantısı'na", "basın toplantısında".
_EVENT_PHRASE = re.compile(
    r"(?:[A-ZÇĞİÖŞÜ][\w'’-]*\s+){1,6}(?:\d+\.\s+)?(?:Toplantı|Zirve|Konsey|Forum|Kongre|Konferans)\w*(?:['’]\w+)?|"
    r"\b[a-zçğıöşü]+\s+(?:toplantısı|zirvesi|töreni|forumu)\w*")
# "iki ülke hükümetleri arasında": up to three words before "arasında".
_BETWEEN = re.compile(r"(?:[^\W\d_][\w'’-]*\s+){1,3}arasında\b")
_ORDINAL_PHRASE = re.compile(r"(?<![\d.])\d{1,3}\.\s+[^\W\d_]+(?:['’][^\W\d_]+)?")
_ABSOLUTE_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s+(?:ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|"
    r"ekim|kasım|aralık)\b|\b(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_ASKS_DAY = re.compile(r"hangi (?:gun|tarih)|\btarih(?:i|inde|te)\b|\bwhat (?:\w+ )?(?:date|day)\b|\bon what date\b|"
                       r"\bwhich (?:\w+ )?(?:date|day)\b|kaçında")
_ASKS_YEAR = re.compile(r"hangi yil|\bwhat (?:\w+ )?year\b|\bwhich (?:\w+ )?year\b|\bin what year\b|\bkac yilinda\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b(?:geçen|bu|önceki|last|this) yıl|\blast year\b", re.IGNORECASE)
_TIME = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s+(?:ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|"
    r"ekim|kasım|aralık)(?:\s+\d{4})?\b|\b(?:19|20)\d{2}\b|\bgeçen yıl\b|\bson \d+ yıl(?:da)?\b|"
    r"\byakın gelecekte\b|\byakında\b|\bişgalden bu yana\b|\b\w+den bu yana\b|"
    # "Toplantı sonrası düzenlenen basın toplantısında": when he spoke, relative to the meeting.
    r"\b(?:toplantı|görüşme|tören|zirve)\w* (?:sonrası|öncesi|sonrasında|öncesinde)\b",
    re.IGNORECASE,
)
# A run of capitalised words, with an optional apostrophe suffix on the last.
_PROPER = re.compile(
    r"(?<![\w'’])[A-ZÇĞİÖŞÜ][\wçğıöşü]*(?:-[A-ZÇĞİÖŞÜ][\wçğıöşü]*)*"
    r"(?:\s+[A-ZÇĞİÖŞÜ(][\wçğıöşü)]*(?:-[A-ZÇĞİÖŞÜ][\wçğıöşü]*)*)*(?:['’][a-zçğıöşü]+)?"
)
_NOT_PERSON = ("anlaşma", "bildiri", "konsey", "koridor", "hattı", "saray", "toplantı", "ortaklık", "ilişki",
               "birlik", "örgüt", "bakanlığ", "üniversite", "şirket", "kurum", "meclis", "parlamento", "banka",
               "program", "proje", "deniz", "agreement", "declaration", "council", "corridor")
_TITLED_BEFORE = re.compile(r"(?:cumhurbaşkanı|başbakan|bakanı?|başkanı?|lider|president|minister|sayın)\s*$")
_TITLES = ("cumhurbaşkanı", "başbakan", "bakan", "başkan", "lider", "president", "minister", "sayın")
_PLACE_WORDS = ("saray", "deniz", "hattı", "koridor", "şehr", "kent", "liman", "bölge", "palace", "city")
_EVENT_WORDS = ("toplantı", "zirve", "konferans", "tören", "görüşme", "forum", "meeting", "summit")
_SPATIAL_AFTER = re.compile(r"\s+(?:üzerinden|üzerinde|yoluyla|aracılığıyla|içinden|topraklarından|"
                            r"limanından|şehrinde|kentinde|başkentinde)\b")
_PLACE_SUFFIX = re.compile(r"['’](?:n?d[ae]|n?t[ae]|n?[dt][ae]n|y?[ae]|n[ae])$")
MONTHS_TR = ("ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık").split()


@dataclass(frozen=True)
class Fact:
    kind: str
    text: str
    start: int
    end: int


_RATE = re.compile(r"yüzde|oran|percent|rate|art(?:tı|ış|ar)|grow|increase|rise|rose|büyü")


def is_place_word(word: str) -> bool:
    """A word naming a kind of place ("denizi", "sarayı", "city"), not a place."""
    return casefold_tr(word).startswith(_PLACE_WORDS)


def rank_facts(facts: list[Fact], sentence: str, question_stems: set[str], question: str = "") -> list[Fact]:
    """Facts whose neighbourhood shares the question's words first; digits before words.

    "Kaç işbirliği anlaşması imzalandı?" must lead with "15 işbirliği
    anlaşması", not with "iki ülke" from the same sentence.
    """
    from index.analysis import analyze

    asks_rate = bool(_RATE.search(casefold_tr(question)))

    def score(fact: Fact) -> tuple[bool, float, int]:
        own = set(analyze(fact.text))
        # A name's title stands before it ("Azerbaycan Cumhurbaşkanı İlham Aliyev").
        after = 0 if fact.kind == PERSON else 40
        near = set(analyze(sentence[max(0, fact.start - 40):fact.end + after]))
        shared = 2 * len(own & question_stems) + len(near & question_stems)
        digits = 1 if any(ch.isdigit() for ch in fact.text) else 0
        repeats = len(own & question_stems) and fact.text.strip().isalpha()
        # "ne kadar yük taşındı?" wants tons; a percentage answers rates and growth only.
        percent = fact.kind == QUANTITY and "yüzde" in casefold_tr(fact.text) and not asks_rate
        return (not percent, shared + digits - (3 if repeats else 0), -fact.start)

    return sorted(facts, key=score, reverse=True)


def asked_kind(question: str) -> str | None:
    """The kind of fact the question asks for, or None for an open question."""
    folded = fold_ascii(casefold_tr(question))
    for kind, pattern in _ASKS:
        if pattern.search(folded):
            return kind
    return None


def asks_for_a_day(question: str) -> bool:
    """A date question that wants a calendar date, not "last year" or "soon"."""
    return bool(_ASKS_DAY.search(fold_ascii(casefold_tr(question))))


def asks_for_a_year(question: str) -> bool:
    """A date question that wants a year ("hangi yıl", "what year"), not "soon"."""
    return bool(_ASKS_YEAR.search(fold_ascii(casefold_tr(question))))


def names_a_year(text: str) -> bool:
    """The time phrase pins a year: "2024", "geçen yıl", "last year"."""
    return bool(_YEAR.search(text))


def is_absolute_date(text: str) -> bool:
    return bool(_ABSOLUTE_DATE.search(text))


def find_facts(sentence: str, kind: str) -> list[Fact]:
    """Phrases of ``kind`` in ``sentence``, with offsets into it."""
    if kind == QUANTITY:
        matches = _NUMBER.finditer(sentence)
    elif kind == ORDINAL:
        matches = _ORDINAL_PHRASE.finditer(sentence)
    elif kind == LIST:
        matches = _ENUMERATION.finditer(sentence)
    elif kind == ORGANISATION:
        matches = [m for m in proper_phrases(sentence) if _ORGANISATION_WORDS.search(casefold_tr(m.group()))]
    elif kind == DATE:
        matches = _TIME.finditer(sentence)
    elif kind == PERSON:
        return [_after_title(m) for m in proper_phrases(sentence) if _is_person(sentence, m)]
    elif kind == POSITION:
        return positions(sentence)
    elif kind == EVENT:
        matches = _EVENT_PHRASE.finditer(sentence)
    elif kind == PARTIES:
        matches = _BETWEEN.finditer(sentence)
    elif kind == PLACE:
        # A place: a place word or a locative/dative/ablative suffix on the name, or
        # a spatial word after it ("Azerbaycan üzerinden"); "Kazakistan-Azerbaycan
        # ilişkileri" is no place.
        matches = [m for m in proper_phrases(sentence) if not _is_person(sentence, m)
                   and not _only_capitalised_as_first_word(sentence, m)
                   and (_is_place(m.group()) or _SPATIAL_AFTER.match(sentence, m.end()))]
    else:
        return []
    return [Fact(kind, m.group().strip(), m.start(), m.end()) for m in matches]


def _is_person(sentence: str, match: re.Match) -> bool:
    """A name: after a title word ("Cumhurbaşkanı İlham Aliyev"), or two or more
    capitalised words that name no institution, document or place."""
    phrase = match.group()
    quote_before = sentence[match.start() - 1] if match.start() else ""
    if _is_place(phrase) or (quote_before and quote_before in "\"“'‘"):
        return False  # a quoted phrase is a title, not a name
    name = _after_title(match).text
    if name == phrase and not _TITLED_BEFORE.search(casefold_tr(sentence[:match.start()])):
        titled = False
    else:
        titled = True
    folded = casefold_tr(name)
    if any(word in folded for word in _NOT_PERSON):
        return False
    return titled or (len(name.split()) >= 2 and "-" not in name)


def named_people(sentence: str, people: Collection[str]) -> list[Fact]:
    """Known surnames standing alone ("Tokayev ve Aliyev, ..."); coordinated ones make one fact."""
    if not people:
        return []
    name = r"\b(?:" + "|".join(map(re.escape, sorted(people))) + r")\b"
    pattern = re.compile(rf"{name}(?:(?:\s*,\s*|\s+(?:ve|ile|and)\s+){name})*")
    return [Fact(PERSON, m.group(), m.start(), m.end()) for m in pattern.finditer(sentence)]


def other_names(sentence: str) -> list[str]:
    """Capitalised names in the sentence that are not people ("Azerbaycan", "Bakü-Tiflis-Ceyhan ...")."""
    return [m.group() for m in proper_phrases(sentence)
            if not _is_person(sentence, m) and not _only_capitalised_as_first_word(sentence, m)]


def positions(sentence: str) -> list[Fact]:
    """The titles before names: "Azerbaycan Cumhurbaşkanı" of "Azerbaycan Cumhurbaşkanı İlham Aliyev"."""
    found = []
    for match in proper_phrases(sentence):
        name = _after_title(match)
        if name.text != match.group():
            title = sentence[match.start():name.start].rstrip()
            found.append(Fact(POSITION, title, match.start(), match.start() + len(title)))
    return found


def titled_names(sentence: str) -> list[Fact]:
    """Names with the title that introduces them: "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev"."""
    found = []
    for match in proper_phrases(sentence):
        if _after_title(match).text != match.group():
            found.append(Fact(PERSON, match.group(), match.start(), match.end()))
    return sorted(found, key=lambda f: -len(f.text))


def _after_title(match: re.Match) -> Fact:
    """``Kazakistan Cumhurbaşkanı Kasım Tokayev`` -> ``Kasım Tokayev``."""
    words = list(re.finditer(r"\S+", match.group()))
    for i, word in enumerate(words[:-1]):
        if casefold_tr(word.group()) in _TITLES:
            start = match.start() + words[i + 1].start()
            return Fact(PERSON, match.string[start:match.end()], start, match.end())
    return Fact(PERSON, match.group(), match.start(), match.end())


def proper_phrases(sentence: str) -> list[re.Match]:
    """Runs of capitalised words; a function word that only starts the sentence
    ("Ayrıca Azerbaycan üzerinden") is not part of the name."""
    found = []
    for match in _PROPER.finditer(sentence):
        first = match.group().split()[0]
        if not sentence[:match.start()].strip() and " " in match.group() and casefold_tr(first) in STOPWORDS:
            rest = _PROPER.match(sentence, match.start() + len(first) + 1)
            if rest:
                found.append(rest)
            continue
        found.append(match)
    return found


def _only_capitalised_as_first_word(sentence: str, match: re.Match) -> bool:
    """"Toplantı sonrası ..." starts with a capital because it starts the sentence."""
    return not sentence[:match.start()].strip() and " " not in match.group() and "'" not in match.group() \
        and "’" not in match.group()


def _is_place(phrase: str) -> bool:
    """A place: a place word inside it, or a locative/dative/ablative suffix."""
    folded = casefold_tr(phrase)
    if any(word in folded.split()[-1] for word in _EVENT_WORDS):
        return False  # "Toplantısı'na" is an event, not a place
    return any(word in folded for word in _PLACE_WORDS) or bool(_PLACE_SUFFIX.search(folded))


def format_date(iso: str) -> str:
    """``2025-10-21`` -> ``21 Ekim 2025``."""
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS_TR[int(month) - 1].capitalize()} {year}"
