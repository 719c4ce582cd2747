"""The Block Kit checker: valid payloads pass, each documented limit is caught."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.block_kit import block_kit_problems


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def button(action_id: str = "answer", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain("Svar"), **extra}


def option(text: str = "3", value: str = "3") -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def radio(options: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "radio_buttons", "action_id": "score", "options": options or [option()]}


def input_block(element: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": "q1",
        "label": plain("Hvor tryg er du?"),
        "element": element or radio(),
        **extra,
    }


def modal(**extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "answer_form",
        "title": plain("Ugens puls"),
        "submit": plain("Send"),
        "close": plain("Luk"),
        "private_metadata": '{"round": "r1"}',
        "blocks": [input_block()],
        **extra,
    }


VALID_MESSAGE: list[dict[str, Any]] = [
    {"type": "header", "text": plain("Ugens puls")},
    {"type": "section", "text": mrkdwn("*3 af 7* har svaret"), "accessory": button("open")},
    {"type": "section", "fields": [mrkdwn("Tillid"), mrkdwn("4,2")]},
    {"type": "divider"},
    {
        "type": "context",
        "elements": [
            mrkdwn("Anonymt"),
            {"type": "image", "image_url": "https://x/y.png", "alt_text": "graf"},
        ],
    },
    {
        "type": "actions",
        "block_id": "pulse",
        "elements": [
            button("answer", value="r1", style="primary"),
            {
                "type": "static_select",
                "action_id": "language",
                "placeholder": plain("Sprog"),
                "options": [option("Dansk", "da"), option("English", "en")],
            },
            {"type": "overflow", "action_id": "more", "options": [option("Hjælp", "help")]},
        ],
    },
]


def test_a_valid_message_passes() -> None:
    assert block_kit_problems(blocks=VALID_MESSAGE) == []


def test_a_valid_modal_passes() -> None:
    checkbox = {
        "type": "checkboxes",
        "action_id": "hacks",
        "options": [{"text": mrkdwn("*Tjek ind*"), "value": "checkin"}],
    }
    view = modal(
        blocks=[input_block(), input_block(checkbox, block_id="q2", hint=plain("Valgfri"))]
    )
    assert block_kit_problems(view=view) == []


def test_a_valid_home_view_passes() -> None:
    view = {"type": "home", "blocks": [{"type": "section", "text": mrkdwn("Hej")}]}
    assert block_kit_problems(view=view) == []


def test_nothing_to_check_is_no_problem() -> None:
    assert block_kit_problems() == []


def message_case(block: dict[str, Any]) -> dict[str, Any]:
    return {"blocks": [block]}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


MESSAGE_CASES: list[Any] = [
    pytest.param(
        {"blocks": [{"type": "divider"}] * 51}, "blocks: 51 > 50 blocks", id="message-blocks"
    ),
    pytest.param(
        message_case({"type": "divider", "block_id": "b" * 256}),
        "blocks[0].block_id: 256 > 255 characters",
        id="block_id-length",
    ),
    pytest.param(
        {"blocks": [{"type": "divider", "block_id": "x"}, {"type": "divider", "block_id": "x"}]},
        "blocks[1].block_id: block_id 'x' is repeated (first at blocks[0].block_id)",
        id="block_id-unique",
    ),
    pytest.param(
        message_case(actions(button("a" * 256))),
        "blocks[0].elements[0].action_id: 256 > 255 characters",
        id="action_id-length",
    ),
    pytest.param(
        message_case(actions(button("go"), button("go"))),
        "blocks[0].elements[1].action_id: action_id 'go' is repeated (first at blocks[0].elements[0].action_id)",  # noqa: E501
        id="action_id-unique",
    ),
    pytest.param(
        message_case({"type": "header", "text": plain("h" * 151)}),
        "blocks[0].text: 151 > 150 characters",
        id="header-length",
    ),
    pytest.param(
        message_case({"type": "header", "text": mrkdwn("*h*")}),
        "blocks[0].text: must be plain_text, not mrkdwn",
        id="header-plain_text",
    ),
    pytest.param(
        message_case({"type": "section", "text": mrkdwn("s" * 3001)}),
        "blocks[0].text: 3001 > 3000 characters",
        id="section-text",
    ),
    pytest.param(
        message_case({"type": "section", "fields": [mrkdwn("f")] * 11}),
        "blocks[0].fields: 11 > 10 fields",
        id="section-fields-count",
    ),
    pytest.param(
        message_case({"type": "section", "fields": [mrkdwn("f" * 2001)]}),
        "blocks[0].fields[0]: 2001 > 2000 characters",
        id="section-field-length",
    ),
    pytest.param(
        message_case({"type": "section"}),
        "blocks[0]: a section needs text or fields",
        id="section-empty",
    ),
    pytest.param(
        message_case({"type": "context", "elements": [mrkdwn("c")] * 11}),
        "blocks[0].elements: 11 > 10 elements",
        id="context-elements",
    ),
    pytest.param(
        message_case(actions(*[button(f"b{i}") for i in range(26)])),
        "blocks[0].elements: 26 > 25 elements",
        id="actions-elements",
    ),
    pytest.param(
        message_case(actions()),
        "blocks[0].elements: a non-empty list of elements is required",
        id="actions-empty",
    ),
    pytest.param(
        message_case(actions({"type": "button", "action_id": "b", "text": plain("t" * 76)})),
        "blocks[0].elements[0].text: 76 > 75 characters",
        id="button-text",
    ),
    pytest.param(
        message_case(actions({"type": "button", "action_id": "b", "text": mrkdwn("*t*")})),
        "blocks[0].elements[0].text: must be plain_text, not mrkdwn",
        id="button-plain_text",
    ),
    pytest.param(
        message_case(actions(button(value="v" * 2001))),
        "blocks[0].elements[0].value: 2001 > 2000 characters",
        id="button-value",
    ),
    pytest.param(
        message_case(actions(button(url="https://x/" + "u" * 2991))),
        "blocks[0].elements[0].url: 3001 > 3000 characters",
        id="button-url",
    ),
    pytest.param(
        message_case({"type": "section", "text": plain("")}),
        "blocks[0].text: text must not be empty",
        id="plain_text-empty",
    ),
    pytest.param(
        message_case({"type": "section", "text": {"type": "markdown", "text": "x"}}),
        "blocks[0].text: text type 'markdown' is not plain_text or mrkdwn",
        id="text-type",
    ),
    pytest.param(
        message_case({"type": "secton", "text": mrkdwn("x")}),
        "blocks[0]: unknown block type 'secton'",
        id="block-type",
    ),
    pytest.param(
        message_case(actions({**radio([option(str(i), str(i)) for i in range(11)])})),
        "blocks[0].elements[0].options: 11 > 10 options",
        id="radio-options",
    ),
    pytest.param(
        message_case(
            actions(
                {
                    "type": "checkboxes",
                    "action_id": "c",
                    "options": [option(str(i), str(i)) for i in range(11)],
                }
            )
        ),
        "blocks[0].elements[0].options: 11 > 10 options",
        id="checkbox-options",
    ),
    pytest.param(
        message_case(
            actions(
                {
                    "type": "static_select",
                    "action_id": "s",
                    "options": [option(str(i), str(i)) for i in range(101)],
                }
            )
        ),
        "blocks[0].elements[0].options: 101 > 100 options",
        id="select-options",
    ),
    pytest.param(
        message_case(actions(radio([option("o" * 76)]))),
        "blocks[0].elements[0].options[0].text: 76 > 75 characters",
        id="option-text",
    ),
    pytest.param(
        message_case(actions(radio([option(value="v" * 151)]))),
        "blocks[0].elements[0].options[0].value: 151 > 150 characters",
        id="option-value",
    ),
    pytest.param(
        message_case(
            actions(
                {
                    "type": "static_select",
                    "action_id": "s",
                    "options": [{"text": mrkdwn("*x*"), "value": "x"}],
                }
            )
        ),
        "blocks[0].elements[0].options[0].text: must be plain_text, not mrkdwn",
        id="select-option-plain_text",
    ),
    pytest.param(
        message_case(input_block(label=plain("l" * 2001))),
        "blocks[0].label: 2001 > 2000 characters",
        id="input-label",
    ),
    pytest.param(
        message_case(input_block(hint=plain("h" * 2001))),
        "blocks[0].hint: 2001 > 2000 characters",
        id="input-hint",
    ),
    pytest.param(
        message_case({"type": "input", "element": radio()}),
        "blocks[0].label: a text object is required",
        id="input-needs-label",
    ),
    pytest.param(
        message_case({"type": "input", "label": plain("l")}),
        "blocks[0].element: an input block needs an element",
        id="input-needs-element",
    ),
]


@pytest.mark.parametrize(("payload", "expected"), MESSAGE_CASES)
def test_each_message_limit_is_caught(payload: dict[str, Any], expected: str) -> None:
    assert expected in block_kit_problems(**payload)


VIEW_CASES: list[Any] = [
    pytest.param(
        modal(blocks=[{"type": "divider"}] * 101), "view.blocks: 101 > 100 blocks", id="blocks"
    ),
    pytest.param(modal(title=plain("t" * 25)), "view.title: 25 > 24 characters", id="title"),
    pytest.param(modal(submit=plain("s" * 25)), "view.submit: 25 > 24 characters", id="submit"),
    pytest.param(modal(close=plain("c" * 25)), "view.close: 25 > 24 characters", id="close"),
    pytest.param(
        modal(private_metadata="m" * 3001),
        "view.private_metadata: 3001 > 3000 characters",
        id="private_metadata",
    ),
    pytest.param(
        modal(callback_id="c" * 256), "view.callback_id: 256 > 255 characters", id="callback_id"
    ),
    pytest.param(
        {**modal(), "type": "dialog"}, "view.type: 'dialog' is not 'modal' or 'home'", id="type"
    ),
    pytest.param(
        {k: v for k, v in modal().items() if k != "submit"},
        "view.submit: a modal with input blocks needs a submit button",
        id="submit-needed",
    ),
    pytest.param(
        modal(blocks=[input_block(), input_block()]),
        "view.blocks[1].block_id: block_id 'q1' is repeated (first at view.blocks[0].block_id)",
        id="block_id-unique",
    ),
]


@pytest.mark.parametrize(("view", "expected"), VIEW_CASES)
def test_each_view_limit_is_caught(view: dict[str, Any], expected: str) -> None:
    assert expected in block_kit_problems(view=view)


def test_home_views_allow_100_blocks_and_messages_50() -> None:
    blocks = [{"type": "divider"}] * 100
    assert block_kit_problems(view={"type": "home", "blocks": blocks}) == []
    assert block_kit_problems(blocks=blocks) == ["blocks: 100 > 50 blocks"]


def test_action_ids_may_repeat_across_blocks() -> None:
    blocks = [
        actions(button("go")),
        {"type": "section", "text": mrkdwn("x"), "accessory": button("go")},
    ]
    assert block_kit_problems(blocks=blocks) == []
    assert block_kit_problems(view=modal(blocks=[input_block(), input_block(block_id="q2")])) == []


def test_message_and_view_are_checked_separately() -> None:
    block = {"type": "divider", "block_id": "same"}
    assert block_kit_problems(blocks=[block], view={"type": "home", "blocks": [block]}) == []
