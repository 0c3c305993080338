"""The web app: a newsroom's live view of stories and their briefings (`storylens serve`).

Server-rendered pages (Jinja2, autoescaped) over the SQLite store, a JSON API that returns the
documented briefing schema, uploads in the browser or through the API, an optional watched
folder, and briefings rebuilt in the background. Article text is untrusted: it is escaped
everywhere, and every response carries a Content-Security-Policy that allows no inline script.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import orjson
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile

from storylens.config import Settings
from storylens.model import SCHEMA_VERSION, Briefing, to_dict
from storylens.provenance import origin_groups
from storylens.render import environment as briefing_environment
from storylens.serve.diff import compare
from storylens.serve.intake import MAX_FILES_PER_UPLOAD, MAX_UPLOAD_BYTES, Intake, IntakeReport
from storylens.serve.rebuild import Rebuilder
from storylens.serve.store import Store
from storylens.serve.watch import FolderWatcher

HERE = Path(__file__).resolve().parent
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class AppState:
    store: Store
    intake: Intake
    rebuilder: Rebuilder
    watcher: FolderWatcher | None


def create_app(db_path: Path, watch: Path | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    store = Store(db_path)
    intake = Intake(store, settings)
    rebuilder = Rebuilder(store, settings)
    state = AppState(store, intake, rebuilder, None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if watch is not None:
            state.watcher = FolderWatcher(watch, lambda files: _take(state, intake.files(files)))
        yield
        if state.watcher is not None:
            state.watcher.stop()
        rebuilder.stop()
        store.close()

    # FastAPI's own /docs page loads its scripts from a CDN; ours is rendered here and works offline.
    app = FastAPI(
        title="storylens",
        version=SCHEMA_VERSION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="Stories and source-cited briefings over a stream of news articles.",
    )
    app.state.storylens = state
    app.middleware("http")(_security_headers)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _pages(app, state)
    _api(app, state)
    return app


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _take(state: AppState, report: IntakeReport) -> IntakeReport:
    if report.stored:
        state.rebuilder.request()
    return report


@functools.cache
def _templates() -> jinja2.Environment:
    base = briefing_environment()
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(HERE / "templates")]
    if base.loader is not None:
        loaders.append(base.loader)
    env = base.overlay(loader=jinja2.ChoiceLoader(loaders))
    env.globals.update(voices=_voices)
    return env


def _render(name: str, rebuilding: bool, **context: Any) -> HTMLResponse:
    return HTMLResponse(_templates().get_template(name).render(rebuilding=rebuilding, **context))


def _voices(briefing: Briefing) -> int:
    return len(origin_groups(briefing.story.article_ids, briefing.derivations))


def _matches(briefing: Briefing, query: str) -> bool:
    needle = query.lower()
    haystack = [
        briefing.story.label,
        *(a.title for a in briefing.articles),
        *(a.text for a in briefing.articles),
    ]
    haystack += [name for e in briefing.entities for name in (e.name, *e.aliases)]
    return any(needle in item.lower() for item in haystack)


def _pages(app: FastAPI, state: AppState) -> None:
    # The same stylesheet the self-contained HTML briefing inlines, read once.
    briefing_css_text = (HERE.parent / "render" / "templates" / "briefing.css").read_text(encoding="utf-8")

    @app.get("/assets/briefing.css", include_in_schema=False)
    def briefing_css() -> Response:
        return Response(briefing_css_text, media_type="text/css")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(q: str = "", stored: int = 0, duplicates: int = 0, failed: int = 0) -> HTMLResponse:
        briefings = state.store.briefings()
        if q:
            briefings = [b for b in briefings if _matches(b, q)]
        return _render(
            "stories.html.j2",
            state.rebuilder.running,
            briefings=briefings,
            q=q,
            articles=state.store.article_count(),
            stored=stored,
            duplicates=duplicates,
            failed=failed,
            error=state.rebuilder.last_error,
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> Response:
        briefing = state.store.briefing(story_id)
        if briefing is None:
            return _moved_story(state, story_id, "/stories/")
        return _render("story_page.html.j2", state.rebuilder.running, b=briefing)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        article = state.store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        briefing = state.store.briefing_of(article_id)
        diffs = []
        if briefing is not None:
            by_id = {a.id: a for a in briefing.articles}
            for d in briefing.derivations:
                if d.derived == article_id:
                    diffs.append((d, by_id[d.source], compare(by_id[d.source], article)))
        return _render("article_page.html.j2", state.rebuilder.running, a=article, b=briefing, diffs=diffs)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(a: str, b: str) -> HTMLResponse:
        left, right = state.store.article(a), state.store.article(b)
        if left is None or right is None:
            raise HTTPException(404, "both articles must exist")
        rows = compare(left, right)
        return _render("compare_page.html.j2", state.rebuilder.running, left=left, right=right, rows=rows)

    @app.post("/upload", include_in_schema=False)
    async def upload_form(request: Request) -> RedirectResponse:
        report = await _upload(state, request)
        counts = (
            f"stored={len(report.stored)}&duplicates={len(report.duplicates)}&failed={len(report.failures)}"
        )
        return RedirectResponse(f"/?{counts}", status_code=303)


def _api(app: FastAPI, state: AppState) -> None:
    @app.post("/api/articles", summary="Add articles (JSON object or list, or multipart files)")
    async def add_articles(request: Request) -> JSONResponse:
        report = await _upload(state, request)
        status = 422 if report.failures and not report.stored and not report.duplicates else 200
        return JSONResponse(report.as_json(), status_code=status)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return _render("api_docs.html.j2", state.rebuilder.running, spec=app.openapi())

    @app.get("/api/status", summary="Whether a rebuild is running")
    def status() -> dict[str, Any]:
        return {
            "rebuilding": state.rebuilder.running,
            "articles": state.store.article_count(),
            "last_built": state.rebuilder.last_built,
            "last_error": state.rebuilder.last_error,
        }

    @app.get("/api/stories", summary="Stories, newest activity first")
    def stories(q: str = "") -> list[dict[str, Any]]:
        briefings = [b for b in state.store.briefings() if not q or _matches(b, q)]
        return [
            {**to_dict(b.story), "independent_voices": _voices(b), "conflicts": len(b.conflicts)}
            for b in briefings
        ]

    @app.get("/api/stories/{story_id}", summary="One story's briefing (docs/schema.md)")
    def story(story_id: str) -> Response:
        data = state.store.briefing_json(story_id)
        if data is None:
            return _moved_story(state, story_id, "/api/stories/")
        return Response(data, media_type="application/json")

    @app.get("/api/articles/{article_id}", summary="One clean article with its removed lines")
    def article(article_id: str) -> dict[str, Any]:
        found = state.store.article(article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return dict(to_dict(found))


def _moved_story(state: AppState, story_id: str, prefix: str) -> Response:
    """A story whose id changed in a rebuild redirects to its new id; links never break."""
    current = state.store.resolve_story(story_id)
    if current is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return RedirectResponse(prefix + current, status_code=307)


async def _upload(state: AppState, request: Request) -> IntakeReport:
    """Files from a multipart form, or JSON articles; limits checked before anything is read."""
    length = int(request.headers.get("content-length") or 0)
    if length > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"upload of {length:,} bytes is over the limit of {MAX_UPLOAD_BYTES:,}")
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            data = orjson.loads(await request.body())
        except orjson.JSONDecodeError as exc:
            raise HTTPException(400, f"malformed JSON: {exc}") from exc
        records = data if isinstance(data, list) else [data]
        return _take(state, state.intake.records(records))
    if not content_type.startswith("multipart/form-data"):
        raise HTTPException(415, "send JSON (application/json) or files (multipart/form-data)")
    async with request.form(max_files=MAX_FILES_PER_UPLOAD + 1) as form:  # closes the spooled files
        uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        if not uploads:
            raise HTTPException(400, "no files in the upload: send them in the form field 'files'")
        if len(uploads) > MAX_FILES_PER_UPLOAD:
            raise HTTPException(413, f"{len(uploads)} files; at most {MAX_FILES_PER_UPLOAD} per upload")
        files = [(upload.filename or "upload", await upload.read()) for upload in uploads]
    return _take(state, state.intake.files(files))
