"""SIGKILL the web app at random moments while it takes uploads; count what was lost.

Run: .venv/bin/python bench/kill_serve.py [--kills 20] [--seed 13] [--max-alive 6]

Starts a real `storylens serve` on a fresh store, uploads short generated articles over HTTP
(one JSON article per request, with the API token) and, at a random moment between 0.3 s and
`--max-alive` seconds after the server answers, kills its main process with SIGKILL: during an
upload, a rebuild, or startup (a quarter of the rounds upload nothing). Each time it then
counts the server's child processes still alive 10 s later (orphans: the rebuild worker,
multiprocessing's resource tracker), restarts the server on the same store and waits for the
one rebuild that a start runs. Every upload the server acknowledged (HTTP 200 with its article
id) must then be stored (else: lost) and either in a story or quarantined with a reason (else:
not briefed within one rebuild). Prints a table.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from procs import alive, descendants

TOKEN = "kill-bench-token-0123456789abcdef"
TOWNS = "Aldbridge Brenmoor Carrow Dunholt Elsmere Farrowby Glenwick Harlow Ivesby Jarrowdale".split()
THINGS = "cycle lanes|bus shelters|street lights|school places|flood barriers|tram stops".split("|")
PEOPLE = "Ada Moreno|Ben Okafor|Cara Lindqvist|Dev Patel|Elin Sato|Femi Adeyemi".split("|")
DAYS = "Monday Tuesday Wednesday Thursday Friday".split()
QUIET_SHARE = 0.25  # rounds in which nothing is uploaded before the kill


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def article(rng: random.Random, number: int) -> dict[str, str]:
    town, thing, person, day = rng.choice(TOWNS), rng.choice(THINGS), rng.choice(PEOPLE), rng.choice(DAYS)
    count = rng.randint(2, 90)
    text = (
        f"The council of {town} approved {count} new {thing} on {day} after a long debate, "
        f"council leader {person} said in a statement. Work on the {thing} will start next month "
        f"and should take about {rng.randint(2, 11)} weeks, the council said. "
        f"Upload number {number} was filed by the benchmark."
    )
    return {"title": f"{town} approves {thing}", "source": f"{town} Courier", "text": text}


class Server:
    def __init__(self, db: Path, port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(port)]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command, "--token", TOKEN], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.children: set[int] = set()
        self.http = httpx.Client(base_url=self.base, timeout=30, headers={"Authorization": f"Bearer {TOKEN}"})
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                self.http.get("/api/status")
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def note_children(self) -> None:
        self.children |= descendants(self.process.pid)

    def wait_for_rebuild(self, timeout: float = 600) -> float:
        started = time.monotonic()
        while self.http.get("/api/status").json()["rebuilding"]:
            if time.monotonic() - started > timeout:
                raise TimeoutError("rebuild did not finish")
            self.note_children()
            time.sleep(0.2)
        return time.monotonic() - started

    def rebuilding(self) -> bool:
        try:
            return bool(self.http.get("/api/status", timeout=2).json()["rebuilding"])
        except httpx.HTTPError:
            return False

    def kill(self) -> int:
        """SIGKILL the main process; the count of its children still alive 10 s later."""
        self.note_children()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(self.children) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = alive(self.children)
        for pid in orphans:  # counted; now cleaned up so that the next round starts clean
            os.kill(pid, signal.SIGKILL)
        return len(orphans)


@dataclass
class Tally:
    attempted: int = 0
    acknowledged: list[str] = field(default_factory=list)
    lost: int = 0
    not_briefed: int = 0
    quarantined: int = 0
    orphans: int = 0
    children_seen: int = 0
    kills_in_rebuild: int = 0
    quiet_kills: int = 0
    restart_rebuild_seconds: list[float] = field(default_factory=list)


def upload_until(server: Server, stop: threading.Event, rng: random.Random, tally: Tally) -> None:
    while not stop.is_set():
        tally.attempted += 1
        try:
            answer = server.http.post("/api/articles", json=article(rng, tally.attempted))
        except httpx.HTTPError:
            return  # the server died mid-request: not acknowledged, so not counted as lost
        if answer.status_code == 200:
            tally.acknowledged += answer.json()["stored"]
        server.note_children()
        time.sleep(rng.uniform(0.05, 0.3))


def check_after_restart(server: Server, tally: Tally) -> None:
    """After the one rebuild that a start runs: every acknowledged article stored and handled."""
    tally.restart_rebuild_seconds.append(server.wait_for_rebuild())
    briefed = {i for story in server.http.get("/api/stories").json() for i in story["article_ids"]}
    failed = {f["id"] for f in server.http.get("/api/status").json()["failed_articles"]}
    tally.quarantined = len(failed)
    for article_id in tally.acknowledged:
        if article_id in briefed or article_id in failed:
            continue
        if server.http.get(f"/api/articles/{article_id}").status_code == 404:
            tally.lost += 1
        else:
            tally.not_briefed += 1


def run(kills: int, seed: int, max_alive: float, folder: Path) -> Tally:
    rng = random.Random(seed)
    db, port, log = folder / "store.db", free_port(), folder / "server.log"
    tally = Tally()
    for round_number in range(kills + 1):
        server = Server(db, port, log)
        if round_number:
            before = (tally.lost, tally.not_briefed)
            check_after_restart(server, tally)
            print(
                f"round {round_number}: {len(tally.acknowledged)} acknowledged so far, "
                f"lost {tally.lost - before[0]}, not briefed {tally.not_briefed - before[1]}, "
                f"restart rebuild {tally.restart_rebuild_seconds[-1]:.1f} s",
                file=sys.stderr,
            )
        if round_number == kills:
            server.note_children()
            server.process.terminate()
            server.process.wait(timeout=30)
            server.http.close()
            break
        stop = threading.Event()
        uploader = threading.Thread(target=upload_until, args=(server, stop, rng, tally))
        quiet = rng.random() < QUIET_SHARE
        if quiet:
            stop.set()  # a round with no uploads: the kill finds the server idle or rebuilding on start
        tally.quiet_kills += quiet
        uploader.start()
        time.sleep(rng.uniform(0.3, max_alive))
        tally.kills_in_rebuild += server.rebuilding()
        orphans = server.kill()
        tally.children_seen += len(server.children)
        stop.set()
        uploader.join()
        server.http.close()
        tally.orphans += orphans
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-alive", type=float, default=6.0, help="longest time before a kill, seconds")
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="storylens-kill-") as folder:
        tally = run(args.kills, args.seed, args.max_alive, Path(folder))
    waits = sorted(tally.restart_rebuild_seconds)
    rows = [
        ("SIGKILLs of the server's main process", str(args.kills), ""),
        ("uploads attempted", str(tally.attempted), ""),
        ("uploads acknowledged (HTTP 200)", str(len(tally.acknowledged)), ""),
        ("acknowledged uploads lost", str(tally.lost), "0"),
        ("stored articles not briefed within one rebuild after restart", str(tally.not_briefed), "0"),
        ("articles quarantined (failed, with a reason)", str(tally.quarantined), ""),
        ("kills in rounds without uploads", str(tally.quiet_kills), ""),
        ("kills while a rebuild was running", str(tally.kills_in_rebuild), ""),
        ("child processes of the killed servers (worker, resource tracker)", str(tally.children_seen), ""),
        ("orphan processes 10 s after a kill", str(tally.orphans), "0"),
        ("restart rebuild, median / max seconds", f"{waits[len(waits) // 2]:.1f} / {waits[-1]:.1f}", ""),
        ("wall time, seconds", f"{time.monotonic() - started:.0f}", ""),
    ]
    print("| measure | value | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main()
