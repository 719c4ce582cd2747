"""Answer forms sent: each counted through the command layer, and the view that thanks (or
says why not) put in the form's place.

The events route serves these itself, without bolt's dispatch (its middleware chain, listener
matching, a Web API client per request and an acknowledgement polled every 10 ms were most
of an answer's cost in bench/p1); bolt's listener calls the same in Socket Mode.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from bot.commands.handler import CommandHandler, Reply
from bot.slack.blocks import form_answers, notice_modal
from bot.slack.clients import SlackClients
from bot.views.card import FormKind
from content.schema import ContentPack, Language
from surveys.team import Origin

PLATFORM = "slack"
# Slack waits 3 s for a form's acknowledgement; the rest is for the network.
ANSWER_SECONDS = 2.0


class AnswerForms:
    """Counts what an answer form carries and says how it went, in the form's place."""

    def __init__(
        self, *, handler: CommandHandler, clients: SlackClients, content: ContentPack
    ) -> None:
        self._handler = handler
        self._clients = clients
        self._content = content

    @staticmethod
    def carries(body: Mapping[str, Any]) -> bool:
        """Whether a payload (its shape checked) is an answer form sent."""
        view = body.get("view") or {}
        return body.get("type") == "view_submission" and (
            view.get("callback_id") == FormKind.ANSWER.value
        )

    async def submit(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], Reply]:
        """The view that replaces the form, and the reply (its `after` is for once that view
        is on its way)."""
        started = time.monotonic()
        workspace = workspace_of(body)
        view = body.get("view") or {}
        # Anyone may answer, and the reply speaks the team's language: no users.info call to
        # Slack before the acknowledgement (it was half of an answer's time, bench/p1).
        actor = self._clients.known_actor(workspace, str((body.get("user") or {}).get("id", "")))
        answers = {k: v[0] for k, v in form_answers(view).items() if v}
        round_id, channel_id = form_reference(view.get("private_metadata"))
        # Counting takes milliseconds, so the confirmation rides on the acknowledgement; a
        # database that is slow or away gets a "try again" before Slack gives up on us.
        reply = await self._handler.submit_answers(
            round_id,
            actor,
            answers,
            actor.language,
            origin=Origin(PLATFORM, workspace, channel_id),
            within=ANSWER_SECONDS - (time.monotonic() - started),
        )
        return notice_view(reply, self._content, actor.language), reply


def notice_view(reply: Reply, content: ContentPack, language: Language) -> dict[str, Any]:
    """The modal that takes a sent form's place: the reply's card, titled as the form was."""
    card = reply.card
    if card is None:  # pragma: no cover - every form reply carries a card
        raise ValueError("a form reply without a card")
    return notice_modal(
        card, title=content.text("form-title", language), close=content.text("close", language)
    )


def form_reference(metadata: object) -> tuple[str, str | None]:
    """The round and the channel a form was opened in, from its private_metadata (a bare
    round id, as forms opened before the channel rode along carry, names no channel)."""
    text = str(metadata or "")
    try:
        reference = json.loads(text)
    except ValueError:
        return text, None
    if not isinstance(reference, dict):
        return text, None
    channel = reference.get("channel")
    return str(reference.get("round", "")), channel if isinstance(channel, str) else None


def workspace_of(body: Mapping[str, Any]) -> str:
    """The workspace a payload came from."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    return str(team)
