"""The web app's API and store without a browser (FastAPI's test client)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from conftest import EXAMPLES

fastapi = pytest.importorskip("fastapi", reason="install storylens[serve]")
from fastapi.testclient import TestClient  # noqa: E402

from storylens.model import Article, Briefing, Quote, QuoteKind, Sentence, Span, Story  # noqa: E402
from storylens.serve import intake  # noqa: E402
from storylens.serve.app import create_app  # noqa: E402
from storylens.serve.security import Access  # noqa: E402
from storylens.serve.store import Store  # noqa: E402
from storylens.serve.watch import FolderWatcher  # noqa: E402

ARTICLE = {
    "title": "Council approves cycle lanes",
    "source": "Valley Gazette",
    "date": "2026-11-16",
    "text": "The city council approved twelve kilometres of new cycle lanes on Monday after a debate that "
    "lasted four hours, the mayor's office said in a statement.",
}


TOKEN = "test-token-0123456789abcdef"
BASE = "http://127.0.0.1:8000"
WITH_TOKEN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A client that sends the API token in a header, as a script would."""
    app = create_app(tmp_path / "store.db", access=Access(TOKEN))
    with TestClient(app, base_url=BASE, headers=WITH_TOKEN) as test_client:
        test_client.app_state = app.state.storylens  # type: ignore[attr-defined]
        yield test_client


def test_json_articles_are_stored_and_briefed(client: TestClient) -> None:
    response = client.post("/api/articles", json=[ARTICLE, {**ARTICLE, "text": ""}])
    assert response.status_code == 200
    report = response.json()
    assert len(report["stored"]) == 1
    assert report["failures"][0]["origin"] == "api:2"
    assert client.app_state.rebuilder.wait(60)  # type: ignore[attr-defined]
    stories = client.get("/api/stories").json()
    assert len(stories) == 1 and stories[0]["independent_voices"] == 1
    briefing = client.get(f"/api/stories/{stories[0]['id']}").json()
    assert briefing["summary"][0]["text"].startswith("The city council approved")
    article = client.get(f"/api/articles/{report['stored'][0]}").json()
    assert article["outlet"] == "Valley Gazette"


def test_search_by_text_and_entity(client: TestClient) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLES.iterdir())]
    client.post("/api/articles", files=files)
    assert client.app_state.rebuilder.wait(120)  # type: ignore[attr-defined]
    assert len(client.get("/api/stories", params={"q": "Bob Hallam"}).json()) == 1
    assert len(client.get("/api/stories", params={"q": "timber"}).json()) == 1
    assert client.get("/api/stories", params={"q": "no such words"}).json() == []
    page = client.get("/", params={"q": "Kessing"})
    assert page.status_code == 200 and "Freight train derails" in page.text


def test_bad_requests_are_rejected_with_reasons(client: TestClient) -> None:
    assert (
        client.post(
            "/api/articles", content=b"{oops", headers={"content-type": "application/json"}
        ).status_code
        == 400
    )
    assert (
        client.post("/api/articles", content=b"text", headers={"content-type": "text/plain"}).status_code
        == 415
    )
    only_bad = client.post("/api/articles", files=[("files", ("x.exe", b"MZ\x00\x00" * 100))])
    assert only_bad.status_code == 422 and "binary data" in only_bad.text
    assert client.get("/api/status").json()["articles"] == 0
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/articles/nope").status_code == 404


def test_upload_limits(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storylens.serve.app.MAX_FILES_PER_UPLOAD", 2)
    files = [("files", (f"{i}.txt", b"x")) for i in range(3)]
    response = client.post("/api/articles", files=files)
    assert response.status_code == 413 and "at most 2" in response.text


def test_file_names_never_reach_the_filesystem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile names go up in a real multipart upload; afterwards no file of that name exists
    anywhere around the server's working folder, its store or its temporary folder."""
    work = tmp_path / "a" / "b" / "work"
    spool = tmp_path / "spool"
    work.mkdir(parents=True)
    spool.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr("tempfile.tempdir", str(spool))  # where the multipart parser spools files
    text = (EXAMPLES / "01_meridian_wire.txt").read_bytes()
    names = [
        "../../escaped-up.txt",
        "..\\..\\escaped-windows.txt",
        f"{tmp_path}/escaped-absolute.txt",
        "sub/dir/escaped-nested.txt",
        "escaped-\x1b]0;title\x07.txt",
    ]
    app = create_app(tmp_path / "store" / "store.db", access=Access(TOKEN))
    with TestClient(app, base_url=BASE, headers=WITH_TOKEN) as client:
        numbered = [
            text + f"\nThe inquiry will hear witness number {n} in March.\n".encode() for n in range(5)
        ]
        files = [("files", (name, body)) for name, body in zip(names, numbered, strict=True)]
        report = client.post("/api/articles", files=files).json()
        origins = {client.get(f"/api/articles/{i}").json()["origin"] for i in report["stored"]}
        assert app.state.storylens.rebuilder.wait(120)
    assert len(report["stored"]) == len(names)
    assert {
        "upload:escaped-up.txt",
        "upload:escaped-windows.txt",
        "upload:escaped-absolute.txt",
        "upload:escaped-nested.txt",
    } < origins
    assert all(origin.isprintable() and "/" not in origin for origin in origins)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert not [w for w in written if "escaped" in w], written
    assert all(w.startswith("store/store.db") for w in written), written
    assert list(spool.iterdir()) == []
    assert intake.safe_name("../../etc/passwd") == "passwd"
    assert intake.safe_name("C:\\Users\\x\\story.html") == "story.html"
    assert intake.safe_name("a\x1b]0;x\x07.txt") == "a]0;x.txt"
    assert intake.suffix_of("crawl.warc.gz") == ".warc"


def test_pages_carry_a_strict_policy_and_docs_exist(client: TestClient) -> None:
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    docs = client.get("/docs")  # rendered here: no CDN, works offline
    assert docs.status_code == 200 and "POST /api/articles" in docs.text and "cdn" not in docs.text.lower()
    schema = client.get("/openapi.json").json()
    assert {"/api/articles", "/api/stories", "/api/stories/{story_id}", "/api/status"} <= set(schema["paths"])


def test_watched_folder_takes_new_and_changed_files(tmp_path: Path) -> None:
    taken: list[list[str]] = []
    folder = tmp_path / "inbox"
    folder.mkdir()
    watcher = FolderWatcher.__new__(FolderWatcher)  # scan by hand, without the polling thread
    watcher.folder, watcher.take, watcher._seen, watcher._warned = (
        folder,
        lambda batch: taken.append([n for n, _ in batch]),
        {},
        set(),
    )
    (folder / "a.txt").write_text("one", encoding="utf-8")
    assert watcher.scan() == 1
    assert watcher.scan() == 0
    (folder / "a.txt").write_text("one, changed", encoding="utf-8")
    (folder / "b.txt").write_text("two", encoding="utf-8")
    assert watcher.scan() == 2
    assert taken == [["a.txt"], ["a.txt", "b.txt"]]


def test_a_story_that_changes_id_leaves_an_alias(tmp_path: Path) -> None:
    def briefing(story_id: str, articles: tuple[str, ...]) -> Briefing:
        return Briefing(Story(story_id, articles, "label", None, None), (), (), (), (), (), (), (), ())

    store = Store(tmp_path / "s.db")
    store.replace_briefings([briefing("s-old", ("a1", "a2")), briefing("s-other", ("a9",))])
    store.replace_briefings([briefing("s-new", ("a0", "a1", "a2")), briefing("s-other", ("a9",))])
    assert store.resolve_story("s-old") == "s-new"
    assert store.resolve_story("s-other") is None  # still there under its own id
    store.replace_briefings([briefing("s-newer", ("a-1", "a0", "a1", "a2")), briefing("s-other", ("a9",))])
    assert store.resolve_story("s-old") == "s-newer"  # old links follow every move
    store.close()


def _quoted_briefing() -> Briefing:
    text = "Elizabeth Warren spoke in Boston. “We will win this fight,” she said."
    article = Article("a1", text, "Warren in Boston", "Boston Ledger", "a1.txt", "text")
    sentences = (Sentence("a1", 0, 0, 33, text[:33]), Sentence("a1", 1, 34, len(text), text[34:]))
    she = text.index("she")
    words = text.index("We will")
    quote = Quote(
        "We will win this fight",
        "Elizabeth Warren",
        (Span("a1", words, words + 22),),
        (),
        QuoteKind.DIRECT,
        ("she",),
        (Span("a1", she, she + 3),),
    )
    story = Story("s-quoted", ("a1",), "Warren", None, None)
    return Briefing(story, (), (), (), (), (quote,), (), (), (article,), sentences)


def test_briefings_stored_before_schema_1_3_still_load_and_render(tmp_path: Path) -> None:
    """A store written before quotes kept the speaker as written: those fields are missing from
    its JSON, and the records load with their defaults."""
    db = tmp_path / "old.db"
    store = Store(db)
    store.add_articles(_quoted_briefing().articles)
    store.replace_briefings([_quoted_briefing()])
    store.close()
    with sqlite3.connect(db) as connection:
        (data,) = connection.execute("SELECT data FROM briefings").fetchone()
        old = orjson.loads(data)
        for quote in old["quotes"]:
            for name in ("kind", "speaker_written", "speaker_spans"):
                del quote[name]
        connection.execute("UPDATE briefings SET data = ?", (orjson.dumps(old),))
    app = create_app(db, access=Access(TOKEN))
    with TestClient(app, base_url=BASE) as client:
        (loaded,) = app.state.storylens.store.briefings()
        assert loaded.quotes[0].kind == QuoteKind.DIRECT and loaded.quotes[0].speaker_written == ()
        page = client.get("/stories/s-quoted")
        assert page.status_code == 200
        assert "Elizabeth Warren" in page.text and 'class="as-written"' not in page.text


def test_story_page_links_the_speaker_as_written_to_the_article(client: TestClient) -> None:
    briefing = _quoted_briefing()
    store = client.app_state.store  # type: ignore[attr-defined]
    store.add_articles(briefing.articles)
    store.replace_briefings([briefing])
    page = client.get("/stories/s-quoted").text
    link = re.search(r'<a class="as-written" href="([^"]+)"[^>]*>“she”</a>', page)
    assert link is not None and "Elizabeth Warren" in page
    path, anchor = link.group(1).split("#")
    article_page = client.get(path).text
    assert re.search(rf'<span class="sent" id="{anchor}">[^<]*<mark class="speaker">she</mark>', article_page)
