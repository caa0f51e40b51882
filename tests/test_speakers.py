"""Who says what, and whose statements a question asks about: pure text, no model."""

from index.documents import parse_document
from index.units import titled_people
from qa.assemble import assemble
from qa.retrieve import Hit
from qa.speakers import asked_person, asked_speaker, leader_countries, sentence_speakers

ARTICLE = "\n\n".join([
    "date 2025-10-21 Kazakistan ve Azerbaycan anlaşma imzaladı",
    "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev görüştü.",
    'Toplantıda konuşan Cumhurbaşkanı Tokayev, "Azerbaycan güvenilir bir ortaktır." dedi. '
    "Ayrıca, koridorun öncelik olduğuna dikkat çekti. Liderler daha sonra yemeğe katıldı.",
    "Aliyev, halkların kardeş olduğunu söyledi. Bu, ilişkilerin sağlam temelidir.",
]) + "\n"


def _document():
    return parse_document(ARTICLE, "a.txt")


def test_the_speaker_is_the_titled_person_a_statement_opens_with_and_carries_on():
    doc = _document()
    speakers = sentence_speakers(doc)
    by_text = {s.text[:20]: speakers.get(s.id, "") for s in doc.sentences}
    assert by_text["Toplantıda konuşan C"] == "Tokayev"
    assert by_text["Ayrıca, koridorun ön"] == "Tokayev"  # no name, still his statement
    assert by_text["Liderler daha sonra "] == ""  # no speech reported
    assert by_text["Kazakistan Cumhurbaş"] == ""  # two people, no speech
    assert by_text["Aliyev, halkların ka"] == "Aliyev"
    assert by_text["Bu, ilişkilerin sağl"] == "Aliyev"  # leans on the sentence before


def test_the_speaker_a_question_asks_about_by_name_or_by_title():
    people = titled_people(_document())
    assert people == {"Tokayev": "Kazakistan Cumhurbaşkanı", "Aliyev": "Azerbaycan Cumhurbaşkanı"}
    assert asked_speaker("How did Tokayev describe Azerbaijan?", people) == "Tokayev"
    assert asked_speaker("What did the Kazakh leader say about the corridor?", people) == "Tokayev"
    assert asked_speaker("Aliyev'e göre ilişkilerin temeli nedir?", people) == "Aliyev"
    assert asked_speaker("Who is the head of state of Azerbaijan?", people) == ""  # not about speech
    assert asked_speaker("Tokayev ve Aliyev ne dedi?", people) == ""  # two speakers
    assert asked_speaker("Kazak lider Azerbaycan'ı nasıl tarif etti?", people) == "Tokayev"  # the leader's country
    assert asked_speaker("What did the president of Azerbaijan say about Armenia?", people) == "Aliyev"


def test_what_a_speaker_said_comes_from_that_speakers_statements():
    doc = _document()
    speakers = sentence_speakers(doc)
    sentences = {s.text[:8]: s for s in doc.sentences}
    hits = [Hit(sentences["Kazakist"], 0.6, 0.5, 0.6, 1.0), Hit(sentences["Toplantı"], 0.5, 0.5, 0.5, 1.0)]
    question = "Tokayev Azerbaycan hakkında ne dedi?"
    cited = assemble(question, hits, speaker="Tokayev", speakers=speakers).cited[0].sentence
    assert cited is sentences["Toplantı"]
    assert assemble(question, hits).cited[0].sentence is sentences["Kazakist"]


def test_a_question_naming_one_person_is_not_answered_by_another_persons_statement():
    doc = _document()
    speakers = sentence_speakers(doc)
    people = titled_people(doc)
    sentences = {s.text[:8]: s for s in doc.sentences}
    question = "Which corridor did Tokayev single out?"
    assert asked_person(question, people) == "Tokayev" and asked_speaker(question, people) == ""
    hits = [Hit(sentences["Aliyev, "], 0.6, 0.5, 0.6, 1.0), Hit(sentences["Ayrıca, "], 0.5, 0.5, 0.5, 1.0)]
    answer = assemble(question, hits, person="Tokayev", speakers=speakers)
    assert answer.cited[0].sentence is sentences["Ayrıca, "]


def test_where_a_speaker_made_his_remarks_is_the_event_he_spoke_at():
    doc = parse_document("\n\n".join([
        "date 2025-10-21 Haber",
        "Kazakistan Cumhurbaşkanı Kasım Cömert Tokayev ile Azerbaycan Cumhurbaşkanı İlham Aliyev görüştü.",
        "Toplantı sonrası düzenlenen basın toplantısında konuşan Cumhurbaşkanı Tokayev, ticaretin artacağını söyledi.",
    ]) + "\n", "a.txt")
    speakers = sentence_speakers(doc)
    hits = [Hit(s, 0.3, 0.2, 0.3, 1.0) for s in reversed(doc.sentences)]
    for question in ("Tokayev açıklamalarını hangi ortamda yaptı?", "Where did Tokayev make his remarks?"):
        answer = assemble(question, hits, speaker="Tokayev", speakers=speakers)
        assert answer.fact == "basın toplantısında", question


def test_of_a_speakers_statements_scoring_alike_the_one_with_the_focus_word_answers():
    doc = _document()
    speakers = sentence_speakers(doc)
    sentences = {s.text[:8]: s for s in doc.sentences}
    hits = [Hit(sentences["Toplantı"], 0.50, 0.5, 0.5, 1.0, False),
            Hit(sentences["Ayrıca, "], 0.49, 0.5, 0.5, 1.0, True)]
    answer = assemble("Tokayev koridor hakkında ne söyledi?", hits, speaker="Tokayev", speakers=speakers)
    assert answer.cited[0].sentence is sentences["Ayrıca, "]


def test_who_said_an_unnamed_statement_is_its_speaker_named_where_he_began():
    doc = _document()
    speakers = sentence_speakers(doc)
    sentences = {s.text[:8]: s for s in doc.sentences}
    hits = [Hit(sentences["Ayrıca, "], 0.6, 0.5, 0.6, 1.0), Hit(sentences["Toplantı"], 0.4, 0.5, 0.5, 1.0)]
    answer = assemble("Who pointed to the corridor as a priority?", hits, speakers=speakers)
    assert answer.fact == "Tokayev"
    assert [h.sentence for h in answer.cited] == [sentences["Ayrıca, "], sentences["Toplantı"]]


def test_the_country_next_to_a_leader_word_names_a_person():
    assert leader_countries("Kazak lider bugünkü görüşmeleri nasıl nitelendirdi?") == {"kaza"}
    countries = leader_countries("How did the president of Azerbaijan describe Kazakhstan?")
    assert "azer" in countries and "kaza" not in countries
    assert leader_countries("How did Tokayev describe Azerbaijan?") == set()


def test_in_someones_words_asks_for_his_statements():
    people = {"Tokayev": "Kazakistan Cumhurbaşkanı"}
    assert asked_speaker("In Tokayev's words, what kind of partner is Azerbaijan?", people) == "Tokayev"


def test_underlining_is_saying():
    people = {"Tokayev": "Kazakistan Cumhurbaşkanı"}
    assert asked_speaker("Tokayev iki ülkenin neyi paylaştığının altını çizdi?", people) == "Tokayev"


def test_assessing_expecting_and_statements_are_someones_words():
    people = {"Tokayev": "Kazakistan Cumhurbaşkanı", "Aliyev": "Azerbaycan Cumhurbaşkanı"}
    assert asked_speaker("How did the Kazakh leader assess the day's negotiations?", people) == "Tokayev"
    assert asked_speaker("What effect did the Azerbaijani president expect?", people) == "Aliyev"
    assert asked_speaker("Where did Tokayev make his statements on trade?", people) == "Tokayev"
