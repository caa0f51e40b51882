"""Benchmark: warm answer latency (seed and an XQuAD article), a fresh-process `qa ask`, the first
answer from Python (`from qa import answer` in a new interpreter), the seed build.

    python bench/bench.py [--rounds 20] [--json]

Targets on a 2-core machine: warm p50 <= 10 ms and p95 <= 30 ms on the seed and on an XQuAD
article, fresh `qa ask` <= 4 s, first answer from Python <= 2 s, seed build <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.engine import DEFAULT_CORPUS, DEFAULT_INDEX, Engine  # noqa: E402

XQUAD = ROOT.parent / "shared" / "benchmarks" / "xquad-dev" / "xquad.tr.dev.json"
QUESTIONS = [
    "Kaç işbirliği anlaşması imzalandı?",
    "How much Kazakh oil went through the BTC pipeline last year?",
    "Trans Hazar koridorunda yük trafiği yüzde kaç arttı?",
    "Görüşme hangi tarihte gerçekleşti?",
    "Aliyev iki halkı nasıl tanımladı?",
    "What is the capital of Kazakhstan?",
]


NOTEBOOK = """import sys, time
started = time.perf_counter()
from qa import answer
answer(sys.argv[1])
print(time.perf_counter() - started)
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _xquad_latencies(seed_engine: Engine, article_index: int, rounds: int) -> list[float]:
    """Warm answer latency over one XQuAD article's own questions, indexed alone."""
    from qa.squad import load_squad, write_article

    article = load_squad(XQUAD)[article_index]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_article(article, tmp)
        engine = Engine(corpus=[path], index_dir=Path(tmp) / "index", auto_build=True, encoder=seed_engine.encoder)
        questions = [q.question for q in article.questions]
        for q in questions:
            engine.answer(q)
        latencies = []
        for _ in range(max(1, rounds // 4)):
            for q in questions:
                t0 = time.perf_counter()
                engine.answer(q)
                latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="rounds over the questions (default 20)")
    parser.add_argument("--fresh-runs", type=int, default=5, help="fresh `qa ask` processes (default 5)")
    parser.add_argument("--xquad-article", type=int, default=0, help="XQuAD dev article to time (default 0)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    # Seed build: model load, then the build itself (sentences, embeddings, FAISS, manifest).
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        engine = Engine(index_dir=tmp, load=False)
        engine._encoder_for(building=True)
        model_load = time.perf_counter() - started
        builds = []
        for _ in range(3):
            shutil.rmtree(tmp, ignore_errors=True)
            t0 = time.perf_counter()
            engine.build()
            builds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qa.cli", "index", "build", "--quiet", "--out", tmp + "/cli"],
                       check=True, capture_output=True, cwd=ROOT)
        cli_build = time.perf_counter() - t0

    # Warm latency on the default index.
    engine = Engine()
    for q in QUESTIONS:
        engine.answer(q)
    latencies = []
    for _ in range(args.rounds):
        for q in QUESTIONS:
            t0 = time.perf_counter()
            engine.answer(q)
            latencies.append((time.perf_counter() - t0) * 1000)

    xquad = _xquad_latencies(engine, args.xquad_article, args.rounds) if XQUAD.exists() else []

    # A fresh process answering one question with the index already built.
    fresh = []
    for _ in range(args.fresh_runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qa.cli", "ask", QUESTIONS[0], "--json"],
                       check=True, capture_output=True, cwd=ROOT)
        fresh.append(time.perf_counter() - t0)
    # The notebook path: `from qa import answer; answer(...)` in a new interpreter, timed inside it.
    notebook = []
    for _ in range(args.fresh_runs):
        timed = subprocess.run([sys.executable, "-c", NOTEBOOK, QUESTIONS[0]], check=True, capture_output=True,
                               text=True, cwd=ROOT)
        notebook.append(float(timed.stdout.split()[-1]))

    results = {
        "warm_p50_ms": round(percentile(latencies, 0.5), 2),
        "warm_p95_ms": round(percentile(latencies, 0.95), 2),
        "warm_answers": len(latencies),
        "xquad_warm_p50_ms": round(percentile(xquad, 0.5), 2) if xquad else None,
        "xquad_warm_p95_ms": round(percentile(xquad, 0.95), 2) if xquad else None,
        "xquad_answers": len(xquad),
        "fresh_qa_ask_s": round(statistics.median(fresh), 2),
        "notebook_first_answer_s": round(statistics.median(notebook), 2),
        "seed_build_s": round(statistics.median(builds), 3),
        "seed_build_model_load_s": round(model_load, 2),
        "seed_build_cli_process_s": round(cli_build, 2),
        "index": str(DEFAULT_INDEX),
        "corpus": str(DEFAULT_CORPUS),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"warm answer latency  p50 {results['warm_p50_ms']} ms, p95 {results['warm_p95_ms']} ms "
              f"({len(latencies)} answers)")
        if xquad:
            print(f"XQuAD article {args.xquad_article}     p50 {results['xquad_warm_p50_ms']} ms, "
                  f"p95 {results['xquad_warm_p95_ms']} ms ({len(xquad)} answers)")
        print(f"fresh-process qa ask {results['fresh_qa_ask_s']} s (median of {args.fresh_runs})")
        print(f"notebook first answer {results['notebook_first_answer_s']} s (import qa + answer, median)")
        print(f"seed index build     {results['seed_build_s']} s with the model loaded "
              f"(model load {results['seed_build_model_load_s']} s; "
              f"`qa index build` as a new process {results['seed_build_cli_process_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
