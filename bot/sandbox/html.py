"""HTML from the platform-neutral views: the sandbox's third renderer beside Block Kit and
Adaptive Cards, and form answers back out of a posted form.

Pure functions: no I/O, no decisions; every word comes from the view, and every value is
escaped (a view's text may quote what a person typed).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape

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

PRESS_PATH = "/sandbox/press"
SUBMIT_PATH = "/sandbox/form"
CSRF_FIELD = "csrf"
# Every question's id rides along, so that a question left empty (no box ticked) still
# comes back as answered with nothing, as on Slack, rather than as not asked.
ASKED_FIELD = "asked"
KIND_FIELD = "kind"
REFERENCE_FIELD = "reference"


def card_html(card: Card, *, csrf: str, message_id: str) -> str:
    """A message's body; its buttons post back with the message they were pressed on."""
    return "".join(_element(element, csrf=csrf, message_id=message_id) for element in card.elements)


def form_html(
    form: Form,
    *,
    csrf: str,
    people: Sequence[tuple[str, str]] = (),
    errors: Mapping[str, str] | None = None,
) -> str:
    """A private form: its intro, one field per question, submit and cancel; `people` are
    the (id, name) pairs a people question offers, `errors` problems next to fields."""
    errors = errors or {}
    fields = "".join(_question(q, people=people, error=errors.get(q.id)) for q in form.questions)
    intro = "".join(_element(element, csrf=csrf, message_id="") for element in form.intro)
    return (
        f'<form class="form" method="post" action="{SUBMIT_PATH}" data-kind="{_a(form.kind)}">'
        f"<h2>{_t(form.title)}</h2>{intro}"
        f"{_hidden(CSRF_FIELD, csrf)}{_hidden(KIND_FIELD, form.kind)}"
        f"{_hidden(REFERENCE_FIELD, form.reference)}{fields}"
        '<div class="form-buttons">'
        f'<button type="submit" name="do" value="cancel" formnovalidate>{_t(form.cancel)}</button>'
        f'<button type="submit" name="do" value="send" class="primary">{_t(form.submit)}</button>'
        "</div></form>"
    )


def form_answers(posted: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Each asked question's answer(s), by question id, from a posted form's fields."""
    return {
        question: tuple(posted.get(question, ()))
        for question in dict.fromkeys(posted.get(ASKED_FIELD, ()))
        if question not in {CSRF_FIELD, ASKED_FIELD, KIND_FIELD, REFERENCE_FIELD}
    }


def _element(element: Element, *, csrf: str, message_id: str) -> str:
    match element:
        case Heading(text):
            return f"<h3>{_t(text)}</h3>"
        case Paragraph(text):
            return f"<p>{_lines(text)}</p>"
        case Facts(rows):
            cells = "".join(f"<dt>{_t(key)}</dt><dd>{_lines(value)}</dd>" for key, value in rows)
            return f'<dl class="facts">{cells}</dl>'
        case Chart(rows):
            if not rows:
                return ""
            lines = "".join(
                f'<tr><th scope="row">{_t(label)}</th><td class="spark">{_t(line)}</td>'
                f"<td>{_t(value)}</td></tr>"
                for label, line, value in rows
            )
            return f'<table class="chart">{lines}</table>'
        case ChartImage(png, alt_text):
            # A data: URI keeps the page self-contained (its policy allows img-src data:); the
            # title is drawn in the picture, and the alt text says its numbers in words.
            source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            return f'<figure class="trend-chart"><img src="{source}" alt="{_a(alt_text)}"></figure>'

        case Items(items, numbered):
            tag = "ol" if numbered else "ul"
            return f"<{tag}>{''.join(f'<li>{_lines(item)}</li>' for item in items)}</{tag}>"
        case Note(text):
            return f'<p class="note">{_lines(text)}</p>'
        case Buttons(buttons):
            pressed = "".join(_press(b, csrf=csrf, message_id=message_id) for b in buttons)
            return f'<div class="buttons">{pressed}</div>'
    raise TypeError(f"no HTML for {type(element).__name__}")  # pragma: no cover


def _press(button: Button, *, csrf: str, message_id: str) -> str:
    """A button is a small form of its own: what was pressed, on which message."""
    style = ' class="primary"' if button.primary else ""
    return (
        f'<form method="post" action="{PRESS_PATH}">'
        f"{_hidden(CSRF_FIELD, csrf)}{_hidden('message', message_id)}"
        f"{_hidden('action', button.action)}{_hidden('value', button.value)}"
        f'<button type="submit"{style}>{_t(button.label)}</button></form>'
    )


def _question(question: Question, *, people: Sequence[tuple[str, str]], error: str | None) -> str:
    name = question.id
    label = _t(question.label)
    hint = f'<p class="hint">{_t(question.hint)}</p>' if question.hint else ""
    problem = f'<p class="error" role="alert">{_t(error)}</p>' if error else ""
    asked = _hidden(ASKED_FIELD, name)
    required = "" if question.optional else " required"
    match question.kind:
        case QuestionKind.SCALE:
            options = "".join(
                f'<label class="choice"><input type="radio" name="{_a(name)}" '
                f'value="{_a(c.value)}"{_checked(c.value, question.initial)}{required}>'
                f"<span>{_t(c.label)}</span></label>"
                for c in question.choices
            )
            return (
                f'<fieldset class="scale"><legend>{label}</legend>{hint}{options}{problem}'
                f"{asked}</fieldset>"
            )
        case QuestionKind.CHOICE:
            options = "".join(
                f'<option value="{_a(c.value)}"'
                f"{' selected' if c.value in question.initial else ''}>{_t(c.label)}</option>"
                for c in question.choices
            )
            field = f'<select name="{_a(name)}"{required}>{options}</select>'
        case QuestionKind.TEXT:
            value = question.initial[0] if question.initial else ""
            field = f'<input type="text" name="{_a(name)}" value="{_a(value)}"{required}>'
        case QuestionKind.SWITCH | QuestionKind.PEOPLE:
            pairs = (
                [(c.value, c.label) for c in question.choices]
                if question.kind is QuestionKind.SWITCH
                else list(people)
            )
            boxes = "".join(
                f'<label class="choice"><input type="checkbox" name="{_a(name)}" '
                f'value="{_a(value)}"{_checked(value, question.initial)}>'
                f"<span>{_t(text)}</span></label>"
                for value, text in pairs
            )
            return (
                f'<fieldset class="boxes"><legend>{label}</legend>{hint}{boxes}{problem}'
                f"{asked}</fieldset>"
            )
    return f'<label class="field"><span>{label}</span>{field}</label>{hint}{problem}{asked}'


def _checked(value: str, initial: Sequence[str]) -> str:
    return " checked" if value in initial else ""


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{_a(name)}" value="{_a(value)}">'


def _t(text: str) -> str:
    """Text between tags."""
    return escape(text, quote=False)


def _a(text: str) -> str:
    """Text inside a quoted attribute."""
    return escape(str(text), quote=True)


def _lines(text: str) -> str:
    return "<br>".join(_t(line) for line in text.split("\n"))
