"""One chat gateway over several platforms: each team goes to its own platform's gateway."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.chats import Chats, PlatformNotEnabled
from bot.memory_chat import MemoryChat
from content.schema import ContentPack
from surveys.announcements import Notice, PulseStatus, RoundOutcome
from surveys.anonymity import WithheldSummary
from surveys.hack_choice import HackReason, HackSuggestion
from surveys.team import ChannelRef, Team
from surveys.trend import Trend
from tests.builders import T0, a_round, a_team


def on(platform: str) -> Team:
    team = a_team()
    return replace(team, channel=ChannelRef(platform, "W1", "C1"))


def outcome_for(team: Team, content: ContentPack) -> RoundOutcome:
    round_ = replace(a_round(team), closed_at=T0, respondents=1)
    hack = content.hacks[0]
    return RoundOutcome(
        team=team,
        round=round_,
        result=WithheldSummary(
            round_id=round_.id,
            kind=round_.kind,
            closed_at=T0,
            respondents=1,
            min_respondents=5,
            channel_size=9,
        ),
        suggestion=HackSuggestion(hack=hack, pillar=hack.pillars[0], reason=HackReason.ROTATION),
        trend=Trend(team_id=team.id, points=[], hacks_done=[]),
    )


async def test_every_call_goes_to_the_teams_own_platform(content: ContentPack) -> None:
    slack, teams = MemoryChat(members=["U1", "U2"]), MemoryChat(members=["29:a"])
    chats = Chats({"slack": slack})
    chats.add("msteams", teams)
    slack_team, teams_team = on("slack"), on("msteams")

    assert await chats.channel_members(slack_team) == ["U1", "U2"]
    assert await chats.channel_members(teams_team) == ["29:a"]

    status = PulseStatus(team=teams_team, round=a_round(teams_team), respondents=2)
    assert await chats.post_pulse(status) == "msg-1"
    await chats.update_pulse(status, "msg-1")
    await chats.post_outcome(outcome_for(slack_team, content))
    await chats.send_private(teams_team, "29:a", Notice("reminder", {}))
    assert await chats.post_hack(slack_team, content.hacks[1]) == "thread-1"

    assert teams.pulses == [status]
    assert teams.updates == [("msg-1", 2)]
    assert teams.notes == [("29:a", Notice("reminder", {}))]
    assert teams.outcomes == []
    assert teams.hacks == []
    assert slack.pulses == []
    assert slack.updates == []
    assert slack.notes == []
    assert [o.team for o in slack.outcomes] == [slack_team]
    assert slack.hacks == [content.hacks[1].id]


async def test_adding_a_platform_again_replaces_its_gateway() -> None:
    first, second = MemoryChat(members=["U1"]), MemoryChat(members=["U2"])
    chats = Chats({"slack": first})
    chats.add("slack", second)
    assert await chats.channel_members(on("slack")) == ["U2"]


async def test_a_platform_without_a_gateway_is_refused_by_name(content: ContentPack) -> None:
    chats = Chats({"slack": MemoryChat()})
    team = on("msteams")
    with pytest.raises(PlatformNotEnabled) as caught:
        await chats.channel_members(team)
    assert caught.value.args == ("msteams",)
    status = PulseStatus(team=team, round=a_round(team), respondents=0)
    with pytest.raises(PlatformNotEnabled):
        await chats.post_pulse(status)
    with pytest.raises(PlatformNotEnabled):
        await chats.update_pulse(status, "m")
    with pytest.raises(PlatformNotEnabled):
        await chats.post_outcome(outcome_for(team, content))
    with pytest.raises(PlatformNotEnabled):
        await chats.send_private(team, "U1", Notice("reminder"))
    with pytest.raises(PlatformNotEnabled):
        await chats.post_hack(team, content.hacks[0])


async def test_no_gateways_at_all() -> None:
    with pytest.raises(PlatformNotEnabled, match=r"^slack$"):
        await Chats().channel_members(on("slack"))


async def test_a_failed_call_is_told_by_platform_and_still_raised() -> None:
    failed: list[str] = []
    chats = Chats(
        {"slack": MemoryChat(fail_updates=True), "msteams": MemoryChat()}, failed=failed.append
    )
    slack_team, teams_team = on("slack"), on("msteams")
    teams_pulse = PulseStatus(team=teams_team, round=a_round(teams_team), respondents=1)
    await chats.update_pulse(teams_pulse, await chats.post_pulse(teams_pulse))
    slack_pulse = PulseStatus(team=slack_team, round=a_round(slack_team), respondents=1)
    with pytest.raises(ConnectionError):
        await chats.update_pulse(slack_pulse, await chats.post_pulse(slack_pulse))
    assert failed == ["slack"]
