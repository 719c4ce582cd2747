"""A pulse in Teams: a new thread in the channel, posted proactively in the tenant; its form a
card of required choice sets with an Action.Submit fallback for older clients; a throttled
post retried after Retry-After."""

from __future__ import annotations

from tests.bot.msteams.harness import (
    CHANNEL,
    PEOPLE,
    TENANT,
    Teams,
    action,
    card_text,
    inputs,
    until,
)
from tests.bot.msteams.steps import (
    answer,
    current_card,
    open_form,
    set_up,
    start_pulse,
    updates_of,
)


async def test_a_pulse_starts_a_thread_in_the_channel(teams: Teams) -> None:
    await set_up(teams)
    pulse = await start_pulse(teams)
    assert pulse.body["isGroup"] is True
    assert (pulse.body.get("tenantId") or pulse.body.get("tenantID")) == TENANT
    assert pulse.body["channelData"]["channel"]["id"] == CHANNEL
    assert pulse.response["id"] == f"{CHANNEL};messageid={pulse.response['activityId']}"
    form = await open_form(teams, pulse, PEOPLE[7])
    assert all(b["type"] == "Input.ChoiceSet" and b["isRequired"] for b in inputs(form))
    submit = action(form, "tryghed_answer_form")
    assert submit["fallback"]["type"] == "Action.Submit"
    assert submit["fallback"]["data"]["verb"] == "tryghed_answer_form"


async def test_a_throttled_post_is_retried_after_retry_after(teams: Teams) -> None:
    await set_up(teams)
    teams.connector.fail_next("conversations", status=429, retry_after="0")
    teams.connector.fail_next("members", status=502, retry_after=None)
    pulse = await start_pulse(teams)
    tries = [c.status for c in teams.connector.calls if c.kind == "conversations"]
    assert tries[-2:] == [429, 201]
    assert [c.status for c in teams.connector.calls if c.kind == "members"] == [502, 200]
    assert len(teams.connector.threads(CHANNEL)) == 1
    teams.connector.fail_next("update", status=429, retry_after="0", times=2)
    await answer(teams, pulse, PEOPLE[2], value=3)
    await until(lambda: len(updates_of(teams, pulse)) == 1)
    assert "1 of 9 have answered" in card_text(current_card(teams, pulse))
