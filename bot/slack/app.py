"""The bolt app: Slack payloads in, the command layer's replies out. Translation only."""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.access import Actor
from bot.commands.handler import CommandHandler, Reply
from bot.failures import failure
from bot.slack.answer_forms import AnswerForms, form_reference, notice_view, workspace_of
from bot.slack.blocks import form_answers, home, message_blocks, modal
from bot.slack.clients import SlackClients
from bot.slack.files import ChartFiles
from bot.slack.manifest import BOT_SCOPES, COMMAND, OAUTH_REDIRECT_PATH, PLATFORM
from bot.views.card import Action, ChartImage, FormKind, charts_of
from content.schema import ContentPack
from surveys.team import ChannelRef, Origin

# CommandHandler.open_answer_form and .open_prediction_form: (round id, actor, language, *, origin).
FormOpener = Callable[..., Awaitable[Reply]]

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
SEEN_EVENTS = 10_000
EVENT_MEMORY_SECONDS = 3600.0


class EventLog:
    """Event ids seen lately: Slack retries an event it thinks was not acknowledged."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, event_id: str) -> bool:
        """True the first time an id is seen (within the memory window)."""
        now = time.monotonic()
        while self._seen and (
            len(self._seen) > SEEN_EVENTS or next(iter(self._seen.values())) < now
        ):
            self._seen.popitem(last=False)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now + EVENT_MEMORY_SECONDS
        return True


@dataclass(frozen=True)
class SlackOAuth:
    """Multi-workspace mode: the app's OAuth credentials and where installations are kept."""

    client_id: str
    client_secret: str
    public_url: str
    installations: AsyncInstallationStore
    states: AsyncOAuthStateStore


def slack_app(
    *,
    handler: CommandHandler,
    clients: SlackClients,
    content: ContentPack,
    signing_secret: str,
    oauth: SlackOAuth | None,
    answers: AnswerForms,
    files: ChartFiles | None = None,
) -> AsyncApp:
    """The bolt app; without `oauth`, `clients` carries the single workspace's bot token."""
    if oauth is None:
        # bolt takes the token from the client it is given.
        app = AsyncApp(
            signing_secret=signing_secret,
            client=clients.client(clients.single_token),
            logger=log,
            # bolt's own warning about an unhandled request quotes its fields; on_error
            # logs it without them.
            raise_error_for_unhandled_request=True,
            # The events route checks every request's signature before bolt sees it (and
            # hands bolt an interaction's payload already decoded), Socket Mode needs none.
            request_verification_enabled=False,
        )
    else:
        app = AsyncApp(
            signing_secret=signing_secret,
            client=clients.client(),
            installation_store=oauth.installations,
            oauth_settings=AsyncOAuthSettings(
                client_id=oauth.client_id,
                client_secret=oauth.client_secret,
                scopes=list(BOT_SCOPES),
                installation_store=oauth.installations,
                state_store=oauth.states,
                install_path=INSTALL_PATH,
                redirect_uri_path=OAUTH_REDIRECT_PATH,
                redirect_uri=f"{oauth.public_url}{OAUTH_REDIRECT_PATH}",
            ),
            logger=log,
            raise_error_for_unhandled_request=True,
            request_verification_enabled=False,
        )
    _listen(
        app,
        handler=handler,
        clients=clients,
        content=content,
        files=files or ChartFiles(clients),
        answers=answers,
    )
    _listen_for_removal(app, handler=handler, installations=oauth.installations if oauth else None)
    return app


def _listen(
    app: AsyncApp,
    *,
    handler: CommandHandler,
    clients: SlackClients,
    content: ContentPack,
    files: ChartFiles,
    answers: AnswerForms,
) -> None:
    events = EventLog()

    async def deliver(
        reply: Reply, body: Mapping[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """The reply, and a private card's charts into the asker's direct message after it."""
        await _deliver(reply, body=body, respond=respond, client=client)
        for chart in charts_of(reply.card) if reply.card is not None else ():
            await _send_chart(files, body, chart)

    @app.middleware
    async def once_per_event(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> Any:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not events.first_time(event_id):
            return BoltResponse(status=200, body="")
        return await next()

    async def actor_of(body: Mapping[str, Any]) -> tuple[str, Actor]:
        workspace = workspace_of(body)
        user = body.get("user_id") or (body.get("user") or {}).get("id", "")
        return workspace, await clients.actor(workspace, str(user))

    @app.command(COMMAND)
    async def on_command(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        workspace, actor = await actor_of(body)
        channel = ChannelRef(PLATFORM, workspace, str(body.get("channel_id", "")))
        reply = await handler.command(channel, actor, str(body.get("text", "")))
        await deliver(reply, body, respond, client)

    def form_opener(open_form: FormOpener) -> Callable[..., Awaitable[None]]:
        """A button that opens a private form for the round it carries (answer, predict)."""

        async def on_press(
            ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
        ) -> None:
            await ack()
            workspace, actor = await actor_of(body)
            pressed_in = _channel(body, workspace).channel_id
            reply = await open_form(
                _action_value(body),
                actor,
                actor.language,
                origin=Origin(PLATFORM, workspace, pressed_in),
            )
            await _deliver(reply, body=body, respond=respond, client=client)

        return on_press

    app.action(Action.ANSWER.value)(form_opener(handler.open_answer_form))
    app.action(Action.PREDICT.value)(form_opener(handler.open_prediction_form))

    @app.action(Action.START_DISCUSSION.value)
    async def on_start_discussion(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        workspace, actor = await actor_of(body)
        reply = await handler.start_discussion(
            _channel(body, workspace), actor, _action_value(body)
        )
        await _deliver(reply, body=body, respond=respond, client=client)

    @app.action(Action.HACK_DONE.value)
    async def on_hack_done(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        workspace, actor = await actor_of(body)
        reply = await handler.hack_done(_channel(body, workspace), actor, _action_value(body))
        await _deliver(reply, body=body, respond=respond, client=client)

    @app.view(FormKind.ANSWER.value)
    async def on_answers(ack: AsyncAck, body: dict[str, Any]) -> None:
        # Over HTTP the events route serves answer forms itself; this is Socket Mode's way.
        view, reply = await answers.submit(body)
        await ack(response_action="update", view=view)
        if reply.after is not None:
            await reply.after()

    @app.view(FormKind.PREDICTION.value)
    async def on_prediction(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        workspace, actor = await actor_of(body)
        answers = {k: v[0] for k, v in form_answers(view).items() if v}
        round_id, channel_id = form_reference(view.get("private_metadata"))
        reply = await handler.submit_prediction(
            round_id,
            actor,
            answers,
            actor.language,
            origin=Origin(PLATFORM, workspace, channel_id),
        )
        await ack(response_action="update", view=notice_view(reply, content, actor.language))

    @app.view(FormKind.SETUP.value)
    async def on_setup(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        workspace, actor = await actor_of(body)
        channel = ChannelRef(PLATFORM, workspace, str(view.get("private_metadata", "")))
        reply = await handler.submit_setup(channel, actor, form_answers(view), name="")
        if reply.field_errors:
            await ack(response_action="errors", errors=dict(reply.field_errors))
            return
        await ack(response_action="update", view=notice_view(reply, content, actor.language))

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home":
            return
        workspace = workspace_of(body)
        actor = await clients.actor(workspace, str(event.get("user", "")))
        card = await handler.home(workspace, actor)
        try:
            uploaded = await files.private_ids(workspace, charts_of(card))
        except Exception as error:  # the home page without its pictures rather than none
            log.error("the home page's charts could not be uploaded: %s", failure(error))
            uploaded = {}
        await client.views_publish(user_id=actor.user_id, view=home(card, files=uploaded))

    @app.error
    async def on_error(error: Exception) -> None:
        # Never the body: it carries user ids and, for forms, answers.
        if isinstance(error, BoltUnhandledRequestError):
            log.info("a Slack request Tryghed has no listener for was refused (404)")
            return
        log.error("a Slack request failed: %s", failure(error))


def _listen_for_removal(
    app: AsyncApp, *, handler: CommandHandler, installations: AsyncInstallationStore | None
) -> None:
    """Uninstalled, or the bot token revoked: forget the tokens and switch the teams off.

    These replace bolt's own revocation listeners (bolt runs only the first listener that
    matches an event), and call them first: in OAuth mode they delete the stored tokens."""
    revocation = AsyncTokenRevocationListeners(installations) if installations else None

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any], context: AsyncBoltContext) -> None:
        if revocation is not None:
            await revocation.handle_app_uninstalled_events(context)
        await handler.app_removed(workspace_of(body))

    @app.event("tokens_revoked")
    async def on_tokens_revoked(
        event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if revocation is not None:
            await revocation.handle_tokens_revoked_events(event, context)
        if (event.get("tokens") or {}).get("bot"):
            # Without its bot token Tryghed can neither post nor be asked in the workspace.
            await handler.app_removed(workspace_of(body))


async def _deliver(
    reply: Reply,
    *,
    body: Mapping[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
) -> None:
    """A form opens as a modal; a card goes back privately (ephemeral) to the asker; a
    shared update replaces the message whose button was pressed, for everyone."""
    if reply.shared_update is not None:
        card = reply.shared_update
        await client.chat_update(
            channel=(body.get("channel") or {}).get("id", ""),
            ts=(body.get("message") or {}).get("ts", ""),
            text=card.fallback,
            blocks=message_blocks(card),
        )
    if reply.form is not None:
        view = modal(reply.form)
        if reply.form.kind in (FormKind.ANSWER, FormKind.PREDICTION):
            # A modal's submission does not say where the form was opened; Slack hands our
            # private_metadata back untouched, so the channel rides along with the round.
            view["private_metadata"] = json.dumps(
                {"round": reply.form.reference, "channel": _channel(body, "").channel_id}
            )
        await client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view)
    elif reply.card is not None:
        await respond(
            text=reply.card.fallback,
            blocks=message_blocks(reply.card),
            response_type="ephemeral",
            replace_original=False,
        )
    if reply.after is not None:
        await reply.after()


async def _send_chart(files: ChartFiles, body: Mapping[str, Any], chart: ChartImage) -> None:
    """A private reply's chart, to the asker alone; the reply is out, so a failure is logged."""
    user = body.get("user_id") or (body.get("user") or {}).get("id", "")
    try:
        await files.send_privately(workspace_of(body), str(user), chart)
    except Exception as error:  # the reply is out: there is nobody left to tell
        log.error("a private trend chart could not be sent: %s", failure(error))


def _channel(body: Mapping[str, Any], workspace: str) -> ChannelRef:
    return ChannelRef(PLATFORM, workspace, str((body.get("channel") or {}).get("id", "")))


def _action_value(body: Mapping[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value", ""))
