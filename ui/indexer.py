"""The upload indexing worker: a process of its own, at a lower CPU priority, with its own copy of the model.

The chat (:class:`ui.articles.ArticleStore`) hands each uploaded file to :class:`Worker`, which
runs ``python -m ui.indexer`` once and sends it one request at a time: the worker builds the
article's index, embeds its words and makes its example questions, all at ``nice`` +10, and
returns what the chat's process needs to load the finished index without encoding anything.
So an upload never holds the encoder, the interpreter lock or a CPU at full priority that other
visitors' answers run on.

A plain subprocess rather than ``multiprocessing``: it never re-imports the script that started
the chat (a script without an ``if __name__ == "__main__":`` guard would launch a second chat).
The protocol is pickle over the worker's stdin and stdout, both private to the two processes.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from qa.errors import QAError

log = logging.getLogger(__name__)

NICE = 10  # the worker's CPU priority below the chat's: answers go first
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class WorkerError(RuntimeError):
    """The worker process stopped or answered nonsense; the next request starts a new one."""


class Worker:
    """The chat's side: starts the worker on first use, one request at a time, restarts it if it died."""

    def __init__(self):
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def call(self, function: str, *args: Any) -> Any:
        """``function(*args)`` (a name in :data:`FUNCTIONS`) run in the worker; its exception if it raised
        a :class:`QAError`, :class:`WorkerError` if the worker failed otherwise."""
        with self._lock:
            process = self._start()
            try:
                pickle.dump((function, args), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                process.stdin.flush()
                status, value = pickle.load(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
                self._stop()
                raise WorkerError(f"the indexing worker stopped ({type(exc).__name__}: {exc})") from None
        if status == "user-error":
            raise value
        if status != "ok":
            raise WorkerError(f"the indexing worker failed: {value}")
        return value

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen([sys.executable, "-m", "ui.indexer"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, cwd=PROJECT_ROOT)
        return self._process

    def _stop(self, timeout: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        try:  # end of input: the worker exits
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        """Stop the worker (after the request it is running, if any)."""
        with self._lock:
            self._stop()


# -- the worker process ---------------------------------------------------------------------------


def _functions() -> dict[str, Any]:
    from ui.articles import index_in_worker, load_in_worker

    return {"index": index_in_worker, "load": load_in_worker}


def main() -> int:
    """The worker: read (function, args) requests until stdin closes, answer each on stdout."""
    try:
        os.nice(NICE)
    except OSError:  # not allowed here: the same priority, still off the chat's process
        pass
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a library's print must not land among the replies
    functions = _functions()
    while True:
        try:
            function, args = pickle.load(requests)
        except EOFError:
            return 0
        try:
            reply = ("ok", functions[function](*args))
        except QAError as exc:
            reply = ("user-error", exc)
        except Exception as exc:
            log.exception("indexing failed")
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception that does not pickle
            data = pickle.dumps(("error", f"{type(reply[1]).__name__}: {reply[1]} ({exc})"))
        replies.write(data)
        replies.flush()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
