"""The web app end to end: a real server on a loopback port, driven by Debian's chromium through
Playwright. Screenshots go to test-artifacts/. Skipped (with the reason) where chromium or
Playwright is missing; `.ci/run` installs chromium so that CI always runs these."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="install the dev extras for browser tests")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

HOSTILE = (
    "date: 2026-11-17\nsource: Evil Outlet\nRail chief quits <script>window.__pwned = 'title'</script>\n\n"
    "Robert Hallam resigned on Tuesday <script>window.__pwned = 'text'</script> after the derailment "
    "near Aldbridge that injured 42 people, the Northern Rail Authority said.\n\n"
    "Critics posted <img src=x onerror=\"window.__pwned = 'img'\"> and "
    "<a href=\"javascript:window.__pwned='link'\">links</a> about the inquiry, which will report by "
    "the end of the year, the transport ministry said on Monday.\n"
)


TOKEN = "web-test-token-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, db: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(self.port)]
        command += ["--token", TOKEN]
        self.log = (db.parent / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/api/status")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start")

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return bytes(response.read())

    def wait_for_rebuild(self) -> None:
        deadline = time.monotonic() + 120
        while json.loads(self.get("/api/status"))["rebuilding"]:
            if time.monotonic() > deadline:
                raise TimeoutError("rebuild did not finish")
            time.sleep(0.2)

    def post_file(self, name: str, content: bytes) -> dict[str, object]:
        boundary = "storylens-test-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.url + "/api/articles",
            data=body,
            method="POST",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Authorization": f"Bearer {TOKEN}",
            },
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return dict(json.loads(response.read()))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "store.db")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _log_in(page: object, server: Server) -> None:
    page.goto(server.url + "/login")  # type: ignore[attr-defined]
    page.fill("#token", TOKEN)  # type: ignore[attr-defined]
    page.click("#login-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#upload-form")  # type: ignore[attr-defined]


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _target_id(page: object) -> str | None:
    return page.evaluate("() => document.querySelector(':target')?.id ?? null")  # type: ignore[attr-defined]


def test_upload_read_briefing_click_citation_and_conflict(server: Server, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    _log_in(page, server)
    page.set_input_files("#files", sorted(str(p) for p in EXAMPLES.iterdir()))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/?report=*")
    assert "6 stored" in page.inner_text("#upload-report")
    page.wait_for_selector("a.story-link", timeout=120_000)  # app.js reloads when the rebuild ends
    page.wait_for_function("() => document.querySelectorAll('a.story-link').length === 2", timeout=120_000)
    _shot(page, "1-stories")

    page.click("a.story-link:has-text('Robert Hallam')")
    page.wait_for_selector("ol.summary")
    story_url = page.url
    assert page.locator(".conflict-card").count() == 2
    _shot(page, "2-briefing")

    citation = page.locator("ol.summary a.cite").first
    target = citation.get_attribute("href").split("#")[1]
    citation.click()  # opens the cited article at the cited sentence
    page.wait_for_url(f"**/articles/*#{target}")
    assert _target_id(page) == target
    highlight = page.evaluate("() => getComputedStyle(document.querySelector(':target')).backgroundColor")
    assert highlight == "rgb(255, 229, 138)"
    _shot(page, "3-citation")

    page.go_back()
    side = page.locator(".conflict-card a").nth(1)
    conflict_target = side.get_attribute("href").split("#")[1]
    side.click()
    page.wait_for_url(f"**/articles/*#{conflict_target}")
    assert _target_id(page) == conflict_target
    assert page.locator(f"[id='{conflict_target}'] mark.conflict").count() >= 1
    _shot(page, "4-conflict")

    page.go_back()
    page.locator("ul.article-list li:has-text('Daily Buzz Online') a").click()
    page.wait_for_selector("#boilerplate")
    removed = page.locator("#boilerplate li").first
    assert not removed.is_visible()
    page.click("#boilerplate summary")
    assert removed.is_visible()
    assert page.locator("table.diff mark.changed").count() > 0  # the rewrite against its source
    _shot(page, "5-article")

    page.goto(story_url)
    written = page.locator("table.quotes a.as-written").first  # the speaker as the source wrote it
    speaker_target = written.get_attribute("href").split("#")[1]
    written.click()
    page.wait_for_url(f"**/articles/*#{speaker_target}")
    assert _target_id(page) == speaker_target
    assert page.locator(f"[id='{speaker_target}'] mark.speaker").count() >= 1
    _shot(page, "6-speaker")

    page.set_viewport_size({"width": 375, "height": 800})  # a phone: nothing runs off the side
    for url in (story_url, page.url, server.url + "/"):
        page.goto(url)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], url
    _shot(page, "7-phone")


def test_script_in_article_text_never_runs(server: Server, browser: object) -> None:
    report = server.post_file("evil.txt", HOSTILE.encode())
    assert report["stored"]
    server.wait_for_rebuild()
    stories = json.loads(server.get("/api/stories"))
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (
        "/",
        f"/stories/{stories[0]['id']}",
        f"/articles/{stories[0]['article_ids'][0]}",
        "/?q=script",
    ):
        page.goto(server.url + path)
        assert page.evaluate("() => window.__pwned === undefined"), path
        assert page.locator("img[src=x]").count() == 0
    page.goto(server.url + f"/stories/{stories[0]['id']}")
    assert "<script>window.__pwned = 'text'</script>" in page.inner_text("body")
    assert not dialogs
    headers = urllib.request.urlopen(server.url + "/").headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_restart_keeps_stories_and_briefings(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    first = Server(db)
    try:
        for example in sorted(EXAMPLES.iterdir()):
            first.post_file(example.name, example.read_bytes())
        first.wait_for_rebuild()
        stories = first.get("/api/stories")
        briefings = {s["id"]: first.get(f"/api/stories/{s['id']}") for s in json.loads(stories)}
    finally:
        first.stop()
    second = Server(db)
    try:
        assert second.get("/api/stories") == stories
        assert {sid: second.get(f"/api/stories/{sid}") for sid in briefings} == briefings
        assert len(briefings) == 2
    finally:
        second.stop()


def test_duplicate_and_malformed_uploads(server: Server) -> None:
    wire = (EXAMPLES / "01_meridian_wire.txt").read_bytes()
    assert server.post_file("wire.txt", wire)["stored"]
    again = server.post_file("wire-again.txt", wire)
    assert again["stored"] == [] and again["duplicates"] == ["upload:wire-again.txt"]
    with pytest.raises(urllib.error.HTTPError) as rejected:
        server.post_file("photo.txt", bytes(range(256)) * 8)
    assert rejected.value.code == 422
    assert "binary data" in rejected.value.read().decode()
    assert json.loads(server.get("/api/status"))["articles"] == 1


def test_drag_and_drop_upload(server: Server, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    _log_in(page, server)
    names = ["01_meridian_wire.txt", "04_daily_buzz.txt"]
    files = [[name, (EXAMPLES / name).read_text(encoding="utf-8")] for name in names]
    transfer = page.evaluate_handle(
        "(files) => { const t = new DataTransfer();"
        " for (const [name, body] of files) t.items.add(new File([body], name)); return t; }",
        files,
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
    page.wait_for_url("**/?report=*")
    assert "2 stored" in page.inner_text("#upload-report")
    page.wait_for_function("() => document.querySelectorAll('a.story-link').length === 1", timeout=120_000)
    assert "Bob Hallam" in page.inner_text("#stories") or "Robert Hallam" in page.inner_text("#stories")


def test_upload_page_names_failures_and_handles_empty_submits_and_text_drops(
    server: Server, browser: object, tmp_path: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/")
    assert "Log in" in page.inner_text("#login-needed")  # no upload form without the token
    _log_in(page, server)

    page.click("#upload-form button[type=submit]")  # nothing chosen
    page.wait_for_url("**/?empty=1")
    assert "Nothing was uploaded" in page.inner_text("#upload-report")
    assert "failed" not in page.inner_text("#upload-report")

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    page.set_input_files("#files", [str(pdf), str(empty), str(EXAMPLES / "01_meridian_wire.txt")])
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/?report=*")
    report = page.inner_text("#upload-report")
    assert "1 stored" in report and "2 failed" in report
    assert "upload:report.pdf: PDF files are not read" in report and "upload:empty.txt" in report
    assert "only 1 words" not in report

    transfer = page.evaluate_handle(  # a dragged text selection: no files in it
        "() => { const t = new DataTransfer(); t.setData('text/plain', 'some words'); return t; }"
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
    page.wait_for_selector("#drop-message:not([hidden])")
    assert "Nothing to upload" in page.inner_text("#drop-message")
    assert errors == []


def test_unknown_story_page_search_without_results_and_delete_button(server: Server, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    answer = page.goto(server.url + "/stories/no-such-story")
    assert answer.status == 404 and "no story" in page.inner_text("#error-reason")
    page.goto(server.url + "/?q=nothing+like+this")
    assert "No stories match" in page.inner_text("#empty-state")

    stored = server.post_file("wire.txt", (EXAMPLES / "01_meridian_wire.txt").read_bytes())["stored"]
    server.wait_for_rebuild()
    (article_id,) = stored  # type: ignore[misc]
    _log_in(page, server)
    page.goto(server.url + f"/articles/{article_id}")
    page.click("#delete-article")
    page.wait_for_url(server.url + "/")
    server.wait_for_rebuild()
    assert json.loads(server.get("/api/status"))["articles"] == 0
    page.reload()
    assert "No stories yet" in page.inner_text("#empty-state")
