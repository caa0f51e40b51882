"""SQuAD-format benchmarks (SQuAD v1.1 / v2.0, XQuAD): ``qa eval --squad FILE.json``.

Each article of the file is written as one text file (its title as the heading line,
its paragraphs separated by blank lines), indexed, and asked its questions. The
measures (see :data:`METRICS`):

- ``cite@1``: a gold answer span lies inside the first cited sentence (article indexed alone);
- ``answered``: answerable questions not abstained;
- ``f1`` / ``em``: SQuAD token F1 and exact match of ``Answer.fact`` with Turkish normalisation;
- ``impossible_refused``: SQuAD v2 questions marked ``is_impossible`` that were abstained;
- ``en_cite@1``: ``cite@1`` with the parallel English questions (``questions_from``);
- ``swap_abstained``: article i's questions asked of article i+1, abstained (``swap``);
- ``corpus_cite@1``: ``cite@1`` with every selected article in one index (``corpus_mode``);
- ``p50_ms`` / ``p95_ms``: wall time of ``engine.answer`` in the main pass.

The core is pure and needs no model: :func:`load_squad`, :func:`article_text`,
:func:`normalize_answer`, :func:`token_f1`, :func:`exact_match`, :func:`span_in_citation`,
:func:`judge`, :func:`summarize`, :func:`parse_articles`, :func:`parse_thresholds`.
:func:`evaluate_squad` runs a file through engines; :func:`run_cli` is ``qa eval --squad``.
"""

from __future__ import annotations

import contextlib
import difflib
import html
import json
import math
import os
import re
import string
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.analysis import casefold_tr
from qa.engine import QAError
from qa.evaluate import percentile

#: every measure, in display order, with what it means.
METRICS: dict[str, str] = {
    "cite@1": "a gold span inside the first cited sentence (article alone)",
    "answered": "answerable questions not abstained",
    "f1": "token F1 of the short answer (Answer.fact)",
    "em": "exact match of the short answer",
    "impossible_refused": "impossible questions abstained (SQuAD v2)",
    "en_cite@1": "cite@1 with the English question (--questions-from)",
    "swap_abstained": "questions asked of another article, abstained (--swap)",
    "corpus_cite@1": "cite@1 with all articles in one index (--corpus-mode)",
    "p50_ms": "median answer time, main pass",
    "p95_ms": "95th percentile answer time, main pass",
}
#: measures whose thresholds are maxima (all others are minima).
LATENCY_METRICS = frozenset({"p50_ms", "p95_ms"})
#: float noise allowed when comparing a measure with a threshold.
EPSILON = 1e-9
BOM = "\ufeff"
_APOSTROPHES = "'’"
_PUNCTUATION = frozenset(string.punctuation)
_LEADING = string.punctuation + "‘’“”«»„"


class SquadError(QAError):
    """A missing, unreadable or malformed SQuAD file, or a bad option for it."""


# -- the file ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldSpan:
    """A gold answer and its character offset in the written article file."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    answers: tuple[GoldSpan, ...] = ()
    #: SQuAD v2 ``is_impossible``: the article does not hold the answer.
    impossible: bool = False


@dataclass
class SquadArticle:
    """One ``data[]`` entry: its title (underscores as spaces), paragraphs and questions."""

    index: int
    title: str
    contexts: list[str]
    questions: list[SquadQuestion]

    @property
    def text(self) -> str:
        return article_text(self.title, self.contexts)

    @property
    def filename(self) -> str:
        slug = re.sub(r"\W+", "-", self.title).strip("-") or "article"
        return f"{self.index:03d}-{slug}.txt"

    @property
    def answerable(self) -> list[SquadQuestion]:
        return [q for q in self.questions if not q.impossible]


def article_text(title: str, contexts: Sequence[str]) -> str:
    """The article file: the title line, a blank line, the paragraphs separated by blank lines."""
    return f"{title}\n\n" + "\n\n".join(contexts) + "\n"


def _context_offsets(title: str, contexts: Sequence[str]) -> list[int]:
    """Where each paragraph starts in :func:`article_text`."""
    offsets, position = [], len(title) + 2
    for context in contexts:
        offsets.append(position)
        position += len(context) + 2
    return offsets


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SquadError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise SquadError(f"{path} is a directory, expected a SQuAD JSON file") from None
    except UnicodeDecodeError as exc:
        raise SquadError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SquadError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw.lstrip(BOM))
    except json.JSONDecodeError as exc:
        raise SquadError(f"{path} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def _field(record: object, key: str, kind: type | tuple[type, ...], where: str, path: Path) -> Any:
    """``record[key]`` checked to be of ``kind``, or a SquadError naming the file and the place."""
    if not isinstance(record, dict):
        raise SquadError(f"{path}: not a SQuAD file: {where} is not an object")
    value = record.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise SquadError(f"{path}: not a SQuAD file: {where} needs {key!r} ({names})")
    return value


def load_squad(path: str | Path) -> list[SquadArticle]:
    """Read a SQuAD v1.1/v2.0 file; gold offsets are moved into the article file's text.

    A leading BOM of a paragraph is dropped (and the offsets shifted). Raises
    :class:`SquadError` (a :class:`~qa.engine.QAError`) naming the file when it is
    missing, not JSON, or not SQuAD-shaped.
    """
    path = Path(path)
    data = _field(_read_json(path), "data", list, "the top level", path)
    if not data:
        raise SquadError(f"{path}: not a SQuAD file: 'data' is empty")
    articles, seen = [], set()
    for a, entry in enumerate(data):
        where = f"data[{a}]"
        title = str(_field(entry, "title", (str, int, float), where, path)).replace("_", " ").strip()
        paragraphs = _field(entry, "paragraphs", list, where, path)
        contexts, questions = [], []
        for p, paragraph in enumerate(paragraphs):
            context = _field(paragraph, "context", str, f"{where}.paragraphs[{p}]", path)
            contexts.append(context.lstrip(BOM))
            shift = len(context) - len(contexts[-1])
            qas = _field(paragraph, "qas", list, f"{where}.paragraphs[{p}]", path)
            for n, qa in enumerate(qas):
                question = _parse_question(qa, f"{where}.paragraphs[{p}].qas[{n}]", path, shift)
                if question.id in seen:
                    raise SquadError(f"{path}: question id {question.id!r} appears twice")
                seen.add(question.id)
                questions.append((p, question))
        if not contexts:
            raise SquadError(f"{path}: not a SQuAD file: {where} has no paragraphs")
        offsets = _context_offsets(title, contexts)
        moved = [_moved(q, offsets[p]) for p, q in questions]
        articles.append(SquadArticle(a, title, contexts, moved))
    return articles


def _parse_question(qa: object, where: str, path: Path, shift: int) -> SquadQuestion:
    """One ``qas`` entry, offsets relative to its paragraph (less a dropped BOM)."""
    qid = str(_field(qa, "id", (str, int), where, path))
    text = _field(qa, "question", str, where, path)
    impossible = bool(qa.get("is_impossible", False))
    answers = []
    if not impossible:
        for n, answer in enumerate(_field(qa, "answers", list, where, path)):
            start = _field(answer, "answer_start", int, f"{where}.answers[{n}]", path)
            gold = _field(answer, "text", str, f"{where}.answers[{n}]", path)
            answers.append(GoldSpan(gold, max(0, start - shift)))
        if not answers:
            raise SquadError(f"{path}: question {qid!r} ({where}) has no answers and is not marked is_impossible")
    return SquadQuestion(qid, text, tuple(answers), impossible)


def _moved(question: SquadQuestion, offset: int) -> SquadQuestion:
    spans = tuple(GoldSpan(g.text, g.start + offset) for g in question.answers)
    return SquadQuestion(question.id, question.question, spans, question.impossible)


def check_spans(article: SquadArticle, text: str | None = None) -> None:
    """Raise SquadError unless every gold answer is exactly ``text[start:end]``."""
    text = article.text if text is None else text
    for question in article.questions:
        for gold in question.answers:
            found = text[gold.start:gold.end]
            if found != gold.text:
                raise SquadError(
                    f"question {question.id!r} of article {article.index} ({article.title}): the answer "
                    f"{gold.text!r} is not at its answer_start (the text there is {found!r})"
                )


def write_article(article: SquadArticle, folder: str | Path) -> Path:
    """Write the article's file into ``folder`` (checking every gold offset); returns its path."""
    text = article.text
    check_spans(article, text)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / article.filename
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return target


def parse_articles(spec: str | Iterable[int] | None, count: int) -> list[int]:
    """``"0-3"``, ``"0,5,7"``, ``"0-2,9"`` (inclusive ranges of ``data[]`` indices) -> sorted indices."""
    if spec is None:
        return list(range(count))
    if not isinstance(spec, str):
        chosen = set(spec)
    else:
        chosen = set()
        for part in spec.split(","):
            match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
            if not match:
                raise SquadError(f"--articles {spec!r}: write indices and ranges, e.g. 0-3 or 0,5,7")
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) is not None else low
            if high < low:
                raise SquadError(f"--articles {spec!r}: the range {part.strip()} runs backwards")
            chosen.update(range(low, high + 1))
    outside = sorted(i for i in chosen if not 0 <= i < count)
    if outside:
        raise SquadError(f"--articles {spec!r}: no article {outside[0]} (the file has {count}, 0-{count - 1})")
    if not chosen:
        raise SquadError(f"--articles {spec!r} selects no article")
    return sorted(chosen)


def english_questions(path: str | Path, articles: Iterable[SquadArticle]) -> dict[str, str]:
    """The questions of ``path`` (the parallel file) by id; every id of ``articles`` must be there."""
    by_id = {q.id: q.question for a in load_squad(path) for q in a.questions}
    for article in articles:
        for question in article.questions:
            if question.id not in by_id:
                raise SquadError(f"{path}: no question with id {question.id!r} (of article {article.index}, "
                                 f"{article.title}); --questions-from needs the same ids")
    return by_id


# -- scoring (pure) ------------------------------------------------------------------------------


def _token(word: str) -> str:
    """One word: outer punctuation, an apostrophe suffix ("1985'te"), then inner punctuation dropped."""
    word = word.lstrip(_LEADING)
    for mark in _APOSTROPHES:
        word = word.partition(mark)[0]
    return "".join(c for c in word if c not in _PUNCTUATION and not unicodedata.category(c).startswith("P"))


def normalize_answer(text: str) -> str:
    """Turkish casefold (İ->i, I->ı), apostrophe suffixes and punctuation dropped, spaces collapsed."""
    tokens = (_token(w) for w in casefold_tr(text).split())
    return " ".join(t for t in tokens if t)


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 after :func:`normalize_answer` (1.0 when both are empty)."""
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if not common:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the two are equal after :func:`normalize_answer`."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def _same_file(a: str | Path, b: str | Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def span_in_citation(citation: Any, source: str | Path, start: int, end: int) -> bool:
    """Whether ``citation`` (``.source``, ``.start``, ``.end``) covers ``[start, end)`` of ``source``."""
    return _same_file(citation.source, source) and citation.start <= start and end <= citation.end


@dataclass
class Outcome:
    """One answer to one question, judged against the gold spans."""

    abstained: bool
    fact: str = ""
    #: the first cited sentence, its file name, and whether a gold span lies inside it.
    cited: str = ""
    cited_file: str = ""
    hit: bool = False
    f1: float = 0.0
    em: float = 0.0
    ms: float = 0.0
    error: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def judge(question: SquadQuestion, answer: Any, source: str | Path, ms: float = 0.0, error: str = "") -> Outcome:
    """Score ``answer`` (an :class:`~qa.types.Answer`, or None after an error) for ``question``.

    ``source`` is the file that holds the question's article. Abstaining (or an
    error) scores 0 on every answerable measure.
    """
    if answer is None:
        return Outcome(abstained=True, ms=ms, error=error)
    first = answer.citations[0] if answer.citations else None
    outcome = Outcome(abstained=bool(answer.abstained), fact=answer.fact or "", ms=ms,
                      cited=first.text if first else "", cited_file=Path(first.source).name if first else "")
    if outcome.abstained or not question.answers:
        return outcome
    outcome.hit = first is not None and any(span_in_citation(first, source, g.start, g.end) for g in question.answers)
    outcome.f1 = max(token_f1(outcome.fact, g.text) for g in question.answers)
    outcome.em = max(exact_match(outcome.fact, g.text) for g in question.answers)
    return outcome


@dataclass
class QuestionRecord:
    """A question and its outcomes: the main pass, and the English, swapped and corpus passes run."""

    id: str
    article: int
    title: str
    question: str
    gold: list[str]
    impossible: bool
    main: Outcome
    en: Outcome | None = None
    en_question: str = ""
    swap: Outcome | None = None
    swap_article: int | None = None
    corpus: Outcome | None = None

    def to_dict(self) -> dict:
        data = {"id": self.id, "article": self.article, "title": self.title, "question": self.question,
                "gold": list(self.gold), "impossible": self.impossible, **self.main.to_dict()}
        if self.en is not None:
            data["en"] = {"question": self.en_question, **self.en.to_dict()}
        if self.swap is not None:
            data["swap"] = {"asked_of": self.swap_article, **self.swap.to_dict()}
        if self.corpus is not None:
            data["corpus"] = self.corpus.to_dict()
        return data


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def summarize(records: Sequence[QuestionRecord]) -> dict[str, float | None]:
    """Every measure of :data:`METRICS`; ``None`` where the pass was not run or nothing applies."""
    answerable = [r for r in records if not r.impossible]
    english = [r.en for r in answerable if r.en is not None]
    swapped = [r.swap for r in records if r.swap is not None]
    corpus = [r.corpus for r in answerable if r.corpus is not None]
    latencies = [r.main.ms for r in records]
    return {
        "cite@1": _share([r.main.hit for r in answerable]),
        "answered": _share([not r.main.abstained for r in answerable]),
        "f1": _share([r.main.f1 for r in answerable]),
        "em": _share([r.main.em for r in answerable]),
        "impossible_refused": _share([r.main.abstained for r in records if r.impossible]),
        "en_cite@1": _share([o.hit for o in english]),
        "swap_abstained": _share([o.abstained for o in swapped]),
        "corpus_cite@1": _share([o.hit for o in corpus]),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
    }


# -- thresholds --------------------------------------------------------------------------------


def parse_thresholds(specs: Iterable[str]) -> dict[str, float]:
    """``["cite@1=0.8", "p95_ms=50"]`` -> ``{"cite@1": 0.8, "p95_ms": 50.0}``."""
    result: dict[str, float] = {}
    for spec in specs:
        metric, sep, raw = (part.strip() for part in spec.partition("="))
        if not sep or not metric or not raw:
            raise SquadError(f"--threshold {spec!r}: write METRIC=VALUE, e.g. cite@1=0.8")
        if metric not in METRICS:
            close = difflib.get_close_matches(metric, METRICS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(METRICS)})"
            raise SquadError(f"--threshold {spec!r}: unknown measure {metric!r}{hint}")
        try:
            number = float(raw)
        except ValueError:
            raise SquadError(f"--threshold {spec!r}: {raw!r} is not a number") from None
        if not math.isfinite(number) or number < 0 or (metric not in LATENCY_METRICS and number > 1):
            kind = "a time in ms, at least 0" if metric in LATENCY_METRICS else "a share between 0 and 1"
            raise SquadError(f"--threshold {spec!r}: {metric} is {kind}")
        result[metric] = number
    return result


def check_thresholds(metrics: Mapping[str, float | None], thresholds: Mapping[str, float]) -> list[dict]:
    """The thresholds missed: latencies are maxima, the rest minima; a measure not taken misses."""
    failed = []
    for metric, threshold in thresholds.items():
        value = metrics.get(metric)
        maximum = metric in LATENCY_METRICS
        if value is None or (value > threshold + EPSILON if maximum else value < threshold - EPSILON):
            failed.append({"metric": metric, "value": value, "threshold": threshold,
                           "direction": "max" if maximum else "min"})
    return failed


# -- the report --------------------------------------------------------------------------------


@dataclass
class SquadReport:
    """A run over a SQuAD file: the measures, per-question records and the threshold verdict."""

    source: str
    metrics: dict[str, float | None]
    records: list[QuestionRecord]
    articles: list[int] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)
    failed_thresholds: list[dict] = field(default_factory=list)
    questions_from: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed_thresholds

    @property
    def counts(self) -> dict[str, int]:
        return {
            "articles": len(self.articles),
            "questions": len(self.records),
            "answerable": sum(not r.impossible for r in self.records),
            "impossible": sum(r.impossible for r in self.records),
            "errors": sum(bool(o.error) for r in self.records for o in (r.main, r.en, r.swap, r.corpus) if o),
        }

    def with_thresholds(self, thresholds: Mapping[str, float]) -> SquadReport:
        """This report judged against ``thresholds``."""
        self.thresholds = dict(thresholds)
        self.failed_thresholds = check_thresholds(self.metrics, self.thresholds)
        return self

    def to_dict(self, records: bool = True) -> dict:
        data = {
            "squad": self.source,
            "questions_from": self.questions_from or None,
            "articles": list(self.articles),
            "ok": self.ok,
            "metrics": dict(self.metrics),
            "counts": self.counts,
            "thresholds": dict(self.thresholds),
            "failed_thresholds": list(self.failed_thresholds),
            "seconds": round(self.seconds, 1),
        }
        if records:
            data["records"] = [r.to_dict() for r in self.records]
        return data

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """(measure, value, threshold, status, meaning) for every measure taken or thresholded."""
        failed = {f["metric"] for f in self.failed_thresholds}
        rows = []
        for metric, meaning in METRICS.items():
            value = self.metrics.get(metric)
            if value is None and metric not in self.thresholds:
                continue
            threshold = self.thresholds.get(metric)
            sign = "<=" if metric in LATENCY_METRICS else ">="
            limit = "" if threshold is None else f"{sign} {_fmt(metric, threshold)}"
            status = "" if threshold is None else ("FAIL" if metric in failed else "ok")
            rows.append((metric, _fmt(metric, value), limit, status, meaning))
        return rows

    def headline(self) -> str:
        c = self.counts
        extra = f", {c['impossible']} impossible" if c["impossible"] else ""
        errors = f", {c['errors']} engine errors" if c["errors"] else ""
        return (f"{Path(self.source).name}: {c['articles']} article(s), {c['questions']} questions "
                f"({c['answerable']} answerable{extra}){errors}, {self.seconds:.0f} s")

    def verdict(self) -> str:
        if self.ok:
            return "OK: all thresholds hold" if self.thresholds else ""
        return "FAILED: " + "; ".join(
            f"{f['metric']} {_fmt(f['metric'], f['value'])} {'>' if f['direction'] == 'max' else '<'} "
            f"{_fmt(f['metric'], f['threshold'])}" if f["value"] is not None else f"{f['metric']} not measured"
            for f in self.failed_thresholds)

    def __str__(self) -> str:
        rows = [("measure", "value", "threshold", "status", "meaning"), *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [self.headline(), ""]
        for n, row in enumerate(rows):
            value = row[1].rjust(widths[1]) if n else row[1].ljust(widths[1])
            lines.append(f"{row[0]:<{widths[0]}}  {value}  {row[2]:<{widths[2]}}  {row[3]:<{widths[3]}}  {row[4]}")
        verdict = self.verdict()
        return "\n".join([*lines, *(["", verdict] if verdict else [])])

    def _repr_html_(self) -> str:
        esc = html.escape
        body = "".join(f"<tr><td><code>{esc(m)}</code></td><td style='text-align:right'>{esc(v)}</td>"
                       f"<td>{esc(t)}</td><td>{esc(s)}</td><td>{esc(w)}</td></tr>" for m, v, t, s, w in self.rows())
        verdict = self.verdict()
        return (f"<div><p><b>{esc(self.headline())}</b></p><table><tr><th>measure</th><th>value</th>"
                f"<th>threshold</th><th>status</th><th>meaning</th></tr>{body}</table>"
                f"{f'<p>{esc(verdict)}</p>' if verdict else ''}</div>")


def _fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}" if metric in LATENCY_METRICS else f"{value:.3f}"


# -- running -----------------------------------------------------------------------------------

#: builds an engine: (corpus paths, index folder, shared encoder or None) -> an object with ``answer``.
EngineFactory = Callable[[list[Path], Path, Any], Any]


def default_engine(corpus: list[Path], index_dir: Path, encoder: Any) -> Any:
    """A real :class:`~qa.engine.Engine` over ``corpus``, its index built into ``index_dir``."""
    from qa.engine import Engine

    return Engine(corpus=corpus, index_dir=index_dir, auto_build=True, encoder=encoder)


def ask(engine: Any, question: SquadQuestion, text: str, source: Path) -> Outcome:
    """Ask ``text`` (the question, or its translation) of ``engine`` and judge the answer, timed."""
    started = time.perf_counter()
    try:
        answer = engine.answer(text)
    except QAError as exc:
        return judge(question, None, source, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}")
    return judge(question, answer, source, (time.perf_counter() - started) * 1000)


@contextlib.contextmanager
def _workspace(workdir: str | Path | None) -> Iterator[Path]:
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        yield Path(workdir)
        return
    with tempfile.TemporaryDirectory(prefix="qa-squad-") as tmp:
        yield Path(tmp)


class _Engines:
    """Makes engines, loading the model once: the first engine's encoder is shared with the rest."""

    def __init__(self, factory: EngineFactory, encoder: Any, index_root: Path):
        self.factory, self.encoder, self.index_root = factory, encoder, index_root

    def make(self, corpus: list[Path], name: str) -> Any:
        engine = self.factory(corpus, self.index_root / name, self.encoder)
        if self.encoder is None:
            self.encoder = getattr(engine, "encoder", None)
        return engine


def evaluate_squad(
    path: str | Path,
    *,
    questions_from: str | Path | None = None,
    swap: bool = False,
    corpus_mode: bool = False,
    mix_with: Iterable[str | Path] = (),
    articles: str | Iterable[int] | None = None,
    progress: bool = True,
    workdir: str | Path | None = None,
    encoder: Any = None,
    engine_factory: EngineFactory | None = None,
) -> SquadReport:
    """Index each selected article of the SQuAD file ``path`` alone and ask its questions.

    ``questions_from`` (a parallel file, same ids) adds ``en_cite@1``; ``swap`` asks
    article i's questions of article i+1 (``swap_abstained``); ``corpus_mode`` asks
    every question of one index over all selected articles (``corpus_cite@1``), with the files and
    folders of ``mix_with`` indexed beside them (an archive to find the articles in); with
    one article selected there is nothing to swap with and ``swap_abstained`` is None.
    ``articles`` is a spec like ``"0-3"`` or indices. Files and indexes go to
    ``workdir`` (default: a temporary folder, removed afterwards). ``encoder`` is an
    already loaded model to share; ``engine_factory`` replaces the real engine (tests).
    For notebooks: ``report = evaluate_squad("xquad.tr.dev.json", articles="0-1")``.
    """
    from tqdm.auto import tqdm

    started = time.perf_counter()
    mix_with = [Path(p) for p in mix_with]
    for extra in mix_with:
        if not extra.exists():
            raise SquadError(f"--mix-with {extra} does not exist; name files or folders of articles")
    everything = load_squad(path)
    selected = [everything[i] for i in parse_articles(articles, len(everything))]
    english = english_questions(questions_from, selected) if questions_from else None
    swap = swap and len(selected) > 1
    total = sum(len(a.questions) * (1 + (english is not None) + swap) + corpus_mode * len(a.answerable)
                for a in selected)
    with _workspace(workdir) as root, tqdm(total=total, disable=not progress, unit="q", file=sys.stderr,
                                           dynamic_ncols=True) as bar:
        files = [write_article(a, root / "articles") for a in selected]  # bad offsets fail before the model
        engines = _Engines(engine_factory or default_engine, encoder, root / "index")
        records = _alone(selected, files, engines, english, swap, bar)
        if corpus_mode:
            _corpus(selected, files, records, engines.make([*files, *mix_with], "corpus"), bar)
    return SquadReport(str(path), summarize(records), records, [a.index for a in selected],
                       questions_from=str(questions_from or ""), seconds=time.perf_counter() - started)


def _alone(selected: list[SquadArticle], files: list[Path], engines: _Engines, english: dict[str, str] | None,
           swap: bool, bar: Any) -> list[QuestionRecord]:
    """The main pass (and the English and swapped ones): each article indexed alone.

    Article i-1's questions go to article i's engine as soon as it is built, and the
    last article's to the first engine, so only two engines are held at a time.
    """
    by_article: list[list[QuestionRecord]] = []
    first = None
    for n, (article, source) in enumerate(zip(selected, files, strict=True)):
        bar.set_description(f"article {n + 1}/{len(selected)}")
        engine = engines.make([source], source.stem)
        first = engine if first is None else first
        by_article.append(_ask_article(engine, article, source, english, bar))
        if swap and n > 0:
            _swap(by_article[-2], selected[n - 1], files[n - 1], engine, article.index, bar)
    if swap:
        _swap(by_article[-1], selected[-1], files[-1], first, selected[0].index, bar)
    return [record for records in by_article for record in records]


def _ask_article(engine: Any, article: SquadArticle, source: Path, english: dict[str, str] | None,
                 bar: Any) -> list[QuestionRecord]:
    """Every question of ``article`` asked of its own engine, and its English version when given."""
    records = []
    for q in article.questions:
        record = QuestionRecord(q.id, article.index, article.title, q.question, [g.text for g in q.answers],
                                q.impossible, ask(engine, q, q.question, source))
        if english is not None:
            record.en_question = english[q.id]
            record.en = ask(engine, q, record.en_question, source)
        records.append(record)
        bar.update(1 + (english is not None))
    return records


def _swap(records: list[QuestionRecord], article: SquadArticle, source: Path, engine: Any, other: int,
          bar: Any) -> None:
    """Ask ``article``'s questions of the engine of article ``other``: the answer is not there."""
    for record, question in zip(records, article.questions, strict=True):
        record.swap = ask(engine, question, question.question, source)
        record.swap_article = other
        bar.update(1)


def _corpus(selected: list[SquadArticle], files: list[Path], records: list[QuestionRecord], engine: Any,
            bar: Any) -> None:
    """Every answerable question asked of one index over all the articles; citing another article misses."""
    bar.set_description("all articles in one index")
    by_id = {r.id: r for r in records}
    for article, source in zip(selected, files, strict=True):
        for question in article.answerable:
            by_id[question.id].corpus = ask(engine, question, question.question, source)
            bar.update(1)


# -- the command -------------------------------------------------------------------------------


def write_json(report: SquadReport, target: str | Path) -> Path:
    """Write the JSON summary with the per-question records to ``target``."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise SquadError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


def run_cli(args: Any) -> int:
    """``qa eval --squad``: 0 when every threshold holds, 1 when one misses."""
    thresholds = parse_thresholds(getattr(args, "threshold", None) or [])
    report = evaluate_squad(args.squad, questions_from=args.questions_from, swap=args.swap,
                            corpus_mode=args.corpus_mode, mix_with=args.mix_with or (), articles=args.articles,
                            progress=not getattr(args, "quiet", False))
    report.with_thresholds(thresholds)
    if args.json:
        print(json.dumps(report.to_dict(records=False), ensure_ascii=False, indent=2))
    else:
        print(report)
    if args.out:
        written = write_json(report, args.out)
        print(f"wrote {written}", file=sys.stderr if args.json else sys.stdout)
    return 0 if report.ok else 1
