from pathlib import Path

import pytest

from index.documents import DocumentError, find_sources, load_document, parse_document

ARTICLE = """ date 2025-10-21 Başlık burada

Giriş

Birinci cümle burada. İkinci cümle 2. toplantıda söylendi.

## Markdown başlığı

Üçüncü cümle "alıntı." dedi.
"""


def test_header_sections_and_offsets():
    doc = parse_document(ARTICLE, "a.txt")
    assert (doc.date, doc.title) == ("2025-10-21", "Başlık burada")
    assert doc.sections == ["Giriş", "Markdown başlığı"]
    title, *body = doc.sentences
    assert title.kind == "title" and title.text == "date 2025-10-21 Başlık burada"
    assert [s.text for s in body] == [
        "Birinci cümle burada.", "İkinci cümle 2. toplantıda söylendi.", 'Üçüncü cümle "alıntı." dedi.'
    ]
    assert [s.section for s in body] == ["Giriş", "Giriş", "Markdown başlığı"]
    for s in doc.sentences:
        assert ARTICLE[s.start:s.end] == s.text


def test_ids_are_stable_and_unique():
    first = parse_document(ARTICLE, "a.txt")
    again = parse_document(ARTICLE, "a.txt")
    assert [s.id for s in first.sentences] == [s.id for s in again.sentences]
    doubled = parse_document("Aynı cümle.\n\nAynı cümle.\n", "b.txt")
    assert len({s.id for s in doubled.sentences}) == 2


def test_crlf_offsets_match_file(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("Başlık\r\n\r\nBir cümle. İki cümle.\r\n".encode())
    doc = load_document(path)
    raw = path.read_bytes().decode("utf-8")
    assert all(raw[s.start:s.end] == s.text for s in doc.sentences)


def test_bad_files(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Türkçe".encode("cp1254"))
    with pytest.raises(DocumentError, match="not UTF-8"):
        load_document(latin)
    with pytest.raises(DocumentError, match="not found"):
        find_sources([tmp_path / "missing.txt"])
    empty = tmp_path / "empty.md"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="empty"):
        load_document(empty)
    with pytest.raises(DocumentError, match="unsupported"):
        find_sources([Path(__file__)])


def test_a_sentence_leaning_on_the_one_before_is_embedded_with_it():
    from index.units import embedding_units

    text = ("date 2025-10-21 Görüşme\n\n"
            "Bakan yeni bir liman açtı. Bu, bölgedeki ilk liman oldu.\n")
    doc = parse_document(text, "doc.txt")
    units, owners = embedding_units([doc])
    assert "Bakan yeni bir liman açtı. Bu, bölgedeki ilk liman oldu." in units
    assert owners[units.index("Bakan yeni bir liman açtı. Bu, bölgedeki ilk liman oldu.")] == 2
