"""The `Platform` protocol in the sandbox channel: each person is a browser of their own (a
session cookie, the page's CSRF token, this page's Origin) posting the page's forms over real
HTTP to the running service; what they are shown back is read from the page it answers with.

The channel itself is the sandbox's own (its messages live in the service, as Slack's live
in Slack); posts and private notes are read from it, rendered by the page's own renderer. The
sandbox has one channel of its own: the other team a request could reach is one on a real
platform served by the same process (`TRYGHED_SANDBOX=on` beside Slack), so Slack runs beside
it against the fake Web API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer

from app.main import running_service
from app.settings import load_settings
from bot.sandbox.chat import Kind, Message, SandboxChat
from bot.sandbox.guard import COOKIE
from bot.sandbox.html import ASKED_FIELD, CSRF_FIELD, KIND_FIELD, REFERENCE_FIELD, card_html
from bot.sandbox.page import AS_PATH, SAY_PATH
from bot.sandbox.people import PLATFORM, PREFIX, Person, Roster, channel
from content.loader import default_pack
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.bot.slack.harness import SIGNING_SECRET, WORKSPACE
from tests.fakes.clock import ShiftedClock
from tests.fakes.slack_api import FakeSlackApi
from tests.scenarios.chat.platform import PEOPLE, Card, Form, Language, Post

PRESS_PATH = "/sandbox/press"
FORM_PATH = "/sandbox/form"
OTHER_CHANNEL = "C0002"  # the other team's channel, in Slack
# The nine people: the first is the one a new page plays; nobody sets the channel up by
# visiting it (the production page sets its team up at the first visit).
ROSTER = Roster(
    you="pretend-1",
    colleagues=tuple(Person(f"pretend-{n}", f"Pretend Person {n}") for n in range(2, 10)),
    first_leader=None,
)
VOID = frozenset({"br", "input", "img", "meta", "link", "hr"})


@dataclass
class Node:
    """An HTML element as parsed: its tag, attributes and children."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str, cls: str | None = None) -> Iterator[Node]:
        """Every element below (depth first) with `tag` (and class `cls`)."""
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and (cls is None or cls in child.classes()):
                    yield child
                yield from child.all(tag, cls)

    def text(self) -> str:
        """The words a person reads in it, joined as Slack's and Teams' texts are."""
        words = (c.strip() if isinstance(c, str) else c.text() for c in self.children)
        return " ".join(w for w in words if w)

    def inputs(self, name: str) -> list[Node]:
        return [i for i in (*self.all("input"), *self.all("select")) if i.attrs.get("name") == name]


class Tree(HTMLParser):
    """A page (or a part of one) as a tree of `Node`s."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = Node("root", {})
        self._open = [self.root]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self._open[-1].children.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self._open) > 1 and self._open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


@dataclass(frozen=True)
class Shown:
    """A message on the page: its id (what a button posts back) and its HTML."""

    message: str
    html: str


@dataclass(frozen=True)
class Sent:
    """What a form posts back besides the answers; `multiple` are its tick-box questions."""

    kind: str
    reference: str
    multiple: frozenset[str]


@dataclass
class Browser:
    """One person's browser: its session cookie, the page's token, its language."""

    cookie: str = ""
    token: str = ""
    language: Language = "en"
    form: str | None = None  # the form the page last showed open (its repr)


class SandboxPlatform:
    """Tryghed's sandbox channel with nine people, each in a browser of their own."""

    name = PLATFORM
    prefix = PREFIX
    cannot_post = "never: the bot is part of the sandbox channel"  # see can_keep_bot_out
    can_uninstall = False
    can_keep_bot_out = False

    def __init__(
        self,
        http: TestClient[Any, Any],
        chat: SandboxChat,
        api: FakeSlackApi,
        clock: ShiftedClock,
        pulse: PulseService,
        database: Path,
    ) -> None:
        self.http = http
        self.chat = chat
        self.api = api
        self.clock = clock
        self.pulse = pulse
        self.database = database
        self._browsers: dict[str, Browser] = {person: Browser() for person in PEOPLE}
        # What each person was shown besides messages (forms, words on the page), at how
        # many private messages they had then.
        self._seen: list[tuple[int, str, str]] = []

    @property
    def channel(self) -> ChannelRef:
        return channel()

    def user_id(self, person: str) -> str:
        return ROSTER.member_ids()[PEOPLE.index(person)]

    def identities(self, person: str) -> list[str]:
        user = self.user_id(person)
        return [user, *(p.name for p in ROSTER.colleagues if p.id == user)]

    def secrets(self) -> list[str]:
        browsers = [b for b in self._browsers.values() if b.cookie]
        return ["xoxb-test", SIGNING_SECRET, *(s for b in browsers for s in (b.cookie, b.token))]

    def speaks(self, person: str, language: Language) -> None:
        self._browsers[person].language = language

    def advance(self, *, hours: float) -> None:
        self.clock.advance(hours=hours)

    async def say(self, person: str, text: str) -> Card:
        return await self._post(person, SAY_PATH, [("text", f"{PREFIX} {text}")])

    async def press(self, person: str, action: str, on: Card, *, value: str | None = None) -> Card:
        shown: Shown = on.source
        pressed = on.actions[action] if value is None else value
        fields = [("message", shown.message), ("action", action), ("value", pressed)]
        return await self._post(person, PRESS_PATH, fields)

    async def submit(self, person: str, form: Form, values: Mapping[str, str]) -> Card:
        sent: Sent = form.source
        asked = dict.fromkeys([*form.fields, *values])
        fields = [(KIND_FIELD, sent.kind), (REFERENCE_FIELD, sent.reference), ("do", "send")]
        fields += [(ASKED_FIELD, question) for question in asked]
        for question, value in values.items():
            chosen = [v for v in value.split(",") if v] if question in sent.multiple else [value]
            fields += [(question, v) for v in chosen]
        return await self._post(person, FORM_PATH, fields)

    def aimed(self, form: Form, round_id: str) -> Form:
        return replace(form, source=replace(form.source, reference=round_id))

    def replies(self, person: str) -> list[str]:
        mine = [m for m in self.chat.seen_by(self.user_id(person)) if m.visible_to]
        direct = [(n, 1, _card(m).text) for n, m in enumerate(mine)]
        seen = [(n, 0, text) for n, who, text in self._seen if who == person]
        return [text for *_, text in sorted(direct + seen)]

    def channel_posts(self) -> list[Post]:
        return [
            Post(
                card.text,
                card.actions,
                source=card.source,
                thread=[_card(reply).text for reply in message.replies],
                updates=message.edits,
            )
            for message in self.chat.seen_by(self.user_id(PEOPLE[0]))
            if message.kind is Kind.POST
            for card in [_card(message)]
        ]

    async def another_team(self) -> str:
        self.api.channel_members[OTHER_CHANNEL] = ["UOTHER01", "UOTHER02", "UOTHER03"]
        team = await self.pulse.set_up_team(
            ChannelRef("slack", WORKSPACE, OTHER_CHANNEL), TeamSettings(language="en")
        )
        return str((await self.pulse.open_round(team.id)).id)

    def refuse_next_post(self) -> None:
        raise NotImplementedError("the sandbox channel always lets the bot in")

    async def uninstall(self) -> None:
        raise NotImplementedError("Tryghed is the sandbox page: there is nothing to remove")

    async def reinstall(self) -> None:
        raise NotImplementedError("Tryghed is the sandbox page: there is nothing to add back")

    async def settle(self) -> None:
        """The page answers a POST once the follow-ups are done: nothing left to wait for."""

    async def _browser(self, person: str) -> Browser:
        """`person`'s browser, on the page (a new one opens it and picks who it plays)."""
        browser = self._browsers[person]
        if not browser.cookie:
            response = await self.http.get("/", headers=self._headers(browser))
            assert response.status == 200, await response.text()
            browser.cookie = response.cookies[COOKIE].value
            token = Tree(await response.text()).root.inputs(CSRF_FIELD)[0]
            browser.token = token.attrs["value"]
            if self.user_id(person) != ROSTER.you:
                await self._send(browser, AS_PATH, [("person", self.user_id(person))])
        return browser

    async def _post(self, person: str, path: str, fields: list[tuple[str, str]]) -> Card:
        """`person` sends one of the page's forms; what the page then shows them anew."""
        browser = await self._browser(person)
        mine = {m.id for m in self.chat.seen_by(self.user_id(person)) if m.kind is Kind.REPLY}
        await self._send(browser, path, fields)
        response = await self.http.get("/", headers=self._headers(browser))
        assert response.status == 200
        page = Tree(await response.text()).root
        replies = [a.attrs["id"] for a in page.all("article", "reply") if a.attrs["id"] not in mine]
        modal = next(page.all("div", "modal"), None)
        opened = None if modal is None else _form(next(modal.all("form")))
        flash = next(page.all("p", "flash"), None)
        new_form = opened is not None and repr(opened) != browser.form
        browser.form = None if opened is None else repr(opened)
        shown: Card
        if opened is not None and new_form:
            shown = opened
        elif replies:
            # A private reply stays on the page: `replies` reads it from there.
            message = self.chat.find(replies[-1])
            assert message is not None
            return _card(message)
        elif opened is not None:
            shown = opened
        else:
            shown = Card(flash.text() if flash else "")
        self._seen.append((self._private(person), person, shown.text))
        return shown

    async def _send(self, browser: Browser, path: str, fields: list[tuple[str, str]]) -> None:
        response = await self.http.post(
            path,
            data=[(CSRF_FIELD, browser.token), *fields],
            headers={**self._headers(browser), "Origin": self._origin()},
            allow_redirects=False,
        )
        assert response.status == 303, await response.text()  # done: back to the page

    def _headers(self, browser: Browser) -> dict[str, str]:
        language = "da-DK,da;q=0.9" if browser.language == "da" else "en-GB,en;q=0.9"
        cookie = {"Cookie": f"{COOKIE}={browser.cookie}"} if browser.cookie else {}
        return {"Accept-Language": language, **cookie}

    def _origin(self) -> str:
        return str(self.http.make_url("")).rstrip("/")

    def _private(self, person: str) -> int:
        return sum(1 for m in self.chat.seen_by(self.user_id(person)) if m.visible_to)


def _card(message: Message) -> Card:
    """A message as the page renders it: its words and its buttons (action → value)."""
    assert message.card is not None
    html = card_html(message.card, csrf="", message_id=message.id)
    body = Tree(html).root
    pressed = [
        {i.attrs["name"]: i.attrs["value"] for i in f.all("input")} for f in body.all("form")
    ]
    buttons = {fields["action"]: fields["value"] for fields in pressed}
    return Card(body.text(), buttons, source=Shown(message.id, html))


def _form(form: Node) -> Form:
    """A form the page shows open: its questions in order, their choices and what is filled
    in (what a browser would send back if nothing were changed)."""

    def hidden(name: str) -> list[str]:
        return [i.attrs["value"] for i in form.inputs(name) if i.attrs.get("type") == "hidden"]

    fields = hidden(ASKED_FIELD)
    options: dict[str, list[str]] = {}
    defaults: dict[str, list[str]] = {}
    multiple = set()
    for question in fields:
        for element in form.inputs(question):
            if element.tag == "select":
                chosen = list(element.all("option"))
                options[question] = [o.attrs["value"] for o in chosen]
                defaults[question] = [o.attrs["value"] for o in chosen if "selected" in o.attrs]
            elif element.attrs.get("type") in ("radio", "checkbox"):
                options.setdefault(question, []).append(element.attrs["value"])
                if "checked" in element.attrs:
                    defaults.setdefault(question, []).append(element.attrs["value"])
                if element.attrs["type"] == "checkbox":
                    multiple.add(question)
            elif element.attrs.get("type") == "text":
                defaults[question] = [element.attrs.get("value", "")]
    (kind,), (reference,) = hidden(KIND_FIELD), hidden(REFERENCE_FIELD)
    return Form(
        form.text(),
        source=Sent(kind, reference, frozenset(multiple)),
        fields=fields,
        options=options,
        defaults={q: ",".join(v) for q, v in defaults.items() if any(v)},
    )


@asynccontextmanager
async def sandbox_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SandboxPlatform]:
    """The real service with the sandbox channel on (Slack beside it, for another team), on
    a fresh SQLite file; everyone's browser asks for English until told otherwise."""
    async with FakeSlackApi() as api:
        monkeypatch.chdir(tmp_path)
        variables = {
            "TRYGHED_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'tryghed.db'}",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_API_URL": api.url,
        }
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        clock = ShiftedClock()
        async with (
            running_service(
                load_settings(), default_pack(), clock=clock, sandbox=True, sandbox_people=ROSTER
            ) as service,
            TestServer(service.app) as server,
            TestClient[Any, Any](server, cookie_jar=DummyCookieJar()) as http,
        ):
            assert service.sandbox_channel is not None
            yield SandboxPlatform(
                http, service.sandbox_channel, api, clock, service.pulse, tmp_path / "tryghed.db"
            )
        api.assert_clean()
