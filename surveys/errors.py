"""Domain errors; each names the content-pack message that explains it to a person."""

from __future__ import annotations


class TryghedError(Exception):
    """A use case refused; `key` names the message that explains why, `values` fill it in."""

    key = "error-generic"

    def __init__(self, **values: object) -> None:
        self.values = values
        super().__init__(f"{self.key} {values}" if values else self.key)


class InvalidSettings(TryghedError):
    """A team setting is out of range; the message is chosen by the setting's name."""

    def __init__(self, *, field: str, **values: object) -> None:
        self.key = f"error-setting-{field.replace('_', '-')}"
        self.field = field
        super().__init__(**values)


class TeamNotSetUp(TryghedError):
    """The channel has not been set up as a team."""

    key = "error-team-not-set-up"


class TeamPaused(TryghedError):
    """The team is paused, so no round can start."""

    key = "error-team-paused"


class TeamInactive(TryghedError):
    """The app was removed from the team's workspace; the team must be set up again."""

    key = "error-team-inactive"


class ScheduleChanged(TryghedError):
    """The team's schedule changed after its round was found due by the one it had."""

    key = "error-schedule-changed"


class RoundAlreadyOpen(TryghedError):
    """The team already has an open round."""

    key = "error-round-already-open"


class NoOpenRound(TryghedError):
    """The team has no open round."""

    key = "error-no-open-round"


class RoundNotFound(TryghedError):
    """No such round (or it belongs to another team)."""

    key = "error-round-not-found"


class RoundClosed(TryghedError):
    """The round is closed and takes no more answers."""

    key = "error-round-closed"


class AlreadyAnswered(TryghedError):
    """This person's answer to the round was already counted."""

    key = "error-already-answered"


class InvalidAnswers(TryghedError):
    """The answers do not match the round's statements or the 1-5 scale."""

    key = "error-invalid-answers"


class UnknownHack(TryghedError):
    """No hack with that id or pillar."""

    key = "error-unknown-hack"


class NotInChannel(TryghedError):
    """The bot cannot post in the team's channel (it was never added, or was removed)."""

    key = "error-not-in-channel"


class RoundOfAnotherTeam(TryghedError):
    """The round belongs to a team in another channel than the one the request came from."""

    key = "error-round-other-team"


class StorageUnavailable(TryghedError):
    """The database could not be reached or did not answer in time; nothing was saved."""

    key = "error-try-again"


class NotAMember(TryghedError):
    """The person was not in the team's channel when the round opened, so cannot answer it."""

    key = "error-not-a-member"


class AnswersLost(TryghedError):
    """The database lost the open round's answers; the round is being restarted, try again soon."""

    key = "error-round-restarting"


class CloseTooEarly(TryghedError):
    """The round opened too recently to be closed by hand; `minutes` says how long to wait."""

    key = "error-close-too-early"
