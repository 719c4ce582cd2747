"""Attack 2: `SELECT xmin` on a closed round's counts must not group them into people."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from storage.engine import create_engine
from surveys.manual_clock import ManualClock
from tests.builders import T0
from tests.privacy.scenario import no_step, play_round, service_on

pytestmark = pytest.mark.postgres


async def test_xmin_pg(cluster_database: URL) -> None:
    clock = ManualClock(T0)
    engine = create_engine(cluster_database)
    try:
        played = await play_round(service_on(engine, clock), clock, no_step)
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text(
                        "SELECT xmin::text, statement_id, value, count FROM answer_counts"
                        " WHERE round_id = :round_id"
                    ),
                    {"round_id": played.round_id},
                )
            ).all()
    finally:
        await engine.dispose()
    assert rows, "the closed round has no answer counts"
    # Every row written by one transaction (the close): the rows fall into no groups.
    groups: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for xmin, statement_id, value, count in rows:
        groups[xmin].append((statement_id, value, count))
    assert len(groups) == 1, f"xmin groups the counts into {len(groups)} writers: {dict(groups)}"
