"""Example questions made from an article (ui.examples): the pure generator and the filter, no model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.documents import parse_document
from qa.types import Answer, Citation
from ui.examples import MAX_CHARS, Candidate, accepts, answerable_examples, propose_questions

ROOT = Path(__file__).resolve().parent.parent
KEDI = """date 2024-05-12 Ankara'da kedi festivali rekor kırdı

Festival

Ankara'da düzenlenen kedi festivaline bu yıl 12 bin kişi katıldı. Festivalde en çok ilgiyi Van kedileri gördü.

Sonuç

Belediye, festivalin gelecek yıl İzmir'de de yapılacağını açıkladı.
"""


def doc(body: str, title: str = "Deneme haberi"):
    return parse_document(f"date 2026-01-01 {title}\n\n{body}\n", "deneme.txt")


def questions(body: str) -> dict[str, Candidate]:
    return {c.question: c for c in propose_questions(doc(body))}


def sentence_id(document, fragment: str) -> str:
    return next(s.id for s in document.sentences if fragment in s.text)


def test_questions_from_the_kedi_article():
    document = parse_document(KEDI, "kedi.txt")
    proposed = {c.question: c for c in propose_questions(document)}
    count = proposed["Kaç bin kişi katıldı?"]
    assert count.kind == "quantity" and count.expect == "12"
    assert count.sources == (sentence_id(document, "12 bin kişi"),)
    assert "Ankara'da düzenlenen kedi festivaline bu yıl kaç bin kişi katıldı?" in proposed
    said = proposed["Belediye ne açıkladı?"]
    assert said.kind == "person" and said.sources == (sentence_id(document, "Belediye"),)
    section = proposed["Festival hakkında ne biliniyor?"]
    assert section.kind == "section"
    assert set(section.sources) == {sentence_id(document, "12 bin"), sentence_id(document, "Van kedileri")}
    assert not any("Sonuç" in q for q in proposed)  # a generic heading is no topic


@pytest.mark.parametrize(
    ("sentence", "question", "expect"),
    [
        ("Kurul politika faizini yüzde 38'den yüzde 36,5'e indirdi.",
         "Kurul politika faizini yüzde 38'den yüzde kaça indirdi?", "36,5"),
        ("Kurul politika faizini yüzde 38'den yüzde 36,5'e indirdi.",
         "Kurul politika faizini yüzde kaçtan yüzde 36,5'e indirdi?", "38"),
        ("Karar, Ankara'daki merkez binasında saat 14.00'te açıklandı.",
         "Karar, Ankara'daki merkez binasında saat kaçta açıklandı?", "14.00"),
        ("Maçın ilk golü 17. dakikada geldi.", "Maçın ilk golü kaçıncı dakikada geldi?", "17"),
        ("Projenin maliyeti 6,2 milyar lira olarak hesaplanıyor.",
         "Projenin maliyeti kaç milyar lira olarak hesaplanıyor?", "6,2"),
        ("Geçen yıl yük trafiği yüzde 62 artarak 4,5 milyon tona ulaştı.",
         "Geçen yıl yük trafiği yüzde kaç artarak 4,5 milyon tona ulaştı?", "62"),
        ("Kurulun bir sonraki toplantısı 5 Haziran 2026'da yapılacak.",
         "Kurulun bir sonraki toplantısı ne zaman yapılacak?", "5"),
        ("İnşaatın 2027 yılının sonunda tamamlanması hedefleniyor.",
         "İnşaatın ne zaman tamamlanması hedefleniyor?", "2027"),
        ("Festival 31 Mayıs 2026'ya kadar sürecek.", "Festival ne zamana kadar sürecek?", "31"),
        ("Ayrıca tatbikata yaklaşık 420 bin kişi katıldı.", "Tatbikata yaklaşık kaç bin kişi katıldı?", "420"),
    ],
)
def test_numbers_and_dates_are_asked_in_place(sentence, question, expect):
    proposed = questions(sentence)
    assert question in proposed, list(proposed)
    assert proposed[question].expect == expect
    assert proposed[question].kind == ("date" if "ne zaman" in question else "quantity")


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        ("Ulaşım Dairesi Başkanı Derya Aksoy, araçların düşük tabanlı olduğunu açıkladı.",
         "Derya Aksoy ne açıkladı?"),
        ("Sağlık Bakanı Prof. Dr. Mehmet Ali Güneş, aşının tek doz olarak uygulanacağını belirtti.",
         "Mehmet Ali Güneş ne belirtti?"),
        ('Törende konuşan Belediye Başkanı Selim Karaca, "Bu hat kente değer katacak" dedi.',
         "Selim Karaca ne dedi?"),
        ("Tokayev, iki ülke arasındaki görüşmelerin verimli geçtiğini belirterek bunu ifade etti.",
         "Tokayev ne dedi?"),
        ("Cumhurbaşkanı İlham Aliyev ise halkların kardeş olduğunu söyledi.",
         "Cumhurbaşkanı İlham Aliyev ne söyledi?"),
        ("Aliyev, Ermenistan'a uygulanan kısıtlamaları kaldırdığını duyurdu.",
         "Aliyev Ermenistan hakkında ne duyurdu?"),
        ("Uzmanlar, hazırlığın hayati önem taşıdığını vurguluyor.", "Uzmanlar ne vurguluyor?"),
    ],
)
def test_who_said_what(sentence, question):
    proposed = questions(sentence)
    assert question in proposed, list(proposed)
    assert proposed[question].kind == "person"


@pytest.mark.parametrize(
    "sentence",
    [
        "Aşılar 2 ila 8 derece arasında saklanacak.",  # a range
        "Gelirlerde yüzde 10 ile 14 arasında büyüme bekleniyor.",  # a range
        'Başkan, "Ticaret hacmini 1 milyar dolara çıkardık" dedi.',  # quoted, in the first person
        "Körfezspor rakibini 3-1 mağlup etti.",  # a score
        "Süper Lig'in 28. Haftası sona erdi.",  # an ordinal in a name
    ],
)
def test_no_number_question_where_it_would_not_read(sentence):
    assert not [q for q, c in questions(sentence).items() if c.kind == "quantity"]


def test_no_action_question_for_a_passive_verb():
    assert not [c for c in questions("Karar, Ankara'daki merkez binasında açıklandı.").values()
                if c.kind == "person"]


def bench_documents():
    data = json.loads((ROOT / "bench" / "data" / "news-tr.json").read_text(encoding="utf-8"))
    return [parse_document(f"date 2026-01-01 {a['title']}\n\n{a['paragraphs'][0]['context']}\n", f"news{i}.txt")
            for i, a in enumerate(data["data"])]


def test_every_article_gets_well_formed_questions_of_several_kinds():
    seed = ROOT / "seeds" / "kazakistan-azerbaycan-2025-10-21.txt"
    documents = [parse_document(seed.read_text(encoding="utf-8"), str(seed)), *bench_documents()]
    for document in documents:
        proposed = propose_questions(document)
        body = {s.id: s.text for s in document.sentences if s.kind == "body"}
        assert len(proposed) >= 8, document.title
        assert {"quantity", "person"} <= {c.kind for c in proposed}, document.title
        for candidate in proposed:
            q = candidate.question
            assert q.endswith("?") and (q[0].isupper() or q[0].isdigit()) and len(q) <= MAX_CHARS, q
            assert '"' not in q and "“" not in q and "  " not in q, q
            assert candidate.sources and set(candidate.sources) <= set(body), q
            assert q.rstrip("?") not in body[candidate.sources[0]], q  # a question, not the sentence
    seed_questions = [c.question for c in propose_questions(documents[0])]
    assert "Kaç işbirliği anlaşması imzalandı?" in seed_questions  # the hand-written example, found
    assert "Resmi ziyaret ve imza töreni hakkında ne biliniyor?" in seed_questions


def test_odd_texts_give_no_error():
    for body in ["", "Tek kelime", "12 34 56.", "'\"«»", "Bir cümle. " * 50, "ABC, DEF, GHI dedi.", "%5 yüzde 7'nin."]:
        propose_questions(doc(body or "Boş."))


# -- the filter, with an engine stand-in -------------------------------------------------------


def answer(question: str, sentence: str = "", fact: str = "", abstained: bool = False) -> Answer:
    if abstained:
        return Answer(question=question, text="Bu sorunun cevabı makalede yok.", abstained=True)
    cited = Citation(sentence, "...", "deneme.txt", 0, 3, 0.9)
    return Answer(question=question, text=f"{fact} [1]\n\n... [1]" if fact else "... [1]", citations=[cited],
                  fact=fact)


def test_accepts_only_an_answer_from_the_question_s_sentence_with_its_number():
    candidate = Candidate("Kaç bin kişi katıldı?", "quantity", ("s1",), expect="12")
    assert accepts(candidate, answer("q", "s1", "12"))
    assert accepts(candidate, answer("q", "s1", "12 bin kişi"))
    assert accepts(candidate, answer("q", "s1", ""))  # the sentence itself as the answer
    assert not accepts(candidate, answer("q", "s1", "112"))
    assert not accepts(candidate, answer("q", "s1", "12,5"))
    assert not accepts(candidate, answer("q", "s2", "12"))  # another sentence
    assert not accepts(candidate, answer("q", abstained=True))
    section = Candidate("Festival hakkında ne biliniyor?", "section", ("s1", "s2"))
    assert accepts(section, answer("q", "s2", "Van"))


class FakeEngine:
    """Answers each question from a table; anything else abstains; records what it was asked."""

    def __init__(self, table: dict[str, Answer], fail: tuple[str, ...] = ()):
        self.table, self.fail, self.asked = table, fail, []

    def answer(self, question: str) -> Answer:
        self.asked.append(question)
        if question in self.fail:
            raise ValueError("refused")
        return self.table.get(question) or answer(question, abstained=True)


def test_examples_are_the_answered_ones_kinds_in_turn():
    document = parse_document(KEDI, "kedi.txt")
    count, van, city = (sentence_id(document, f) for f in ("12 bin", "Van kedileri", "Belediye"))
    engine = FakeEngine({
        "Kaç bin kişi katıldı?": answer("", count, "12"),
        "Ankara'da düzenlenen kedi festivaline bu yıl kaç bin kişi katıldı?": answer("", count, "12"),
        "Belediye ne açıkladı?": answer("", van, "Van"),  # the wrong sentence
        "Belediye İzmir hakkında ne açıkladı?": answer("", city, "İzmir'de de yapılacağını"),
        "Festival hakkında ne biliniyor?": answer("", van, "Van"),
    })
    examples = answerable_examples(engine, document)
    assert examples == ["Kaç bin kişi katıldı?", "Belediye İzmir hakkında ne açıkladı?",
                        "Festival hakkında ne biliniyor?"]
    # one question per sentence: the longer variant of the count was never asked
    assert "Ankara'da düzenlenen kedi festivaline bu yıl kaç bin kişi katıldı?" not in engine.asked
    assert answerable_examples(engine, document, limit=1) == ["Kaç bin kişi katıldı?"]


def test_examples_survive_an_engine_that_refuses_or_abstains():
    document = parse_document(KEDI, "kedi.txt")
    refusing = FakeEngine({}, fail=tuple(c.question for c in propose_questions(document)))
    assert answerable_examples(refusing, document) == []
    abstaining = FakeEngine({})
    assert answerable_examples(abstaining, document, tries=2) == []
    assert len(abstaining.asked) == 2  # the budget of answers holds
