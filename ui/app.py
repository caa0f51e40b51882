"""The web chat: cited answers streamed in, the source article beside them, your own article.

    qa chat [--port 7860] [--host 127.0.0.1] [--share]

or from Python::

    from ui.app import build_app, launch
    launch()                      # default corpus, http://127.0.0.1:7860/
    demo = build_app(engine)      # a gr.Blocks to launch yourself (pass launch_options())

The one public API endpoint is ``/chat`` (question, optional list of earlier
questions -> answer text with [n] markers); the UI's own events are private.
"""

from __future__ import annotations

import html
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import gradio as gr

from qa.engine import USER_ERRORS, QuestionError
from ui.articles import MAX_UPLOAD_BYTES, ArticleStore, UploadError
from ui.render import (
    ABSTAIN_TEXT,
    answer_css,
    check_question,
    format_date,
    markdown_text,
    preview,
    render_answer,
    render_error,
    render_source,
    stream_prefixes,
)

if TYPE_CHECKING:
    from qa.engine import Engine

log = logging.getLogger(__name__)

TITLE = "Kaynaklı Soru-Cevap"
QUEUE_SIZE = 64  # requests waiting beyond this are refused with "queue full"
CONCURRENCY = 4  # answers computed at once (per event kind); the engine is thread-safe
HISTORY_TURNS = 10  # earlier (question, answer) turns passed to the engine
STREAM_STEPS = 30  # an answer streams in about this many pieces
STREAM_DELAY = float(os.environ.get("QA_CHAT_STREAM_DELAY", "0.03"))  # seconds between pieces
SERVER_MAX_FILE_SIZE = "2mb"  # gradio's hard limit; the 200 KB limit is checked in the handler
# Uploaded files are copied when indexed: gradio deletes its copies (in $GRADIO_TEMP_DIR) older than
# 10 minutes every 10 minutes, and all of them when the server stops.
DELETE_CACHE = (600, 600)

EXAMPLES = [  # for the default article; an uploaded one gets its own (ui.examples)
    "Kaç işbirliği anlaşması imzalandı?",
    "Tokayev petrol hakkında ne dedi?",
    "How much did freight on the Trans-Caspian route grow last year?",
    "Görüşme hangi tarihte gerçekleşti?",
    "Kazakistan'ın başkenti neresidir?",
]

EXAMPLES_LABEL = "Örnek sorular (tıklayın)"
UPLOAD_EXAMPLES_LABEL = "Yüklenen makaleden örnek sorular (tıklayın)"

CSS = """
#source-panel .src { max-height: 68vh; overflow-y: auto; position: relative;
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 12px 16px; line-height: 1.55; }
#source-panel .src-title { margin: 0 0 .2em; font-size: 1.15em; }
#source-panel .src-date, #source-panel .src-note { color: var(--body-text-color-subdued); font-size: .9em; }
#source-panel .src-note { margin-bottom: .6em; font-style: italic; }
#source-panel .src-head { margin-bottom: .6em; padding: 2px 4px; border-radius: 4px; }
#source-panel .src-head.cited { background: #fff3a3; color: #111; }
#source-panel h3 { margin: .9em 0 .3em; font-size: 1em; }
#source-panel mark.cited { background: #fff3a3; color: #111; border-radius: 3px; padding: 0 2px; }
#source-panel .cite-n { color: #b45309; font-weight: 700; margin-right: 2px; }
#source-panel .flash { outline: 3px solid #f59e0b; transition: outline .3s; }
#source-panel .hovered { outline: 2px dashed #f59e0b; }
/* The chat's floating "Sohbet" label sat over the messages scrolling under it: give it (and the
   copy/clear buttons beside it) a row of its own above the scroll area. */
#chat label[data-testid="block-label"] { position: static; flex: none; align-self: flex-start; }
#chat .input-error { border-left: 4px solid #dc2626; background: #fef2f2; color: #991b1b;
  padding: 8px 12px; border-radius: 6px; }
#chat-status { min-height: 1.5em; color: var(--body-text-color-subdued); }
""" + answer_css("#chat")

# Markers live inside the re-rendered chatbot: listen on the document (capture phase, so the
# chatbot's own link handling never sees a marker click) and find the sentence by its id.
JS = """
() => {
  if (window.__qaCiteHooks) return; window.__qaCiteHooks = true;
  const target = (a) => {
    const id = decodeURIComponent((a.getAttribute('href') || '').slice(1));
    return id ? document.querySelector('#source-panel [id="' + id + '"]') : null;
  };
  const marker = (ev) => ev.target.closest && ev.target.closest('#chat a.cite');
  document.addEventListener('click', (ev) => {
    const a = marker(ev);
    if (!a) return;
    ev.preventDefault(); ev.stopPropagation();
    const el = target(a);
    if (!el) return;
    el.scrollIntoView({behavior: 'smooth', block: 'center'});
    el.classList.add('flash'); setTimeout(() => el.classList.remove('flash'), 1500);
  }, true);
  document.addEventListener('mouseover', (ev) => {
    const a = marker(ev), el = a && target(a);
    if (!el) return;
    el.classList.add('hovered');
    const box = el.closest('.src');
    if (box) {  // bring it into the panel's view without moving the page
      const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
      if (r.top < b.top || r.bottom > b.bottom)
        box.scrollTo({top: box.scrollTop + r.top - b.top - box.clientHeight / 3, behavior: 'smooth'});
    }
  });
  document.addEventListener('mouseout', (ev) => {
    const a = marker(ev), el = a && target(a);
    if (el) el.classList.remove('hovered');
  });
}
"""

# After the source panel is re-rendered, scroll its first highlighted sentence into the panel's view.
SCROLL_TO_FIRST_CITATION = """
() => requestAnimationFrame(() => requestAnimationFrame(() => {
  const box = document.querySelector('#source-panel .src');
  const m = box && box.querySelector('.cited');
  if (m) box.scrollTo({top: Math.max(0, m.offsetTop - box.clientHeight / 3), behavior: 'smooth'});
}))
"""


def launch_options() -> dict[str, Any]:
    """What ``demo.launch`` needs besides host and port (Gradio 6 takes css/js there)."""
    return {
        "css": CSS,
        "js": JS,
        "max_file_size": SERVER_MAX_FILE_SIZE,
        "footer_links": ["api"],
        "show_error": False,
    }


def _role(message: Any) -> str | None:
    if isinstance(message, dict):
        return message.get("role")
    return getattr(message, "role", None)


def _history_questions(history: Any) -> list[str]:
    """Earlier questions from the API's ``history``: strings, or chat messages (user turns)."""
    questions = []
    for item in history or []:
        if isinstance(item, str):
            questions.append(item)
        elif isinstance(item, dict) and item.get("role") == "user" and isinstance(item.get("content"), str):
            questions.append(item["content"])
    return [q for q in questions if q.strip() and check_question(q)[1] is None][-HISTORY_TURNS:]


def _engine_error(exc: Exception) -> str:
    if isinstance(exc, QuestionError):
        return f"Soru kullanılamıyor ({exc})."
    return f"Soru yanıtlanamadı: {exc}"


def build_app(engine: Engine | None = None) -> gr.Blocks:
    """The chat as a ``gr.Blocks`` (queue configured); ``engine`` defaults to the default corpus."""
    if engine is None:
        from qa import default_engine

        engine = default_engine()
    store = ArticleStore(engine)

    def active(key: str | None) -> tuple[Engine | None, str, str | None]:
        """(engine, label for the source panel, error) for the session's article."""
        if not key:
            return engine, "", None
        article = store.get(key)
        if article is None:
            return None, "", ("Yüklenen makale artık bellekte değil. Dosyayı yeniden yükleyin ya da "
                              "'Varsayılan makaleye dön' düğmesine basın.")
        return article.engine, f"Yüklenen dosya: {article.name}", None

    def article_info(key: str | None) -> str:
        current, label, error = active(key)
        if current is None:
            return f"**Etkin makale:** yok ({error})"
        documents = current.index.documents
        doc = documents[0]
        count = sum(s.kind == "body" for d in documents for s in d.sentences)
        date = f" · {markdown_text(format_date(doc.date))}" if doc.date else ""
        origin = markdown_text(label) if label else "varsayılan makale"
        title = markdown_text(doc.title or label or "Makale")  # text, never Markdown: "# 1. *Son* [dakika](…)"
        more = f" (+{len(documents) - 1} makale daha)" if len(documents) > 1 else ""
        return f"**Etkin makale:** {title}{more}{date} · {count} cümle · {origin}"

    def source_for(key: str | None, answer=None, turn: int = 0) -> str:
        current, label, _ = active(key)
        return render_source(current.index.documents if current else [], answer, turn, label)

    # -- events ---------------------------------------------------------------------------

    def choices_for(key: str | None) -> list[tuple[str, str]]:
        """The scope's document list: the active corpus's documents, by title (none chosen: all of them)."""
        current, _, _ = active(key)
        documents = current.index.documents if current else []
        return [(f"{d.title or Path(d.source).name}" + (f" ({d.date})" if d.date else ""), d.source)
                for d in documents]

    def document_choices(key: str | None) -> gr.Dropdown:
        choices = choices_for(key)
        return gr.Dropdown(choices=choices, value=[], multiselect=True, interactive=len(choices) > 1)

    def respond(message, chat, asked, key, sources=None, since="", until=""):
        """Stream one answer: yields (textbox, chat, source panel, status, the (question, answer) turns)."""
        chat = list(chat or [])
        asked = list(asked or [])
        turn = sum(1 for m in chat if _role(m) == "assistant") + 1
        question, error = check_question(message)
        current, label, missing = active(key)
        error = error or missing
        answer = None
        if error is None:
            try:
                scope = {"sources": list(sources or []), "since": (since or "").strip(),
                         "until": (until or "").strip()}
                answer = current.answer(question, history=asked[-HISTORY_TURNS:], scope=scope)
            except USER_ERRORS as exc:
                error = _engine_error(exc)
            except Exception:  # never a traceback in the page
                log.exception("answering %r failed", question)
                error = "Beklenmeyen bir hata oluştu; lütfen tekrar deneyin."
        if error is not None:
            chat += [{"role": "user", "content": preview(message)},
                     {"role": "assistant", "content": render_error(error)}]
            yield gr.skip(), chat, gr.skip(), f"Hata: {markdown_text(error)}", asked
            return
        asked.append((question, answer.text))
        chat += [{"role": "user", "content": html.escape(question)}, {"role": "assistant", "content": ""}]
        source = render_source(current.index.documents, answer, turn, label)
        for n, prefix in enumerate(stream_prefixes(answer.text, STREAM_STEPS)):
            chat[-1] = {"role": "assistant",
                        "content": render_answer(prefix, answer.citations, answer.abstained,
                                                 rewritten=answer.rewritten)}
            yield "", chat, source if n == 0 else gr.skip(), "Yanıt yazılıyor…", asked
            time.sleep(STREAM_DELAY)
        total = answer.timings.get("total_ms", 0.0)
        if answer.abstained:
            status = f"Yanıt tamamlandı (tur {turn}, yanıt yok: makalede dayanak bulunamadı, {total:.0f} ms)"
        else:
            cited = len({c.id for c in answer.citations})
            status = f"Yanıt tamamlandı (tur {turn}, {cited} kaynak cümle, {total:.0f} ms)"
        yield "", chat, gr.skip(), status, asked

    def clear_chat(key):
        return [], [], "", source_for(key), "Sohbet temizlendi."

    def examples_for(article=None) -> gr.Dataset:
        """The example buttons: the default article's, or questions made from the uploaded one."""
        if article is None:
            return gr.Dataset(samples=[[q] for q in EXAMPLES], label=EXAMPLES_LABEL, visible=True)
        if not article.examples:
            return gr.Dataset(samples=[], label=EXAMPLES_LABEL, visible=False)
        return gr.Dataset(samples=[[q] for q in article.examples], label=UPLOAD_EXAMPLES_LABEL, visible=True)

    def use_default():
        return (None, [], [], source_for(None), article_info(None), "Varsayılan makaleye dönüldü.",
                "Varsayılan makale etkin.", examples_for(None))

    def upload_article(path, progress=gr.Progress()):  # noqa: B008 - how gradio injects progress
        """Index an uploaded .txt/.md.

        Outputs: article key, chat, asked, source, info, status, upload message, file component,
        example questions.
        """
        if not path:
            return (gr.skip(),) * 9
        try:
            article = store.add(path, progress=lambda f, desc: progress(f, desc=desc))
        except UploadError as exc:
            gr.Warning(str(exc), title="Uyarı")
            return (*(gr.skip(),) * 5, f"Hata: {markdown_text(exc)}", f"**Yüklenemedi:** {markdown_text(exc)}", None,
                    gr.skip())
        except Exception:
            log.exception("indexing an upload failed")
            message = "Makale dizinlenirken beklenmeyen bir hata oluştu; lütfen tekrar deneyin."
            gr.Warning(message, title="Uyarı")
            return (*(gr.skip(),) * 5, f"Hata: {message}", f"**Yüklenemedi:** {message}", None, gr.skip())
        count = sum(s.kind == "body" for s in article.document.sentences)
        gr.Info(f"'{article.name}' hazır: {count} cümle dizinlendi.", duration=5, title="Bilgi")
        return (article.key, [], [], source_for(article.key), article_info(article.key),
                "Yeni makale etkin; sorularınız artık bu makaleye gidiyor.",
                f"**Yüklendi:** {markdown_text(article.name)} ({count} cümle). "
                "Sorular artık bu makaleye gidiyor.", None, examples_for(article))

    def chat_api(question: str, history: list[str] | None = None, sources: list[str] | None = None,
                 since: str | None = None, until: str | None = None) -> str:
        """Answer a question about the default corpus.

        Returns the answer text with [n] citation markers. ``history`` lists the
        earlier questions of the conversation (for follow-ups such as "Peki uranyum?");
        ``sources``, ``since`` and ``until`` (YYYY-MM-DD) keep the answer to some documents.
        """
        clean, error = check_question(question)
        if error is not None:
            raise gr.Error(error, title="Hata", print_exception=False)
        try:
            scope = {"sources": list(sources or []), "since": since or "", "until": until or ""}
            return engine.answer(clean, history=_history_questions(history), scope=scope).text
        except USER_ERRORS as exc:
            raise gr.Error(_engine_error(exc), title="Hata", print_exception=False) from None
        except Exception:
            log.exception("/chat failed for %r", clean)
            raise gr.Error("Beklenmeyen bir hata oluştu; lütfen tekrar deneyin.",
                           title="Hata", print_exception=False) from None

    # Real types (not `from __future__` strings) so that view_api shows them.
    chat_api.__annotations__ = {"question": str, "history": list[str] | None, "sources": list[str] | None,
                                "since": str | None, "until": str | None, "return": str}

    # -- layout ---------------------------------------------------------------------------

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=DELETE_CACHE) as demo:
        article_key = gr.State(None)  # None: the default corpus; else an uploaded article's hash
        asked = gr.State([])  # this conversation's (question, answer text) turns, for follow-ups
        gr.Markdown(
            f"## {TITLE}\n"
            "Sorularınız yalnızca sağdaki makaleye dayanarak yanıtlanır; makalede olmayan bir şey "
            "sorulursa yanıt verilmez. Yanıttaki **[1]** gibi işaretlerin üzerine gelin ya da tıklayın: "
            "dayandığı cümle makalede gösterilir."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="chat", label="Sohbet", height=520, layout="bubble", sanitize_html=True,
                    feedback_options=None, buttons=["copy"],
                    placeholder="Makale hakkında bir soru sorun ya da aşağıdaki örneklerden birini seçin.",
                )
                with gr.Row():
                    message = gr.Textbox(elem_id="question", placeholder="Sorunuzu yazın ve Enter'a basın…",
                                         show_label=False, scale=5, lines=1, max_lines=4, submit_btn=False)
                    send = gr.Button("Gönder", variant="primary", scale=1, elem_id="send")
                status = gr.Markdown("Hazır.", elem_id="chat-status")
                examples = gr.Examples(examples=EXAMPLES, inputs=[message], label=EXAMPLES_LABEL,
                                       api_visibility="private", examples_per_page=len(EXAMPLES),
                                       elem_id="examples")
                clear = gr.Button("Sohbeti temizle", elem_id="clear", size="sm", variant="secondary")
            with gr.Column(scale=2):
                info = gr.Markdown(article_info(None), elem_id="article-info")
                source = gr.HTML(source_for(None), elem_id="source-panel", label="Kaynak makale")
                upload = gr.File(
                    label=f"Kendi makaleniz (.txt / .md, UTF-8, en fazla {MAX_UPLOAD_BYTES // 1024} KB)",
                    file_types=[".txt", ".md"], type="filepath", elem_id="upload", height=120)
                upload_status = gr.Markdown("", elem_id="upload-status")
                back = gr.Button("Varsayılan makaleye dön", elem_id="default-article", size="sm")
                with gr.Accordion("Kapsam: belgeler ve tarih aralığı", open=False, elem_id="scope"):
                    scope_docs = gr.Dropdown(choices=choices_for(None), value=[], multiselect=True,
                                             interactive=len(choices_for(None)) > 1,
                                             label="Belgeler (boş: hepsi)", elem_id="scope-docs")
                    with gr.Row():
                        scope_since = gr.Textbox(label="Başlangıç (YYYY-AA-GG)", elem_id="scope-since",
                                                 placeholder="2025-01-01", max_lines=1)
                        scope_until = gr.Textbox(label="Bitiş (YYYY-AA-GG)", elem_id="scope-until",
                                                 placeholder="2025-12-31", max_lines=1)

        chat_io = {"inputs": [message, chatbot, asked, article_key, scope_docs, scope_since, scope_until],
                   "outputs": [message, chatbot, source, status, asked],
                   "api_visibility": "private", "show_progress": "hidden",
                   "concurrency_id": "chat-ui", "concurrency_limit": CONCURRENCY}
        message.submit(respond, **chat_io)
        send.click(respond, **chat_io)
        examples.load_input_event.then(respond, **chat_io)
        clear_io = {"inputs": [article_key], "outputs": [chatbot, asked, message, source, status],
                    "api_visibility": "private", "queue": False}
        clear.click(clear_chat, **clear_io)
        chatbot.clear(clear_chat, **clear_io)
        back.click(use_default, None,
                   [article_key, chatbot, asked, source, info, status, upload_status, examples.dataset],
                   api_visibility="private", queue=False
                   ).then(document_choices, [article_key], [scope_docs], api_visibility="private", queue=False)
        upload.upload(upload_article, [upload],
                      [article_key, chatbot, asked, source, info, status, upload_status, upload, examples.dataset],
                      api_visibility="private", show_progress="full", concurrency_id="upload",
                      concurrency_limit=2
                      ).then(document_choices, [article_key], [scope_docs], api_visibility="private", queue=False)
        source.change(None, None, None, js=SCROLL_TO_FIRST_CITATION)  # client-side only
        gr.api(chat_api, api_name="chat", concurrency_id="chat-api", concurrency_limit=CONCURRENCY)

    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    demo.article_store = store  # for tests and cleanup
    return demo


def launch(engine: Engine | None = None, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           **kwargs: Any) -> gr.Blocks:
    """Build the chat and serve it (blocking unless ``prevent_thread_lock=True`` is passed). The upload
    indexing worker starts (at a low priority) with it, so the first upload does not wait for its model."""
    demo = build_app(engine)
    demo.article_store.warm()
    demo.launch(server_name=host, server_port=port, share=share, **(launch_options() | kwargs))
    return demo


__all__ = ["ABSTAIN_TEXT", "build_app", "launch", "launch_options"]
