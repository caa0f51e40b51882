"""Fit the ranking, answerability and span models from training questions.

    python -m qa.fit                       # the default training sets, writes qa/models/ranker.json
    python -m qa.fit --folds 6 --no-write  # article-level cross-validation only

Training sets are SQuAD-format files (v1 or v2 with ``is_impossible``); each
article is indexed alone with the real model and pipeline, every question is
analysed and retrieved exactly as at answer time, and the features are those
the engine computes. Unanswerable examples are the SQuAD v2 impossible
questions and every question asked of another article ("swapped").
Cross-validation splits by article, so its figures predict an unseen article.
Needs scikit-learn (``pip install .[fit]``); answering does not.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from index.analysis import TOKEN, casefold_tr, strip_suffix
from qa.engine import ANSWERABLE_FEATURES, Engine, answerable_features
from qa.extract import SPAN_FEATURES, span_table
from qa.features import SENTENCE_FEATURES, sentence_features
from qa.rank import MODELS, LinearModel
from qa.squad import SquadQuestion, english_questions, exact_match, load_squad, token_f1, write_article

ROOT = Path(__file__).resolve().parent.parent
XQUAD = ROOT.parent / "shared" / "benchmarks" / "xquad-dev"
DEFAULT_SETS = (
    (XQUAD / "xquad.tr.dev.json", XQUAD / "xquad.en.dev.json"),
    (ROOT / "bench/data/news-tr.json", ROOT / "bench/data/news-en.json"),
)
ANSWERED_TARGET = 0.97  # the abstention threshold keeps at least this share of answerable questions answered


@dataclass
class Example:
    """One question asked of one article, with everything the three models train on."""

    group: str  # the article: cross-validation never splits one
    language: str
    answerable: bool  # the article holds the answer
    swapped: bool
    sentence_x: np.ndarray
    sentence_y: np.ndarray  # candidate holds the gold span
    query_extra: tuple = ()  # (query, signals) for the answerable features
    span_x: np.ndarray | None = None
    span_y: np.ndarray | None = None
    gold: list[str] = field(default_factory=list)
    span_texts: list[str] = field(default_factory=list)


def _normal_tokens(text: str) -> list[str]:
    return [strip_suffix(t) for t in TOKEN.findall(casefold_tr(text))]


def collect(sets, workdir: Path, progress: bool = True) -> list[Example]:
    """Index every article and turn every question into an :class:`Example`."""
    examples: list[Example] = []
    encoder = None
    articles = []
    for turkish, english in sets:
        if not Path(turkish).exists():
            print(f"skipping {turkish}: not found", file=sys.stderr)
            continue
        parsed = load_squad(turkish)
        translated = english_questions(english, parsed) if english and Path(english).exists() else {}
        for article in parsed:
            path = write_article(article, workdir / "articles" / Path(turkish).stem)
            asked = [("tr", q, q.question) for q in article.questions]
            asked += [("en", q, translated[q.id]) for q in article.questions if q.id in translated]
            articles.append((f"{Path(turkish).stem}/{article.index}", path, asked))
    engines = []
    for group, path, _ in tqdm(articles, desc="indexing", disable=not progress):
        engine = Engine(corpus=[path], index_dir=workdir / "indexes" / group.replace("/", "-"), auto_build=True,
                        encoder=encoder, fast_query_encoder=True)
        encoder = engine.encoder
        engines.append(engine)
    for n, (group, _, asked) in enumerate(tqdm(articles, desc="questions", disable=not progress)):
        other = engines[(n + 1) % len(engines)]
        for language, question, text in asked:
            examples.append(_example(engines[n], group, language, question, text, swapped=False))
            examples.append(_example(other, group, language, question, text, swapped=True))
    return examples


def _example(engine: Engine, group: str, language: str, question: SquadQuestion, text: str,
             swapped: bool) -> Example:
    query = engine.analyse(text)
    signals = engine.retriever.signals(query)
    x = sentence_features(query, signals, engine.table)
    answerable = bool(question.answers) and not swapped
    sentences = engine.index.sentences
    holds = [answerable and any(sentences[r].start <= a.start and a.end <= sentences[r].end
                                for a in question.answers) for r in signals.rows]
    example = Example(group, language, answerable, swapped, x, np.array(holds, float), (query, signals),
                      gold=[a.text for a in question.answers] if answerable else [])
    if answerable:
        row = next((i for i, s in enumerate(sentences) if any(s.start <= a.start and a.end <= s.end
                                                                for a in question.answers)), None)
        if row is not None:
            terms = frozenset().union(*(g.terms for g in signals.groups)) if signals.groups else frozenset()
            matrix, bounds = span_table(query, terms, sentences[row].text, engine.table.profiles[row],
                                        engine.common_stems)
            tokens = engine.table.profiles[row].tokens
            gold = [_normal_tokens(a.text) for a in question.answers]
            labels = [[t.folded for t in tokens[i:j + 1]] in gold for i, j in bounds]
            example.span_x, example.span_y = matrix, np.array(labels, float)
            text = sentences[row].text
            example.span_texts = [text[tokens[i].start:tokens[j].end] for i, j in bounds]
    return example


def fit_linear(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], c: float = 1.0) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y)
    return LinearModel(names, mean, scale, model.coef_[0], float(model.intercept_[0]))


def fit_choice(matrices: list[np.ndarray], labels: list[np.ndarray], names: tuple[str, ...],
               l2: float = 1.0) -> LinearModel:
    """A conditional logit: one choice among each matrix's rows (the gold ones share the target).

    Picking the answer span is choosing one of a sentence's ~200 spans; fitted as such it beats a
    logistic regression over all spans pooled (cross-validated token F1 on the gold sentence 0.39 -> 0.43).
    """
    from scipy.optimize import minimize

    pooled = np.vstack(matrices)
    mean, scale = pooled.mean(axis=0), pooled.std(axis=0)
    scale[scale < 1e-9] = 1.0
    xs = [(m - mean) / scale for m in matrices]
    ys = [y / y.sum() for y in labels]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for x, y in zip(xs, ys, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            total -= float(y @ np.log(np.maximum(p, 1e-300)))
            grad += x.T @ (p - y)
        return (total + l2 * float(w @ w) / 2) / len(xs), (grad + l2 * w) / len(xs)

    w = minimize(loss, np.zeros(pooled.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 300}).x
    return LinearModel(names, mean, scale, w, 0.0)


def fit_models(train: list[Example]) -> tuple[LinearModel, LinearModel, LinearModel, float]:
    ranked = [e for e in train if e.answerable and e.sentence_y.any()]
    sentence = fit_linear(np.vstack([e.sentence_x for e in ranked]), np.concatenate([e.sentence_y for e in ranked]),
                          SENTENCE_FEATURES)
    qx = np.vstack([_answerable_row(sentence, e) for e in train])
    qy = np.array([e.answerable for e in train], float)
    answerable = fit_linear(qx, qy, ANSWERABLE_FEATURES)
    spans = [e for e in train if e.span_y is not None and e.span_y.any()]
    span = fit_choice([e.span_x for e in spans], [e.span_y for e in spans], SPAN_FEATURES)
    scores = answerable.probabilities(qx)
    kept = scores[qy == 1]
    threshold = float(np.quantile(kept, 1 - ANSWERED_TARGET)) if kept.size else 0.5
    return sentence, answerable, span, threshold


def _answerable_row(sentence: LinearModel, example: Example) -> np.ndarray:
    query, signals = example.query_extra
    probabilities = sentence.probabilities(example.sentence_x)
    order = np.argsort(-probabilities, kind="stable")
    return answerable_features(query, signals, probabilities[order], example.sentence_x[order])


def measure(models, test: list[Example]) -> dict[str, list[float]]:
    """Per measure, one value per question: cite@1 per language, answered, swap and impossible
    questions abstained, span F1/EM on the engine's own choices."""
    sentence, answerable, span, threshold = models
    out: dict[str, list[float]] = {}
    for e in test:
        answered = answerable.probabilities(_answerable_row(sentence, e)[None, :])[0] >= threshold
        if e.swapped or not e.answerable:
            out.setdefault("swap_abstained" if e.swapped else "impossible_refused", []).append(not answered)
            continue
        probs = sentence.probabilities(e.sentence_x)
        hit = bool(answered and len(probs) and e.sentence_y[int(np.argmax(probs))])
        out.setdefault(f"{e.language}_cite@1", []).append(hit)
        out.setdefault(f"{e.language}_answered", []).append(answered)
        if e.language == "tr":
            f1 = em = 0.0
            if hit and e.span_x is not None:
                predicted = e.span_texts[int(np.argmax(span.probabilities(e.span_x)))]
                f1 = max(token_f1(predicted, g) for g in e.gold)
                em = max(exact_match(predicted, g) for g in e.gold)
            out.setdefault("f1", []).append(f1)
            out.setdefault("em", []).append(em)
    return out


def cross_validate(examples: list[Example], folds: int) -> dict[str, float]:
    """The measures of :func:`measure`, each article measured by models fitted without it."""
    groups = sorted({e.group for e in examples})
    rng = np.random.default_rng(0)
    rng.shuffle(groups)
    fold_of = {g: n % folds for n, g in enumerate(groups)}
    pooled: dict[str, list[float]] = {}
    for fold in range(folds):
        train = [e for e in examples if fold_of[e.group] != fold]
        test = [e for e in examples if fold_of[e.group] == fold]
        for name, values in measure(fit_models(train), test).items():
            pooled.setdefault(name, []).extend(values)
    return {k: round(float(np.mean(v)), 4) for k, v in sorted(pooled.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.fit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=6, help="article-level cross-validation folds (0: none)")
    parser.add_argument("--out", type=Path, default=MODELS, help=f"models file to write (default {MODELS})")
    parser.add_argument("--no-write", action="store_true", help="cross-validate only")
    parser.add_argument("--workdir", type=Path, help="keep article files and indexes here (default: a temp dir)")
    parser.add_argument("--cache", type=Path, help="reuse (or save) the collected examples in this file")
    args = parser.parse_args(argv)
    if args.cache and args.cache.exists():
        examples = pickle.loads(args.cache.read_bytes())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            examples = collect(DEFAULT_SETS, args.workdir or Path(tmp))
        if args.cache:
            args.cache.write_bytes(pickle.dumps(examples))
    print(f"{len(examples)} examples from {len({e.group for e in examples})} articles")
    report = cross_validate(examples, args.folds) if args.folds else {}
    if report:
        print("cross-validated by article:", json.dumps(report))
    if args.no_write:
        return 0
    sentence, answerable, span, threshold = fit_models(examples)
    info = {"fitted": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "training_sets": [str(Path(t).name) for t, _ in DEFAULT_SETS if Path(t).exists()],
            "examples": len(examples), "cross_validation": report}
    payload = {"version": 1, "threshold": threshold, "sentence": sentence.to_dict(),
               "answerable": answerable.to_dict(), "span": span.to_dict(), "info": info}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
