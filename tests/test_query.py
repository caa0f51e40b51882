"""Question analysis without a model: cleaning, the asked answer type, words."""

from __future__ import annotations

import pytest

from qa.query import Kind, QuestionError, asked_kind, clean_question, parse


@pytest.mark.parametrize(("question", "kind"), [
    ("Yeni tramvay hattı kaç kilometre uzunluğunda olacak?", Kind.QUANTITY),
    ("Projenin maliyeti ne kadar?", Kind.QUANTITY),
    ("Proje kaça mal olacak?", Kind.QUANTITY),  # inflected "kaç"
    ("What share of voters did not vote?", Kind.QUANTITY),
    ("Kendisi nereli?", Kind.PLACE),
    ("Maç hangi statta oynandı?", Kind.PLACE),
    ("Which physician pioneered the method?", Kind.PERSON),
    ("Hangi futbolcu gol attı?", Kind.PERSON),
    ("How many stations will the line have?", Kind.QUANTITY),
    ("Varşova'nın ilk borsası ne zaman kurulmuştur?", Kind.DATE),
    ("Tesla hangi yıl ölmüştür?", Kind.DATE),
    ("In what year did Tesla die?", Kind.DATE),
    ("Toplantı saat kaçta başladı?", Kind.DATE),
    ("Anlaşmayı kim imzaladı?", Kind.PERSON),
    ("Kimin önerisiyle kabul edildi?", Kind.PERSON),
    ("Who signed the agreement?", Kind.PERSON),
    ("Tören nerede yapıldı?", Kind.PLACE),
    ("Hangi şehirde düzenlendi?", Kind.PLACE),
    ("Which city hosted the final?", Kind.PLACE),
    ("Kurul faizi neden indirdi?", Kind.REASON),
    ("Why did the bank cut rates?", Kind.REASON),
    ("Hat nasıl finanse edilecek?", Kind.MANNER),
    ("Festivalin teması nedir?", Kind.THING),
    ("What did the minister announce?", Kind.THING),
])
def test_asked_kind(question, kind):
    assert parse(question).kind is kind


def test_kind_reads_turkish_casefolding():
    # "KİM" folds to "kim" only with Turkish rules (str.lower() gives "ki̇m").
    assert asked_kind(parse("TÖRENİ KİM YÖNETTİ?").folded) is Kind.PERSON


def test_parse_keeps_content_words_without_suffixes():
    query = parse("Kazakistan'ın başkenti Astana'da kaç kişi yaşıyor?")
    assert "kazakistan" in query.words and "astana" in query.words
    assert "kaç" not in query.words
    assert not query.english


def test_the_second_word_of_a_question_phrase_is_no_topic():
    assert parse("Hat ne zaman hizmete açılacak?").words == ("hat", "hizmete", "açılacak")
    assert "zamanında" in parse("Tren zamanında geldi mi?").words


def test_parse_sees_english_and_numbers():
    query = parse("What happened in 1817 in Warsaw?")
    assert query.english and query.numbers == ("1817",)


@pytest.mark.parametrize(("question", "message"), [
    ("", "empty"), ("   ", "empty"), ("a" * 1001, "1001 characters"), ("soru\x00", "control"),
    ("bad \ud800 surrogate", "not valid text"), (None, "must be text"), (42, "must be text"),
])
def test_bad_questions_name_the_problem(question, message):
    with pytest.raises(QuestionError, match=message):
        clean_question(question)


def test_the_emoji_joiner_is_no_control_character():
    assert clean_question("Aile 👨\u200d👩\u200d👧 ne dedi?").startswith("Aile")


def test_the_words_around_the_question_word():
    # Turkish asks in situ: "kaç sayı" is answered by "308 sayı".
    assert parse("Panthers savunması kaç sayı bırakmıştır?").wh_context == (("savunması",), ("sayı",))
    assert parse("How many stops will the line have?").wh_context == ((), ("stops",))
    assert parse("Ne oldu?").wh_context == ((), ())


def test_a_follow_up_without_a_question_word_does_not_ask_anew():
    assert not parse("Peki maliyeti?").asks_anew
    assert parse("Peki maliyeti ne kadar?").asks_anew and parse("And who paid?").asks_anew
