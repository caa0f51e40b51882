"""Turkish lexical analysis: casefolding, tokens, apostrophe suffixes, stems.

``str.lower()`` is wrong for Turkish ("I" must become "ı" and "İ" must become
a plain "i"), so every comparison in the project goes through
:func:`casefold_tr`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

APOSTROPHES = "'’‘`´ʼ"

# Tokens: numbers keep their decimal comma/period ("4,5", "1.000"), words keep
# the letters of any script. An apostrophe and the suffix after it are matched
# so that the suffix can be dropped ("Kazakistan'ın" -> "kazakistan").
TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:[" + APOSTROPHES + r"][^\W\d_]+)?|[^\W\d_]+(?:[" + APOSTROPHES + r"][^\W\d_]+)?")
_TOKEN = TOKEN

TURKISH_STOPWORDS = frozenset(
    """
    ve ile veya ya da de ki mi mı mu mü bir bu şu o bunu şunu onu bunun onun
    için gibi kadar kadara kadarı kadarını kadarlık olarak olan olduğu olduğunu ise ne neler nedir nelerdir
    kaç kaçta kim kimdir kimler kime kimin kimi nerede nereye nereden neresi
    neresidir hangi hangisi nasıl niçin neden niye mıdır midir mudur müdür
    ile ilgili hakkında göre üzere her en daha çok az tüm bütün hem ancak
    ama fakat sonra önce ayrıca peki acaba var yok idi imiş ediyor etti
    oldu olur olmuş tarafından arasında ait tarihte tarihinde tarihli tane adet
    adı adını isim ismi tam haber haberde haberin makale makalede makalenin metin metinde
    metne metindeki habere haberdeki makaleye makaledeki yazıda yazıya yazıdaki
    orada burada şurada oradan buradan ondan bundan onlar bunlar şunlar onların bunların
    kimdi kimlerdi kimlerdir kimlerle kiminle kimlerin
    neydi nereydi hangileri neyi neye neyin neyle nelere neleri nelerin
    nelerdi nereyi neresini dışında hariç kaçıncı kaçıncısı kaça kaçar kaçtan kaçı kaçını nereli nerelidir
    beri kendisi kendisini kendisine kendisinin
    söz konusu açılım açılımı kısaltma kısaltması toplam toplamda unvan unvanı arasındaki
    toprakları topraklarından topraklarında topraklarına yanı sıra içinde içerisinde süresince boyunca
    edildi edilen edildiği edildiğini edilmesi edilecek eden ettiği ettiğini
    etkinlik etkinlikle etkinlikte etkinliği olay olayla olayı tür türde türden türü biçim biçimde şekil şekilde
    bahsi bahsedilen bahsettiği bahsettikleri anılan format formatta ayrı ayrı ayrı attı atıldı atılan attılar
    hammadde hammaddesi hammaddesinin hammaddeyi madde maddesi maddenin
    """.split()
)
ENGLISH_STOPWORDS = frozenset(
    """
    a an the of to in on at by for from with about and or is are was were be
    been being do does did what which who whom whose when where why how many
    much that this these those it its as into than then there their they he
    she his her them we our you your i me my can could would should will
    shall may might has have had not no yes so if any some also
    name full mentioned mention according article articles news story report text say said tell
    told describe described call called regarding concerning via through during between among
    against per towards toward within without besides except apart aside else
    st nd rd th co total last ago along across over upon title position abbreviation acronym
    list give explain summarise summarize briefly please kind sort type event
    material materials commodity commodities substance substances raw item items thing things piece publication
    birkaç birkaçı birkaçını sayın sayınız sıralayın sıralar mısınız listeleyin
    roughly approximately exactly precisely around yaklaşık
    """.split()
)
# Turkish casefolding turns a capital English "I" into "ı" ("In" -> "ın"): keep
# both spellings so English function words are recognised either way.
ENGLISH_STOPWORDS = ENGLISH_STOPWORDS | {w.replace("i", "ı", 1) for w in ENGLISH_STOPWORDS if w.startswith("i")}
_ASCII = str.maketrans("çğıöşü", "cgiosu")


def fold_ascii(text: str) -> str:
    """Casefolded Turkish without its diacritics, as typed on a keyboard without them."""
    return text.translate(_ASCII)


# "kac", "nasil": the same function words typed without Turkish letters.
TURKISH_STOPWORDS = TURKISH_STOPWORDS | {fold_ascii(w) for w in TURKISH_STOPWORDS}
STOPWORDS = TURKISH_STOPWORDS | ENGLISH_STOPWORDS


def lacks_turkish_letters(text: str) -> bool:
    """Typed without ç ğ ı ö ş ü (the encoder then understands Turkish poorly)."""
    return not any(ch in "çğıöşüÇĞİÖŞÜ" for ch in text)


def looks_english(text: str) -> bool:
    """More English than Turkish function words (a question is short: that suffices)."""
    english = sum(t in ENGLISH_STOPWORDS for t in _TOKEN.findall(text.lower()))
    turkish = sum(strip_suffix(t) in TURKISH_STOPWORDS for t in _TOKEN.findall(casefold_tr(text)))
    return english > turkish


_CIRCUMFLEX = str.maketrans("âîû", "aiu")


def casefold_tr(text: str) -> str:
    """Lower-case ``text`` with Turkish rules (İ→i, I→ı), NFC-normalised."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("İ", "i").replace("I", "ı")
    # A decomposed "İ" (I + U+0307) becomes "ı̇" above; fold it back to "i".
    # The circumflex is optional in Turkish spelling (zekâ = zeka).
    return text.lower().replace("ı̇", "i").replace("i̇", "i").translate(_CIRCUMFLEX)


@lru_cache(maxsize=1 << 18)  # a corpus repeats its words: loading 20,000 sentences strips 1.7 M tokens
def strip_suffix(token: str) -> str:
    """Drop an apostrophe and the suffix after it: ``kazakistan'ın`` -> ``kazakistan``."""
    for mark in APOSTROPHES:
        head, sep, _ = token.partition(mark)
        if sep:
            return head
    return token


def tokenize(text: str) -> list[str]:
    """Casefolded word and number tokens, apostrophe suffixes removed."""
    return [strip_suffix(t) for t in _TOKEN.findall(casefold_tr(text))]


def content_tokens(text: str) -> list[str]:
    """Tokens without stopwords."""
    return [t for t in tokenize(text) if t not in STOPWORDS]


def content_words(texts: list[str]) -> set[str]:
    """The distinct content words of ``texts``, without numbers and words under three letters."""
    return {t for text in texts for t in content_tokens(text) if len(t) > 2 and not t[0].isdigit()}


@lru_cache(maxsize=1)
def _snowball() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("turkish")


STEMMERS = ("snowball5", "snowball", "prefix5", "none")


DEFAULT_STEMMER = "snowball5"


@lru_cache(maxsize=1 << 18)
def stem(token: str, method: str = DEFAULT_STEMMER) -> str:
    """Stem one casefolded token.

    ``prefix5`` keeps the first five letters, a strong baseline for
    agglutinative Turkish; ``snowball`` is PyStemmer's Turkish stemmer, which
    leaves many possessive and case suffixes on ("anlaşmas", "toplantıs");
    ``snowball5`` (the default) truncates the snowball stem to five letters,
    which joins "halkı"/"halklarının" and "anlaşması"/"anlaşma" alike.
    Stems are folded to ASCII so that "anlasmasi" typed without Turkish
    letters meets "anlaşması".
    """
    if token[0].isdigit() or method == "none":
        return token
    if method == "prefix5":
        return fold_ascii(token[:5])
    if method == "snowball":
        return fold_ascii(_snowball().stemWord(token))
    if method == "snowball5":
        stemmed = fold_ascii(_snowball().stemWord(token)[:5])
        # "hacmi" (possessive left on) and "hacm" (from "hacmini") are one word.
        return stemmed[:4] if len(stemmed) == 5 and stemmed[4] in "iu" else stemmed
    raise ValueError(f"unknown stemmer {method!r}; choose one of {', '.join(STEMMERS)}")


def normalise_case(text: str) -> str:
    """A question typed in capitals, in sentence case (the encoder is case-sensitive)."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) <= 0.6 * len(letters):
        return text
    folded = casefold_tr(text)
    return folded[:1].replace("i", "İ").upper() + folded[1:]


def analyze(text: str, method: str = DEFAULT_STEMMER) -> list[str]:
    """The index terms of ``text``: content tokens, stemmed."""
    return [stem(t, method) for t in content_tokens(text)]
