"""HTML of an answer, shared by the web chat (``ui.render``) and notebooks (``Answer._repr_html_``).

Pure functions without Gradio. The answer text is ``"<fact> [1]\\n\\n<sentence> [1]"`` (or just
``"<sentence> [1]"``): each paragraph becomes a ``<p>``, the short answer first and bold, and
every ``[n]`` marker a link to ``#`` + :func:`dom_id` of the cited sentence, its text as tooltip.
All text is escaped here.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence

from qa.types import Citation

MARKER = re.compile(r"\[(\d+)\]")


def dom_id(sentence_id: str) -> str:
    """A safe HTML id for a sentence id (those contain '#' and file names)."""
    return "sent-" + hashlib.sha1(sentence_id.encode("utf-8")).hexdigest()[:16]


def linked(text: str, citations: Sequence[Citation]) -> str:
    """``text`` escaped, each valid ``[n]`` a link to the n-th cited sentence."""

    def link(match: re.Match) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(citations):
            return match.group(0)
        cited = citations[n - 1]
        return (f'<a href="#{dom_id(cited.id)}" class="cite" '
                f'title="{html.escape(cited.text, quote=True)}">[{n}]</a>')

    return MARKER.sub(link, html.escape(text, quote=False))


def render_answer(text: str, citations: Sequence[Citation], abstained: bool, reason: str = "",
                  rewritten: str = "") -> str:
    """HTML for (a prefix of) an answer: paragraphs, [n] as links to the cited sentence. ``rewritten``
    (a follow-up's standalone question, ``Answer.rewritten``) is shown above it as the question answered."""
    asked = (f'<div class="rewritten">Yanıtlanan soru: {html.escape(rewritten, quote=False)}</div>'
             if rewritten else "")
    if abstained:
        detail = f'<br><small class="abstain-reason">{html.escape(reason)}</small>' if reason else ""
        return (f'{asked}<div class="abstain"><strong>Yanıt yok.</strong> {html.escape(text)}'
                f"{detail}</div>")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{linked(p, citations)}</p>" for p in paragraphs)
    return f'{asked}<div class="answer">{body}</div>'


def answer_css(scope: str) -> str:
    """The look of :func:`render_answer`'s HTML inside ``scope`` (a CSS selector)."""
    return f"""
{scope} a.cite {{ text-decoration: none; font-weight: 700; color: #b45309; cursor: pointer; padding: 0 1px; }}
{scope} a.cite:hover {{ background: #fff3a3; border-radius: 3px; }}
{scope} .answer p {{ margin: 0 0 .5em; }}
{scope} .answer p:first-child:not(:only-child) {{ font-weight: 600; }}
{scope} .rewritten {{ font-size: .85em; opacity: .75; margin: 0 0 .35em; }}
{scope} .abstain {{ border-left: 4px solid #9ca3af; background: #f3f4f6; color: #374151;
  padding: 8px 12px; border-radius: 6px; font-style: italic; }}
"""


__all__ = ["MARKER", "answer_css", "dom_id", "linked", "render_answer"]
