"""The public result types: :class:`Answer` and :class:`Citation`."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """One cited sentence, verbatim, with its offsets into the source file's text."""

    id: str
    text: str
    source: str
    start: int
    end: int
    score: float

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
    #: ids of the sentences retrieved for the question, best first (for evaluation).
    retrieved: list[str] = field(default_factory=list, repr=False)
    #: the analysed question and the ranking behind the answer (for explain, follow-ups, benchmarks)
    query: Any = field(default=None, repr=False, compare=False)
    ranking: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The ``qa ask --json`` shape."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
        }

    def __str__(self) -> str:
        lines = [self.text]
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
        esc = html.escape
        style = "color:#8a5a00" if self.abstained else ""
        items = "".join(
            f"<li><q>{esc(c.text)}</q><br><small><code>{esc(c.id)}</code> · {esc(c.source)} "
            f"[{c.start}:{c.end}] · score {c.score:.3f}</small></li>"
            for c in self.citations
        )
        total = self.timings.get("total_ms")
        timing = f"<small>{total:.1f} ms</small>" if total is not None else ""
        return (
            f"<div><p><b>{esc(self.question)}</b></p><p style='{style}'>{esc(self.text)}</p>"
            f"{'<ol>' + items + '</ol>' if items else ''}{timing}</div>"
        )
