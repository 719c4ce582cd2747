"""The sandbox in a real browser: a person clicks through whole rounds as several people,
and reads what each of them would see."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bot.sandbox.browser import Sandbox

pytestmark = pytest.mark.slow

Form = dict[str, str | float | bool]  # what Playwright posts as a form
IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"
# `UPDATE_SCREENSHOTS=1 make test` refreshes the README's picture; other runs leave the tree clean.
UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"
PILLARS = ("Include", "Learn", "Contribute", "Challenge")


def test_a_whole_round_by_four_colleagues_and_you(sandbox: Sandbox, tmp_path: Path) -> None:
    assert "Before the first round" in sandbox.messages()  # the kickoff, for you alone
    sandbox.say("/tryghed pulse")
    sandbox.wait_for_text("0 of 7 have answered")
    sandbox.press("Answer")
    sandbox.answer_form(4)
    assert "Only you can see this" in sandbox.last_message()
    assert "Your answer counts" in sandbox.last_message()
    sandbox.colleagues_answer(4)
    assert sandbox.flash() == "4 colleagues answered."
    sandbox.wait_for_text("5 of 7 have answered")

    sandbox.move_time("deadline")

    summary = sandbox.last_message()
    assert "How we're doing" in summary
    assert "5 of 7 answered" in summary
    assert all(pillar in summary for pillar in PILLARS)
    assert "A hack for you" in summary
    assert "This round has closed" in sandbox.messages()
    chart = sandbox.page.locator(".messages figure.trend-chart img").last
    assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
    assert all(pillar in (chart.get_attribute("alt") or "") for pillar in PILLARS)
    # What the README shows: the closed round, its summary and the hack of the week.
    picture = (IMAGES if UPDATE_SCREENSHOTS else tmp_path) / "sandbox.png"
    sandbox.page.screenshot(path=str(picture))
    assert picture.stat().st_size > 10_000

    sandbox.press("Start discussion")
    hack = sandbox.page.locator(".messages > article.post").last
    assert "We did it" in hack.inner_text()
    assert hack.locator(".thread").count() == 1  # the reflection questions open its thread
    sandbox.press("We did it", within=hack)
    assert "The team did it on" in hack.inner_text()  # the card, done, for everyone
    assert "Thanks for trying" in sandbox.last_message()

    sandbox.say("/tryghed trend")
    trend = sandbox.last_message()
    assert "Only you can see this" in trend
    assert all(pillar in trend for pillar in PILLARS)


def test_too_few_answers_keep_the_round_hidden(sandbox: Sandbox) -> None:
    sandbox.say("/tryghed pulse")
    sandbox.colleagues_answer(2, how="5")
    sandbox.wait_for_text("2 of 7 have answered")

    sandbox.move_time("deadline")

    summary = sandbox.last_message()
    assert "fewer than 3" in summary
    assert not any(pillar in summary for pillar in PILLARS)
    assert "2 of 7" not in sandbox.messages()  # a withheld round shows no count at all


def test_the_reminder_and_the_close_come_as_time_moves(sandbox: Sandbox) -> None:
    sandbox.say("/tryghed pulse")
    sandbox.press("Answer")
    sandbox.answer_form(3)  # you answered; Ane has not
    sandbox.be("ane")
    sandbox.move_time("deadline")  # hour by hour, the scheduler doing what falls due
    text = sandbox.messages()
    assert "There's still time to answer" in text  # Ane had not answered: reminded
    assert "Private message" in text  # for her alone
    assert "fewer than 3" in text  # and closed at its deadline
    sandbox.be("you")
    assert "There's still time to answer" not in sandbox.messages()


def test_danish_throughout(sandbox: Sandbox) -> None:
    sandbox.say("/tryghed opsæt da")
    assert sandbox.page.locator("html").get_attribute("lang") == "da"
    assert "Kun du kan se dette" in sandbox.last_message()
    sandbox.say("/tryghed puls")
    sandbox.wait_for_text("0 af 7 har svaret")
    sandbox.colleagues_answer(4, how="4")
    sandbox.move_time("deadline")
    summary = sandbox.last_message()
    assert "4 af 7 svarede" in summary
    assert "Inkludere" in summary
    sandbox.say("/tryghed udvikling")
    assert "Kun du kan se dette" in sandbox.last_message()
    sandbox.say("/tryghed setup en")
    assert sandbox.page.locator("html").get_attribute("lang") == "en"


def test_each_person_sees_only_their_own_private_replies(sandbox: Sandbox) -> None:
    sandbox.be("ane")
    sandbox.say("/tryghed trend")
    ane_sees = sandbox.messages()
    assert "for the team's leaders and facilitators" in ane_sees
    assert "Before the first round" not in ane_sees  # your kickoff is yours

    sandbox.be("bo")
    assert "for the team's leaders and facilitators" not in sandbox.messages()
    sandbox.say("hello, team")
    assert "hello, team" in sandbox.last_message()  # a person's words are for everyone

    sandbox.be("you")
    mine = sandbox.messages()
    assert "Before the first round" in mine
    assert "for the team's leaders and facilitators" not in mine
    assert "hello, team" in mine


def test_a_post_without_the_pages_token_is_refused(sandbox: Sandbox) -> None:
    request = sandbox.page.request  # the browser's own cookies, but not the page's token
    answer = request.post(f"{sandbox.url}sandbox/say", form={"text": "/tryghed pulse"})
    assert answer.status == 403
    assert "nothing happened" in answer.text()
    token = sandbox.page.locator(".composer input[name=csrf]").get_attribute("value") or ""
    forged = request.post(
        f"{sandbox.url}sandbox/say",
        form={"text": "/tryghed pulse", "csrf": token},
        headers={"Origin": "http://evil.example"},
    )
    assert forged.status == 403
    sandbox.open()
    assert "Safety pulse" not in sandbox.messages()


def test_the_leader_predicts_privately_and_sees_her_gap(sandbox: Sandbox) -> None:
    sandbox.say("/tryghed pulse")
    sandbox.be("freja")
    sandbox.press("Leader: predict the result")
    form = sandbox.page.locator(".modal form")
    for scale in form.locator("fieldset.scale").all():
        scale.locator("input[value='5']").check()
    with sandbox.page.expect_navigation():
        form.locator("button[value=send]").click()
    assert "Only you can see this" in sandbox.last_message()
    sandbox.colleagues_answer(5, how="2")
    sandbox.move_time("deadline")
    assert "Private message" in sandbox.messages()  # her perception gap, for her alone
    sandbox.be("ane")
    assert "Private message" not in sandbox.messages()


def test_the_setup_form_offers_the_channels_people(sandbox: Sandbox) -> None:
    sandbox.say("/tryghed setup")
    form = sandbox.page.locator(".modal form")
    leaders = form.locator("input[name=leaders]")
    assert leaders.count() == 7
    assert form.locator("input[name=leaders][value=freja]").is_checked()
    form.locator("input[name=leaders][value=bo]").check()
    form.locator("select[name=min_respondents]").select_option("4")
    with sandbox.page.expect_navigation():
        form.locator("button[value=send]").click()
    assert "at least 4 have answered" in sandbox.last_message()
    assert "Bo (leader)" in sandbox.page.locator("#person").inner_text()


def test_a_stale_or_forged_form_gets_the_same_refusals_as_slack(sandbox: Sandbox) -> None:
    sandbox.say("/tryghed pulse")
    sandbox.press("Answer")
    form = sandbox.page.locator(".modal form")
    token = form.locator("input[name=csrf]").get_attribute("value") or ""
    origin = sandbox.url.rstrip("/")
    forged: Form = {"csrf": token, "kind": "tryghed_answer_form", "asked": "x", "x": "9"}
    forged["reference"] = form.locator("input[name=reference]").get_attribute("value") or ""
    sandbox.page.request.post(f"{sandbox.url}sandbox/form", form=forged, headers={"Origin": origin})
    sandbox.open()
    assert "We couldn't save that" in sandbox.last_message()

    sandbox.press("Answer")  # the form again, then the round closes behind it
    moved: Form = {"csrf": token, "step": "deadline"}
    sandbox.page.request.post(f"{sandbox.url}sandbox/clock", form=moved, headers={"Origin": origin})
    sandbox.answer_form(4)
    assert "This round has closed" in sandbox.last_message()

    other: Form = {**forged, "x": "3", "reference": "a-round-of-another-team"}
    sandbox.page.request.post(f"{sandbox.url}sandbox/form", form=other, headers={"Origin": origin})
    sandbox.open()
    assert "We can't find that round" in sandbox.last_message()
