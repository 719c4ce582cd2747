"""The trend chart in Slack, over HTTP: shared into the channel under a summary (a round shown,
once), the private trend's chart in the asker's direct message only, the App Home's as an
image block of a private file; withheld rounds are gaps."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.chart.pictures import trend_chart
from bot.chart.series import chart_series
from content.loader import default_pack
from surveys.service import SUMMARY_ROUNDS
from surveys.team import ChannelRef
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import CHANNEL, WORKSPACE, Slack, settle, until
from tests.bot.slack.steps import answer, button, channel_posts, set_up, start_pulse
from tests.fakes.slack_api import UploadedFile

PNG = b"\x89PNG\r\n\x1a\n"
DM = f"D{FACILITATOR}"


async def a_round(slack: Slack, *, answering: int) -> None:
    """A round `answering` people (not the facilitator) answer, closed by hand."""
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    for person in PEOPLE[1 : 1 + answering]:
        await answer(slack, round_id, person, value=4)
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    before = len(channel_posts(slack))
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) > before)
    # The close goes on after Slack's acknowledgement: the chart is shared after the summary.
    await settle()


def channel_charts(slack: Slack) -> list[UploadedFile]:
    return slack.api.shared_files(CHANNEL)


async def test_the_summary_at_close_carries_the_chart_once(slack: Slack) -> None:
    await set_up(slack)
    await a_round(slack, answering=5)
    await until(lambda: len(channel_charts(slack)) == 1)
    (chart,) = channel_charts(slack)
    assert chart.content is not None
    assert chart.content.startswith(PNG)
    assert chart.length == len(chart.content)
    assert chart.filename == "tryghed-trend.png"
    assert chart.title == "The team's psychological safety over time (0–100)"
    assert chart.alt_txt is not None
    assert "Include: 75 in the latest round shown" in chart.alt_txt
    # The v2 flow, each step once: announce, post the bytes, complete into the channel.
    (announced,) = slack.api.calls_to("files.getUploadURLExternal")
    assert int(announced.args["length"]) == len(chart.content)
    (completed,) = slack.api.calls_to("files.completeUploadExternal")
    assert completed.args["channel_id"] == CHANNEL
    # The file's message comes right after the summary, in the team's channel.
    summary_ts = channel_posts(slack)[-1].response["ts"]
    shared = [m for (c, _), m in slack.api.messages.items() if c == CHANNEL and "files" in m]
    assert [m["files"][0]["id"] for m in shared] == [chart.id]
    assert shared[0]["ts"] > summary_ts
    # The summary's own blocks carry no image: the picture is the file.
    assert "image" not in {b["type"] for b in channel_posts(slack)[-1].args["blocks"]}


async def test_a_withheld_round_shares_no_chart_and_is_a_gap_in_the_next(slack: Slack) -> None:
    await set_up(slack)
    await a_round(slack, answering=5)
    await a_round(slack, answering=2)  # fewer than 5: withheld
    assert len(channel_charts(slack)) == 1
    await a_round(slack, answering=5)
    await until(lambda: len(channel_charts(slack)) == 2)
    latest = channel_charts(slack)[-1]
    assert latest.alt_txt is not None
    assert "(gaps in the chart): 1 of 3." in latest.alt_txt
    # The picture shared is the one drawn from the team's gated trend, with a gap.
    team = await slack.pulse.team_in(ChannelRef("slack", WORKSPACE, CHANNEL))
    trend = await slack.pulse.trend(team.id, rounds=SUMMARY_ROUNDS)
    pack = default_pack()
    series = chart_series(trend, pack)
    assert all(panel.values[1] is None for panel in series.pillars)
    drawn = trend_chart(trend, pack, language="en", zone=ZoneInfo("Europe/Copenhagen"))
    assert latest.content == drawn.png


async def test_the_private_trend_reaches_only_the_asker(slack: Slack) -> None:
    await set_up(slack)
    await a_round(slack, answering=5)
    in_channel = len(channel_charts(slack))
    await slack.command("trend", user=FACILITATOR)
    await until(lambda: len(slack.api.shared_files(DM)) == 1)
    (private,) = slack.api.shared_files(DM)
    assert private.shares == [DM]
    assert private.content is not None
    assert private.content.startswith(PNG)
    (opened,) = slack.api.calls_to("conversations.open")
    assert opened.args["users"] == FACILITATOR
    # Nothing more in the channel, and the private reply itself is ephemeral.
    assert len(channel_charts(slack)) == in_channel
    assert slack.replies()[-1]["response_type"] == "ephemeral"
    # Someone who may not see the trend gets no chart at all.
    files = len(slack.api.files)
    await slack.command("trend", user=PEOPLE[5])
    await until(lambda: "for the team's leaders" in slack.last_reply_text())
    assert len(slack.api.files) == files


async def test_the_app_home_shows_the_chart_as_an_image_of_a_private_file(slack: Slack) -> None:
    await set_up(slack)
    await a_round(slack, answering=5)
    event = {"type": "app_home_opened", "user": FACILITATOR, "channel": "D1", "tab": "home"}
    await slack.event(event, event_id="EvHome1")
    await until(lambda: len(slack.api.calls_to("views.publish")) == 1)
    view = slack.api.calls_to("views.publish")[0].args["view"]
    (image,) = [b for b in view["blocks"] if b["type"] == "image"]
    upload = slack.api.files[image["slack_file"]["id"]]
    # Uploaded without a channel: private to the app, shared nowhere.
    assert upload.completed
    assert upload.shares == []
    assert image["alt_text"].startswith("Chart of the team's psychological safety in the round")
    # Opened again: the same picture, not uploaded again.
    uploads = len(slack.api.files)
    await slack.event(event, event_id="EvHome2")
    await until(lambda: len(slack.api.calls_to("views.publish")) == 2)
    again = slack.api.calls_to("views.publish")[1].args["view"]
    assert [b for b in again["blocks"] if b["type"] == "image"] == [image]
    assert len(slack.api.files) == uploads
