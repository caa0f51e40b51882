"""Build an index with a deterministic fake embedder, in a process of its own (tests/test_store_faults.py).

    python tests/store_build_helper.py OUT DOC... [--kill-at N] [--embed-delay S] [--lock-timeout S]

``--kill-at N`` sends the process SIGKILL just before its N-th file-system step (an ``os.fsync``,
``os.replace`` or ``os.unlink``), as a crash or ``kill -9`` would; without it the build runs to the
end and prints ``steps=<how many there were> embedded_now=<count>``. No model is loaded.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MODEL = {"id": "fake-sha-embedder", "dimension": 16}


def embed(texts: list[str]) -> np.ndarray:
    """The same vector for the same text in every process (``hash()`` differs between processes)."""
    rows = [np.random.default_rng(int(hashlib.sha256(t.encode("utf-8")).hexdigest()[:16], 16)).normal(size=16)
            for t in texts]
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("docs", nargs="+")
    parser.add_argument("--kill-at", type=int)
    parser.add_argument("--embed-delay", type=float, default=0.0)
    parser.add_argument("--lock-timeout", type=float, default=60.0)
    args = parser.parse_args()

    from index.documents import load_document
    from index.store import IndexStoreError, build_index

    steps = 0

    def hooked(real):
        def step(*a, **k):
            nonlocal steps
            steps += 1
            if steps == args.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*a, **k)
        return step

    for name in ("fsync", "replace", "unlink"):
        setattr(os, name, hooked(getattr(os, name)))

    def slow_embed(texts):
        time.sleep(args.embed_delay)
        return embed(texts)

    documents = [load_document(Path(p)) for p in args.docs]
    try:
        manifest = build_index(documents, Path(args.out), slow_embed, MODEL, lock_timeout=args.lock_timeout)
    except IndexStoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"steps={steps} embedded_now={manifest['counts']['embedded_now']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
