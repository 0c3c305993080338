"""Incremental rebuilds in the web app: a new or deleted article changes its own story only.

The stories come from the bundled examples (two events: the Meridian wire story with its
reprints and rewrites, and the Aldbridge council story); versions are compared before and after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES
from poison import recording_brief

fastapi = pytest.importorskip("fastapi", reason="install storylens[serve]")
from fastapi.testclient import TestClient  # noqa: E402

from storylens.config import StorySettings  # noqa: E402
from storylens.model import Article, Briefing, Story  # noqa: E402
from storylens.serve.app import create_app  # noqa: E402
from storylens.serve.placement import StoryPlacer, features_from_json, features_json  # noqa: E402
from storylens.serve.security import Access  # noqa: E402
from storylens.serve.store import Store  # noqa: E402
from storylens.stories.incremental import article_features  # noqa: E402

TOKEN = "incremental-test-token-0123456789"
BASE = "http://127.0.0.1:8000"
WITH_TOKEN = {"Authorization": f"Bearer {TOKEN}"}
MERIDIAN = (EXAMPLES / "01_meridian_wire.txt").read_text(encoding="utf-8")
ALDBRIDGE = "06_aldbridge_gazette_march.md"


def _start(db: Path) -> TestClient:
    app = create_app(db, access=Access(TOKEN), brief=recording_brief)
    return TestClient(app, base_url=BASE, headers=WITH_TOKEN)


def _wait(client: TestClient) -> None:
    assert client.app.state.storylens.rebuilder.wait(300)  # type: ignore[attr-defined]


def _versions(client: TestClient) -> dict[str, int]:
    return {s["id"]: s["version"] for s in client.get("/api/stories").json()}


def _story_of(client: TestClient, article_id: str) -> str:
    story = client.get(f"/api/articles/{article_id}").json()["story"]
    assert story is not None
    return str(story)


@pytest.fixture()
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A server with the six examples briefed; the ids of the examples by file name."""
    _record_into(tmp_path, monkeypatch)
    with _start(tmp_path / "store.db") as client:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLES.iterdir())]
        stored = client.post("/api/articles", files=files).json()["stored"]
        _wait(client)
        names = {client.get(f"/api/articles/{i}").json()["origin"].split(":", 1)[1]: i for i in stored}
        yield client, names


def _record_into(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker (a spawned process, which inherits the environment) records what it does."""
    monkeypatch.setenv("STORYLENS_TEST_ANNOTATED", str(tmp_path / "annotated.txt"))
    monkeypatch.setenv("STORYLENS_TEST_BRIEFED", str(tmp_path / "briefed.txt"))


def _annotated(tmp_path: Path) -> list[str]:
    path = tmp_path / "annotated.txt"
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def _briefed(tmp_path: Path) -> list[set[str]]:
    """Each group of articles the worker briefed, in order."""
    path = tmp_path / "briefed.txt"
    return (
        [set(line.split(",")) for line in path.read_text(encoding="utf-8").split()] if path.exists() else []
    )


def test_an_upload_changes_only_its_own_story(
    seeded: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    client, names = seeded
    meridian = _story_of(client, names["01_meridian_wire.txt"])
    aldbridge = _story_of(client, names[ALDBRIDGE])
    assert meridian != aldbridge
    before = _versions(client)
    other_page = client.get(f"/stories/{aldbridge}")
    other_api = client.get(f"/api/stories/{aldbridge}")
    annotated_before = _annotated(tmp_path)
    briefed_before = len(_briefed(tmp_path))

    reprint = f"source: Lakeside Ledger\n\n{MERIDIAN}\nThe line is expected to reopen on Friday.\n"
    (new_id,) = client.post("/api/articles", files=[("files", ("ledger.txt", reprint.encode()))]).json()[
        "stored"
    ]
    _wait(client)

    after = _versions(client)
    story = _story_of(client, new_id)
    assert story in (meridian, client.get(f"/api/stories/{meridian}/version").json()["id"])
    assert after[aldbridge] == before[aldbridge]
    assert after[story] > max(before.values())
    assert {i for i in after if after[i] != before.get(i)} == {story}
    # only the new article was annotated: the story's other articles kept theirs
    assert _annotated(tmp_path)[len(annotated_before) :] == [new_id]
    # and only its story was briefed again, with the new article in it
    members = set(client.get(f"/api/stories/{story}").json()["story"]["article_ids"])
    assert _briefed(tmp_path)[briefed_before:] == [members] and new_id in members
    # the untouched story's page and API answer "not modified" to the tags they gave before
    page_tag, api_tag = other_page.headers["etag"], other_api.headers["etag"]
    assert client.get(f"/stories/{aldbridge}", headers={"If-None-Match": page_tag}).status_code == 304
    assert client.get(f"/api/stories/{aldbridge}", headers={"If-None-Match": api_tag}).status_code == 304
    assert client.get(f"/api/stories/{story}", headers={"If-None-Match": api_tag}).status_code == 200
    assert f'data-poll="/api/stories/{story}/version"' in client.get(f"/stories/{story}").text


def test_a_delete_rebriefs_only_its_story(seeded: tuple[TestClient, dict[str, str]], tmp_path: Path) -> None:
    client, names = seeded
    gone = names["04_daily_buzz.txt"]
    meridian = _story_of(client, gone)
    aldbridge = _story_of(client, names[ALDBRIDGE])
    before = _versions(client)
    annotated_before = _annotated(tmp_path)
    briefed_before = len(_briefed(tmp_path))
    assert client.delete(f"/api/articles/{gone}").json() == {"deleted": gone}
    _wait(client)
    after = _versions(client)
    assert after[aldbridge] == before[aldbridge]
    survivor = _story_of(client, names["01_meridian_wire.txt"])
    assert after[survivor] > before[meridian]
    assert gone not in client.get(f"/api/stories/{survivor}").json()["story"]["article_ids"]
    assert _annotated(tmp_path) == annotated_before  # nothing annotated again
    members = set(client.get(f"/api/stories/{survivor}").json()["story"]["article_ids"])
    assert _briefed(tmp_path)[briefed_before:] == [members]  # only the story that lost it


def test_a_restart_keeps_every_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _record_into(tmp_path, monkeypatch)
    db = tmp_path / "store.db"
    with _start(db) as client:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLES.iterdir())]
        client.post("/api/articles", files=files)
        _wait(client)
        before = _versions(client)
        tags = {i: client.get(f"/stories/{i}").headers["etag"] for i in before}
        annotated = _annotated(tmp_path)
    with _start(db) as client:
        _wait(client)
        assert _versions(client) == before
        for story_id, tag in tags.items():
            assert client.get(f"/stories/{story_id}", headers={"If-None-Match": tag}).status_code == 304
        client.post("/api/regroup")  # batch grouping of the same articles gives the same stories
        _wait(client)
        assert _versions(client) == before
        assert _annotated(tmp_path) == annotated  # the restart annotated nothing again


def test_regroup_needs_the_token(seeded: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = seeded
    anonymous = TestClient(client.app, base_url=BASE)
    assert anonymous.post("/api/regroup").status_code == 401
    assert client.post("/api/regroup").json() == {"regroup": "requested"}
    _wait(client)
    assert client.get("/api/status").json()["last_regroup"] is not None


def _briefing(story_id: str, ids: tuple[str, ...], label: str = "label") -> Briefing:
    return Briefing(Story(story_id, ids, label, None, None), (), (), (), (), (), (), (), ())


def test_versions_move_only_for_stories_whose_briefing_changed(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.update_stories([_briefing("s1", ("a1",)), _briefing("s2", ("a2",))])
    first = store.story_versions()
    assert first["s1"] == first["s2"] == store.version() == 1
    assert store.update_stories([_briefing("s1", ("a1",))]) == []  # the same briefing: no new version
    assert store.story_versions() == first
    assert store.update_stories([_briefing("s1", ("a1",), "new label")]) == ["s1"]
    assert store.story_versions() == {"s1": 2, "s2": 1}
    store.update_stories([_briefing("s3", ("a0", "a1"))], removed=["s1"])
    assert store.story_versions() == {"s2": 1, "s3": 3} and store.resolve_story("s1") == "s3"
    store.close()
    again = Store(tmp_path / "s.db")
    assert again.story_versions() == {"s2": 1, "s3": 3} and again.version() == 3
    again.close()


def _articles() -> dict[str, Article]:
    from storylens.clean import clean_batch
    from storylens.config import Settings
    from storylens.model import Raw

    names = ["01_meridian_wire.txt", "03_valley_post.txt", ALDBRIDGE]
    raws = [Raw(origin=n, format="text", content=(EXAMPLES / n).read_text(encoding="utf-8")) for n in names]
    articles, _ = clean_batch(raws, Settings().clean)
    return {a.origin: a for a in articles}


def test_the_placer_joins_a_copy_to_its_story_and_keeps_another_event_apart() -> None:
    articles = _articles()
    wire, valley, march = (articles[n] for n in ["01_meridian_wire.txt", "03_valley_post.txt", ALDBRIDGE])
    copy = Article("copy", wire.text + " Crews worked through the night.", wire.title, "Other", "x", "text")
    features = {
        f.id: features_from_json(features_json(f)) for f in article_features([wire, valley, march, copy])
    }
    placer = StoryPlacer(StorySettings(), [("s-wire", [features[wire.id], features[valley.id]])])
    (key,) = placer.place([features["copy"]])
    assert placer.story_id[key] == "s-wire" and placer.members(key) == [wire.id, valley.id, "copy"]
    (other,) = placer.place([features[march.id]])
    assert other != key and placer.members(other) == [march.id] and other not in placer.story_id
    assert placer.remove([wire.id]) == {key} and placer.members(key) == [valley.id, "copy"]
    assert (
        placer.remove([valley.id, "copy"]) == {key} and key not in placer.open and key not in placer.story_id
    )
