"""Block Kit from the platform-neutral views, and form answers back out of a view's state.

Pure functions: no I/O, no decisions; every word comes from the view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.views.card import (
    Buttons,
    Card,
    Chart,
    ChartImage,
    Element,
    Facts,
    Form,
    Heading,
    Items,
    Note,
    Paragraph,
    Question,
    QuestionKind,
)

Block = dict[str, Any]

# Slack's limits (https://api.slack.com/reference/block-kit): we cut rather than fail.
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
FIELDS_PER_SECTION = 10
BUTTON_MAX = 75
OPTION_MAX = 75
LABEL_MAX = 2000
TITLE_MAX = 24
ANSWER_ACTION = "value"
IMAGE_ALT_MAX = 2000

# Charts already uploaded, by the file id Slack gave them (bot/slack/files.py).
Files = Mapping[ChartImage, str]


def message_blocks(card: Card, *, files: Files | None = None) -> list[Block]:
    """A message's blocks; a chart is an image block when it is in `files`, else nothing
    (a message cannot carry a picture's bytes: the chart is shared as a file of its own)."""
    return [block for element in card.elements for block in _element(element, files or {})]


def modal(form: Form) -> dict[str, Any]:
    """A modal with one input block per question; `private_metadata` carries the reference."""
    return {
        "type": "modal",
        "callback_id": form.kind.value,
        "private_metadata": form.reference,
        "title": _plain(form.title, TITLE_MAX),
        "submit": _plain(form.submit, TITLE_MAX),
        "close": _plain(form.cancel, TITLE_MAX),
        "blocks": [
            *(block for element in form.intro for block in _element(element, {})),
            *(_input(question) for question in form.questions),
        ],
    }


def notice_modal(card: Card, *, title: str, close: str) -> dict[str, Any]:
    """A modal that only says something (the answer's confirmation, a refusal)."""
    return {
        "type": "modal",
        "title": _plain(title, TITLE_MAX),
        "close": _plain(close, TITLE_MAX),
        "blocks": message_blocks(card),
    }


def home(card: Card, *, files: Files | None = None) -> dict[str, Any]:
    """The App Home tab (its charts as image blocks of the files in `files`)."""
    return {"type": "home", "blocks": message_blocks(card, files=files)}


def form_answers(view: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each question's answer(s), by question id, from a submitted view's state."""
    answers: dict[str, tuple[str, ...]] = {}
    values = view.get("state", {}).get("values", {})
    for block_id, actions in values.items():
        state = actions.get(ANSWER_ACTION) if isinstance(actions, Mapping) else None
        if not isinstance(state, Mapping):
            continue
        answers[str(block_id)] = _selected(state)
    return answers


def _selected(state: Mapping[str, Any]) -> tuple[str, ...]:
    if isinstance(state.get("selected_option"), Mapping):
        return (str(state["selected_option"].get("value", "")),)
    if isinstance(state.get("selected_options"), list):
        return tuple(
            str(o.get("value", "")) for o in state["selected_options"] if isinstance(o, Mapping)
        )
    if isinstance(state.get("selected_users"), list):
        return tuple(str(u) for u in state["selected_users"])
    if isinstance(state.get("value"), str):
        return (state["value"],)
    return ()


def _element(element: Element, files: Files) -> list[Block]:
    match element:
        case Heading(text):
            return [{"type": "header", "text": _plain(text, HEADER_MAX)}]
        case Paragraph(text):
            return [_section(_escape(text))]
        case Facts(rows):
            fields = [
                _mrkdwn(f"*{_escape(label)}*\n{_escape(value)}", FIELD_MAX) for label, value in rows
            ]
            return [
                {"type": "section", "fields": fields[start : start + FIELDS_PER_SECTION]}
                for start in range(0, len(fields), FIELDS_PER_SECTION)
            ]
        case Chart(rows):
            return [_section(_chart(rows))] if rows else []
        case ChartImage():
            file_id = files.get(element)
            if file_id is None:
                return []
            return [
                {
                    "type": "image",
                    "slack_file": {"id": file_id},
                    "alt_text": _cut(element.alt_text, IMAGE_ALT_MAX),
                    "title": _plain(element.title, IMAGE_ALT_MAX),
                }
            ]
        case Items(items, numbered):
            lines = [
                f"{n}. {_escape(item)}" if numbered else f"• {_escape(item)}"
                for n, item in enumerate(items, start=1)
            ]
            return [_section("\n".join(lines))]
        case Note(text):
            return [{"type": "context", "elements": [_mrkdwn(_escape(text), SECTION_MAX)]}]
        case Buttons(buttons):
            return [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": button.action.value,
                            "text": _plain(button.label, BUTTON_MAX),
                            "value": button.value,
                            **({"style": "primary"} if button.primary else {}),
                        }
                        for button in buttons
                    ],
                }
            ]
    raise TypeError(f"no Block Kit for {type(element).__name__}")  # pragma: no cover


def _chart(rows: Sequence[tuple[str, str, str]]) -> str:
    """Sparklines line up only in a monospace block."""
    width = max(len(label) for label, _, _ in rows)
    lines = [f"{label:<{width}}  {line}  {value}" for label, line, value in rows]
    return "```" + _escape("\n".join(lines)) + "```"


def _input(question: Question) -> Block:
    block: Block = {
        "type": "input",
        "block_id": question.id,
        "label": _plain(question.label, LABEL_MAX),
        "element": _input_element(question),
        "optional": question.optional,
    }
    if question.hint:
        block["hint"] = _plain(question.hint, LABEL_MAX)
    return block


def _input_element(question: Question) -> dict[str, Any]:
    options = [
        {"text": _plain(choice.label, OPTION_MAX), "value": choice.value}
        for choice in question.choices
    ]
    initial = [o for o in options if o["value"] in question.initial]
    element: dict[str, Any]
    match question.kind:
        case QuestionKind.SCALE | QuestionKind.CHOICE:
            kind = "radio_buttons" if question.kind is QuestionKind.SCALE else "static_select"
            element = {"type": kind, "options": options}
            if initial:
                element["initial_option"] = initial[0]
        case QuestionKind.SWITCH:
            element = {"type": "checkboxes", "options": options}
            if initial:
                element["initial_options"] = initial
        case QuestionKind.PEOPLE:
            element = {"type": "multi_users_select"}
            if question.initial:
                element["initial_users"] = list(question.initial)
        case QuestionKind.TEXT:
            element = {"type": "plain_text_input"}
            if question.initial:
                element["initial_value"] = question.initial[0]
    return {**element, "action_id": ANSWER_ACTION}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text, SECTION_MAX)}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def _mrkdwn(text: str, limit: int) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _cut(text, limit)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(text: str) -> str:
    """Slack's three control characters; nothing a person wrote can become a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
