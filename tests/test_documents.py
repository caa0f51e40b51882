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


# -- web pages, PDF and Word files -------------------------------------------------------------

NEWS_PAGE = """<!DOCTYPE html>
<html lang="tr"><head><meta charset="utf-8">
<title>Bakü'de enerji anlaşması imzalandı | Örnek Haber</title>
<meta property="og:title" content="Bakü'de enerji anlaşması imzalandı">
<meta property="article:published_time" content="2025-10-21T09:30:00+03:00">
</head><body>
<header><nav><ul><li><a href="/">Ana Sayfa</a></li><li><a href="/spor">Spor Haberleri</a></li>
<li><a href="/ekonomi">Ekonomi</a></li></ul></nav></header>
<div class="advert">REKLAM: Şimdi üye olun, kampanyayı kaçırmayın!</div>
<main><article>
<h1>Bakü'de enerji anlaşması imzalandı</h1>
<p>Türkiye ile Azerbaycan arasında enerji alanında on beş işbirliği anlaşması imzalandı. Anlaşmalar Bakü'deki
törenle yürürlüğe girdi.</p>
<h2>Doğal gaz hattı</h2>
<p>Yeni boru hattının yılda 10 milyar metreküp gaz taşıması bekleniyor. Hattın 2027'de tamamlanması
planlanıyor.</p>
<p>Bakan, projenin bölgenin enerji güvenliğine katkı sağlayacağını söyledi. Törene iki ülkenin heyetleri
katıldı.</p>
</article></main>
<aside><h3>Çok okunanlar</h3><ul><li><a href="/x">Ünlü şarkıcı evlendi</a></li>
<li><a href="/y">Hafta sonu hava durumu</a></li></ul></aside>
<footer><p>© 2025 Örnek Haber. Tüm hakları saklıdır. Çerez politikası.</p></footer>
</body></html>
"""

# Lines as a PDF lays them out: a title, a paragraph with a word broken at a line end, a heading.
PDF_LINES = [
    "Kars-Tiflis demiryolu",
    "Demiryolu hattinda yük tasimaciligi gecen yil yüzde 62 artarak 4 milyon tona ula-",
    "sti. Hat, Türkiye ile Gürcistan arasindaki ticarette önemli bir rol oynuyor ve",
    "Orta Koridor'un parcasi.",
    "Yeni vagonlar",
    "Sirket bu yil 120 yeni vagon satin almayi planliyor ve ilk teslimatlar mart ayinda",
    "yapilacak. Yetkililer hattin kapasitesinin iki katina cikacagini söyledi.",
    "1",
]


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A minimal valid one-page PDF, written by hand: Helvetica, one text line per line."""

    def literal(text: str) -> bytes:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")

    stream = b"BT /F1 11 Tf 14 TL 72 760 Td\n" + b"".join(b"(" + literal(line) + b") Tj T*\n" for line in lines) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if title:
        objects.append(b"<< /Title (" + literal(title) + b") >>")
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if title else b""
    pdf += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(pdf)


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("İstanbul'da yeni metro hattı açıldı", level=0)
    document.add_paragraph("Yeni metro hattı dün törenle hizmete girdi. Hat 12 duraktan oluşuyor.")
    document.add_heading("Maliyet", level=1)
    document.add_paragraph("Projenin maliyeti 4 milyar lira olarak açıklandı.")
    document.save(path)
    return path


def _offsets_hold(doc) -> bool:
    return all(doc.text[s.start:s.end] == s.text for s in doc.sentences)


def test_a_news_page_gives_its_article_without_menus_and_ads(tmp_path):
    page = tmp_path / "haber.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")
    doc = load_document(page)
    assert doc.kind == "html" and (doc.date, doc.title) == ("2025-10-21", "Bakü'de enerji anlaşması imzalandı")
    assert doc.text.startswith("date 2025-10-21 Bakü'de enerji anlaşması imzalandı\n\n")
    for junk in ("Ana Sayfa", "Spor Haberleri", "REKLAM", "Çok okunanlar", "şarkıcı", "hakları saklıdır", "Çerez"):
        assert junk not in doc.text
    body = [s for s in doc.sentences if s.kind == "body"]
    assert body[0].text == "Türkiye ile Azerbaycan arasında enerji alanında on beş işbirliği anlaşması imzalandı."
    assert "Anlaşmalar Bakü'deki törenle yürürlüğe girdi." in [s.text for s in body]  # the line break is gone
    assert doc.sections == ["Doğal gaz hattı"] and body[-1].section == "Doğal gaz hattı"
    assert _offsets_hold(doc)


def test_a_page_without_an_article_is_an_error(tmp_path):
    page = tmp_path / "anasayfa.html"
    page.write_text("<html><body><nav><a href='/'>Ana Sayfa</a> <a href='/spor'>Spor</a></nav></body></html>",
                    encoding="utf-8")
    with pytest.raises(DocumentError, match=r"no article text found in the web page .*anasayfa\.html"):
        load_document(page)


def test_pdf_lines_become_paragraphs_and_broken_words_are_joined(tmp_path):
    path = tmp_path / "rapor.pdf"
    path.write_bytes(make_pdf(PDF_LINES, title="Kars-Tiflis demiryolu"))
    doc = load_document(path)
    assert doc.kind == "pdf" and doc.title == "Kars-Tiflis demiryolu" and doc.text.startswith("# Kars-Tiflis")
    assert "Yeni vagonlar" in doc.sections
    body = [s.text for s in doc.sentences if s.kind == "body"]
    assert body[0] == "Demiryolu hattinda yük tasimaciligi gecen yil yüzde 62 artarak 4 milyon tona ulasti."
    assert "Hat, Türkiye ile Gürcistan arasindaki ticarette önemli bir rol oynuyor ve Orta Koridor'un parcasi." in body
    assert len(doc.chunks) == 2 and "\n1\n" not in doc.text  # two paragraphs; the page number is dropped
    assert _offsets_hold(doc)


def test_docx_heading_styles_become_headings(tmp_path):
    doc = load_document(make_docx(tmp_path / "metro.docx"))
    assert doc.kind == "docx" and doc.title == "İstanbul'da yeni metro hattı açıldı"
    assert doc.text.startswith("# İstanbul'da yeni metro hattı açıldı\n\n")
    assert [(s.section, s.text) for s in doc.sentences if s.kind == "body"][-1] == (
        "Maliyet", "Projenin maliyeti 4 milyar lira olarak açıklandı.")
    assert _offsets_hold(doc)


def test_the_first_bytes_decide_the_content_type(tmp_path):
    from index.documents import content_type

    (tmp_path / "saved.txt").write_bytes(make_pdf(PDF_LINES))
    (tmp_path / "page").write_text("\ufeff  <!DOCTYPE html><html><body><p>Bir.</p></body></html>", encoding="utf-8")
    make_docx(tmp_path / "word")
    (tmp_path / "notes.txt").write_text("Bu not <html> etiketini anlatır.\n", encoding="utf-8")
    (tmp_path / "archive.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "data.bin").write_bytes(b"\x00\x01")
    kinds = {p.name: content_type(p) for p in tmp_path.iterdir()}
    assert kinds == {"saved.txt": "pdf", "page": "html", "word": "docx", "notes.txt": "text",
                     "archive.docx": "docx", "data.bin": None}
    assert load_document(tmp_path / "saved.txt").kind == "pdf"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", r"broken\.pdf is not a readable PDF"),
    ("broken.docx", b"PK\x03\x04 truncated", r"broken\.docx is not a readable \.docx file"),
    ("scan.pdf", make_pdf([]), r"scan\.pdf has no text layer"),
    ("old.doc", b"\xd0\xcf\x11\xe0", r"old\.doc: unsupported file type '\.doc'; save it as \.docx"),
])
def test_damaged_files_are_named_with_the_fix(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message):
        load_document(path)


def test_a_folder_names_what_it_does_not_index(tmp_path):
    import os
    import threading

    from index.documents import DocumentWarning

    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Bir cümle.\n", encoding="utf-8")
    (folder / "sub" / "haber.html").write_text(NEWS_PAGE, encoding="utf-8")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".DS_Store").write_bytes(b"\x00")
    outside = tmp_path / "secret.txt"
    outside.write_text("Gizli.\n", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    (folder / "same.txt").symlink_to(folder / "a.txt")  # inside the folder: indexed once, as a.txt
    os.mkfifo(folder / "pipe.txt")
    found: list = []
    with pytest.warns(DocumentWarning) as caught:
        scan = threading.Thread(target=lambda: found.extend(find_sources([folder])), daemon=True)
        scan.start()
        scan.join(timeout=20)
    assert not scan.is_alive(), "the scan opened the FIFO"
    assert [p.name for p in found] == ["a.txt", "haber.html"]
    messages = "\n".join(str(w.message) for w in caught)
    assert "foto.jpg" in messages and ".jpg" in messages
    assert f"link.txt not indexed: a symlink to {outside}" in messages
    assert "pipe.txt not indexed: not a regular file" in messages
    assert "1 hidden file(s)" in messages
    with pytest.raises(DocumentError, match="not a regular file"):
        find_sources([folder / "pipe.txt"])
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "foto.png").write_bytes(b"\x89PNG")
    with pytest.raises(DocumentError, match="no indexable files"), pytest.warns(DocumentWarning, match="foto.png"):
        find_sources([photos])


def test_cli_names_skipped_files_and_reports_a_damaged_one_in_one_line(tmp_path):
    import subprocess
    import sys

    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (tmp_path / "foto.png").write_bytes(b"\x89PNG")
    run = subprocess.run([sys.executable, "-m", "qa.cli", "index", "build", str(tmp_path), "--out",
                          str(tmp_path / ".index"), "--quiet"], capture_output=True, text=True, timeout=120)
    lines = run.stderr.splitlines()
    assert run.returncode == 2 and len(lines) == 2, run.stderr
    assert lines[0].startswith("qa: warning: 1 file(s)") and "foto.png" in lines[0]
    assert lines[1].startswith("qa: error: ") and "broken.pdf is not a readable PDF" in lines[1]
