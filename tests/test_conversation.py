"""Follow-up rewriting, without a model: similarity is a stand-in (shared letters, plus pairs we declare)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.conversation import Turn, rewrite, turns
from qa.query import QAError
from qa.types import Answer, Citation

ALIKE = {("uranyum", "petrol"), ("uranyum", "oil"), ("warsaw", "kraków"), ("maliyeti", "durak"),
         ("azerbaycan", "kazakistan")}
NAMES = {"Tesla", "Nikola", "Kazakistan", "Azerbaycan", "Edison", "Devlet"}


def shared_letters(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def similar(word: str, candidates) -> np.ndarray:
    return np.array([shared_letters(word, c) + 5 * ((word, c) in ALIKE) for c in candidates], float)


def is_name(word: str) -> bool:
    return word.split("'")[0] in NAMES


def ask(question: str, previous: str, fact: str = "") -> str | None:
    rewritten = rewrite(question, [Turn(previous, fact)], similar, is_name)
    return rewritten.text if rewritten else None


@pytest.mark.parametrize(("question", "previous", "expected"), [
    # ellipsis: the new word takes the slot of the most similar word of the same type
    ("Peki uranyum?", "How much Kazakh oil went through BTC last year?",
     "How much Kazakh uranyum went through BTC last year?"),
    ("Peki uranyum?", "Geçen yıl ne kadar petrol taşındı?", "Geçen yıl ne kadar uranyum taşındı?"),
    ("Ya Azerbaycan?", "Kazakistan kaç anlaşma imzaladı?", "Azerbaycan kaç anlaşma imzaladı?"),
    ("Azerbaycan ya?", "Kazakistan kaç anlaşma imzaladı?", "Azerbaycan kaç anlaşma imzaladı?"),
    ("What about Warsaw?", "When was the first stock exchange in Kraków founded?",
     "When was the first stock exchange in Warsaw founded?"),
    ("Bir de 2020'de?", "2019'da kaç kişi öldü?", "2020'de kaç kişi öldü?"),
    ("Bir de 2020'de?", "Kaç kişi öldü?", "2020'de kaç kişi öldü?"),  # no year to replace: added
    # a new question word about the same topic
    ("Peki ne zaman?", "Nikola Tesla hangi şehirde doğdu?", "Nikola Tesla ne zaman doğdu?"),
    ("Ne zaman?", "Nikola Tesla nerede doğdu?", "Nikola Tesla ne zaman doğdu?"),
    ("When?", "Where was Tesla born?", "When was Tesla born?"),
    ("Kaç kişi?", "Depremde kaç bina yıkıldı?", "Depremde kaç kişi yıkıldı?"),
    # the follow-up restates the last question: only the question phrase changes
    ("Niye düştü?", "Şirketin kâr marjı ilk çeyrekte yüzde kaça düştü?", "Şirketin kâr marjı ilk çeyrekte niye düştü?"),
    ("Hangi bankadan?", "Projenin ne kadarı krediyle karşılanacak?", "Projenin hangi bankadan krediyle karşılanacak?"),
    ("Where?", "At what temperature will the vaccines be stored?", "Where will the vaccines be stored?"),
    # a pronoun or a dropped subject: the last question's names, or its answer when it named none
    ("Ne zaman doğdu?", "Nikola Tesla nerede doğdu?", "Nikola Tesla ne zaman doğdu?"),
    ("When did he die?", "Who founded the company?", "When did Thomas Edison die?"),
    ("Onun başkenti neresi?", "Hangi ülkeye göç etti?", "Amerika'nın başkenti neresi?"),
    ("Ona ne verildi?", "Ödülü kim kazandı?", "Tesla'ya ne verildi?"),
    ("Onu kim davet etti?", "Konuşmayı kim yaptı?", "Edison'u kim davet etti?"),  # the answer's own suffix dropped
    # a dropped Turkish subject is the last question's whole subject, less its case-marked arguments
    ("Neden başarısız oldu?", "Tesla'nın ikinci deneyi hangi yıl yapıldı?",
     "Tesla'nın ikinci deneyi neden başarısız oldu?"),
    ("Nereye gidiyor?", "Devlet Karayolu 41 Fresno'ya hangi şehirden giriyor?", "Devlet Karayolu 41 nereye gidiyor?"),
    # "it" after a year answered is the thing named, not the year
    ("When did the Spanish attack it?", "In what year was Fort Caroline founded?",
     "When did the Spanish attack Fort Caroline?"),
    # a many-word name replaces the name it shares a word with, whole
    ("And Newcastle Polytechnic?", "When was Newcastle's School of Medicine and Surgery founded?",
     "When was Newcastle Polytechnic founded?"),
])
def test_follow_ups_are_rewritten(question, previous, expected):
    facts = {"Who founded the company?": "Thomas Edison", "Hangi ülkeye göç etti?": "Amerika",
             "Ödülü kim kazandı?": "Tesla", "Nikola Tesla nerede doğdu?": "Smiljan",
             "Konuşmayı kim yaptı?": "Edison'un",
             "In what year was Fort Caroline founded?": "1564"}
    assert ask(question, previous, facts.get(previous, "")) == expected


@pytest.mark.parametrize(("question", "previous", "fact", "expected"), [
    # the last question asked for its subject ("kim", "hangi kurum" before the verb, "Who runs"): it stays in
    ("Ne kadarlık destek verdi?", "Kuraklığa dayanıklı buğday araştırmasını hangi kurum finanse etti?", "TÜBİTAK",
     "TÜBİTAK kuraklığa dayanıklı buğday araştırmasını ne kadarlık destek verdi?"),
    ("On whose behalf?", "Who runs the Tyne and Wear Metro?", "DB Regio",
     "On whose behalf DB Regio runs the Tyne and Wear Metro?"),
    ("Ne zaman?", "Şirketi kim kurdu?", "Edison", "Şirketi Edison ne zaman kurdu?"),
    ("Ne zamandan beri?", "IPCC'nin başkanı kim?", "Hoesung Lee", "IPCC'nin başkanı Hoesung Lee ne zamandan beri?"),
    # ... but not an argument ("hangi şehre"), nor when the follow-up asks for the subject again
    ("Ne zaman?", "Tesla hangi şehre taşındı?", "New York", "Tesla ne zaman taşındı?"),
    ("Peki kim?", "Şirketi kim kurdu?", "Edison", "Şirketi kim kurdu?"),
    # "kendisi" is a pronoun; "nereli" and "kaça" are question words
    ("Kendisi nereli?", "Ödülü kim kazandı?", "Tesla", "Tesla nereli?"),
    # after an amount, "bunun" is the topic before the question phrase, not the predicate after it
    ("Bunun ne kadarı krediyle karşılanacak?", "Kepez-Lara tramvay projesi kaça mal olacak?", "6,2 milyar lira",
     "Kepez-Lara tramvay projesi'nin ne kadarı krediyle karşılanacak?"),
    # a dropped possessor of "ne kadarı/kaçı" stands in the genitive
    ("Ne kadarı yağmur ormanı?", "Amazon havzası kaç kilometrekare?", "7.000.000 kilometre kare",
     "Amazon havzası'nın ne kadarı yağmur ormanı?"),
])
def test_follow_ups_keep_the_subject_answered(question, previous, fact, expected):
    assert ask(question, previous, fact) == expected


def test_a_new_question_word_asks_about_what_it_counts():
    rewritten = rewrite("Kaç seyirci önünde?", [Turn("Maç hangi statta oynandı?", "Gürçeşme Stadyumu")], similar,
                        is_name)
    assert rewritten.focus == ("seyirci",)
    assert rewrite("Bunlar hangi süre zarfında yapıldı?", [Turn("Kaç ziyaret gerçekleşti?", "10'dan fazla")],
                   similar, is_name).focus == ()  # "hangi süre" names a type, not a word of the answer
    assert rewrite("Niye düştü?", [Turn("Kâr marjı yüzde kaça düştü?")], similar, is_name).focus == ()


def test_an_impersonal_pronoun_is_not_the_person_answered():
    assert ask("How long did it take?", "Who led the drought-resistant wheat research?", "Ayşe Demir") == (
        "How long did drought-resistant wheat research take?")


def test_a_sentence_s_common_first_word_is_no_referent():
    # "Belirli" was answered only because it opens its sentence: "it" stands for the question's topic instead
    turn = Turn("Which model is used in complexity theory?", "Belirli", "Belirli bir süre Turing makinesi kullanılır.")
    assert rewrite("What can it solve?", [turn], similar, is_name).text == "What can complexity theory solve?"
    # a name that opens its sentence still counts
    turn = Turn("Who founded the company?", "Edison", "Edison şirketi 1878'de kurdu.")
    assert rewrite("When did he die?", [turn], similar, is_name).text == "When did Edison die?"


def test_it_is_the_thing_acted_on_not_a_name_the_follow_up_repeats():
    turn = Turn("In what year Nikola Tesla founded Fort Caroline?", "1564")
    assert rewrite("When did the Spanish attack it?", [turn], similar, lambda w: True).text == (
        "When did the Spanish attack Fort Caroline?")
    turn = Turn("How old was Nikola Tesla when he played in Super Bowl 50?", "38")
    assert rewrite("Which Super Bowl was that?", [turn], similar, lambda w: True).text == (
        "Which Super Bowl was Nikola Tesla?")


def test_names_joined_by_and_are_one_referent():
    assert ask("By what factor will they increase trade?", "When did Kazakhstan and Azerbaijan sign it?") == (
        "By what factor will Kazakhstan and Azerbaijan increase trade?")


@pytest.mark.parametrize(("question", "previous"), [
    ("Tesla ne zaman öldü?", "Edison nerede doğdu?"),  # names its own topic
    ("Kazakistan ile Azerbaycan arasında kaç anlaşma imzalandı?", "Görüşme nerede yapıldı?"),
])
def test_standalone_questions_stay_as_they_are(question, previous):
    assert ask(question, previous) is None


def test_an_ellipsis_asks_about_its_own_words():
    assert rewrite("Peki uranyum?", [Turn("Tokayev petrol hakkında ne dedi?")], similar, is_name).focus == (
        "uranyum",)
    assert rewrite("Peki ne zaman?", [Turn("Tesla nerede doğdu?")], similar, is_name).focus == ()


def test_no_history_no_rewrite():
    assert rewrite("Peki uranyum?", [], similar) is None


def test_turns_accept_questions_pairs_and_answers():
    answer = Answer(question="Kaç durak var?", text="18 [1]\n\nHatta 18 durak var. [1]", fact="18",
                    citations=[Citation("a#1", "Hatta 18 durak var.", "a.txt", 0, 19, 0.9)])
    got = turns(["Soru bir?", ("Soru iki?", "2,3 milyar [1]\n\nMaliyet 2,3 milyar. [1]"), answer, "  "])
    assert got == [Turn("Soru bir?"), Turn("Soru iki?", "2,3 milyar", "Maliyet 2,3 milyar."),
                   Turn("Kaç durak var?", "18", "Hatta 18 durak var.")]
    follow_up = Answer(question="Peki maliyeti?", rewritten="Hattın maliyeti ne kadar?", text="", fact="")
    assert turns([follow_up]) == [Turn("Hattın maliyeti ne kadar?")]  # the question it answered


@pytest.mark.parametrize(("history", "message"), [
    (5, "history must be a list"), ([5], "history item"), ([("q?", 5)], "answer of a history pair"),
    ([(5, "a")], "history question must be text"), (["x\x00"], "control"),
])
def test_bad_history_names_the_bad_value(history, message):
    with pytest.raises(QAError, match=message):
        turns(history)
