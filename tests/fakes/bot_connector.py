"""A local fake of the Bot Framework connector (the Teams side of a bot) over real HTTP.

    async with FakeBotConnector() as teams:
        # point activities' serviceUrl at teams.service_url
        ...
        assert teams.calls_to("POST", "conversations")[0].body["isGroup"] is True
        teams.assert_clean()

It answers the REST calls botbuilder makes (create a conversation, send, reply, update,
the paged roster) in the shapes of the Bot Framework docs, records every call, can answer
the next calls with 429 (and Retry-After) or any status, and checks every Adaptive Card it
is sent against the schema 1.5, collecting problems in `violations`.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import count
from types import TracebackType
from typing import Any, Self

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fakes.adaptive_cards import card_problems

# Teams' documented limit for one message, its cards included: about 28 KB.
MESSAGE_MAX_BYTES = 28 * 1024

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
REGION = "amer"
DEFAULT_PAGE = 200


@dataclass(frozen=True)
class ConnectorCall:
    """One request the fake received, with what it answered."""

    method: str
    kind: str  # conversations | send | reply | update | members | member
    conversation_id: str
    activity_id: str
    body: dict[str, Any]
    query: dict[str, str]
    authorization: str | None
    status: int
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards the call carried (in its activity)."""
        activity = self.body.get("activity", self.body)
        return activity_cards(activity)


@dataclass
class Person:
    """Someone in the fake tenant: AAD object id, Teams id, name."""

    aad: str
    teams_id: str
    name: str

    def account(self) -> dict[str, Any]:
        """As a roster entry (TeamsChannelAccount)."""
        return {
            "id": self.teams_id,
            "name": self.name,
            "aadObjectId": self.aad,
            "givenName": self.name.split()[0],
            "userPrincipalName": f"{self.name.split()[0].lower()}@contoso.example",
            "userRole": "user",
        }


@dataclass(frozen=True)
class _Failure:
    status: int
    retry_after: str | None


def activity_cards(activity: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Adaptive Cards attached to an activity."""
    return [
        dict(a["content"])
        for a in activity.get("attachments") or []
        if isinstance(a, Mapping) and a.get("contentType") == CARD_TYPE
    ]


class FakeBotConnector:
    """The Bot Framework connector for one tenant on 127.0.0.1."""

    def __init__(self, *, tenant_id: str = "tenant-1") -> None:
        self.tenant_id = tenant_id
        self.calls: list[ConnectorCall] = []
        self.violations: list[str] = []
        self.rosters: dict[str, list[Person]] = {}
        self.removed: set[str] = set()  # channels the bot was removed from: answered 403
        # (conversation id, activity id) -> the activity as last sent or updated
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.chats: dict[str, str] = {}  # Teams user id -> 1:1 conversation id
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        self._ids = count(1_700_000_000_001)
        self._server: TestServer | None = None

    # -- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application()
        base = f"/{REGION}/v3/conversations"
        app.router.add_post(base, self._create)
        app.router.add_post(base + "/{cid}/activities", self._send)
        app.router.add_post(base + "/{cid}/activities/{aid}", self._reply)
        app.router.add_put(base + "/{cid}/activities/{aid}", self._update)
        app.router.add_get(base + "/{cid}/pagedmembers", self._paged_members)
        app.router.add_get(base + "/{cid}/members", self._members)
        app.router.add_get(base + "/{cid}/members/{mid}", self._member)
        # No access log: URLs carry conversation and user ids, and privacy tests read the log.
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server(access_log=None)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None

    @property
    def service_url(self) -> str:
        """The serviceUrl to put into activities (ends with "/", like Teams' own)."""
        if self._server is None:
            raise RuntimeError("FakeBotConnector is not running; use `async with`")
        return str(self._server.make_url(f"/{REGION}/"))

    # -- test controls -------------------------------------------------------------------

    def fail_next(
        self, kind: str, *, status: int = 429, retry_after: str | None = "1", times: int = 1
    ) -> None:
        """Answer the next `times` calls of `kind` with `status` (and Retry-After)."""
        self._failures[kind].extend([_Failure(status, retry_after)] * times)

    def calls_to(self, kind: str, *, ok_only: bool = True) -> list[ConnectorCall]:
        """The calls of one kind, in order (by default only those that succeeded)."""
        return [c for c in self.calls if c.kind == kind and (c.ok or not ok_only)]

    def threads(self, channel_id: str) -> list[ConnectorCall]:
        """New threads started in a channel, in order."""
        return [
            c
            for c in self.calls_to("conversations")
            if (c.body.get("channelData") or {}).get("channel", {}).get("id") == channel_id
        ]

    def chat_cards(self, person: Person) -> list[dict[str, Any]]:
        """The cards posted in the 1:1 chat with `person`, oldest first."""
        chat = self.chats.get(person.teams_id)
        return [
            card
            for c in self.calls
            if c.ok and c.kind in {"send", "reply"} and c.conversation_id == chat
            for card in c.cards
        ]

    def message(self, conversation_id: str, activity_id: str) -> dict[str, Any]:
        """A message as it stands now (after updates)."""
        return self.messages[(conversation_id, activity_id)]

    def assert_clean(self) -> None:
        """Fail with every card and protocol problem seen so far."""
        if self.violations:
            listing = "\n  ".join(self.violations)
            raise AssertionError(f"{len(self.violations)} connector violation(s):\n  {listing}")

    # -- HTTP ----------------------------------------------------------------------------

    async def _record(
        self,
        request: web.Request,
        kind: str,
        answer: dict[str, Any],
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> web.Response:
        self.calls.append(
            ConnectorCall(
                method=request.method,
                kind=kind,
                conversation_id=request.match_info.get("cid", ""),
                activity_id=request.match_info.get("aid", ""),
                body=await _json(request),
                query=dict(request.query),
                authorization=request.headers.get("Authorization"),
                status=status,
                response=answer,
            )
        )
        return web.json_response(answer, status=status, headers=dict(headers or {}))

    async def _failed(self, request: web.Request, kind: str) -> web.Response | None:
        """The planned failure of this call, if one is due."""
        if not self._failures[kind]:
            return None
        failure = self._failures[kind].popleft()
        headers = {"Retry-After": failure.retry_after} if failure.retry_after is not None else {}
        code = "Throttled" if failure.status == 429 else "ServiceError"
        answer = {"error": {"code": code, "message": "planned by the test"}}
        return await self._record(request, kind, answer, status=failure.status, headers=headers)

    def _check(self, where: str, activity: Mapping[str, Any]) -> None:
        if activity.get("type") != "message":
            self.violations.append(f"{where}: activity type {activity.get('type')!r}")
        cards = activity_cards(activity)
        if not cards and not activity.get("text"):
            self.violations.append(f"{where}: a message with neither text nor a card")
        for card in cards:
            self.violations.extend(f"{where}: {p}" for p in card_problems(card))
        size = len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))
        if size > MESSAGE_MAX_BYTES:
            # Teams refuses it (413, "MessageSizeTooBig"); the bot must never send one.
            self.violations.append(f"{where}: a {size}-byte message, over Teams' limit")

    async def _create(self, request: web.Request) -> web.Response:
        if failed := await self._failed(request, "conversations"):
            return failed
        body = await _json(request)
        tenant = body.get("tenantId") or body.get("tenantID")
        if tenant != self.tenant_id:
            # Teams refuses a conversation outside the bot's tenant (or without one).
            return await self._record(request, "conversations", {}, status=400)
        activity = body.get("activity")
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        if body.get("isGroup") and channel:
            if channel in self.removed:
                refused = {"error": {"code": "BotNotInConversationRoster", "message": "removed"}}
                return await self._record(request, "conversations", refused, status=403)
            if not isinstance(activity, Mapping):
                self.violations.append("a channel thread without its first activity")
                return await self._record(request, "conversations", {}, status=400)
            self._check("create conversation", activity)
            activity_id = str(next(self._ids))
            conversation_id = f"{channel};messageid={activity_id}"
            self.messages[(conversation_id, activity_id)] = dict(activity)
            answer = {"id": conversation_id, "activityId": activity_id}
            return await self._record(request, "conversations", answer, status=201)
        members = body.get("members") or []
        if len(members) != 1 or not str(members[0].get("id", "")).startswith("29:"):
            self.violations.append(f"a 1:1 chat with members {members!r}")
            return await self._record(request, "conversations", {}, status=400)
        teams_id = str(members[0]["id"])
        conversation_id = self.chats.setdefault(teams_id, f"a:chat-{len(self.chats) + 1}")
        return await self._record(request, "conversations", {"id": conversation_id}, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        if failed := await self._failed(request, "send"):
            return failed
        activity = await _json(request)
        self._check("send", activity)
        activity_id = str(next(self._ids))
        self.messages[(request.match_info["cid"], activity_id)] = activity
        return await self._record(request, "send", {"id": activity_id}, status=201)

    async def _reply(self, request: web.Request) -> web.Response:
        if failed := await self._failed(request, "reply"):
            return failed
        activity = await _json(request)
        self._check("reply", activity)
        activity_id = str(next(self._ids))
        self.messages[(request.match_info["cid"], activity_id)] = activity
        return await self._record(request, "reply", {"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        if failed := await self._failed(request, "update"):
            return failed
        activity = await _json(request)
        key = (request.match_info["cid"], request.match_info["aid"])
        self._check("update", activity)
        if key not in self.messages:
            self.violations.append(f"update of an unknown message {key}")
            return await self._record(request, "update", {}, status=404)
        self.messages[key] = activity
        return await self._record(request, "update", {"id": key[1]})

    async def _paged_members(self, request: web.Request) -> web.Response:
        if failed := await self._failed(request, "members"):
            return failed
        roster = self._roster(request.match_info["cid"])
        if roster is None:
            return await self._record(request, "members", {}, status=404)
        size = max(50, min(500, int(request.query.get("pageSize") or DEFAULT_PAGE)))
        start = int(request.query.get("continuationToken") or 0)
        page = roster[start : start + size]
        answer: dict[str, Any] = {"members": [p.account() for p in page]}
        if start + size < len(roster):
            answer["continuationToken"] = str(start + size)
        return await self._record(request, "members", answer)

    async def _members(self, request: web.Request) -> web.Response:
        roster = self._roster(request.match_info["cid"]) or []
        return await self._record(request, "members", {"members": [p.account() for p in roster]})

    async def _member(self, request: web.Request) -> web.Response:
        wanted = request.match_info["mid"]
        roster = self._roster(request.match_info["cid"]) or []
        found = next((p for p in roster if wanted in {p.aad, p.teams_id}), None)
        if found is None:
            return await self._record(request, "member", {}, status=404)
        return await self._record(request, "member", found.account())

    def _roster(self, conversation_id: str) -> list[Person] | None:
        return self.rosters.get(conversation_id.split(";", maxsplit=1)[0])


async def _json(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = json.loads(await request.read())  # read() keeps the bytes for a second call
    except json.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}
