import pytest

from index.segment import split_sentences


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for start, end in spans:
        assert text[start:end] == text[start:end].strip()
    return [text[s:e] for s, e in spans]


def test_offsets_are_exact():
    text = "  Birinci cümle. İkinci cümle!  Üçüncü mü?  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Birinci cümle.", "İkinci cümle!", "Üçüncü mü?"]


@pytest.mark.parametrize(
    "text",
    [
        "Liderler Yüksek Konseyin 2. Toplantısı'na eş başkanlık etti.",
        "Anlaşmanın 20. yılı dolayısıyla bildiri imzalandı.",
        "Yük trafiği 4,5 milyon tona ulaştı.",
        "Oran 4.5 puan arttı.",
        "Toplantıya Prof. Dr. Ahmet Yılmaz katıldı.",
        "Tarım, enerji vb. alanlarda işbirliği yapılacak.",
        "K. C. Tokayev konuştu.",
        "Görüşme M.Ö. dönemden söz etti.",
    ],
)
def test_no_split_inside(text):
    assert sentences(text) == [text]


def test_quote_closing_after_period_stays_in_sentence():
    text = 'Tokayev, "Azerbaycan önemli bir ortağıdır." dedi. Aliyev de konuştu.'
    assert sentences(text) == ['Tokayev, "Azerbaycan önemli bir ortağıdır." dedi.', "Aliyev de konuştu."]


def test_quote_ending_a_sentence_splits_before_capital():
    text = 'Aliyev şöyle dedi: "Kısıtlamalar kalktı." Bu bir adımdır.'
    assert sentences(text) == ['Aliyev şöyle dedi: "Kısıtlamalar kalktı."', "Bu bir adımdır."]


def test_curly_apostrophe_and_question_marks():
    text = "Kazakistan’ın hedefi ne? Ticaret 2 katına çıkacak!"
    assert sentences(text) == ["Kazakistan’ın hedefi ne?", "Ticaret 2 katına çıkacak!"]


def test_last_sentence_without_period():
    assert sentences("Bir. İki") == ["Bir.", "İki"]
