"""Scale benchmark: generate a corpus of N sentences, build its index, load it and ask it questions.

    nice -n 15 python bench/scale.py --sentences 20000            # one JSON line on stdout

Steps, each measured apart:

1. generate (``bench/corpus_gen.py``): Turkish news-like articles of 35-45 sentences, no two sentences
   alike, with ``--questions`` questions whose answer sentence is known; cached in
   ``<workdir>/corpus-<N>-s<seed>`` (articles in ``articles/``, ``questions.json`` beside them) and
   reused by later runs with the same N and seed;
2. build: ``python -m qa.cli index build <corpus>/articles --out <workdir>/index-<N>-s<seed>`` in a child process
   (a fresh index each time, nothing reused): wall seconds, and that child's peak RSS (``os.wait4``);
3. load and ask, in another fresh child process: ``Engine(corpus=[corpus], index_dir=index,
   auto_build=False)`` (seconds and the process's peak RSS right after it), then three warm-up
   questions and every generated question through ``engine.answer``: warm latency p50/p95, hit@1 (the
   first citation is the generated answer sentence), and recall@10 of the engine's dense index
   (``engine.retriever.vectors``) against exact inner-product search over the same vectors, for the
   question vectors the engine searched with. For a flat index it is 1.0, which checks the
   measurement; it matters once the index is approximate (IVF, HNSW, PQ).

stdout gets one JSON line; progress and the children's output go to stderr. Keys:

  sentences, articles, vectors   indexed sentences (body sentences + one title line per article),
                                 articles, embedded units (sentences and their 8-word windows)
  body_sentences                 N, the generated body sentences
  build_s, sentences_per_s       wall seconds of the build child (model load included); sentences / build_s
  build_peak_rss_mb              the build child's peak resident memory
  disk_mb                        bytes of the index folder / 2**20
  import_s, load_s               importing qa.engine; Engine(...) loading the index, model and structures
  load_profiled                  true when --profile-load ran cProfile during the load (slower: compare
                                 load_s only between runs alike)
  load_peak_rss_mb               the load child's peak RSS right after loading
  ask_peak_rss_mb                its peak RSS after all the questions
  p50_ms, p95_ms                 warm Engine.answer latency over the questions
  questions, answered, hit@1     questions asked, share not abstained, share whose first citation is the
                                 generated sentence
  recall@10                      dense top-10 of the engine's index vs exact search (1.0 for a flat index)
  index_type, model              the FAISS index class the engine searched, the embedding model id

``--store URI`` is passed to ``Engine(store=URI)`` (build and load) where the Engine takes a ``store``
argument; otherwise the benchmark stops with one line saying so.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import corpus_gen  # noqa: E402  (bench/ is not a package)

WARMUP = 3
EXACT_BLOCK = 65536  # vectors per block of the exact search (bounded memory at a million sentences)


def _mb(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)  # ru_maxrss is in KiB on Linux


def _fail(message: str) -> None:
    print(f"scale.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def _env() -> dict:
    return os.environ | {"HF_HUB_OFFLINE": "1", "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}


def _run_child(command: list[str], capture: bool) -> tuple[float, int, str]:
    """Run ``command``; its wall seconds, its own peak RSS in KiB (``wait4``) and, with ``capture``, its stdout.
    Without ``capture`` its stdout goes to our stderr, so that our stdout stays one JSON line."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.PIPE if capture else sys.stderr)
    out = child.stdout.read().decode("utf-8") if capture else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        _fail(f"{' '.join(command[:6])} ... exited with status {child.returncode}")
    return seconds, usage.ru_maxrss, out


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _check_store(store: str | None) -> None:
    if store is None:
        return
    from qa.engine import Engine

    if "store" not in inspect.signature(Engine).parameters:
        _fail("--store needs an Engine that accepts store=...; this version's Engine(...) has no store argument")


# -- the load-and-ask child --------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float | None:
    import numpy as np

    return round(float(np.percentile(values, q)), 2) if values else None


def _exact_top(index, queries, k: int):
    """Exact inner-product top-``k`` over the index's own vectors, block by block."""
    import numpy as np

    n = index.ntotal
    best_scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_ids = np.full((len(queries), k), -1, dtype=np.int64)
    for start in range(0, n, EXACT_BLOCK):
        block = index.reconstruct_n(start, min(EXACT_BLOCK, n - start))
        scores = queries @ block.T
        ids = np.arange(start, start + len(block), dtype=np.int64)
        scores = np.concatenate([best_scores, scores], axis=1)
        ids = np.concatenate([best_ids, np.broadcast_to(ids, (len(queries), len(ids)))], axis=1)
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        best_scores, best_ids = np.take_along_axis(scores, top, 1), np.take_along_axis(ids, top, 1)
    return best_scores, best_ids


def recall_at(index, queries, k: int = 10) -> float | None:
    """Share of the exact top-``k`` that the index's search returns; an id scoring as high as the exact
    ``k``-th (a tie) counts as found. None when the index cannot give its vectors back."""
    import numpy as np

    queries = np.ascontiguousarray(queries, dtype=np.float32)
    k = min(k, index.ntotal)
    if not len(queries) or not k:
        return None
    try:
        exact_scores, exact_ids = _exact_top(index, queries, k)
    except RuntimeError as exc:  # e.g. an IVF index without a direct map
        print(f"scale.py: recall@10 not measured: {str(exc).strip().splitlines()[-1]}", file=sys.stderr)
        return None
    _, found = index.search(queries, k)
    hits = 0
    for q, (row, exact, scores) in enumerate(zip(found, exact_ids, exact_scores, strict=True)):
        wanted = set(exact.tolist())
        for vid in row.tolist():
            if vid in wanted:
                hits += 1
            elif vid >= 0 and float(index.reconstruct(int(vid)) @ queries[q]) >= scores[-1] - 1e-5:
                hits += 1
    return round(hits / (len(queries) * k), 4)


def load_and_ask(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    from qa.engine import Engine

    import_s = time.perf_counter() - started
    kwargs = {"corpus": [Path(args.corpus)], "index_dir": Path(args.index), "auto_build": False}
    if args.store is not None:
        kwargs["store"] = args.store
    profiler = None
    if args.profile_load:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    engine = Engine(**kwargs)
    load_s = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile_load)
    load_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    questions_file = Path(args.questions_file) if args.questions_file else next(
        (p for p in (Path(args.corpus, "questions.json"), Path(args.corpus).parent / "questions.json") if p.exists()),
        None)
    questions = json.loads(questions_file.read_text(encoding="utf-8"))[:args.questions] if questions_file else []
    for item in questions[:WARMUP]:
        engine.answer(item["question"])
    latencies, vectors, hits, answered, misses = [], [], 0, 0, []
    from tqdm import tqdm

    for item in tqdm(questions, desc="asking", unit="q", file=sys.stderr, disable=args.quiet):
        t = time.perf_counter()
        result = engine.answer(item["question"])
        latencies.append((time.perf_counter() - t) * 1000)
        vectors.append(result.query.vector)
        answered += not result.abstained
        first = result.citations[0] if result.citations else None
        hit = bool(first and first.text == item["sentence"] and Path(first.source) == Path(item["source"]))
        hits += hit
        if not hit:
            misses.append(f"{item['question']} -> {first.text[:100] if first else 'abstained'}")
    for miss in misses[:10]:
        print(f"scale.py: hit@1 miss: {miss}", file=sys.stderr)
    import numpy as np

    index = engine.retriever.vectors
    recall = recall_at(index, np.stack(vectors)) if vectors else None
    return {
        "import_s": round(import_s, 2),
        "load_s": round(load_s, 2),
        "load_profiled": profiler is not None,
        "engine_load_ms": round(engine.timings.get("load_ms", float("nan")), 1),
        "load_peak_rss_mb": _mb(load_rss),
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "questions": len(questions),
        "answered": round(answered / len(questions), 4) if questions else None,
        "hit@1": round(hits / len(questions), 4) if questions else None,
        "recall@10": recall,
        "index_type": type(index).__name__,
        "model": engine.spec.model_id,
    }


def build_with_store(args: argparse.Namespace) -> None:
    """The build child when ``--store`` is given: the CLI has no such option."""
    from qa.engine import Engine

    engine = Engine(corpus=[Path(args.corpus)], index_dir=Path(args.index), store=args.store,
                    progress=not args.quiet, load=False)
    counts = engine.build()["counts"]
    print(f"indexed {counts['documents']} document(s), {counts['sentences']} sentences, {counts['vectors']} vectors")


# -- the parent ---------------------------------------------------------------------------------------


def corpus_for(workdir: Path, sentences: int, seed: int, questions: int, quiet: bool) -> tuple[Path, dict]:
    """The generated corpus, reused when one with the same N, seed, format and questions is cached."""
    folder = workdir / f"corpus-{sentences}-s{seed}"
    summary_path = folder / "corpus.json"
    try:
        summary = json.loads(summary_path.read_text())
        if (summary["format"], summary["sentences"], summary["seed"]) == (corpus_gen.FORMAT, sentences, seed) and (
                summary["questions"] >= min(questions, summary["articles"])):
            print(f"scale.py: reusing the corpus in {folder}", file=sys.stderr)
            return folder, summary
    except (OSError, ValueError, KeyError):
        pass
    shutil.rmtree(folder, ignore_errors=True)
    return folder, corpus_gen.generate(folder, sentences, seed, questions, progress=not quiet)


def run(args: argparse.Namespace) -> dict:
    _check_store(args.store)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    folder, summary = corpus_for(workdir, args.sentences, args.seed, args.questions, args.quiet)
    corpus = folder / corpus_gen.ARTICLES
    index = workdir / f"index-{args.sentences}-s{args.seed}"
    shutil.rmtree(index, ignore_errors=True)  # a fresh build: no vectors reused

    me = [sys.executable, str(Path(__file__).resolve())]
    if args.store is None:
        build = [sys.executable, "-m", "qa.cli", "index", "build", str(corpus), "--out", str(index)]
    else:
        build = [*me, "--child", "build", "--corpus", str(corpus), "--index", str(index), "--store", args.store]
    build_s, build_rss, _ = _run_child(build + ["--quiet"] * args.quiet, capture=False)
    manifest = json.loads((index / "manifest.json").read_text())
    counts = manifest.get("counts", {})
    disk = _folder_bytes(index)

    load = [*me, "--child", "load", "--corpus", str(corpus), "--index", str(index),
            "--questions-file", str(folder / "questions.json"), "--questions", str(args.questions)]
    load += ["--store", args.store] if args.store is not None else []
    load += ["--profile-load", str(args.profile_load.resolve())] if args.profile_load else []
    load += ["--quiet"] * args.quiet
    _, ask_rss, out = _run_child(load, capture=True)
    asked = json.loads(out.strip().splitlines()[-1])
    if not args.keep:
        shutil.rmtree(index, ignore_errors=True)

    sentences = counts.get("sentences", args.sentences + summary["articles"])
    result = {
        "sentences": sentences,
        "body_sentences": args.sentences,
        "articles": summary["articles"],
        "vectors": counts.get("vectors"),
        "build_s": round(build_s, 1),
        "index_build_s": manifest.get("build_seconds"),
        "sentences_per_s": round(sentences / build_s, 1),
        "build_peak_rss_mb": _mb(build_rss),
        "disk_mb": round(disk / 2**20, 1),
        "import_s": asked["import_s"],
        "load_s": asked["load_s"],
        "load_profiled": asked["load_profiled"],
        "load_peak_rss_mb": asked["load_peak_rss_mb"],
        "ask_peak_rss_mb": _mb(ask_rss),
        "p50_ms": asked["p50_ms"],
        "p95_ms": asked["p95_ms"],
        "questions": asked["questions"],
        "answered": asked["answered"],
        "hit@1": asked["hit@1"],
        "recall@10": asked["recall@10"],
        "index_type": asked["index_type"],
        "model": asked["model"],
    }
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scale.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, metavar="N", help="body sentences to generate (e.g. 20000)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "qa-scale",
                        help="where the corpus is cached and the index built (default: %(default)s)")
    parser.add_argument("--questions", type=int, default=200,
                        help="generated questions to ask, one per sampled article (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the index after the run (the corpus is always kept, as a cache)")
    parser.add_argument("--store", metavar="URI",
                        help="passed to Engine(store=URI) for the build and the load (needs an Engine with store=)")
    parser.add_argument("--profile-load", type=Path, metavar="FILE",
                        help="write a cProfile of Engine(...) loading to FILE (read it with pstats)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--child", choices=["load", "build"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    os.environ["HF_HUB_OFFLINE"] = "1"
    if args.child == "load":
        print(json.dumps(load_and_ask(args)))
        return 0
    if args.child == "build":
        build_with_store(args)
        return 0
    if args.sentences is None or args.sentences < 1:
        parser.error("--sentences N (N >= 1) is required")
    if args.questions < 0:
        parser.error("--questions must be 0 or more")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
