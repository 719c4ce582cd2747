"""The command layer: what a person typed or pressed, checked and turned into a use case.

Adapters translate platform payloads into these calls and render the replies; the rules
(who may do what, what to say when something is refused) live here and in the domain.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.chart.pictures import ChartCache
from bot.commands.access import Actor, may
from bot.commands.setup_values import settings_from_form, settings_from_words
from bot.commands.words import PILLAR_WORDS, Command, Intent, UnknownWord, parse
from bot.failures import failure
from bot.views.card import Card, ChartImage, Element, Form, Heading, Paragraph, notice
from bot.views.hacks import hack_card, hack_list
from bot.views.knowledge import about_card, help_card
from bot.views.leader import prediction_form, prediction_saved, with_predict_button
from bot.views.pulse import answer_form, thanks
from bot.views.results import trend_report
from bot.views.setup import set_up_card, setup_form
from bot.views.status import status_card
from bot.views.texts import Texts
from content.schema import ContentPack, Language
from surveys.errors import (
    InvalidAnswers,
    InvalidSettings,
    NoOpenRound,
    StorageUnavailable,
    TeamInactive,
    TeamNotSetUp,
    TryghedError,
)
from surveys.hack_choice import HackSuggestion
from surveys.lifecycle import deletion_code
from surveys.prediction import InvalidPrediction
from surveys.rounds import SCALE
from surveys.service import MAX_TREND_ROUNDS, PulseService
from surveys.team import ChannelRef, Origin, Role, Team, TeamSettings
from surveys.trend import Trend

log = logging.getLogger(__name__)

DEFAULT_TREND_ROUNDS = 12
MAX_HOME_TEAMS = 8
# Which setup form question a refused setting belongs to.
FORM_FIELDS = {
    "local_time": "time",
    "timezone": "timezone",
    "min_respondents": "min_respondents",
    "round_hours": "round_hours",
    "weekday": "weekday",
    "language": "language",
}
NEEDS_TEAM = frozenset(
    {
        Command.PULSE,
        Command.CLOSE,
        Command.STATUS,
        Command.TREND,
        Command.HACK,
        Command.PAUSE,
        Command.RESUME,
        Command.DELETE,
    }
)
# What still works in a team switched off by an uninstall (setup switches it on again).
WHILE_SWITCHED_OFF = frozenset({Command.DELETE})


@dataclass(frozen=True, slots=True)
class Reply:
    """What the person who asked gets back, privately.

    `card` is a private message, `form` a form to open, `field_errors` problems to show next
    to a form's fields, `shared_update` a new version of the shared message a button was
    pressed on, and `after` work to do once the reply is on its way (never before it).
    """

    card: Card | None = None
    form: Form | None = None
    field_errors: Mapping[str, str] | None = None
    shared_update: Card | None = None
    after: Callable[[], Awaitable[None]] | None = None


class CommandHandler:
    """The platform-neutral entry points for commands, forms and buttons."""

    def __init__(
        self,
        service: PulseService,
        content: ContentPack,
        *,
        platform: str,
        prefix: str,
        default_min_respondents: int,
        error_keys: Mapping[str, str] | None = None,
        charts: ChartCache | None = None,
    ) -> None:
        self._service = service
        # The trend's picture on the private trend and the home page (none: sparklines only).
        self._charts = charts
        self._content = content
        self._platform = platform
        self._prefix = prefix
        self._default_k = default_min_respondents
        # The platform's own wording of some refusals (how to add the bot to a channel differs).
        self._error_keys = dict(error_keys or {})
        self._late: set[asyncio.Future[Reply]] = set()  # answers given up on, still unwinding

    async def command(self, channel: ChannelRef, actor: Actor, text: str) -> Reply:
        """A typed command such as `trend 8` or `setup weekly mon 09:00`."""
        try:
            team = await self._team_or_none(channel)
        except StorageUnavailable as error:
            return self._refusal(actor.language, error)
        language = team.settings.language if team else actor.language
        return await self._guarded(language, lambda: self._command(channel, actor, team, text))

    async def private_command(self, workspace_id: str, actor: Actor, text: str) -> Reply:
        """A command typed in a private chat with the bot, where no team lives."""
        # `trend` shows the person's own teams (as the home page does), `setup` belongs in the
        # team's channel, and the rest answers as in a channel that is not set up.
        intent = parse(text)
        command = intent.command if isinstance(intent, Intent) else None
        if command is Command.TREND:
            return await self._guarded(
                actor.language, lambda: self._home_reply(workspace_id, actor)
            )
        if command is Command.SETUP:
            t = Texts(self._content, actor.language)
            return Reply(card=notice(t("error-setup-in-channel", prefix=self._prefix)))
        return await self.command(ChannelRef(self._platform, workspace_id, ""), actor, text)

    async def open_answer_form(
        self, round_id: str, actor: Actor, language: Language, *, origin: Origin
    ) -> Reply:
        """The Answer button (pressed where `origin` says): the form, or a kind word when it
        is not needed."""
        language = await self._round_language(round_id, language, origin=origin)

        async def run() -> Reply:
            status = await self._service.status(round_id, origin=origin)
            t = Texts(self._content, status.team.settings.language)
            if not status.round.is_open:
                return Reply(card=notice(t("error-round-closed")))
            if await self._service.has_answered(round_id, actor.user_id):
                return Reply(card=notice(t("error-already-answered")))
            return Reply(form=answer_form(status.round, status.team, self._content))

        return await self._guarded(language, run)

    async def open_prediction_form(
        self, round_id: str, actor: Actor, language: Language, *, origin: Origin
    ) -> Reply:
        """*Predict* (on the pulse message or a leader's trend card): the private form for a
        leader, with their earlier prediction filled in; a kind word for anyone else."""
        language = await self._round_language(round_id, language, origin=origin)

        async def run() -> Reply:
            leader_side = self._service.leader_side
            round_, team, earlier = await leader_side.prediction_of(
                round_id, actor.user_id, origin=origin
            )
            return Reply(form=prediction_form(round_, team, self._content, earlier))

        return await self._guarded(language, run)

    async def submit_prediction(
        self,
        round_id: str,
        actor: Actor,
        answers: Mapping[str, str],
        language: Language,
        *,
        origin: Origin,
    ) -> Reply:
        """The prediction form sent: keep it (replacing an earlier one) and confirm privately."""
        language = await self._round_language(round_id, language, origin=origin)

        async def run() -> Reply:
            choices = {str(point): point for point in SCALE}
            try:
                values = {pillar: choices[value] for pillar, value in answers.items()}
            except KeyError:
                raise InvalidPrediction() from None
            round_, team = await self._service.leader_side.predict(
                round_id, user_id=actor.user_id, values=values, origin=origin
            )
            return Reply(card=prediction_saved(round_, team, self._content))

        return await self._guarded(language, run)

    async def submit_answers(
        self,
        round_id: str,
        actor: Actor,
        answers: Mapping[str, str],
        language: Language,
        *,
        origin: Origin,
        within: float | None = None,
    ) -> Reply:
        """The answer form sent (from where `origin` says): count it once and say thank you,
        privately. Given `within` (seconds a platform waits for the reply), a database that
        takes longer gets the person a "try again" instead of no reply at all."""

        async def run() -> Reply:
            # Exactly the form's own choices: int() would also take " 3", "+3" or "٣".
            choices = {str(point): point for point in SCALE}
            try:
                values = {statement: choices[value] for statement, value in answers.items()}
            except KeyError:
                raise InvalidAnswers() from None
            status = await self._service.submit(
                round_id, user_id=actor.user_id, answers=values, origin=origin
            )
            return Reply(
                card=thanks(status, self._content),
                after=lambda: self._service.show_participation(status),
            )

        async def counted() -> Reply:
            # The thanks speaks the team's language already: only a refusal needs it looked
            # up, so that an answer costs one transaction, not two.
            async def first_try() -> Reply:
                try:
                    return await run()
                except TryghedError as error:
                    team_language = await self._round_language(round_id, language, origin=origin)
                    return self._refusal(team_language, error)

            return await self._guarded(language, first_try)

        if within is None:
            return await counted()
        # A task of its own, so that a late one can be left behind: cancelling it rolls the
        # transaction back, and a hung connection takes SQLAlchemy seconds to close.
        work = asyncio.ensure_future(counted())
        done, _ = await asyncio.wait({work}, timeout=max(within, 0.0))
        if work in done:
            return work.result()
        work.cancel()
        self._late.add(work)
        work.add_done_callback(self._late.discard)
        # Cancelled, nothing was counted (or, if the commit was already under way, it was):
        # a second try is counted, or refused kindly; never counted twice.
        log.warning("an answer was not counted within %.1f s: asked to try again", within)
        return self._refusal(language, StorageUnavailable())

    async def submit_setup(
        self, channel: ChannelRef, actor: Actor, answers: Mapping[str, Sequence[str]], name: str
    ) -> Reply:
        """The setup form sent."""
        try:
            team = await self._team_or_none(channel)
        except StorageUnavailable as error:
            return self._refusal(actor.language, error)

        async def run() -> Reply:
            if not may(actor, Command.SETUP, team):
                return self._not_allowed(Command.SETUP, team, actor)
            current = team.settings if team else self._new_settings(actor)
            try:
                settings = settings_from_form(answers, current)
            except InvalidSettings as error:
                t = Texts(self._content, current.language)
                field = FORM_FIELDS.get(error.field, "time")
                return Reply(
                    field_errors={field: t(error.key, prefix=self._prefix, **error.values)}
                )
            if not settings.leaders | settings.facilitators:
                # Someone must be able to run the team; the person setting it up is the one.
                settings = replace(settings, facilitators=frozenset({actor.user_id}))
            saved = await self._service.set_up_team(channel, settings, name=name)
            return Reply(card=self._set_up_card(saved, new=team is None))

        return await self._guarded(team.settings.language if team else actor.language, run)

    async def start_discussion(self, channel: ChannelRef, actor: Actor, hack_id: str) -> Reply:
        """*Start discussion* on a summary: post the hack card and open its thread."""
        return await self.command(channel, actor, f"hack {hack_id}")

    async def hack_done(self, channel: ChannelRef, actor: Actor, hack_id: str) -> Reply:
        """*We did it* on a hack card: log it and show the card as done for everyone."""
        try:
            team = await self._team_or_none(channel)
        except StorageUnavailable as error:
            return self._refusal(actor.language, error)

        async def run() -> Reply:
            if team is None:
                raise TeamNotSetUp()
            if not may(actor, Command.HACK, team):
                return self._not_allowed(Command.HACK, team, actor)
            if not team.active:
                raise TeamInactive()
            entry = await self._service.hack_done(team.id, hack_id)
            language = team.settings.language
            t = Texts(self._content, language)
            hack = self._content.hack(hack_id)
            done = hack_card(
                hack, self._content, language, done_at=entry.at, zone=team.settings.zone
            )
            return Reply(
                card=notice(t("hack-done-thanks", hack=t.of(hack.title))), shared_update=done
            )

        return await self._guarded(team.settings.language if team else "da", run)

    async def drain(self, seconds: float = 10.0) -> None:
        """Wait for answers given up on to finish unwinding: at shutdown, before the pool
        their connections belong to closes."""
        if self._late:
            await asyncio.wait(set(self._late), timeout=seconds)

    async def home(self, workspace_id: str, actor: Actor) -> Card:
        """A leader's or facilitator's own page: the latest trend of each of their teams."""
        t = Texts(self._content, actor.language)
        teams = await self._service.teams_with_role(self._platform, workspace_id, actor.user_id)
        elements: list[Element] = [Heading(t("home-title"))]
        if not teams:
            elements.append(Paragraph(t("home-empty", prefix=self._prefix)))
        for team in teams[:MAX_HOME_TEAMS]:
            trend = await self._service.trend(team.id, rounds=DEFAULT_TREND_ROUNDS)
            card = trend_report(trend, team, self._content, chart=await self._chart(trend, team))
            elements.extend(card.elements)
        return Card(fallback=t("home-title"), elements=tuple(elements))

    async def _chart(self, trend: Trend, team: Team) -> ChartImage | None:
        """The trend's picture (drawn off the event loop, once per closed round), if any."""
        if self._charts is None or not trend.points:
            return None
        settings = team.settings
        return await self._charts.chart(trend, language=settings.language, zone=settings.zone)

    async def _home_reply(self, workspace_id: str, actor: Actor) -> Reply:
        return Reply(card=await self.home(workspace_id, actor))

    # The commands

    async def _command(
        self, channel: ChannelRef, actor: Actor, team: Team | None, text: str
    ) -> Reply:
        language = team.settings.language if team else actor.language
        t = Texts(self._content, language)
        intent = parse(text)
        if isinstance(intent, UnknownWord):
            return Reply(
                card=notice(t("error-unknown-word", word=intent.word, prefix=self._prefix))
            )
        if intent.command in NEEDS_TEAM and team is None:
            raise TeamNotSetUp()
        if not may(actor, intent.command, team):
            return self._not_allowed(intent.command, team, actor)
        if intent.command in NEEDS_TEAM - WHILE_SWITCHED_OFF and team and not team.active:
            raise TeamInactive()
        handler = self._handlers()[intent.command]
        return await handler(channel, actor, team, intent)

    def _handlers(
        self,
    ) -> dict[Command, Callable[[ChannelRef, Actor, Team | None, Intent], Awaitable[Reply]]]:
        return {
            Command.HELP: self._help,
            Command.SETUP: self._setup,
            Command.PULSE: self._pulse,
            Command.CLOSE: self._close,
            Command.STATUS: self._status,
            Command.TREND: self._trend,
            Command.HACK: self._hack,
            Command.HACKS: self._hacks,
            Command.ABOUT: self._about,
            Command.PAUSE: self._pause,
            Command.RESUME: self._resume,
            Command.DELETE: self._delete,
        }

    async def _help(self, _c: ChannelRef, actor: Actor, team: Team | None, _i: Intent) -> Reply:
        language = team.settings.language if team else actor.language
        return Reply(card=help_card(self._content, language, prefix=self._prefix))

    async def _about(self, _c: ChannelRef, actor: Actor, team: Team | None, _i: Intent) -> Reply:
        language = team.settings.language if team else actor.language
        return Reply(card=about_card(self._content, language))

    async def _hacks(self, _c: ChannelRef, actor: Actor, team: Team | None, _i: Intent) -> Reply:
        language = team.settings.language if team else actor.language
        return Reply(card=hack_list(self._content, language))

    async def _setup(
        self, channel: ChannelRef, actor: Actor, team: Team | None, intent: Intent
    ) -> Reply:
        current = team.settings if team else self._new_settings(actor)
        if not intent.args:
            language = team.settings.language if team else actor.language
            return Reply(form=setup_form(channel.channel_id, current, self._content, language))
        settings = settings_from_words(intent.args, current)
        saved = await self._service.set_up_team(channel, settings)
        return Reply(card=self._set_up_card(saved, new=team is None))

    async def _pulse(self, _c: ChannelRef, _a: Actor, team: Team | None, _i: Intent) -> Reply:
        team = _known(team)
        await self._service.open_round(team.id)
        return Reply(card=notice(Texts(self._content, team.settings.language)("pulse-started")))

    async def _close(self, _c: ChannelRef, _a: Actor, team: Team | None, _i: Intent) -> Reply:
        team = _known(team)
        round_ = await self._service.open_round_of(team.id)
        await self._service.close_round(round_.id, early=True)
        return Reply(card=notice(Texts(self._content, team.settings.language)("close-done")))

    async def _status(self, _c: ChannelRef, _a: Actor, team: Team | None, _i: Intent) -> Reply:
        team = _known(team)
        try:
            open_round = await self._service.open_round_of(team.id)
        except NoOpenRound:
            status = None
        else:
            status = await self._service.status(open_round.id)
        return Reply(card=status_card(team, status, self._content))

    async def _trend(
        self, _c: ChannelRef, actor: Actor, team: Team | None, intent: Intent
    ) -> Reply:
        team = _known(team)
        rounds = DEFAULT_TREND_ROUNDS
        if intent.args:
            try:
                rounds = max(1, min(MAX_TREND_ROUNDS, int(intent.args[0])))
            except ValueError:
                t = Texts(self._content, team.settings.language)
                return Reply(card=notice(t("error-trend-rounds", prefix=self._prefix)))
        trend = await self._service.trend(team.id, rounds=rounds)
        card = trend_report(trend, team, self._content, chart=await self._chart(trend, team))
        if team.settings.role_of(actor.user_id) is Role.LEADER:
            try:
                open_round = await self._service.open_round_of(team.id)
            except NoOpenRound:
                pass
            else:
                card = with_predict_button(card, open_round, team, self._content)
        return Reply(card=card)

    async def _hack(self, _c: ChannelRef, _a: Actor, team: Team | None, intent: Intent) -> Reply:
        team = _known(team)
        suggestion = await self._suggestion(team, intent.args)
        await self._service.start_discussion(team.id, suggestion.hack.id)
        t = Texts(self._content, team.settings.language)
        return Reply(card=notice(t("hack-started", hack=t.of(suggestion.hack.title))))

    async def _suggestion(self, team: Team, args: Sequence[str]) -> HackSuggestion:
        if not args:
            return await self._service.suggest_hack(team.id)
        word = args[0].lower()
        if word in PILLAR_WORDS:
            return await self._service.suggest_hack(team.id, pillar=PILLAR_WORDS[word])
        # A hack is typed by its id or its short name in either language (`brugsanvisning`).
        named = self._content.hack_named(word)
        return await self._service.suggest_hack(team.id, hack_id=named.id if named else word)

    async def _pause(self, _c: ChannelRef, _a: Actor, team: Team | None, _i: Intent) -> Reply:
        team = await self._service.set_paused(_known(team).id, paused=True)
        t = Texts(self._content, team.settings.language)
        return Reply(card=notice(t("paused", prefix=self._prefix)))

    async def _resume(self, _c: ChannelRef, _a: Actor, team: Team | None, _i: Intent) -> Reply:
        team = await self._service.set_paused(_known(team).id, paused=False)
        return Reply(card=notice(Texts(self._content, team.settings.language)("resumed")))

    async def _delete(self, _c: ChannelRef, _a: Actor, team: Team | None, intent: Intent) -> Reply:
        """Two steps: the first says what goes and gives a code; the code deletes."""
        team = _known(team)
        t = Texts(self._content, team.settings.language)
        code = deletion_code(team)
        if not intent.args:
            return Reply(card=notice(t("delete-confirm", code=code, prefix=self._prefix)))
        if intent.args[0].lower() != code:
            return Reply(card=notice(t("delete-wrong-code", prefix=self._prefix)))
        await self._service.lifecycle.delete_team(team.id)
        return Reply(card=notice(t("team-deleted", prefix=self._prefix)))

    # The platform's own events

    async def app_removed(self, workspace_id: str, *, group_id: str | None = None) -> int:
        """The app was uninstalled from a workspace (or removed from one group of its channels,
        a Teams team): switch those teams off and forget how to reach them; how many teams."""
        lifecycle = self._service.lifecycle
        if group_id is None:
            return await lifecycle.deactivate_workspace(self._platform, workspace_id)
        return await lifecycle.deactivate_group(self._platform, workspace_id, group_id)

    # Helpers

    async def _round_language(
        self, round_id: str, fallback: Language, *, origin: Origin
    ) -> Language:
        """Speak the team's language about its round (the person's own if it is unknown, or
        another team's)."""
        try:
            return (await self._service.status(round_id, origin=origin)).team.settings.language
        except TryghedError:
            return fallback

    async def _team_or_none(self, channel: ChannelRef) -> Team | None:
        try:
            return await self._service.team_in(channel)
        except TeamNotSetUp:
            return None

    def _new_settings(self, actor: Actor) -> TeamSettings:
        return TeamSettings(
            language=actor.language,
            min_respondents=self._default_k,
            facilitators=frozenset({actor.user_id}),
        )

    def _set_up_card(self, team: Team, *, new: bool) -> Card:
        # Only a new team gets the kickoff: changing the hour later needs no first meeting.
        return set_up_card(team, self._content, prefix=self._prefix, kickoff=new)

    def _not_allowed(self, command: Command, team: Team | None, actor: Actor) -> Reply:
        t = Texts(self._content, team.settings.language if team else actor.language)
        key = {
            Command.TREND: "error-not-allowed-trend",
            Command.DELETE: "error-not-allowed-delete",
        }.get(command, "error-not-allowed")
        return Reply(card=notice(t(key)))

    async def _guarded(self, language: Language, run: Callable[[], Awaitable[Reply]]) -> Reply:
        """Every refusal becomes a friendly sentence; nothing ever ends in silence."""
        try:
            return await run()
        except TryghedError as error:
            return self._refusal(language, error)
        except Exception as error:
            log.error("a %s request failed: %s", self._platform, failure(error))
            return Reply(card=notice(Texts(self._content, language)("error-generic")))

    def _refusal(self, language: Language, error: TryghedError) -> Reply:
        """The sentence that explains a refusal."""
        key = self._error_keys.get(error.key, error.key)
        t = Texts(self._content, language)
        return Reply(card=notice(t(key, prefix=self._prefix, **error.values)))


def _known(team: Team | None) -> Team:
    if team is None:
        raise TeamNotSetUp()
    return team
