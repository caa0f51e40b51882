"""Benchmark: which units are worth a vector. The XQuAD dev split with other window settings.

    python bench/units.py [--settings 8:4,8:8,12:6,0:0] [--articles 0-23] [--quiet]

Each setting is ``words:stride`` of the word windows embedded beside each sentence (``0:0``: the
sentence alone; the shipped setting is ``index.units.WINDOW_WORDS:WINDOW_STRIDE``). For each, every
article is indexed alone and asked its Turkish questions, then all articles in one index
(``qa.squad.evaluate_squad``, corpus mode), and one JSON line is printed: vectors per sentence,
cite@1, corpus_cite@1, answered and warm p50/p95. The fitted ranker was fitted on the shipped setting,
so another setting's figures are what it would give before a refit (``python -m qa.fit``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import index.units as units  # noqa: E402
from qa.squad import evaluate_squad  # noqa: E402

XQUAD = ROOT.parent / "shared" / "benchmarks" / "xquad-dev" / "xquad.tr.dev.json"


def _setting(text: str) -> tuple[int, int]:
    words, _, stride = text.partition(":")
    try:
        return int(words), int(stride or 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a setting is WORDS:STRIDE such as 8:4, got {text!r}") from None


def _vectors_per_sentence(articles: str | None) -> float:
    """Embedded units per indexed sentence over the articles, with the current setting."""
    from index.documents import parse_document
    from qa.squad import load_squad, parse_articles

    everything = load_squad(XQUAD)
    documents = [parse_document(everything[i].text, everything[i].filename)
                 for i in parse_articles(articles, len(everything))]
    texts, owners = units.embedding_units(documents)
    return round(len(texts) / max(len(set(owners)), 1), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settings", default=f"{units.WINDOW_WORDS}:{units.WINDOW_STRIDE},8:8,12:6,0:0",
                        help="comma-separated WORDS:STRIDE window settings (0:0 = sentences alone)")
    parser.add_argument("--articles", help="articles to run, by index: 0-3 or 0,5,7 (default: all)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args()
    for size, stride in (_setting(s) for s in args.settings.split(",")):
        units.WINDOW_WORDS, units.WINDOW_STRIDE = (size, stride) if size else (10**6, 10**6)
        report = evaluate_squad(XQUAD, corpus_mode=True, articles=args.articles, progress=not args.quiet)
        metrics = report.metrics
        print(json.dumps({"window_words": size, "window_stride": stride,
                          "vectors_per_sentence": _vectors_per_sentence(args.articles),
                          **{k: metrics.get(k) for k in ("cite@1", "corpus_cite@1", "answered", "p50_ms", "p95_ms")}}),
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
