"""The web app: a newsroom's live view of stories and their briefings (`storylens serve`).

Server-rendered pages (Jinja2, autoescaped) over the SQLite store, a JSON API that returns the
documented briefing schema, uploads in the browser or through the API, an optional watched
folder, and briefings rebuilt in the background. Article text is untrusted: it is escaped
everywhere, and every response carries a Content-Security-Policy that allows no inline script.
Every write needs the API token (see `security.py`); errors answer with their reason, as JSON
under /api and as a page elsewhere.
"""

from __future__ import annotations

import functools
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import orjson
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile

from storylens.config import Settings
from storylens.model import SCHEMA_VERSION, Briefing, Failure, to_dict
from storylens.provenance import origin_groups
from storylens.render import environment as briefing_environment
from storylens.serve.briefs import GroupBrief, brief_groups
from storylens.serve.diff import compare
from storylens.serve.intake import (
    MAX_FILES_PER_UPLOAD,
    MAX_RECORDS_PER_UPLOAD,
    Intake,
    IntakeReport,
    safe_name,
)
from storylens.serve.rebuild import Rebuilder
from storylens.serve.security import (
    Access,
    BodyTooLarge,
    Guard,
    SecurityHeaders,
    cookie_name,
    csrf_token,
    new_token,
)
from storylens.serve.store import Store
from storylens.serve.watch import FolderWatcher

HERE = Path(__file__).resolve().parent
TOKEN_KEY = "api_token"
KEPT_REPORTS = 200  # upload reports the page can show after its redirect, newest kept


@dataclass
class AppState:
    store: Store
    intake: Intake
    rebuilder: Rebuilder
    watcher: FolderWatcher | None
    access: Access
    token_generated: bool = False
    reports: OrderedDict[str, IntakeReport] = field(default_factory=OrderedDict)

    def keep_report(self, report: IntakeReport) -> str:
        key = secrets.token_urlsafe(9)
        self.reports[key] = report
        while len(self.reports) > KEPT_REPORTS:
            self.reports.popitem(last=False)
        return key


def create_app(
    db_path: Path,
    watch: Path | None = None,
    settings: Settings | None = None,
    access: Access | None = None,
    brief: GroupBrief = brief_groups,
) -> FastAPI:
    """The app over the store at `db_path`. Without `access`, writes need a token kept in the
    store (generated on first start) and only loopback names are answered. `brief` turns groups
    of stored articles into briefings in the worker process (the pipeline; tests give others)."""
    settings = settings or Settings()
    store = Store(db_path)
    generated = access is None and store.meta(TOKEN_KEY) is None
    access = access or Access(stored_token(store))
    intake = Intake(store, settings)
    rebuilder = Rebuilder(store, settings, brief=brief)
    state = AppState(store, intake, rebuilder, None, access, generated)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # stored (or deleted) before a stop or a crash: brief them now, not at the next upload
        if store.unbriefed() or store.stale_stories():
            rebuilder.request()
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
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Guard, access=access)  # outermost: nothing unchecked reaches the app
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(BodyTooLarge)(_too_large)
    app.exception_handler(Exception)(_internal_error)
    _pages(app, state)
    _login(app, state)
    _api(app, state)
    return app


def stored_token(store: Store) -> str:
    """The store's API token, made and kept on first use so that a restart keeps it."""
    token = store.meta(TOKEN_KEY)
    if token is None:
        token = new_token()
        store.set_meta(TOKEN_KEY, token)
    return token


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    page = _templates().get_template("error_page.html.j2")
    body = page.render(rebuilding=False, viewer=None, status=exc.status_code, reason=exc.detail)
    return HTMLResponse(body, status_code=exc.status_code)


async def _too_large(request: Request, exc: Exception) -> Response:
    return await _http_error(request, HTTPException(413, str(exc)))


async def _internal_error(request: Request, exc: Exception) -> Response:
    """A bug: answered with its reason, never a bare 500 (Starlette then re-raises it, and the
    server logs its traceback)."""
    reason = (
        f"internal error ({type(exc).__name__}: {exc}); the request was not completed. "
        "Please report it at https://github.com/storylens/storylens/issues"
    )
    return await _http_error(request, HTTPException(500, reason))


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


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page: whether the login cookie is valid, and the CSRF token its
    forms carry (only rendered for a logged-in viewer)."""

    logged_in: bool
    csrf: str


def _viewer(state: AppState, request: Request) -> Viewer:
    cookie = request.cookies.get(cookie_name(request.scope))
    if state.access.token_matches(cookie):
        return Viewer(True, csrf_token(state.access.token))
    return Viewer(False, "")


def _render(name: str, state: AppState, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    page = _templates().get_template(name)
    body = page.render(rebuilding=state.rebuilder.running, viewer=_viewer(state, request), **context)
    return HTMLResponse(body, status_code=status)


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
    def stories_page(request: Request, q: str = "", report: str = "", empty: int = 0) -> HTMLResponse:
        briefings = state.store.briefings()
        if q:
            briefings = [b for b in briefings if _matches(b, q)]
        return _render(
            "stories.html.j2",
            state,
            request,
            briefings=briefings,
            q=q,
            articles=state.store.article_count(),
            report=state.reports.get(report),
            empty_upload=bool(empty),
            quarantined=_quarantined(state),
            error=state.rebuilder.last_error,
            version=state.store.version(),
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> Response:
        briefing = state.store.briefing(story_id)
        version = state.store.story_version(story_id)
        if briefing is None or version is None:
            return _moved_story(state, story_id, "/stories/")
        # The page also shows whether a rebuild runs and who is looking: both are in its tag.
        viewer = _viewer(state, request)
        tag = f'W/"{story_id}-{version}-{int(viewer.logged_in)}-{int(state.rebuilder.running)}"'
        if _fresh(request, tag):
            return Response(status_code=304, headers={"ETag": tag})
        page = _render("story_page.html.j2", state, request, b=briefing, version=version)
        page.headers["ETag"] = tag
        return page

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        article = state.store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}: it was never stored, or was deleted")
        briefing = state.store.briefing_of(article_id)
        diffs = []
        if briefing is not None:
            by_id = {a.id: a for a in briefing.articles}
            for d in briefing.derivations:
                if d.derived == article_id and d.source in by_id:
                    diffs.append((d, by_id[d.source], compare(by_id[d.source], article)))
        failed = state.store.quarantined().get(article_id)
        return _render(
            "article_page.html.j2", state, request, a=article, b=briefing, diffs=diffs, failed=failed
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(request: Request, a: str, b: str) -> HTMLResponse:
        left, right = state.store.article(a), state.store.article(b)
        if left is None or right is None:
            raise HTTPException(404, "both articles must exist")
        rows = compare(left, right)
        return _render("compare_page.html.j2", state, request, left=left, right=right, rows=rows)

    @app.post("/upload", include_in_schema=False)
    async def upload_form(request: Request) -> RedirectResponse:
        report = await _upload(state, request)
        if report is None:  # nothing chosen: not a failure, just nothing to do
            return RedirectResponse("/?empty=1", status_code=303)
        return RedirectResponse(f"/?report={state.keep_report(report)}", status_code=303)

    @app.post("/articles/{article_id}/delete", include_in_schema=False)
    def delete_form(article_id: str) -> RedirectResponse:
        _delete(state, article_id)
        return RedirectResponse("/", status_code=303)


def _login(app: FastAPI, state: AppState) -> None:
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return _render("login_page.html.j2", state, request, wrong=False)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        async with request.form(max_files=0, max_fields=4) as form:
            given = form.get("token")
        if not isinstance(given, str) or not state.access.token_matches(given.strip()):
            return _render("login_page.html.j2", state, request, status=401, wrong=True)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            cookie_name(request.scope), given.strip(), httponly=True, samesite="strict", path="/"
        )
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> RedirectResponse:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(cookie_name(request.scope), path="/")
        return response


def _quarantined(state: AppState) -> list[dict[str, Any]]:
    """Stored articles that could not be briefed, with their reasons."""
    rows = []
    for article_id, reason in state.store.quarantined().items():
        article = state.store.article(article_id)
        if article is not None:
            rows.append(
                {"id": article_id, "title": article.title, "origin": article.origin, "reason": reason}
            )
    return rows


def _fresh(request: Request, tag: str) -> bool:
    """Whether the client already holds this version (If-None-Match names its tag)."""
    given = request.headers.get("if-none-match", "")
    return tag in {part.strip() for part in given.split(",")}


def _delete(state: AppState, article_id: str) -> None:
    if not state.store.delete_article(article_id):
        raise HTTPException(404, f"no article {article_id!r}")
    state.rebuilder.request()


def _api(app: FastAPI, state: AppState) -> None:
    @app.post(
        "/api/articles", summary="Add articles (JSON object or list, or multipart files); needs the token"
    )
    async def add_articles(request: Request) -> JSONResponse:
        report = await _upload(state, request)
        if report is None:
            raise HTTPException(400, "no files in the upload: send them in the form field 'files'")
        status = 422 if report.failures and not report.stored and not report.duplicates else 200
        return JSONResponse({**report.as_json(), "report": state.keep_report(report)}, status_code=status)

    @app.delete(
        "/api/articles/{article_id}", summary="Delete an article; its story is rebuilt; needs the token"
    )
    def delete_article(article_id: str) -> dict[str, str]:
        _delete(state, article_id)
        return {"deleted": article_id}

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return _render("api_docs.html.j2", state, request, spec=app.openapi())

    @app.get("/api/status", summary="Whether a rebuild is running, and the articles that failed")
    def status() -> dict[str, Any]:
        rebuilder = state.rebuilder
        return {
            "rebuilding": rebuilder.running,
            "articles": state.store.article_count(),
            "version": state.store.version(),
            "last_built": rebuilder.last_built,
            "last_error": rebuilder.last_error,
            "last_regroup": rebuilder.last_regroup,
            "placed_since_regroup": rebuilder.placed_since_regroup,
            "failed_articles": _quarantined(state),
        }

    @app.post(
        "/api/regroup",
        summary="Group every article from scratch; only stories that change are re-briefed; needs the token",
    )
    def regroup() -> dict[str, str]:
        state.rebuilder.request_regroup()
        return {"regroup": "requested"}

    @app.get("/api/stories", summary="Stories, newest activity first, each with its version")
    def stories(q: str = "") -> list[dict[str, Any]]:
        briefings = [b for b in state.store.briefings() if not q or _matches(b, q)]
        versions = state.store.story_versions()
        return [
            {
                **to_dict(b.story),
                "version": versions.get(b.story.id),
                "independent_voices": _voices(b),
                "conflicts": len(b.conflicts),
            }
            for b in briefings
        ]

    @app.get("/api/stories/{story_id}", summary="One story's briefing (docs/schema.md), with an ETag")
    def story(request: Request, story_id: str) -> Response:
        version = state.store.story_version(story_id)
        data = state.store.briefing_json(story_id)
        if data is None or version is None:
            return _moved_story(state, story_id, "/api/stories/")
        tag = f'"{story_id}-{version}"'
        if _fresh(request, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return Response(data, media_type="application/json", headers={"ETag": tag})

    @app.get(
        "/api/stories/{story_id}/version",
        summary="A story's version: it changes exactly when the story's briefing does (pages poll it)",
    )
    def story_version(story_id: str) -> Response:
        version = state.store.story_version(story_id)
        if version is None:
            return _moved_story(state, story_id, "/api/stories/", "/version")
        return JSONResponse(
            {"id": story_id, "version": version, "rebuilding": state.rebuilder.running},
            headers={"Cache-Control": "no-store"},
        )

    @app.get("/api/articles/{article_id}", summary="One clean article with its removed lines and its state")
    def article(article_id: str) -> dict[str, Any]:
        found = state.store.article(article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id!r}")
        reason = state.store.quarantined().get(article_id)
        briefing = state.store.briefing_of(article_id)
        status = "failed" if reason is not None else "briefed" if briefing else "waiting"
        story_id = briefing.story.id if briefing else None
        return {**to_dict(found), "status": status, "failure": reason, "story": story_id}


def _moved_story(state: AppState, story_id: str, prefix: str, suffix: str = "") -> Response:
    """A story whose id changed in a rebuild redirects to its new id; links never break."""
    current = state.store.resolve_story(story_id)
    if current is None:
        raise HTTPException(404, f"no story {story_id!r}: it may have been merged away or never existed")
    return RedirectResponse(prefix + current + suffix, status_code=307)


async def _upload(state: AppState, request: Request) -> IntakeReport | None:
    """Files from a multipart form, or JSON articles; None for a form with no file in it. The
    request's size is limited by the guard while it streams in; each file and record has its
    own limit here."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        return _take(state, state.intake.records(await _json_records(request)))
    if not content_type.startswith("multipart/form-data"):
        raise HTTPException(415, "send JSON (application/json) or files (multipart/form-data)")
    limit = state.intake.settings.ingest.max_bytes
    async with request.form(max_files=MAX_FILES_PER_UPLOAD + 1) as form:  # closes the spooled files
        uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile) and item.filename]
        if not uploads:  # a browser sends a form with no file chosen as one empty, nameless part
            return None
        if len(uploads) > MAX_FILES_PER_UPLOAD:
            raise HTTPException(413, f"{len(uploads)} files; at most {MAX_FILES_PER_UPLOAD} per upload")
        files, too_big = [], IntakeReport()
        for upload in uploads:
            if upload.size is not None and upload.size > limit:
                reason = f"{upload.size:,} bytes, over the per-file limit of {limit:,}"
                too_big.failures.append(Failure(f"upload:{safe_name(upload.filename)}", "ingest", reason))
            else:
                files.append((upload.filename or "upload", await upload.read()))
    report = state.intake.files(files)
    report.failures = too_big.failures + report.failures
    return _take(state, report)


async def _json_records(request: Request) -> list[Any]:
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise HTTPException(400, f"malformed JSON: {exc}") from exc
    records = data if isinstance(data, list) else [data]
    if len(records) > MAX_RECORDS_PER_UPLOAD:
        raise HTTPException(413, f"{len(records)} records; at most {MAX_RECORDS_PER_UPLOAD} per request")
    return records
