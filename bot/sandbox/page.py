"""The sandbox page: a channel as the person being played sees it, with the controls around
it (who you are, the pretend colleagues, the clock). Pure: views in, HTML out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.sandbox.chat import Kind, Message
from bot.sandbox.html import CSRF_FIELD, card_html, form_html
from bot.sandbox.people import PREFIX
from bot.views.card import Form
from bot.views.texts import Texts
from content.schema import ContentPack, Language

STATIC_PATH = "/sandbox/static"
LIVE_PATH = "/sandbox/live"
AS_PATH = "/sandbox/as"
SAY_PATH = "/sandbox/say"
COLLEAGUES_PATH = "/sandbox/colleagues"
CLOCK_PATH = "/sandbox/clock"
CLOCK_STEPS = ("hour", "day", "deadline")
DEFAULT_COLLEAGUES = 4
BOT_NAME = "Tryghed"


@dataclass(frozen=True)
class Member:
    """A person on the page: id, name as shown, role as shown (empty for a member)."""

    id: str
    name: str
    role: str = ""


@dataclass(frozen=True)
class PageView:
    """Everything one person's page shows."""

    language: Language
    person: str
    members: Sequence[Member]
    messages: Sequence[Message]
    csrf: str
    now: datetime
    zone: ZoneInfo
    version: int
    clock_movable: bool
    form: Form | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    flash: str | None = None


def page_html(view: PageView, content: ContentPack) -> str:
    """The whole page."""
    t = Texts(content, view.language)
    modal = ""
    if view.form is not None:
        people = [(m.id, m.name) for m in view.members]
        body = form_html(view.form, csrf=view.csrf, people=people, errors=view.errors)
        modal = f'<div class="modal" role="dialog" aria-modal="true">{body}</div>'
    flash = f'<p class="flash" role="status">{_t(view.flash)}</p>' if view.flash else ""
    return (
        "<!doctype html>"
        f'<html lang="{_a(view.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_t(t('sandbox-title'))}</title>"
        f'<link rel="stylesheet" href="{STATIC_PATH}/sandbox.css">'
        f'<script src="{STATIC_PATH}/sandbox.js" defer></script></head>'
        f'<body data-live="{LIVE_PATH}">'
        f'<aside class="side">{_side(view, t)}</aside>'
        '<main class="channel">'
        f'<header class="top"><h1>{_t(t("sandbox-channel"))}</h1>'
        f'<p class="warning">{_t(t("sandbox-warning"))}</p></header>'
        f"{flash}"
        f'<div id="live" aria-live="polite">{live_html(view, content)}</div>'
        f"{_composer(view, t)}"
        f"</main>{modal}</body></html>"
    )


def live_html(view: PageView, content: ContentPack) -> str:
    """The part that changes by itself: the time and the messages."""
    t = Texts(content, view.language)
    local = view.now.astimezone(view.zone)
    clock = t("sandbox-clock-now", moment=t.moment(local, view.zone))
    if view.messages:
        messages = "".join(_message(m, view, t) for m in view.messages)
    else:
        messages = f'<p class="empty">{_t(t("sandbox-empty", prefix=PREFIX))}</p>'
    return (
        f'<p class="clock" data-version="{view.version}">{_t(clock)}</p>'
        f'<div class="messages">{messages}</div>'
    )


def _message(message: Message, view: PageView, t: Texts) -> str:
    names = {m.id: m.name for m in view.members}
    author = names.get(message.author or "", message.author or "") if message.author else BOT_NAME
    local = message.at.astimezone(view.zone)
    when = f"{t(f'weekday-{local.weekday()}')} {local:%H:%M}"
    private = ""
    if message.kind is Kind.REPLY:
        private = f'<span class="private">{_t(t("sandbox-only-you"))}</span>'
    elif message.kind is Kind.DIRECT:
        private = f'<span class="private">{_t(t("sandbox-direct"))}</span>'
    app = "" if message.author else '<span class="app">APP</span>'
    if message.card is not None:
        body = card_html(message.card, csrf=view.csrf, message_id=message.id)
    else:
        body = f"<p>{_t(message.text)}</p>"
    replies = "".join(_message(reply, view, t) for reply in message.replies)
    thread = f'<div class="thread">{replies}</div>' if replies else ""
    return (
        f'<article class="message {message.kind}" id="{_a(message.id)}">'
        f'<header><b class="author">{_t(author)}</b>{app}<time>{_t(when)}</time>{private}</header>'
        f'<div class="body">{body}</div>{thread}</article>'
    )


def _side(view: PageView, t: Texts) -> str:
    csrf = f'<input type="hidden" name="{CSRF_FIELD}" value="{_a(view.csrf)}">'
    people = "".join(
        f'<option value="{_a(m.id)}"{" selected" if m.id == view.person else ""}>'
        f"{_t(m.name)}{_t(f' ({m.role})' if m.role else '')}</option>"
        for m in view.members
    )
    identity = (
        f'<form method="post" action="{AS_PATH}" class="identity">{csrf}'
        f"<label><span>{_t(t('sandbox-you-are'))}</span>"
        f'<select name="person" id="person">{people}</select></label>'
        f'<button type="submit">{_t(t("sandbox-switch"))}</button></form>'
    )
    counts = "".join(
        f"<option{' selected' if n == DEFAULT_COLLEAGUES else ''}>{n}</option>"
        for n in range(1, len(view.members))
    )
    ways = f'<option value="random">{_t(t("sandbox-colleagues-random"))}</option>' + "".join(
        f'<option value="{point}">{_t(t("sandbox-colleagues-alike", label=t.of(label)))}</option>'
        for point, label in enumerate(t.content.scale, start=1)
    )
    colleagues = (
        f'<form method="post" action="{COLLEAGUES_PATH}" class="colleagues">{csrf}'
        f"<h2>{_t(t('sandbox-colleagues-title'))}</h2>"
        f"<label><span>{_t(t('sandbox-colleagues-how-many'))}</span>"
        f'<select name="count">{counts}</select></label>'
        f"<label><span>{_t(t('sandbox-colleagues-how'))}</span>"
        f'<select name="how">{ways}</select></label>'
        f'<button type="submit">{_t(t("sandbox-colleagues-go"))}</button></form>'
    )
    if view.clock_movable:
        steps = "".join(
            f'<button type="submit" name="step" value="{step}">'
            f"{_t(t(f'sandbox-clock-{step}'))}</button>"
            for step in CLOCK_STEPS
        )
        clock = f'<form method="post" action="{CLOCK_PATH}" class="steps">{csrf}{steps}</form>'
    else:
        clock = f'<p class="note">{_t(t("sandbox-clock-off"))}</p>'
    members = "".join(
        f"<li>{_t(m.name)}{_t(f' · {m.role}' if m.role else '')}</li>" for m in view.members
    )
    return (
        f'<p class="brand">{_t(t("sandbox-title"))}</p>{identity}'
        f'<h2>{_t(t("sandbox-members"))}</h2><ul class="members">{members}</ul>'
        f"{colleagues}"
        f'<section class="time"><h2>{_t(t("sandbox-clock-title"))}</h2>{clock}</section>'
    )


def _composer(view: PageView, t: Texts) -> str:
    return (
        f'<form method="post" action="{SAY_PATH}" class="composer">'
        f'<input type="hidden" name="{CSRF_FIELD}" value="{_a(view.csrf)}">'
        f'<input type="text" name="text" autocomplete="off" maxlength="500" '
        f'aria-label="{_a(t("sandbox-composer", prefix=PREFIX))}" '
        f'placeholder="{_a(t("sandbox-composer", prefix=PREFIX))}" autofocus>'
        f'<button type="submit" class="primary">{_t(t("sandbox-send"))}</button></form>'
    )


def message_page(text: str, *, language: Language, content: ContentPack) -> str:
    """A page that only says something (a refused request, a failure), and leads back."""
    t = Texts(content, language)
    return (
        f'<!doctype html><html lang="{_a(language)}"><head><meta charset="utf-8">'
        f"<title>{_t(t('sandbox-title'))}</title>"
        f'<link rel="stylesheet" href="{STATIC_PATH}/sandbox.css"></head>'
        f'<body class="alone"><main><p class="flash" role="alert">{_t(text)}</p>'
        f'<p><a href="/">{_t(t("sandbox-back"))}</a></p></main></body></html>'
    )


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(str(text), quote=True)
