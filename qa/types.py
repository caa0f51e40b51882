"""The public types: :class:`Answer` and :class:`Citation` (results), :class:`Scope` (which documents)."""

from __future__ import annotations

import datetime
import html
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from qa.errors import ArgumentError, describe


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


@dataclass(frozen=True)
class Scope:
    """The documents a question is asked of; each field narrows them, an empty field does not.

    ``sources``: indexed files, by the path ``qa index info --json`` lists or by file name;
    ``folders``: folders the files lie under; ``since``/``until``: the article's date (YYYY-MM-DD,
    inclusive; an article without a date lies outside any date range).
    """

    sources: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    def __post_init__(self) -> None:
        for name in ("sources", "folders"):
            value = getattr(self, name)
            if isinstance(value, (str, Path)):
                value = (value,)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, (str, Path)) and str(v) for v in value):
                raise ArgumentError(f"scope {name} must be a list of paths, got {describe(value)}")
            object.__setattr__(self, name, tuple(str(v) for v in value))
        for name in ("since", "until"):
            value = getattr(self, name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ArgumentError(f"scope {name} must be a date YYYY-MM-DD, got {describe(value)}")
            if value:
                try:
                    datetime.date.fromisoformat(value)
                except ValueError:
                    raise ArgumentError(f"scope {name} must be a date YYYY-MM-DD, got {describe(value)}") from None
            object.__setattr__(self, name, value)
        if self.since and self.until and self.since > self.until:
            raise ArgumentError(f"scope since {self.since} is after until {self.until}")

    @classmethod
    def of(cls, value: object) -> Scope | None:
        """``value`` as a scope: a :class:`Scope`, a dict of its fields, or None (every document)."""
        if value is None or isinstance(value, Scope):
            return value if value is None or value.narrows else None
        if isinstance(value, dict):
            unknown = set(value) - {f.name for f in fields(cls)}
            if unknown:
                raise ArgumentError(f"scope has no field {describe(sorted(unknown)[0])}; "
                                    f"use sources, folders, since, until")
            scope = cls(**value)
            return scope if scope.narrows else None
        raise ArgumentError(f"scope must be a qa.Scope, a dict or None, got {describe(value)} "
                            f"({type(value).__name__})")

    @property
    def narrows(self) -> bool:
        return bool(self.sources or self.folders or self.since or self.until)

    def admits(self, source: str, date: str) -> bool:
        """Whether the document at ``source``, dated ``date`` ("" when undated), lies in the scope."""
        if self.sources and not any(_same_file(source, s) for s in self.sources):
            return False
        if self.folders and not any(_under(source, f) for f in self.folders):
            return False
        if self.since and not (date and date >= self.since):
            return False
        return not (self.until and not (date and date <= self.until))

    def __str__(self) -> str:
        parts = [f"{f.name}={', '.join(v) if isinstance(v, tuple) else v}"
                 for f in fields(self) if (v := getattr(self, f.name))]
        return "; ".join(parts) or "every document"


def _same_file(source: str, wanted: str) -> bool:
    if source == wanted or Path(source).name == wanted:
        return True
    try:
        return Path(source).resolve() == Path(wanted).resolve()
    except OSError:
        return False


def _under(source: str, folder: str) -> bool:
    try:
        return Path(source).resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False
