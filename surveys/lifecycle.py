"""A team's data lifecycle: switched off when the app is removed, purged, deleted for good."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from surveys.closing import seal
from surveys.errors import TeamNotSetUp
from surveys.overlap import roster_purge_before
from surveys.ports import Clock, UnitOfWork, UnitOfWorkFactory
from surveys.retention import cutoff, team_expired
from surveys.team import Team

log = logging.getLogger(__name__)

DELETION_CODE_LENGTH = 6


@dataclass(frozen=True, slots=True)
class Purged:
    """What one team's purge deleted."""

    rounds: int = 0
    hack_events: int = 0
    claims: int = 0
    team_deleted: bool = False


def deletion_code(team: Team) -> str:
    """The code that confirms deleting `team` (from its random id: another team's differs)."""
    return team.id[:DELETION_CODE_LENGTH]


class TeamLifecycle:
    """The use cases that end things: deactivation, deletion and the retention purge."""

    def __init__(self, *, unit_of_work: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = unit_of_work
        self._clock = clock

    async def deactivate_workspace(self, platform: str, workspace_id: str) -> int:
        """The app was uninstalled from a workspace: switch off its teams; how many."""
        async with self._uow() as uow:
            teams = [
                team
                for team in await uow.teams.all()
                if (team.channel.platform, team.channel.workspace_id) == (platform, workspace_id)
            ]
            switched_off = await self._deactivate(uow, teams)
            await uow.commit()
        log.info("the app was removed from a workspace: %d team(s) switched off", switched_off)
        return switched_off

    async def deactivate_group(self, platform: str, workspace_id: str, group_id: str) -> int:
        """The app was removed from a group of channels (a Teams team): switch off the teams
        in those channels and forget how to reach them; how many teams."""
        async with self._uow() as uow:
            teams = []
            for address in await uow.addresses.in_group(platform, workspace_id, group_id):
                team = await uow.teams.by_channel(address.channel)
                if team is not None:
                    teams.append(team)
            switched_off = await self._deactivate(uow, teams)
            forgotten = await uow.addresses.remove_group(platform, workspace_id, group_id)
            await uow.commit()
        log.info(
            "the app was removed from a group: %d team(s) switched off, %d address(es) forgotten",
            switched_off,
            forgotten,
        )
        return switched_off

    async def _deactivate(self, uow: UnitOfWork, teams: list[Team]) -> int:
        now = self._clock.now()
        switched_off = 0
        for team in teams:
            if not team.active:
                continue
            await uow.teams.update(replace(team, deactivated_at=now))
            # The leaders' predictions carry their platform ids and can never be shown now.
            await uow.predictions.remove_team(team.id)
            open_round = await uow.rounds.open_for_team(team.id)
            if open_round is not None:
                # Nobody can answer or see a summary any more: end the round quietly, so its
                # salt and participation hashes go now, as at any close.
                await seal(uow, open_round, at=now, min_respondents=team.settings.min_respondents)
            switched_off += 1
            log.info("team %s switched off", team.id)
        return switched_off

    async def delete_team(self, team_id: str) -> Team:
        """Delete a team for good: settings, rounds, counts, hack log, claims and its address."""
        async with self._uow() as uow:
            team = await uow.teams.get(team_id)
            if team is None:
                raise TeamNotSetUp()
            await uow.teams.remove(team_id)
            await uow.addresses.remove(team.channel)
            await uow.commit()
        log.info("team %s deleted", team_id)
        return team

    async def purge_team(self, team_id: str, *, months: int) -> Purged:
        """Delete what of the team is older than the retention; the whole team if it was
        switched off before that."""
        before = cutoff(self._clock.now(), months=months)
        async with self._uow() as uow:
            team = await uow.teams.get(team_id)
            if team is None:
                return Purged()
            purged = await _purge(uow, team, before)
            # Rosters go much sooner than results: only the overlap rule needs them.
            await uow.rosters.remove_before(team.id, roster_purge_before(self._clock.now()))
            await uow.commit()
        return purged


async def _purge(uow: UnitOfWork, team: Team, before: datetime) -> Purged:
    purged = Purged(
        rounds=await uow.rounds.remove_closed_before(team.id, before),
        hack_events=await uow.hacks.remove_before(team.id, before),
        claims=await uow.claims.remove_before(team.id, before),
    )
    if team_expired(team, before):
        await uow.teams.remove(team.id)
        await uow.addresses.remove(team.channel)
        purged = replace(purged, team_deleted=True)
    return purged
