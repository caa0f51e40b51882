"""pytest integration for golden files (a pytest plugin, registered as ``qa_golden``).

Parametrize a test with the pairs of a golden file::

    import pytest
    from qa import answer
    from qa.testing import golden_params, assert_golden

    @pytest.mark.parametrize("pair", golden_params("tests/golden/seed.jsonl"))
    def test_golden(pair):
        assert_golden(pair, answer(pair.question, history=pair.history))

or let the plugin collect one test per pair, answered by the default engine::

    pytest --qa-golden tests/golden/seed.jsonl          # repeatable
    pytest --qa-golden tests/golden/seed.jsonl -k number  # tags are keywords

(or ``qa_golden = tests/golden/seed.jsonl`` under ``[pytest]`` / ``[tool.pytest.ini_options]``).

pytest imports this module at start-up in every run, so it imports nothing
heavy at module level: the evaluation core and the engine load on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from qa.evaluate import GoldenPair, SentenceLookup
    from qa.types import Answer

__all__ = ["assert_golden", "golden_pairs", "golden_params"]


def golden_pairs(path: str | Path) -> list[GoldenPair]:
    """The pairs of a golden file (JSON Lines or YAML)."""
    from qa.evaluate import load_golden

    return load_golden(path).pairs


def golden_params(path: str | Path, marks: Any = (), baseline: str | Path | None = None) -> list:
    """``pytest.param(pair, id=pair.id)`` for each pair of the golden file at ``path``.

    ``marks`` (a mark or a list of marks) is applied to every pair, e.g.
    ``golden_params(path, marks=pytest.mark.slow)``. With ``baseline`` (a file
    written by ``qa eval --save-baseline``), the pairs it lists as known
    failures are marked ``xfail``: the suite stays green on what already
    failed and turns red on any pair that newly fails. A malformed file fails
    collection with a message naming the file and line.
    """
    marks = list(marks) if isinstance(marks, (list, tuple)) else [marks]
    known: frozenset[str] = frozenset()
    if baseline is not None:
        from qa.evaluate import known_failures, load_baseline

        known = known_failures(load_baseline(baseline))
    return [
        pytest.param(pair, id=pair.id, marks=marks + (
            [pytest.mark.xfail(reason=f"known failure in {Path(baseline).name}", strict=False)]
            if pair.id in known else []))
        for pair in golden_pairs(path)
    ]


def _numbered_citations(answer: Answer) -> list[str]:
    if not answer.citations:
        return ["  (none)"]
    return [f"  [{n}] {c.text}  ({c.id})" for n, c in enumerate(answer.citations, 1)]


def failure_message(pair: GoldenPair, answer: Answer, reasons: list[str]) -> str:
    """The text of a failed golden pair: question, answer, numbered citations, expectation."""
    lines = [f"golden pair {pair.id!r} failed: {'; '.join(reasons)}"]
    if pair.location:
        lines.append(f"pair:      {pair.location}")
    lines.append(f"question:  {pair.question}")
    if pair.history:
        lines.append(f"history:   {' / '.join(pair.history)}")
    answer_text = "\n           ".join(answer.text.splitlines() or [""])
    lines.append(f"answer:    {'(abstained) ' if answer.abstained else ''}{answer_text}")
    if answer.abstained and answer.reason:
        lines.append(f"reason:    {answer.reason}")
    lines.append("citations:")
    lines += _numbered_citations(answer)
    lines.append(f"expected:  {pair.expectation()}")
    return "\n".join(lines)


def assert_golden(pair: GoldenPair, answer: Answer, sentence_text: SentenceLookup = None) -> None:
    """Raise AssertionError unless ``answer`` passes ``pair`` (see the README (golden files and ``qa eval``)).

    The message shows the question, the answer, its citations (numbered) and
    what was expected. ``sentence_text`` (optional) maps sentence ids to text;
    it only matters for retrieval metrics, never for pass/fail.
    """
    __tracebackhide__ = True
    from qa.evaluate import score_pair

    result = score_pair(pair, answer, sentence_text)
    if not result.passed:
        raise AssertionError(failure_message(pair, answer, result.reasons))


# -- the plugin ------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qa_golden", "grounded QA golden files")
    group.addoption("--qa-golden", action="append", default=[], metavar="FILE",
                    help="collect one test per pair of this golden file (.jsonl or .yaml), answered by "
                         "the default engine (repeatable)")
    parser.addini("qa_golden", type="paths", default=[],
                  help="golden files to collect one test per pair from, like --qa-golden")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "qa_golden: a test collected from a golden file by --qa-golden")
    files = _golden_files(config)
    config.stash[_FILES] = {p.resolve() for p in files}
    # The golden files join the paths to collect, so pytest_collect_file sees them
    # wherever they live; any other .jsonl/.yaml file is left alone.
    given = {Path(a.split("::")[0]).resolve() for a in config.args}
    config.args.extend(str(p) for p in files if p.resolve() not in given)


def _golden_files(config: pytest.Config) -> list[Path]:
    files = [Path(p) for p in config.getoption("qa_golden", default=None) or []]
    files += [Path(p) for p in config.getini("qa_golden") or []]
    unique: list[Path] = []
    for path in files:
        path = path if path.is_absolute() else Path(config.invocation_params.dir) / path
        if not path.is_file():
            raise pytest.UsageError(f"--qa-golden {path}: no such file")
        if path.resolve() not in {u.resolve() for u in unique}:
            unique.append(path)
    return unique


_FILES = pytest.StashKey[set]()


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    files = parent.config.stash.get(_FILES, None)
    if files and file_path.resolve() in files:
        return GoldenFile.from_parent(parent, path=file_path)
    return None


class GoldenFile(pytest.File):
    """A golden file named by ``--qa-golden``; its items are its pairs."""

    def collect(self):
        from qa.engine import QAError

        try:
            pairs = golden_pairs(self.path)
        except QAError as exc:
            raise self.CollectError(str(exc)) from None
        for pair in pairs:
            yield GoldenItem.from_parent(self, name=pair.id, pair=pair)


class GoldenItem(pytest.Item):
    """One golden pair, answered by the default engine and checked by :func:`assert_golden`."""

    def __init__(self, *, pair: GoldenPair, **kwargs: Any):
        super().__init__(**kwargs)
        self.pair = pair
        self.add_marker("qa_golden")
        self.extra_keyword_matches.update(pair.tags)

    def runtest(self) -> None:
        from qa import default_engine

        engine = default_engine()
        assert_golden(self.pair, engine.answer(self.pair.question, history=list(self.pair.history)))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        line = self.pair.location.rpartition(":")[2]
        return self.path, int(line) - 1 if line.isdigit() else None, f"golden pair {self.pair.id}"
