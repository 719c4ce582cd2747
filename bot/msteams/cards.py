"""Adaptive Cards (schema 1.5) from the platform-neutral views, and form answers back out.

Pure functions: no I/O, no decisions; every word comes from the view.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.views.card import (
    Button,
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

Json = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
VERSION = "1.5"
# Keys of an action's data that are ours, not a form's answers.
VALUE = "value"
REFERENCE = "reference"
VERB = "verb"
MULTI = "multi"
RESERVED = frozenset({VALUE, REFERENCE, VERB, MULTI, "msteams"})
# Teams refuses a message beyond about 28 KB (the card, its envelope and the activity's
# fields); a chart is sent inside the card as a data URI only while the card stays below this.
CARD_MAX_BYTES = 26_000


def adaptive_card(card: Card) -> Json:
    """A message's card; its charts are images (data URIs) while the card stays within
    Teams' size limit, and their alt text in words beyond it (docs/charts.md)."""
    with_images = _rendered(card, images=True)
    if size_of(with_images) <= CARD_MAX_BYTES:
        return with_images
    return _rendered(card, images=False)


def size_of(card: Json) -> int:
    """The card's size as sent: UTF-8 JSON."""
    return len(json.dumps(card, ensure_ascii=False).encode("utf-8"))


def _rendered(card: Card, *, images: bool) -> Json:
    body: list[Json] = []
    actions: list[Json] = []
    for element in card.elements:
        if isinstance(element, Buttons):
            actions.extend(_action(button) for button in element.buttons)
        elif isinstance(element, ChartImage):
            body.append(_image(element) if images else _text(element.alt_text, subtle=True))
        else:
            body.extend(_element(element))
    return _card(body, actions, fallback=card.fallback)


def _image(chart: ChartImage) -> Json:
    data = base64.b64encode(chart.png).decode("ascii")
    return {
        "type": "Image",
        "url": f"data:image/png;base64,{data}",
        "altText": chart.alt_text,
        "size": "stretch",
    }


def form_card(
    form: Form,
    *,
    people: Sequence[tuple[str, str]] = (),
    errors: Mapping[str, str] | None = None,
    answers: Mapping[str, Sequence[str]] | None = None,
) -> Json:
    """A form as a card: one input per question, and a submit action carrying the reference."""
    # `people` are the choices (id, name) of people questions; `errors` show under their
    # questions, and `answers` (what was sent) replace the initial values, so nothing typed
    # is lost when a form is shown again.
    body: list[Json] = [_heading(form.title)]
    body.extend(block for element in form.intro for block in _element(element))
    for question in form.questions:
        initial = tuple(answers[question.id]) if answers and question.id in answers else None
        body.extend(_input(question, people=people, initial=initial))
        if errors and question.id in errors:
            body.append(_text(errors[question.id], color="attention", spacing="none"))
    multi = [q.id for q in form.questions if q.kind is QuestionKind.PEOPLE]
    data: Json = {REFERENCE: form.reference}
    if multi:
        data[MULTI] = ",".join(multi)
    submit = _execute(form.submit, form.kind.value, data, style="positive")
    return _card(body, [submit], fallback=form.title)


def attachment(card: Json) -> Json:
    """The card as a message attachment."""
    return {"contentType": CARD_CONTENT_TYPE, "content": card}


def action_data(value: object) -> tuple[str, Json]:
    """(verb, data) of a card action: an Action.Execute invoke's value or an Action.Submit's."""
    if not isinstance(value, Mapping):
        return "", {}
    action = value.get("action")
    if isinstance(action, Mapping):  # adaptiveCard/action invoke
        data = action.get("data")
        return str(action.get("verb") or ""), dict(data) if isinstance(data, Mapping) else {}
    return str(value.get(VERB) or ""), dict(value)  # Action.Submit: the data is the value


def form_answers(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each question's answer(s) by question id; multi-select answers come comma-separated."""
    multi = set(str(data.get(MULTI, "")).split(","))
    answers: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        if key in RESERVED or not isinstance(value, str | int):
            continue
        text = str(value)
        if key in multi:
            answers[key] = tuple(part for part in text.split(",") if part)
        else:
            answers[key] = (text,) if text else ()
    return answers


def _card(body: list[Json], actions: list[Json], *, fallback: str) -> Json:
    card: Json = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": VERSION,
        "fallbackText": fallback,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _element(element: Element) -> list[Json]:
    match element:
        case Heading(text):
            return [_heading(text)]
        case Paragraph(text):
            return [_text(text)]
        case Facts(rows):
            return [
                {
                    "type": "FactSet",
                    "facts": [{"title": label, "value": value} for label, value in rows],
                }
            ]
        case Chart(rows):
            return [_chart(rows)]
        case ChartImage():
            return [_image(element)]
        case Items(items, numbered):
            return [
                _text(f"{n}. {item}" if numbered else f"• {item}", spacing="small")
                for n, item in enumerate(items, start=1)
            ]
        case Note(text):
            return [_text(text, subtle=True, size="small")]
        case Buttons(buttons):
            return [{"type": "ActionSet", "actions": [_action(b) for b in buttons]}]
    raise TypeError(f"no Adaptive Card for {type(element).__name__}")  # pragma: no cover


def _chart(rows: Sequence[tuple[str, str, str]]) -> Json:
    """Sparklines line up only in a monospace font, one line each."""
    width = max(len(label) for label, _, _ in rows)
    return {
        "type": "Container",
        "items": [
            {
                "type": "TextBlock",
                "text": f"{label:<{width}}  {line}  {value}",
                "fontType": "Monospace",
                "spacing": "none",
                "wrap": False,
            }
            for label, line, value in rows
        ],
    }


def _input(
    question: Question, *, people: Sequence[tuple[str, str]], initial: tuple[str, ...] | None
) -> list[Json]:
    values = question.initial if initial is None else initial
    common: Json = {"id": question.id, "label": question.label}
    if not question.optional:
        common["isRequired"] = True
    block: Json
    match question.kind:
        case QuestionKind.SCALE | QuestionKind.CHOICE:
            block = {
                "type": "Input.ChoiceSet",
                **common,
                "style": "expanded" if question.kind is QuestionKind.SCALE else "compact",
                "choices": [{"title": c.label, "value": c.value} for c in question.choices],
            }
            if values:
                block["value"] = values[0]
        case QuestionKind.PEOPLE:
            known = dict(people)
            # Someone chosen before who has left the channel stays choosable (and removable).
            choices = [*known.items(), *((v, v) for v in values if v not in known)]
            block = {
                "type": "Input.ChoiceSet",
                **common,
                "isMultiSelect": True,
                "style": "compact",
                "choices": [{"title": name, "value": id_} for id_, name in choices],
            }
            if values:
                block["value"] = ",".join(values)
        case QuestionKind.SWITCH:
            on = question.choices[0] if question.choices else None
            block = {
                "type": "Input.Toggle",
                "id": question.id,
                "label": question.label,
                "title": on.label if on else question.label,
                "valueOn": on.value if on else "on",
                "valueOff": "",
                "value": (on.value if on else "on") if values else "",
            }
        case QuestionKind.TEXT:
            block = {"type": "Input.Text", **common}
            if values:
                block["value"] = values[0]
    blocks = [block]
    if question.hint:
        blocks.append(_text(question.hint, subtle=True, size="small", spacing="none"))
    return blocks


def _action(button: Button) -> Json:
    return _execute(
        button.label,
        button.action.value,
        {VALUE: button.value},
        style="positive" if button.primary else None,
    )


def _execute(title: str, verb: str, data: Json, *, style: str | None) -> Json:
    """Action.Execute, falling back to Action.Submit (which carries the verb in its data)."""
    styled = {"style": style} if style else {}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": data,
        **styled,
        "fallback": {
            "type": "Action.Submit",
            "title": title,
            "data": {**data, VERB: verb},
            **styled,
        },
    }


def _heading(text: str) -> Json:
    return {
        "type": "TextBlock",
        "text": text,
        "style": "heading",
        "size": "large",
        "weight": "bolder",
        "wrap": True,
    }


def _text(
    text: str,
    *,
    subtle: bool = False,
    size: str | None = None,
    color: str | None = None,
    spacing: str | None = None,
) -> Json:
    block: Json = {"type": "TextBlock", "text": text, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if size:
        block["size"] = size
    if color:
        block["color"] = color
    if spacing:
        block["spacing"] = spacing
    return block
