"""The web chat in a real headless Chromium (Playwright), against the app served in-process.

Screenshots go to ``artifacts/`` at the repository root (git-ignored):
chat.png (cited answer, highlighted source), chat_abstain.png, chat_upload.png; the one of the
examples made from an uploaded article goes to pytest's ``tmp_path`` and is checked there.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "#question textarea"
BOT = "#chat [data-testid='bot']"
STATUS = "#chat-status"
SOURCE = "#source-panel"
LAST_ANSWER_LENGTH = f"() => [...document.querySelectorAll(`{BOT}`)].at(-1)?.innerText.length"
ARTICLE = """date 2024-05-12 Ankara'da kedi festivali rekor kırdı

Festival

Ankara'da düzenlenen kedi festivaline bu yıl 12 bin kişi katıldı. Festivalde en çok ilgiyi Van kedileri gördü.

Sonuç

Belediye, festivalin gelecek yıl İzmir'de de yapılacağını açıkladı.
"""
LIBRARY = """date 2025-03-04 İzmir'de yeni kent kütüphanesi açıldı

Açılış

İzmir'in Karşıyaka ilçesinde yapılan kent kütüphanesi 3 Mart 2025'te hizmete girdi.
Kütüphanede 85 bin kitap ve 120 bilgisayar bulunuyor.

Ziyaretçiler

Kütüphane Müdürü Ayşe Yılmaz, ilk gün 2 bin kişinin kütüphaneyi ziyaret ettiğini söyledi.
Kütüphane hafta içi her gün saat 09.00'da açılıyor.
"""
EXAMPLE_BUTTONS = "#examples button"
MESSAGES = "#chat [data-testid='user'], #chat [data-testid='bot']"
# The element the chat's messages scroll in: their nearest ancestor that scrolls.
SCROLLER = f"""() => {{
  let el = document.querySelector("{MESSAGES}");
  while (el && !['auto', 'scroll'].includes(getComputedStyle(el).overflowY)) el = el.parentElement;
  return el;
}}"""
# Where the chat's label and each message's visible part (clipped by the scroll area) sit.
LABEL_AND_MESSAGES = f"""() => {{
  const box = (r) => ({{top: r.top, bottom: r.bottom, left: r.left, right: r.right}});
  const label = document.querySelector('#chat label[data-testid="block-label"]');
  const scroller = ({SCROLLER})(), view = scroller.getBoundingClientRect();
  return {{
    label: label && getComputedStyle(label).display !== 'none' ? box(label.getBoundingClientRect()) : null,
    view: box(view), scrollHeight: scroller.scrollHeight,
    messages: [...document.querySelectorAll("{MESSAGES}")].map((m) => {{
      const r = m.getBoundingClientRect();
      return {{...box(r), top: Math.max(r.top, view.top), bottom: Math.min(r.bottom, view.bottom)}};
    }}),
  }};
}}"""
SCROLL_CHAT = f"(top) => {{ ({SCROLLER})().scrollTop = top; }}"


def chromium() -> str:
    path = shutil.which("chromium")
    if path is not None and not os.environ.get("CI"):
        pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium); CI must run the browser tests")
        pytest.skip("chromium is not installed (apt-get install chromium) - browser tests skipped")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    chromium()  # skip before loading the model when there is no browser
    from qa.engine import Engine
    from ui.app import launch

    engine = Engine(index_dir=tmp_path_factory.mktemp("ui-browser-index"))
    port = free_port()
    demo = launch(engine, port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        demo.article_store.close()


@pytest.fixture(scope="module")
def page(url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="tr-TR")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_selector(QUESTION)
        yield page
        browser.close()
    assert not errors, errors


def ask(page, question: str, sample: bool = False) -> list[int]:
    """Type and send ``question``; wait until the streamed answer is complete.

    Returns the lengths of the last answer seen while it streamed (when ``sample``).
    """
    from playwright.sync_api import expect

    turn = page.locator(BOT).count() + 1
    page.fill(QUESTION, question)
    page.press(QUESTION, "Enter")
    lengths = []
    deadline = time.time() + 20
    while sample and time.time() < deadline and f"(tur {turn}," not in page.inner_text(STATUS):
        lengths.append(page.evaluate(LAST_ANSWER_LENGTH))
        time.sleep(0.03)
    # the handler's last yield writes "Yanıt tamamlandı (tur N, ...)": the stream is over
    expect(page.locator(STATUS)).to_contain_text(f"Yanıt tamamlandı (tur {turn},", timeout=20_000)
    return [n for n in lengths if n]


def in_panel_view(page, selector: str) -> bool:
    return page.evaluate("""(sel) => {
        const el = document.querySelector(sel), box = document.querySelector('#source-panel .src');
        const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
        return r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.top >= 0 && r.bottom <= innerHeight;
    }""", selector)


def close_toasts(page) -> None:
    from playwright.sync_api import expect

    for close in page.locator("[data-testid='toast-close']").all():
        if close.is_visible():
            close.click()
    expect(page.locator("[data-testid='toast-body']")).to_have_count(0, timeout=5_000)


def test_cited_answer_streams_and_highlights_its_sentence(page):
    from playwright.sync_api import expect

    lengths = ask(page, "Kaç işbirliği anlaşması imzalandı?", sample=True)
    assert len(set(lengths)) >= 3, f"the answer did not stream in: {lengths}"
    answer = page.locator(BOT).last
    assert answer.inner_text().startswith("15")
    marker = answer.locator("a.cite", has_text="[1]").first
    expect(marker).to_be_visible()
    href = marker.get_attribute("href")
    assert href.startswith("#sent-")
    sentence = f"{SOURCE} mark.cited#{href[1:]}"
    expect(page.locator(sentence)).to_contain_text("15 işbirliği anlaşması imzalandı")
    assert "15 işbirliği anlaşması imzalandı" in marker.get_attribute("title")  # the tooltip

    # scroll the sentence out of the panel's view; hovering and clicking the marker bring it back
    page.evaluate("() => { const b = document.querySelector('#source-panel .src'); "
                  "b.scrollTop = b.scrollHeight; window.scrollTo(0, 0); }")
    page.wait_for_timeout(300)
    assert not in_panel_view(page, sentence)
    marker.hover()
    page.wait_for_function(f"() => document.querySelector('{sentence}').classList.contains('hovered')")
    page.evaluate("() => { document.querySelector('#source-panel .src').scrollTop = 1e6; }")
    page.mouse.move(0, 0)
    marker.click()
    page.wait_for_function(f"() => document.querySelector('{sentence}').classList.contains('flash')")
    page.wait_for_timeout(1000)  # smooth scrolling
    assert in_panel_view(page, sentence), "clicking the marker did not bring the sentence into view"
    assert "#" not in page.url
    page.mouse.move(0, 0)
    page.screenshot(path=str(ARTIFACTS / "chat.png"))


def test_follow_up_uses_the_conversation(page):
    from playwright.sync_api import expect

    ask(page, "Tokayev petrol hakkında ne dedi?")
    expect(page.locator(f"{SOURCE} mark.cited")).to_contain_text("petrol")
    ask(page, "Peki uranyum?")
    assert "uranyum" in page.locator(BOT).last.inner_text()
    expect(page.locator(f"{SOURCE} mark.cited")).to_have_count(1)
    expect(page.locator(f"{SOURCE} mark.cited")).to_contain_text("uranyum")


def test_abstention_from_an_example_looks_different(page):
    from playwright.sync_api import expect

    turn = page.locator(BOT).count() + 1
    page.locator("button", has_text="Kazakistan'ın başkenti neresidir?").first.click()  # asks at once
    expect(page.locator(STATUS)).to_contain_text(f"Yanıt tamamlandı (tur {turn},", timeout=20_000)
    last = page.locator(BOT).last
    expect(last.locator(".abstain")).to_contain_text("Bu sorunun cevabı makalede yok.")
    expect(last.locator("a.cite")).to_have_count(0)
    expect(page.locator(f"{SOURCE} .cited")).to_have_count(0)
    background = last.locator(".abstain").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(ARTIFACTS / "chat_abstain.png"))


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("   ", "Soru boş olamaz"),
        ("x" * 10_000, "Soru çok uzun (10000 karakter; sınır 1000)"),
        ("merhaba\u0007dünya", "Soru kontrol karakteri içeriyor"),
    ],
)
def test_bad_input_gets_a_clear_message(page, question, message):
    from playwright.sync_api import expect

    before = page.locator(BOT).count()
    page.fill(QUESTION, question)
    page.press(QUESTION, "Enter")
    expect(page.locator(BOT)).to_have_count(before + 1, timeout=10_000)
    text = page.locator(BOT).last.inner_text()
    assert message in text and "Traceback" not in text
    expect(page.locator(STATUS)).to_contain_text(message)


def test_clear_button_empties_the_chat(page):
    from playwright.sync_api import expect

    if page.locator(BOT).count() == 0:  # when run on its own
        ask(page, "Kaç işbirliği anlaşması imzalandı?")
    page.click("#clear")
    expect(page.locator(BOT)).to_have_count(0)
    expect(page.locator(STATUS)).to_contain_text("Sohbet temizlendi")


def test_uploaded_article_answers_and_default_comes_back(page, tmp_path: Path):
    from playwright.sync_api import expect

    files = page.locator("#upload input[type=file]")
    latin = tmp_path / "eski.txt"
    latin.write_bytes("Güzel bir gün.".encode("cp1254"))
    files.set_input_files(str(latin))
    expect(page.locator("#upload-status")).to_contain_text("'eski.txt' UTF-8 metin değil", timeout=15_000)
    big = tmp_path / "buyuk.txt"
    big.write_text("Bu bir cümle. " * 18_000, encoding="utf-8")  # 264 KB: over the 200 KB limit
    files.set_input_files(str(big))
    expect(page.locator("#upload-status")).to_contain_text("'buyuk.txt' çok büyük", timeout=15_000)

    article = tmp_path / "kedi.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    files.set_input_files(str(article))
    expect(page.locator("#upload-status")).to_contain_text("Yüklendi: kedi.txt", timeout=60_000)
    expect(page.locator("#article-info")).to_contain_text("Ankara'da kedi festivali rekor kırdı")
    expect(page.locator(SOURCE)).to_contain_text("Van kedileri")
    ask(page, "Festivale kaç kişi katıldı?")
    assert "12 bin" in page.locator(BOT).last.inner_text()
    expect(page.locator(f"{SOURCE} mark.cited")).to_contain_text("12 bin kişi katıldı")
    close_toasts(page)
    page.screenshot(path=str(ARTIFACTS / "chat_upload.png"))
    ask(page, "Kaç işbirliği anlaşması imzalandı?")  # not in this article
    expect(page.locator(BOT).last.locator(".abstain")).to_be_visible()

    page.click("#default-article")
    expect(page.locator("#article-info")).to_contain_text("varsayılan makale")
    expect(page.locator(BOT)).to_have_count(0)
    ask(page, "Kaç işbirliği anlaşması imzalandı?")
    assert page.locator(BOT).last.inner_text().startswith("15")


def overlaps(a: dict, b: dict) -> bool:
    return a["top"] < b["bottom"] - 1 and b["top"] < a["bottom"] - 1 and a["left"] < b["right"] - 1 \
        and b["left"] < a["right"] - 1


def test_examples_follow_the_uploaded_article_and_the_label_stays_clear(page, tmp_path: Path):
    from PIL import Image
    from playwright.sync_api import expect

    from ui.app import EXAMPLES

    page.click("#default-article")  # whatever ran before: the default article and its examples
    expect(page.locator("#article-info")).to_contain_text("varsayılan makale")
    expect(page.locator(EXAMPLE_BUTTONS).first).to_have_text(EXAMPLES[0])

    article = tmp_path / "kutuphane.txt"
    article.write_text(LIBRARY, encoding="utf-8")
    page.locator("#upload input[type=file]").set_input_files(str(article))
    expect(page.locator("#upload-status")).to_contain_text("Yüklendi: kutuphane.txt", timeout=60_000)
    expect(page.locator("#examples")).to_contain_text("Yüklenen makaleden örnek sorular")
    questions = page.locator(EXAMPLE_BUTTONS).all_inner_texts()
    assert 3 <= len(questions) <= 4, questions
    assert not set(questions) & set(EXAMPLES), questions
    assert all(q.endswith("?") and len(q) <= 60 for q in questions), questions  # whole, not cut to "..."
    words = {w.strip(".,'").casefold() for w in LIBRARY.replace("'", " ").split() if len(w) >= 5}
    for question in questions:  # each asks about the uploaded article, in its words
        assert {w.strip("?,'").casefold() for w in question.replace("'", " ").split()} & words, question
    close_toasts(page)

    for turn, question in enumerate(questions, 1):  # each example is answered, from the uploaded article
        page.locator(EXAMPLE_BUTTONS, has_text=question).first.click()
        expect(page.locator(STATUS)).to_contain_text(f"Yanıt tamamlandı (tur {turn},", timeout=20_000)
        answer = page.locator(BOT).last
        expect(answer.locator(".abstain")).to_have_count(0)
        marker = answer.locator("a.cite").first
        expect(marker).to_be_visible()
        sentence = page.locator(f"{SOURCE} mark.cited#{marker.get_attribute('href')[1:]}")
        expect(sentence).to_have_count(1)
        assert " ".join(sentence.inner_text().split()[1:]) in " ".join(LIBRARY.split())  # less its [n] badge
        expect(page.locator(SOURCE)).to_contain_text("Yüklenen dosya: kutuphane.txt")

    # The chat now scrolls. The label must cover no message: not the first question nor the first
    # answer, at the top or half scrolled away, nor any, wherever the chat is scrolled (every 10 pixels).
    layout = page.evaluate(LABEL_AND_MESSAGES)
    height = layout["view"]["bottom"] - layout["view"]["top"]
    assert layout["scrollHeight"] > height + 100, "the chat does not scroll"
    assert layout["label"] is not None
    assert "Sohbet" in page.locator("#chat label[data-testid='block-label']").inner_text()
    page.evaluate(SCROLL_CHAT, 0)
    starts = page.evaluate(LABEL_AND_MESSAGES)["messages"]
    for index in (0, 1):  # the first question, the first answer
        offset = starts[index]["top"] - starts[0]["top"]
        for top in (offset, offset + (starts[index]["bottom"] - starts[index]["top"]) / 2):
            page.evaluate(SCROLL_CHAT, top)
            layout = page.evaluate(LABEL_AND_MESSAGES)
            message = layout["messages"][index]
            if message["bottom"] > message["top"]:  # some of it in view
                assert not overlaps(layout["label"], message), (index, top, layout["label"], message)
    covered = []
    for top in range(0, int(layout["scrollHeight"]), 10):
        page.evaluate(SCROLL_CHAT, top)
        layout = page.evaluate(LABEL_AND_MESSAGES)
        covered += [(top, m) for m in layout["messages"] if m["bottom"] > m["top"] and overlaps(layout["label"], m)]
    assert not covered, f"the label covers messages: {covered[:3]}"
    assert layout["label"]["bottom"] <= layout["view"]["top"] + 1, "the label sits over the scroll area"
    page.evaluate(SCROLL_CHAT, 1e6)

    shot = tmp_path / "chat_examples.png"
    page.mouse.move(0, 0)
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(shot) as image:
        assert image.format == "PNG" and image.size == (1400, 900)
        gray = image.convert("L")
        low, high = gray.getextrema()
        assert high - low > 150, "the screenshot is blank"
        assert len(gray.getcolors(256) or range(256)) > 40, "the screenshot is nearly one colour"

    page.click("#default-article")  # back to the default article: its own examples again
    expect(page.locator(EXAMPLE_BUTTONS).first).to_have_text(EXAMPLES[0])
    expect(page.locator("#examples")).not_to_contain_text("Yüklenen makaleden")
