"""Grounded question answering over news articles, with cited sentences.

>>> from qa import answer
>>> result = answer("Kaç işbirliği anlaşması imzalandı?")
>>> result.text, result.citations[0].text
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from qa.errors import ArgumentError, QAError
from qa.types import Answer, Citation, Scope

if TYPE_CHECKING:
    from qa.engine import Engine, QuestionError

__all__ = ["Answer", "ArgumentError", "Citation", "Engine", "QAError", "QuestionError", "Scope", "answer",
           "default_engine"]

_default: Engine | None = None
_LAZY = ("Engine", "QuestionError")


def __getattr__(name: str):
    # The engine pulls in numpy, faiss and bm25s: import it on first use only, so
    # that `import qa` (and the pytest plugin in qa.testing) stays light.
    if name in _LAZY:
        from qa import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
_default_lock = threading.Lock()


def default_engine() -> Engine:
    """The engine of the default corpus (``seeds/``), loaded or built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            from qa.engine import Engine

            _default = Engine()
        return _default


def answer(question: str, *, history: list[str] | None = None, k: int = 5,
           engine: Engine | None = None, scope: Scope | dict | None = None) -> Answer:
    """Answer ``question`` from the default corpus (or ``engine``'s) with cited sentences.

    ``history`` holds earlier questions of a conversation, for follow-ups such
    as "Peki uranyum?"; ``scope`` keeps the answer to some documents
    (``{"folders": ["news/2025"], "since": "2025-01-01"}``, see :class:`Scope`).
    Raises :class:`QuestionError` for an unusable question and
    :class:`QAError` for any other bad argument, before the default engine loads.
    """
    from qa.conversation import turns
    from qa.engine import Engine
    from qa.errors import describe
    from qa.query import check_k, clean_question

    if engine is not None and not isinstance(engine, Engine):
        raise ArgumentError(f"engine must be a qa.Engine or None, got {describe(engine)} ({type(engine).__name__})")
    clean_question(question)
    turns(history)
    check_k(k)
    Scope.of(scope)
    return (engine or default_engine()).answer(question, history=history, k=k, scope=scope)
