"""The follow-up benchmark: conversations over several articles, each turn asked with the ones before.

A set (``bench/data/followups.json``) holds conversations; each turn has a gold ``answer`` (text of
the article) and each follow-up the standalone question it ``means``. Every conversation is asked
as the chat asks it: each turn with the engine's own earlier answers as history. A follow-up is
**right** when its first citation holds the gold answer; the same follow-up's standalone meaning,
asked alone, gives the ceiling (``means_cite@1``), and ``agrees`` says whether both cite one sentence.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from index.analysis import casefold_tr, looks_english
from qa.squad import load_squad, write_article

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "xquad-dev": ROOT.parent / "shared" / "benchmarks" / "xquad-dev" / "xquad.tr.dev.json",
    "news-tr": ROOT / "bench" / "data" / "news-tr.json",
}
DEFAULT_SET = ROOT / "bench" / "data" / "followups.json"


@dataclass(frozen=True)
class FollowUpRecord:
    conversation: str
    turn: int
    form: str
    english: bool
    question: str
    rewritten: str
    means: str
    gold: str
    right: bool
    means_right: bool
    agrees: bool


def _holds(answer, gold: str) -> bool:
    return bool(answer.citations) and not answer.abstained and casefold_tr(gold) in casefold_tr(
        answer.citations[0].text)


def _corpus(source: str, article: int, folder: Path) -> Path:
    if source == "seed":
        from qa.engine import DEFAULT_CORPUS

        return DEFAULT_CORPUS
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r} in the follow-up set; use seed, {', '.join(SOURCES)}")
    return write_article(load_squad(SOURCES[source])[article], folder / f"{source}-{article}")


def evaluate_followups(path: str | Path = DEFAULT_SET, sources: Iterable[str] | None = None, progress: bool = True,
                       articles: Iterable[int] | None = None) -> tuple[dict, list[FollowUpRecord]]:
    """(summary, one record per follow-up turn) for the conversations in ``path``; ``sources`` and
    ``articles`` (indices into a source's articles; the seed is article 0) keep only theirs."""
    from qa.engine import Engine

    conversations = json.loads(Path(path).read_text(encoding="utf-8"))["conversations"]
    if sources is not None:
        conversations = [c for c in conversations if c["source"] in set(sources)]
    if articles is not None:
        conversations = [c for c in conversations if int(c["article"]) in set(articles)]
    by_article: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for conversation in conversations:
        by_article[(conversation["source"], int(conversation["article"]))].append(conversation)
    records: list[FollowUpRecord] = []
    encoder = None
    with tempfile.TemporaryDirectory() as tmp:
        items = sorted(by_article.items())
        if progress:
            from tqdm import tqdm

            items = tqdm(items, desc="follow-ups", unit="article")
        for (source, article), group in items:
            corpus = _corpus(source, article, Path(tmp))
            engine = Engine(corpus=[corpus], index_dir=Path(tmp) / f"index-{source}-{article}", auto_build=True,
                            encoder=encoder)
            encoder = engine.encoder
            for conversation in group:
                records += _ask(engine, conversation)
    return summarize(records), records


def _ask(engine, conversation: dict) -> list[FollowUpRecord]:
    history, records = [], []
    for n, turn in enumerate(conversation["turns"]):
        answer = engine.answer(turn["question"], history=history)
        if n:
            alone = engine.answer(turn["means"])
            same = bool(answer.citations and alone.citations and answer.citations[0].id == alone.citations[0].id)
            records.append(FollowUpRecord(conversation["id"], n, turn.get("form", ""),
                                          looks_english(turn["question"]), turn["question"], answer.rewritten,
                                          turn["means"], turn["answer"], _holds(answer, turn["answer"]),
                                          _holds(alone, turn["answer"]), same))
        history.append(answer)
    return records


def summarize(records: list[FollowUpRecord]) -> dict:
    def share(rows: list[FollowUpRecord], key: str) -> float | None:
        return round(sum(getattr(r, key) for r in rows) / len(rows), 3) if rows else None

    def block(rows: list[FollowUpRecord]) -> dict:
        return {"n": len(rows), "followup_cite@1": share(rows, "right"), "means_cite@1": share(rows, "means_right"),
                "agrees": share(rows, "agrees")}

    summary = block(records)
    for field in ("form", "english"):
        for value in sorted({getattr(r, field) for r in records}, key=str):
            label = ("english" if value else "turkish") if field == "english" else value
            summary[label] = block([r for r in records if getattr(r, field) == value])
    return summary


def write_records(records: list[FollowUpRecord], path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps([asdict(r) for r in records], ensure_ascii=False, indent=1), encoding="utf-8")
