"""The platform-neutral view model: a card of simple elements, and a form of questions.

Slack renders these as Block Kit, Teams as Adaptive Cards; neither adds words of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    """The buttons the bot shows; the values are the platforms' action ids."""

    ANSWER = "tryghed_answer"
    START_DISCUSSION = "tryghed_start_discussion"
    HACK_DONE = "tryghed_hack_done"
    PREDICT = "tryghed_predict"


class FormKind(StrEnum):
    """The forms the bot opens; the values are the platforms' callback ids."""

    ANSWER = "tryghed_answer_form"
    SETUP = "tryghed_setup_form"
    PREDICTION = "tryghed_prediction_form"


@dataclass(frozen=True, slots=True)
class Heading:
    """A title line."""

    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text."""

    text: str


@dataclass(frozen=True, slots=True)
class Facts:
    """Label and value pairs, e.g. a pillar and its score."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """Rows of sparklines: a label, a line of block characters and a short value."""

    rows: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class ChartImage:
    """The trend chart as a picture (bot/chart/), and its numbers in words for those who
    cannot see it; each platform shows it its own way (docs/charts.md)."""

    png: bytes
    alt_text: str
    title: str


@dataclass(frozen=True, slots=True)
class Items:
    """A list, numbered or not."""

    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True, slots=True)
class Note:
    """Small print."""

    text: str


@dataclass(frozen=True, slots=True)
class Button:
    """A button that sends `action` with `value` back to the bot."""

    label: str
    action: Action
    value: str
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Buttons:
    """A row of buttons."""

    buttons: tuple[Button, ...]


Element = Heading | Paragraph | Facts | Chart | ChartImage | Items | Note | Buttons


@dataclass(frozen=True, slots=True)
class Card:
    """A message: `fallback` is the plain text for notifications and screen readers."""

    fallback: str
    elements: tuple[Element, ...]


class QuestionKind(StrEnum):
    """How a question is answered."""

    SCALE = "scale"
    CHOICE = "choice"
    TEXT = "text"
    PEOPLE = "people"
    SWITCH = "switch"


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a question."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """One input of a form."""

    id: str
    label: str
    kind: QuestionKind
    choices: tuple[Choice, ...] = ()
    initial: tuple[str, ...] = ()
    hint: str | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Form:
    """A private form; `reference` (a round or channel) comes back with the answers."""

    kind: FormKind
    reference: str
    title: str
    intro: tuple[Element, ...]
    questions: tuple[Question, ...]
    submit: str
    cancel: str
    extra: dict[str, str] = field(default_factory=dict)


def charts_of(card: Card) -> tuple[ChartImage, ...]:
    """The card's chart pictures (a home page has one per team)."""
    return tuple(e for e in card.elements if isinstance(e, ChartImage))


def notice(text: str, *, title: str | None = None) -> Card:
    """A short private message."""
    body = Paragraph(text)
    return Card(fallback=text, elements=(Heading(title), body) if title else (body,))
