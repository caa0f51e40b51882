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


@pytest.mark.parametrize(
    "text",
    [
        "Varşova'nın ilk borsası 1817'de kuruldu ve II. Dünya Savaşı ile kapandı.",
        "Nantes Fermanı XIV. Louis yönetimine kadar korundu.",
        "Nizam-ı Cedit III. Selim döneminde kuruldu.",
        "Kent XX. Yüzyıl başında büyüdü.",
        "Köprü 1981'de Kraliçe II. Elizabeth tarafından açıldı.",
    ],
)
def test_roman_numeral_ordinals(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize("word", ["ABC", "MIC", "XXXVIII"])
def test_other_capitals_before_a_period_end_the_sentence(word):
    text = f"Sahnede {word}. Sonra konser başladı."
    assert sentences(text) == [f"Sahnede {word}.", "Sonra konser başladı."]


@pytest.mark.parametrize(
    "text",
    [
        "Prof. Dr. Ahmet Yılmaz konuştu.",
        "Kral St. Louis'de öldü.",
        "Büyük kentlerde, örn. Ankara ve İzmir'de, kira arttı.",
        "Toplantıya Doç. Dr. Ayşe Kaya, Av. Mehmet Demir ve Sn. Ali Can katıldı.",
        "Alb. Hasan Öz ve Gen. Kemal Ak konuştu.",
        "Yrd. Doç. Dr. Can Er ve Mr. Smith geldi.",
        "Galatasaray vs. Fenerbahçe maçı oynandı.",
        "Adres Cumhuriyet Cad. No. 5 olarak kayıtlı.",
        "Holding A.Ş. Yönetim Kurulu toplandı.",
        "Anlaşmayı T.C. Dışişleri Bakanlığı duyurdu.",
        "Kent M.Ö. 300 yılında kuruldu.",
        "Rapor U.S. Army tarafından yazıldı.",
        "Tartışmaların çoğu J.A. Hobson ile başladı.",
    ],
)
def test_abbreviations_before_capitals_and_numbers(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Jacques Lefevre (c. 1455-1536) reform yanlısıydı.",
        "Sabur İbn Sahl (ö. 869) ilk farmakopeyi yazdı.",
        "Brown v. Topeka Eğitim Kurulu davası dönüm noktasıdır.",
        "Bulgular Jones et al. 1998 ile uyumludur.",
    ],
)
def test_lowercase_one_letter_and_phrase_abbreviations(text):
    assert sentences(text) == [text]


def test_abd_suffix_is_not_an_abbreviation():
    text = "Görüşmeye ABD'li yetkililer katıldı. Sonra ABD. Bu ülke yanıt verdi."
    assert sentences(text) == [
        "Görüşmeye ABD'li yetkililer katıldı.",
        "Sonra ABD.",
        "Bu ülke yanıt verdi.",
    ]


def test_word_al_ends_a_sentence_outside_et_al():
    assert sentences("Bunu al. Sonra git.") == ["Bunu al.", "Sonra git."]


def test_pronoun_o_ends_a_sentence():
    assert sentences("Kazanan o. Diğerleri elendi.") == ["Kazanan o.", "Diğerleri elendi."]


@pytest.mark.parametrize(
    "text",
    [
        "K. Tokayev konuştu.",
        "J. R. R. Tolkien yazdı.",
        "John F. Kennedy öldürüldü.",
        "Ş. İ. Öztürk geldi.",
    ],
)
def test_initials(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Toplantı 21.10.2025 tarihinde yapıldı.",
        "Oturum saat 14.30'da başladı.",
        "Nüfus 1.900.000 kişiye ulaştı.",
    ],
)
def test_dates_and_times_stay_whole(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Toplantının tarihi 21.10.2025. Sonra açıklama yapıldı.", "Toplantının tarihi 21.10.2025."),
        ("Ortalama hane boyutu 3,07. Aile sayısı arttı.", "Ortalama hane boyutu 3,07."),
        ("Artış oranı %7. Bu yüksek bir orandır.", "Artış oranı %7."),
        ("Nüfus 1.900.000. Bu sayı arttı.", "Nüfus 1.900.000."),
    ],
)
def test_numbers_that_are_not_ordinals_end_sentences(text, first):
    assert sentences(text) == [first, text[len(first) + 1 :]]
