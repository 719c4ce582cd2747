"""Adaptive Cards from the platform-neutral views, and answers back out of card actions."""

from __future__ import annotations

from typing import Any

import pytest

from bot.msteams.cards import action_data, adaptive_card, attachment, form_answers, form_card
from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Chart,
    Choice,
    Facts,
    Form,
    FormKind,
    Heading,
    Items,
    Note,
    Paragraph,
    Question,
    QuestionKind,
)
from content.schema import ContentPack, Language
from tests.bot.views.samples import LANGUAGES, every_view
from tests.fakes.adaptive_cards import card_problems


def a_form(*questions: Question) -> Form:
    return Form(
        kind=FormKind.SETUP,
        reference="19:c@thread.tacv2",
        title="Set up",
        intro=(Paragraph("Intro"),),
        questions=questions,
        submit="Save",
        cancel="Cancel",
    )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_view_is_a_valid_card(content: ContentPack, language: Language) -> None:
    cards, forms = await every_view(content, language)
    for name, card in cards.items():
        assert card_problems(adaptive_card(card)) == [], name
    for form in forms:
        people = [("aad-1", "Ann"), ("aad-2", "Bo")]
        assert card_problems(form_card(form, people=people)) == [], form.kind
        errors = {q.id: "wrong" for q in form.questions}
        assert card_problems(form_card(form, people=people, errors=errors)) == [], form.kind


def test_elements_become_card_parts() -> None:
    card = adaptive_card(
        Card(
            fallback="plain",
            elements=(
                Heading("Title"),
                Paragraph("Text"),
                Facts((("Include", "75"),)),
                Chart((("Include", "▁▅█", "75"), ("Learn", "▁▁▁", "50"))),
                Items(("one", "two"), numbered=True),
                Items(("dot",)),
                Note("small"),
                Buttons((Button("Go", Action.ANSWER, "r1", primary=True),)),
            ),
        )
    )
    assert card["version"] == "1.5"
    assert card["fallbackText"] == "plain"
    body = card["body"]
    assert body[0]["text"] == "Title"
    assert body[0]["style"] == "heading"
    assert body[2] == {"type": "FactSet", "facts": [{"title": "Include", "value": "75"}]}
    chart = [line["text"] for line in body[3]["items"]]
    assert chart == ["Include  ▁▅█  75", "Learn    ▁▁▁  50"]
    assert {line["fontType"] for line in body[3]["items"]} == {"Monospace"}
    assert [b["text"] for b in body[4:7]] == ["1. one", "2. two", "• dot"]
    assert body[7]["isSubtle"] is True
    (go,) = card["actions"]
    assert go["type"] == "Action.Execute"
    assert (go["verb"], go["data"], go["style"]) == ("tryghed_answer", {"value": "r1"}, "positive")
    assert go["fallback"] == {
        "type": "Action.Submit",
        "title": "Go",
        "data": {"value": "r1", "verb": "tryghed_answer"},
        "style": "positive",
    }
    assert attachment(card) == {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": card,
    }


def test_a_scale_question_is_one_required_choice_set() -> None:
    scale = tuple(Choice(str(v), f"label {v}") for v in range(1, 6))
    card = form_card(a_form(Question("include-1", "We include", QuestionKind.SCALE, scale)))
    (choice_set,) = [b for b in card["body"] if b["type"] == "Input.ChoiceSet"]
    assert choice_set["id"] == "include-1"
    assert choice_set["style"] == "expanded"
    assert choice_set["isRequired"] is True
    assert [c["value"] for c in choice_set["choices"]] == ["1", "2", "3", "4", "5"]
    assert "value" not in choice_set


def test_people_choices_keep_someone_who_left() -> None:
    question = Question("leaders", "Leaders", QuestionKind.PEOPLE, initial=("aad-9", "aad-1"))
    card = form_card(a_form(question), people=[("aad-1", "Ann")])
    (people,) = [b for b in card["body"] if b["type"] == "Input.ChoiceSet"]
    assert people["isMultiSelect"] is True
    assert people["choices"] == [
        {"title": "Ann", "value": "aad-1"},
        {"title": "aad-9", "value": "aad-9"},
    ]
    assert people["value"] == "aad-9,aad-1"
    assert card["actions"][0]["data"] == {"reference": "19:c@thread.tacv2", "multi": "leaders"}


def test_errors_and_answers_come_back_into_the_form() -> None:
    form = a_form(
        Question("time", "Time", QuestionKind.TEXT, initial=("09:00",), hint="HH:MM"),
        Question("reminders", "Remind", QuestionKind.SWITCH, (Choice("on", "Yes"),), ("on",)),
    )
    card = form_card(form, errors={"time": "Use HH:MM"}, answers={"time": ["9 o'clock"]})
    texts = [b.get("text") for b in card["body"]]
    assert "Use HH:MM" in texts
    time_input = next(b for b in card["body"] if b.get("id") == "time")
    assert time_input["value"] == "9 o'clock"
    toggle = next(b for b in card["body"] if b.get("id") == "reminders")
    assert (toggle["type"], toggle["value"], toggle["valueOn"]) == ("Input.Toggle", "on", "on")


def test_action_data_from_execute_and_submit() -> None:
    execute: dict[str, Any] = {
        "action": {"type": "Action.Execute", "verb": "v", "data": {"value": "1", "a": "2"}},
        "trigger": "manual",
    }
    assert action_data(execute) == ("v", {"value": "1", "a": "2"})
    assert action_data({"verb": "v", "value": "1"}) == ("v", {"verb": "v", "value": "1"})
    assert action_data({"action": {"verb": "v", "data": "not a dict"}}) == ("v", {})
    assert action_data("text") == ("", {})
    assert action_data(None) == ("", {})


def test_form_answers_split_only_multi_selects() -> None:
    data = {
        "reference": "C1",
        "verb": "tryghed_setup_form",
        "multi": "leaders,facilitators",
        "leaders": "a,b",
        "facilitators": "",
        "time": "10:30",
        "timezone": "Europe/Copenhagen",
        "reminders": "",
        "odd": {"nested": 1},
        "count": 3,
    }
    assert form_answers(data) == {
        "leaders": ("a", "b"),
        "facilitators": (),
        "time": ("10:30",),
        "timezone": ("Europe/Copenhagen",),
        "reminders": (),
        "count": ("3",),
    }
