"""Evaluation against golden files: load pairs, score answers, summarise, compare.

The core is pure and needs no model: :func:`load_golden` reads a golden file,
:func:`score_pair` judges one :class:`~qa.types.Answer` against its pair,
:func:`summarize` turns the per-pair results into metrics,
:func:`check_thresholds` and :func:`compare_baseline` decide the outcome, and
:func:`render_table` / :func:`render_html` show it. :func:`evaluate` runs a
golden set through an engine (for notebooks and tests); :func:`run_cli` is
``qa eval``. The definitions of every metric are in the README (golden files and ``qa eval``).

Only light modules are imported here (no engine, no model): ``qa.testing``,
the pytest plugin, imports this module at collection time.
"""

from __future__ import annotations

import difflib
import html
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.analysis import casefold_tr
from qa.engine import QAError
from qa.errors import describe
from qa.query import check_k
from qa.types import Answer, Citation

# -- metrics, their directions and the default thresholds -----------------------------------

#: every metric :func:`summarize` reports, in display order.
METRICS = (
    "answer_accuracy",
    "answerable_accuracy",
    "false_refusal_rate",
    "abstention_precision",
    "abstention_recall",
    "hit@1",
    "hit@3",
    "mrr",
    "citation_recall",
    "citation_precision",
    "latency_p50_ms",
    "latency_p95_ms",
)
#: metrics where lower is better: their thresholds are maxima.
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"})
#: metrics that measure time, not quality: a baseline ignores them unless given a tolerance.
LATENCY_METRICS = frozenset({"latency_p50_ms", "latency_p95_ms"})

DEFAULT_THRESHOLDS: dict[str, float] = {
    "answer_accuracy": 0.90,
    "answerable_accuracy": 0.90,
    "citation_precision": 0.95,
    "citation_recall": 0.90,
    "abstention_recall": 0.80,
    "false_refusal_rate": 0.03,  # a maximum
    "hit@3": 0.90,
}
DEFAULT_TOLERANCE = 0.02
#: float noise allowed when comparing a metric with a threshold or baseline (5/6 vs 0.8333...).
EPSILON = 1e-9

PAIR_FIELDS = ("question", "id", "answer_any", "support_any", "unanswerable", "tags", "history")
_LIST_FIELDS = ("answer_any", "support_any", "tags", "history")
_YAML_SUFFIXES = (".yaml", ".yml")


class EvalError(QAError):
    """A bad threshold, baseline or golden set given to the evaluation."""


class GoldenFileError(EvalError):
    """A malformed golden file; the message starts with ``FILE:LINE:``."""


# -- golden pairs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldenPair:
    """One question with what a correct, grounded answer must contain."""

    question: str
    id: str
    answer_any: tuple[str, ...] = ()
    support_any: tuple[str, ...] = ()
    unanswerable: bool = False
    tags: tuple[str, ...] = ()
    history: list[str] = field(default_factory=list)
    #: where the pair was read from ("tests/golden/seed.jsonl:7"), for messages.
    location: str = ""

    @property
    def answerable(self) -> bool:
        return not self.unanswerable

    def expectation(self) -> str:
        """What a passing answer looks like, in words."""
        if self.unanswerable:
            return "an abstention (the article does not hold the answer)"
        parts = []
        if self.answer_any:
            parts.append(f"an answer containing any of {list(self.answer_any)}")
        else:
            parts.append("an answer (not an abstention)")
        if self.support_any:
            parts.append(f"a cited sentence containing any of {list(self.support_any)}")
        return "; ".join(parts)

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "question": self.question}
        if self.history:
            data["history"] = list(self.history)
        if self.unanswerable:
            data["unanswerable"] = True
        if self.answer_any:
            data["answer_any"] = list(self.answer_any)
        if self.support_any:
            data["support_any"] = list(self.support_any)
        if self.tags:
            data["tags"] = list(self.tags)
        return data


@dataclass
class GoldenSet:
    """The pairs of a golden file and the thresholds it carries."""

    pairs: list[GoldenPair]
    thresholds: dict[str, float | None] = field(default_factory=dict)
    path: str = ""

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


def load_golden(path: str | Path) -> GoldenSet:
    """Read a golden file: JSON Lines, or YAML for ``.yaml``/``.yml``.

    Raises :class:`GoldenFileError` (a :class:`~qa.engine.QAError`) naming the
    file and line of the first problem.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GoldenFileError(f"{name}: golden file not found") from None
    except IsADirectoryError:
        raise GoldenFileError(f"{name}: is a folder; give a golden file (.jsonl or .yaml)") from None
    except UnicodeDecodeError as exc:
        raise GoldenFileError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise GoldenFileError(f"{name}: cannot read the golden file: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the name
        raise GoldenFileError(f"{describe(name)}: cannot read the golden file: {exc}") from None
    if path.suffix.lower() in _YAML_SUFFIXES:
        golden = _parse_yaml(text, name)
    else:
        golden = _parse_jsonl(text, name)
    golden.path = name
    return golden


def pairs_from(records: Iterable[Mapping | GoldenPair], source: str = "<pairs>") -> GoldenSet:
    """A golden set from in-memory pairs (mappings with the golden file's fields)."""
    pairs = []
    for n, record in enumerate(records, 1):
        if isinstance(record, GoldenPair):
            pairs.append(record)
        else:
            pairs.append(_parse_pair(record, f"{source}:{n}", f"pair-{n}"))
    _check_unique(pairs)
    if not pairs:
        raise GoldenFileError(f"{source}: no pairs")
    return GoldenSet(pairs, {}, source)


def _parse_jsonl(text: str, name: str) -> GoldenSet:
    pairs: list[GoldenPair] = []
    thresholds: dict[str, float | None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldenFileError(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(record, dict):
            raise GoldenFileError(f"{where}: each line must be a JSON object, got {_type_name(record)}")
        if "thresholds" in record:
            if len(record) != 1:
                raise GoldenFileError(f"{where}: a thresholds line holds 'thresholds' alone, "
                                      "not fields of a pair")
            thresholds.update(parse_thresholds(record["thresholds"], where))
            continue
        pairs.append(_parse_pair(record, where, f"line-{number}"))
    if not pairs:
        raise GoldenFileError(f"{name}: no pairs; write one JSON object per line with at least a 'question'")
    _check_unique(pairs)
    return GoldenSet(pairs, thresholds)


def _parse_yaml(text: str, name: str) -> GoldenSet:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise GoldenFileError(f"{name}{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise GoldenFileError(f"{name}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()

    def line_of(n: Any) -> int:
        return n.start_mark.line + 1

    thresholds: dict[str, float | None] = {}
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"pairs", "thresholds"}, key=str)
        if unknown:
            raise GoldenFileError(f"{name}:{_yaml_key_line(node, unknown[0]) or 1}: unknown top-level key "
                                  f"{unknown[0]!r}; a YAML golden file is a list of pairs or a mapping "
                                  "with 'pairs' and 'thresholds'")
        if "thresholds" in data:
            thresholds = parse_thresholds(data["thresholds"],
                                          f"{name}:{_yaml_key_line(node, 'thresholds') or 1}")
        items = data.get("pairs")
        items_node = _yaml_value_node(node, "pairs")
        if not isinstance(items, list):
            where = f"{name}:{_yaml_key_line(node, 'pairs') or 1}"
            raise GoldenFileError(f"{where}: 'pairs' must be a list of pairs, got {_type_name(items)}")
    elif isinstance(data, list):
        items, items_node = data, node
    else:
        raise GoldenFileError(f"{name}: a YAML golden file is a list of pairs or a mapping with 'pairs', "
                              f"got {_type_name(data)}")
    pairs = []
    for index, item in enumerate(items):
        item_node = items_node.value[index] if items_node is not None else None
        line = line_of(item_node) if item_node is not None else None
        where = f"{name}:{line}" if line else f"{name}: pair {index + 1}"
        field_lines = {}
        if item_node is not None and hasattr(item_node, "value") and isinstance(item_node.value, list):
            field_lines = {k.value: line_of(k) for k, _ in item_node.value if hasattr(k, "value")}
        pairs.append(_parse_pair(item, where, f"line-{line}" if line else f"pair-{index + 1}",
                                 {k: f"{name}:{v}" for k, v in field_lines.items() if isinstance(k, str)}))
    if not pairs:
        raise GoldenFileError(f"{name}: no pairs")
    _check_unique(pairs)
    return GoldenSet(pairs, thresholds)


def _yaml_value_node(node: Any, key: str) -> Any:
    for k, v in getattr(node, "value", []):
        if getattr(k, "value", None) == key:
            return v
    return None


def _yaml_key_line(node: Any, key: str) -> int | None:
    for k, _ in getattr(node, "value", []):
        if getattr(k, "value", None) == key:
            return k.start_mark.line + 1
    return None


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "object", list: "list", str: "str", bool: "bool", int: "int", float: "float"}.get(
        type(value), type(value).__name__)


def _parse_pair(record: object, where: str, default_id: str,
                field_where: Mapping[str, str] | None = None) -> GoldenPair:
    field_where = field_where or {}

    def fail(name: str | None, message: str) -> GoldenFileError:
        return GoldenFileError(f"{field_where.get(name, where) if name else where}: {message}")

    if not isinstance(record, Mapping):
        raise fail(None, f"a pair must be a mapping of fields, got {_type_name(record)}")
    for key in record:
        if key not in PAIR_FIELDS:
            close = difflib.get_close_matches(str(key), PAIR_FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(PAIR_FIELDS)})"
            raise fail(key if isinstance(key, str) else None, f"unknown field {key!r}{hint}")
    if "question" not in record:
        raise fail(None, "missing required field 'question'")
    question = record["question"]
    if not isinstance(question, str):
        raise fail("question", f"'question' must be a string, got {_type_name(question)}")
    if not question.strip():
        raise fail("question", "'question' is empty")
    pair_id = record.get("id", default_id)
    if not isinstance(pair_id, str):
        raise fail("id", f"'id' must be a string, got {_type_name(pair_id)}")
    if not pair_id.strip():
        raise fail("id", "'id' is empty")
    lists: dict[str, list[str]] = {}
    for name in _LIST_FIELDS:
        value = record.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            got = _type_name(value) if not isinstance(value, list) else "a list holding " + ", ".join(
                sorted({_type_name(v) for v in value if not isinstance(v, str)}))
            raise fail(name, f"{name!r} must be a list of strings, got {got}")
        if name in ("answer_any", "support_any") and any(not v.strip() for v in value):
            raise fail(name, f"{name!r} holds an empty string, which every answer would contain")
        lists[name] = value
    unanswerable = record.get("unanswerable", False)
    if unanswerable is None:
        unanswerable = False
    if not isinstance(unanswerable, bool):
        raise fail("unanswerable", f"'unanswerable' must be true or false, got {_type_name(unanswerable)}")
    if unanswerable and (lists["answer_any"] or lists["support_any"]):
        name = "answer_any" if lists["answer_any"] else "support_any"
        raise fail(name, f"an unanswerable pair cannot have {name!r}: it expects an abstention")
    return GoldenPair(
        question=question,
        id=pair_id,
        answer_any=tuple(lists["answer_any"]),
        support_any=tuple(lists["support_any"]),
        unanswerable=unanswerable,
        tags=tuple(lists["tags"]),
        history=list(lists["history"]),
        location=where,
    )


def _check_unique(pairs: list[GoldenPair]) -> None:
    seen: dict[str, GoldenPair] = {}
    for pair in pairs:
        if pair.id in seen:
            first = seen[pair.id].location
            raise GoldenFileError(f"{pair.location}: duplicate id {pair.id!r} (first at {first})")
        seen[pair.id] = pair


# -- thresholds ------------------------------------------------------------------------------


def parse_thresholds(value: object, where: str) -> dict[str, float | None]:
    """Validate a ``{"metric": number or null}`` mapping (null switches a threshold off)."""
    if not isinstance(value, Mapping):
        raise GoldenFileError(f"{where}: 'thresholds' must be a mapping of metric to number, "
                              f"got {_type_name(value)}")
    result: dict[str, float | None] = {}
    for metric, number in value.items():
        _check_metric(metric, where, GoldenFileError)
        if number is None:
            result[metric] = None
            continue
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise GoldenFileError(f"{where}: threshold {metric!r} must be a number or null, got {number!r}")
        _check_range(metric, float(number), where, GoldenFileError)
        result[metric] = float(number)
    return result


def parse_threshold_args(specs: Iterable[str]) -> dict[str, float | None]:
    """``["answer_accuracy=0.95", "hit@3=off"]`` -> thresholds (``off``/``none`` switches one off)."""
    result: dict[str, float | None] = {}
    for spec in specs:
        metric, sep, raw = spec.partition("=")
        metric, raw = metric.strip(), raw.strip()
        if not sep or not metric or not raw:
            raise EvalError(f"--threshold {spec!r}: write METRIC=VALUE, e.g. answer_accuracy=0.95")
        _check_metric(metric, f"--threshold {spec!r}", EvalError)
        if raw.lower() in ("off", "none", "null"):
            result[metric] = None
            continue
        try:
            number = float(raw)
        except ValueError:
            raise EvalError(f"--threshold {spec!r}: {raw!r} is not a number (or 'off')") from None
        if not math.isfinite(number):
            raise EvalError(f"--threshold {spec!r}: {raw!r} is not a finite number")
        _check_range(metric, number, f"--threshold {spec!r}", EvalError)
        result[metric] = number
    return result


def _check_metric(metric: object, where: str, error: type[EvalError]) -> None:
    if metric not in METRICS:
        close = difflib.get_close_matches(str(metric), METRICS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(METRICS)})"
        raise error(f"{where}: unknown metric {metric!r}{hint}")


def _check_range(metric: str, number: float, where: str, error: type[EvalError]) -> None:
    if metric in LATENCY_METRICS:
        if number < 0:
            raise error(f"{where}: {metric} must be at least 0 ms")
    elif not 0.0 <= number <= 1.0:
        raise error(f"{where}: {metric} is a share between 0 and 1, got {number:g}")


def resolve_thresholds(*layers: Mapping[str, float | None] | None) -> dict[str, float]:
    """The defaults overridden by each layer in turn (later wins); ``None`` values switch one off."""
    merged: dict[str, float | None] = dict(DEFAULT_THRESHOLDS)
    for layer in layers:
        if layer:
            merged.update(layer)
    return {m: v for m, v in merged.items() if v is not None}


def check_thresholds(metrics: Mapping[str, float | None], thresholds: Mapping[str, float]) -> list[dict]:
    """The thresholds that do not hold, as ``{"metric", "value", "threshold", "direction"}``.

    ``direction`` is ``"min"`` (higher is better) or ``"max"`` (lower is better,
    e.g. ``false_refusal_rate``). A metric that does not apply to the set (``None``,
    e.g. abstention recall without unanswerable pairs) fails no threshold.
    """
    failed = []
    for metric, threshold in thresholds.items():
        value = metrics.get(metric)
        if value is None:
            continue
        if metric in LOWER_IS_BETTER:
            ok = value <= threshold + EPSILON
        else:
            ok = value >= threshold - EPSILON
        if not ok:
            failed.append({"metric": metric, "value": value, "threshold": threshold,
                           "direction": "max" if metric in LOWER_IS_BETTER else "min"})
    return failed


# -- baselines -------------------------------------------------------------------------------


def make_baseline(metrics: Mapping[str, float | None], golden: str = "",
                  known_failures: Iterable[str] = ()) -> dict:
    """The ``--save-baseline`` document: metrics, the tolerances to compare them with,
    and the ids of the pairs that fail today (a pair failing later that is not
    among them is a regression)."""
    return {
        "golden": golden,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "metrics": {m: metrics.get(m) for m in METRICS if m in metrics},
        "tolerance": {"default": DEFAULT_TOLERANCE, "latency_p50_ms": None, "latency_p95_ms": None},
        "known_failures": sorted(known_failures),
    }


def known_failures(baseline: Mapping | None) -> frozenset[str]:
    """The pair ids a baseline records as failing."""
    return frozenset((baseline or {}).get("known_failures") or ())


def new_failures(results: list[PairResult], baseline: Mapping | None) -> list[str]:
    """Pairs failing now that the baseline does not list as known failures.

    Empty when the baseline predates ``known_failures`` (nothing to compare).
    """
    if not baseline or "known_failures" not in baseline:
        return []
    known = known_failures(baseline)
    return [r.id for r in results if not r.passed and r.id not in known]


def load_baseline(path: str | Path) -> dict:
    """Read and check a baseline file written by ``--save-baseline``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalError(f"{path}: baseline file not found; write one with --save-baseline") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}:{exc.lineno}: invalid JSON in the baseline: {exc.msg}") from None
    except (TypeError, ValueError) as exc:  # not a path, a NUL in the name
        raise EvalError(f"{describe(path)}: cannot read the baseline: {exc}") from None
    _check_baseline(data, str(path))
    return data


def _check_baseline(data: object, where: str) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise EvalError(f"{where}: a baseline is a JSON object with a 'metrics' object")
    failures = data.get("known_failures", [])
    if not isinstance(failures, list) or not all(isinstance(i, str) for i in failures):
        raise EvalError(f"{where}: 'known_failures' must be a list of pair ids")
    for metric, value in data["metrics"].items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise EvalError(f"{where}: baseline metric {metric!r} must be a number or null, got {value!r}")
    tolerance = data.get("tolerance", {})
    if not isinstance(tolerance, dict):
        raise EvalError(f"{where}: 'tolerance' must be an object of metric to number")
    for metric, value in tolerance.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if value is not None and (not number or value < 0):
            raise EvalError(f"{where}: tolerance {metric!r} must be a number >= 0 or null, got {value!r}")


def compare_baseline(metrics: Mapping[str, float | None], baseline: Mapping) -> list[dict]:
    """Metrics that fell behind the baseline by more than their tolerance.

    The tolerance of a metric is ``tolerance[metric]``, else ``tolerance["default"]``
    (0.02 when absent); ``null`` skips the metric. Latency metrics are skipped
    unless the baseline gives them a tolerance of their own (in ms).
    """
    _check_baseline(baseline, "baseline")
    tolerances = baseline.get("tolerance") or {}
    default = tolerances.get("default", DEFAULT_TOLERANCE)
    regressions = []
    for metric, before in baseline["metrics"].items():
        now = metrics.get(metric)
        if before is None or now is None:
            continue
        if metric in tolerances:
            tolerance = tolerances[metric]
        else:
            tolerance = None if metric in LATENCY_METRICS else default
        if tolerance is None:
            continue
        if metric in LOWER_IS_BETTER:
            worse = now > before + tolerance + EPSILON
        else:
            worse = now < before - tolerance - EPSILON
        if worse:
            regressions.append({"metric": metric, "value": now, "baseline": before, "tolerance": tolerance,
                                "direction": "max" if metric in LOWER_IS_BETTER else "min"})
    return regressions


# -- scoring one pair ------------------------------------------------------------------------

_MARKER = re.compile(r"\s*\[\d+\]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"',
                         "«": '"', "»": '"'})


def normalize(text: str) -> str:
    """The form strings are matched in: Turkish casefolding, one kind of quote, single spaces."""
    return " ".join(casefold_tr(text).translate(_QUOTES).split())


def contains(haystack: str, needle: str) -> bool:
    """Whether ``haystack`` contains ``needle`` after :func:`normalize`.

    A needle that starts or ends with a digit matches whole numbers only: "15"
    is not found in "150", "2015" or "1,5".
    """
    hay, pin = normalize(haystack), normalize(needle)
    if not pin:
        return False
    if not (pin[0].isdigit() or pin[-1].isdigit()):
        return pin in hay
    pattern = re.escape(pin)
    if pin[0].isdigit():
        pattern = r"(?<!\d)(?<!\d[.,])" + pattern
    if pin[-1].isdigit():
        pattern += r"(?!\d)(?![.,]\d)"
    return re.search(pattern, hay) is not None


def contains_any(haystack: str, needles: Iterable[str]) -> bool:
    return any(contains(haystack, n) for n in needles)


def strip_markers(text: str) -> str:
    """The answer text without its ``[n]`` citation markers."""
    return _MARKER.sub("", text)


@dataclass
class PairResult:
    """The verdict on one pair: passed or not, why, and the numbers behind the metrics."""

    pair: GoldenPair
    answer: str
    abstained: bool
    citations: list[Citation]
    #: answerable: answered and contains an answer_any string; unanswerable: abstained.
    correct: bool
    passed: bool
    reasons: list[str]
    #: 1-based position of the first retrieved sentence holding a support_any string
    #: (None when not found, or when retrieval is not scored for this pair).
    rank: int | None = None
    #: whether the pair counts for hit@k and MRR (answerable, with support_any, answered without error).
    retrieval_scored: bool = False
    #: whether the cited set supports the answer (None when not judged, see the README).
    supported: bool | None = None
    #: per citation, whether it is relevant in ALCE's sense (empty when not judged).
    relevant: list[bool] = field(default_factory=list)
    latency_ms: float | None = None
    error: str = ""

    @property
    def id(self) -> str:
        return self.pair.id

    def to_dict(self) -> dict:
        citations = []
        for n, c in enumerate(self.citations):
            item = c.to_dict()
            if self.relevant:
                item["relevant"] = self.relevant[n]
            citations.append(item)
        data = {
            "id": self.pair.id,
            "question": self.pair.question,
            "history": list(self.pair.history),
            "unanswerable": self.pair.unanswerable,
            "tags": list(self.pair.tags),
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": citations,
            "passed": self.passed,
            "correct": self.correct,
            "reasons": list(self.reasons),
            "rank": self.rank,
            "supported": self.supported,
            "latency_ms": self.latency_ms,
        }
        if self.error:
            data["error"] = self.error
        return data


SentenceLookup = Callable[[str], str | None] | Mapping[str, str] | None


def _lookup_fn(lookup: SentenceLookup) -> Callable[[str], str | None]:
    if lookup is None:
        return lambda _id: None
    if isinstance(lookup, Mapping):
        return lookup.get

    def get(sentence_id: str) -> str | None:
        try:
            return lookup(sentence_id)
        except (KeyError, LookupError):
            return None

    return get


def supports(texts: list[str], needles: Iterable[str]) -> bool:
    """Whether the concatenation of ``texts`` (joined by a space) contains any of ``needles``."""
    return bool(texts) and contains_any(" ".join(texts), needles)


def citation_relevance(texts: list[str], needles: tuple[str, ...]) -> list[bool]:
    """ALCE citation precision per citation, with string support.

    A citation is relevant when the whole cited set supports the statement and
    the citation either supports it alone or is needed (the others without it
    no longer support it).
    """
    if not supports(texts, needles):
        return [False] * len(texts)
    result = []
    for n, text in enumerate(texts):
        rest = texts[:n] + texts[n + 1:]
        result.append(supports([text], needles) or not supports(rest, needles))
    return result


def score_pair(pair: GoldenPair, answer: Answer, sentence_text_lookup: SentenceLookup = None) -> PairResult:
    """Judge ``answer`` against ``pair``.

    ``sentence_text_lookup`` maps a sentence id to its text (a mapping, or a
    function such as ``lambda i: engine.sentence(i).text``); it ranks
    ``answer.retrieved`` for hit@k and MRR. Without it retrieval is not scored.
    """
    lookup = _lookup_fn(sentence_text_lookup)
    citations = list(answer.citations)
    cited = [c.text for c in citations]
    text = strip_markers(answer.text)
    reasons: list[str] = []
    supported: bool | None = None
    relevant: list[bool] = []
    rank: int | None = None
    retrieval_scored = False

    if pair.unanswerable:
        correct = answer.abstained
        if not correct:
            reasons.append("answered an unanswerable question")
        passed = correct
    else:
        if answer.abstained:
            correct = False
            reasons.append("abstained on an answerable question")
        elif pair.answer_any and not contains_any(text, pair.answer_any):
            correct = False
            reasons.append(f"answer lacks any of {list(pair.answer_any)}")
        else:
            correct = True
        passed = correct
        criterion = pair.support_any or pair.answer_any
        if not answer.abstained and criterion:
            supported = supports(cited, criterion)
            relevant = citation_relevance(cited, criterion)
        if pair.support_any and not answer.abstained and not supported:
            passed = False
            reasons.append(f"no cited sentence contains any of {list(pair.support_any)}")
        if pair.support_any and sentence_text_lookup is not None:
            retrieval_scored = True
            for position, sentence_id in enumerate(answer.retrieved, 1):
                sentence = lookup(sentence_id)
                if sentence is not None and contains_any(sentence, pair.support_any):
                    rank = position
                    break

    total = answer.timings.get("total_ms") if answer.timings else None
    return PairResult(
        pair=pair,
        answer=answer.text,
        abstained=answer.abstained,
        citations=citations,
        correct=correct,
        passed=passed,
        reasons=reasons,
        rank=rank,
        retrieval_scored=retrieval_scored,
        supported=supported,
        relevant=relevant,
        latency_ms=float(total) if total is not None else None,
    )


def error_result(pair: GoldenPair, error: str, latency_ms: float | None = None) -> PairResult:
    """The result of a pair the engine refused with an error (counted as wrong)."""
    return PairResult(pair=pair, answer="", abstained=False, citations=[], correct=False, passed=False,
                      reasons=[f"the engine raised {error}"], latency_ms=latency_ms, error=error)


# -- metrics ---------------------------------------------------------------------------------


def _share(numerator: int, denominator: int, empty: float | None = None) -> float | None:
    return numerator / denominator if denominator else empty


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation, like ``numpy.percentile``."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(results: list[PairResult]) -> dict[str, float | None]:
    """The metrics of a run (defined in the README); ``None`` where a metric does not apply."""
    answerable = [r for r in results if r.pair.answerable]
    unanswerable = [r for r in results if r.pair.unanswerable]
    abstained = [r for r in results if r.abstained]
    retrieval = [r for r in answerable if r.retrieval_scored]
    judged = [r for r in answerable if r.supported is not None]
    relevance = [flag for r in judged for flag in r.relevant]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    return {
        "answer_accuracy": _share(sum(r.correct for r in results), len(results)),
        "answerable_accuracy": _share(sum(r.correct for r in answerable), len(answerable)),
        "false_refusal_rate": _share(sum(r.abstained for r in answerable), len(answerable)),
        "abstention_precision": _share(sum(r.pair.unanswerable for r in abstained), len(abstained), 1.0),
        "abstention_recall": _share(sum(r.abstained for r in unanswerable), len(unanswerable)),
        "hit@1": _share(sum(r.rank is not None and r.rank <= 1 for r in retrieval), len(retrieval)),
        "hit@3": _share(sum(r.rank is not None and r.rank <= 3 for r in retrieval), len(retrieval)),
        "mrr": _share(sum(1 / r.rank for r in retrieval if r.rank), len(retrieval)) if retrieval else None,
        "citation_recall": _share(sum(bool(r.supported) for r in judged), len(judged)),
        "citation_precision": _share(sum(relevance), len(relevance)),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


def counts(results: list[PairResult]) -> dict[str, int]:
    return {
        "pairs": len(results),
        "passed": sum(r.passed for r in results),
        "failed": sum(not r.passed for r in results),
        "answerable": sum(r.pair.answerable for r in results),
        "unanswerable": sum(r.pair.unanswerable for r in results),
        "abstained": sum(r.abstained for r in results),
        "errors": sum(bool(r.error) for r in results),
    }


# -- the report ------------------------------------------------------------------------------


@dataclass
class EvalReport:
    """A whole run: per-pair results, metrics and the verdict of thresholds and baseline."""

    results: list[PairResult]
    metrics: dict[str, float | None]
    thresholds: dict[str, float]
    failed_thresholds: list[dict]
    baseline_regressions: list[dict] = field(default_factory=list)
    golden: str = ""
    #: whether a baseline was compared (``baseline_regressions`` is then meaningful).
    baseline_compared: bool = False
    #: ids of pairs failing now that the baseline does not list as known failures.
    new_failures: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, results: list[PairResult], thresholds: Mapping[str, float] | None = None,
              baseline: Mapping | None = None, golden: str = "") -> EvalReport:
        """Summarise ``results`` and check them (default thresholds when none are given)."""
        metrics = summarize(results)
        thresholds = dict(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
        return cls(results, metrics, thresholds, check_thresholds(metrics, thresholds),
                   compare_baseline(metrics, baseline) if baseline is not None else [], golden,
                   baseline is not None, new_failures(results, baseline))

    @property
    def ok(self) -> bool:
        """All thresholds hold and nothing regressed against the baseline (exit status 0)."""
        return not self.failed_thresholds and not self.baseline_regressions and not self.new_failures

    @property
    def failures(self) -> list[PairResult]:
        return [r for r in self.results if not r.passed]

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.results)

    def to_dict(self) -> dict:
        return {
            "golden": self.golden,
            "ok": self.ok,
            "answer_accuracy": self.metrics.get("answer_accuracy"),
            "metrics": dict(self.metrics),
            "counts": self.counts,
            "thresholds": dict(self.thresholds),
            "failed_thresholds": list(self.failed_thresholds),
            "baseline_regressions": list(self.baseline_regressions),
            "new_failures": list(self.new_failures),
            "pairs": [r.to_dict() for r in self.results],
        }

    def __str__(self) -> str:
        return render_table(self)

    def _repr_html_(self) -> str:
        return render_html(self, standalone=False)


def _fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}" if metric in LATENCY_METRICS else f"{value:.3f}"


def _threshold_text(metric: str, threshold: float | None) -> str:
    if threshold is None:
        return ""
    return f"{'<=' if metric in LOWER_IS_BETTER else '>='} {_fmt(metric, threshold)}"


def _metric_status(report: EvalReport, metric: str) -> str:
    if metric not in report.thresholds:
        return ""
    if report.metrics.get(metric) is None:
        return "n/a"
    return "FAIL" if any(f["metric"] == metric for f in report.failed_thresholds) else "ok"


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(report: EvalReport) -> str:
    """The plain-text report of ``qa eval``: one row per pair, then metrics and the verdict."""
    width = max([len("id"), *(len(r.id) for r in report.results)])
    lines = [f"{'id':<{width}}  result  why", f"{'-' * width}  ------  ---"]
    for r in report.results:
        lines.append(f"{r.id:<{width}}  {'PASS' if r.passed else 'FAIL':<6}  {'; '.join(r.reasons)}".rstrip())
        if not r.passed:
            shown = "(abstained) " if r.abstained else ""
            lines.append(f"{'':<{width}}          answer: {shown}{_short(strip_markers(r.answer))!r}")
    c = report.counts
    lines += ["", f"{c['passed']}/{c['pairs']} pairs passed ({c['answerable']} answerable, "
                  f"{c['unanswerable']} unanswerable)", ""]
    name_width = max(len(m) for m in report.metrics)
    lines.append(f"{'metric':<{name_width}}  {'value':>8}  {'threshold':<10}  status")
    for metric, value in report.metrics.items():
        threshold = _threshold_text(metric, report.thresholds.get(metric))
        status = _metric_status(report, metric)
        row = f"{metric:<{name_width}}  {_fmt(metric, value):>8}  {threshold:<10}  {status}"
        lines.append(row.rstrip())
    if report.baseline_regressions:
        lines += ["", "regressions against the baseline:"]
        for reg in report.baseline_regressions:
            lines.append(f"  {reg['metric']}: {_fmt(reg['metric'], reg['value'])}, baseline "
                         f"{_fmt(reg['metric'], reg['baseline'])} (tolerance {reg['tolerance']:g})")
    if report.new_failures:
        lines += ["", "pairs failing that passed in the baseline: " + ", ".join(report.new_failures)]
    lines.append("")
    if report.ok:
        lines.append("OK: all thresholds hold" + (" and nothing regressed against the baseline"
                                                  if report.baseline_compared else ""))
    else:
        problems = [f"{f['metric']} {_fmt(f['metric'], f['value'])} "
                    f"{'>' if f['direction'] == 'max' else '<'} {_fmt(f['metric'], f['threshold'])}"
                    for f in report.failed_thresholds]
        problems += [f"{r['metric']} regressed" for r in report.baseline_regressions]
        problems += [f"{len(report.new_failures)} pair(s) newly failing"] if report.new_failures else []
        lines.append("FAILED: " + "; ".join(problems))
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ddd;padding:.35rem .6rem;
vertical-align:top;text-align:left}th{background:#f4f4f4}.pass{color:#16692b;font-weight:600}
.fail{color:#b00020;font-weight:600}tr.failed{background:#fff5f5}.na{color:#777}
td.num{text-align:right;font-variant-numeric:tabular-nums}ol{margin:0;padding-left:1.4rem}
.irrelevant{color:#777}.small{font-size:.85em;color:#555}code{font-size:.85em}
td.answer{white-space:pre-wrap;max-width:28rem}
"""


def render_html(report: EvalReport, standalone: bool = True) -> str:
    """A self-contained HTML page of the report (every value escaped)."""
    esc = html.escape
    c = report.counts
    verdict = ("<p class='pass'>OK: all thresholds hold</p>" if report.ok
               else "<p class='fail'>FAILED: " + esc("; ".join(
                   [f"{f['metric']} {_fmt(f['metric'], f['value'])} "
                    f"{'>' if f['direction'] == 'max' else '<'} {_fmt(f['metric'], f['threshold'])}"
                    for f in report.failed_thresholds]
                   + [f"{r['metric']} regressed from {_fmt(r['metric'], r['baseline'])} "
                      f"to {_fmt(r['metric'], r['value'])}" for r in report.baseline_regressions]
                   + [f"newly failing: {', '.join(report.new_failures)}"] * bool(report.new_failures))) + "</p>")
    metric_rows = []
    for metric, value in report.metrics.items():
        status = _metric_status(report, metric)
        css = {"ok": "pass", "FAIL": "fail", "n/a": "na"}.get(status, "")
        metric_rows.append(
            f"<tr><td>{esc(metric)}</td><td class='num'>{esc(_fmt(metric, value))}</td>"
            f"<td>{esc(_threshold_text(metric, report.thresholds.get(metric)))}</td>"
            f"<td class='{css}'>{esc(status)}</td></tr>")
    pair_rows = []
    for r in report.results:
        cites = []
        for n, cit in enumerate(r.citations):
            flag = ""
            if r.relevant:
                flag = "" if r.relevant[n] else " <span class='small'>(not relevant)</span>"
            css = "" if not r.relevant or r.relevant[n] else " class='irrelevant'"
            cites.append(f"<li{css}>"
                         f"{esc(cit.text)}{flag}<br><code>{esc(cit.id)}</code></li>")
        history = (f"<div class='small'>after: {esc(' / '.join(r.pair.history))}</div>"
                   if r.pair.history else "")
        expected = f"<div class='small'>expected: {esc(r.pair.expectation())}</div>"
        answer = esc(r.answer) if r.answer else "<span class='na'>(none)</span>"
        if r.abstained:
            answer = f"<span class='small'>(abstained)</span> {answer}"
        rank = "" if r.rank is None else str(r.rank)
        pair_rows.append(
            f"<tr class='{'passed' if r.passed else 'failed'}'><td><code>{esc(r.id)}</code></td>"
            f"<td class='{'pass' if r.passed else 'fail'}'>{'PASS' if r.passed else 'FAIL'}</td>"
            f"<td>{esc(r.pair.question)}{history}{expected}</td><td class='answer'>{answer}</td>"
            f"<td>{'<ol>' + ''.join(cites) + '</ol>' if cites else ''}</td>"
            f"<td>{esc('; '.join(r.reasons))}</td><td class='num'>{rank}</td></tr>")
    regressions = ""
    if report.baseline_regressions:
        items = "".join(
            f"<li>{esc(r['metric'])}: {esc(_fmt(r['metric'], r['value']))}, baseline "
            f"{esc(_fmt(r['metric'], r['baseline']))} (tolerance {r['tolerance']:g})</li>"
            for r in report.baseline_regressions)
        regressions = f"<h2>Regressions against the baseline</h2><ul>{items}</ul>"
    body = (
        f"<h1>Evaluation of {esc(report.golden or 'a golden set')}</h1>{verdict}"
        f"<p>{c['passed']}/{c['pairs']} pairs passed ({c['answerable']} answerable, "
        f"{c['unanswerable']} unanswerable).</p>"
        "<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>threshold</th><th>status</th></tr>"
        f"{''.join(metric_rows)}</table>{regressions}"
        "<h2>Pairs</h2><table><tr><th>id</th><th>result</th><th>question</th><th>answer</th>"
        f"<th>citations</th><th>why</th><th>rank</th></tr>{''.join(pair_rows)}</table>"
    )
    if not standalone:
        return f"<div><style>{_CSS}</style>{body}</div>"
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{esc('qa eval: ' + (report.golden or 'golden set'))}</title>"
            f"<style>{_CSS}</style></head><body>{body}</body></html>\n")


def write_report(report: EvalReport, directory: str | Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``directory`` (created if needed)."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        json_path, html_path = directory / "report.json", directory / "report.html"
        document = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
        json_path.write_text(document, encoding="utf-8")
        html_path.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"cannot write the report to {directory}: {exc.strerror or exc}") from None
    return json_path, html_path


# -- running ---------------------------------------------------------------------------------


def _sentence_lookup(engine: Any) -> Callable[[str], str | None] | None:
    if not hasattr(engine, "sentence"):
        return None

    def text_of(sentence_id: str) -> str | None:
        try:
            return engine.sentence(sentence_id).text
        except (KeyError, LookupError):
            return None

    return text_of


def run_pair(pair: GoldenPair, engine: Any, k: int = 5,
             lookup: Callable[[str], str | None] | None = None) -> PairResult:
    """Ask ``engine`` the pair's question (with its history) and score the answer."""
    started = time.perf_counter()
    try:
        answer = engine.answer(pair.question, history=list(pair.history), k=k)
    except QAError as exc:
        return error_result(pair, f"{type(exc).__name__}: {exc}", (time.perf_counter() - started) * 1000)
    elapsed = (time.perf_counter() - started) * 1000
    result = score_pair(pair, answer, lookup if lookup is not None else _sentence_lookup(engine))
    if result.latency_ms is None:
        result.latency_ms = elapsed
    return result


def _as_golden_set(golden: Any) -> GoldenSet:
    if isinstance(golden, GoldenSet):
        return golden
    if isinstance(golden, (str, Path)):
        return load_golden(golden)
    if isinstance(golden, GoldenPair):
        return pairs_from([golden])
    if isinstance(golden, (bytes, Mapping)) or not isinstance(golden, Iterable):
        raise EvalError(f"the golden set must be a golden file's path, a GoldenSet or a list of pairs, "
                        f"got {describe(golden)} ({type(golden).__name__})")
    return pairs_from(golden)


def evaluate(golden_path_or_pairs: str | Path | GoldenSet | Iterable[GoldenPair | Mapping],
             engine: Any = None, *, thresholds: Mapping[str, float | None] | None = None,
             baseline: str | Path | Mapping | None = None, k: int = 5) -> EvalReport:
    """Run a golden set through ``engine`` (default: the default corpus's) and report.

    ``thresholds`` override the defaults and the golden file's own (a ``None``
    value switches one off); ``baseline`` is a baseline file or its parsed
    content. For notebooks::

        report = evaluate("tests/golden/seed.jsonl")
        report            # renders metrics and pairs as HTML
        report.metrics["answer_accuracy"], report.failures
    """
    golden = _as_golden_set(golden_path_or_pairs)
    k = check_k(k)
    if thresholds is not None:
        thresholds = parse_thresholds(thresholds, "thresholds")
    if baseline is not None and not isinstance(baseline, (str, Path)):
        _check_baseline(baseline, "baseline")
    if engine is not None and not callable(getattr(engine, "answer", None)):
        raise EvalError(f"engine must be a qa.Engine (or have an answer method), got {type(engine).__name__}")
    if engine is None:
        from qa import default_engine

        engine = default_engine()
    lookup = _sentence_lookup(engine)
    results = [run_pair(pair, engine, k, lookup) for pair in golden.pairs]
    resolved = resolve_thresholds(golden.thresholds, thresholds)
    if isinstance(baseline, (str, Path)):
        baseline = load_baseline(baseline)
    return EvalReport.build(results, resolved, baseline, golden.path)


def run_cli(args: Any, engine: Any) -> int:
    """``qa eval``: 0 when every threshold holds and nothing regressed, else 1."""
    import sys

    golden = load_golden(args.golden)
    overrides = parse_threshold_args(getattr(args, "threshold", None) or [])
    baseline = load_baseline(args.baseline) if getattr(args, "baseline", None) else None
    report = evaluate(golden, engine, thresholds=overrides, baseline=baseline)
    messages = []
    if getattr(args, "report", None):
        _, html_path = write_report(report, args.report)
        messages.append(f"wrote {Path(args.report) / 'report.json'} and {html_path}")
    if getattr(args, "save_baseline", None):
        target = Path(args.save_baseline)
        try:
            if target.parent != Path():
                target.parent.mkdir(parents=True, exist_ok=True)
            baseline_doc = make_baseline(report.metrics, report.golden, [r.id for r in report.failures])
            target.write_text(json.dumps(baseline_doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise EvalError(f"cannot write the baseline {target}: {exc.strerror or exc}") from None
        messages.append(f"saved the baseline to {target}")
    if getattr(args, "json", False):
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        for message in messages:
            print(message, file=sys.stderr)
    else:
        print(render_table(report))
        for message in messages:
            print(message)
    return 0 if report.ok else 1
