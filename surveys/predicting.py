"""The leader's private side: predicting a round's result, and the private notes after a close
(each leader's perception gap, the trap signals for those who run the team)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from content.schema import ContentPack
from surveys.announcements import PrivateNote, RoundOutcome
from surveys.errors import RoundClosed, RoundNotFound, RoundOfAnotherTeam, TeamNotSetUp
from surveys.ports import ChatGateway, Clock, UnitOfWork, UnitOfWorkFactory
from surveys.prediction import (
    NotALeader,
    Prediction,
    perception_report,
    validate_prediction,
)
from surveys.rounds import Round
from surveys.team import Origin, Role, Team
from surveys.traps import trap_note

log = logging.getLogger(__name__)


class LeaderSide:
    """Predictions, perception gaps and trap notes: only ever private, never in the channel."""

    def __init__(
        self,
        *,
        unit_of_work: UnitOfWorkFactory,
        clock: Clock,
        chat: ChatGateway,
        content: ContentPack,
    ) -> None:
        self._uow = unit_of_work
        self._clock = clock
        self._chat = chat
        self._content = content

    async def prediction_of(
        self, round_id: str, user_id: str, *, origin: Origin | None = None
    ) -> tuple[Round, Team, Prediction | None]:
        """The open round a leader may predict, its team, and the leader's earlier prediction;
        NotALeader for anyone else, RoundClosed once the round has closed."""
        async with self._uow() as uow:
            round_, team = await self._predictable(uow, round_id, user_id, origin)
            return round_, team, await uow.predictions.of_leader(round_id, user_id)

    async def predict(
        self,
        round_id: str,
        *,
        user_id: str,
        values: Mapping[str, int],
        origin: Origin | None = None,
    ) -> tuple[Round, Team]:
        """Keep a leader's prediction for an open round, replacing their earlier one."""
        async with self._uow() as uow:
            round_, team = await self._predictable(uow, round_id, user_id, origin, lock=True)
            checked = validate_prediction(self._content, round_, values)
            await uow.predictions.save(
                Prediction(round_id=round_id, team_id=team.id, leader_id=user_id, values=checked)
            )
            await uow.commit()
        return round_, team

    async def _predictable(
        self,
        uow: UnitOfWork,
        round_id: str,
        user_id: str,
        origin: Origin | None,
        *,
        lock: bool = False,
    ) -> tuple[Round, Team]:
        # Locked like an answer, so that a close cannot slip in between the check and the save.
        round_ = await uow.rounds.get(round_id, lock="share" if lock else None)
        if round_ is None:
            raise RoundNotFound()
        team = await uow.teams.get(round_.team_id)
        if team is None:
            raise TeamNotSetUp()
        if origin is not None and not origin.reaches(team.channel):
            raise RoundOfAnotherTeam()
        if team.settings.role_of(user_id) is not Role.LEADER:
            raise NotALeader()
        if not round_.is_open or self._clock.now() >= round_.closes_at:
            raise RoundClosed()
        return round_, team

    async def after_close(self, outcome: RoundOutcome) -> None:
        """Tell each leader who predicted the round their gap (through the gate), and those
        who run the team what the trend signals; a note that fails is logged, not retried."""
        team = outcome.team
        async with self._uow() as uow:
            predictions = await uow.predictions.for_round(outcome.round.id)
        for prediction in predictions:
            # Someone who is no longer a leader gets nothing of the team's results.
            if team.settings.role_of(prediction.leader_id) is Role.LEADER:
                report = perception_report(prediction, outcome.result)
                await self._send(team, prediction.leader_id, report)
        note = trap_note(outcome.trend)
        if note is not None:
            await self.tell_those_running(team, note)

    async def tell_those_running(self, team: Team, note: PrivateNote) -> None:
        """A private note to each of the team's leaders and facilitators (never the members)."""
        for person in sorted(team.settings.leaders | team.settings.facilitators):
            await self._send(team, person, note)

    async def _send(self, team: Team, person: str, note: PrivateNote) -> None:
        try:
            await self._chat.send_private(team, person, note)
        except Exception:  # the round is closed and its summary posted; one note is not worth more
            log.warning("team %s: a private note after the close could not be sent", team.id)
