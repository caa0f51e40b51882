"""Fault injection into the index on disk: kill -9 during a build, two builds at once, damaged and
tampered files. Every case ends with the old or the new index, or one clear IndexStoreError (and,
after a rebuild, a usable index): never a traceback, never a wrong answer. No model is loaded."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import faiss
import numpy as np
import pytest
from store_build_helper import MODEL, embed

import index.store as store
from index.documents import load_document
from index.store import IndexStoreError, StaleIndexError, build_index, load_index, rebuild_command, verify_index
from index.units import embedding_units

ROOT = Path(__file__).resolve().parent.parent
HELPER = Path(__file__).resolve().parent / "store_build_helper.py"
KILL_POINTS = 4  # random steps of a build killed, besides the last one


class Counting:
    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, texts):
        self.seen.extend(texts)
        return embed(texts)


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("date 2025-01-02 Birinci haber\n\nBir cümle. İki cümle burada yazıyor ve "
                                  "sekiz kelimeden uzun bir cümle oluyor.\n", encoding="utf-8")
    (folder / "b.txt").write_text("date 2025-01-03 İkinci haber\n\nÜç kedi vardı. Dört köpek geldi.\n",
                                  encoding="utf-8")
    return folder


def _documents(folder, names=("a.txt", "b.txt")):
    return [load_document(folder / name) for name in names]


def _manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _write_manifest(out, manifest):
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _replace_file(out, key, data):
    """Replace a data file by ``data`` *and update the manifest to match*, as a careful forger would."""
    manifest = _manifest(out)
    entry = manifest["files"][key]
    (out / entry["name"]).unlink()
    digest = hashlib.sha256(data).hexdigest()
    suffix = (store._DATA_FILES | store._OPTIONAL_FILES)[key]
    entry.update(name=f"{key}-{digest[:16]}.{suffix}", sha256=digest, bytes=len(data))
    (out / entry["name"]).write_bytes(data)
    _write_manifest(out, manifest)


def _records(out):
    return json.loads((out / _manifest(out)["files"]["records"]["name"]).read_text(encoding="utf-8"))


def _matrix(out):
    vectors = faiss.read_index(str(out / _manifest(out)["files"]["vectors"]["name"]))
    return vectors.reconstruct_n(0, vectors.ntotal)


def _vector_bytes(matrix, kind=faiss.IndexFlatIP):
    index = kind(matrix.shape[1])
    index.add(np.ascontiguousarray(matrix, dtype=np.float32))
    return faiss.serialize_index(index).tobytes()


def _assert_right(loaded, documents):
    """The loaded index is the one of ``documents``, and vector row i embeds unit i's text."""
    assert [s.text for s in loaded.sentences] == [s.text for d in documents for s in d.sentences]
    texts, owners = embedding_units(documents)
    assert loaded.owners.tolist() == owners
    assert np.allclose(loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal), embed(texts), atol=1e-6)


def _clear(exc: IndexStoreError):
    message = str(exc)
    assert "\n" not in message and "rebuild with `qa index build " in message, message
    return message


# -- kill -9 during a build ----------------------------------------------------------------------


def _helper(out, docs, *args, **popen):
    command = [sys.executable, str(HELPER), str(out), *map(str, docs), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120, **popen)


def test_a_build_killed_at_any_step_leaves_the_old_or_the_new_index(docs, tmp_path):
    old_docs, new_docs = _documents(docs, ["a.txt"]), _documents(docs)
    base = tmp_path / "base"
    build_index(old_docs, base, embed, MODEL)
    counted = tmp_path / "counted"
    shutil.copytree(base, counted)
    full = _helper(counted, [docs / "a.txt", docs / "b.txt"])
    assert full.returncode == 0, full.stderr
    steps = int(full.stdout.split("steps=")[1].split()[0])
    points = [*sorted(random.Random(20251207).sample(range(1, steps), min(KILL_POINTS, steps - 1))), steps]
    outcomes = []
    for point in points:
        out = tmp_path / f"killed-{point}"
        shutil.copytree(base, out)
        killed = _helper(out, [docs / "a.txt", docs / "b.txt"], "--kill-at", point)
        assert killed.returncode == -9, (point, killed.stdout, killed.stderr)
        try:
            loaded = load_index(out, MODEL["id"])
        except IndexStoreError as exc:  # allowed, if clear; the builder never leaves this state, though
            _clear(exc)
            outcomes.append("error")
        else:
            is_new = len(loaded.documents) == 2
            _assert_right(loaded, new_docs if is_new else old_docs)
            outcomes.append("new" if is_new else "old")
        assert verify_index(out, MODEL["id"]).ok == (outcomes[-1] != "error")
        build_index(new_docs, out, embed, MODEL)  # the next build repairs and tidies
        _assert_right(load_index(out, MODEL["id"]), new_docs)
        assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")], point
    assert "error" not in outcomes, dict(zip(points, outcomes, strict=True))
    assert outcomes[-1] == "new"


# -- builds at once ------------------------------------------------------------------------------


def test_two_builds_into_one_folder_take_turns(docs, tmp_path):
    out = tmp_path / "index"
    paths = [docs / "a.txt", docs / "b.txt"]
    command = [sys.executable, str(HELPER), str(out), *map(str, paths), "--embed-delay", "1"]
    first, second = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
                     for _ in range(2))
    results = [(*p.communicate(timeout=120), p.returncode) for p in (first, second)]
    assert [r[2] for r in results] == [0, 0], results
    embedded = sorted(int(r[0].split("embedded_now=")[1]) for r in results)
    assert embedded[0] == 0 and embedded[1] > 0  # the second waited for the lock, then reused every vector
    _assert_right(load_index(out, MODEL["id"]), _documents(docs))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".lock", "manifest.json", *(f["name"] for f in _manifest(out)["files"].values())])


def test_a_build_that_cannot_get_the_lock_fails_clearly(docs, tmp_path):
    out = tmp_path / "index"
    build_index(_documents(docs), out, embed, MODEL)
    before = _manifest(out)
    with open(out / ".lock", "a+") as held:  # another build, as far as this one can tell
        fcntl.flock(held, fcntl.LOCK_EX)
        waited = rf"another build is writing the index in {re.escape(str(out))} .* 0\.2 s"
        with pytest.raises(IndexStoreError, match=waited):
            build_index(_documents(docs, ["a.txt"]), out, embed, MODEL, lock_timeout=0.2)
    assert _manifest(out) == before
    build_index(_documents(docs, ["a.txt"]), out, embed, MODEL, lock_timeout=0.2)  # released: goes on


def test_loading_during_builds_sees_one_whole_index(docs, tmp_path):
    out = tmp_path / "index"
    versions = [_documents(docs, ["a.txt"]), _documents(docs)]
    build_index(versions[0], out, embed, MODEL)
    done = threading.Event()

    def builder():
        for i in range(12):
            build_index(versions[(i + 1) % 2], out, embed, MODEL)
        done.set()

    thread = threading.Thread(target=builder)
    thread.start()
    loads = 0
    while not done.is_set() or loads < 3:
        loaded = load_index(out, MODEL["id"])
        _assert_right(loaded, versions[len(loaded.documents) - 1])
        loads += 1
    thread.join()


# -- damaged files -------------------------------------------------------------------------------


def _flip(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x5A
    path.write_bytes(bytes(data))


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.fixture
def built(docs, tmp_path):
    from test_documents import NEWS_PAGE

    (docs / "haber.html").write_text(NEWS_PAGE, encoding="utf-8")
    documents = _documents(docs, ["a.txt", "b.txt", "haber.html"])
    out = tmp_path / "index"
    build_index(documents, out, embed, MODEL, words=WORDS)
    return out, documents


WORDS = (["Birinci", "haber", "kedi", "köpek"], embed)  # the vocabulary's vectors, stored at build time


@pytest.mark.parametrize("target", ["manifest", "records", "vectors", "lexicon", "extracted", "words"])
@pytest.mark.parametrize("damage", [_flip, _truncate, Path.unlink], ids=["flip", "truncate", "delete"])
def test_a_damaged_file_is_reported_and_a_rebuild_repairs_it(built, target, damage):
    out, documents = built
    manifest = _manifest(out)
    if target == "manifest":
        path = out / "manifest.json"
    elif target == "extracted":
        path = out / manifest["sources"][2]["text"]["name"]
    else:
        path = out / manifest["files"][target]["name"]
    damage(path)
    with pytest.raises(IndexStoreError) as error:
        load_index(out, MODEL["id"])
    message = str(error.value)
    # (a flipped byte of a source's hash in the manifest reads as that source having changed)
    assert "\n" not in message and any(said in message for said in ("corrupt", "missing", "no index", "changed since")
                                       ), message
    assert not verify_index(out, MODEL["id"]).ok
    build_index(documents, out, embed, MODEL, words=WORDS)  # rewrites what does not verify
    loaded = load_index(out, MODEL["id"])
    _assert_right(loaded, documents)
    assert loaded.words[0] == WORDS[0] and loaded.words[1].shape == (4, MODEL["dimension"])
    assert verify_index(out, MODEL["id"]).ok


def test_word_vectors_that_do_not_fit_the_vocabulary_are_reported(built):
    out, _ = built
    _replace_file(out, "words", store._npy(np.zeros((3, MODEL["dimension"]), np.float32)))  # 4 terms
    with pytest.raises(IndexStoreError, match=r"shape \(3, \d+\), not \(4, \d+\) float32"):
        load_index(out, MODEL["id"])


def test_a_zeroed_vector_row_is_caught_even_with_every_hash_updated(built):
    out, documents = built
    matrix = _matrix(out)
    matrix[1] = 0
    vector_bytes = _vector_bytes(matrix)
    _replace_file(out, "vectors", vector_bytes)  # the manifest's hash updated: the records still disagree
    with pytest.raises(IndexStoreError, match="do not belong together") as error:
        load_index(out, MODEL["id"])
    _clear(error.value)
    records = _records(out)
    records["vectors_sha256"] = hashlib.sha256(vector_bytes).hexdigest()
    _replace_file(out, "records", json.dumps(records).encode())  # and the records' too
    with pytest.raises(IndexStoreError, match=r"row 1 .* not a finite vector of length 1"):
        load_index(out, MODEL["id"])
    counting = Counting()
    build_index(documents, out, counting, MODEL)  # reuses every vector but the zeroed one
    assert counting.seen == [embedding_units(documents)[0][1]]
    _assert_right(load_index(out, MODEL["id"]), documents)


def test_shuffled_vectors_are_caught(built):
    out, _ = built
    matrix = _matrix(out)
    _replace_file(out, "vectors", _vector_bytes(matrix[::-1]))
    with pytest.raises(IndexStoreError, match="records and the vectors do not belong together"):
        load_index(out, MODEL["id"])


def test_another_faiss_index_type_is_refused(built):
    out, _ = built
    matrix = _matrix(out)
    for kind, name in ((faiss.IndexFlatL2, "IndexFlatL2"), (lambda d: faiss.IndexHNSWFlat(d, 8), "IndexHNSWFlat")):
        data = _vector_bytes(matrix, kind)
        records = _records(out)
        records["vectors_sha256"] = hashlib.sha256(data).hexdigest()
        _replace_file(out, "vectors", data)
        _replace_file(out, "records", json.dumps(records).encode())
        with pytest.raises(IndexStoreError, match=f"holds a {name}, not the IndexFlatIP"):
            load_index(out, MODEL["id"])


RECORD_EDITS = {
    "owner out of range": (lambda r: r["owners"].__setitem__(0, 10**6), r"owners\[0\] must be a sentence number"),
    "owner negative": (lambda r: r["owners"].__setitem__(0, -1), r"owners\[0\] must be a sentence number"),
    "owner a string": (lambda r: r["owners"].__setitem__(0, "0"), r"owners\[0\] must be a sentence number"),
    "owners out of order": (lambda r: r["owners"].__setitem__(-1, 0), r"owners\[\d+\] \(0\) comes after"),
    "owners moved": (lambda r: r["owners"].__setitem__(1, 2), r"owners differ"),
    "owners a string": (lambda r: r.__setitem__("owners", "x"), r"owners must be a list"),
    "records a list": (lambda r: r.clear() or r.__setitem__("__list__", True), r"must be a JSON object"),
    "no vectors_sha256": (lambda r: r.pop("vectors_sha256"), r"vectors_sha256 is missing"),
    "unit hash": (lambda r: r["unit_hashes"].__setitem__(0, "0" * 64), r"unit_hashes\[0\] is not the hash"),
    "start negative": (lambda r: r["sentences"][1].__setitem__("start", -5), r"sentences\[1\] spans -5\.\."),
    "end past the text": (lambda r: r["sentences"][1].__setitem__("end", 10**6), r"sentences\[1\] spans .*outside"),
    "sentence moved": (lambda r: r["sentences"][1].__setitem__("start", 1), r"sentences\[1\] .* does not match"),
    "a sentence none": (lambda r: r["sentences"].__setitem__(1, None), r"sentences\[1\] must be an object"),
}


@pytest.mark.parametrize("edit", RECORD_EDITS)
def test_edited_records_with_their_hash_updated_give_one_clear_error(built, edit):
    out, _ = built
    change, message = RECORD_EDITS[edit]
    records = _records(out)
    change(records)
    data = json.dumps([] if "__list__" in records else records).encode()
    _replace_file(out, "records", data)
    with pytest.raises(IndexStoreError, match=message) as error:
        load_index(out, MODEL["id"])
    _clear(error.value)
    report = verify_index(out, MODEL["id"])
    assert report.problems and any(p == str(error.value) for p in report.problems)


# -- tampered manifests --------------------------------------------------------------------------


def _set(path, value):
    def edit(manifest):
        *parents, last = path
        target = manifest
        for key in parents:
            target = target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return edit


MANIFEST_EDITS = {
    "no sources": (_set(["sources"], KeyError), "sources is missing"),
    "no files.records": (_set(["files", "records"], KeyError), "files.records is missing"),
    "no records name": (_set(["files", "records", "name"], KeyError), "files.records.name is missing"),
    "no dimension": (_set(["model", "dimension"], KeyError), "model.dimension is missing"),
    "no model id": (_set(["model", "id"], KeyError), "model.id is missing"),
    "model null": (_set(["model"], None), "model must be an object, not null"),
    "files null": (_set(["files"], None), "files must be an object, not null"),
    "a source null": (_set(["sources", 0], None), r"sources\[0\] must be an object, not null"),
    "records name a number": (_set(["files", "records", "name"], 5), "files.records.name must be a non-empty string"),
    "dimension a string": (_set(["model", "dimension"], "16"), "model.dimension must be a whole number"),
    "format a string": (_set(["format_version"], str(store.FORMAT_VERSION)),
                        f'format_version must be a whole number, not "{store.FORMAT_VERSION}"'),
    "no format": (_set(["format_version"], KeyError), "format_version is missing"),
    "path traversal": (_set(["files", "records", "name"], "../../../../etc/passwd"),
                       "files.records.name must be a file name inside the index folder"),
    "absolute name": (_set(["files", "vectors", "name"], "/etc/passwd"),
                      "files.vectors.name must be a file name inside the index folder"),
    "kept text outside": (_set(["sources", 2, "text", "name"], "../secret.txt"),
                          r"sources\[2\].text.name must be a file name inside"),
    "hash a number": (_set(["files", "lexicon", "sha256"], 123), "files.lexicon.sha256 must be a sha256"),
    "source path a number": (_set(["sources", 0, "path"], 5), r"sources\[0\].path must be a non-empty string"),
    "counts a string": (_set(["counts", "vectors"], "many"), "counts.vectors must be a whole number"),
    "lexicon null": (_set(["lexicon"], None), "lexicon must be an object"),
    "a list": (lambda m: m.clear() or m.__setitem__("__list__", True), "the manifest must be a JSON object"),
    "another kind": (_set(["sources", 0, "kind"], "exe"), r"sources\[0\].kind must be one of"),
    "name not its hash": (_set(["files", "lexicon", "name"], "lexicon-0000000000000000.json"),
                          "files.lexicon.name must be 'lexicon-"),
    "bool count": (_set(["sources", 1, "sentences"], True), r"sources\[1\].sentences must be a whole number"),
}


@pytest.mark.parametrize("edit", MANIFEST_EDITS)
def test_a_tampered_manifest_gives_one_message_naming_the_field(built, edit, monkeypatch):
    out, _ = built
    change, message = MANIFEST_EDITS[edit]
    manifest = _manifest(out)
    change(manifest)
    _write_manifest(out, [] if "__list__" in manifest else manifest)
    opened = []
    real = store._read_regular
    monkeypatch.setattr(store, "_read_regular", lambda path, *a, **k: opened.append(Path(path)) or real(path, *a, **k))
    with pytest.raises(IndexStoreError, match=message) as error:
        load_index(out, MODEL["id"])
    assert "\n" not in str(error.value) and "rebuild with `qa index build " in str(error.value)
    assert all(p.resolve().parent == out.resolve() for p in opened), opened  # nothing outside was read
    assert verify_index(out, MODEL["id"]).problems == [str(error.value)]


def test_an_older_format_is_stale_and_the_next_build_replaces_it(built):
    out, documents = built
    manifest = _manifest(out)
    old_files = {f["name"] for f in manifest["files"].values()}
    manifest["format_version"] = 2
    _write_manifest(out, manifest)
    with pytest.raises(StaleIndexError, match=f"has format 2, this version reads {store.FORMAT_VERSION}"):
        load_index(out, MODEL["id"])
    build_index(documents[:2], out, embed, MODEL)
    assert not old_files & {p.name for p in out.iterdir()} - {f["name"] for f in _manifest(out)["files"].values()}


def test_a_symlinked_data_file_is_refused(built, tmp_path):
    out, _ = built
    records = out / _manifest(out)["files"]["records"]["name"]
    outside = tmp_path / "elsewhere.json"
    shutil.copy(records, outside)
    records.unlink()
    records.symlink_to(outside)
    with pytest.raises(IndexStoreError, match="points outside the index folder"):
        load_index(out, MODEL["id"])


# -- leftovers, hints and the command ------------------------------------------------------------


def test_stale_temporary_files_go_and_unknown_files_stay(built):
    out, documents = built
    ours = [".records-0123456789abcdef.json.k2j3h4.tmp", ".manifest.json.abc_12.tmp"]
    unknown = ["notes.txt", "records-ffffffffffffffff.json", ".other.tmp"]
    for name in ours + unknown:
        (out / name).write_text("x", encoding="utf-8")
    report = verify_index(out, MODEL["id"])
    assert report.ok and "records-ffffffffffffffff.json" in report.checked[-1]
    build_index(documents, out, embed, MODEL)
    names = {p.name for p in out.iterdir()}
    assert not names & set(ours) and set(unknown) <= names


def test_messages_name_the_command_that_rebuilds_this_index(docs, tmp_path):
    from index.embedding import ModelSpec
    from qa.engine import Engine

    out = tmp_path / "my index"
    build_index(_documents(docs), out, embed, MODEL)
    with pytest.raises(StaleIndexError) as error:
        Engine(corpus=[docs], index_dir=out)
    assert f"rebuild with `qa index build {docs} --out '{out}'`" in str(error.value)
    (out / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(IndexStoreError, match="not JSON") as error:
        load_index(out)
    assert f"`qa index build <files or folders> --out '{out}'`" in str(error.value)
    spec = ModelSpec.resolve("intfloat/multilingual-e5-small")
    assert rebuild_command(["a b.txt"], "ix", spec) == ("qa index build 'a b.txt' --out ix --model "
                                                        "intfloat/multilingual-e5-small --query-prompt 'query: ' "
                                                        "--passage-prompt 'passage: '")


def _qa(*args):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def test_qa_index_verify(built):
    out, _ = built
    good = _qa("index", "verify", "--index", str(out))
    assert good.returncode == 0, good.stderr
    assert "ok" in good.stdout.splitlines()[0] and "sha256" in good.stdout and "owners" in good.stdout
    (out / _manifest(out)["files"]["lexicon"]["name"]).write_bytes(b"{}")
    records = _records(out)
    records["owners"][0] = 10**6
    _replace_file(out, "records", json.dumps(records).encode())
    bad = _qa("index", "verify", "--index", str(out))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    problems = bad.stderr.splitlines()
    assert len(problems) == 2 and all(line.startswith("qa: error: ") for line in problems), problems
    assert "owners[0]" in problems[0] and "lexicon-" in problems[1]
    _write_manifest(out, {"format_version": store.FORMAT_VERSION, "files": None})
    tampered = _qa("index", "verify", "--index", str(out))
    assert tampered.returncode == 2 and tampered.stderr.count("\n") == 1 and "model is missing" in tampered.stderr


class DiesAfter(Counting):
    """An embedder whose process is killed after ``batches`` calls (a KeyboardInterrupt stands in)."""

    def __init__(self, batches):
        super().__init__()
        self.left = batches

    def __call__(self, texts):
        if not self.left:
            raise KeyboardInterrupt
        self.left -= 1
        return super().__call__(texts)


def test_a_killed_build_resumes_from_its_checkpoints(docs, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "CHECKPOINT_UNITS", 2)
    documents, out = _documents(docs), tmp_path / "index"
    units = sorted(set(embedding_units(documents)[0]))
    assert len(units) > 4
    dying = DiesAfter(2)
    with pytest.raises(KeyboardInterrupt):
        build_index(documents, out, dying, MODEL)
    assert not (out / "manifest.json").exists()
    assert len(list(out.glob("checkpoint-*.npz"))) == 2
    assert "checkpoint-" in " ".join(verify_index(out).checked)  # named as a leftover
    counting = Counting()
    build_index(documents, out, counting, MODEL)
    assert sorted(counting.seen) == sorted(set(units) - set(dying.seen))  # only what the killed build had not done
    assert len(counting.seen) == len(units) - 4
    assert not list(out.glob("checkpoint-*"))  # the index holds them now
    _assert_right(load_index(out, MODEL["id"]), documents)


def test_a_damaged_checkpoint_is_embedded_again(docs, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "CHECKPOINT_UNITS", 2)
    documents, out = _documents(docs), tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        build_index(documents, out, DiesAfter(1), MODEL)
    (checkpoint,) = out.glob("checkpoint-*.npz")
    checkpoint.write_bytes(checkpoint.read_bytes()[:50])
    counting = Counting()
    build_index(documents, out, counting, MODEL)
    assert len(counting.seen) == len(set(embedding_units(documents)[0]))
    _assert_right(load_index(out, MODEL["id"]), documents)
