"""Benchmark: follow-up questions in conversations over several articles.

    python bench/followups.py [--set bench/data/followups.json] [--out artifacts/followups.json]
                              [--sources xquad-dev,news-tr,seed] [--quiet]

Each conversation is asked as the chat asks it (each turn with the engine's earlier answers as
history). Prints one JSON summary: followup_cite@1 (the follow-up's first citation holds the gold
answer), means_cite@1 (its standalone meaning asked alone: the ceiling) and agrees (both cite the
same sentence), overall and by form and language. ``--out`` writes one record per follow-up.
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

from qa.followups import DEFAULT_SET, evaluate_followups, write_records  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default=DEFAULT_SET, type=Path, help="the conversations (JSON)")
    parser.add_argument("--out", type=Path, help="write one record per follow-up turn here")
    parser.add_argument("--sources", help="only these sources, comma-separated (seed, news-tr, xquad-dev)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args()
    sources = args.sources.split(",") if args.sources else None
    summary, records = evaluate_followups(args.set, sources, progress=not args.quiet)
    if args.out:
        write_records(records, args.out)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
