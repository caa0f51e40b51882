"""The web chat's API (/chat) through gradio_client, against the app served in-process.

The server tests are ``slow``: they load the embedding model and index the
default corpus into a temporary folder (``.qa_index/`` is not touched). The
upload checks at the top need no model.
"""

from __future__ import annotations

import itertools
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ui.articles import MAX_UPLOAD_BYTES, UploadError, read_upload
from ui.render import check_question, dom_id, markdown_text, render_answer, stream_prefixes

ABSTAIN = "Bu sorunun cevabı makalede yok."
KNOWN = [  # question, a fact the answer must contain
    ("Kaç işbirliği anlaşması imzalandı?", "15"),
    ("How much did freight on the Trans-Caspian route grow last year?", "yüzde 62"),
    ("Tokayev petrol hakkında ne dedi?", "petrol"),
]
ARTICLE = """date 2024-05-12 Ankara'da kedi festivali rekor kırdı

Festival

Ankara'da düzenlenen kedi festivaline bu yıl 12 bin kişi katıldı. Festivalde en çok ilgiyi Van kedileri gördü.

Sonuç

Belediye, festivalin gelecek yıl İzmir'de de yapılacağını açıkladı.
"""


# -- without a server -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Soru boş olamaz"),
        ("   \n ", "Soru boş olamaz"),
        (None, "Soru boş olamaz"),
        ("a" * 10_000, "Soru çok uzun (10000 karakter; sınır 1000)"),
        ("merhaba\x07dünya", "Soru kontrol karakteri içeriyor (8. karakter, U+0007)"),
        ("yön\u202edeğiştir", "Soru kontrol karakteri içeriyor"),
    ],
)
def test_bad_questions_get_a_turkish_message(question, message):
    clean, error = check_question(question)
    assert clean is None
    assert error.startswith(message)


def test_good_question_is_normalised():
    assert check_question("  Kaç   anlaşma\nimzalandı? ") == ("Kaç anlaşma imzalandı?", None)


def test_the_emoji_joiner_is_text_but_other_invisible_characters_are_not():
    family = "Aile \U0001F468\u200d\U0001F469\u200d\U0001F467 kaç kişi?"
    assert check_question(family) == (family, None)
    for bad in "\u200b\u200c\u200e\u200f\u202e\u2066\ud800":
        assert check_question(f"Kaç{bad} kişi?")[1].startswith("Soru kontrol karakteri içeriyor (4. karakter")


def test_titles_and_file_names_are_shown_as_text_in_markdown():
    title = "# Son *dakika*: [tıkla](https://kötü.example) <b>x</b> & `kod` 1. madde_1 | ~"
    shown = markdown_text(title + "\n\n## ikinci satır")
    assert "\n" not in shown and "&lt;b&gt;" in shown and "&amp;" in shown
    unescaped = re.sub(r"\\.|&(?:lt|gt|amp);", "", shown)  # what is left must hold no Markdown punctuation
    assert not re.search(r"[#*\[\]()<>`_|~:!]", unescaped), shown
    assert re.sub(r"\\(.)", r"\1", shown).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == (
        title + " ## ikinci satır")


def test_a_follow_up_shows_the_question_it_answered():
    from qa.types import Citation

    cited = [Citation("doc#1", "Uranyum da konuşuldu.", "doc.txt", 0, 21, 1.0)]
    rendered = render_answer("Uranyum [1]", cited, abstained=False, rewritten="Tokayev <uranyum> hakkında ne dedi?")
    assert rendered.startswith('<div class="rewritten">Yanıtlanan soru: Tokayev &lt;uranyum&gt; hakkında ne dedi?'
                               '</div><div class="answer">')
    assert "rewritten" not in render_answer("Uranyum [1]", cited, abstained=False)
    assert render_answer(ABSTAIN, [], abstained=True, rewritten="Soru?").startswith('<div class="rewritten">')


@pytest.fixture(scope="module")
def stand_in_app(tmp_path_factory):
    """The chat's Blocks over the seed with the stand-in encoder, its event functions by name."""
    from standin import stand_in_engine

    import ui.app

    engine = stand_in_engine(tmp_path_factory.mktemp("stand-in") / "corpus")
    demo = ui.app.build_app(engine)
    try:
        yield demo, engine, {getattr(f.fn, "__name__", ""): f.fn for f in demo.fns.values()}
    finally:
        demo.article_store.close()


@pytest.mark.slow
def test_the_chat_keeps_question_answer_pairs_for_follow_ups(stand_in_app, monkeypatch):
    import ui.app

    monkeypatch.setattr(ui.app, "STREAM_DELAY", 0.0)
    demo, _, fns = stand_in_app
    respond = fns["respond"]
    first = list(respond("Tokayev petrol hakkında ne dedi?", [], [], None))[-1]
    chat, asked = first[1], first[4]
    assert len(asked) == 1 and asked[0][0] == "Tokayev petrol hakkında ne dedi?" and "[1]" in asked[0][1]
    assert "rewritten" not in chat[-1]["content"]
    follow = list(respond("Peki ne zaman?", chat, asked, None))[-1]
    assert [q for q, _ in follow[4]] == ["Tokayev petrol hakkında ne dedi?", "Peki ne zaman?"]
    assert "Yanıtlanan soru: Tokayev petrol hakkında ne zaman" in follow[1][-1]["content"]
    assert demo.delete_cache == ui.app.DELETE_CACHE  # uploaded files do not pile up


@pytest.mark.slow
def test_the_chat_scope_keeps_answers_to_the_documents_and_dates_chosen(stand_in_app, monkeypatch):
    import ui.app

    monkeypatch.setattr(ui.app, "STREAM_DELAY", 0.0)
    _, engine, fns = stand_in_app
    seed = engine.index.documents[0]
    dropdown = fns["document_choices"](None)
    assert dropdown.choices == [(f"{seed.title} ({seed.date})", seed.source)]
    kept = list(fns["respond"]("Kaç işbirliği anlaşması imzalandı?", [], [], None, [seed.source],
                               seed.date, ""))[-1]
    assert "[1]" in kept[1][-1]["content"] and kept[4]
    outside = list(fns["respond"]("Kaç işbirliği anlaşması imzalandı?", [], [], None, [], "2030-01-01", ""))[-1]
    assert "no indexed document lies in the scope since=2030-01-01" in outside[1][-1]["content"]
    assert outside[3].startswith("Hata:") and not outside[4]
    bad = list(fns["respond"]("Kaç işbirliği anlaşması imzalandı?", [], [], None, [], "21.10.2025", ""))[-1]
    assert "scope since must be a date YYYY-MM-DD, got &#x27;21.10.2025&#x27;" in bad[1][-1]["content"]


def test_stream_prefixes_grow_and_never_cut_a_marker():
    text = "15 işbirliği anlaşması [1]\n\n" + " ".join(f"kelime{i}" for i in range(100)) + " [1]"
    prefixes = list(stream_prefixes(text, steps=20))
    assert prefixes[-1] == text
    assert len(prefixes) >= 10
    assert all(a != b and b.startswith(a) for a, b in itertools.pairwise(prefixes))
    assert not any(re.search(r"\[\d*$", p) for p in prefixes)


def test_answer_html_links_markers_and_escapes():
    from qa.types import Citation

    cited = Citation("doc#abc", 'Bir "alıntı" <b>cümle</b>.', "doc.txt", 0, 10, 1.0)
    rendered = render_answer("Yanıt <x> [1]\n\nİkinci [2]", [cited], abstained=False)
    assert f'href="#{dom_id("doc#abc")}" class="cite"' in rendered
    assert 'title="Bir &quot;alıntı&quot; &lt;b&gt;cümle&lt;/b&gt;."' in rendered
    assert "&lt;x&gt;" in rendered and "[2]" in rendered and rendered.count("<p>") == 2
    assert re.fullmatch(r"sent-[0-9a-f]{16}", dom_id("kazakistan-azerbaycan-2025-10-21#983a301f"))
    abstained = render_answer(ABSTAIN, [], abstained=True)
    assert 'class="abstain"' in abstained and "cite" not in abstained


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bos.txt", b"", "'bos.txt' boş"),
        ("bosluk.md", b"  \n\n \n", "'bosluk.md' boş"),
        ("latin1.txt", "Güzel bir gün.".encode("cp1254"), "'latin1.txt' UTF-8 metin değil"),
        ("buyuk.txt", b"Bu bir c\xc3\xbcmle. " * 15_000, "'buyuk.txt' çok büyük"),
        ("baslik.md", "# Başlık\n\n## Alt başlık\n".encode(),
         "'baslik.md' içinde dizinlenecek cümle bulunamadı"),
        ("resim.pdf", b"%PDF-1.4", "'resim.pdf' desteklenmiyor"),
    ],
)
def test_bad_uploads_get_a_turkish_message(tmp_path: Path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UploadError) as caught:
        read_upload(path)
    assert str(caught.value).startswith(message)


def test_good_upload_is_read(tmp_path: Path):
    path = tmp_path / "kedi.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    name, data, document = read_upload(path)
    assert name == "kedi.txt" and len(data) < MAX_UPLOAD_BYTES
    assert document.title == "Ankara'da kedi festivali rekor kırdı" and document.date == "2024-05-12"
    assert document.sections == ["Festival", "Sonuç"]


# -- against the served app -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from qa.engine import Engine
    from ui.app import launch

    started = time.perf_counter()
    engine = Engine(index_dir=tmp_path_factory.mktemp("ui-api-index"))
    loaded = time.perf_counter()
    port = free_port()
    demo = launch(engine, port=port, prevent_thread_lock=True, quiet=True)
    print(f"\nengine {loaded - started:.1f}s, app start {time.perf_counter() - loaded:.1f}s")
    try:
        yield demo, f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        demo.article_store.close()


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app[1], verbose=False)


@pytest.mark.slow
def test_chat_answers_with_a_marker(client):
    started = time.perf_counter()
    text = client.predict("Kaç işbirliği anlaşması imzalandı?", api_name="/chat")
    print(f"\none /chat call: {time.perf_counter() - started:.3f}s")
    assert "15" in text and "[1]" in text
    assert text.startswith("15 [1]")


@pytest.mark.slow
def test_abstention_has_no_marker(client):
    text = client.predict("Kazakistan'ın başkenti neresidir?", api_name="/chat")
    assert text == ABSTAIN


@pytest.mark.slow
def test_follow_up_uses_the_history(client):
    first = client.predict("Tokayev petrol hakkında ne dedi?", api_name="/chat")
    assert "petrol" in first
    text = client.predict("Peki uranyum?", ["Tokayev petrol hakkında ne dedi?"], api_name="/chat")
    assert "uranyum" in text and "[1]" in text
    # chat messages are accepted as history too (their user turns)
    messages = [{"role": "user", "content": "Tokayev petrol hakkında ne dedi?"},
                {"role": "assistant", "content": first}]
    assert "uranyum" in client.predict("Peki uranyum?", messages, api_name="/chat")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Soru boş olamaz"),
        ("a" * 10_000, "Soru çok uzun (10000 karakter; sınır 1000)"),
        ("merhaba\x00dünya", "Soru kontrol karakteri içeriyor"),
    ],
)
def test_bad_input_gives_a_clear_error(client, question, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as caught:
        client.predict(question, api_name="/chat")
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


@pytest.mark.slow
def test_only_chat_is_public(client):
    api = client.view_api(return_format="dict", print_info=False)
    assert list(api["named_endpoints"]) == ["/chat"]
    assert not api["unnamed_endpoints"]
    params = api["named_endpoints"]["/chat"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["question", "history", "sources", "since", "until"]
    assert all(p["parameter_has_default"] for p in params[1:])  # history and the scope are optional


@pytest.mark.slow
def test_chat_takes_a_scope(client):
    from gradio_client.exceptions import AppError

    text = client.predict("Kaç işbirliği anlaşması imzalandı?", None, ["kazakistan-azerbaycan-2025-10-21.txt"],
                          "2025-10-01", "2025-10-31", api_name="/chat")
    assert text.startswith("15 [1]")
    with pytest.raises(AppError, match="no indexed document lies in the scope until=2024-12-31"):
        client.predict("Kaç işbirliği anlaşması imzalandı?", None, None, None, "2024-12-31", api_name="/chat")


@pytest.mark.slow
def test_queue_is_bounded(app):
    from ui.app import CONCURRENCY, QUEUE_SIZE

    demo = app[0]
    assert demo._queue.max_size == QUEUE_SIZE
    limits = {fn.concurrency_id: fn.concurrency_limit for fn in demo.fns.values()}
    assert limits["chat-api"] == CONCURRENCY and limits["chat-ui"] == CONCURRENCY


@pytest.mark.slow
def test_twenty_concurrent_clients(app):
    from gradio_client import Client

    n = 20
    with ThreadPoolExecutor(n) as pool:  # one Client (its own session) per thread
        clients = list(pool.map(lambda _: Client(app[1], verbose=False), range(n)))
    barrier = threading.Barrier(n)

    def ask(i: int) -> tuple[str, str, str, float]:
        question, fact = KNOWN[i % len(KNOWN)]
        barrier.wait()  # all calls start together
        started = time.perf_counter()
        text = clients[i].predict(question, api_name="/chat")
        return question, fact, text, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(ask, range(n)))
    wall = time.perf_counter() - started
    slowest = max(r[3] for r in results)
    print(f"\n{n} concurrent /chat: wall {wall:.2f}s, slowest call {slowest:.2f}s")
    wrong = [(q, text) for q, fact, text, _ in results if fact not in text or "[1]" not in text]
    assert not wrong


@pytest.mark.slow
def test_uploaded_article_is_indexed_apart(app, tmp_path: Path):
    from qa.engine import DEFAULT_INDEX

    store = app[0].article_store
    before = {p.name: p.stat().st_mtime_ns for p in DEFAULT_INDEX.glob("*")} if DEFAULT_INDEX.exists() else {}
    path = tmp_path / "kedi.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    steps = []
    article = store.add(path, progress=lambda fraction, desc: steps.append((fraction, desc)))
    assert steps and steps[-1][0] >= 0.9
    assert article.folder != DEFAULT_INDEX and DEFAULT_INDEX not in article.folder.parents
    answer = article.engine.answer("Festivale kaç kişi katıldı?")
    assert "12 bin" in answer.text and "12 bin" in answer.citations[0].text
    assert article.engine.answer("Kaç işbirliği anlaşması imzalandı?").abstained
    again = tmp_path / "kopya.txt"
    again.write_text(ARTICLE, encoding="utf-8")
    assert store.add(again) is article  # cached by content
    after = {p.name: p.stat().st_mtime_ns for p in DEFAULT_INDEX.glob("*")} if DEFAULT_INDEX.exists() else {}
    assert after == before


@pytest.mark.slow
def test_an_upload_gets_its_own_answerable_examples(app, tmp_path: Path):
    from ui.app import EXAMPLES
    from ui.examples import accepts, propose_questions

    path = tmp_path / "kedi.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    article = app[0].article_store.add(path)
    assert 3 <= len(article.examples) <= 4, article.examples
    assert not set(article.examples) & set(EXAMPLES)
    assert "Kaç bin kişi katıldı?" in article.examples
    proposed = {c.question: c for c in propose_questions(article.document)}
    for question in article.examples:  # each answered, from the sentence it was made from
        answer = article.engine.answer(question)
        assert accepts(proposed[question], answer), (question, answer.text)
        assert answer.citations[0].source == article.document.source


@pytest.mark.slow
def test_the_indexing_worker_runs_apart_at_a_lower_priority():
    import os

    from ui.indexer import NICE, Worker, WorkerError

    worker = Worker()
    try:
        with pytest.raises(WorkerError, match="KeyError"):  # a failure in the worker is one exception here
            worker.call("no-such-function")
        pid = worker.pid
        assert pid and pid != os.getpid()
        assert os.getpriority(os.PRIO_PROCESS, pid) >= min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE)
    finally:
        worker.close()
    assert worker.pid is None


@pytest.mark.slow
def test_an_upload_is_indexed_off_the_answering_path(app, tmp_path: Path, monkeypatch):
    store = app[0].article_store
    encoder = store.base.encoder
    used = []  # the chat's encoder embeds nothing of the uploaded article

    def counting(encode):
        def counted(texts, *args, **kwargs):
            used.append(len(texts))
            return encode(texts, *args, **kwargs)
        return counted

    for name in ("encode_queries", "encode_passages"):
        monkeypatch.setattr(encoder, name, counting(getattr(encoder, name)))
    path = tmp_path / "kopek.txt"
    path.write_text(ARTICLE.replace("kedi", "köpek").replace("12 bin", "9 bin"), encoding="utf-8")
    article = store.add(path)
    assert used == [] and store.worker.pid
    answer = article.engine.answer("Festivale kaç kişi katıldı?")
    assert "9 bin" in answer.text and used  # questions about it are encoded by the chat's encoder as usual
