"""The fake Slack Web API, driven by slack_sdk's real AsyncWebClient over HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack.clients import RETRY_JITTER_SECONDS, RetryAfter, WaitedRetry
from tests.fakes.slack_api import NEWER_ARGUMENTS, FakeSlackApi, load_spec
from tests.fakes.waits import Waits
from tests.reference import SLACK_WEB_API_SPEC, load

SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Ugens puls*"}}]
MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "answer_form",
    "title": {"type": "plain_text", "text": "Ugens puls"},
    "submit": {"type": "plain_text", "text": "Send"},
    "private_metadata": "r1",
    "blocks": [
        {
            "type": "input",
            "block_id": "q1",
            "label": {"type": "plain_text", "text": "Hvor tryg er du?"},
            "element": {
                "type": "radio_buttons",
                "action_id": "score",
                "options": [{"text": {"type": "plain_text", "text": "3"}, "value": "3"}],
            },
        }
    ],
}


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlackApi) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.url)


async def test_serves_on_loopback_with_a_base_url_ending_in_a_slash(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    assert slack.url.startswith("http://127.0.0.1:")
    assert slack.url.endswith("/api/")
    answer = await client.auth_test()
    assert answer["team_id"] == "T0001"
    assert answer["user_id"] == "UBOT"
    assert answer["bot_id"] == "B0001"
    assert answer["is_enterprise_install"] is False
    assert slack.calls_to("auth.test")[0].token == "xoxb-test"


async def test_url_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        _ = FakeSlackApi().url


async def test_post_message_answers_with_unique_increasing_ts(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    first = await client.chat_postMessage(channel="C0123456789", text="puls", blocks=SECTION)
    second = await client.chat_postMessage(
        channel="C0123456789", text="svar", thread_ts=first["ts"]
    )
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C0123456789"
    assert first["message"]["blocks"] == SECTION
    assert first["message"]["user"] == "UBOT"
    assert second["message"]["thread_ts"] == first["ts"]
    call = slack.calls_to("chat.postMessage")[0]
    assert call.args == {"channel": "C0123456789", "text": "puls", "blocks": SECTION}
    assert call.http_method == "POST"
    assert call.ok
    assert slack.messages[("C0123456789", first["ts"])]["text"] == "puls"
    slack.assert_clean()


async def test_form_bodies_with_json_strings_are_decoded(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    await client.api_call(
        "chat.postMessage",
        data={"channel": "C0123456789", "text": "x", "blocks": json.dumps(SECTION)},
    )
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == SECTION


async def test_post_message_to_a_user_lands_in_the_dm(client: AsyncWebClient) -> None:
    answer = await client.chat_postMessage(channel="U0123456789", text="hej")
    assert answer["channel"] == "DU0123456789"


async def test_post_message_without_content_is_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.api_call("chat.postMessage", json={"channel": "C0123456789"})
    assert raised.value.response["error"] == "no_text"


async def test_update_and_delete_work_on_posted_messages(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C0123456789", text="0 svar")
    updated = await client.chat_update(
        channel="C0123456789", ts=posted["ts"], text="1 svar", blocks=SECTION
    )
    assert updated["ts"] == posted["ts"]
    assert updated["text"] == "1 svar"
    assert updated["message"]["blocks"] == SECTION
    assert slack.messages[("C0123456789", posted["ts"])]["text"] == "1 svar"
    deleted = await client.chat_delete(channel="C0123456789", ts=posted["ts"])
    assert deleted["ts"] == posted["ts"]
    assert slack.messages == {}
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C0123456789", ts=posted["ts"], text="igen")
    assert raised.value.response["error"] == "message_not_found"
    slack.assert_clean()


async def test_post_ephemeral_answers_a_message_ts(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    answer = await client.chat_postEphemeral(channel="C0123456789", user="U0123456789", text="tak")
    assert answer["message_ts"] == "1700000000.000100"
    assert slack.calls_to("chat.postEphemeral")[0].args["user"] == "U0123456789"
    slack.assert_clean()


async def test_views_are_echoed_with_an_id(slack: FakeSlackApi, client: AsyncWebClient) -> None:
    opened = await client.views_open(trigger_id="123.456.abc", view=MODAL)
    view = opened["view"]
    assert view["id"].startswith("V")
    assert (view["type"], view["callback_id"], view["private_metadata"]) == (
        "modal",
        "answer_form",
        "r1",
    )
    assert view["blocks"] == MODAL["blocks"]
    assert view["title"] == MODAL["title"]
    pushed = await client.views_push(trigger_id="123.456.abc", view=MODAL)
    assert pushed["view"]["id"] != view["id"]
    updated = await client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL)
    assert updated["view"]["id"] == view["id"]
    assert updated["view"]["hash"] != view["hash"]
    with pytest.raises(SlackApiError) as raised:
        await client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL)
    assert raised.value.response["error"] == "hash_conflict"
    home = {"type": "home", "blocks": SECTION}
    published = await client.views_publish(user_id="U0123456789", view=home)
    again = await client.views_publish(user_id="U0123456789", view=home)
    assert published["view"]["type"] == "home"
    assert again["view"]["id"] == published["view"]["id"]
    slack.assert_clean()


async def test_views_update_of_an_unknown_view_is_not_found(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.views_update(view_id="V404", view=MODAL)
    assert raised.value.response["error"] == "not_found"


async def test_conversations_members_paginates(slack: FakeSlackApi, client: AsyncWebClient) -> None:
    everyone = [f"U{i:08d}" for i in range(250)]
    slack.channel_members["C0123456789"] = everyone
    # slack_sdk's response iterates by refreshing itself: copy each page as it comes.
    pages: list[dict[str, Any]] = []
    async for page in await client.conversations_members(channel="C0123456789", limit=100):
        pages.append(dict(page.data))
    assert [len(page["members"]) for page in pages] == [100, 100, 50]
    assert [m for page in pages for m in page["members"]] == everyone
    assert pages[-1]["response_metadata"]["next_cursor"] == ""
    assert [c.http_method for c in slack.calls_to("conversations.members")] == ["GET"] * 3
    whole = await client.conversations_members(channel="C0123456789", limit=1000)
    assert whole["members"] == everyone
    slack.assert_clean()


async def test_users_list_pages_through_everyone_it_knows(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    slack.channel_members["C0123456789"] = [f"U{i:08d}" for i in range(1500)]
    slack.users["B0HELPER"] = {"is_bot": True}
    slack.users["U00000007"] = {"deleted": True}
    pages: list[dict[str, Any]] = []
    async for page in await client.users_list(limit=1000):
        pages.append(dict(page.data))
    assert [len(page["members"]) for page in pages] == [1000, 502]
    users = {u["id"]: u for page in pages for u in page["members"]}
    assert len(users) == 1502  # the bot itself, the helper bot and the channel's people
    assert users[slack.bot_user_id]["is_bot"] is True
    assert users["B0HELPER"]["is_bot"] is True
    assert users["U00000007"]["deleted"] is True
    assert users["U00000008"]["is_bot"] is False
    slack.assert_clean()


async def test_conversations_members_of_an_unknown_channel_fails(
    client: AsyncWebClient,
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_members(channel="C0000000404")
    assert raised.value.response["error"] == "channel_not_found"


async def test_a_bad_cursor_is_refused(slack: FakeSlackApi, client: AsyncWebClient) -> None:
    slack.channel_members["C0123456789"] = ["U0123456789"]
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_members(channel="C0123456789", cursor="nonsense!")
    assert raised.value.response["error"] == "invalid_cursor"


async def test_conversation_and_user_info(slack: FakeSlackApi, client: AsyncWebClient) -> None:
    slack.channel_members["C0123456789"] = ["U1", "U2", "U3"]
    slack.channels["C0123456789"] = {"name": "team-tryg"}
    slack.users["U1"] = {"is_admin": True, "tz": "America/New_York"}
    channel = (await client.conversations_info(channel="C0123456789"))["channel"]
    assert (channel["id"], channel["name"], channel["is_private"], channel["num_members"]) == (
        "C0123456789",
        "team-tryg",
        False,
        3,
    )
    admin = (await client.users_info(user="U1", include_locale=True))["user"]
    assert admin["is_admin"] is True
    assert admin["tz"] == "America/New_York"
    assert admin["locale"] == "da-DK"
    plain = (await client.users_info(user="U2"))["user"]
    assert plain["team_id"] == "T0001"
    assert (plain["is_bot"], plain["is_admin"], plain["is_owner"], plain["deleted"]) == (
        False,
        False,
        False,
        False,
    )
    assert plain["tz"] == "Europe/Copenhagen"
    assert "locale" not in plain  # Slack sends it only with include_locale
    dm = await client.conversations_open(users="U2")
    assert dm["channel"]["id"] == "DU2"
    slack.assert_clean()


# slack_sdk 3.48 builds aiohttp.BasicAuth, which aiohttp 3.14 deprecates.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_v2_access_uses_client_credentials(slack: FakeSlackApi) -> None:
    anonymous = AsyncWebClient(base_url=slack.url)
    answer = await anonymous.oauth_v2_access(
        client_id="111.222", client_secret="s3cret", code="abc", redirect_uri="https://x/cb"
    )
    assert answer["access_token"] == "xoxb-installed"
    assert answer["token_type"] == "bot"
    assert answer["bot_user_id"] == "UBOT"
    assert answer["app_id"] == "A0001"
    assert answer["team"] == {"id": "T0001", "name": "Tryghed Test"}
    assert answer["enterprise"] is None
    assert answer["is_enterprise_install"] is False
    assert answer["authed_user"]["id"] == "UINSTALLER"
    call = slack.calls_to("oauth.v2.access")[0]
    assert call.client_id == "111.222"
    assert call.args == {"code": "abc", "redirect_uri": "https://x/cb"}
    with pytest.raises(SlackApiError) as raised:
        await anonymous.api_call("oauth.v2.access", data={"code": "abc"})
    assert raised.value.response["error"] == "invalid_client_id"
    slack.assert_clean()


async def test_uninstall_and_revoke(slack: FakeSlackApi, client: AsyncWebClient) -> None:
    assert (await client.apps_uninstall(client_id="111.222", client_secret="s3cret"))["ok"]
    assert (await client.auth_revoke())["revoked"] is True
    slack.assert_clean()


@pytest.mark.parametrize("token", [None, "not-a-slack-token"])
async def test_calls_without_a_proper_token_are_not_authed(
    slack: FakeSlackApi, token: str | None
) -> None:
    client = AsyncWebClient(token=token, base_url=slack.url)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0123456789", text="x")
    assert raised.value.response["error"] == "not_authed"
    assert not slack.calls[0].ok


async def test_unknown_methods_answer_unknown_method(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.api_call("tryghed.nonsense")
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "unknown_method"


async def test_methods_unknown_to_the_spec_are_recorded_not_violations(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError):
        await client.api_call("assistant.threads.setStatus", json={"channel_id": "C1"})
    assert slack.unknown_to_spec == {"assistant.threads.setStatus"}
    slack.assert_clean()


async def test_rate_limit_answers_429_with_retry_after(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0123456789", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"
    assert (await client.chat_postMessage(channel="C0123456789", text="x"))["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


async def test_rate_limit_retry_handler_succeeds_after_retry_after(slack: FakeSlackApi) -> None:
    waits = Waits()
    client = AsyncWebClient(
        token="xoxb-test",
        base_url=slack.url,
        retry_handlers=[RetryAfter(max_retry_count=1, sleep=waits)],
    )
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    answer = await client.chat_postMessage(channel="C0123456789", text="x")
    assert answer["ok"]
    (waited,) = waits.seconds  # the Retry-After the fake sent, and a little jitter
    assert 1 <= waited <= 1 + RETRY_JITTER_SECONDS
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert len(slack.calls_to("chat.postMessage", ok_only=True)) == 1
    assert len(slack.messages) == 1


async def test_server_errors_fail_then_recover(slack: FakeSlackApi) -> None:
    client = AsyncWebClient(
        token="xoxb-test",
        base_url=slack.url,
        retry_handlers=[WaitedRetry(AsyncServerErrorRetryHandler(max_retry_count=1), Waits())],
    )
    posted = await client.chat_postMessage(channel="C0123456789", text="x")
    slack.fail_next("chat.update", status=500, times=2)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C0123456789", ts=posted["ts"], text="y")
    assert raised.value.response.status_code == 500
    assert [c.status for c in slack.calls_to("chat.update")] == [500, 500]
    assert (await client.chat_update(channel="C0123456789", ts=posted["ts"], text="y"))["ok"]


async def test_latency_delays_each_answer(slack: FakeSlackApi, client: AsyncWebClient) -> None:
    slack.latency = 0.05
    started = time.monotonic()
    await client.auth_test()
    assert time.monotonic() - started >= 0.05


async def test_arguments_outside_the_spec_are_violations(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    await client.api_call(
        "chat.postMessage", json={"channel": "C0123456789", "text": "x", "foo": 1}
    )
    with pytest.raises(SlackApiError):
        await client.api_call("chat.postEphemeral", json={"channel": "C0123456789", "text": "x"})
    assert slack.violations == [
        "chat.postMessage: argument 'foo' is not in the spec",
        "chat.postEphemeral: required argument 'user' is missing",
    ]
    with pytest.raises(AssertionError, match="2 Slack API violation") as raised:
        slack.assert_clean()
    assert "argument 'foo' is not in the spec" in str(raised.value)


async def test_team_id_from_a_bolt_style_client_is_accepted(slack: FakeSlackApi) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.url, team_id="T0001")
    await client.chat_postMessage(channel="C0123456789", text="x")
    assert slack.calls[0].args["team_id"] == "T0001"
    slack.assert_clean()


async def test_response_url_posts_are_recorded_and_checked(slack: FakeSlackApi) -> None:
    webhook = AsyncWebhookClient(slack.response_url("action-1"))
    answer = await webhook.send(
        text="Tak", response_type="ephemeral", replace_original=False, blocks=SECTION
    )
    assert answer.status_code == 200
    assert slack.responses[0].key == "action-1"
    assert slack.responses[0].body["response_type"] == "ephemeral"
    assert slack.responses[0].body["blocks"] == SECTION
    await webhook.send(text="x", blocks=[{"type": "section"}])
    assert slack.violations == ["response_url: blocks[0]: a section needs text or fields"]


async def test_newer_arguments_can_be_allowed_explicitly(slack: FakeSlackApi) -> None:
    metadata = {"event_type": "pulse_posted", "event_payload": {"round": "r1"}}
    client = AsyncWebClient(token="xoxb-test", base_url=slack.url)
    await client.chat_postMessage(channel="C0123456789", text="x", metadata=metadata)
    assert slack.violations == ["chat.postMessage: argument 'metadata' is not in the spec"]
    async with FakeSlackApi(extra_arguments=NEWER_ARGUMENTS) as lenient:
        client = AsyncWebClient(token="xoxb-test", base_url=lenient.url)
        answer = await client.chat_postMessage(channel="C0123456789", text="x", metadata=metadata)
        assert answer["ok"]
        assert lenient.calls[0].args["metadata"] == metadata
        lenient.assert_clean()


async def test_block_kit_problems_are_violations(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    await client.chat_postMessage(channel="C0123456789", text="x", blocks=header)
    await client.views_open(
        trigger_id="1.2.a", view={**MODAL, "title": {"type": "plain_text", "text": "t" * 25}}
    )
    await client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "x", "blocks": "[oops"}
    )
    assert slack.violations == [
        "chat.postMessage: blocks[0].text: 151 > 150 characters",
        "views.open: view.title: 25 > 24 characters",
        "chat.postMessage: blocks is not a JSON list",
    ]


def test_the_spec_is_read_per_method() -> None:
    spec = load_spec()
    assert "user" in spec["chat.postEphemeral"].required
    assert "token" not in spec["chat.postMessage"].parameters
    assert {"channel", "text", "blocks", "thread_ts"} <= spec["chat.postMessage"].parameters


async def test_answers_match_the_spec_response_schemas() -> None:
    """The fake's own answers are checked against the spec (with spec-shaped ids)."""
    document = load(SLACK_WEB_API_SPEC)

    def check(method: str, answer: object) -> None:
        operation = next(iter(document["paths"][f"/{method}"].values()))
        schema = {**operation["responses"]["200"]["schema"], "definitions": document["definitions"]}
        jsonschema.Draft4Validator(schema).validate(answer)

    async with FakeSlackApi(team_id="T0123456789", bot_id="B0123456789") as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.url)
        slack.channel_members["C0123456789"] = ["U0123456789", "U0123456790"]
        check("auth.test", (await client.auth_test()).data)
        posted = await client.chat_postMessage(channel="C0123456789", text="x", blocks=SECTION)
        check("chat.postMessage", posted.data)
        check(
            "chat.update",
            (await client.chat_update(channel="C0123456789", ts=posted["ts"], text="y")).data,
        )
        ephemeral = await client.chat_postEphemeral(
            channel="C0123456789", user="U0123456789", text="x"
        )
        check("chat.postEphemeral", ephemeral.data)
        check(
            "chat.delete", (await client.chat_delete(channel="C0123456789", ts=posted["ts"])).data
        )
        members = await client.conversations_members(channel="C0123456789", limit=1)
        check("conversations.members", members.data)
        check("users.info", (await client.users_info(user="U0123456789")).data)
        check("conversations.info", (await client.conversations_info(channel="C0123456789")).data)
        check("auth.revoke", (await client.auth_revoke()).data)
        check(
            "apps.uninstall", (await client.apps_uninstall(client_id="1.2", client_secret="s")).data
        )
        slack.assert_clean()


# -- the files API v2 (checked against Slack's method docs: the 2020 spec predates it) ------

PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def test_files_upload_v2_shares_a_file_into_a_channel(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    answer = await client.files_upload_v2(
        file=PICTURE, filename="chart.png", title="Chart", alt_txt="Numbers", channel="C1"
    )
    file_id = answer["file"]["id"]
    upload = slack.files[file_id]
    assert (upload.content, upload.length, upload.alt_txt, upload.title) == (
        PICTURE,
        len(PICTURE),
        "Numbers",
        "Chart",
    )
    assert upload.shares == ["C1"]
    assert slack.shared_files("C1") == [upload]
    (message,) = [m for (c, _), m in slack.messages.items() if c == "C1"]
    assert message["subtype"] == "file_share"
    assert message["files"][0]["id"] == file_id
    assert [c.method for c in slack.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    slack.assert_clean()


async def test_a_file_without_a_channel_stays_private(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    answer = await client.files_upload_v2(file=PICTURE, filename="chart.png")
    upload = slack.files[answer["file"]["id"]]
    assert upload.completed
    assert upload.shares == []
    assert slack.messages == {}
    slack.assert_clean()


async def test_uploads_are_refused_as_documented(
    slack: FakeSlackApi, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as too_long:
        await client.files_getUploadURLExternal(filename="c.png", length=3, alt_txt="x" * 1001)
    assert too_long.value.response["error"] == "alt_txt_too_large"
    announced = await client.files_getUploadURLExternal(filename="c.png", length=3)
    # Completing a file whose bytes never arrived.
    with pytest.raises(SlackApiError) as early:
        await client.files_completeUploadExternal(files=[{"id": announced["file_id"]}])
    assert early.value.response["error"] == "file_not_found"
    # An argument the docs do not list, and an image block of a file nobody uploaded.
    await client.api_call(
        "files.getUploadURLExternal", params={"filename": "c", "length": 1, "x": 1}
    )
    await client.chat_postMessage(
        channel="C1",
        text="t",
        blocks=[{"type": "image", "slack_file": {"id": "F404"}, "alt_text": "a"}],
    )
    assert slack.violations == [
        "files.getUploadURLExternal: argument 'x' is not in Slack's docs",
        "chat.postMessage: slack_file F404 is no completed upload",
    ]
