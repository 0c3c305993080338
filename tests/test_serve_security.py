"""Who may write to the web app, from where and how much; errors with reasons; quarantine.

In-process (FastAPI's test client, which goes through the same ASGI guard as a real server);
the tests that need a real server process and real signals are in test_serve_process.py."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

fastapi = pytest.importorskip("fastapi", reason="install storylens[serve]")
from fastapi.testclient import TestClient  # noqa: E402
from poison import poisoned_brief  # noqa: E402

from storylens.config import load_settings  # noqa: E402
from storylens.serve.app import create_app  # noqa: E402
from storylens.serve.security import Access, Guard, csrf_token, host_name  # noqa: E402
from storylens.serve.store import Store  # noqa: E402
from storylens.serve.watch import FolderWatcher  # noqa: E402

TOKEN = "security-test-token-0123456789"
BASE = "http://127.0.0.1:8000"
SAME_ORIGIN = {"Origin": BASE}
COOKIE = "storylens_token_8000"  # the test client's server port is taken from the base URL
GOOD = {
    "title": "Council approves cycle lanes",
    "source": "Valley Gazette",
    "date": "2026-11-16",
    "text": "The city council approved twelve kilometres of new cycle lanes on Monday after a debate "
    "that lasted four hours, the mayor's office said in a statement.",
}


def _app(tmp_path: Path, **kwargs: object) -> TestClient:
    app = create_app(tmp_path / "store.db", access=Access(TOKEN), **kwargs)  # type: ignore[arg-type]
    client = TestClient(app, base_url=BASE)
    client.state = app.state.storylens  # type: ignore[attr-defined]
    return client


@pytest.fixture()
def anonymous(tmp_path: Path) -> Iterator[TestClient]:
    with _app(tmp_path) as client:
        yield client


def _logged_in(client: TestClient) -> str:
    """Log in through the form; the CSRF token the page then embeds."""
    answer = client.post("/login", data={"token": TOKEN}, headers=SAME_ORIGIN, follow_redirects=False)
    assert answer.status_code == 303
    page = client.get("/").text
    found = re.search(r'action="/upload\?csrf=([0-9a-f]+)"', page)
    assert found is not None, "a logged-in page carries the upload form with its CSRF token"
    return found.group(1)


def test_writes_without_the_token_get_401_and_reads_stay_open(anonymous: TestClient) -> None:
    for method, path in [("POST", "/api/articles"), ("DELETE", "/api/articles/x"), ("POST", "/upload")]:
        answer = anonymous.request(method, path, json=GOOD)
        assert answer.status_code == 401, (method, path)
        assert "token" in answer.json()["detail"]
    wrong = anonymous.post("/api/articles", json=GOOD, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    assert anonymous.get("/api/status").json()["articles"] == 0
    assert anonymous.get("/").status_code == 200 and "Log in" in anonymous.get("/").text
    assert 'id="upload-form"' not in anonymous.get("/").text
    by_header = anonymous.post("/api/articles", json=GOOD, headers={"X-Storylens-Token": TOKEN})
    assert by_header.status_code == 200 and len(by_header.json()["stored"]) == 1


def test_cross_origin_form_posts_get_403_even_with_the_cookie(anonymous: TestClient) -> None:
    csrf = _logged_in(anonymous)
    files = [("files", ("a.txt", GOOD["text"].encode()))]
    evil = {"Origin": "http://evil.example"}
    assert anonymous.post(f"/upload?csrf={csrf}", files=files, headers=evil).status_code == 403
    cross_site = {**SAME_ORIGIN, "Sec-Fetch-Site": "cross-site"}
    assert anonymous.post(f"/upload?csrf={csrf}", files=files, headers=cross_site).status_code == 403
    # The cookie alone is not enough: the Origin header and the CSRF token must come with it.
    assert anonymous.post(f"/upload?csrf={csrf}", files=files).status_code == 403
    assert anonymous.post("/upload", files=files, headers=SAME_ORIGIN).status_code == 403
    assert anonymous.post("/upload?csrf=0000", files=files, headers=SAME_ORIGIN).status_code == 403
    assert anonymous.get("/api/status").json()["articles"] == 0
    same = anonymous.post(f"/upload?csrf={csrf}", files=files, headers=SAME_ORIGIN, follow_redirects=False)
    assert same.status_code == 303 and same.headers["location"].startswith("/?report=")
    assert anonymous.get("/api/status").json()["articles"] == 1
    assert csrf == csrf_token(TOKEN) and TOKEN not in anonymous.get("/").text


def test_login_sets_a_strict_http_only_cookie_and_refuses_a_wrong_token(anonymous: TestClient) -> None:
    wrong = anonymous.post("/login", data={"token": "guess"}, headers=SAME_ORIGIN)
    assert wrong.status_code == 401 and "not this server's token" in wrong.text
    right = anonymous.post("/login", data={"token": TOKEN}, headers=SAME_ORIGIN, follow_redirects=False)
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert anonymous.cookies.get(COOKIE) == TOKEN
    assert (
        anonymous.post("/login", data={"token": TOKEN}, headers={"Origin": "http://evil.example"}).status_code
        == 403
    )


def test_a_host_not_allowed_gets_400(tmp_path: Path) -> None:
    with _app(tmp_path) as client:
        assert client.get("/", headers={"Host": "rebound.evil.example"}).status_code == 400
        assert client.get("/api/status", headers={"Host": "localhost:8000"}).status_code == 200
        assert client.get("/api/status", headers={"Host": "[::1]:8000"}).status_code == 200
    access = Access.for_server(TOKEN, "0.0.0.0", ["news.example.org"])
    app = create_app(tmp_path / "other.db", access=access)
    with TestClient(app, base_url="http://news.example.org") as client:
        assert client.get("/api/status").status_code == 200
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_the_token_is_generated_once_and_kept_in_the_store(tmp_path: Path) -> None:
    first = create_app(tmp_path / "store.db")
    token = first.state.storylens.access.token
    assert first.state.storylens.token_generated and len(token) >= 16
    first.state.storylens.rebuilder.stop()
    again = create_app(tmp_path / "store.db")
    assert again.state.storylens.access.token == token and not again.state.storylens.token_generated
    again.state.storylens.rebuilder.stop()


def test_request_and_record_limits(tmp_path: Path) -> None:
    access = Access(TOKEN, max_request_bytes=10_000)
    app = create_app(tmp_path / "store.db", access=access)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, base_url=BASE, headers=headers) as client:
        big = client.post("/api/articles", json={**GOOD, "text": "word " * 5000})
        assert big.status_code == 413 and "10,000" in big.json()["detail"]
        chunks = (b"x" * 1000 for _ in range(50))  # no Content-Length: counted as it arrives
        chunked = client.post("/api/articles", content=chunks, headers={"content-type": "application/json"})
        assert chunked.status_code == 413
    small_limits = load_settings(None, ingest={"max_bytes": 2_000})
    small_records = create_app(tmp_path / "records.db", settings=small_limits, access=Access(TOKEN))
    with TestClient(small_records, base_url=BASE, headers=headers) as client:
        answer = client.post("/api/articles", json=[GOOD, {**GOOD, "text": "word " * 1000}])
        assert answer.status_code == 200 and len(answer.json()["stored"]) == 1
        (failure,) = answer.json()["failures"]
        assert failure["origin"] == "api:2" and "per-record limit of 2,000" in failure["reason"]
        too_big = client.post("/api/articles", files=[("files", ("big.txt", b"word " * 1000))])
        assert too_big.status_code == 422 and "per-file limit" in too_big.text


def test_good_files_are_kept_when_others_in_the_request_fail(
    anonymous: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storylens.serve import intake

    real = intake.read_bytes

    def flaky(data: bytes, origin: str, *args: object) -> object:
        if "boom" in origin:
            raise RuntimeError("reader bug")
        return real(data, origin, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "read_bytes", flaky)
    files = [
        ("files", ("boom.txt", b"anything")),
        ("files", ("report.pdf", b"%PDF-1.7 ...")),
        ("files", ("scan.txt", b"%PDF-1.4 a PDF under a text name")),
        ("files", ("good.txt", (EXAMPLES / "01_meridian_wire.txt").read_bytes())),
    ]
    answer = anonymous.post("/api/articles", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    report = answer.json()
    assert len(report["stored"]) == 1
    reasons = {f["origin"]: f["reason"] for f in report["failures"]}
    assert "RuntimeError: reader bug" in reasons["upload:boom.txt"]
    assert reasons["upload:report.pdf"].startswith("PDF files are not read")
    assert reasons["upload:scan.txt"].startswith("PDF files are not read")
    page = anonymous.get(f"/?report={report['report']}").text
    assert (
        "1 stored" in page
        and "3 failed" in page
        and "upload:boom.txt" in page
        and "PDF files are not read" in page
    )


def test_errors_answer_with_reasons_as_json_or_pages(
    anonymous: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = anonymous.get("/stories/no-such-story")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "no story &#39;no-such-story&#39;" in missing.text and "<h1>Not found</h1>" in missing.text
    assert anonymous.get("/api/stories/no-such-story").json()["detail"].startswith("no story")

    def broken(_: str) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(anonymous.state.store, "article", broken)  # type: ignore[attr-defined]
    answering = TestClient(anonymous.app, base_url=BASE, raise_server_exceptions=False)
    api = answering.get("/api/articles/a1")
    assert api.status_code == 500 and "RuntimeError: disk on fire" in api.json()["detail"]
    page = answering.get("/articles/a1")
    assert page.status_code == 500 and "disk on fire" in page.text and "<html" in page.text


def test_empty_states_say_what_is_happening(tmp_path: Path) -> None:
    with _app(tmp_path, brief=poisoned_brief) as client:
        assert "No stories yet: upload some articles." in client.get("/").text
        assert "No stories match “nothing”." in client.get("/", params={"q": "nothing"}).text
        hang = {**GOOD, "text": GOOD["text"] + " HANG"}
        client.post("/api/articles", json=hang, headers={"Authorization": f"Bearer {TOKEN}"})
        assert "Building the first briefing…" in client.get("/").text
        assert client.post("/upload", files=[], headers=SAME_ORIGIN).status_code == 401


def test_an_empty_form_submit_is_not_a_failure(anonymous: TestClient) -> None:
    csrf = _logged_in(anonymous)
    nothing = [("files", ("", b"", "application/octet-stream"))]  # what a browser sends
    answer = anonymous.post(f"/upload?csrf={csrf}", files=nothing, headers=SAME_ORIGIN)
    assert answer.status_code == 200 and "Nothing was uploaded" in answer.text and "failed" not in answer.text


def _wait_built(client: TestClient) -> None:
    assert client.state.rebuilder.wait(120)  # type: ignore[attr-defined]


@pytest.mark.parametrize("poison", ["RAISE", "CRASH"])
def test_a_poison_article_is_quarantined_and_the_next_rebuild_goes_on(tmp_path: Path, poison: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with _app(tmp_path, brief=poisoned_brief) as client:
        bad = client.post("/api/articles", json={**GOOD, "text": f"{GOOD['text']} {poison}"}, headers=headers)
        (bad_id,) = bad.json()["stored"]
        _wait_built(client)
        status = client.get("/api/status").json()
        assert status["last_error"] is None
        (failed,) = status["failed_articles"]
        assert failed["id"] == bad_id and "briefing it failed" in failed["reason"]
        assert client.get(f"/api/articles/{bad_id}").json()["status"] == "failed"
        good = client.post("/api/articles", json=GOOD, headers=headers).json()["stored"][0]
        _wait_built(client)
        assert client.get(f"/api/articles/{good}").json()["status"] == "briefed"
        assert [s["article_ids"] for s in client.get("/api/stories").json()] == [[good]]
        page = client.get("/").text
        assert "Articles that could not be briefed" in page and "briefing it failed" in page
        assert "could not be briefed" in client.get(f"/articles/{bad_id}").text
        assert client.delete(f"/api/articles/{bad_id}", headers=headers).json() == {"deleted": bad_id}
        assert client.get(f"/api/articles/{bad_id}").status_code == 404
        assert client.get("/api/status").json()["failed_articles"] == []


def test_a_hanging_article_is_quarantined_after_its_time(tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with _app(tmp_path, brief=poisoned_brief) as client:
        state = client.state  # type: ignore[attr-defined]
        state.rebuilder.isolated_seconds = 3.0
        good = client.post("/api/articles", json=GOOD, headers=headers).json()["stored"][0]
        _wait_built(client)
        hang = {**GOOD, "source": "Other", "text": GOOD["text"] + " HANG"}
        (hang_id,) = client.post("/api/articles", json=hang, headers=headers).json()["stored"]
        # The whole rebuild has no time limit: the worker is killed from outside, as the OOM
        # killer would, and the isolation that follows finds the article that hangs alone.
        time.sleep(1.0)
        os.kill(state.rebuilder.worker_pid, signal.SIGKILL)
        _wait_built(client)
        status = client.get("/api/status").json()
        assert status["last_error"] is None
        assert {f["id"]: f["reason"] for f in status["failed_articles"]} == {
            hang_id: "briefing it failed: it took longer than 3 s"
        }
        assert client.get(f"/api/articles/{good}").json()["status"] == "briefed"


def test_delete_removes_the_article_from_its_story(anonymous: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    first = anonymous.post("/api/articles", json=GOOD, headers=headers).json()["stored"][0]
    reprint = {**GOOD, "source": "Other Paper", "text": GOOD["text"] + " Work starts in spring."}
    second = anonymous.post("/api/articles", json=reprint, headers=headers)
    second_id = second.json()["stored"][0]
    _wait_built(anonymous)
    assert sorted(anonymous.get("/api/stories").json()[0]["article_ids"]) == sorted([first, second_id])
    csrf = _logged_in(anonymous)
    assert f'action="/articles/{first}/delete?csrf={csrf}"' in anonymous.get(f"/articles/{first}").text
    deleted = anonymous.post(
        f"/articles/{first}/delete?csrf={csrf}", headers=SAME_ORIGIN, follow_redirects=False
    )
    assert deleted.status_code == 303
    _wait_built(anonymous)
    assert anonymous.get("/api/stories").json()[0]["article_ids"] == [second_id]
    assert anonymous.delete(f"/api/articles/{first}", headers=headers).status_code == 404


def test_stored_but_unbriefed_articles_are_briefed_on_start(tmp_path: Path) -> None:
    from storylens.clean import clean_batch
    from storylens.config import Settings
    from storylens.model import Raw

    store = Store(tmp_path / "store.db")
    raw = Raw(origin="left.txt", format="text", content=(EXAMPLES / "01_meridian_wire.txt").read_text())
    articles, _ = clean_batch([raw], Settings().clean)
    store.add_articles(articles)
    store.close()
    with _app(tmp_path) as client:
        _wait_built(client)
        assert client.get("/api/stories").json()[0]["article_ids"] == [articles[0].id]


def test_the_watch_folder_never_follows_links_out_of_itself(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the watcher", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "deep.txt").write_text("also not", encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "real.txt").write_text("an article", encoding="utf-8")
    (inbox / "inside-link.txt").symlink_to(inbox / "real.txt")
    (inbox / "leak.txt").symlink_to(secret)
    (inbox / "linked-folder").symlink_to(outside, target_is_directory=True)
    taken: list[list[str]] = []
    watcher = FolderWatcher.__new__(FolderWatcher)  # scan by hand, without the polling thread
    watcher.folder, watcher.take, watcher._seen, watcher._warned = (
        inbox,
        lambda batch: taken.append([n for n, _ in batch]),
        {},
        set(),
    )
    assert watcher.scan() == 1
    assert taken == [["real.txt"]]


async def _read_all_then_answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(0, 3000), max_size=12), limit=st.integers(1024, 20_000))
def test_the_body_limit_counts_every_chunk(sizes: list[int], limit: int) -> None:
    """However a body is cut into chunks, it is refused exactly when its total passes the limit,
    and every chunk is consumed either way (the client is never left sending)."""
    chunks = sizes or [0]
    messages = [
        {"type": "http.request", "body": b"x" * n, "more_body": i < len(chunks) - 1}
        for i, n in enumerate(chunks)
    ]
    pending = list(messages)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"host", b"127.0.0.1:8000"), (b"authorization", f"Bearer {TOKEN}".encode())]
    scope = {"type": "http", "method": "POST", "path": "/api/articles", "headers": headers, "server": None}
    guard = Guard(_read_all_then_answer, Access(TOKEN, max_request_bytes=limit))
    asyncio.run(guard(scope, receive, send))
    assert sent[0]["status"] == (413 if sum(chunks) > limit else 200)
    assert pending == []


@given(name=st.from_regex(r"[a-z0-9.-]{1,30}", fullmatch=True), port=st.integers(1, 65535))
def test_host_names_lose_only_their_port(name: str, port: int) -> None:
    assert host_name(f"{name}:{port}") == name == host_name(name.upper())
    assert host_name(f"[::1]:{port}") == "::1"


def test_serve_warns_beyond_loopback_and_prints_the_generated_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app as cli

    started: list[dict[str, Any]] = []

    def run_nothing(server: Any, **options: Any) -> None:  # stands in for uvicorn.run
        started.append(options)
        server.state.storylens.rebuilder.stop()

    monkeypatch.setattr("uvicorn.run", run_nothing)
    monkeypatch.delenv("STORYLENS_TOKEN", raising=False)
    db = str(tmp_path / "store.db")
    local = CliRunner().invoke(cli, ["serve", "--db", db])
    assert local.exit_code == 0 and "WARNING" not in local.output
    token = re.search(r"API token \(generated now and kept in [^)]*\): (\S+)", local.output)
    assert token is not None and Store(tmp_path / "store.db").meta("api_token") == token.group(1)
    exposed = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0", "--allow-host", "news.lan"])
    assert exposed.exit_code == 0 and "WARNING: bound to 0.0.0.0:8000, beyond loopback" in exposed.output
    assert "news.lan" in exposed.output and token.group(1) in exposed.output  # the same token again
    short = CliRunner().invoke(cli, ["serve", "--db", db], env={"STORYLENS_TOKEN": "short"})
    assert short.exit_code == 2 and "at least 16 characters" in short.output
    assert [o["host"] for o in started] == ["127.0.0.1", "0.0.0.0"]
