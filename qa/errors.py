"""The errors of the public API, in a module that imports nothing of the project, so every layer can raise them.

:class:`QAError` is the one type a caller catches: the engine, the index (documents, store,
model) and the evaluation raise subclasses of it, each message naming the bad value and the fix.
"""

from __future__ import annotations

import reprlib


class QAError(Exception):
    """Anything the user can fix; the message says what was wrong and what to do."""


class ArgumentError(QAError, ValueError):
    """An argument of the API has the wrong type or an unusable value (named in the message)."""


def describe(value: object, limit: int = 60) -> str:
    """``value`` for an error message: a short repr (long strings and lists cut), ASCII only."""
    shorter = reprlib.Repr()
    shorter.maxstring = shorter.maxother = limit
    shorter.maxlist = shorter.maxtuple = shorter.maxdict = 4
    return shorter.repr(value).encode("ascii", "backslashreplace").decode("ascii")


__all__ = ["ArgumentError", "QAError", "describe"]
