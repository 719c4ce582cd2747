"""Block Kit from the platform-neutral views, and form answers back out of a view's state."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.blocks import (
    ANSWER_ACTION,
    form_answers,
    home,
    message_blocks,
    modal,
    notice_modal,
)
from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Chart,
    ChartImage,
    Choice,
    Element,
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
from tests.fakes.block_kit import block_kit_problems


def blocks_of(*elements: Element) -> list[dict[str, Any]]:
    return message_blocks(Card(fallback="f", elements=elements))


def a_form(*questions: Question, intro: tuple[Element, ...] = ()) -> Form:
    return Form(
        kind=FormKind.SETUP,
        reference="C123",
        title="Set up",
        intro=intro,
        questions=questions,
        submit="Save",
        cancel="Cancel",
    )


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


FIVE = tuple(Choice(str(n), f"label {n}") for n in range(1, 6))


# --- each element -----------------------------------------------------------------------


def test_a_heading_is_a_header() -> None:
    assert blocks_of(Heading("Hi & <you>")) == [{"type": "header", "text": plain("Hi & <you>")}]


def test_a_paragraph_is_a_section_of_mrkdwn() -> None:
    assert blocks_of(Paragraph("Hello")) == [{"type": "section", "text": mrkdwn("Hello")}]


def test_facts_are_section_fields_with_bold_labels() -> None:
    assert blocks_of(Facts((("For", "the team"), ("Time", "10 min")))) == [
        {
            "type": "section",
            "fields": [mrkdwn("*For*\nthe team"), mrkdwn("*Time*\n10 min")],
        }
    ]


@pytest.mark.parametrize(("rows", "sections"), [(10, [10]), (11, [10, 1]), (25, [10, 10, 5])])
def test_more_than_ten_facts_split_into_sections(rows: int, sections: list[int]) -> None:
    blocks = blocks_of(Facts(tuple((f"label {n}", f"value {n}") for n in range(rows))))
    assert [len(block["fields"]) for block in blocks] == sections
    assert all(block["type"] == "section" for block in blocks)
    fields = [field["text"] for block in blocks for field in block["fields"]]
    assert fields == [f"*label {n}*\nvalue {n}" for n in range(rows)]
    assert block_kit_problems(blocks=blocks) == []


def test_no_facts_no_block() -> None:
    assert blocks_of(Facts(())) == []


def test_a_chart_is_a_monospace_block_with_aligned_columns() -> None:
    (block,) = blocks_of(Chart((("Include", "▁▅█", "75"), ("Participation", "··▇", "90 %"))))
    assert block == {
        "type": "section",
        "text": mrkdwn("```Include        ▁▅█  75\nParticipation  ··▇  90 %```"),
    }


def test_items_numbered_and_not() -> None:
    assert blocks_of(Items(("one", "two"), numbered=True)) == [
        {"type": "section", "text": mrkdwn("1. one\n2. two")}
    ]
    assert blocks_of(Items(("one", "two"))) == [{"type": "section", "text": mrkdwn("• one\n• two")}]


def test_a_note_is_context() -> None:
    assert blocks_of(Note("small print")) == [
        {"type": "context", "elements": [mrkdwn("small print")]}
    ]


def test_buttons_are_actions_with_the_action_id_and_value() -> None:
    buttons = Buttons(
        (
            Button("Answer", Action.ANSWER, "round-1", primary=True),
            Button("We did it", Action.HACK_DONE, "pre-mortem"),
        )
    )
    assert blocks_of(buttons) == [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "tryghed_answer",
                    "text": plain("Answer"),
                    "value": "round-1",
                    "style": "primary",
                },
                {
                    "type": "button",
                    "action_id": "tryghed_hack_done",
                    "text": plain("We did it"),
                    "value": "pre-mortem",
                },
            ],
        }
    ]


def test_elements_keep_their_order() -> None:
    blocks = blocks_of(Heading("a"), Paragraph("b"), Note("c"))
    assert [b["type"] for b in blocks] == ["header", "section", "context"]


# --- limits and escaping ------------------------------------------------------------------


def test_long_texts_are_cut_with_an_ellipsis() -> None:
    long = "x" * 5000
    header, section, facts, context, actions = blocks_of(
        Heading(long),
        Paragraph(long),
        Facts((("label", long),)),
        Note(long),
        Buttons((Button(long, Action.ANSWER, "r"),)),
    )
    assert header["text"]["text"] == "x" * 149 + "…"
    assert section["text"]["text"] == "x" * 2999 + "…"
    assert facts["fields"][0]["text"] == ("*label*\n" + long)[:1999] + "…"
    assert len(facts["fields"][0]["text"]) == 2000
    assert context["elements"][0]["text"] == "x" * 2999 + "…"
    assert actions["elements"][0]["text"]["text"] == "x" * 74 + "…"
    assert block_kit_problems(blocks=[header, section, facts, context, actions]) == []


def test_texts_at_the_limit_are_not_cut() -> None:
    (header,) = blocks_of(Heading("y" * 150))
    assert header["text"]["text"] == "y" * 150


def test_long_labels_and_titles_in_a_modal_are_cut() -> None:
    form = Form(
        kind=FormKind.ANSWER,
        reference="r",
        title="A very long title for a modal",
        intro=(),
        questions=(
            Question(
                "q", "l" * 2500, QuestionKind.SCALE, (Choice("1", "o" * 100),), hint="h" * 2100
            ),
        ),
        submit="Send it all anonymously now",
        cancel="Cancel",
    )
    view = modal(form)
    assert view["title"]["text"] == "A very long title for a…"
    assert len(view["title"]["text"]) == 24
    assert view["submit"]["text"] == "Send it all anonymously…"
    (block,) = view["blocks"]
    assert block["label"]["text"] == "l" * 1999 + "…"
    assert block["hint"]["text"] == "h" * 1999 + "…"
    assert block["element"]["options"][0]["text"]["text"] == "o" * 74 + "…"
    assert block_kit_problems(view=view) == []


@pytest.mark.parametrize(
    "element",
    [
        Paragraph("<@U123> & <!channel>"),
        Note("<@U123> & <!channel>"),
        Items(("<@U123> & <!channel>",)),
    ],
)
def test_slacks_control_characters_are_escaped(element: Element) -> None:
    (block,) = blocks_of(element)
    text = block["text"]["text"] if "text" in block else block["elements"][0]["text"]
    assert text.endswith("&lt;@U123&gt; &amp; &lt;!channel&gt;")
    assert "<" not in text
    assert ">" not in text


def test_facts_and_charts_are_escaped_too() -> None:
    facts, chart = blocks_of(Facts((("<b>", "a & b"),)), Chart((("<!here>", "▁", "1 > 0"),)))
    assert facts["fields"][0]["text"] == "*&lt;b&gt;*\na &amp; b"
    assert chart["text"]["text"] == "```&lt;!here&gt;  ▁  1 &gt; 0```"


def test_plain_text_is_not_escaped() -> None:
    header, actions = blocks_of(
        Heading("Q&A <now>"), Buttons((Button("<go>", Action.ANSWER, "r"),))
    )
    assert header["text"]["text"] == "Q&A <now>"
    assert actions["elements"][0]["text"]["text"] == "<go>"


def test_an_ampersand_is_escaped_once() -> None:
    (block,) = blocks_of(Paragraph("&lt;"))
    assert block["text"]["text"] == "&amp;lt;"


# --- modals ------------------------------------------------------------------------------


def test_a_modal_carries_the_reference_and_the_kind() -> None:
    view = modal(a_form(intro=(Paragraph("intro"), Note("note"))))
    assert view == {
        "type": "modal",
        "callback_id": "tryghed_setup_form",
        "private_metadata": "C123",
        "title": plain("Set up"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            {"type": "section", "text": mrkdwn("intro")},
            {"type": "context", "elements": [mrkdwn("note")]},
        ],
    }


def test_a_scale_question_is_five_radio_buttons() -> None:
    (block,) = modal(a_form(Question("learn-1", "I can ask", QuestionKind.SCALE, FIVE)))["blocks"]
    assert block == {
        "type": "input",
        "block_id": "learn-1",
        "label": plain("I can ask"),
        "optional": False,
        "element": {
            "type": "radio_buttons",
            "action_id": ANSWER_ACTION,
            "options": [{"text": plain(f"label {n}"), "value": str(n)} for n in range(1, 6)],
        },
    }


def test_a_choice_is_a_static_select_with_its_initial_option() -> None:
    question = Question(
        "weekday",
        "Weekday",
        QuestionKind.CHOICE,
        (Choice("0", "Monday"), Choice("1", "Tuesday")),
        ("1",),
        hint="pick one",
    )
    (block,) = modal(a_form(question))["blocks"]
    assert block["hint"] == plain("pick one")
    assert block["element"] == {
        "type": "static_select",
        "action_id": ANSWER_ACTION,
        "options": [
            {"text": plain("Monday"), "value": "0"},
            {"text": plain("Tuesday"), "value": "1"},
        ],
        "initial_option": {"text": plain("Tuesday"), "value": "1"},
    }
    no_initial = Question("weekday", "Weekday", QuestionKind.CHOICE, (Choice("0", "Monday"),))
    (block,) = modal(a_form(no_initial))["blocks"]
    assert "initial_option" not in block["element"]
    assert "hint" not in block


def test_a_text_question_is_a_plain_text_input_with_its_value() -> None:
    question = Question("time", "Time", QuestionKind.TEXT, initial=("09:00",))
    (block,) = modal(a_form(question))["blocks"]
    assert block["element"] == {
        "type": "plain_text_input",
        "action_id": ANSWER_ACTION,
        "initial_value": "09:00",
    }
    (empty,) = modal(a_form(Question("time", "Time", QuestionKind.TEXT)))["blocks"]
    assert empty["element"] == {"type": "plain_text_input", "action_id": ANSWER_ACTION}


def test_people_are_a_multi_users_select_with_the_initial_users() -> None:
    question = Question(
        "leaders", "Leaders", QuestionKind.PEOPLE, initial=("U1", "U2"), optional=True
    )
    (block,) = modal(a_form(question))["blocks"]
    assert block["optional"] is True
    assert block["element"] == {
        "type": "multi_users_select",
        "action_id": ANSWER_ACTION,
        "initial_users": ["U1", "U2"],
    }
    (nobody,) = modal(a_form(Question("leaders", "Leaders", QuestionKind.PEOPLE)))["blocks"]
    assert nobody["element"] == {"type": "multi_users_select", "action_id": ANSWER_ACTION}


def test_a_switch_is_checkboxes() -> None:
    on = Choice("on", "Remind once")
    question = Question("reminders", "Reminder", QuestionKind.SWITCH, (on,), ("on",), optional=True)
    (block,) = modal(a_form(question))["blocks"]
    option = {"text": plain("Remind once"), "value": "on"}
    assert block["element"] == {
        "type": "checkboxes",
        "action_id": ANSWER_ACTION,
        "options": [option],
        "initial_options": [option],
    }
    (off,) = modal(a_form(Question("reminders", "Reminder", QuestionKind.SWITCH, (on,))))["blocks"]
    assert "initial_options" not in off["element"]


def test_a_notice_modal_and_the_home_tab() -> None:
    card = Card(fallback="f", elements=(Heading("Thanks"), Paragraph("Counted.")))
    assert notice_modal(card, title="Pulse", close="Close") == {
        "type": "modal",
        "title": plain("Pulse"),
        "close": plain("Close"),
        "blocks": message_blocks(card),
    }
    assert home(card) == {"type": "home", "blocks": message_blocks(card)}


# --- answers out of a submitted view --------------------------------------------------------


def test_form_answers_reads_every_kind_of_input() -> None:
    view = {
        "state": {
            "values": {
                "learn-1": {
                    ANSWER_ACTION: {"type": "radio_buttons", "selected_option": {"value": "4"}}
                },
                "weekday": {
                    ANSWER_ACTION: {"type": "static_select", "selected_option": {"value": "2"}}
                },
                "reminders": {
                    ANSWER_ACTION: {
                        "type": "checkboxes",
                        "selected_options": [{"value": "on"}, "junk"],
                    }
                },
                "leaders": {
                    ANSWER_ACTION: {"type": "multi_users_select", "selected_users": ["U1", "U2"]}
                },
                "time": {ANSWER_ACTION: {"type": "plain_text_input", "value": "09:30"}},
                "unchecked": {ANSWER_ACTION: {"type": "checkboxes", "selected_options": []}},
                "nobody": {ANSWER_ACTION: {"type": "multi_users_select", "selected_users": []}},
                "unanswered": {ANSWER_ACTION: {"type": "radio_buttons", "selected_option": None}},
                "blank": {ANSWER_ACTION: {"type": "plain_text_input", "value": None}},
            }
        }
    }
    assert form_answers(view) == {
        "learn-1": ("4",),
        "weekday": ("2",),
        "reminders": ("on",),
        "leaders": ("U1", "U2"),
        "time": ("09:30",),
        "unchecked": (),
        "nobody": (),
        "unanswered": (),
        "blank": (),
    }


@pytest.mark.parametrize(
    "view",
    [
        {},
        {"state": {}},
        {"state": {"values": {}}},
        {"state": {"values": {"q": "not a mapping"}}},
        {"state": {"values": {"q": {"other_action": {"value": "1"}}}}},
        {"state": {"values": {"q": {ANSWER_ACTION: ["not", "a", "mapping"]}}}},
        {"state": {"values": {"q": {ANSWER_ACTION: None}}}},
    ],
)
def test_form_answers_ignores_junk(view: dict[str, Any]) -> None:
    assert form_answers(view) == {}


def test_form_answers_round_trips_a_rendered_form() -> None:
    form = a_form(
        Question("learn-1", "I can ask", QuestionKind.SCALE, FIVE),
        Question("time", "Time", QuestionKind.TEXT, initial=("09:00",)),
    )
    view = modal(form)
    state = {
        block["block_id"]: {
            block["element"]["action_id"]: (
                {"selected_option": block["element"]["options"][2]}
                if block["element"]["type"] == "radio_buttons"
                else {"value": block["element"]["initial_value"]}
            )
        }
        for block in view["blocks"]
    }
    assert form_answers({"state": {"values": state}}) == {"learn-1": ("3",), "time": ("09:00",)}


# --- every real view passes Slack's limits -------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_rendered_view_is_valid_block_kit(
    content: ContentPack, language: Language
) -> None:
    cards, forms = await every_view(content, language)
    for name, card in cards.items():
        blocks = message_blocks(card)
        assert blocks, name
        assert block_kit_problems(blocks=blocks) == [], name
        assert block_kit_problems(view=home(card)) == [], name
        assert block_kit_problems(view=notice_modal(card, title="Tryghed", close="OK")) == [], name
    for form in forms:
        view = modal(form)
        assert block_kit_problems(view=view) == [], form.kind
        inputs = [b for b in view["blocks"] if b["type"] == "input"]
        assert [b["block_id"] for b in inputs] == [q.id for q in form.questions]
    answer = modal(forms[0])
    scales = [b["element"] for b in answer["blocks"] if b["type"] == "input"]
    assert all(e["type"] == "radio_buttons" and len(e["options"]) == 5 for e in scales)
    assert [o["value"] for o in scales[0]["options"]] == ["1", "2", "3", "4", "5"]


CHART = ChartImage(png=b"\x89PNG", alt_text="Include: 60 <b> & more", title="Trend & <i>")


def test_a_chart_is_an_image_block_of_its_uploaded_file() -> None:
    card = Card(fallback="f", elements=(Heading("h"), CHART))
    assert message_blocks(card, files={CHART: "F123"})[1] == {
        "type": "image",
        "slack_file": {"id": "F123"},
        "alt_text": "Include: 60 <b> & more",  # plain text: not escaped as mrkdwn
        "title": {"type": "plain_text", "text": "Trend & <i>", "emoji": True},
    }
    assert block_kit_problems(blocks=message_blocks(card, files={CHART: "F123"})) == []
    assert home(card, files={CHART: "F123"})["blocks"][1]["type"] == "image"


def test_a_chart_not_uploaded_is_left_to_the_file_it_is_shared_as() -> None:
    assert blocks_of(Heading("h"), CHART) == blocks_of(Heading("h"))
