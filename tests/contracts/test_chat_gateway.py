"""The ChatGateway contract: the same assertions on every implementation.

Slack's gateway talks to the fake Slack Web API and Teams' to the fake Bot Framework connector,
both over real HTTP; the in-memory gateway is the one tests and the demo use. A new platform
joins with one context manager in PLATFORMS that yields its `Platform`.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace

import pytest
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.memory_chat import MemoryChat
from bot.msteams.adapter import BotConfig, cloud_adapter
from bot.msteams.addresses import Addresses
from bot.msteams.chat import TeamsChat
from bot.msteams.connector import Connector, MessageRef, reference_json
from bot.msteams.sending import Sender
from bot.pulse_updates import PulseUpdates
from bot.sandbox.chat import Kind, SandboxChat
from bot.sandbox.html import card_html
from bot.sandbox.people import channel as sandbox_channel
from bot.sandbox.people import member_ids
from bot.slack.chat import SlackChat
from bot.slack.clients import SlackClients
from content.loader import default_pack
from surveys.addresses import ChannelAddress
from surveys.announcements import Notice, PulseStatus, RoundOutcome
from surveys.anonymity import WithheldSummary
from surveys.errors import NotInChannel
from surveys.manual_clock import ManualClock
from surveys.ports import ChatGateway
from surveys.team import ChannelRef, Team
from surveys.trend import Trend
from tests.bot.msteams.harness import card_text
from tests.bot.slack.harness import block_text
from tests.builders import T0, a_round, a_team
from tests.fakes.bot_connector import FakeBotConnector, Person, activity_cards
from tests.fakes.memory import MemoryStorage
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.sleep import FakeSleep

COUNT = re.compile(r"(\d+) of \d+ have answered")
CLOSED = "This round has closed"


@dataclass(frozen=True)
class Shown:
    """What a pulse message shows everyone now."""

    closed: bool
    count: int | None


def shown_in(text: str) -> Shown:
    """What a rendered pulse message (its English words) shows."""
    count = COUNT.search(text)
    return Shown(closed=CLOSED in text, count=int(count.group(1)) if count else None)


@dataclass
class Platform:
    """One ChatGateway, and what the contract needs to see of the platform around it."""

    gateway: ChatGateway
    team: Team  # its channel has `people` and a bot in it, and the bot can post there
    people: list[str]  # as the gateway names them
    unreachable: Team  # a channel the bot is not in
    shown: Callable[[str], Shown]  # a pulse message, by its reference
    channel_posts: Callable[[], int]  # messages in the team's channel, thread replies included
    private: Callable[[str], int]  # private messages to one person


PEOPLE = ["UP01", "UP02", "UP03"]


@asynccontextmanager
async def memory() -> AsyncIterator[Platform]:
    chat = MemoryChat(members=[*PEOPLE, "UBOT"], bots={"UBOT"}, unreachable={"C-GONE"})

    def shown(ref: str) -> Shown:
        message = chat.shown[ref]
        if isinstance(message, RoundOutcome):
            return Shown(closed=True, count=None)
        return Shown(closed=False, count=message.respondents)

    yield Platform(
        gateway=chat,
        team=a_team(channel="C1", language="en"),
        people=list(PEOPLE),
        unreachable=a_team(channel="C-GONE", language="en"),
        shown=shown,
        channel_posts=lambda: len(chat.pulses) + len(chat.outcomes) + 2 * len(chat.hacks),
        private=lambda person: sum(1 for to, _ in chat.notes if to == person),
    )


@asynccontextmanager
async def slack() -> AsyncIterator[Platform]:
    async with FakeSlackApi() as api:
        api.channel_members["C1"] = [*PEOPLE, "UAPP", api.bot_user_id]
        api.users["UAPP"] = {"is_bot": True}  # another app's bot
        api.not_in.add("C-GONE")
        clients = SlackClients(
            base_url=api.url, bot_token="xoxb-test", installation_store=None, trace=None
        )

        def posts_to(channel: str) -> int:
            calls = api.calls_to("chat.postMessage", ok_only=True)
            return sum(1 for call in calls if call.args["channel"] == channel)

        yield Platform(
            gateway=SlackChat(clients, default_pack()),
            team=a_team(channel="C1", language="en"),
            people=list(PEOPLE),
            unreachable=a_team(channel="C-GONE", language="en"),
            shown=lambda ts: shown_in(block_text(api.messages[("C1", ts)].get("blocks"))),
            channel_posts=lambda: posts_to("C1"),
            private=posts_to,
        )
        await clients.close()
        api.assert_clean()


TENANT = "tenant-1"
CHANNEL = "19:pulse-channel-0001@thread.tacv2"
GONE = "19:removed-channel-0001@thread.tacv2"
BOT = "28:tryghed-bot-0001"
TEAMS_PEOPLE = [Person(f"aad-{n}", f"29:teams-user-{n}", f"Person {n}") for n in range(1, 4)]


def on_teams(channel_id: str) -> Team:
    return replace(a_team(language="en"), channel=ChannelRef("teams", TENANT, channel_id))


def address(channel_id: str, service_url: str) -> ChannelAddress:
    """Where the bot was added, as the Teams adapter stores it."""
    reference = ConversationReference(
        bot=ChannelAccount(id=BOT, name="Tryghed"),
        conversation=ConversationAccount(id=channel_id, conversation_type="channel"),
        channel_id="msteams",
        service_url=service_url,
    )
    return ChannelAddress(
        channel=ChannelRef("teams", TENANT, channel_id),
        group_id="19:team",
        service_url=service_url,
        updated_at=T0,
        reference=reference_json(reference),
    )


@asynccontextmanager
async def teams() -> AsyncIterator[Platform]:
    async with FakeBotConnector(tenant_id=TENANT) as connector:
        connector.rosters[CHANNEL] = [*TEAMS_PEOPLE, Person("aad-bot", BOT, "Tryghed")]
        connector.removed.add(GONE)
        storage = MemoryStorage()
        async with storage() as uow:
            for channel_id in (CHANNEL, GONE):
                await uow.addresses.save(address(channel_id, connector.service_url))
            await uow.commit()
        adapter = await cloud_adapter(
            BotConfig(app_id="", password="", app_type="MultiTenant", tenant_id=""),
            insecure_no_auth=True,
        )
        chat = TeamsChat(Connector(adapter, Sender()), Addresses(storage), default_pack())

        def shown(ref: str) -> Shown:
            message = MessageRef.decode(ref)
            activity = connector.message(message.conversation_id, message.activity_id)
            return shown_in(card_text(activity_cards(activity)))

        def channel_posts() -> int:
            threads = len(connector.threads(CHANNEL))
            replies = [
                call
                for kind in ("send", "reply")
                for call in connector.calls_to(kind)
                if call.conversation_id.startswith(CHANNEL)
            ]
            return threads + len(replies)

        def private(aad: str) -> int:
            person = next(p for p in TEAMS_PEOPLE if p.aad == aad)
            return len(connector.chat_cards(person))

        yield Platform(
            gateway=chat,
            team=on_teams(CHANNEL),
            people=[p.aad for p in TEAMS_PEOPLE],
            unreachable=on_teams(GONE),
            shown=shown,
            channel_posts=channel_posts,
            private=private,
        )
        await chat.close()
        connector.assert_clean()


@asynccontextmanager
async def sandbox() -> AsyncIterator[Platform]:
    chat = SandboxChat(default_pack(), ManualClock(T0))

    def shown(ref: str) -> Shown:
        message = chat.find(ref)
        assert message is not None
        assert message.card is not None
        markup = card_html(message.card, csrf="token", message_id=ref)
        return shown_in(html.unescape(re.sub(r"<[^>]+>", " ", markup)))

    def channel_posts() -> int:
        shared = [m for m in chat.seen_by("nobody") if m.kind is Kind.POST]
        return len(shared) + sum(len(m.replies) for m in shared)

    yield Platform(
        gateway=chat,
        team=replace(a_team(language="en"), channel=sandbox_channel()),
        people=list(member_ids()),
        unreachable=a_team(channel="C-GONE", language="en"),
        shown=shown,
        channel_posts=channel_posts,
        private=lambda person: sum(1 for m in chat.seen_by(person) if m.kind is Kind.DIRECT),
    )


PLATFORMS: dict[str, Callable[[], AbstractAsyncContextManager[Platform]]] = {
    "memory": memory,
    "slack": slack,
    "teams": teams,
    "sandbox": sandbox,
}


@pytest.fixture(params=sorted(PLATFORMS))
async def platform(request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    """Each ChatGateway in turn, on its platform's fake."""
    async with PLATFORMS[request.param]() as running:
        yield running


def a_pulse(team: Team, respondents: int = 0) -> PulseStatus:
    return PulseStatus(team=team, round=a_round(team), respondents=respondents)


def outcome_of(status: PulseStatus, message_ref: str) -> RoundOutcome:
    """The round closed, withheld (too few answered): the summary and the closed message."""
    closed = replace(status.round, message_ref=message_ref, closed_at=T0, respondents=1)
    return RoundOutcome(
        team=status.team,
        round=closed,
        result=WithheldSummary(
            round_id=closed.id,
            kind=closed.kind,
            closed_at=T0,
            respondents=1,
            min_respondents=5,
            channel_size=9,
        ),
        suggestion=None,
        trend=Trend(team_id=status.team.id, points=[], hacks_done=[]),
    )


async def test_members_are_the_channels_people_without_bots(platform: Platform) -> None:
    members = await platform.gateway.channel_members(platform.team)
    assert sorted(members) == sorted(platform.people)


async def test_a_posted_pulses_reference_is_accepted_by_update_pulse(platform: Platform) -> None:
    status = a_pulse(platform.team)
    ref = await platform.gateway.post_pulse(status)
    assert platform.shown(ref) == Shown(closed=False, count=0)
    await platform.gateway.update_pulse(replace(status, respondents=2), ref)
    assert platform.shown(ref) == Shown(closed=False, count=2)


async def test_a_late_count_never_overwrites_closed(platform: Platform) -> None:
    sleep = FakeSleep()
    updates = PulseUpdates(platform.gateway, delay=15.0, sleep=sleep)
    status = a_pulse(platform.team)
    ref = await updates.post_pulse(status)
    await updates.update_pulse(replace(status, respondents=1), ref)  # waits for its window
    await updates.post_outcome(outcome_of(status, ref))
    assert platform.shown(ref).closed
    await updates.update_pulse(replace(status, respondents=2), ref)  # late
    await sleep.wake()
    await updates.idle()
    assert platform.shown(ref) == Shown(closed=True, count=None)


async def test_a_channel_the_bot_cannot_reach_is_not_in_channel(platform: Platform) -> None:
    with pytest.raises(NotInChannel):
        await platform.gateway.post_pulse(a_pulse(platform.unreachable))
    with pytest.raises(NotInChannel):
        await platform.gateway.channel_members(platform.unreachable)


async def test_a_private_message_reaches_only_that_person(platform: Platform) -> None:
    someone, *others = platform.people
    posts = platform.channel_posts()
    notice = Notice(key="reminder", values={"deadline": T0})
    await platform.gateway.send_private(platform.team, someone, notice)
    assert platform.private(someone) == 1
    assert [platform.private(other) for other in others] == [0] * len(others)
    assert platform.channel_posts() == posts


async def test_the_summary_and_a_hack_reach_the_channel(platform: Platform) -> None:
    status = a_pulse(platform.team)
    ref = await platform.gateway.post_pulse(status)
    posts = platform.channel_posts()
    await platform.gateway.post_outcome(outcome_of(status, ref))
    assert platform.channel_posts() == posts + 1
    assert platform.shown(ref).closed
    thread = await platform.gateway.post_hack(platform.team, default_pack().hacks[0])
    assert thread
    assert platform.channel_posts() == posts + 3  # the card and its thread's first reply
