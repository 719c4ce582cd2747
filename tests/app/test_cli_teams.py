"""`tryghed export`, `tryghed team list` and `tryghed team delete` on a real SQLite database."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from bot.memory_chat import MemoryChat
from content.loader import default_pack
from storage.engine import create_engine
from storage.unit_of_work import SqlStorage
from surveys.addresses import ChannelAddress
from surveys.anonymity import RoundSummary
from surveys.manual_clock import ManualClock
from surveys.rounds import RoundKind
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from tests.app.test_cli import script, tables
from tests.builders import T0

MEMBERS = [f"UMEMBER{n:02d}" for n in range(1, 10)]


@dataclass
class Stored:
    """A database with two teams: one with history (`team`), and one with none (`other`)."""

    database: Path
    team: Team
    other: Team
    results: list[RoundSummary]


async def _fill(database: Path) -> Stored:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    clock = ManualClock(T0)
    storage = SqlStorage(engine)
    service = PulseService(
        unit_of_work=storage,
        clock=clock,
        chat=MemoryChat(members=list(MEMBERS)),
        content=default_pack(),
        secret_key=b"k" * 32,
    )
    try:
        team = await service.set_up_team(
            ChannelRef("slack", "T1", "C1"),
            TeamSettings(leaders=frozenset({"ULEADER01"})),
            name="Platform",
        )
        other = await service.set_up_team(ChannelRef("teams", "tenant", "19:c"), TeamSettings())
        results = []
        for respondents, kind in (
            (5, RoundKind.PULSE),
            (4, RoundKind.PULSE),
            (6, RoundKind.BAROMETER),
        ):
            round_ = await service.open_round(team.id, kind=kind)
            for n, person in enumerate(MEMBERS[:respondents]):
                answers = dict.fromkeys(round_.statement_ids, 1 + n % 5)
                await service.submit(round_.id, user_id=person, answers=answers)
            clock.advance(hours=72)
            outcome = await service.close_round(round_.id)
            if isinstance(outcome.result, RoundSummary):
                results.append(outcome.result)
            clock.advance(days=4)
        await service.hack_done(team.id, "check-in-round")
        await service.open_round(team.id)  # an open round is never exported
        async with storage() as uow:
            await uow.addresses.save(
                ChannelAddress(
                    channel=other.channel, group_id="G", service_url="", updated_at=clock.now()
                )
            )
            await uow.commit()
    finally:
        await engine.dispose()
    return Stored(database=database, team=team, other=other, results=results)


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path) -> Stored:
    database = tmp_path / "tryghed.db"
    shutil.copy(sqlite_template, database)
    monkeypatch.setenv("TRYGHED_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    return asyncio.run(_fill(database))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_as_csv(stored: Stored, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "export", "--team", stored.team.id)
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    by_status: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row)
    (withheld,) = by_status["withheld"]
    assert withheld["kind"] == "pulse"
    assert withheld["opened_at"] < withheld["closed_at"]
    # No number at all for the round below the threshold: not even how many answered.
    assert {k: v for k, v in withheld.items() if v} == {
        "opened_at": withheld["opened_at"],
        "closed_at": withheld["closed_at"],
        "kind": "pulse",
        "status": "withheld",
        "withheld_reason": "too-few",
    }
    reported = by_status["reported"]
    pillar_rows = [r for r in reported if not r["statement"]]
    statement_rows = [r for r in reported if r["statement"]]
    first, barometer = stored.results
    assert [float(r["score"]) for r in pillar_rows] == [
        round(p.score.score, 1) for result in stored.results for p in result.pillars.values()
    ]
    assert {r["respondents"] for r in pillar_rows} == {"5", "6"}
    asked = [s for s in default_pack().statements if not s.retired]
    assert len(statement_rows) == 4 + len(asked)
    assert {r["reverse"] for r in statement_rows} == {"yes", "no"}
    assert all(1 <= float(r["mean"]) <= 5 for r in statement_rows)
    assert first.kind is RoundKind.PULSE
    assert barometer.kind is RoundKind.BAROMETER
    assert [r["opened_at"] for r in rows] == sorted(r["opened_at"] for r in rows)
    for person in [*MEMBERS, "ULEADER01"]:
        assert person not in out


def test_export_as_json(stored: Stored, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "export", "--team", stored.team.id, "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["team"] == {
        "id": stored.team.id,
        "name": "Platform",
        "platform": "slack",
        "workspace_id": "T1",
        "channel_id": "C1",
        "min_respondents": 5,
    }
    first, withheld, barometer = document["rounds"]
    assert withheld == {
        "opened_at": withheld["opened_at"],
        "closed_at": withheld["closed_at"],
        "kind": "pulse",
        "status": "withheld",
        "withheld_reason": "too-few",
    }
    assert first["status"] == barometer["status"] == "reported"
    assert (first["respondents"], barometer["respondents"]) == (5, 6)
    assert first["channel_size"] == 9
    assert [p["score"] for p in first["pillars"]] == [
        round(p.score.score, 1) for p in stored.results[0].pillars.values()
    ]
    assert len(first["statements"]) == 4
    assert all(s["answers"] == 5 for s in first["statements"])
    assert barometer["kind"] == "barometer"
    for person in [*MEMBERS, "ULEADER01"]:
        assert person not in out


def test_export_refuses_an_unknown_team(stored: Stored, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "export", "--team", "nope")
    assert (code, out) == (1, "")
    assert err.startswith("tryghed: no team with the id 'nope'")
    assert err.count("\n") == 1


def test_export_refuses_when_no_round_reaches_the_threshold(
    stored: Stored, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "export", "--team", stored.other.id, "--format", "json")
    assert (code, out) == (1, "")
    assert err == (
        f"tryghed: team {stored.other.id} has no closed round with at least its anonymity "
        "threshold of respondents yet, so there is nothing to export\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["export"],
        ["export", "--team"],
        ["export", "--team", "x", "--format", "xml"],
        ["team"],
        ["team", "delete"],
        ["team", "purge"],
    ],
)
def test_usage_errors_exit_2(
    stored: Stored, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage: tryghed" in capsys.readouterr().err


def test_team_list(stored: Stored, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "team", "list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{stored.team.id}  slack  T1  C1  active  Platform",
        f"{stored.other.id}  teams  tenant  19:c  active",
    ]


def test_team_list_of_an_empty_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "team", "list") == (0, "tryghed: no teams yet\n", "")


def test_team_delete_leaves_nothing_of_the_team(
    stored: Stored, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tables(stored.database)
    assert any(stored.team.id in row for row in before["rounds"])
    code, out, err = _run(capsys, "team", "delete", "--team", stored.team.id)
    assert (code, err) == (0, "")
    assert out == (
        f"tryghed: deleted team {stored.team.id} (slack T1 C1) with its rounds, answer counts, "
        "hack log and claims\n"
    )
    after = tables(stored.database)
    for name, rows in after.items():
        for row in rows:
            assert stored.team.id not in row, name
    assert after["rounds"] == []
    assert after["answer_counts"] == []
    for store in ("salts", "members", "participation", "counts"):
        assert after[f"open_store.{store}"] == []
    assert after["hack_log"] == []
    assert [row[0] for row in after["teams"]] == [stored.other.id]
    assert len(after["channel_addresses"]) == 1  # the other team's

    again = _run(capsys, "team", "delete", "--team", stored.team.id)
    assert again[0] == 1
    assert again[2].startswith(f"tryghed: no team with the id '{stored.team.id}'")
    with sqlite3.connect(stored.database) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.slow  # the installed script, as a process
def test_the_installed_script_exports_and_deletes(stored: Stored) -> None:
    env_dir = stored.database.parent
    (env_dir / ".env").write_text(
        f"TRYGHED_DATABASE_URL=sqlite+aiosqlite:///{stored.database}\n", encoding="utf-8"
    )
    exported = script("export", "--team", stored.team.id, "--format", "json", cwd=env_dir)
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(exported.stdout)["rounds"]) == 3
    refused = script("export", "--team", stored.other.id, cwd=env_dir)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    deleted = script("team", "delete", "--team", stored.team.id, cwd=env_dir)
    assert deleted.returncode == 0, deleted.stderr
    gone = script("export", "--team", stored.team.id, cwd=env_dir)
    assert gone.returncode == 1
    assert "no team with the id" in gone.stderr
    usage = script("export", cwd=env_dir)
    assert usage.returncode == 2
