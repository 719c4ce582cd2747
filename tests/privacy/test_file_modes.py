"""Attack 3: SQLite's files, the side store and the key file are readable by their owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.engine import create_engine, database_url
from storage.migrate import upgrade
from storage.secret_key import secret_key_for
from surveys.manual_clock import ManualClock
from surveys.team import TeamSettings
from tests.builders import T0
from tests.privacy.scenario import CHANNEL, PEOPLE, service_on

SUFFIXES = ("", "-wal", "-shm", ".open", ".key")


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most servers run with (022), which left the files world-readable."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("usual_umask")
async def test_file_modes(tmp_path: Path) -> None:
    database = tmp_path / "tryghed.db"
    url = database_url(f"sqlite:///{database}")
    secret = secret_key_for(url, None)  # as `tryghed serve` does without a configured key
    engine = create_engine(url)
    try:
        await upgrade(engine)
        clock = ManualClock(T0)
        service = service_on(engine, clock, secret)
        team = await service.set_up_team(CHANNEL, TeamSettings())
        round_ = await service.open_round(team.id)
        answers = dict.fromkeys(round_.statement_ids, 3)
        await service.submit(round_.id, user_id=PEOPLE[0], answers=answers)
        modes = {suffix: _mode(database.with_name(database.name + suffix)) for suffix in SUFFIXES}
    finally:
        await engine.dispose()
    assert modes == dict.fromkeys(SUFFIXES, "0o600")


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode)) if path.exists() else "missing"
