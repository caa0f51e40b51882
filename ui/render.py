"""HTML for the chat: answers with [n] citation links, the source panel, input checks.

Pure functions without Gradio, so they can be tested and reused. All text that
comes from a user or an article is escaped here. An answer's HTML comes from
:mod:`qa.render`, so that notebooks (``Answer._repr_html_``) show the same layout.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from index.documents import Document
from qa.engine import MAX_QUESTION_CHARS
from qa.render import MARKER, answer_css, dom_id, render_answer
from qa.types import Answer

ABSTAIN_TEXT = "Bu sorunun cevabı makalede yok."
# The engine refuses these too (qa.query.CONTROL); checking them here gives a Turkish message. U+200D, the
# joiner inside emoji such as a family (man, ZWJ, woman, ZWJ, girl), is text; lone surrogates (which an API
# client can send) are not.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     r"\ud800-\udfff]")
# Markdown's ASCII punctuation, escaped with a backslash to be shown as itself ("&" and ";" stay: html.escape
# writes them in "&lt;" and the like).
_MARKDOWN = re.compile(r"""([!"#$%'()*+,\-./:<=>?@\[\\\]^_`{|}~])""")
MONTHS_TR = ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
             "Kasım", "Aralık")
PREVIEW_CHARS = 300


# -- questions ------------------------------------------------------------------------------


def check_question(question: object) -> tuple[str | None, str | None]:
    """``(question, None)`` when usable, else ``(None, a Turkish message saying what to fix)``."""
    if question is None:
        question = ""
    if not isinstance(question, str):
        return None, "Soru metin olmalı."
    bad = CONTROL.search(question)
    if bad:
        return None, (
            f"Soru kontrol karakteri içeriyor ({bad.start() + 1}. karakter, U+{ord(bad.group()):04X}). "
            "Lütfen düz metin yazın."
        )
    text = " ".join(question.split())
    if not text:
        return None, "Soru boş olamaz. Makale hakkında bir soru yazın."
    if len(text) > MAX_QUESTION_CHARS:
        return None, f"Soru çok uzun ({len(text)} karakter; sınır {MAX_QUESTION_CHARS}). Lütfen kısaltın."
    return text, None


def markdown_text(text: object) -> str:
    """``text`` (an article title, a file name) shown as itself in a ``gr.Markdown``: one line, HTML
    escaped, Markdown's punctuation backslash-escaped (no heading, emphasis, link or autolink)."""
    return _MARKDOWN.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))


def preview(text: object) -> str:
    """A short, escaped, printable version of what the user sent (for the chat history)."""
    text = CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(text or ""))
    if not text.strip():
        return "<em>(boş mesaj)</em>"
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS] + f"… (+{len(text) - PREVIEW_CHARS} karakter)"
    return html.escape(text)


# -- answers (rendered by qa.render: the notebook's Answer._repr_html_ shares it) ----------------


def stream_prefixes(text: str, steps: int = 30) -> Iterable[str]:
    """Growing prefixes of ``text`` cut at spaces (so a [n] marker is never cut), ending with ``text``."""
    cuts = [m.start() for m in re.finditer(r"(?<=\S)\s", text)]
    every = max(1, len(cuts) // steps)
    for cut in cuts[every - 1::every]:
        yield text[:cut]
    yield text


def render_error(message: str) -> str:
    return f'<div class="input-error"><strong>Hata:</strong> {html.escape(message)}</div>'


# -- the source panel -----------------------------------------------------------------------


def format_date(date: str) -> str:
    """``2025-10-21`` -> ``21 Ekim 2025`` (anything else unchanged)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return date or ""
    year, month, day = match.groups()
    return f"{int(day)} {MONTHS_TR[int(month) - 1]} {year}"


def render_document(document: Document, cited: dict[str, int], label: str = "") -> str:
    """One article: title, date, section headings, paragraphs; cited sentences highlighted."""
    out = ['<article class="src-doc">']
    title_sentence = next((s for s in document.sentences if s.kind == "title"), None)
    head_id = f' id="{dom_id(title_sentence.id)}"' if title_sentence else ""
    head_cls = "src-head cited" if title_sentence and title_sentence.id in cited else "src-head"
    badge = (f'<sup class="cite-n">[{cited[title_sentence.id]}]</sup>'
             if title_sentence and title_sentence.id in cited else "")
    title = document.title or label or "Makale"
    out.append(f'<header class="{head_cls}"{head_id}>{badge}<h2 class="src-title">{html.escape(title)}</h2>')
    meta = [format_date(document.date)] if document.date else []
    if label:
        meta.append(label)
    if meta:
        out.append(f'<div class="src-date">{html.escape(" · ".join(meta))}</div>')
    out.append("</header>")
    section, paragraph, spans = None, None, []

    def flush() -> None:
        if spans:
            out.append("<p>" + " ".join(spans) + "</p>")
            spans.clear()

    for sentence in document.sentences:
        if sentence.kind == "title":
            continue
        if sentence.section != section:
            flush()
            section = sentence.section
            if section:
                out.append(f"<h3>{html.escape(section)}</h3>")
        if sentence.paragraph != paragraph:
            flush()
            paragraph = sentence.paragraph
        text = html.escape(sentence.text)
        if sentence.id in cited:
            n = cited[sentence.id]
            spans.append(f'<mark id="{dom_id(sentence.id)}" class="sent cited" data-n="{n}">'
                         f'<sup class="cite-n">[{n}]</sup>{text}</mark>')
        else:
            spans.append(f'<span id="{dom_id(sentence.id)}" class="sent">{text}</span>')
    flush()
    out.append("</article>")
    return "".join(out)


def render_source(documents: Sequence[Document], answer: Answer | None = None, turn: int = 0,
                  label: str = "") -> str:
    """The source panel: the article(s) an answer cites, else the first article, highlighted."""
    cited: dict[str, int] = {}
    sources: list[str] = []
    for n, citation in enumerate(answer.citations if answer else [], 1):
        cited.setdefault(citation.id, n)
        if citation.source not in sources:
            sources.append(citation.source)
    shown = [d for d in documents if d.source in sources] or list(documents[:1])
    parts = [render_document(d, cited, label) for d in shown]
    if not parts:
        parts = ['<p class="src-empty">Makale yok.</p>']
    note = ""
    if answer is not None:
        note = ('<div class="src-note">Vurgulanan cümleler yanıtın kaynağıdır.</div>' if cited else
                '<div class="src-note">Bu yanıt makaleden cümle göstermiyor.</div>')
    return (f'<div class="src" data-turn="{turn}" data-cited="{len(cited)}">{note}'
            + "".join(parts) + "</div>")


__all__ = ["ABSTAIN_TEXT", "MARKER", "answer_css", "check_question", "dom_id", "format_date", "markdown_text",
           "preview", "render_answer", "render_document", "render_error", "render_source", "stream_prefixes"]
