"""Who says what: the speaker of each reported statement, and the speaker a question asks about.

News reports speech as "Tokayev, ... dedi." and goes on without the name
("Ayrıca, ... dikkat çekti."). "What did Tokayev say about X?" or "Aliyev'e
göre ..." is answered by that speaker's statements only, not by a sentence
that merely mentions him. Pure text functions.
"""

from __future__ import annotations

import re

from index.analysis import casefold_tr, fold_ascii, tokenize
from index.documents import Document
from index.units import leans_on_previous, titled_people

# Verbs that report speech, as the article writes them.
_SAYS = re.compile(r"\b(?:dedi|söyledi|belirtti|belirterek|vurguladı|vurgulayarak|kaydetti|kullandı|bildirdi|"
                   r"aktardı|duyurdu|çekti|paylaştı|ifade etti|açıkladı|ekledi|dile getirdi|konuşan|said|stated)\b")
# A question about what someone said, stressed, described, or what holds according to them.
_ASKS_SPEECH = re.compile(fold_ascii(
    r"\b(?:say|says|said|tell|told|stated|states|stress\w*|emphasi[sz]\w*|underline\w*|highlight\w*|note[sd]?|"
    r"mention\w*|describ\w*|characteri[sz]\w*|call(?:s|ed)?|label\w*|announc\w*|declar\w*|remark\w*|point(?:s|ed)? out|"
    r"according to|in (?:his|her|\w+['’]s) words|wording|express\w*|view\w*|consider\w*|believ\w*|think\w*|"
    r"regard\w*|statements?|expect\w*|assess\w*|evaluat\w*|rated?|rates)\b|"
    r"\bbuluyor\w*|\bdüşün\w*|"
    r"\bgöre\b|\bdedi\w*|\bsöyle\w*|\bbelirt\w*|\bvurgula\w*|\bifade\w*|\bkaydet\w*|\bduyur\w*|\baçıkla\w*|"
    r"\bbildir\w*|\bnitelendir\w*|\btanımla\w*|\btarif\w*|\bbetimle\w*|\badlandır\w*|\böne çıkar\w*|"
    r"\bdikkat çek\w*|\baktar\w*|\bsöz\w*|\baltını çiz\w*"))
_LEADER = r"(?:lider|leader|president|cumhurbaskan|devlet baskan|head of state)"
_COUNTRY_BEFORE = re.compile(rf"(\w+)(?:'s|['’]\w+)? {_LEADER}")
_COUNTRY_AFTER = re.compile(rf"{_LEADER}\w* of (?:the )?(\w+)")
_OPENING = 80  # characters of a sentence where its subject stands


def _mentions(text: str, word: str) -> bool:
    key = fold_ascii(casefold_tr(word))[:5]
    return any(fold_ascii(t).startswith(key) for t in tokenize(text))


def sentence_speakers(doc: Document) -> dict[str, str]:
    """Sentence id -> surname of who speaks in it, for sentences that report speech.

    The speaker is the one titled person the sentence opens with; a sentence
    reporting speech without a name ("Ayrıca ... vurguladı."), or one leaning
    on the sentence before ("Bu, ..."), keeps the speaker of that sentence.
    """
    people = list(titled_people(doc))
    speakers: dict[str, str] = {}
    previous, current = None, ""
    for sentence in doc.sentences:
        if previous is None or previous.paragraph != sentence.paragraph:
            current = ""
        comma = sentence.text.find(",")
        opening = sentence.text[:comma if 0 < comma < _OPENING else _OPENING]
        named = [p for p in people if _mentions(opening, p)]
        if sentence.kind != "body":
            current = ""
        elif len(named) == 1 and _SAYS.search(sentence.text):
            current = named[0]
        elif named or not (_SAYS.search(sentence.text) or leans_on_previous(sentence, previous)):
            current = ""
        if current:
            speakers[sentence.id] = current
        previous = sentence
    return speakers


def asks_about_words(question: str) -> bool:
    """Does the question ask what someone said, stressed or described?"""
    return _ASKS_SPEECH.search(fold_ascii(casefold_tr(question))) is not None


def asked_speaker(question: str, people: dict[str, str]) -> str:
    """The person whose statements the question asks about ("" if none or several).

    ``people`` maps surnames to their titles: "the Kazakh leader" is the one
    titled "Kazakistan Cumhurbaşkanı".
    """
    return asked_person(question, people) if asks_about_words(question) else ""


def leader_countries(question: str) -> set[str]:
    """The countries next to a leader word, as four folded letters: "Kazak lider", "the
    Azerbaijani president", "president of Kazakhstan" name a person, not a country."""
    folded = fold_ascii(casefold_tr(question))
    return {fold_ascii(m.group(1))[:4] for pattern in (_COUNTRY_BEFORE, _COUNTRY_AFTER)
            for m in pattern.finditer(folded)}


def asked_person(question: str, people: dict[str, str]) -> str:
    """The one known person the question names, by surname or by title ("" if none or several)."""
    named = [p for p in people if _mentions(question, p)]
    if not named:
        near = leader_countries(question)
        named = [p for p, title in people.items()
                 if " " in title and fold_ascii(casefold_tr(title.split()[0]))[:4] in near]
    return named[0] if len(named) == 1 else ""


__all__ = ["asked_person", "asked_speaker", "asks_about_words", "leader_countries", "sentence_speakers"]
