"""Load on the web app: concurrent clients on loopback uploading and reading.

Run: .venv/bin/python bench/serve_load.py [--clients 50] [--seconds 60] [--upload-share 0.2]

Starts `storylens serve` on a free loopback port with a fresh store seeded with the bundled
examples, then runs the clients for the given time. Each client loops: with probability
`--upload-share` it posts a new article (a bundled example with a closing sentence of its own,
so that it is not a duplicate), otherwise it reads a page or an API resource at random. Prints requests
per second, p50/p99 latency per kind and the error count (any non-2xx answer or failed request).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
ERRORS: list[str] = []
TOKEN = "serve-load-bench-token-0123456789"  # every write needs it (issue 13)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, token: str = TOKEN, wait: float = 60.0) -> subprocess.Popen[bytes]:
    """`storylens serve` on `db` in its own process, once it answers (at most `wait` seconds;
    a store of thousands of articles takes minutes to open). Shared by the web benches."""
    command = [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--token", token], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


async def client(
    base: str, until: float, share: float, number: int, results: list[tuple[str, float, bool]]
) -> None:
    rng = random.Random(number)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=True, headers=headers) as http:
        count = 0
        while time.monotonic() < until:
            count += 1
            if rng.random() < share:
                kind = "upload"
                example = rng.choice(EXAMPLES)
                tag = "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4))
                body = example.read_text(encoding="utf-8") + f"\nThis copy was filed under the tag {tag}.\n"
                request = http.post(
                    "/api/articles", files={"files": (f"c{number}-{count}.txt", body.encode())}
                )
            else:
                kind, path = rng.choice([("page", "/"), ("api", "/api/stories"), ("story", None)])
                if path is None:
                    stories = (await http.get("/api/stories")).json()
                    path = f"/stories/{stories[0]['id']}" if stories else "/"
                request = http.get(path)
            started = time.perf_counter()
            try:
                response = await request
                ok = response.status_code < 300
                if not ok:
                    ERRORS.append(f"{kind} {response.status_code} {str(response.url.path)[:40]}")
            except httpx.HTTPError as exc:
                ok = False
                ERRORS.append(f"{kind} {type(exc).__name__}")
            results.append((kind, time.perf_counter() - started, ok))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def run(base: str, clients: int, seconds: float, share: float) -> list[tuple[str, float, bool]]:
    results: list[tuple[str, float, bool]] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(client(base, until, share, n, results) for n in range(clients)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--upload-share", type=float, default=0.2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        server = start_server(Path(scratch) / "load.db", port)
        base = f"http://127.0.0.1:{port}"
        try:
            files = [("files", (p.name, p.read_bytes())) for p in sorted((ROOT / "examples").iterdir())]
            httpx.post(
                base + "/api/articles", files=files, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}
            )
            started = time.monotonic()
            results = asyncio.run(run(base, args.clients, args.seconds, args.upload_share))
            elapsed = time.monotonic() - started
            status = json.loads(httpx.get(base + "/api/status", timeout=30).text)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(
        f"{args.clients} clients for {args.seconds:.0f} s on loopback, {args.upload_share:.0%} uploads; "
        f"{status['articles']} articles stored at the end\n"
    )
    print("| requests | kind | per second | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for kind in ("all", "upload", "page", "api", "story"):
        chosen = [r for r in results if kind == "all" or r[0] == kind]
        latencies = [r[1] * 1000 for r in chosen]
        errors = sum(not r[2] for r in chosen)
        print(
            f"| {len(chosen)} | {kind} | {len(chosen) / elapsed:.1f} "
            f"| {statistics.median(latencies) if latencies else 0:.0f} "
            f"| {percentile(latencies, 0.99):.0f} | {errors} |"
        )
    for error, count in Counter(ERRORS).most_common():
        print(f"error: {error} ({count}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
