"""What a question pins down (numbers, units, names, roles) and answer types: pure text, no model."""

import pytest

from qa.constraints import (
    asked_units,
    asks_about_an_earlier_event,
    asks_about_the_future,
    counted_noun,
    excluded_words,
    is_about_the_document,
    name_candidates,
    next_event_missing,
    numbers_missing,
    ordinal_conflict,
    relative_year_conflict,
    restated_numbers,
    role_missing,
    spelt_number,
    unit_words,
    verb_forms,
)
from qa.questions import (
    DATE,
    EVENT,
    LIST,
    ORDINAL,
    ORGANISATION,
    PARTIES,
    PERSON,
    PLACE,
    POSITION,
    QUANTITY,
    TITLE,
    asked_kind,
    find_facts,
    named_people,
    positions,
    rank_facts,
    titled_names,
)


def test_ordinals_must_match_but_cardinal_words_do_not_constrain():
    assert numbers_missing("When will the third meeting take place?", "son 3 yılda ziyaret") == ["3."]
    assert numbers_missing("Konseyin 2. toplantısı nerede?", "Konseyinin 2. Toplantısı'na") == []
    assert numbers_missing("İki ülke kaç anlaşma imzaladı?", "15 anlaşma imzalandı") == []
    assert numbers_missing("Did they sign 20 agreements?", "15 anlaşma imzalandı") == ["20"]


@pytest.mark.parametrize(("question", "units"), [
    ("Kazak tahılının ton fiyatı kaç dolar?", ["dolar", "ton"]),
    ("By what percentage did traffic grow?", ["yüzde"]),
    ("Kaç kişi katıldı?", ["kişi"]),
    ("İlham Aliyev kaç yaşında?", ["yaş"]),
    ("How long is the pipeline?", ["km"]),
    ("What is the monetary value of the deal?", ["dolar"]),
    ("How much are freight insurance premiums expected to change?", ["dolar"]),
    ("How many high-level visits took place?", []),
])
def test_units_the_question_asks_in(question, units):
    assert sorted(asked_units(question)) == sorted(units)


def test_unit_words_are_not_topics():
    assert unit_words(["ton", "tahıl", "dolara"]) == {"ton", "dolara"}


def test_names_skip_the_first_word_function_words_and_capitals():
    assert name_candidates("What did Putin say about the Trans-Caspian route?") == ["Putin", "Trans-Caspian"]
    assert name_candidates("Putin ne dedi?") == []
    assert name_candidates("Putin ne dedi?", first=True) == ["Putin"]
    assert name_candidates("İLHAM ALİYEV HANGİ ÜLKENİN CUMHURBAŞKANIDIR?") == []
    assert name_candidates("Which country did Aliyev mention?") == ["Aliyev"]


def test_roles_and_events():
    assert role_missing("Azerbaycan Dışişleri Bakanı kimdir?", "Cumhurbaşkanı Tokayev konuştu.") == "bakan"
    assert role_missing("Who is the president of Azerbaijan?", "Azerbaycan Cumhurbaşkanı İlham Aliyev") == ""
    assert next_event_missing("Bir sonraki zirve nerede?", "Zirve Bakü'de yapıldı.")
    assert not next_event_missing("Bir sonraki zirve nerede?", "Sonraki zirve Astana'da olacak.")
    assert asks_about_the_future("Toplantı ne zaman yapılacak?")
    assert is_about_the_document("Bu haber hangi tarihli?")


def test_answer_kinds():
    assert asked_kind("Konseyin kaçıncı toplantısı yapıldı?") == ORDINAL
    assert asked_kind("İmzalanan anlaşmalar hangi alanları kapsıyor?") == LIST
    assert asked_kind("What is the population of Baku?") == QUANTITY
    assert asked_kind("Liderlerin imzaladığı metnin adı nedir?") is None


def test_list_and_people():
    sentence = "Enerji, ulaştırma ve lojistik, sağlık, istatistik ve kültür alanlarında anlaşma imzalandı."
    assert find_facts(sentence, LIST)[0].text.startswith("Enerji, ulaştırma")
    people = find_facts('Tokayev ve Aliyev, "Stratejik Ortaklık" ile Müttefik İlişkiler Anlaşması', PERSON)
    assert people == []  # quoted titles and agreements are not people
    intro = "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev konuştu."
    assert [f.text for f in titled_names(intro)] == ["Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev"]


def test_percentages_answer_rates_only():
    sentence = "Yük trafiği yüzde 62 artarak 4,5 milyon tona ulaştı."
    facts = find_facts(sentence, QUANTITY)
    assert rank_facts(facts, sentence, set(), "Ne kadar yük taşındı?")[0].text == "4,5 milyon tona"
    assert rank_facts(facts, sentence, set(), "Trafik yüzde kaç arttı?")[0].text == "yüzde 62"


def test_first_conflicts_only_with_another_ordinal_on_the_same_noun():
    council = ["Liderler Yüksek Konseyinin 2. Toplantısı'na eş başkanlık etti.", "İlk transit yük olarak tahıl gitti."]
    assert ordinal_conflict("Yüksek Konsey'in ilk toplantısı nerede yapıldı?", council) == "1. topla…"
    assert ordinal_conflict("Konseyin üçüncü toplantısı ne zaman?", council) == "3. topla…"
    assert ordinal_conflict("Konseyin ikinci toplantısına kim başkanlık etti?", council) == ""
    assert ordinal_conflict("İlk transit yük olarak ne gönderildi?", council) == ""
    assert ordinal_conflict("Liderler ilk olarak ne yaptı?", council) == ""


@pytest.mark.parametrize(("question", "noun"), [
    ("Kaç hastane inşa edilecek?", "hastane"),
    ("How many hospitals will be built?", "hospitals"),
    ("Kac anlasma imzalandi", "anlasma"),
    ("Ticaret hacmi kaç kat artacak?", "kat"),
    ("Yük trafiği yüzde kaç büyüdü?", ""),
    ("Ticaret kaç arttı?", ""),
    ("Ne kadar petrol taşındı?", ""),
])
def test_the_counted_noun_of_a_how_many_question(question, noun):
    assert counted_noun(question) == noun


def test_relative_years_conflict_and_earlier_events():
    last_year = "Geçen yıl BTC üzerinden 1,5 milyon ton Kazak petrolü taşındı."
    assert relative_year_conflict("Bu yıl kaç ton petrol taşınacak?", last_year) == "this year"
    assert relative_year_conflict("How much oil was shipped last year?", last_year) == ""
    assert relative_year_conflict("Kaç ton petrol taşındı?", last_year) == ""
    assert asks_about_an_earlier_event("When was the treaty originally signed?")
    assert asks_about_an_earlier_event("Anlaşma ilk kez ne zaman imzalandı?")
    assert not asks_about_an_earlier_event("Anlaşmalar ne zaman imzalandı?")
    assert asks_about_an_earlier_event("When was the first meeting of the council held?")
    assert asks_about_an_earlier_event("Konseyin ilk toplantısı nerede yapıldı?")
    assert asks_about_the_future("Anlaşmaların yürürlüğe gireceği tarih nedir?")
    assert not asks_about_the_future("Anlaşmaların imzalandığı tarih nedir?")


def test_the_position_a_person_holds():
    assert asked_kind("What title does İlham Aliyev hold?") == POSITION
    assert asked_kind("Tokayev'in unvanı nedir?") == POSITION
    assert asked_kind("What is the title of the article?") != POSITION
    lead = "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev görüştü."
    assert [f.text for f in positions(lead)] == ["Kazakistan Cumhurbaşkanı", "Azerbaycan Cumhurbaşkanı"]


def test_multipliers_durations_costs_and_companies():
    assert asked_units("Ticaret kaç misline çıkarılacak?") == ["kat"]
    assert asked_units("By how much do they plan to multiply their trade?") == ["kat"]
    assert asked_units("How long did Aliyev's visit last?") == ["süre"]
    assert asked_units("Ziyaret kaç gün sürdü?") == ["süre"]
    assert asked_kind("What is the estimated cost of the projects?") == QUANTITY
    assert asked_kind("What is the planned investment budget for the corridor?") == QUANTITY
    assert asked_kind("Which Kazakh and Azerbaijani companies will build them?") == ORGANISATION


def test_verbs_are_not_the_focus_of_a_question():
    assert verb_forms(["carried", "uranium", "artırılması", "uzlaşıldı", "ticaret"]) == {
        "carried", "artırılması", "uzlaşıldı"}


def test_event_questions_and_event_names():
    assert asked_kind("Which meeting did Tokayev and Aliyev co-chair?") == EVENT
    assert asked_kind("Liderler hangi toplantıya eş başkanlık etti?") == EVENT
    council = "Liderler, Kazakistan-Azerbaycan Devletlerarası Yüksek Konseyinin 2. Toplantısı'na eş başkanlık etti."
    assert [f.text for f in find_facts(council, EVENT)] == [
        "Kazakistan-Azerbaycan Devletlerarası Yüksek Konseyinin 2. Toplantısı'na"]


def test_naming_some_fields_is_a_list_question():
    assert asked_kind("Name some of the fields covered by the signed agreements.") == LIST


def test_yani_sira_sets_a_word_aside():
    assert excluded_words("Petrolün yanı sıra hangi madde sevk ediliyor?") == ["petrolün"]


def test_a_set_aside_phrase_may_carry_a_number_the_answer_need_not_state():
    question = "Apart from the 15 agreements, what joint document did the two leaders sign?"
    assert excluded_words(question) == ["agreements", "15"]
    assert excluded_words("15 anlaşma dışında hangi belge imzalandı?") == ["anlaşma", "15"]
    assert numbers_missing(question, "Ortak Bildiri imzalandı.") == []
    assert numbers_missing("Did they sign 20 agreements?", "15 anlaşma imzalandı") == ["20"]


def test_relative_whose_titles_of_people_and_volumes_with_words_between():
    assert asked_kind("What is the name of the agreement whose anniversary was marked?") is None
    assert asked_kind("Whose words were these?") == PERSON
    assert asked_kind("What is İlham Aliyev's title in the article?") == POSITION
    assert asked_kind("What is the title of the article?") == TITLE
    assert asked_kind("What BTC oil volume did they target?") == QUANTITY
    assert asked_kind("What bilateral trade figure are they aiming for?") == QUANTITY
    assert asked_kind("What is the exact BTC oil volume target for next year?") == QUANTITY
    assert asked_kind("What numerical target, in million tonnes, was set?") == QUANTITY
    assert asked_kind("Anlaşmaların yürürlüğe gireceği tarih nedir?") == DATE
    assert asked_kind("What does Kazakhstan share with Azerbaijan?") is None
    assert asked_kind("Trafo üretimi hangi şehrinde yapılacak?") == PLACE


def test_according_to_the_text_is_no_name():
    assert name_candidates("Metne göre kaç anlaşma imzalandı?", first=True) == []


def test_which_factory_or_shipyards_ask_for_an_organisation():
    assert asked_kind("Which shipyards will carry out the joint projects?") == ORGANISATION
    assert asked_kind("Ortak trafo üretimi hangi fabrikada yapılacak?") == ORGANISATION


def test_numbers_a_question_restates_in_digits_or_words():
    assert restated_numbers("Of the fifteen accords, how many dealt with energy?") == {"15"}
    assert restated_numbers("On beş anlaşmanın kaçı enerjiyle ilgili?") == {"15"}
    assert restated_numbers("Did the two countries sign 15 agreements?") == {"15"}  # "two" restates the context


def test_dates_with_words_between_deadlines_and_wishes():
    assert asked_kind("On what exact date were the restrictions removed?") == DATE
    assert asked_kind("By which specific year should trade reach $1 billion?") == DATE
    assert asked_kind("Ticaret hangi yıla kadar 1 milyar dolara çıkacak?") == DATE
    assert asks_about_the_future("What tonnage do the parties want to reach?")
    assert asks_about_the_future("Kazakistan ne kadar petrol taşımayı hedefliyor?")
    assert asks_about_an_earlier_event("Bu ziyaretten önce en son ne zaman görüşmüşlerdi?")
    assert asked_kind("How did Tokayev describe Azerbaijan's role?") is None


def test_tariffs_shipyard_names_and_the_first_to_do_something():
    assert asked_kind("What was the per-barrel tariff Kazakhstan pays for BTC?") == QUANTITY
    assert asked_kind("What is the name of the shipyard that will build the ships?") == ORGANISATION
    assert asks_about_an_earlier_event("Who was the first Kazakh president to visit Baku after independence?")
    assert not asks_about_an_earlier_event("Who visited Astana?")


def test_heads_of_state_surnames_and_listed_fields():
    assert asked_kind("Görüşmelerde Azerbaycan'ı hangi devlet başkanı temsil etti?") == PERSON
    assert asked_kind("What is the surname of Kazakhstan's head of state?") == PERSON
    assert asked_kind("List the fields the 15 agreements cover.") == LIST


def test_known_surnames_alone_or_coordinated():
    people = ["Tokayev", "Aliyev"]
    facts = named_people("Tokayev ve Aliyev, Ortak Bildiri'yi imzaladı. Aliyev'e göre bu önemli.", people)
    assert [f.text for f in facts] == ["Tokayev ve Aliyev", "Aliyev"]
    assert named_people("Tokayev konuştu.", []) == []


def test_an_adverb_first_is_no_ordinal_and_spelt_numbers_have_digits():
    council = ["Liderler Yüksek Konseyinin 2. Toplantısı'na eş başkanlık etti."]
    meeting = {"meeting": ["toplantı"], "meet": ["toplantı"]}
    assert ordinal_conflict("Where was the first meeting of the council held?", council, meeting) == "1. topla…"
    assert ordinal_conflict("How did the two leaders first meet?", council, meeting) == ""
    assert spelt_number("fifteen") == "15" and spelt_number("two") == ""
    assert asked_kind("Which Armenian city received the grain?") == PLACE
    assert asked_kind("What funding has been set aside for shipbuilding?") == QUANTITY


def test_anniversaries_ask_for_an_ordinal():
    assert asked_kind("Ortak Bildiri hangi yıl dönümü vesilesiyle kabul edildi?") == ORDINAL
    assert asked_kind("How many years is that anniversary marking?") == ORDINAL
    assert asked_kind("Anlaşma hangi yıl imzalandı?") == DATE


def test_a_target_or_a_sum_asks_for_a_quantity():
    assert asked_kind("what's the trade target they agreed on?") == QUANTITY
    assert asked_kind("Ticaretin hangi tutara yükselmesi hedefleniyor?") == QUANTITY


def test_ordinals_offered_as_choices_need_one_of_them():
    council = "Liderler Yüksek Konseyinin 2. Toplantısı'na eş başkanlık etti."
    assert numbers_missing("Which session was it — the first, second, or third?", council) == []
    assert numbers_missing("Which session was it — first, second, third?", council) == []
    assert numbers_missing("Was it the third session?", council) == ["3."]


def test_between_which_parties():
    assert asked_kind("Anlaşmalar hangi taraflar arasında imzalandı?") == PARTIES
    assert asked_kind("Between which parties were the deals concluded?") == PARTIES
    assert [f.text for f in find_facts("İki ülke hükümetleri arasında anlaşma imzalandı.", PARTIES)] == \
        ["İki ülke hükümetleri arasında"]


def test_the_name_of_a_head_of_state_asks_for_a_person():
    assert asked_kind("Görüşmelere katılan Azeri devlet başkanının adı ne?") == PERSON
    assert asked_kind("Anlaşmanın adı ne?") != PERSON


def test_beyond_and_in_addition_to_set_words_aside():
    assert excluded_words("Beyond bilateral issues, what else did they discuss?") == ["bilateral"]
    assert excluded_words("In addition to oil, what is shipped?") == ["oil"]
    # The number counts what is set aside: "15" is not a number the answer must state.
    assert excluded_words("15 anlaşmanın yanı sıra hangi belgeyi imzaladılar?") == ["anlaşmanın", "15"]
