"""The sandbox's HTML renderer: every view element, every question kind, and nothing a view
carries ever becomes markup."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

import pytest

from bot.sandbox.html import (
    ASKED_FIELD,
    PRESS_PATH,
    SUBMIT_PATH,
    card_html,
    form_answers,
    form_html,
)
from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Chart,
    ChartImage,
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

HOSTILE = '<script>alert("x")</script> & \'quoted\' "double"'


class Tags(HTMLParser):
    """The tags and attributes a piece of HTML really has."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def every_element(text: str) -> Card:
    return Card(
        fallback=text,
        elements=(
            Heading(text),
            Paragraph(f"{text}\nsecond line"),
            Facts(((text, text),)),
            Chart(((text, "▁▃▇", text),)),
            Items((text, text), numbered=True),
            Items((text,)),
            Note(text),
            Buttons((Button(text, Action.ANSWER, text, primary=True),)),
        ),
    )


def test_every_element_is_rendered() -> None:
    html = card_html(every_element("Hello"), csrf="token", message_id="m1")
    tags = Tags(html)
    names = [name for name, _ in tags.tags]
    for tag in ("h3", "p", "br", "dl", "dt", "dd", "table", "th", "td", "ol", "ul", "li"):
        assert tag in names
    assert "second line" in tags.text
    [press] = tags.named("form")
    assert press["action"] == PRESS_PATH
    fields = {attrs["name"]: attrs["value"] for attrs in tags.named("input")}
    expected = {"csrf": "token", "message": "m1", "action": "tryghed_answer", "value": "Hello"}
    assert fields == expected
    assert tags.named("button") == [{"type": "submit", "class": "primary"}]


def test_nothing_a_view_carries_becomes_markup() -> None:
    html = card_html(every_element(HOSTILE), csrf=HOSTILE, message_id=HOSTILE)
    tags = Tags(html)
    assert "script" not in {name for name, _ in tags.tags}
    assert "<script>" not in html
    # What was written comes back as text and as attribute values, unchanged.
    assert HOSTILE in tags.text
    assert {attrs["value"] for attrs in tags.named("input")} == {HOSTILE, "tryghed_answer"}


def test_an_empty_chart_shows_nothing() -> None:
    assert card_html(Card("x", (Chart(()),)), csrf="t", message_id="m") == ""


def a_form(text: str = "Label") -> Form:
    scale = tuple(Choice(str(point), f"{text} {point}") for point in range(1, 6))
    return Form(
        kind=FormKind.SETUP,
        reference=text,
        title=text,
        intro=(Paragraph(text),),
        questions=(
            Question("s1", text, QuestionKind.SCALE, scale, initial=("3",)),
            Question("pick", text, QuestionKind.CHOICE, scale, initial=("2",), hint=text),
            Question("time", text, QuestionKind.TEXT, initial=(text,)),
            Question("on", text, QuestionKind.SWITCH, (Choice("on", text),), optional=True),
            Question("leaders", text, QuestionKind.PEOPLE, initial=("bo",), optional=True),
        ),
        submit=text,
        cancel=text,
    )


def test_the_chart_is_an_image_with_its_numbers_in_words() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    chart = ChartImage(png=png, alt_text=HOSTILE, title="title")
    html = card_html(Card(fallback="f", elements=(chart,)), csrf="t", message_id="m1")
    (image,) = Tags(html).named("img")
    assert image["src"] == "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    assert image["alt"] == HOSTILE
    assert "<script>" not in html


def test_every_question_kind_is_a_field() -> None:
    html = form_html(
        a_form(), csrf="token", people=[("ane", "Ane"), ("bo", "Bo")], errors={"time": "Fix it"}
    )
    tags = Tags(html)
    [form] = tags.named("form")
    assert form["action"] == SUBMIT_PATH
    inputs = tags.named("input")
    radios = [i for i in inputs if i["type"] == "radio"]
    assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5"]
    assert [r["value"] for r in radios if "checked" in r] == ["3"]
    assert all("required" in r for r in radios)
    [option] = [o for o in tags.named("option") if "selected" in o]
    assert option["value"] == "2"
    [text] = [i for i in inputs if i["type"] == "text"]
    assert text["value"] == "Label"
    boxes = [i for i in inputs if i["type"] == "checkbox"]
    assert [(b["name"], b["value"], "checked" in b) for b in boxes] == [
        ("on", "on", False),
        ("leaders", "ane", False),
        ("leaders", "bo", True),
    ]
    asked = [i["value"] for i in inputs if i["name"] == ASKED_FIELD]
    assert asked == ["s1", "pick", "time", "on", "leaders"]
    assert "Fix it" in tags.text


def test_a_forms_words_and_values_are_escaped() -> None:
    html = form_html(a_form(HOSTILE), csrf=HOSTILE, people=[(HOSTILE, HOSTILE)])
    tags = Tags(html)
    assert "script" not in {name for name, _ in tags.tags}
    assert HOSTILE in tags.text
    assert HOSTILE in {i["value"] for i in tags.named("input")}


def test_answers_come_back_by_question_and_an_empty_one_stays_empty() -> None:
    posted = {
        ASKED_FIELD: ["s1", "leaders", "on", "s1"],
        "s1": ["4"],
        "leaders": ["ane", "bo"],
        "csrf": ["t"],
        "unasked": ["x"],
    }
    assert form_answers(posted) == {"s1": ("4",), "leaders": ("ane", "bo"), "on": ()}


@pytest.mark.parametrize("field", ["csrf", "kind", "reference"])
def test_the_forms_own_fields_are_never_answers(field: str) -> None:
    assert form_answers({ASKED_FIELD: [field], field: ["x"]}) == {}
