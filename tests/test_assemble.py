"""Answer assembly and fusion without a model: fabricated hits and scores."""

from dataclasses import replace

import numpy as np

from index.documents import Sentence
from qa.assemble import ABSTAIN_TEXT, Evidence, assemble
from qa.questions import DATE, PERSON, PLACE, QUANTITY, asked_kind, find_facts
from qa.retrieve import Hit, fuse

S1 = "Görüşmelerde iki ülke arasında 15 işbirliği anlaşması imzalandı."
S2 = "Yük trafiği yüzde 62 artarak 4,5 milyon tona ulaştı."
TITLE = "date 2025-10-21 Kazakistan ve Azerbaycan ilişkilerini güçlendirdi"


def hit(text, score, dense=0.5, lexical=0.6, kind="body", n=0):
    sentence = Sentence(f"doc#{n}", "doc.txt", 0, len(text), text, "", 0, kind)
    return Hit(sentence, score, dense, lexical, 1.0)


def test_question_kinds_in_both_languages():
    assert asked_kind("Kaç anlaşma imzalandı?") == QUANTITY
    assert asked_kind("How much oil was shipped?") == QUANTITY
    assert asked_kind("Görüşme ne zaman yapıldı?") == DATE
    assert asked_kind("When did they meet?") == DATE
    assert asked_kind("Azerbaycan Cumhurbaşkanı kimdir?") == PERSON
    assert asked_kind("Where did the leaders meet?") == PLACE
    assert asked_kind("Tokayev petrol hakkında ne dedi?") is None


def test_facts_with_offsets():
    facts = find_facts(S2, QUANTITY)
    assert [f.text for f in facts] == ["yüzde 62", "4,5 milyon tona"]
    assert all(S2[f.start:f.end].strip() == f.text for f in facts)
    people = find_facts("Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev konuştu.", PERSON)
    assert [p.text for p in people] == ["Kasım Cömert Tokayev"]


def test_leads_with_the_asked_quantity_near_the_question_words():
    result = assemble("Kaç işbirliği anlaşması imzalandı?", [hit(S1, 0.7, n=1), hit(S2, 0.3, n=2)])
    assert not result.abstained
    assert result.fact == "15 işbirliği anlaşması"
    assert result.text.startswith("15 işbirliği anlaşması [1]")
    assert [h.sentence.text for h in result.cited] == [S1]


def test_percentage_question_picks_the_percentage():
    result = assemble("Trafik yüzde kaç arttı?", [hit(S2, 0.7, n=2)])
    assert result.fact == "yüzde 62"


def test_date_question_falls_back_to_the_document_date():
    title = hit(TITLE, 0.2, kind="title", n=9)
    result = assemble("Görüşme hangi tarihte gerçekleşti?", [hit(S1, 0.6, n=1)], date_hit=title,
                      document_date="2025-10-21")
    assert result.fact == "21 Ekim 2025 (2025-10-21)"
    assert result.cited == [title]


def test_abstains_on_weak_evidence():
    result = assemble("Kazakistan'ın nüfusu ne kadar?", [hit(S1, 0.12, dense=0.1, lexical=0.1)])
    assert result.abstained and result.text == ABSTAIN_TEXT and result.cited == []


def test_abstains_when_the_asked_kind_is_missing():
    result = assemble("Anlaşma kaç dolar?", [hit("Anlaşma imzalandı ve yürürlüğe girdi.", 0.8, n=3)])
    assert result.abstained and "quantity" in result.reason
    weak = assemble("Anlaşma nerede imzalandı?", [hit("Anlaşma imzalandı ve yürürlüğe girdi.", 0.4, n=3)])
    assert weak.abstained and "place" in weak.reason


def test_asked_unit_must_match():
    result = assemble("Tahılın ton fiyatı kaç dolar?", [hit("Geçen yıl 1,5 milyon ton tahıl taşındı.", 0.6)])
    assert result.abstained and "dolar" in result.reason


def test_ordinal_in_question_must_match():
    result = assemble("Üçüncü toplantı ne zaman?", [hit("Konseyin 2. Toplantısı yapıldı, son 3 yılda.", 0.6)])
    assert result.abstained


def test_ordinals_are_not_quantities():
    assert [f.text for f in find_facts("Anlaşmanın 20. yılı kutlandı.", QUANTITY)] == []


def test_unknown_name_blocks_a_weak_match():
    result = assemble("Putin ne dedi?", [hit(S1, 0.6, dense=0.3)], unsupported_names=("Putin",))
    assert result.abstained and "Putin" in result.reason


def test_cites_a_second_sentence_only_when_it_scores_close():
    two = Evidence(max_citations=2)
    close = assemble("Tokayev ne dedi?", [hit(S1, 0.70, n=1), hit(S2, 0.69, n=2)], evidence=two)
    far = assemble("Tokayev ne dedi?", [hit(S1, 0.70, n=1), hit(S2, 0.40, n=2)], evidence=two)
    assert len(assemble("Tokayev ne dedi?", [hit(S1, 0.70, n=1), hit(S2, 0.69, n=2)]).cited) == 1
    assert len(close.cited) == 2 and "[2]" in close.text
    assert len(far.cited) == 1


def test_fusion_keeps_absolute_levels():
    dense = np.array([0.5, 0.1, 0.0])
    bm25 = np.array([2.0, 4.0, 0.0])
    coverage = np.array([0.5, 1.0, 0.0])
    fused = fuse(dense, bm25, coverage)
    assert fused[2] == 0.0
    assert fused[1] > fused[0] * 0.9
    assert np.all(fuse(dense, np.zeros(3), coverage) == 0.6 * dense)


LEAD = ("Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev arasında "
        "15 işbirliği anlaşması imzalandı.")
END = "İmzalanan 15 anlaşma ve liderlerin ortak taahhütleri yeni bir dönemin başlangıcı olarak değerlendiriliyor."


def placed(text, score, start, n):
    sentence = Sentence(f"doc#{n}", "doc.txt", start, start + len(text), text, "", 0, "body")
    return Hit(sentence, score, 0.5, 0.6, 1.0)


def test_a_quantity_restated_in_the_conclusion_is_cited_where_first_stated():
    result = assemble("Kaç anlaşma imzalandı?", [placed(END, 0.6, 900, 2), placed(LEAD, 0.45, 0, 1)])
    assert result.cited[0].sentence.text == LEAD
    assert result.fact == "15 işbirliği anlaşması"


def test_who_holds_a_post_takes_the_name_titled_with_the_asked_country():
    hits = [hit("Liderler önce baş başa görüştü.", 0.6, n=1), hit(LEAD, 0.25, n=2)]
    assert assemble("azerbaycanin devlet baskani kimdi", hits).fact == "İlham Aliyev"
    assert assemble("Who was the Azerbaijani leader?", hits).fact == "İlham Aliyev"
    assert assemble("Kazakistan'ın cumhurbaşkanı kimdir?", hits).fact == "Kasım Cömert Tokayev"


def test_abstains_on_an_unknown_role_a_counted_unknown_or_another_ordinal():
    hits = [hit(LEAD, 0.6, n=1)]
    assert assemble("Which ministers signed?", hits, missing_role="bakan").abstained
    counted = assemble("Kaç hastane inşa edilecek?", hits, alien=("hastane",))
    assert counted.abstained and "hastane" in counted.reason
    assert not assemble("Kaç anlaşma imzalandı?", hits, alien=("hastane",)).abstained
    council = [hit("Liderler Yüksek Konseyinin 2. Toplantısı'na eş başkanlık etti.", 0.6, n=3)]
    assert assemble("Yüksek Konsey'in ilk toplantısı nerede yapıldı?", council).abstained


def test_a_year_question_is_not_answered_by_a_vague_time():
    soon = [hit("Yakın gelecekte ticaret hacmini 2 katına çıkarmayı hedefliyoruz.", 0.6, n=1)]
    result = assemble("Hedefe hangi yıl ulaşılması planlanıyor?", soon, date_hit=hit(TITLE, 0.2, kind="title", n=0),
                      document_date="2025-10-21")
    assert result.abstained


def test_the_title_of_the_person_asked_about_with_the_fullest_wording():
    hits = [hit("Cumhurbaşkanı İlham Aliyev ise halkların kardeş olduğunu söyledi.", 0.5, n=1), hit(LEAD, 0.45, n=2)]
    result = assemble("What title does İlham Aliyev hold?", hits)
    assert result.fact == "Azerbaycan Cumhurbaşkanı"
    assert result.cited[0].sentence.text == LEAD


URANIUM = "Ayrıca Azerbaycan üzerinden uranyum sevkiyatı gerçekleşti."
OIL = "Geçen yıl BTC üzerinden 1,5 milyon ton Kazak petrolü Azerbaycan üzerinden taşındı."


def matched(text, score, words, n, focus=True):
    sentence = Sentence(f"doc#{n}", "doc.txt", 0, len(text), text, "", 0, "body")
    return Hit(sentence, score, 0.5, 0.6, 1.0, focus, frozenset(words))


def test_a_number_is_not_taken_from_a_sentence_about_something_else():
    # The uranium sentence has the question's words (0 Azerbaycan, 1 uranyum) but no number.
    hits = [matched(URANIUM, 0.52, {0, 1}, 1), matched(OIL, 0.49, {0, 2}, 2)]
    assert assemble("Azerbaycan üzerinden yılda ne kadar uranyum taşınıyor?", hits).abstained


def test_future_questions_unit_questions_and_named_place_types_need_matching_evidence():
    oil = [hit(OIL, 0.6, n=1)]
    assert assemble("Bir sonraki sevkiyat ne zaman yapılacak?", oil).abstained
    assert assemble("What is the capacity in megawatts of the pipeline?", oil).abstained
    plans = [hit("Tokayev, ortak trafo üretimine başlamayı planladıklarını aktardı.", 0.7, n=2)]
    assert assemble("Ortak trafo üretimi hangi şehirde yapılacak?", plans).abstained
    partner = [hit('"Azerbaycan, Kazakistan’ın önemli ve güvenilir stratejik ortağıdır." dedi.', 0.7, n=3)]
    assert not assemble("Kazakistan'ın stratejik ortağı hangi ülkedir?", partner).abstained


def test_a_number_the_question_states_is_not_its_answer():
    assert assemble("İmzalanan 15 anlaşmadan kaç tanesi enerji alanında?", [hit(S1, 0.7, n=1)]).abstained


def test_what_an_event_shows_is_the_sentence_pointing_back_at_it():
    event = "Aliyev, Ermenistan'a ilk transit yük olarak Kazak tahılı sevk edildiğini duyurdu."
    meaning = "Bu, barışın artık pratikte de gerçekleştiğinin güzel bir göstergesi."
    hits = [placed(event, 0.6, 0, 1), placed(meaning, 0.5, len(event) + 1, 2)]
    assert assemble("What does the grain shipment to Armenia show?", hits).cited[0].sentence.text == meaning
    assert assemble("Why did Aliyev call the grain shipment significant?", hits).cited[0].sentence.text == meaning
    swapped = [hits[1], hits[0]]
    answer = assemble("Barışın pratikte gerçekleştiğini gösteren gelişme neydi?", swapped)
    assert answer.cited[0].sentence.text == event
    assert assemble("Tahıl nereye sevk edildi?", hits).cited[0].sentence.text == event


def test_which_city_or_which_official_needs_one():
    declaration = [hit('Tokayev ve Aliyev, "Stratejik Ortaklık Anlaşması"nın 20. yılı dolayısıyla Ortak Bildiri’yi '
                       'imzaladı. Azerbaycan Cumhurbaşkanı İlham Aliyev konuştu.', 0.7, n=1)]
    assert assemble("Stratejik Ortaklık Anlaşması ilk olarak hangi şehirde imzalanmıştı?", declaration).abstained
    assert assemble("Which Armenian official commented on it?", [hit(S1, 0.7, n=2)]).abstained


def test_a_planned_figure_is_not_last_years_and_money_is_asked_in_dollars():
    oil = [hit("Geçen yıl BTC üzerinden 1,5 milyon ton petrol taşındı ve bu miktarı yakında artırmayı hedefliyorlar.",
               0.7, n=1)]
    assert assemble("BTC üzerinden taşınacak petrol için hedeflenen yeni miktar kaç ton?", oil).abstained
    assert not assemble("Geçen yıl BTC üzerinden kaç ton petrol taşındı?", oil).abstained
    assert assemble("How much money will be invested in the corridor?", [hit(S2, 0.7, n=2)]).abstained


def test_what_an_acronym_stands_for():
    btc = [hit("Kazak petrolünün Bakü-Tiflis-Ceyhan Petrol Boru Hattı (BTC) ile taşınması sürüyor.", 0.6, n=1)]
    assert assemble("BTC'nin açılımı ne?", btc).fact == "Bakü-Tiflis-Ceyhan Petrol Boru Hattı"
    assert assemble("What does BTC stand for?", btc).fact == "Bakü-Tiflis-Ceyhan Petrol Boru Hattı"


def test_how_someone_described_something_is_what_that_speaker_said():
    visits = "Aliyev, son 3 yılda iki ülke arasında 10'dan fazla ziyaret gerçekleştirildiğini kaydetti."
    signed = 'Tokayev ve Aliyev, "Stratejik Ortaklık Anlaşması"nın yılı dolayısıyla Ortak Bildiri\'yi imzaladı.'
    brothers = 'Cumhurbaşkanı İlham Aliyev ise iki ülke halklarının "kardeş halklar" olduğunu söyledi.'
    hits = [hit(visits, 0.52, n=1), hit(signed, 0.51, n=2), hit(brothers, 0.40, n=3)]
    for question in ("Aliyev iki milleti nasıl nitelendirdi?", "How did Aliyev characterize the two nations?"):
        assert assemble(question, hits).cited[0].sentence.text == brothers
    # Not a question about words said: the best sentence stays.
    assert assemble("İmzalanan anlaşmalar nasıl değerlendiriliyor?", hits).cited[0].sentence.text == visits


def test_a_this_sentence_ranked_on_the_words_of_the_one_before_gives_way_to_it():
    event = "Aliyev, Ermenistan'a ilk transit yük olarak Kazak tahılı sevk edildiğini duyurdu."
    meaning = "Bu, barışın artık pratikte de gerçekleştiğinin güzel bir göstergesi."
    first = replace(placed(event, 0.5, 0, 1), matched=frozenset({0, 1, 2}))
    second = replace(placed(meaning, 0.6, len(event) + 1, 2), matched=frozenset({0}))
    assert assemble("Ermenistan'a giden ilk transit yük neydi?", [second, first]).cited[0].sentence.text == event
    assert assemble("What does the first transit cargo show?", [second, first]).cited[0].sentence.text == meaning


def test_how_someone_reacted_needs_that_someone_to_say_or_do_something():
    lifted = "Aliyev, Ermenistan'a uygulanan kargo kısıtlamalarının kaldırıldığını duyurdu."
    hits = [hit(lifted, 0.6, n=1)]
    for question in ("Ermenistan hükümeti kısıtlamaların kaldırılmasına nasıl tepki verdi?",
                     "How did the Armenian government react to the lifting of the restrictions?"):
        result = assemble(question, hits)
        assert result.abstained and "reacted" in result.reason
    assert assemble("Did Turkey comment on the lifting of the restrictions?", hits).abstained
    assert assemble("What did Armenia's government say in response to the lifting?", hits).abstained
    assert not assemble("Aliyev kısıtlamalar hakkında ne duyurdu? Tepkisi ne oldu?", hits).abstained


def test_the_year_a_target_is_to_be_met_is_not_the_articles_date():
    title = hit(TITLE, 0.2, kind="title", n=9)
    target = "Ticaret hacmini 2 katına çıkararak 1 milyar dolara ulaşması için mutabakata vardık."
    result = assemble("Ticaret hacmini 1 milyar dolara hangi yıl çıkarmayı hedefliyorlar?",
                      [hit(target, 0.7, lexical=0.9, n=1)], date_hit=title, document_date="2025-10-21")
    assert result.abstained


def test_a_list_question_the_encoder_reads_poorly_is_answered_from_the_words():
    fields = "Enerji, ulaştırma, sağlık ve istatistik alanlarında 15 anlaşma imzalandı."
    result = assemble("Anlaşmalar hangi alanları kapsıyor?", [hit(fields, 0.35, dense=0.10, lexical=0.55, n=1)])
    assert not result.abstained and "ulaştırma" in result.fact


def test_a_capacity_is_not_an_amount_carried():
    carried = "Geçen yıl BTC üzerinden 1,5 milyon ton Kazak petrolü taşındı."
    result = assemble("What is the annual capacity of the BTC pipeline?", [hit(carried, 0.7, n=1)])
    assert result.abstained and "capacity" in result.reason
    assert assemble("How much oil was carried through BTC?", [hit(carried, 0.7, n=1)]).fact == "1,5 milyon ton"


def test_the_name_of_a_project_needs_a_named_project():
    described = 'İki ülke "yeşil enerji" alanında stratejik altyapı projelerini hayata geçiriyor.'
    named = "Tokayev, Trans Hazar Uluslararası Taşımacılık Koridoru'nun geliştirilmesinin öncelik olduğunu söyledi."
    result = assemble("What is the name of the green energy project?", [hit(described, 0.7, n=1)])
    assert result.abstained and "project" in result.reason
    assert not assemble("What is the name of the transport corridor project?", [hit(named, 0.7, n=2)]).abstained


def test_a_deadline_or_an_earlier_meeting_is_not_the_articles_date():
    title = hit(TITLE, 0.2, kind="title", n=9)
    target = "Ticaret hacmini 2 katına çıkararak 1 milyar dolara ulaşması için mutabakata vardık."
    for question in ("Ticaretin 1 milyar dolara hangi yıla kadar çıkarılması kararlaştırıldı?",
                     "By which specific year should trade hit the $1 billion mark?",
                     "Tokayev ile Aliyev bu ziyaretten önce en son hangi tarihte görüşmüştü?"):
        result = assemble(question, [hit(target, 0.7, lexical=0.9, n=1)], date_hit=title, document_date="2025-10-21")
        assert result.abstained, question


def test_a_spelt_out_number_the_question_states_is_not_its_answer():
    assert assemble("Of the fifteen accords, how many dealt with energy?", [hit(S1, 0.7, n=1)]).abstained
    assert assemble("İmzalanan on beş anlaşmadan kaçı enerji alanında?", [hit(S1, 0.7, n=1)]).abstained


def test_what_is_planned_about_an_amount_is_the_plan_not_last_years_figure():
    oil = [hit("Geçen yıl BTC üzerinden 1,5 milyon ton petrol taşındı ve bu miktarı yakında artırmayı hedefliyorlar.",
               0.7, n=1)]
    planned = assemble("Petrol miktarı konusunda ne hedefliyorlar?", oil)
    assert not planned.abstained and planned.fact == ""
    assert assemble("What annual tonnage of oil through BTC do the parties want to reach?", oil).abstained


def test_where_a_plant_will_be_built_needs_a_named_place():
    plans = [hit("Tokayev, ortak trafo üretimine başlamayı planladıklarını aktardı.", 0.7, n=2)]
    assert assemble("Where will the joint transformer production facility be located?", plans).abstained
    assert assemble("Which Caspian ports handle the corridor's cargo?", plans).abstained


def test_an_english_first_meeting_conflicts_with_the_articles_second_one():
    council = [hit("Liderler Yüksek Konseyinin 2. Toplantısı'na eş başkanlık etti.", 0.7, n=1)]
    question = "Where was the first meeting of the council held?"
    assert assemble(question, council, alternatives={"meeting": ["toplantı"]}).abstained
    assert not assemble("Who co-chaired the meeting of the council?", council,
                        alternatives={"meeting": ["toplantı"]}).abstained


def test_an_azeri_head_of_state_is_the_one_titled_azerbaijani():
    both = ("Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev "
            "arasında görüşmeler yapıldı.")
    assert assemble("who's the azeri head of state in this story?", [hit(both, 0.6, n=1)]).fact == "İlham Aliyev"
    assert assemble("Who is the Kazakh president?", [hit(both, 0.6, n=1)]).fact == "Kasım Cömert Tokayev"


def test_known_surnames_standing_alone_are_people_and_kimler_wants_both():
    people = {"Tokayev": "Kazakistan Cumhurbaşkanı", "Aliyev": "Azerbaycan Cumhurbaşkanı"}
    signed = "Tokayev ve Aliyev, Stratejik Ortaklık Anlaşması'nın yılı dolayısıyla Ortak Bildiri'yi imzaladı."
    assert assemble("Ortak Bildiri'ye kimler imza attı?", [hit(signed, 0.6, n=1)], people=people).fact == \
        "Tokayev ve Aliyev"
    lifted = "Aliyev ayrıca Ermenistan'a uygulanan kısıtlamaları kaldırdığını duyurdu."
    answer = assemble("Which president announced that the restrictions were lifted?", [hit(lifted, 0.6, n=2)],
                      people=people)
    assert answer.fact == "Aliyev"  # his title, "Cumhurbaşkanı", stands elsewhere in the article
    assert assemble("Ortak Bildiri'ye kimler imza attı?", [hit(signed, 0.6, n=1)]).fact == ""  # no known people


def test_how_someone_described_a_thing_is_the_statement_quoting_it():
    energy = 'Tokayev, iki ülkenin "yeşil enerji" alanında projeler yürüttüğünü vurguladı.'
    partner = 'Tokayev, ortak köklere sahip olduklarını vurgulayarak, "Azerbaycan güvenilir ortağımızdır." dedi.'
    hits = [hit(energy, 0.50, n=1), hit(partner, 0.45, n=2)]
    for question in ("How does Tokayev characterize Azerbaijan?", "What words did Tokayev use for Azerbaijan?"):
        assert assemble(question, hits).cited[0].sentence.text == partner, question
    # No one's words asked for: the best sentence stays.
    assert assemble("How does the conclusion describe the agreements?", hits).cited[0].sentence.text == energy


def test_the_longest_list_is_judged_before_the_answer_type_bonus_and_on_the_focus_word():
    fields = "Enerji, ulaştırma, sağlık, istatistik ve kültür alanlarında 15 anlaşma imzalandı."
    summary = "İmzalanan anlaşmalar ekonomik, enerji ve lojistik alanlarında yeni bir dönem açıyor."
    hits = [replace(hit(summary, 0.37, n=1), focus=True), replace(hit(fields, 0.25, n=2), focus=True)]
    assert "sağlık" in assemble("Anlasmalar hangi alanlari kapsiyor?", hits).fact
    initiatives = "Tokayev, yapay zeka, eğitim ve kültür alanlarında ortak girişimlerin değerlendirildiğini bildirdi."
    hits = [replace(hit(initiatives, 0.37, n=3), focus=True), replace(hit(fields, 0.30, n=2), focus=False)]
    assert "eğitim" in assemble("Hangi alanlarda ortak girişimler değerlendirildi?", hits).fact


def test_who_gains_according_to_a_speaker_is_in_that_speakers_words():
    benefit = "Aliyev, bugün alınan kararların her iki tarafa da fayda sağlayacağını kaydetti."
    both = "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev görüştü."
    hits = [hit(benefit, 0.6, n=1), hit(both, 0.5, n=2)]
    speakers = {"doc#1": "Aliyev"}
    answer = assemble("Aliyev'e göre kararlar kime yarayacak?", hits, speaker="Aliyev", speakers=speakers)
    assert answer.cited[0].sentence.text == benefit and answer.fact == ""


def test_a_palace_is_not_the_city_asked_for():
    palace = "Liderler arasındaki görüşmeler Akorda Cumhurbaşkanlığı Sarayı'nda düzenlenen törenle başladı."
    assert assemble("In which city were the talks held?", [hit(palace, 0.6, n=1)]).abstained
    assert assemble("Görüşmeler nerede başladı?", [hit(palace, 0.6, n=1)]).fact == "Akorda Cumhurbaşkanlığı Sarayı'nda"


def test_when_someone_spoke_can_be_relative_to_the_meeting():
    press = "Toplantı sonrası düzenlenen basın toplantısında konuşan Tokayev, işbirliğinin önemini vurguladı."
    title = hit(TITLE, 0.2, kind="title", n=9)
    answer = assemble("When did Tokayev address the press?", [hit(press, 0.6, n=1)], date_hit=title,
                      document_date="2025-10-21")
    assert answer.fact == "Toplantı sonrası"
    day = assemble("On what date did Tokayev address the press?", [hit(press, 0.6, n=1)], date_hit=title,
                   document_date="2025-10-21")
    assert day.fact == "21 Ekim 2025 (2025-10-21)"


def test_the_day_of_something_reported_as_done_is_not_the_articles_date():
    title = hit(TITLE, 0.2, kind="title", n=9)
    lifted = "Aliyev, Azerbaycan'ın Ermenistan'a uyguladığı kısıtlamaları kaldırdığını duyurdu."
    for question, abstains in (("On what date did Azerbaijan lift the restrictions on Armenia?", True),
                               ("On what date did Aliyev announce the lifting of the restrictions?", False),
                               ("What date is this report from?", False)):
        result = assemble(question, [hit(lifted, 0.6, lexical=0.8, n=1)], date_hit=title, document_date="2025-10-21")
        assert result.abstained is abstains, question


def test_the_conclusion_is_the_last_sections_sentences():
    talks = "Tokayev, ikili ilişkiler açısından görüşmelerin verimli geçtiğini belirtti."
    closing = "İmzalanan 15 anlaşma, ikili ilişkilerde yeni bir dönemin başlangıcı olarak değerlendiriliyor."
    hits = [hit(talks, 0.45, n=1), hit(closing, 0.40, n=2)]
    question = "Yazının sonuç bölümünde anlaşmalar ikili ilişkiler açısından nasıl yorumlanıyor?"
    assert assemble(question, hits, closing=frozenset({"doc#2"})).cited[0].sentence.text == closing
    assert assemble(question, hits).cited[0].sentence.text == talks


def test_who_leads_a_country_and_why_someone_finds_something_meaningful():
    both = ("Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev "
            "arasında görüşmeler yapıldı.")
    assert assemble("Who leads Azerbaijan in this story?", [hit(both, 0.6, n=1)]).fact == "İlham Aliyev"
    event = "Aliyev, Ermenistan'a ilk transit yük olarak Kazak tahılı sevk edildiğini duyurdu."
    meaning = "Bu, barışın artık pratikte de gerçekleştiğinin güzel bir göstergesi."
    hits = [placed(event, 0.6, 0, 1), placed(meaning, 0.5, len(event) + 1, 2)]
    answer = assemble("Aliyev, Ermenistan'a ilk transit yükün gitmesini neden anlamlı buluyor?", hits)
    assert answer.cited[0].sentence.text == meaning


def test_a_turkish_question_whose_words_a_sentence_holds_is_answered_however_the_encoder_reads_it():
    fields = "Enerji, ulaştırma, sağlık ve istatistik alanlarında 15 işbirliği anlaşması imzalandı."
    weak = [hit(fields, 0.40, dense=0.11, lexical=0.68, n=1)]
    assert not assemble("Anlaşmalar sağlık alanını da kapsıyor mu?", weak).abstained
    assert assemble("Anlaşmalar sağlık alanını da kapsıyor mu?", weak, alien_share=0.2).abstained
    assert assemble("Do the agreements cover health?", weak, foreign=True).abstained


def test_who_did_what_the_leaders_did_is_the_leaders_named_where_introduced():
    people = {"Tokayev": "Kazakistan Cumhurbaşkanı", "Aliyev": "Azerbaycan Cumhurbaşkanı"}
    cochaired = "Liderler önce baş başa görüştü, ardından Yüksek Konseyin 2. Toplantısı'na eş başkanlık etti."
    named = "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev görüştü."
    answer = assemble("Who co-chaired the council session?", [hit(cochaired, 0.6, n=1), hit(named, 0.4, n=2)],
                      people=people)
    assert answer.fact == "Kasım Cömert Tokayev ve İlham Aliyev"
    assert [h.sentence.text for h in answer.cited] == [cochaired, named]


def test_between_which_parties_is_the_between_phrase_nearest_the_question_words():
    opening = ("Tokayev ile Aliyev arasında Akorda'da başlayan görüşmelerde, iki ülke hükümetleri arasında enerji "
               "ve sağlık alanlarında 15 işbirliği anlaşması imzalandı.")
    answer = assemble("15 anlaşma hangi taraflar arasında imzalandı?", [hit(opening, 0.6, n=1)])
    assert answer.fact == "iki ülke hükümetleri arasında"


def test_the_kind_of_place_asked_for_is_no_repetition_of_the_place():
    corridor = "Tokayev, Hazar Denizi geçişli Trans Hazar Koridoru'nun öncelik olduğunu söyledi."
    assert assemble("Söz konusu taşımacılık hattı hangi denizi aşıyor?", [hit(corridor, 0.6, n=1)]).fact == \
        "Hazar Denizi"


def test_a_yes_no_question_about_another_ordinal_is_answered_by_the_one_stated():
    council = [hit("Liderler Yüksek Konseyinin 2. Toplantısı'na eş başkanlık etti.", 0.6, n=1)]
    meeting = {"session": ["toplantısı"]}
    assert not assemble("Was this the first session of the council?", council, alternatives=meeting).abstained
    assert not assemble("Bu, konseyin ilk toplantısı mıydı?", council).abstained
    assert assemble("Where was the first session of the council held?", council, alternatives=meeting).abstained


def test_how_many_things_is_no_factor_or_sum():
    trade = "Ticaret hacmini 2 katına çıkararak 1 milyar dolara ulaşması için mutabakata vardık."
    result = assemble("How many cooperation deals did the two sides sign?", [hit(trade, 0.7, n=1), hit(S1, 0.66, n=2)])
    assert result.fact == "15 işbirliği anlaşması"
    # A question in a unit still takes the factor.
    assert assemble("Ticaret hacmi kaç katına çıkacak?", [hit(trade, 0.7, n=1)]).fact == "2 katına"


def test_the_title_of_a_treaty_is_no_question_about_the_articles_title():
    from qa.questions import TITLE

    assert asked_kind("What is the title of the article?") == TITLE
    assert asked_kind("What is the full title of the treaty whose anniversary was celebrated?") != TITLE
    assert asked_kind("I'd like the exact title of the foundational treaty") != TITLE


def test_a_time_of_day_a_country_for_a_city_and_a_foreign_official_are_no_answers():
    press = "Toplantı sonrası düzenlenen basın toplantısında konuşan Cumhurbaşkanı Tokayev memnun olduğunu söyledi."
    assert assemble("Basın toplantısı saat kaçta başladı?", [hit(press, 0.7, n=1)]).abstained
    assert assemble("What time did the press conference start?", [hit(press, 0.7, n=1)]).abstained
    armenia = "Aliyev, Ermenistan'a uygulanan kısıtlamaları kaldırdı."
    assert assemble("In which Kazakh city will the plant be built?", [hit(armenia, 0.3, n=1)]).fact == ""
    opening = "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev görüştü."
    people = {"Tokayev": "Kazakistan Cumhurbaşkanı", "Aliyev": "Azerbaycan Cumhurbaşkanı"}
    result = assemble("Which Kazakh officials accompanied Tokayev?", [hit(opening, 0.7, n=1)], people=people)
    assert result.abstained


def test_a_list_in_the_named_persons_own_words_comes_first():
    opening = "Görüşmede enerji, ulaştırma, lojistik, yapay zeka, sağlık, istatistik ve kültür alanında imza atıldı."
    his = "Tokayev, tarım, enerji, imalat, inşaat ve dijitalleşme sektörlerinde fırsatlar bulunduğunu aktardı."
    hits = [hit(opening, 0.6, n=1), hit(his, 0.58, n=2)]
    question = "Which sectors did Tokayev flag as holding big potential?"
    assert "tarım" in assemble(question, hits, person="Tokayev", speakers={"doc#2": "Tokayev"}).fact
    assert "ulaştırma" in assemble(question, hits).fact  # no one named: the longest list


def test_a_city_port_or_border_gate_is_not_named_by_a_country_or_a_quotations_first_word():
    from qa.questions import PLACE as place

    treaty = 'Tokayev, "Yakın gelecekte ticareti artıracağız." dedi; Kazakistan ve Azerbaycan anlaştı.'
    assert assemble("In which city did the talks take place?", [hit(treaty, 0.45, n=1)]).abstained
    grain = "Aliyev, Ermenistan'a Kazak tahılı sevk edildiğini duyurdu."
    assert assemble("Kazak tahılı Ermenistan'a hangi sınır kapısı üzerinden ulaştı?", [hit(grain, 0.45, n=1)]).abstained
    assert asked_kind("Which Azerbaijani or Kazakh port city will host the projects?") == place
    assert asked_kind("Which goals of the two countries do these cooperations support?") != place


def test_a_past_figure_is_not_a_target_and_a_length_needs_one():
    trade = "Tokayev, yakın gelecekte ticaret hacmini 2 katına çıkararak 1 milyar dolara ulaşması için anlaştık dedi."
    result = assemble("Ticaret hacmi geçen yıl kaç dolar olarak gerçekleşti?", [hit(trade, 0.7, n=1)])
    assert result.abstained and "target" in result.reason
    pipeline = "Geçen yıl BTC üzerinden 1,5 milyon ton Kazak petrolü taşındı."
    assert assemble("What is the total length of the BTC pipeline?", [hit(pipeline, 0.7, n=1)]).abstained


def test_what_a_party_the_article_never_quotes_said_is_not_answered():
    aliyev = "Aliyev ayrıca Azerbaycan'ın Ermenistan'a uyguladığı kısıtlamaları kaldırdığını duyurdu."
    people = {"Aliyev": "Azerbaycan Cumhurbaşkanı"}
    hits = [hit(aliyev, 0.6, n=1)]
    assert assemble("What did the Armenian government say about it?", hits, people=people).abstained
    # A country speaks through its leader.
    assert not assemble("What did Azerbaijan announce about Armenia?", hits, people=people).abstained


def test_who_described_something_is_no_question_about_a_countrys_leader():
    opening = "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev görüştü."
    brothers = 'Cumhurbaşkanı İlham Aliyev ise Azerbaycan ve Kazakistan halklarının "kardeş halklar" olduğunu söyledi.'
    result = assemble("Which leader described the Azerbaijani and Kazakh peoples as brotherly peoples?",
                      [hit(brothers, 0.66, n=1), hit(opening, 0.36, n=2)])
    assert result.fact == "İlham Aliyev"


def test_which_official_without_a_nationality_keeps_every_person():
    aliyev = "Azerbaycan Cumhurbaşkanı İlham Aliyev kısıtlamaları kaldırdığını duyurdu."
    people = {"Aliyev": "Azerbaycan Cumhurbaşkanı"}
    result = assemble("Which official announced that the restrictions were lifted?", [hit(aliyev, 0.7, n=1)],
                      people=people)
    assert result.fact == "İlham Aliyev"
