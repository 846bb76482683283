"""The ASGI application: routes, limits, headers and the access log (Starlette).

Limits: a body is at most `MAX_BODY` bytes (413, checked on Content-Length and while reading) and must
arrive within `BODY_SECONDS` (408); answers are JSON (`application/json`) on the API and a form
(`application/x-www-form-urlencoded`) on the pages, anything else is 415; at most `MAX_FIELDS` fields;
text that is not UTF-8 is 400, and a field given twice (a JSON key, a form field other than the page's
lists) is 422, never the last value taken. Every response carries a strict Content-Security-Policy (no
script at all, styles from this server only, no framing), nosniff, no referrer, and `Cache-Control:
no-store` (pages hold answers). No CORS headers: other sites' scripts cannot read the API unless a proxy
adds them.
The access log holds method, path (never the query string), status and time: never a body.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from screener import i18n
from screener.answers import AnswerError, coerce, field_name
from screener.evaluation import evaluate
from screener.i18n import _
from screener.interview import Interview
from screener.rulebook import Rulebook
from screener.web import api, pages
from screener.web.api import Problem, RequestError

MAX_BODY = 64 * 1024  # a full set of answers is about 3 KB as JSON, 8 KB as a form with its history
MAX_FIELDS = api.MAX_FIELDS
BODY_SECONDS = 10.0
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
REPEATED = ("h", "skip")  # the form fields that are lists (the questions asked, those skipped); any other once
LANGUAGES = i18n.LANGUAGES

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                 b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cache-control", b"no-store"),
]

access_log = logging.getLogger("screener.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """Outermost middleware: security headers on every response, the access log without query
    strings or bodies, and a Content-Length over the limit refused (413) before any body is read."""

    def __init__(self, app: ASGIApp, *, log: bool = True, language: Callable[[Request], str] | None = None) -> None:
        self.app = app
        self.log = log
        self.language = language or (lambda request: i18n.DEFAULT)  # the refusal speaks the request's language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.get("headers", [])
                own = {name.lower() for name, _ in headers}  # a route's own Cache-Control (the style sheet) stays alone
                message["headers"] = [*headers, *(header for header in SECURITY_HEADERS if header[0] not in own)]
            await send(message)

        length = _content_length(scope)
        try:
            if length is not None and length > MAX_BODY:
                with i18n.language(self.language(Request(scope))):
                    refusal = _json_error(RequestError(413, _("the body is too large (at most {count} bytes)").format(
                        count=MAX_BODY)))
                await refusal(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            if self.log:
                access_log.info("%s %s %d %.1fms", scope["method"], scope["path"], status,
                                (time.perf_counter() - started) * 1000)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _json_error(error: RequestError) -> Response:
    return JSONResponse(error.to_json(), status_code=error.status)


async def read_body(request: Request, wanted: str) -> bytes:
    """The body, if it has the wanted content type (415), fits `MAX_BODY` (413) and arrives in time (408)."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != wanted:
        raise RequestError(415, _("the content type must be {type}").format(type=wanted))
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_SECONDS):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY:
                    raise RequestError(413, _("the body is too large (at most {count} bytes)").format(count=MAX_BODY))
                chunks.append(chunk)
    except TimeoutError:
        raise RequestError(408, _("the body did not arrive in time")) from None
    return b"".join(chunks)


class Service:
    """The routes over one loaded rulebook (read-only, shared by every request)."""

    def __init__(self, rulebook: Rulebook, *, lang: str = "en", as_of: dt.date | None = None) -> None:
        self.rulebook = rulebook
        self.lang = lang
        self.books = {code: rulebook.in_language(code) for code in LANGUAGES}  # texts per language, built once
        self.as_of = as_of  # fixed date (tests, reproducible demos); None: today at each request

    @property
    def book(self) -> Rulebook:
        """The rulebook with its texts in the language of the request being served."""
        return self.books[i18n.current()]

    def date(self, request: Request) -> dt.date:
        value = request.query_params.get("as_of")
        if value is None and self.as_of is not None:
            return self.as_of
        return api.parse_date(value)

    # --- JSON API ---

    async def screen(self, request: Request) -> Response:
        view = "details" if _flag(request, "details") else "outcomes" if _flag(request, "outcomes_only") else "report"
        as_of = self.date(request)
        raw = api.parse_body(await read_body(request, JSON_TYPE))
        return _json(api.screen_raw(self.book, raw, as_of, view=view))

    async def next_question(self, request: Request) -> Response:
        as_of = self.date(request)
        bound = _int(request, "bound")
        scope = request.query_params.get("scope", "all")
        if scope not in ("all", "goal"):
            raise RequestError(422, _("bad query parameter"), [Problem("scope", _("expected all or goal"))])
        raw = api.parse_body(await read_body(request, JSON_TYPE))
        values, declined = api.read(self.book, raw)
        interview = api.interview_of(self.book, values, declined, as_of, bound=bound, only_goal=scope == "goal")
        return _json(api.next_question(interview))

    async def rules(self, request: Request) -> Response:
        return _json(api.rules_info(self.book, self.date(request)))

    async def health(self, request: Request) -> Response:
        return _json({"status": "ok", "rulebook": self.book.version})

    async def openapi(self, request: Request) -> Response:
        from screener.web.openapi import spec

        return _json(spec(self.book))

    # --- the web interview ---

    async def home(self, request: Request) -> Response:
        interview = Interview.start(self.book, self.date(request))
        return self._next_page(interview, {}, i18n.current())

    async def interview(self, request: Request) -> Response:
        lang = i18n.current()
        body = await read_body(request, FORM_TYPE)
        try:
            form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                             max_num_fields=MAX_FIELDS, errors="strict")
        except UnicodeDecodeError:
            raise RequestError(400, _("the form is not UTF-8 text")) from None
        except ValueError:
            raise RequestError(413, _("the form is not readable or has too many fields (at most {count})").format(
                count=MAX_FIELDS)) from None
        names = [name for name, _value in form if name not in REPEATED]
        if twice := sorted({name for name in names if names.count(name) > 1}):
            raise api.given_twice([name.removeprefix(pages.ANSWER_PREFIX) for name in twice])
        state = _state(form)
        try:
            values = self.book.read_answers(state.raw)
        except AnswerError as exc:
            raise api.unreadable(exc) from None
        unknown = [q for q in state.declined + [qid for qid, _ in state.history] if q not in self.book.questions]
        if unknown:
            raise RequestError(422, _("the form names a question this rulebook does not have"),
                               [Problem(field_name(q), _("not a question of this rulebook")) for q in unknown[:10]])
        interview = Interview(self.book, self.date(request), values, set(state.declined), state.steps(),
                              offered=state.offered, only_goal=state.only_goal, _bound=state.bound)
        fields = dict(form)
        action = fields.get("action", "")
        raw = dict(state.raw)
        shown_back: list[str] = []  # what the answer just given converts to (a test's scores as CLB levels)
        if action == "back":
            previous = interview.back()
            if previous is not None:
                return self._question(interview, previous, raw, lang, value=raw.get(previous.id, ""))
        elif action in ("others", "goal_only"):
            interview.offered = True
            interview.only_goal = action == "goal_only"
        elif action in ("next", "skip"):
            question = self.book.questions.get(fields.get("q", ""))
            if question is None:
                raise RequestError(422, _("the form names no question of this rulebook"), [Problem("q", _("unknown"))])
            if action == "skip":
                interview.decline(question)
            else:
                text = fields.get("answer", "")
                if not text.strip():
                    return self._question(interview, question, raw, lang,
                                          error=_("please answer, or choose I don't know"))
                try:
                    value = self.book.read_answers({question.id: text}).get(question.id)
                    if value is None:  # "not sure", "I don't know" typed in: unknown, as the button says
                        interview.decline(question)
                        return self._next_page(interview, raw, lang, shown_back)
                    coerce(interview.asked(question), value)  # on the chosen test's own scale
                except AnswerError as exc:
                    return self._question(interview, question, raw, lang, value=text,
                                          error=exc.problems[question.id])
                except ValueError as exc:
                    return self._question(interview, question, raw, lang, value=text, error=str(exc))
                interview.answer(question, value)
                raw[question.id] = text
                shown_back = interview.shown_back(question)
        return self._next_page(interview, raw, lang, shown_back)

    def _question(self, interview: Interview, question: Any, raw: dict[str, str], lang: str, *,
                  value: str = "", error: str | None = None, shown_back: Sequence[str] = ()) -> Response:
        state = pages.State.of(interview, raw)
        return _html(pages.question_page(interview, interview.asked(question), state, value=value, error=error,
                                         lang=lang, shown_back=shown_back))

    def _next_page(self, interview: Interview, raw: dict[str, str], lang: str,
                   shown_back: Sequence[str] = ()) -> Response:
        """The next question, the offer to check other routes, or the verdict (each after `shown_back`)."""
        question = interview.next_question()
        if question is not None:
            count = interview.offer_others()
            if count and not interview.offered:
                interview.remaining()  # fixes the bound shown on the offer page
                return _html(pages.offer_page(interview, pages.State.of(interview, raw), count, lang=lang,
                                              shown_back=shown_back))
            interview.remaining()
            return self._question(interview, question, raw, lang, shown_back=shown_back)
        report = evaluate(self.book, interview.answers, interview.as_of)
        details = pages.details_html(self.book, interview, report)
        return _html(pages.verdict_page(interview, report, details, pages.State.of(interview, raw), lang=lang,
                                        shown_back=shown_back))

    def language_of(self, request: Request) -> str:
        """`?lang=` first, then Accept-Language, then the server's default; only languages we have."""
        wanted = request.query_params.get("lang")
        if wanted in LANGUAGES:
            return wanted
        for part in request.headers.get("accept-language", "").split(","):
            code = part.split(";", 1)[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
        return self.lang

    async def no_icon(self, request: Request) -> Response:
        """Browsers ask for an icon; there is none (204 rather than a 404 in every console)."""
        return Response(status_code=204)

    async def style(self, request: Request) -> Response:
        return Response(pages.CSS, media_type="text/css", headers={"cache-control": "public, max-age=3600"})


def _state(form: list[tuple[str, str]]) -> pages.State:
    state = pages.State()
    for name, value in form:
        if name.startswith(pages.ANSWER_PREFIX):
            state.raw[name[len(pages.ANSWER_PREFIX):]] = value
        elif name == "skip":
            state.declined.append(value)
        elif name == "h":
            qid, _, bound = value.partition(":")
            state.history.append((qid, int(bound) if bound.isdigit() and len(bound) < 6 else None))
        elif name == "bound" and value.isdigit() and len(value) < 6:
            state.bound = int(value)
        elif name == "offered":
            state.offered = value == "1"
        elif name == "only_goal":
            state.only_goal = value == "1"
    return state


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise RequestError(422, _("bad query parameter"), [Problem(name, _("expected true or false"))])
    return value in ("true", "1", "yes")


def _int(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise RequestError(422, _("bad query parameter"), [Problem(name, _("expected a whole number from 0"))])
    return int(value)


def _json(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return Response(body, media_type=JSON_TYPE)


def _html(text: str, status: int = 200) -> Response:
    return HTMLResponse(text, status_code=status)


def create_app(rulebook: Rulebook, *, lang: str = "en", as_of: dt.date | None = None,
               access_log_enabled: bool = True) -> ASGIApp:
    """The whole service over one rulebook (uvicorn runs it; tests drive it with an HTTP client)."""
    service = Service(rulebook, lang=lang, as_of=as_of)

    def api_route(path: str, endpoint: Callable[[Request], Awaitable[Response]], methods: list[str]) -> Route:
        async def handle(request: Request) -> Response:
            with i18n.language(service.language_of(request)):
                try:
                    return await endpoint(request)
                except RequestError as error:
                    return _json_error(error)
        return Route(path, handle, methods=methods)

    def page_route(path: str, endpoint: Callable[[Request], Awaitable[Response]], methods: list[str]) -> Route:
        async def handle(request: Request) -> Response:
            with i18n.language(service.language_of(request)):
                try:
                    return await endpoint(request)
                except RequestError as error:
                    problems = [(problem.field, problem.rule) for problem in error.problems]
                    return _html(pages.error_page(error.message, problems, lang=i18n.current()), error.status)
        return Route(path, handle, methods=methods)

    routes = [
        api_route("/v1/screen", service.screen, ["POST"]),
        api_route("/v1/next-question", service.next_question, ["POST"]),
        api_route("/v1/rules", service.rules, ["GET"]),
        api_route("/healthz", service.health, ["GET"]),
        api_route("/openapi.json", service.openapi, ["GET"]),
        page_route("/", service.home, ["GET"]),
        page_route("/interview", service.interview, ["POST"]),
        Route("/static/style.css", service.style, methods=["GET"]),
        Route("/favicon.ico", service.no_icon, methods=["GET"]),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        with i18n.language(service.language_of(request)):
            return _json_error(RequestError(404, _("no such page")))

    async def not_allowed(request: Request, exc: Exception) -> Response:
        with i18n.language(service.language_of(request)):
            return _json_error(RequestError(405, _("method not allowed")))

    async def internal(request: Request, exc: Exception) -> Response:  # the type only: never data
        logging.getLogger("screener.web").error("internal error: %s", type(exc).__name__)
        with i18n.language(service.language_of(request)):
            return _json_error(RequestError(500, _("internal error")))

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed, 500: internal})
    return Guard(app, log=access_log_enabled, language=service.language_of)
