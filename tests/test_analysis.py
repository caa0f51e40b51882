from index.analysis import analyze, casefold_tr, content_tokens, looks_english, stem, strip_suffix, tokenize


def test_turkish_casefold():
    assert casefold_tr("IŞIK") == "ışık"
    assert casefold_tr("İSTANBUL") == "istanbul"
    assert casefold_tr("I\u0307stanbul") == "istanbul"  # decomposed İ
    assert casefold_tr("İlham Aliyev") == "ilham aliyev"


def test_apostrophe_suffixes_both_marks():
    assert strip_suffix("kazakistan'ın") == "kazakistan"
    assert tokenize("Kazakistan’ın ve Azerbaycan'ın") == ["kazakistan", "ve", "azerbaycan"]


def test_numbers_keep_decimal_comma():
    assert tokenize("4,5 milyon ton") == ["4,5", "milyon", "ton"]


def test_stopwords_removed_and_stems_shared():
    assert content_tokens("Kaç anlaşma imzalandı?") == ["anlaşma", "imzalandı"]
    assert stem("anlaşması", "prefix5") == stem("anlaşma", "prefix5")
    assert analyze("Petrolün taşınması") == analyze("petrol taşınması")
    assert casefold_tr("Zekâ") == "zeka"


def test_prefix_stemmer():
    assert stem("uranyumun", "prefix5") == "urany"


def test_language_guess():
    assert looks_english("How many agreements were signed?")
    assert not looks_english("Kaç anlaşma imzalandı?")


def test_typed_without_turkish_letters():
    from index.analysis import fold_ascii, lacks_turkish_letters
    from qa.query import Kind, parse

    assert analyze("Kac isbirligi anlasmasi imzalandi?") == analyze("Kaç işbirliği anlaşması imzalandı?")
    assert fold_ascii("çığır öşü") == "cigir osu"
    assert lacks_turkish_letters("Kac anlasma?") and not lacks_turkish_letters("Kaç anlaşma?")
    assert parse("Kac anlasma imzalandi?").kind is Kind.QUANTITY


def test_generic_kinds_of_things_are_no_topic():
    # "hangi etkinlikle", "what kind of event": the answer's type, not what the question is about.
    assert content_tokens("Görüşmeler hangi etkinlikle başladı?") == ["görüşmeler", "başladı"]
    assert content_tokens("What kind of event opened the talks?") == ["opened", "talks"]
