"""The sandbox's aiohttp routes: what a browser posts, translated into calls on the same
CommandHandler Slack and Teams use, and the page it then shows. Translation only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from importlib import resources
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from bot.commands.access import Actor
from bot.commands.handler import CommandHandler, Reply
from bot.failures import failure
from bot.sandbox.chat import SandboxChat
from bot.sandbox.colleagues import ALIKE, RANDOMLY, let_answer
from bot.sandbox.guard import COOKIE, Session, Sessions, host_allowed, post_allowed
from bot.sandbox.html import CSRF_FIELD, KIND_FIELD, REFERENCE_FIELD, form_answers
from bot.sandbox.page import (
    AS_PATH,
    CLOCK_PATH,
    CLOCK_STEPS,
    COLLEAGUES_PATH,
    LIVE_PATH,
    SAY_PATH,
    STATIC_PATH,
    Member,
    PageView,
    live_html,
    message_page,
)
from bot.sandbox.page import page_html as render_page
from bot.sandbox.people import (
    CHANNEL,
    COLLEAGUES,
    FIRST_FACILITATOR,
    FIRST_LEADER,
    PREFIX,
    YOU,
    channel,
    is_member,
    member_ids,
    origin,
)
from bot.views.card import Action, FormKind
from bot.views.texts import Texts
from content.schema import ContentPack, Language
from surveys.team import MIN_RESPONDENTS_FLOOR, Role, Team

log = logging.getLogger(__name__)

STATIC_FILES = {"sandbox.css": "text/css", "sandbox.js": "text/javascript"}
HTML = "text/html"
# The page's own files only: no inline script, no other site, no frames.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
TEXT_MAX = 500


class Controls(Protocol):
    """What the page needs from the service around it, beyond the command layer."""

    @property
    def clock_movable(self) -> bool:
        """Whether the clock may be moved (never beside a real platform)."""

    def now(self) -> datetime:
        """The service's time."""

    async def team(self) -> Team | None:
        """The sandbox team, once it is set up."""

    async def open_round(self) -> str | None:
        """The sandbox team's open round, if any."""

    async def advance(self, step: str) -> datetime | None:
        """Move time one step forward and do what the scheduler finds due then; the new
        time, or None when there is nothing to move to (no deadline without a round)."""


def sandbox_routes(
    *,
    handler: CommandHandler,
    chat: SandboxChat,
    controls: Controls,
    content: ContentPack,
    hosts: frozenset[str],
) -> list[web.RouteDef]:
    """The page, its live part, its static files, and the POSTs it sends."""
    return _Sandbox(handler, chat, controls, content, hosts).routes()


Action_ = Callable[[web.Request, Session, MultiDictProxy[str], Language], Awaitable[None]]


class _Sandbox:
    def __init__(
        self,
        handler: CommandHandler,
        chat: SandboxChat,
        controls: Controls,
        content: ContentPack,
        hosts: frozenset[str],
    ) -> None:
        self._handler = handler
        self._chat = chat
        self._controls = controls
        self._content = content
        self._hosts = hosts
        self._sessions = Sessions()
        self._setting_up = asyncio.Lock()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self._page),
            web.get(LIVE_PATH, self._live),
            web.get(STATIC_PATH + "/{name}", self._static),
            web.post(AS_PATH, self._posted(self._switch)),
            web.post(SAY_PATH, self._posted(self._say)),
            web.post("/sandbox/press", self._posted(self._press)),
            web.post("/sandbox/form", self._posted(self._submit)),
            web.post(COLLEAGUES_PATH, self._posted(self._colleagues)),
            web.post(CLOCK_PATH, self._posted(self._clock)),
        ]

    # Pages

    async def _page(self, request: web.Request) -> web.StreamResponse:
        if not host_allowed(request.host, self._hosts):
            return self._refused(_browser_language(request), status=421)
        session = self._session(request)
        try:
            team = await self._ensure_team(_browser_language(request))
            view = await self._view(session, team, _browser_language(request))
            text = render_page(view, self._content)
        except Exception as error:
            log.error("the sandbox page failed: %s", failure(error))
            return self._failed(_browser_language(request))
        session.flash = None
        response = self._html(text)
        response.set_cookie(
            COOKIE, session.id, httponly=True, samesite="Strict", path="/", max_age=None
        )
        return response

    async def _live(self, request: web.Request) -> web.StreamResponse:
        if not host_allowed(request.host, self._hosts):
            return web.Response(status=421)
        session = self._sessions.find(request.cookies.get(COOKIE))
        if session is None:
            return web.Response(status=401)
        if request.query.get("v") == str(self._chat.version):
            return web.Response(status=204, headers=SECURITY_HEADERS)
        try:
            team = await self._controls.team()
            view = await self._view(session, team, _browser_language(request))
            return self._html(live_html(view, self._content))
        except Exception as error:
            log.error("the sandbox page failed: %s", failure(error))
            return web.Response(status=503, headers=SECURITY_HEADERS)

    async def _static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        kind = STATIC_FILES.get(name)
        if kind is None:
            raise web.HTTPNotFound()
        text = resources.files("bot.sandbox").joinpath("static", name).read_text("utf-8")
        return web.Response(
            text=text, content_type=kind, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"}
        )

    def _posted(self, act: Action_) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """A POST: checked (host, session, token, origin), done, and answered with the page
        again (or a friendly refusal; never a stack trace)."""

        async def handle(request: web.Request) -> web.StreamResponse:
            language = _browser_language(request)
            if not host_allowed(request.host, self._hosts):
                return self._refused(language, status=421)
            session = self._sessions.find(request.cookies.get(COOKIE))
            posted = await request.post()
            token = posted.get(CSRF_FIELD)
            if not post_allowed(
                host=request.host,
                origin=request.headers.get("Origin"),
                referer=request.headers.get("Referer"),
                token=token if isinstance(token, str) else None,
                session=session,
            ):
                log.info("a sandbox request without this page's token or origin was refused")
                return self._refused(language, status=403)
            assert session is not None
            fields = _text_fields(posted)
            try:
                team = await self._controls.team()
                await act(request, session, fields, team.settings.language if team else language)
            except Exception as error:
                log.error("a sandbox request failed: %s", failure(error))
                session.flash = Texts(self._content, language)("error-generic")
            raise web.HTTPSeeOther("/")

        return handle

    # What the page posts

    async def _switch(
        self, _r: web.Request, session: Session, fields: MultiDictProxy[str], language: Language
    ) -> None:
        person = fields.get("person", "")
        if is_member(person):
            session.person = person
            session.form = None
            session.errors = {}

    async def _say(
        self, _r: web.Request, session: Session, fields: MultiDictProxy[str], language: Language
    ) -> None:
        text = " ".join(fields.get("text", "").split())[:TEXT_MAX]
        if not text:
            return
        words = text.split(maxsplit=1)
        if words[0].lower() in (PREFIX, "@tryghed"):
            command = words[1] if len(words) > 1 else ""
            reply = await self._handler.command(channel(), self._actor(session, language), command)
            await self._deliver(session, reply, message_id=None)
        else:
            self._chat.say(session.person, text)

    async def _press(
        self, _r: web.Request, session: Session, fields: MultiDictProxy[str], language: Language
    ) -> None:
        actor = self._actor(session, language)
        value = fields.get("value", "")
        message_id = fields.get("message", "")
        match fields.get("action", ""):
            case Action.ANSWER:
                reply = await self._handler.open_answer_form(
                    value, actor, language, origin=origin()
                )
            case Action.PREDICT:
                reply = await self._handler.open_prediction_form(
                    value, actor, language, origin=origin()
                )
            case Action.START_DISCUSSION:
                reply = await self._handler.start_discussion(channel(), actor, value)
            case Action.HACK_DONE:
                reply = await self._handler.hack_done(channel(), actor, value)
            case _:
                reply = Reply()
                session.flash = Texts(self._content, language)("sandbox-form-stale")
        await self._deliver(session, reply, message_id=message_id)

    async def _submit(
        self, _r: web.Request, session: Session, fields: MultiDictProxy[str], language: Language
    ) -> None:
        session.form, session.errors = None, {}
        if fields.get("do") == "cancel":
            return
        actor = self._actor(session, language)
        answers = form_answers({key: fields.getall(key) for key in fields})
        one = {key: values[0] for key, values in answers.items() if values}
        reference = fields.get(REFERENCE_FIELD, "")
        match fields.get(KIND_FIELD, ""):
            case FormKind.ANSWER:
                reply = await self._handler.submit_answers(
                    reference, actor, one, language, origin=origin()
                )
            case FormKind.PREDICTION:
                reply = await self._handler.submit_prediction(
                    reference, actor, one, language, origin=origin()
                )
            case FormKind.SETUP if reference == CHANNEL:
                reply = await self._handler.submit_setup(channel(), actor, answers, name="")
            case _:
                # Another channel's setup, or no form the bot ever opens.
                session.flash = Texts(self._content, language)("sandbox-form-stale")
                return
        await self._deliver(session, reply, message_id=None)

    async def _colleagues(
        self, _r: web.Request, session: Session, fields: MultiDictProxy[str], language: Language
    ) -> None:
        t = Texts(self._content, language)
        round_id = await self._controls.open_round()
        if round_id is None:
            session.flash = t("sandbox-colleagues-no-round", prefix=PREFIX)
            return
        how = fields.get("how", RANDOMLY)
        try:
            count = max(0, min(len(COLLEAGUES), int(fields.get("count", "0"))))
        except ValueError:
            count = 0
        if how != RANDOMLY and how not in ALIKE:
            how = RANDOMLY
        answered = await let_answer(
            self._handler,
            round_id,
            count=count,
            how=how,
            language=language,
            besides=session.person,
        )
        session.flash = t("sandbox-colleagues-done", count=answered)

    async def _clock(
        self, _r: web.Request, session: Session, fields: MultiDictProxy[str], language: Language
    ) -> None:
        t = Texts(self._content, language)
        step = fields.get("step", "")
        if not self._controls.clock_movable or step not in CLOCK_STEPS:
            session.flash = t("sandbox-clock-off")
            return
        moved = await self._controls.advance(step)
        team = await self._controls.team()
        if moved is None or team is None:
            session.flash = t("sandbox-clock-no-round")
            return
        session.flash = t("sandbox-clock-moved", moment=t.moment(moved, team.settings.zone))

    # Helpers

    async def _deliver(self, session: Session, reply: Reply, *, message_id: str | None) -> None:
        """As on Slack: a form opens (over the page), a card goes privately to the person, a
        shared update replaces the message the button was on, for everyone."""
        if reply.shared_update is not None and message_id:
            self._chat.replace(message_id, reply.shared_update)
        if reply.field_errors:
            session.errors = dict(reply.field_errors)
        if reply.form is not None:
            session.form = reply.form
        elif reply.card is not None:
            self._chat.reply(session.person, reply.card)
        if reply.after is not None:
            await reply.after()

    async def _ensure_team(self, language: Language) -> Team | None:
        """The first visit sets the sandbox team up, through the setup form's own entry point:
        you facilitate, Freja leads, and k is the floor, so a team of seven can see results."""
        team = await self._controls.team()
        if team is not None:
            return team
        async with self._setting_up:
            team = await self._controls.team()
            if team is not None:
                return team
            first = {
                "language": (language,),
                "min_respondents": (str(MIN_RESPONDENTS_FLOOR),),
                "leaders": (FIRST_LEADER,),
                "facilitators": (FIRST_FACILITATOR,),
            }
            actor = Actor(user_id=YOU, language=language)
            reply = await self._handler.submit_setup(channel(), actor, first, name="sandbox")
            if reply.card is not None:
                self._chat.reply(YOU, reply.card)
            return await self._controls.team()

    async def _view(self, session: Session, team: Team | None, language: Language) -> PageView:
        language = team.settings.language if team else language
        t = Texts(self._content, language)
        roles = {
            Role.LEADER: t("sandbox-role-leader"),
            Role.FACILITATOR: t("sandbox-role-facilitator"),
        }
        names = {YOU: t("sandbox-you"), **{p.id: p.name for p in COLLEAGUES}}
        members = [
            Member(id=person, name=names[person], role=_role(team, person, roles))
            for person in member_ids()
        ]
        return PageView(
            language=language,
            person=session.person,
            members=members,
            messages=self._chat.seen_by(session.person),
            csrf=session.token,
            now=self._controls.now(),
            zone=team.settings.zone if team else _utc(),
            version=self._chat.version,
            clock_movable=self._controls.clock_movable,
            form=session.form,
            errors=session.errors,
            flash=session.flash,
        )

    def _actor(self, session: Session, language: Language) -> Actor:
        return Actor(user_id=session.person, language=language)

    def _session(self, request: web.Request) -> Session:
        return self._sessions.find(request.cookies.get(COOKIE)) or self._sessions.new()

    def _html(self, text: str) -> web.Response:
        return web.Response(text=text, content_type=HTML, headers=SECURITY_HEADERS)

    def _refused(self, language: Language, *, status: int) -> web.Response:
        text = Texts(self._content, language)("sandbox-refused")
        return web.Response(
            text=message_page(text, language=language, content=self._content),
            status=status,
            content_type=HTML,
            headers=SECURITY_HEADERS,
        )

    def _failed(self, language: Language) -> web.Response:
        text = Texts(self._content, language)("error-generic")
        return web.Response(
            text=message_page(text, language=language, content=self._content),
            status=500,
            content_type=HTML,
            headers=SECURITY_HEADERS,
        )


def _browser_language(request: web.Request) -> Language:
    """Danish for a browser that asks for Danish first, English otherwise."""
    first = request.headers.get("Accept-Language", "").split(",")[0].strip().lower()
    return "da" if first.startswith("da") else "en"


def _text_fields(posted: MultiDictProxy[Any]) -> MultiDictProxy[str]:
    """The posted text fields (a file is never expected, and is dropped)."""
    return MultiDictProxy(MultiDict((k, v) for k, v in posted.items() if isinstance(v, str)))


def _role(team: Team | None, person: str, roles: dict[Role, str]) -> str:
    role = team.settings.role_of(person) if team else None
    return roles[role] if role else ""


def _utc() -> ZoneInfo:
    return ZoneInfo("UTC")
