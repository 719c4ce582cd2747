"""The Teams activity handler: activities in, the command layer's replies out. Translation only.

Teams has no ephemeral messages in channels, so replies are private by construction: a typed
command is answered in the person's 1:1 chat with Tryghed, and a button press is answered in
the invoke response, which only the person who pressed sees (see docs/teams.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ChannelAccount
from botbuilder.schema.teams import ChannelInfo, TeamInfo

from bot.commands.access import Actor
from bot.commands.handler import CommandHandler, Reply
from bot.failures import failure
from bot.msteams.addresses import (
    Addresses,
    address_of,
    channel_data,
    channel_of,
    part,
    tenant_of,
)
from bot.msteams.cards import (
    REFERENCE,
    VALUE,
    Json,
    action_data,
    adaptive_card,
    form_answers,
    form_card,
)
from bot.msteams.chat import TeamsChat
from bot.msteams.connector import Connector, MessageRef
from bot.msteams.invoke import card_response, error_response, message_response
from bot.msteams.mentions import command_text
from bot.views.card import Action, Form, FormKind, notice
from surveys.team import ChannelRef, Origin

log = logging.getLogger(__name__)

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
# Teams gives an invoke five seconds; the rest is for botbuilder and the network.
ANSWER_SECONDS = 4.0
PERSONAL = "personal"


@dataclass(frozen=True)
class PressReply:
    """What a button press gets back (the invoke response; an Action.Submit's 1:1 reply): a
    card in place of the pressed one, or a short message."""

    card: Json | None = None
    text: str | None = None
    after: Callable[[], Awaitable[None]] | None = None


def actor_of(activity: Activity) -> Actor:
    """The person behind an activity: AAD object id (Teams id without one) and language."""
    person = activity.from_property
    user_id = getattr(person, "aad_object_id", None) or getattr(person, "id", None) or ""
    locale = str(activity.locale or "").lower()
    return Actor(user_id=str(user_id), language="da" if locale.startswith("da") else "en")


class TeamsBot(TeamsActivityHandler):  # type: ignore[misc]
    """Teams' activities, each translated into one call of the command layer."""

    def __init__(
        self,
        *,
        handler: CommandHandler,
        chat: TeamsChat,
        connector: Connector,
        addresses: Addresses,
    ) -> None:
        super().__init__()
        self._handler = handler
        self._chat = chat
        self._connector = connector
        self._addresses = addresses
        self._background: set[asyncio.Task[None]] = set()

    # Messages

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """A typed command (or an Action.Submit from a client without Action.Execute)."""
        activity = turn_context.activity
        actor = actor_of(activity)
        if not actor.user_id:
            return
        if activity.value is not None and not (activity.text or "").strip():
            verb, data = action_data(activity.value)
            answer = await self._act(turn_context, actor, verb, data)
            card = answer.card or adaptive_card(notice(answer.text or ""))
            await self._reply_privately(turn_context, card)
            if answer.after is not None:
                await answer.after()
            return
        text = command_text(activity.text)
        channel = channel_of(activity)
        if channel is None:
            reply = await self._handler.private_command(tenant_of(activity), actor, text)
        else:
            # Every message from a channel refreshes how to reach it (Teams moves service URLs).
            await self._addresses.remember(address_of(activity, channel.channel_id))
            reply = await self._handler.command(channel, actor, text)
        await self._deliver(turn_context, channel, reply)

    async def _deliver(
        self, turn_context: TurnContext, channel: ChannelRef | None, reply: Reply
    ) -> None:
        """A form or a card, privately to the person who typed; then the reply's follow-up."""
        if reply.form is not None:
            await self._reply_privately(turn_context, await self._form(channel, reply.form))
        elif reply.card is not None:
            await self._reply_privately(turn_context, adaptive_card(reply.card))
        if reply.after is not None:
            await reply.after()

    async def _reply_privately(self, turn_context: TurnContext, card: Json) -> None:
        """In a personal chat, right there; anywhere else, in the person's 1:1 chat."""
        activity = turn_context.activity
        conversation = activity.conversation
        here = address_of(activity, str(conversation.id))
        try:
            if conversation.conversation_type == PERSONAL:
                await self._connector.post(here, str(conversation.id), card)
            else:
                await self._connector.send_to_person(here, str(activity.from_property.id), card)
        except Exception as error:  # what was asked is done; only the answer did not arrive
            log.warning("a private reply could not be delivered: %s", failure(error))

    async def _form(self, channel: ChannelRef | None, form: Form) -> Json:
        people: list[tuple[str, str]] = []
        if form.kind is FormKind.SETUP and channel is not None:
            try:
                members = await self._chat.roster(channel)
            except Exception as error:  # the form still works; only names are missing
                log.warning("could not read a channel's roster: %s", failure(error))
            else:
                people = sorted(((m.user_id, m.name) for m in members), key=lambda p: p[1])
        return form_card(form, people=people)

    # Buttons (Action.Execute)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """`adaptiveCard/action` answered by us (botbuilder 4.17 mangles its bodies)."""
        activity = turn_context.activity
        if activity.name != ADAPTIVE_CARD_ACTION:
            # Tryghed uses no other invoke (no dialogs, no message extensions, no sign-in).
            log.info("a Teams invoke that is no adaptive card action was refused (400)")
            return InvokeResponse(status=int(HTTPStatus.BAD_REQUEST))
        actor = actor_of(activity)
        verb, data = action_data(activity.value)
        if not actor.user_id or not verb:
            body = error_response(400, "BadRequest", "an action with a verb, from a person")
            return InvokeResponse(status=int(HTTPStatus.OK), body=body)
        answer = await self._act(turn_context, actor, verb, data)
        if answer.card is not None:
            body = card_response(answer.card)
        elif answer.text is not None:
            body = message_response(answer.text)
        else:
            body = error_response(400, "NotSupported", "this card's buttons are not Tryghed's")
        if answer.after is not None:
            self._later(answer.after)
        return InvokeResponse(status=int(HTTPStatus.OK), body=body)

    async def _act(
        self, turn_context: TurnContext, actor: Actor, verb: str, data: Mapping[str, Any]
    ) -> PressReply:
        activity = turn_context.activity
        value = str(data.get(VALUE, ""))
        channel = channel_of(activity)
        # Where the card was pressed; a press outside a team's channel names none.
        origin = Origin("teams", tenant_of(activity), channel.channel_id if channel else None)
        if verb == Action.ANSWER.value:
            reply = await self._handler.open_answer_form(
                value, actor, actor.language, origin=origin
            )
            if reply.form is not None:
                return PressReply(card=form_card(reply.form), after=reply.after)
            return _message(reply)
        if verb == FormKind.ANSWER.value:
            answers = {k: v[0] for k, v in form_answers(data).items() if v}
            reference = str(data.get(REFERENCE, ""))
            # A database that is slow or away gets a "try again" before Teams gives up on us.
            reply = await self._handler.submit_answers(
                reference, actor, answers, actor.language, origin=origin, within=ANSWER_SECONDS
            )
            card = adaptive_card(reply.card) if reply.card is not None else None
            return PressReply(card=card, after=reply.after)
        if verb == Action.PREDICT.value:
            reply = await self._handler.open_prediction_form(
                value, actor, actor.language, origin=origin
            )
            if reply.form is not None:
                return PressReply(card=form_card(reply.form))
            return _message(reply)
        if verb == FormKind.PREDICTION.value:
            reference = str(data.get(REFERENCE, ""))
            answers = {k: v[0] for k, v in form_answers(data).items() if v}
            reply = await self._handler.submit_prediction(
                reference, actor, answers, actor.language, origin=origin
            )
            return PressReply(card=adaptive_card(reply.card) if reply.card else None)
        if verb == FormKind.SETUP.value:
            target = ChannelRef("teams", tenant_of(activity), str(data.get(REFERENCE, "")))
            reply = await self._handler.submit_setup(target, actor, form_answers(data), name="")
            if reply.field_errors:
                # The form stays as the person filled it in; the message says what to fix.
                return PressReply(text=" ".join(reply.field_errors.values()))
            return PressReply(card=adaptive_card(reply.card) if reply.card else None)
        if channel is None:
            return PressReply()
        if verb == Action.START_DISCUSSION.value:
            return _message(await self._handler.start_discussion(channel, actor, value))
        if verb == Action.HACK_DONE.value:
            reply = await self._handler.hack_done(channel, actor, value)
            pressed = activity.reply_to_id
            if reply.shared_update is not None and pressed:
                message = MessageRef(str(activity.conversation.id), str(pressed))
                await self._chat.update_message(
                    channel, message, adaptive_card(reply.shared_update)
                )
            return _message(reply)
        return PressReply()

    def _later(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` after the invoke response has gone back to Teams."""

        async def run() -> None:
            try:
                await work()
            except Exception as error:
                log.error("a Teams follow-up failed: %s", failure(error))

        task = asyncio.get_running_loop().create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for follow-ups still running (at shutdown)."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    # Installation and channels: where Tryghed may post

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Added to a team: its General channel is the first one we know."""
        await self._remember_conversation(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """Removed from a team: forget all its channels."""
        await self._forget_team(turn_context, None)

    async def on_teams_members_added_dispatch(
        self, members_added: list[ChannelAccount], team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """The bot itself among the new members means it was added to the team."""
        # Overridden whole: botbuilder would look up every other new member in the roster.
        if _includes_bot(members_added, turn_context.activity):
            await self._remember_conversation(turn_context)

    async def on_teams_members_removed_dispatch(
        self, members_removed: list[ChannelAccount], team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """The bot itself among the removed members means it left the team."""
        if _includes_bot(members_removed, turn_context.activity):
            await self._forget_team(turn_context, team_info)

    async def on_teams_channel_created(
        self, channel_info: ChannelInfo, team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """A new channel in a team the bot is in can be set up too."""
        await self._remember_channel(turn_context, channel_info)

    async def on_teams_channel_renamed(
        self, channel_info: ChannelInfo, team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """Keep the channel's new name."""
        await self._remember_channel(turn_context, channel_info)

    async def on_teams_channel_restored(
        self, channel_info: ChannelInfo, team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """A deleted channel came back."""
        await self._remember_channel(turn_context, channel_info)

    async def on_teams_channel_deleted(
        self, channel_info: ChannelInfo, team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """Nothing can be posted in a deleted channel."""
        channel_id = getattr(channel_info, "id", None) or _field(channel_info, "id")
        if channel_id:
            tenant = tenant_of(turn_context.activity)
            await self._addresses.forget(ChannelRef("teams", tenant, str(channel_id)))

    async def on_teams_team_deleted(self, team_info: TeamInfo, turn_context: TurnContext) -> None:
        """A deleted team's channels are gone."""
        await self._forget_team(turn_context, team_info)

    async def on_teams_team_hard_deleted(
        self, team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """A deleted team's channels are gone."""
        await self._forget_team(turn_context, team_info)

    async def _remember_conversation(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if "team" not in channel_data(activity):
            return  # a personal or group chat: nothing to post into later
        conversation_id = str(getattr(activity.conversation, "id", "") or "")
        channel_id = conversation_id.split(";", maxsplit=1)[0]
        if channel_id:
            await self._addresses.remember(address_of(activity, channel_id))

    async def _remember_channel(self, turn_context: TurnContext, channel_info: Any) -> None:
        channel_id = getattr(channel_info, "id", None) or _field(channel_info, "id")
        name = getattr(channel_info, "name", None) or _field(channel_info, "name")
        if channel_id:
            activity = turn_context.activity
            await self._addresses.remember(
                address_of(activity, str(channel_id), name=str(name or ""))
            )

    async def _forget_team(self, turn_context: TurnContext, team_info: Any) -> None:
        activity = turn_context.activity
        team_id = getattr(team_info, "id", None) or _field(team_info, "id")
        team_id = team_id or part(activity, "team").get("id")
        if team_id:
            # Its channels' teams are switched off and their addresses forgotten; the results
            # stay until the retention purge (or a delete).
            await self._handler.app_removed(tenant_of(activity), group_id=str(team_id))


def _message(reply: Reply) -> PressReply:
    """A reply to a button on a shared card: a short message, so the card stays for everyone."""
    if reply.form is not None:
        return PressReply(card=form_card(reply.form), after=reply.after)
    return PressReply(text=reply.card.fallback if reply.card else None, after=reply.after)


def _includes_bot(members: list[ChannelAccount], activity: Activity) -> bool:
    bot_id = getattr(activity.recipient, "id", None)
    return bot_id is not None and any(getattr(m, "id", None) == bot_id for m in members or [])


def _field(value: object, name: str) -> object:
    return value.get(name) if isinstance(value, Mapping) else None
