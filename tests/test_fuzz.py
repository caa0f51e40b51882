"""Bad input at the edges: the API raises a QAError naming the bad value, the CLI prints one line.

Seeded and bounded: a few hundred API calls against an engine built with a stand-in encoder (the
engine's own validation runs; the model does not matter here) and 30 ``qa`` commands, each in a
subprocess with a timeout. Random bytes, lone surrogates, huge strings, wrong types and control
characters go in; an Answer or a :class:`QAError` must come out, never another exception.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from standin import stand_in_engine

import qa
from qa.engine import Engine
from qa.errors import QAError
from qa.evaluate import evaluate
from qa.types import Answer

pytestmark = pytest.mark.slow  # an index is built (with the stand-in encoder) and 30 interpreters started
ROOT = Path(__file__).resolve().parent.parent
SEED = 20251207
CALLS_PER_ARGUMENT = 40  # random values per argument of each entry point
CALL_SECONDS = 10.0  # the most one API call may take, bad input included
CLI_CASES = 30
CLI_SECONDS = 60  # timeout of one `qa` subprocess (bad input fails before any model loads)
GOOD = "Kaç işbirliği anlaşması imzalandı?"
# What the engine refuses: C0/C1 controls, zero-width and bidi characters (U+200D, the emoji joiner, is allowed).
CONTROLS = [chr(c) for c in [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]] + list(
    "\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
WRONG_TYPES = [None, 0, 5, -1, 3.5, True, [], ["x"], {}, {"q": 1}, b"x", bytearray(b"x"), object(), (1, 2, 3)]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return stand_in_engine(tmp_path_factory.mktemp("fuzz-corpus"))


# -- bad values ---------------------------------------------------------------------------------


def random_bytes(rng: random.Random, size: int = 40) -> bytes:
    """Bytes that are not UTF-8 text (one invalid byte at least, no NUL: argv cannot carry one)."""
    data = bytearray(rng.randrange(1, 256) for _ in range(rng.randrange(1, size)))
    data.insert(rng.randrange(len(data) + 1), rng.choice([0xFF, 0xFE, 0xC0, 0x80, 0xED]))
    return bytes(data)


def bad_text(rng: random.Random) -> str:
    """A string the engine must refuse: undecodable bytes, a lone surrogate, a control character,
    nothing but whitespace, or far too long."""
    kind = rng.choice(["bytes", "surrogate", "control", "blank", "huge"])
    if kind == "bytes":
        return random_bytes(rng).decode("utf-8", "surrogateescape") + " mi?"
    if kind == "surrogate":
        at = rng.randrange(len(GOOD) + 1)
        return GOOD[:at] + chr(rng.randrange(0xD800, 0xE000)) + GOOD[at:]
    if kind == "control":
        at = rng.randrange(len(GOOD) + 1)
        return GOOD[:at] + rng.choice(CONTROLS) + GOOD[at:]
    if kind == "blank":
        return rng.choice(["", " ", "\n\t ", "\u3000"])
    return rng.choice(["a", "kaç ", GOOD + " "]) * rng.choice([1001, 20_000, 1_000_000])


def any_value(rng: random.Random) -> object:
    """A wrong type or a bad string."""
    return rng.choice(WRONG_TYPES) if rng.random() < 0.5 else bad_text(rng)


def bad_history(rng: random.Random) -> object:
    kind = rng.choice(["type", "item", "pair", "answer", "long"])
    if kind == "type":
        return rng.choice([5, "Tokayev ne dedi?", b"x", {"q": "a"}, 3.5, object()])
    if kind == "item":
        return ["Tokayev ne dedi?", rng.choice([*WRONG_TYPES[1:], bad_text(rng)])]
    if kind == "pair":
        return [(rng.choice([None, 5, b"q", bad_text(rng)]), "cevap")]
    if kind == "answer":  # a bad answer is context, not an error: dropped characters, never a crash
        return [("Tokayev petrol hakkında ne dedi?", rng.choice([5, None, b"a", bad_text(rng)]))]
    return ["Tokayev petrol hakkında ne dedi?"] * rng.choice([1000, 100_000])


def bad_k(rng: random.Random) -> object:
    return rng.choice(["5", None, 0, -3, 2.0, True, [5], b"5", "", float("nan"), {"k": 5}])


# -- the API ------------------------------------------------------------------------------------


def outcome(label: str, function: Callable, *args: object, names: tuple[str, ...] = (), **kwargs: object) -> str:
    """Call ``function``: a value or a QAError is fine (its message naming one of ``names``),
    anything else fails the test with the case that caused it."""
    started = time.perf_counter()
    try:
        function(*args, **kwargs)
        result = "ok"
    except QAError as exc:
        message = str(exc)
        assert message, f"{label}: a QAError without a message"
        if names:
            assert any(name in message for name in names), f"{label}: {message!r} names none of {names}"
        result = "error"
    except Exception as exc:
        pytest.fail(f"{label}: {type(exc).__name__} instead of a QAError: {exc!s:.300}")
    elapsed = time.perf_counter() - started
    assert elapsed < CALL_SECONDS, f"{label}: took {elapsed:.1f} s"
    return result


def test_engine_answer_and_explain_refuse_bad_arguments(engine):
    rng = random.Random(SEED)
    for n in range(CALLS_PER_ARGUMENT):
        question = any_value(rng)
        for function in (engine.answer, engine.explain):
            assert outcome(f"{function.__name__}({question!r:.60})", function, question, names=("question",)) == "error"
        history = bad_history(rng)
        outcome(f"answer(history={history!r:.80})", engine.answer, GOOD, history=history, names=("history",))
        k = bad_k(rng)
        for function in (engine.answer, engine.explain):
            assert outcome(f"{function.__name__}(k={k!r})", function, GOOD, k=k, names=("k must",)) == "error"
        if n % 8 == 0:
            assert outcome(f"sentence({question!r:.60})", engine.sentence, question, names=("sentence",)) == "error"


def test_long_histories_huge_k_and_emoji_are_answered(engine):
    started = time.perf_counter()
    result = engine.answer(GOOD, history=["Tokayev ne dedi?"] * 100_000, k=10**9)
    assert isinstance(result, Answer)
    family = "Aile 👨\u200d👩\u200d👧 kaç anlaşma imzaladı?"  # the emoji joiner is text
    assert isinstance(engine.answer(family), Answer)
    assert time.perf_counter() - started < CALL_SECONDS


def test_public_answer_function_refuses_bad_arguments_before_loading(engine, monkeypatch):
    def no_default_engine():
        raise AssertionError("the default engine was loaded for a bad argument")

    monkeypatch.setattr(qa, "default_engine", no_default_engine)
    rng = random.Random(SEED + 2)
    for _ in range(CALLS_PER_ARGUMENT // 2):
        question, history, k = any_value(rng), bad_history(rng), bad_k(rng)
        assert outcome(f"qa.answer({question!r:.60})", qa.answer, question, names=("question",)) == "error"
        assert outcome(f"qa.answer(k={k!r})", qa.answer, GOOD, k=k, engine=engine, names=("k must",)) == "error"
        outcome(f"qa.answer(history={history!r:.60})", qa.answer, GOOD, history=history, engine=engine,
                names=("history",))
        wrong = rng.choice(WRONG_TYPES[1:])
        assert outcome(f"qa.answer(engine={wrong!r})", qa.answer, GOOD, engine=wrong, names=("engine",)) == "error"
    assert isinstance(qa.answer(GOOD, engine=engine), Answer)


def test_engine_constructor_refuses_bad_arguments(engine, tmp_path):
    rng = random.Random(SEED + 3)
    corpus, index = engine.corpus, tmp_path / "index"
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("Bir cümle.", encoding="utf-8")
    paths = [lambda: rng.choice(WRONG_TYPES[1:]), lambda: "", lambda: "bad\x00name",
             lambda: str(tmp_path / random_bytes(rng, 8).replace(b"/", b"_").decode("utf-8", "surrogateescape")),
             lambda: str(tmp_path / "missing" / "nothing.txt")]
    arguments = {
        "corpus": ([*paths, lambda: [], lambda: [corpus[0], rng.choice(WRONG_TYPES[1:])]], ("corpus", "not found")),
        "index_dir": ([*paths[:4], lambda: a_file, lambda: a_file / "sub"], ("index_dir",)),
        "model": ([lambda: rng.choice([5, [], b"x", {}, 3.5])], ("model",)),
        "query_prompt": ([lambda: rng.choice([5, [], b"x"])], ("query_prompt",)),
        "auto_build": ([lambda: rng.choice(["yes", 1, [], b"x"])], ("auto_build",)),
        "load": ([lambda: rng.choice(["no", 0, None])], ("load",)),
        "encoder": ([lambda: rng.choice([5, "usem3", [], object()])], ("encoder",)),
        "models": ([lambda: rng.choice([5, b"x"]), lambda: tmp_path / "no-models.json"], ("models",)),
    }
    for name, (makers, names) in arguments.items():
        for _ in range(CALLS_PER_ARGUMENT // 4):
            value = rng.choice(makers)()
            kwargs = {"corpus": corpus, "index_dir": index, "load": False, name: value}
            assert outcome(f"Engine({name}={value!r:.80})", Engine, names=names, **kwargs) == "error"


def test_evaluate_refuses_bad_arguments(engine):
    rng = random.Random(SEED + 4)
    goldens = [5, None, b"x", {"question": "a"}, [None], [5], ["a"], "missing.jsonl", "bad\x00.jsonl"]
    for golden in goldens:
        assert outcome(f"evaluate({golden!r:.60})", evaluate, golden, engine) == "error"
    for _ in range(5):  # a bad question in a pair fails that pair, not the run
        question = bad_text(rng)
        report = evaluate([{"question": question, "answer_any": ["15"]}], engine)
        assert "question" in report.results[0].error, (question, report.results[0].error)
    pairs = [{"question": GOOD, "answer_any": ["15"]}]
    for _ in range(10):
        k, wrong = bad_k(rng), rng.choice(WRONG_TYPES[1:])
        assert outcome(f"evaluate(k={k!r})", evaluate, pairs, engine, k=k, names=("k must",)) == "error"
        assert outcome(f"evaluate(engine={wrong!r:.40})", evaluate, pairs, wrong, names=("engine",)) == "error"
        thresholds = rng.choice([5, "x", b"x", ["x"], {"nope": 1}, {"answer_accuracy": "x"}, {"hit@1": 7}])
        assert outcome(f"evaluate(thresholds={thresholds!r})", evaluate, pairs, engine,
                       thresholds=thresholds) == "error"
    assert evaluate(pairs, engine).results  # and a good call still runs


# -- the CLI ------------------------------------------------------------------------------------


def cli_cases(rng: random.Random, a_file: Path, missing: Path) -> list[list[str | bytes]]:
    """``qa`` command lines with one bad argument each; none gets as far as loading a model."""
    def bad() -> bytes:  # undecodable bytes, or a control character among UTF-8 ones
        if rng.random() < 0.7:
            return random_bytes(rng, 20)
        return "Kaç".encode() + rng.choice(CONTROLS).encode("utf-8") + b" soru?"

    templates: list[Callable[[], list[str | bytes]]] = [
        lambda: ["ask", bad()],
        lambda: ["ask", GOOD, "--history", bad()],
        lambda: ["ask", GOOD, "--history", bad() + b" => cevap"],
        lambda: ["ask", GOOD, "-k", rng.choice([b"0", b"-1", b"x", b"1.5", b"", bad()])],
        lambda: ["ask", GOOD, "--corpus", b"/nonexistent/" + bad().replace(b"/", b"_")],
        lambda: ["ask", GOOD, "--index", str(a_file)],
        lambda: ["index", "build", "--out", rng.choice([str(a_file), str(a_file / "sub")])],
        lambda: ["index", "build", rng.choice([str(missing), b"/tmp/" + bad().replace(b"/", b"_")])],
        lambda: ["index", "verify", "--index", str(a_file)],
        lambda: ["eval", b"golden-" + bad().replace(b"/", b"_") + b".jsonl"],
        lambda: ["chat", "--port", rng.choice(["-1", "70000", "x", ""])],
    ]
    return [templates[i % len(templates)]() for i in range(CLI_CASES)]


def test_cli_prints_one_line_for_bad_arguments(tmp_path):
    rng = random.Random(SEED + 5)
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("Bir cümle.", encoding="utf-8")
    env = os.environ | {"HF_HUB_OFFLINE": "1", "QA_INDEX_DIR": str(tmp_path / "index")}
    env.pop("QA_DEBUG", None)
    failures = []

    def run_cli(argv):
        try:
            return subprocess.run([sys.executable, "-m", "qa.cli", *argv], capture_output=True, cwd=ROOT, env=env,
                                  timeout=CLI_SECONDS)
        except subprocess.TimeoutExpired:
            return None

    cases = list(cli_cases(rng, a_file, tmp_path / "missing.txt"))
    # Three at a time: each process mostly waits on imports and the disk.
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(run_cli, cases))
    for argv, run in zip(cases, runs, strict=True):
        if run is None:
            failures.append(f"{argv!r}: still running after {CLI_SECONDS} s")
            continue
        stderr = run.stderr.decode("utf-8", "replace")
        lines = stderr.splitlines()
        if run.returncode != 2 or len(lines) != 1 or "Traceback" in stderr or run.stdout:
            failures.append(f"{argv!r}: exit {run.returncode}, stderr {stderr!r:.400}, stdout {run.stdout!r:.100}")
        elif not lines[0].startswith("qa"):
            failures.append(f"{argv!r}: {lines[0]!r} does not say it is qa's")
    assert not failures, "\n".join(failures)
