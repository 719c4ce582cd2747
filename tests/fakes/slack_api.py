"""A local fake of the Slack Web API over real HTTP, checked against Slack's OpenAPI spec.

    async with FakeSlackApi() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.url)
        await client.chat_postMessage(channel="C1", text="hi")
        assert slack.calls_to("chat.postMessage")[0].args["text"] == "hi"
        slack.assert_clean()

The files API v2 (files.getUploadURLExternal, the upload URL, files.completeUploadExternal) is
newer than the 2020 spec: those calls are checked against Slack's public method docs instead
(DOCUMENTED_METHODS below, docs.slack.dev/reference/methods/…), and a shared file shows up as a
message in its channel, as in Slack.

It accepts requests as slack_sdk sends them (GET or POST; arguments in the query string, a
form body or a JSON body; the token as `Authorization: Bearer`, OAuth client credentials as
HTTP Basic), answers in the shapes of the Slack docs, records every call, and collects
spec and Block Kit problems in `violations` instead of failing inside the handler.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import copy
import functools
import json
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fakes.block_kit import block_kit_problems

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference"
SPEC_PATH = REFERENCE_DIR / "slack-web-openapi-v2.json"

# Arguments whose values are JSON; form bodies carry them as JSON strings.
JSON_ARGUMENTS = frozenset(
    {"blocks", "attachments", "view", "metadata", "user_auth_blocks", "files"}
)
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})
NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})
# slack_sdk adds `team_id` to every call of a client built with team_id=..., and bolt builds
# its per-request client that way; Slack accepts it everywhere (org-wide apps), the 2020 spec
# lists it for a few methods only.
CLIENT_WIDE_ARGUMENTS = frozenset({"team_id"})

# Documented arguments that are newer than the October 2020 spec. Not accepted by default;
# pass `extra_arguments=NEWER_ARGUMENTS` to allow them.
NEWER_ARGUMENTS: Mapping[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"metadata", "markdown_text"}),
    "chat.postEphemeral": frozenset({"markdown_text"}),
    "chat.update": frozenset({"metadata", "markdown_text", "file_ids", "reply_broadcast"}),
    "views.open": frozenset({"interactivity_pointer"}),
    "views.push": frozenset({"interactivity_pointer"}),
    "oauth.v2.access": frozenset({"grant_type", "refresh_token"}),
}

MAX_ALT_TXT = 1000  # files.getUploadURLExternal: "alt_txt_too_large" beyond 1000 characters

FIRST_TS_MICROS = 1_700_000_000_000_100
TS_STEP_MICROS = 100
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class MethodSpec:
    """The parameters of one Web API method in the spec (token excluded)."""

    parameters: frozenset[str]
    required: frozenset[str]


# Methods newer than the 2020 spec, checked against Slack's method docs instead:
# docs.slack.dev/reference/methods/files.getUploadURLExternal and …/files.completeUploadExternal.
DOCUMENTED_METHODS: Mapping[str, MethodSpec] = {
    "files.getUploadURLExternal": MethodSpec(
        parameters=frozenset({"filename", "length", "alt_txt", "snippet_type"}),
        required=frozenset({"filename", "length"}),
    ),
    "files.completeUploadExternal": MethodSpec(
        parameters=frozenset(
            {"files", "channel_id", "channels", "initial_comment", "thread_ts", "blocks"}
        ),
        required=frozenset({"files"}),
    ),
}


@dataclass
class UploadedFile:
    """A file as the fake holds it: announced, its bytes posted, then completed (shared)."""

    id: str
    filename: str
    length: int
    alt_txt: str | None
    content: bytes | None = None
    title: str | None = None
    completed: bool = False
    shares: list[str] = field(default_factory=list)  # channel ids, in order
    initial_comment: str | None = None


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Mapping[str, MethodSpec]:
    """Method name -> its parameters, from a Swagger 2.0 Slack Web API spec."""
    document = json.loads(path.read_text(encoding="utf-8"))
    methods: dict[str, MethodSpec] = {}
    for route, operations in document["paths"].items():
        names: set[str] = set()
        required: set[str] = set()
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") not in {"formData", "query", "header"}:
                    continue
                name = parameter["name"]
                if name == "token":
                    continue
                names.add(name)
                if parameter.get("required", False):
                    required.add(name)
        methods[route.lstrip("/")] = MethodSpec(frozenset(names), frozenset(required))
    return methods


@dataclass(frozen=True)
class SlackCall:
    """One request the fake received, with what it answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    http_method: str = "POST"
    client_id: str | None = None  # from HTTP Basic auth (oauth.v2.access)
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass(frozen=True)
class ResponseUrlPost:
    """One POST to a `response_url` handed out by `FakeSlackApi.response_url()`."""

    key: str
    body: dict[str, Any]


@dataclass(frozen=True)
class _Failure:
    status: int
    retry_after: int | None
    error: str


class _Refusal(Exception):
    """Raised inside a handler to answer {"ok": false, "error": ...} with HTTP 200."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class FakeSlackApi:
    """The Slack Web API on 127.0.0.1, recording calls and checking them against the spec."""

    def __init__(
        self,
        *,
        spec_path: Path | None = SPEC_PATH,
        extra_arguments: Mapping[str, Collection[str]] | None = None,
        team_id: str = "T0001",
        team_name: str = "Tryghed Test",
        bot_user_id: str = "UBOT",
        bot_id: str = "B0001",
        latency: float = 0.0,
    ) -> None:
        self.spec: Mapping[str, MethodSpec] | None = (
            load_spec(spec_path) if spec_path is not None and spec_path.exists() else None
        )
        self.extra_arguments = {k: frozenset(v) for k, v in (extra_arguments or {}).items()}
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.latency = latency
        self.calls: list[SlackCall] = []
        self.responses: list[ResponseUrlPost] = []
        self.violations: list[str] = []
        self.unknown_to_spec: set[str] = set()
        self.channel_members: dict[str, list[str]] = {}
        self.not_in: set[str] = set()  # channels the bot is not in: answered not_in_channel
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, UploadedFile] = {}
        self.oauth_answer: dict[str, Any] = self._default_oauth_answer()
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        self._stalls: defaultdict[str, deque[float]] = defaultdict(deque)
        self._ts = FIRST_TS_MICROS
        self._view_counter = 0
        self._server: TestServer | None = None
        self._handlers: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "auth.revoke": self._auth_revoke,
            "apps.uninstall": self._apps_uninstall,
            "oauth.v2.access": self._oauth_v2_access,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "conversations.members": self._conversations_members,
            "conversations.info": self._conversations_info,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }

    # -- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/respond/{key}", self._handle_response_url)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        # No access log: the fake's URLs carry user ids, and the privacy tests read the log.
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
    def url(self) -> str:
        """The base URL for slack_sdk (`base_url`), ending with "/"."""
        return self._make_url("/api/")

    def response_url(self, key: str = "1") -> str:
        """A `response_url` to put into interaction payloads; posts land in `responses`."""
        return self._make_url(f"/respond/{key}")

    def _make_url(self, path: str) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlackApi is not running; use `async with`")
        return str(self._server.make_url(path))

    # -- test controls -------------------------------------------------------------------

    def calls_to(self, method: str, *, ok_only: bool = False) -> list[SlackCall]:
        """The calls of one method in order; `ok_only` drops failed and refused ones."""
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with HTTP `status` (429 adds Retry-After)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        default_error = "ratelimited" if status == 429 else "fatal_error"
        failure = _Failure(status, retry_after, error or default_error)
        self._failures[method].extend([failure] * times)

    def stall_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Answer the next `times` calls of `method` only after `seconds`. Like Slack, the fake
        still carries out a call whose caller stopped waiting (its message is posted)."""
        self._stalls[method].extend([seconds] * times)

    def assert_clean(self) -> None:
        """Fail with every spec and Block Kit violation seen so far."""
        if self.violations:
            listing = "\n  ".join(self.violations)
            raise AssertionError(f"{len(self.violations)} Slack API violation(s):\n  {listing}")

    # -- HTTP ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_arguments(request)
        token, client_id, client_secret = _credentials(request, args)
        if self.latency:
            await asyncio.sleep(self.latency)
        self._check(method, args)

        def record(status: int, body: dict[str, Any]) -> None:
            self.calls.append(
                SlackCall(method, args, token, request.method, client_id, status, body)
            )

        if self._failures[method]:
            failure = self._failures[method].popleft()
            body = {"ok": False, "error": failure.error}
            headers: dict[str, str] = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            record(failure.status, body)
            return web.json_response(body, status=failure.status, headers=headers)

        handler = self._handlers.get(method)
        try:
            if handler is None:
                raise _Refusal("unknown_method")
            if method in NO_TOKEN_METHODS:
                if not client_id or not client_secret:
                    raise _Refusal("invalid_client_id")
            elif not _looks_like_token(token):
                raise _Refusal("not_authed")
            body = {"ok": True, **await handler(args)}
        except _Refusal as error:
            body = {"ok": False, "error": error.error}
        record(200, body)
        if self._stalls[method]:
            # Done already; only the answer is late (the caller may have stopped waiting).
            await asyncio.sleep(self._stalls[method].popleft())
        return web.json_response(body)

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        body = await _read_arguments(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        self.responses.append(ResponseUrlPost(key, body))
        blocks = body.get("blocks")
        if isinstance(blocks, list):
            self.violations.extend(f"response_url: {p}" for p in block_kit_problems(blocks=blocks))
        return web.json_response({"ok": True})

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """The upload URL: the file's bytes, raw or as multipart form data (both documented);
        Slack answers 200 with a short text."""
        upload = self.files.get(request.match_info["file_id"])
        if upload is None or upload.content is not None:
            return web.Response(status=404, text="not found")
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next(iter(form.values()), b"")
            data = part.file.read() if isinstance(part, web.FileField) else str(part).encode()
        else:
            data = await request.read()
        if len(data) != upload.length:
            self.violations.append(
                f"upload of {upload.id}: {len(data)} bytes posted, {upload.length} announced"
            )
        upload.content = data
        return web.Response(text=f"OK - {len(data)}")

    def shared_files(self, channel: str) -> list[UploadedFile]:
        """The files shared into `channel`, in order."""
        return [f for f in self.files.values() if channel in f.shares]

    # -- checks --------------------------------------------------------------------------

    def _check(self, method: str, args: Mapping[str, Any]) -> None:
        documented = DOCUMENTED_METHODS.get(method)
        if documented is not None:
            allowed = documented.parameters | CLIENT_WIDE_ARGUMENTS
            self.violations.extend(
                f"{method}: argument {name!r} is not in Slack's docs"
                for name in sorted(set(args) - allowed)
            )
            self.violations.extend(
                f"{method}: required argument {name!r} is missing"
                for name in sorted(documented.required - set(args))
            )
        elif self.spec is not None:
            known = self.spec.get(method)
            if known is None:
                self.unknown_to_spec.add(method)
            else:
                allowed = (
                    known.parameters
                    | CLIENT_WIDE_ARGUMENTS
                    | self.extra_arguments.get(method, frozenset())
                )
                self.violations.extend(
                    f"{method}: argument {name!r} is not in the spec"
                    for name in sorted(set(args) - allowed)
                )
                self.violations.extend(
                    f"{method}: required argument {name!r} is missing"
                    for name in sorted(known.required - set(args))
                )
        if method in MESSAGE_METHODS and args.get("blocks") is not None:
            blocks = args["blocks"]
            if isinstance(blocks, list):
                self.violations.extend(f"{method}: {p}" for p in block_kit_problems(blocks=blocks))
            else:
                self.violations.append(f"{method}: blocks is not a JSON list")
        if method in VIEW_METHODS and args.get("view") is not None:
            view = args["view"]
            if isinstance(view, dict):
                self.violations.extend(f"{method}: {p}" for p in block_kit_problems(view=view))
            else:
                self.violations.append(f"{method}: view is not a JSON object")
        for block in _image_blocks(args):
            file_id = (block.get("slack_file") or {}).get("id")
            upload = self.files.get(str(file_id)) if file_id else None
            if file_id and (upload is None or not upload.completed):
                self.violations.append(f"{method}: slack_file {file_id} is no completed upload")

    # -- methods -------------------------------------------------------------------------

    async def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://tryghed-test.slack.com/",
            "team": self.team_name,
            "user": "tryghed",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    async def _auth_revoke(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"revoked": True}

    async def _apps_uninstall(self, args: dict[str, Any]) -> dict[str, Any]:
        return {}

    async def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("code") and args.get("grant_type") != "refresh_token":
            raise _Refusal("invalid_code")
        return copy.deepcopy(self.oauth_answer)

    async def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _conversation_id(_required(args, "channel", "channel_not_found"))
        self._require_member(channel)
        _require_content(args)
        ts = self._next_ts()
        message = self._message(args, ts)
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    async def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _required(args, "channel", "channel_not_found")
        ts = _required(args, "ts", "message_not_found")
        self._require_member(channel)
        old = self.messages.get((channel, ts))
        if old is None:
            raise _Refusal("message_not_found")
        message = {**old, **self._message(args, ts), "edited": {"user": self.bot_user_id}}
        if "blocks" not in args:
            message.pop("blocks", None)
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    async def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        _required(args, "channel", "channel_not_found")
        _required(args, "user", "user_not_in_channel")
        _require_content(args)
        return {"message_ts": self._next_ts()}

    async def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _required(args, "channel", "channel_not_found")
        ts = _required(args, "ts", "message_not_found")
        if self.messages.pop((channel, ts), None) is None:
            raise _Refusal("message_not_found")
        return {"channel": channel, "ts": ts}

    async def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        _required(args, "trigger_id", "invalid_trigger_id")
        return {"view": self._store_view(_view_argument(args), view_id=None)}

    async def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        external_id = args.get("external_id")
        if not view_id and external_id:
            view_id = next(
                (v["id"] for v in self.views.values() if v.get("external_id") == external_id),
                None,
            )
        if not view_id or view_id not in self.views:
            raise _Refusal("not_found")
        if args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise _Refusal("hash_conflict")
        return {"view": self._store_view(_view_argument(args), view_id=view_id)}

    async def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = _required(args, "user_id", "invalid_arguments")
        existing = next(
            (v["id"] for v in self.views.values() if v.get("_home_of") == user_id), None
        )
        view = self._store_view(_view_argument(args), view_id=existing)
        self.views[view["id"]]["_home_of"] = user_id
        return {"view": view}

    async def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _required(args, "channel", "channel_not_found")
        self._require_member(channel)
        members = self.channel_members.get(channel)
        if members is None:
            raise _Refusal("channel_not_found")
        page, next_cursor = _page(members, args)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    async def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _required(args, "channel", "channel_not_found")
        answer: dict[str, Any] = {
            "id": channel,
            "name": f"channel-{channel.lower()}",
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_private": False,
            "is_archived": False,
            "is_member": True,
            "created": 1_600_000_000,
            "creator": "UCREATOR",
            "num_members": len(self.channel_members.get(channel, [])),
        }
        answer.update(self.channels.get(channel, {}))
        return {"channel": answer}

    async def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": {"id": str(args["channel"])}}
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            raise _Refusal("users_list_not_supplied")
        prefix = "D" if len(users) == 1 else "G"
        channel_id = prefix + "".join(users)
        return {"no_op": True, "already_open": True, "channel": {"id": channel_id}}

    async def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = _required(args, "user", "user_not_found")
        return {"user": self._user(user_id, locale=_truthy(args.get("include_locale")))}

    async def _users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """Everyone the fake knows: the bot, every channel's members and `users`."""
        known = {self.bot_user_id, *self.users}
        known.update(member for members in self.channel_members.values() for member in members)
        ids, next_cursor = _page(sorted(known), args)
        locale = _truthy(args.get("include_locale"))
        return {
            "members": [self._user(user_id, locale=locale) for user_id in ids],
            "cache_ts": 1_700_000_000,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _user(self, user_id: str, *, locale: bool) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": user_id.lower(),
            "real_name": f"User {user_id}",
            "is_bot": user_id == self.bot_user_id,
            "is_app_user": False,
            "is_admin": False,
            "is_owner": False,
            "deleted": False,
            "tz": "Europe/Copenhagen",
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "updated": 1_700_000_000,
            "profile": {"real_name": f"User {user_id}", "display_name": user_id.lower()},
        }
        if locale:
            user["locale"] = "da-DK"
        user.update(self.users.get(user_id, {}))
        return user

    async def _files_get_upload_url_external(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = _required(args, "filename", "invalid_arguments")
        try:
            length = int(args.get("length") or 0)
        except ValueError as error:
            raise _Refusal("invalid_arguments") from error
        if length <= 0:
            raise _Refusal("missing_argument")  # as documented: a `length` of 0
        alt_txt = args.get("alt_txt")
        if alt_txt is not None and len(str(alt_txt)) > MAX_ALT_TXT:
            raise _Refusal("alt_txt_too_large")
        file_id = f"F{len(self.files) + 1:010d}"
        self.files[file_id] = UploadedFile(
            file_id, filename, length, None if alt_txt is None else str(alt_txt)
        )
        return {"upload_url": self._make_url(f"/upload/v1/{file_id}"), "file_id": file_id}

    async def _files_complete_upload_external(self, args: dict[str, Any]) -> dict[str, Any]:
        listed = args.get("files")
        if not isinstance(listed, list) or not listed:
            raise _Refusal("invalid_arguments")
        uploads: list[tuple[UploadedFile, dict[str, Any]]] = []
        for item in listed:
            upload = self.files.get(str(item.get("id"))) if isinstance(item, dict) else None
            if upload is None or upload.content is None or upload.completed:
                raise _Refusal("file_not_found")
            uploads.append((upload, item))
        channels = [str(args["channel_id"])] if args.get("channel_id") else []
        channels += [c for c in str(args.get("channels") or "").split(",") if c]
        if args.get("thread_ts") and len(channels) != 1:
            raise _Refusal("invalid_arguments")  # "only one channel when using thread_ts"
        comment = args.get("initial_comment")
        for upload, item in uploads:
            upload.completed = True
            upload.title = str(item.get("title") or upload.filename)
            upload.initial_comment = None if comment is None else str(comment)
        for channel in channels:
            conversation = _conversation_id(channel)
            ts = self._next_ts()
            message: dict[str, Any] = {
                "type": "message",
                "subtype": "file_share",
                "text": str(comment or ""),
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "ts": ts,
                "files": [self._file_object(upload) for upload, _ in uploads],
            }
            if args.get("thread_ts"):
                message["thread_ts"] = str(args["thread_ts"])
            self.messages[(conversation, ts)] = message
            for upload, _ in uploads:
                upload.shares.append(conversation)
        return {"files": [self._file_object(upload) for upload, _ in uploads]}

    def _file_object(self, upload: UploadedFile) -> dict[str, Any]:
        private = f"https://files.slack.com/files-pri/{self.team_id}-{upload.id}/{upload.filename}"
        return {
            "id": upload.id,
            "name": upload.filename,
            "title": upload.title or upload.filename,
            "mimetype": "image/png" if upload.filename.endswith(".png") else "",
            "filetype": upload.filename.rpartition(".")[2],
            "size": upload.length,
            "user": self.bot_user_id,
            "is_public": False,
            "url_private": private,
            "permalink": f"https://tryghed-test.slack.com/files/{self.bot_user_id}/{upload.id}",
            **({"alt_txt": upload.alt_txt} if upload.alt_txt is not None else {}),
        }

    # -- helpers -------------------------------------------------------------------------

    def _require_member(self, channel: str) -> None:
        if channel in self.not_in:
            raise _Refusal("not_in_channel")

    def _next_ts(self) -> str:
        self._ts += TS_STEP_MICROS
        micros = self._ts - TS_STEP_MICROS
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _message(self, args: Mapping[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "text": str(args.get("text") or ""),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "ts": ts,
        }
        if args.get("blocks") is not None:
            message["blocks"] = args["blocks"]
        return message

    def _store_view(self, view: dict[str, Any], *, view_id: str | None) -> dict[str, Any]:
        if view_id is None:
            self._view_counter += 1
            view_id = f"V{self._view_counter:010d}"
        previous = self.views.get(view_id, {})
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.oauth_answer.get("app_id", "A0001"),
            "bot_id": self.bot_id,
            "app_installed_team_id": self.team_id,
            "type": view.get("type"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{self._next_ts()}.{view_id.lower()}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": previous.get("root_view_id", view_id),
            "previous_view_id": None,
        }
        for key in ("title", "submit", "close"):
            if key in view:
                stored[key] = view[key]
        if "_home_of" in previous:
            stored["_home_of"] = previous["_home_of"]
        self.views[view_id] = stored
        return {k: v for k, v in stored.items() if not k.startswith("_")}

    def _default_oauth_answer(self) -> dict[str, Any]:
        return {
            "app_id": "A0001",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "chat:write,commands,channels:read,groups:read,users:read",
            "token_type": "bot",
            "access_token": "xoxb-installed",
            "bot_user_id": self.bot_user_id,
            "team": {"id": self.team_id, "name": self.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }


# -- request parsing ---------------------------------------------------------------------


async def _read_arguments(request: web.Request) -> dict[str, Any]:
    """Query string, then the form or JSON body; JSON-valued form fields decoded."""
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                body = {}
            if isinstance(body, dict):
                args.update(body)
        else:
            form = await request.post()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
    for name in JSON_ARGUMENTS & set(args):
        value = args[name]
        if isinstance(value, str) and value[:1] in {"[", "{"}:
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(value)
    return args


def _credentials(
    request: web.Request, args: dict[str, Any]
) -> tuple[str | None, str | None, str | None]:
    """(bearer token, client_id, client_secret); a `token` argument is taken out of args."""
    token: str | None = None
    client_id = args.get("client_id")
    client_secret = args.get("client_secret")
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        token = value.strip() or None
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if ":" in decoded:
            client_id, _, client_secret = decoded.partition(":")
    if "token" in args:
        legacy = args.pop("token")
        token = token or (str(legacy) if legacy else None)
    return token, client_id, client_secret


def _looks_like_token(token: str | None) -> bool:
    return bool(token) and str(token).startswith(("xoxb-", "xoxp-", "xoxa-", "xoxe."))


def _required(args: Mapping[str, Any], name: str, error: str) -> str:
    value = args.get(name)
    if not value:
        raise _Refusal(error)
    return str(value)


def _require_content(args: Mapping[str, Any]) -> None:
    if not (args.get("text") or args.get("blocks") or args.get("attachments")):
        raise _Refusal("no_text")


def _conversation_id(channel: str) -> str:
    """Posting to a user id lands in the DM with that user."""
    return "D" + channel if channel.startswith(("U", "W")) else channel


def _image_blocks(args: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The image blocks of a message's `blocks` or a view's."""
    blocks = args.get("blocks")
    view = args.get("view")
    if isinstance(view, dict):
        blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return []
    return [b for b in blocks if isinstance(b, dict) and b.get("type") == "image"]


def _view_argument(args: Mapping[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    if not isinstance(view, dict):
        raise _Refusal("invalid_arguments")
    return view


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in {"1", "true"}


def _page(items: list[str], args: Mapping[str, Any]) -> tuple[list[str], str]:
    """One page of `items` by Slack's cursor pagination, and the cursor of the next ("")."""
    try:
        limit = int(args.get("limit") or DEFAULT_PAGE_SIZE)
    except ValueError as error:
        raise _Refusal("invalid_limit") from error
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    start = _decode_cursor(args.get("cursor"))
    page = items[start : start + limit]
    end = start + len(page)
    return page, _encode_cursor(end) if end < len(items) else ""


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: object) -> int:
    if not cursor:
        return 0
    try:
        kind, _, offset = base64.b64decode(str(cursor), validate=True).decode().partition(":")
        if kind != "offset":
            raise ValueError(kind)
        return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise _Refusal("invalid_cursor") from error
