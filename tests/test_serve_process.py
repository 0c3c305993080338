"""The web app as a real `storylens serve` process: uploads over real sockets, real signals.

These start servers (a few seconds each) and need Linux's /proc to find the server's children."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES
from procs import alive, descendants  # bench/procs.py, put on the path by conftest

pytest.importorskip("fastapi", reason="install storylens[serve]")
if not Path("/proc/self/stat").exists():
    pytest.skip("needs Linux /proc to follow the server's processes", allow_module_level=True)

TOKEN = "process-test-token-0123456789"
MIB = 1024 * 1024
GOOD = (
    "source: Valley Gazette\ndate: 2026-11-16\nCouncil approves cycle lanes\n\n"
    "The city council approved twelve kilometres of new cycle lanes on Monday after a debate "
    "that lasted four hours, the mayor's office said in a statement.\n"
)
# A date in year 1 made every rebuild fail before quarantine (timestamp() out of range).
POISON = (
    "source: Old Times\ndate: 0001-01-01\nAncient council votes\n\n"
    "The old council voted on the harbour wall after a debate that lasted all night, "
    "the clerk said in a statement on Friday.\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, db: Path, port: int | None = None, options: tuple[str, ...] = ()) -> None:
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(self.port)]
        self.log = (db.parent / f"server-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [*command, "--token", TOKEN, *options],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.status()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start")

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, bytes(response.read())
        except urllib.error.HTTPError as error:
            return error.code, bytes(error.read())

    def status(self) -> dict[str, object]:
        return dict(json.loads(self.request("GET", "/api/status")[1]))

    def upload(self, name: str, content: bytes, token: str | None = TOKEN) -> tuple[int, dict[str, object]]:
        boundary = "storylens-process-test"
        body = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n'.encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        code, answer = self.request("POST", "/api/articles", body, headers)
        return code, dict(json.loads(answer))

    def wait_for_rebuild(self, timeout: float = 180) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if not status["rebuilding"]:
                return status
            if time.monotonic() > deadline:
                raise TimeoutError("rebuild did not finish")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[LiveServer]:
    running = LiveServer(tmp_path / "store.db")
    yield running
    running.stop()


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _send_chunked(port: int, headers: str, chunks: int, chunk_size: int) -> bytes:
    """A raw HTTP/1.1 request with a chunked body (no Content-Length to trust); the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(headers.encode() + b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = f"{chunk_size:x}\r\n".encode() + b"x" * chunk_size + b"\r\n"
        try:
            for _ in range(chunks):
                sock.sendall(chunk)
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may stop reading; its answer is still there to read
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        return answer


def test_a_60_mb_chunked_body_gets_413_counted_while_streaming(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "store.db", options=("--max-request-bytes", str(8 * MIB)))
    try:
        _refuse_a_60_mb_chunked_body(server)
    finally:
        server.stop()


def _refuse_a_60_mb_chunked_body(server: LiveServer) -> None:
    before = _peak_rss_kib(server.process.pid)
    head = (
        f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
    )
    answer = _send_chunked(server.port, head, chunks=60, chunk_size=MIB)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    grown_mib = (_peak_rss_kib(server.process.pid) - before) / 1024
    # Counted as it streams: at most the 8 MiB limit is held, never the 60 MiB sent.
    assert grown_mib < 30, f"the server's peak memory grew by {grown_mib:.0f} MiB: the body was kept"
    no_token = (
        f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/json\r\n"
    )
    assert _send_chunked(server.port, no_token, chunks=4, chunk_size=MIB).startswith(b"HTTP/1.1 401")
    assert server.status()["articles"] == 0


def test_token_origin_and_host_checks_over_http(server: LiveServer) -> None:
    code, answer = server.upload("a.txt", GOOD.encode(), token=None)
    assert code == 401 and "token" in str(answer["detail"])
    form = b"token=" + TOKEN.encode()
    cross = {"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
    assert server.request("POST", "/login", form, cross)[0] == 403
    files_from_elsewhere = {
        "Origin": "http://evil.example",
        "Cookie": f"storylens_token_{server.port}={TOKEN}",
    }
    assert server.request("POST", "/upload", b"", files_from_elsewhere)[0] == 403
    assert server.request("GET", "/", headers={"Host": "rebinding.evil.example"})[0] == 400
    assert server.status()["articles"] == 0
    code, answer = server.upload("a.txt", GOOD.encode())
    assert code == 200 and len(answer["stored"]) == 1  # type: ignore[arg-type]


def test_a_poison_upload_does_not_stop_the_next_rebuild(server: LiveServer) -> None:
    code, poison = server.upload("poison.txt", POISON.encode())
    assert code == 200
    (poison_id,) = poison["stored"]  # type: ignore[misc]
    server.wait_for_rebuild()
    code, good = server.upload("good.txt", GOOD.encode())
    (good_id,) = good["stored"]  # type: ignore[misc]
    status = server.wait_for_rebuild()
    assert status["last_error"] is None
    good_article = json.loads(server.request("GET", f"/api/articles/{good_id}")[1])
    assert good_article["status"] == "briefed"
    poisoned = json.loads(server.request("GET", f"/api/articles/{poison_id}")[1])
    # Quarantined with its reason, unless the pipeline itself learned to brief it.
    assert poisoned["status"] in {"failed", "briefed"}
    if poisoned["status"] == "failed":
        assert poisoned["failure"] and poison_id in server.request("GET", "/")[1].decode()


def test_the_worker_dies_with_the_server_even_on_sigkill(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "store.db")
    try:
        for example in sorted(EXAMPLES.iterdir()):  # a rebuild of all six is running when it dies
            assert server.upload(example.name, example.read_bytes())[0] == 200
        time.sleep(1.0)
        children = descendants(server.process.pid)
        assert children, "the server has a rebuild worker (and multiprocessing's resource tracker)"
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(children), f"orphans left: {alive(children)}"
    finally:
        server.stop()


def test_after_a_sigkill_every_stored_article_is_briefed_on_restart(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    first = LiveServer(db)
    acknowledged: list[str] = []
    try:
        for example in sorted(EXAMPLES.iterdir()):
            code, answer = first.upload(example.name, example.read_bytes())
            assert code == 200
            acknowledged += answer["stored"]  # type: ignore[arg-type]
        os.kill(first.process.pid, signal.SIGKILL)  # before the rebuild of the uploads is done
        first.process.wait(timeout=10)
    finally:
        first.stop()
    second = LiveServer(db)
    try:
        second.wait_for_rebuild()
        states = {
            i: json.loads(second.request("GET", f"/api/articles/{i}")[1])["status"] for i in acknowledged
        }
        assert len(acknowledged) == 6 and set(states.values()) == {"briefed"}, states
    finally:
        second.stop()


REBUILDER_SCRIPT = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from poison import poisoned_brief
from storylens.config import Settings
from storylens.model import Article
from storylens.serve.rebuild import Rebuilder
from storylens.serve.store import Store

store = Store(Path(sys.argv[1]))
store.add_articles([Article("a1", "The council met on Monday. HANG", "Hang", "Gazette", "a1.txt", "text")])
rebuilder = Rebuilder(store, Settings(), brief=poisoned_brief)
rebuilder.request()
print(rebuilder.worker_pid, flush=True)
time.sleep(600)
"""


def test_a_worker_busy_for_ever_still_dies_with_its_killed_parent(tmp_path: Path) -> None:
    """The worker is stuck inside the pipeline (an article that hangs), so it never reads its
    pipe again: only watching its parent ends it when the parent is SIGKILLed."""
    tests = str(Path(__file__).resolve().parent)
    command = [sys.executable, "-c", REBUILDER_SCRIPT, str(tmp_path / "store.db"), tests]
    parent = subprocess.Popen(command, stdout=subprocess.PIPE, start_new_session=True)
    children: set[int] = set()
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        time.sleep(3.0)  # the worker has taken the job and hangs in it
        assert alive({worker})
        children = descendants(parent.pid)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 20  # generous: on a loaded 2-core machine 5 s was flaky
        while alive(children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(children), f"orphans left: {alive(children)}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
        for pid in alive(children):  # cleaned up whatever the test found
            os.kill(pid, signal.SIGKILL)
        if parent.stdout is not None:
            parent.stdout.close()


def _versions(server: LiveServer) -> dict[str, int]:
    return {s["id"]: s["version"] for s in json.loads(server.request("GET", "/api/stories")[1])}


def test_a_real_server_changes_only_the_uploaded_story_and_keeps_versions_over_a_restart(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.db"
    first = LiveServer(db)
    try:
        for example in sorted(EXAMPLES.iterdir()):
            assert first.upload(example.name, example.read_bytes())[0] == 200
        first.wait_for_rebuild()
        before = _versions(first)
        assert len(before) == 2
        reprint = (EXAMPLES / "01_meridian_wire.txt").read_bytes() + b"\nThe line reopens on Friday.\n"
        code, answer = first.upload("ledger.txt", b"source: Lakeside Ledger\n\n" + reprint)
        assert code == 200
        first.wait_for_rebuild()
        (new_id,) = answer["stored"]  # type: ignore[misc]
        story = json.loads(first.request("GET", f"/api/articles/{new_id}")[1])["story"]
        after = _versions(first)
        assert {i for i in after if after[i] != before.get(i)} == {story}
        (other,) = set(after) - {story}
        tags = {}
        for story_id in after:
            with urllib.request.urlopen(f"{first.url}/api/stories/{story_id}", timeout=60) as response:
                tags[story_id] = response.headers["ETag"]
    finally:
        first.stop()
    second = LiveServer(db)
    try:
        second.wait_for_rebuild()
        assert _versions(second) == after
        for story_id, tag in tags.items():
            code, _ = second.request("GET", f"/api/stories/{story_id}", headers={"If-None-Match": tag})
            assert code == 304
        assert (
            json.loads(second.request("GET", f"/api/stories/{other}/version")[1])["version"] == before[other]
        )
    finally:
        second.stop()
