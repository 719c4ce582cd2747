"""Leaders' private predictions on SQLAlchemy."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from content.schema import PillarKey
from storage.tables import PredictionRow
from surveys.prediction import Prediction


class SqlPredictions:
    """Predictions in `predictions`, one row per round and leader."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, prediction: Prediction) -> None:
        """Store a prediction, replacing the same leader's earlier one for the round."""
        values = {key.value: value for key, value in prediction.values.items()}
        row = await self._session.get(PredictionRow, (prediction.round_id, prediction.leader_id))
        if row is None:
            self._session.add(
                PredictionRow(
                    round_id=prediction.round_id,
                    leader_id=prediction.leader_id,
                    team_id=prediction.team_id,
                    values=values,
                )
            )
        else:
            row.values = values
        await self._session.flush()

    async def of_leader(self, round_id: str, leader_id: str) -> Prediction | None:
        """The leader's prediction for the round, if any."""
        row = await self._session.get(PredictionRow, (round_id, leader_id))
        return _prediction(row) if row else None

    async def for_round(self, round_id: str) -> list[Prediction]:
        """Every leader's prediction for the round."""
        rows = await self._session.scalars(
            select(PredictionRow)
            .where(PredictionRow.round_id == round_id)
            .order_by(PredictionRow.leader_id)
        )
        return [_prediction(row) for row in rows]

    async def remove_team(self, team_id: str) -> int:
        """Delete every prediction of the team's rounds."""
        result = await self._session.execute(
            delete(PredictionRow).where(PredictionRow.team_id == team_id),
            execution_options={"synchronize_session": False},
        )
        return cast("CursorResult[Any]", result).rowcount


def _prediction(row: PredictionRow) -> Prediction:
    return Prediction(
        round_id=row.round_id,
        team_id=row.team_id,
        leader_id=row.leader_id,
        values={PillarKey(key): int(value) for key, value in row.values.items()},
    )
