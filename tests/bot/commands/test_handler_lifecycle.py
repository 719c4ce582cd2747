"""Deleting a team from the chat, and a team switched off because the app was removed."""

from __future__ import annotations

import pytest

from bot.commands.access import Actor
from bot.commands.handler import Reply
from content.schema import ContentPack
from surveys.errors import RoundNotFound, TeamNotSetUp
from surveys.lifecycle import deletion_code
from tests.bot.commands.test_handler import (
    CHANNEL,
    FACILITATOR,
    LEADER,
    MEMBER,
    MEMBERS,
    PREFIX,
    make,
    set_up,
)


async def test_a_leader_deletes_the_team_in_two_steps(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    code = deletion_code(team)

    asked = await s.handler.command(CHANNEL, Actor(LEADER), "delete")
    assert asked == Reply(card=s.note("delete-confirm", code=code, prefix=PREFIX))
    assert (await s.service.team(team.id)).id == team.id  # nothing is deleted yet

    wrong = await s.handler.command(CHANNEL, Actor(LEADER), "delete 000000")
    assert wrong == Reply(card=s.note("delete-wrong-code", prefix=PREFIX))
    assert (await s.service.team(team.id)).id == team.id

    done = await s.handler.command(CHANNEL, Actor(LEADER), f"delete {code.upper()}")
    assert done == Reply(card=s.note("team-deleted", prefix=PREFIX))
    with pytest.raises(TeamNotSetUp):
        await s.service.team(team.id)
    with pytest.raises(RoundNotFound):
        await s.service.status(round_.id)
    after = await s.handler.command(CHANNEL, Actor(LEADER, language="en"), "status")
    assert after == Reply(card=s.note("error-team-not-set-up", prefix=PREFIX))


async def test_the_danish_word_and_an_admin(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    admin = Actor("U-admin", is_admin=True)
    asked = await s.handler.command(CHANNEL, admin, "slet")
    assert asked == Reply(card=s.note("delete-confirm", code=deletion_code(team), prefix=PREFIX))
    await s.handler.command(CHANNEL, admin, f"slet {deletion_code(team)}")
    with pytest.raises(TeamNotSetUp):
        await s.service.team(team.id)


@pytest.mark.parametrize("who", [FACILITATOR, MEMBER])
async def test_only_leaders_and_admins_may_delete(content: ContentPack, who: str) -> None:
    s = make(content)
    team = await set_up(s)
    for text in ("delete", f"delete {deletion_code(team)}"):
        reply = await s.handler.command(CHANNEL, Actor(who), text)
        assert reply == Reply(card=s.note("error-not-allowed-delete"))
    assert (await s.service.team(team.id)).id == team.id


async def test_a_channel_without_a_team_has_nothing_to_delete(content: ContentPack) -> None:
    s = make(content)
    reply = await s.handler.command(CHANNEL, Actor(LEADER, language="en"), "delete")
    assert reply == Reply(card=s.note("error-team-not-set-up", prefix=PREFIX))
    private = await s.handler.private_command("T1", Actor(LEADER, language="en"), "delete")
    assert private == Reply(card=s.note("error-team-not-set-up", prefix=PREFIX))


async def test_a_removed_app_switches_the_team_off_until_it_is_set_up_again(
    content: ContentPack,
) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    await s.service.submit(
        round_.id, user_id=MEMBERS[3], answers=dict.fromkeys(round_.statement_ids, 3)
    )

    assert await s.handler.app_removed("T1") == 1

    inactive = Reply(card=s.note("error-team-inactive", prefix=PREFIX))
    for text in ("pulse", "close", "status", "trend", "hack", "pause", "resume"):
        assert await s.handler.command(CHANNEL, Actor(FACILITATOR), text) == inactive, text
    assert await s.handler.hack_done(CHANNEL, Actor(FACILITATOR), "check-in-round") == inactive
    assert s.chat.pulses[1:] == []
    assert s.chat.outcomes == []
    # Help and the shared knowledge still answer; deleting stays possible.
    assert (await s.handler.command(CHANNEL, Actor(MEMBER), "help")).card is not None
    asked = await s.handler.command(CHANNEL, Actor(LEADER), "delete")
    assert asked == Reply(card=s.note("delete-confirm", code=deletion_code(team), prefix=PREFIX))
    # A plain member cannot switch it on; a facilitator's setup does.
    refused = await s.handler.command(CHANNEL, Actor(MEMBER), "setup weekly mon 09:00")
    assert refused == Reply(card=s.note("error-not-allowed"))
    await s.handler.command(CHANNEL, Actor(FACILITATOR), "setup weekly mon 09:00")
    assert (await s.service.team(team.id)).active
    started = await s.handler.command(CHANNEL, Actor(FACILITATOR), "pulse")
    assert started == Reply(card=s.note("pulse-started"))


async def test_removal_from_another_workspace_changes_nothing(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    assert await s.handler.app_removed("T-other") == 0
    assert await s.handler.app_removed("T1", group_id="G-unknown") == 0
    assert (await s.service.team(team.id)).active
