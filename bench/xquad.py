"""Benchmark: the XQuAD development split (24 Turkish articles, 612 questions) through the engine.

    python bench/xquad.py [--out artifacts/xquad-dev.json] [--articles 0-3] [--quiet]

Each article indexed alone and asked its Turkish questions (cite@1, answered, f1, em, p50/p95
latency) and the parallel English ones (en_cite@1); each article's questions asked of the next
article (swap_abstained); all articles in one index (corpus_cite@1). Prints the table and writes
the JSON summary with per-question records. A thin wrapper over ``qa.squad.evaluate_squad``;
``qa eval --squad`` is the same with options.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.squad import evaluate_squad, write_json  # noqa: E402

XQUAD = ROOT.parent / "shared" / "benchmarks" / "xquad-dev"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", default=XQUAD / "xquad.tr.dev.json", type=Path, help="the Turkish SQuAD file")
    parser.add_argument("--questions-from", default=XQUAD / "xquad.en.dev.json", type=Path,
                        help="the parallel English file (same question ids)")
    parser.add_argument("--out", default=ROOT / "artifacts" / "xquad-dev.json", type=Path,
                        help="where to write the JSON summary (default artifacts/xquad-dev.json)")
    parser.add_argument("--articles", metavar="SPEC", help="a subset, e.g. 0-3 or 0,5,7 (default: all)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args()

    report = evaluate_squad(args.squad, questions_from=args.questions_from, swap=True, corpus_mode=True,
                            articles=args.articles, progress=not args.quiet)
    print(report)
    print(f"\nwrote {write_json(report, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
