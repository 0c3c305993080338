"""Incremental rebuilds of the web app on a large store (issue 15).

Run: .venv/bin/python bench/serve_incremental.py [--articles 10000] [--uploads 20] [--load-seconds 60]

1. Seed: real news articles from ../shared/data (Timeline17, Multi-News, PolNeAR, the energy story
   chains, ECB+), each text once, cleaned and stored with the library functions (no HTTP), then
   briefed by the server's own rebuild code (`serve.rebuild.Rebuilder`, in this process, with its
   worker process), in rounds of `--round` articles, until `--articles` are stored or the seed has
   run `--seed-minutes` (this run's time; with `--store` a later run goes on seeding the same
   store). `--uploads` + 1 articles are held out of the seed.
2. Start `storylens serve` on the seeded store (a real uvicorn process), upload one held-out
   article to warm the worker (its spaCy models load on the first job; reported, not counted),
   then upload the others one at a time through the HTTP API (JSON, with the token) and time each
   from the request until its story page (`/stories/{id}`) links it. After each, every story's
   version (`/api/stories`) is compared with the one before the upload: a story other than the
   upload's own whose version changed (or that appeared or went) is an unrelated page re-rendered.
   Twenty unrelated story pages are also fetched with their ETag (If-None-Match): each must
   answer 304 Not Modified.
3. Run `bench/serve_load.py` (50 clients, its own fresh store) for errors and p99.

The load average of the machine is printed beside the figures (it is shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
TOKEN = "serve-incremental-bench-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
SPARES = 30
SEEDED_KEY = "bench_seeded_records"
MIN_WORDS = 80  # shorter texts are captions and stubs, not articles
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def real_articles(data: Path) -> list[dict[str, Any]]:
    """Records (text, title, date, source) of real news articles in the shared data, each text once."""
    from storylens.evaluate.stories import read_ecbplus
    from storylens.evaluate.summaries import read_multinews

    found: list[dict[str, Any]] = []
    for path in sorted((data / "timelines" / "timeline17").glob("*/articles.jsonl")):
        outlet = path.parent.name.split("_")[-1]
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            found.append({"text": record["text"], "date": record.get("time"), "source": outlet})
    for cluster in read_multinews(data / "mds" / "multinews200" / "multi_news.jsonl"):
        found += [{"text": text} for text in cluster.documents]
    found += _polnear(data / "quotes" / "polnear")
    csv.field_size_limit(sys.maxsize)
    chains = data / "events" / "story_chains_gedikli"
    for path in sorted(chains.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                found.append({"text": row["text"], "title": row["title"], "date": row["date"][:10]})
    found += [{"text": d.text} for d in read_ecbplus(data / "events" / "ecbplus")]
    unique = {r["text"]: r for r in found if r["text"] and len(r["text"].split()) >= MIN_WORDS}
    return list(unique.values())


def _polnear(folder: Path) -> list[dict[str, Any]]:
    meta: dict[str, dict[str, str]] = {}
    with (folder / "metadata.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            meta[row["filename"]] = row
    records = []
    for path in sorted(folder.glob("*/text/*.txt")):
        row = meta.get(path.stem, {})
        records.append(
            {
                "text": path.read_text(encoding="utf-8"),
                "title": row.get("title"),
                "date": row.get("publication_date"),
                "source": row.get("publisher"),
            }
        )
    return records


def seed(db: Path, records: list[dict[str, Any]], round_size: int, minutes: float) -> dict[str, Any]:
    """Store and brief the records in rounds with the server's own code; stops after `minutes`."""
    from storylens.clean import clean_batch
    from storylens.config import Settings
    from storylens.ingest.records import raw_from_record
    from storylens.serve.rebuild import Rebuilder
    from storylens.serve.store import Store

    settings = Settings()
    store = Store(db)
    done = int(store.meta(SEEDED_KEY) or 0)  # records a previous run on this store took in
    rebuilder = Rebuilder(store, settings)
    started = time.monotonic()
    rounds = []
    try:
        for start in range(done, len(records), round_size):
            if minutes <= 0:  # measure the store as it is
                break
            chunk = records[start : start + round_size]
            raws = [raw_from_record(r, f"seed:{start + n}", settings.ingest) for n, r in enumerate(chunk)]
            articles, _ = clean_batch(raws, settings.clean)
            store.add_articles(articles)
            rebuilder.request()
            rebuilder.wait()
            store.set_meta(SEEDED_KEY, str(start + len(chunk)))
            elapsed = time.monotonic() - started
            rounds.append((store.article_count(), len(store.briefings()), elapsed, load_average()))
            print(f"seeded {rounds[-1]}", flush=True)
            if rebuilder.last_error:
                print(f"rebuild error: {rebuilder.last_error}", flush=True)
            last_round = elapsed - (rounds[-2][2] if len(rounds) > 1 else 0.0)
            if elapsed + last_round > minutes * 60:  # the next round would end past the budget
                break
    finally:
        rebuilder.stop()
    result = {
        "articles": store.article_count(),
        "briefed": sum(len(b.story.article_ids) for b in store.briefings()),
        "stories": len(store.briefings()),
        "quarantined": len(store.quarantined()),
        "seconds": time.monotonic() - started,
        "rounds": rounds,
    }
    store.close()
    return result


def wait_idle(client: httpx.Client) -> None:
    while client.get("/api/status").json()["rebuilding"]:
        time.sleep(0.1)


def upload_one(client: httpx.Client, record: dict[str, Any]) -> dict[str, Any] | None:
    """Upload; seconds until the story page links the article; what else changed."""
    before = {s["id"]: s["version"] for s in client.get("/api/stories").json()}
    started = time.monotonic()
    answer = client.post("/api/articles", json=record, headers=HEADERS).json()
    if not answer["stored"]:  # its clean text is already stored (a reprint of a seeded one)
        return None
    (article_id,) = answer["stored"]
    while True:
        state = client.get(f"/api/articles/{article_id}").json()
        if state["status"] == "failed":
            raise RuntimeError(f"upload failed: {state['failure']}")
        if state["story"]:
            page = client.get(f"/stories/{state['story']}", follow_redirects=True)
            if f"/articles/{article_id}" in page.text:
                break
        time.sleep(0.05)
    seconds = time.monotonic() - started
    wait_idle(client)
    after = {s["id"]: s["version"] for s in client.get("/api/stories").json()}
    story = state["story"]
    changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)} - {story}
    unrelated = {i for i in changed if not _moved_to(client, i, story)}
    joined = story in before
    return {"seconds": seconds, "unrelated": len(unrelated), "joined": joined, "story": story, "after": after}


def _moved_to(client: httpx.Client, old: str, story: str) -> bool:
    """A story that went because the upload changed its id (it became `story`)."""
    answer = client.get(f"/api/stories/{old}/version", follow_redirects=False)
    return answer.status_code == 307 and answer.headers["location"].split("/")[3] == story


def etag_check(client: httpx.Client, versions: dict[str, int], skip: set[str], rng: random.Random) -> int:
    """How many of 20 unrelated story pages answer 304 to their own ETag."""
    sample = rng.sample(sorted(set(versions) - skip), min(20, len(set(versions) - skip)))
    tags = {i: client.get(f"/stories/{i}").headers["etag"] for i in sample}
    return sum(
        client.get(f"/stories/{i}", headers={"If-None-Match": t}).status_code == 304 for i, t in tags.items()
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--round", type=int, default=500)
    parser.add_argument("--seed-minutes", type=float, default=30.0)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--store", type=Path, help="keep the seeded store here; a later run goes on seeding it"
    )
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    records = real_articles(SHARED)
    rng.shuffle(records)
    # one warm-up upload, the timed ones, and spares for uploads found already stored
    spares = arguments.uploads + 1 + SPARES
    held_out, pool = records[:spares], records[spares:]
    print(f"{len(records)} distinct real articles; load average {load_average()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        db = arguments.store or Path(folder) / "store.db"
        seeded = seed(db, pool[: arguments.articles], arguments.round, arguments.seed_minutes)
        print(f"seed: {seeded}", flush=True)
        uploads, warm, checks = run_uploads(db, held_out, arguments.uploads, rng)
    print_tables(seeded, uploads, warm, checks)
    if arguments.load_seconds:
        print(f"\nload bench (load average {load_average()} before):", flush=True)
        command = [
            sys.executable,
            str(ROOT / "bench" / "serve_load.py"),
            "--seconds",
            str(arguments.load_seconds),
        ]
        subprocess.run(command, check=True)
        print(f"load average after: {load_average()}")


def run_uploads(
    db: Path, held_out: list[dict[str, Any]], count: int, rng: random.Random
) -> tuple[list[dict[str, Any]], float, list[int]]:
    port = _free_port()
    from serve_load import start_server  # the web benches start the server one way

    server = start_server(db, port, TOKEN, wait=600)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            wait_idle(client)
            results: list[dict[str, Any]] = []
            checks: list[int] = []
            warm = None
            for record in held_out:
                if len(results) == count:
                    break
                result = upload_one(client, record)
                if result is None:
                    print("skipped: already stored", flush=True)
                    continue
                if warm is None:
                    warm = result["seconds"]
                    print(f"warm-up upload: {warm:.1f} s", flush=True)
                    continue
                checks.append(etag_check(client, result["after"], {result["story"]}, rng))
                results.append(result)
                print(
                    f"upload: {result['seconds']:.2f} s, joined an existing story: {result['joined']}, "
                    f"unrelated stories changed: {result['unrelated']}, 304s: {checks[-1]}/20, "
                    f"load {load_average()}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert warm is not None and len(results) == count, "too few held-out articles were new to the store"
    return results, warm, checks


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def print_tables(
    seeded: dict[str, Any], uploads: list[dict[str, Any]], warm: float, checks: list[int]
) -> None:
    seconds = [u["seconds"] for u in uploads]
    print(f"\nseed (library functions, the server's rebuild code), cores: {os.cpu_count()}\n")
    print("| articles stored | briefed | stories | quarantined | seconds | articles/s |")
    print("|---|---|---|---|---|---|")
    rate = seeded["articles"] / seeded["seconds"]
    print(
        f"| {seeded['articles']:,} | {seeded['briefed']:,} | {seeded['stories']:,} | {seeded['quarantined']} "
        f"| {seeded['seconds']:.0f} | {rate:.2f} |"
    )
    print(f"\n{len(uploads)} single-article uploads through the HTTP API (after one warm-up: {warm:.1f} s)\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| median seconds until the story page shows it | {statistics.median(seconds):.2f} | <= 5 |")
    print(f"| p95 seconds | {percentile(seconds, 0.95):.2f} | <= 10 |")
    print(f"| max seconds | {max(seconds):.2f} |  |")
    print(f"| uploads that joined an existing story | {sum(u['joined'] for u in uploads)} |  |")
    unrelated = sum(u["unrelated"] for u in uploads)
    print(f"| unrelated stories whose version changed (pages that would reload) | {unrelated} | 0 |")
    print(f"| unrelated story pages answering 304 to their ETag | {sum(checks)}/{20 * len(checks)} | all |")
    print(f"| load average at the end | {load_average()} |  |")


if __name__ == "__main__":
    main()
