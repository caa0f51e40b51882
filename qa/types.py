"""The public result types: :class:`Answer` and :class:`Citation`."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """One cited sentence, verbatim, with its offsets into the text of ``text_path``."""

    id: str
    text: str
    source: str
    start: int
    end: int
    score: float
    #: the text file the offsets refer to: ``source`` itself for .txt/.md, the text extracted from an
    #: .html/.pdf/.docx source otherwise (kept in the index folder)
    text_path: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """A grounded answer. ``text`` carries ``[n]`` markers for ``citations[n-1]``."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    fact: str = ""
    #: why the engine abstained, in words (empty when it answered).
    reason: str = ""
    #: the standalone question answered when ``question`` was a follow-up ("Peki uranyum?"), else ""
    rewritten: str = ""
    #: ids of the sentences retrieved for the question, best first (for evaluation).
    retrieved: list[str] = field(default_factory=list, repr=False)
    #: the analysed question and the ranking behind the answer (for explain, follow-ups, benchmarks)
    query: Any = field(default=None, repr=False, compare=False)
    ranking: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The ``qa ask --json`` shape."""
        return {
            "question": self.question,
            "answered_question": self.rewritten or self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
        }

    def __str__(self) -> str:
        lines = [f"(answered as: {self.rewritten})"] if self.rewritten else []
        lines.append(self.text)
        lines += [f"[{n}] {c.text}  ({c.source}:{c.start}-{c.end})" for n, c in enumerate(self.citations, 1)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        lines = [f"**{self.question}**", "", self.text]
        if self.citations:
            lines.append("")
            lines += [f"{n}. > {c.text}  \n   `{c.id}` · {c.source} [{c.start}:{c.end}] · score {c.score:.3f}"
                      for n, c in enumerate(self.citations, 1)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # The chat's renderer and look (qa.render): the short answer above its sentence, each [n] a link
        # to the n-th cited sentence, listed below. Imported here: qa.render imports this module.
        from qa.render import answer_css, dom_id, render_answer

        esc = html.escape
        items = "".join(
            f'<li id="{dom_id(c.id)}"><q>{esc(c.text)}</q><br><small><code>{esc(c.id)}</code> · {esc(c.source)} '
            f"[{c.start}:{c.end}] · score {c.score:.3f}</small></li>"
            for c in self.citations
        )
        total = self.timings.get("total_ms")
        timing = f"<small>{total:.1f} ms</small>" if total is not None else ""
        return (
            f'<div class="qa-answer"><style>{answer_css(".qa-answer")}</style>'
            f"<p><b>{esc(self.question)}</b></p>"
            f"{render_answer(self.text, self.citations, self.abstained, self.reason, self.rewritten)}"
            f"{'<ol>' + items + '</ol>' if items else ''}{timing}</div>"
        )
