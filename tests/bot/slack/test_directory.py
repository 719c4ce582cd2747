"""Who is not a person in a workspace: one paged users.list, kept, asked once at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.slack.clients import SlackClients
from bot.slack.directory import SLACKBOT, Directory
from tests.fakes.slack_api import FakeSlackApi

WORKSPACE = "T0001"


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        fake.channel_members["C1"] = [f"U{n:05d}" for n in range(1500)]
        fake.users |= {"UHELPER": {"is_bot": True}, "UWORKFLOW": {"is_app_user": True}}
        fake.users["U00042"] = {"deleted": True}
        yield fake


@pytest.fixture
async def directory(api: FakeSlackApi) -> AsyncIterator[Directory]:
    clients = SlackClients(base_url=api.url, bot_token="xoxb-test", installation_store=None)
    yield Directory(clients)
    await clients.close()


async def test_bots_apps_and_the_deactivated_are_not_people(
    api: FakeSlackApi, directory: Directory
) -> None:
    not_people = await directory.not_people(WORKSPACE)
    assert not_people == {api.bot_user_id, "UHELPER", "UWORKFLOW", "U00042", SLACKBOT}
    assert len(api.calls_to("users.list")) == 2  # 1,504 users, 1,000 a page
    api.assert_clean()


async def test_the_list_is_kept_and_read_once_at_a_time(
    api: FakeSlackApi, directory: Directory
) -> None:
    answers = await asyncio.gather(*(directory.not_people(WORKSPACE) for _ in range(50)))
    assert len(set(answers)) == 1
    await directory.not_people(WORKSPACE)
    assert len(api.calls_to("users.list")) == 2  # one reading, however many asked


async def test_without_the_list_only_slackbot_is_known(
    api: FakeSlackApi, directory: Directory
) -> None:
    api.fail_next("users.list", status=200, error="missing_scope")
    assert await directory.not_people(WORKSPACE) == {SLACKBOT}
    assert await directory.not_people(WORKSPACE) == {SLACKBOT}  # not asked again at once
    assert len(api.calls_to("users.list")) == 1
