"""The `tryghed` command line, in-process through `main` and through the installed script."""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from PIL import Image

from app.cli import main
from bot.chart.drawing import HEIGHT, WIDTH
from content.loader import BUILT_IN_DIR, default_pack
from storage.migrate import head_revision
from storage.open_store import side_file_for

TRYGHED = Path(sys.executable).parent / "tryghed"
SETTINGS = ("DATABASE_URL", "SECRET_KEY", "MIN_RESPONDENTS", "CONTENT_DIR")
MEMBERS = [f"U{n:03d}" for n in range(1, 10)]
WEEK_LINE = re.compile(r"^  (?:Week|Uge) (\d+) ")


def isolate(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """No `.env` and no TRYGHED_* variable from the machine running the tests."""
    monkeypatch.chdir(directory)
    for name in SETTINGS:
        monkeypatch.delenv(f"TRYGHED_{name}", raising=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate(monkeypatch, tmp_path)
    return tmp_path


def broken_pack(tmp_path: Path) -> Path:
    """A copy of the built-in pack with a four-point scale and a message missing."""
    directory = tmp_path / "broken-pack"
    shutil.copytree(BUILT_IN_DIR, directory)
    scale = directory / "scale.yaml"
    scale.write_text(
        yaml.safe_dump(yaml.safe_load(scale.read_text(encoding="utf-8"))[:4], allow_unicode=True),
        encoding="utf-8",
    )
    messages = directory / "messages.yaml"
    data = yaml.safe_load(messages.read_text(encoding="utf-8"))
    del data["reminder"]
    messages.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


BROKEN_PROBLEMS = [
    "scale.yaml: expected 5 labels (1 to 5), found 4",
    "messages.yaml: missing message 'reminder'",
]


def tables(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows: the main file's by name, the open-round store's (the side file
    beside it) as `open_store.<name>`."""
    found: dict[str, list[tuple[object, ...]]] = {}
    for path, prefix in ((database, ""), (side_file_for(database), "open_store.")):
        with sqlite3.connect(path) as connection:
            names = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for name in names:
                found[prefix + name] = connection.execute(f'SELECT * FROM "{name}"').fetchall()
    return found


# --- content check -------------------------------------------------------------------------


def test_content_check_of_the_built_in_pack(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "check"]) == 0
    pack = default_pack()
    out, err = capsys.readouterr()
    assert out == (
        f"{BUILT_IN_DIR}: ok ({len(pack.statements)} statements, {len(pack.hacks)} hacks, "
        f"{len(pack.messages)} messages)\n"
    )
    assert err == ""


def test_content_check_of_a_sound_copy(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = workdir / "pack"
    shutil.copytree(BUILT_IN_DIR, copy)
    assert main(["content", "check", str(copy)]) == 0
    assert capsys.readouterr().out.startswith(f"{copy}: ok (")


def test_content_check_lists_every_problem(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = broken_pack(workdir)
    assert main(["content", "check", str(directory)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{directory}: 2 problem(s)",
        *(f"  - {problem}" for problem in BROKEN_PROBLEMS),
    ]


def test_content_check_reports_a_pack_from_before_the_aliases_steps_and_kickoff(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A pack written for an earlier release: no hack aliases, no four steps in its
    # knowledge, none of the kickoff's or the about card's new messages.
    directory = workdir / "old-pack"
    shutil.copytree(BUILT_IN_DIR, directory)

    def rewrite(name: str, change: object) -> None:
        path = directory / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)  # type: ignore[operator]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    rewrite("hacks", lambda hacks: [hack.pop("alias") for hack in hacks[:2]])
    rewrite("knowledge", lambda knowledge: knowledge.pop("steps"))
    new_messages = ("kickoff-title", "kickoff-where-we-are", "about-steps", "pulse-answers")
    rewrite("messages", lambda messages: [messages.pop(key) for key in new_messages])
    assert main(["content", "check", str(directory)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{directory}: 7 problem(s)"
    assert sorted(out[1:]) == sorted(
        [
            "  - hacks.yaml: item 1 (check-in-round): alias: field is required",
            "  - hacks.yaml: item 2 (working-manual): alias: field is required",
            "  - knowledge.yaml: 'steps' is missing",
            *(f"  - messages.yaml: missing message '{key}'" for key in new_messages),
        ]
    )


def test_content_check_of_a_missing_directory(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = workdir / "nowhere"
    assert main(["content", "check", str(missing)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{missing}: 1 problem(s)",
        f"  - {missing}: not a directory",
    ]


# --- usage and configuration errors --------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--weeks", "0"],
        ["demo", "--weeks", "261"],
        ["demo", "--weeks", "many"],
        ["demo", "--team-size", "2"],
        ["demo", "--lang", "fr"],
        ["frobnicate"],
        [],
        ["db"],
        ["db", "downgrade"],
        ["content"],
    ],
)
def test_usage_errors_exit_2(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: tryghed" in err
    assert list(workdir.iterdir()) == []  # nothing was run


def test_weeks_out_of_range_says_the_range(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--weeks", "0"])
    assert "argument --weeks: must be between 1 and 260" in capsys.readouterr().err


def test_a_bad_setting_is_one_line_naming_the_variable(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRYGHED_MIN_RESPONDENTS", "2")
    assert main(["db", "upgrade"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("tryghed: TRYGHED_MIN_RESPONDENTS: ")
    assert err.count("\n") == 1


def test_demo_refuses_a_broken_custom_pack(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = broken_pack(workdir)
    monkeypatch.setenv("TRYGHED_CONTENT_DIR", str(directory))
    database = workdir / "demo.db"
    assert main(["demo", "--weeks", "2", "--database", str(database)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        f"tryghed: TRYGHED_CONTENT_DIR: content pack {directory} has 2 problem(s):\n"
    )
    for problem in BROKEN_PROBLEMS:
        assert f"  - {problem}\n" in err
    assert not database.exists()


# --- db upgrade ----------------------------------------------------------------------------


def test_db_upgrade_creates_the_schema_and_is_idempotent(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = workdir / "data" / "tryghed.db"
    database.parent.mkdir()
    monkeypatch.setenv("TRYGHED_DATABASE_URL", f"sqlite:///{database}")
    for _ in range(2):
        assert main(["db", "upgrade"]) == 0
        assert capsys.readouterr().out == "tryghed: the database schema is up to date\n"
        found = tables(database)
        assert {
            "alembic_version",
            "teams",
            "rounds",
            "answer_counts",
            "open_store.salts",
            "open_store.members",
            "open_store.participation",
            "open_store.counts",
            "hack_log",
            "claims",
        } <= found.keys()
        assert found["alembic_version"] == [(head_revision(),)]
        assert found["answer_counts"] == []


def test_db_upgrade_reads_the_url_from_dot_env(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = workdir / "from-dotenv.db"
    (workdir / ".env").write_text(
        f"TRYGHED_DATABASE_URL=sqlite+aiosqlite:///{database}\n", encoding="utf-8"
    )
    assert main(["db", "upgrade"]) == 0
    assert tables(database)["alembic_version"] == [(head_revision(),)]


def test_db_upgrade_on_an_unusable_database_is_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = workdir / "not-a-database.db"
    database.write_text("these are not the pages you are looking for\n", encoding="utf-8")
    monkeypatch.setenv("TRYGHED_DATABASE_URL", f"sqlite:///{database}")
    assert main(["db", "upgrade"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("tryghed: ")
    assert err.count("\n") == 1


# --- demo ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOutput:
    exit_code: int
    out: str
    database: Path
    chart: Path


def run_demo_cli(directory: Path, *extra: str, lang: str = "en") -> DemoOutput:
    directory.mkdir(parents=True, exist_ok=True)
    database, chart = directory / "demo.db", directory / "charts" / "trend.png"
    argv = ["demo", "--lang", lang, "--database", str(database), "--chart", str(chart), *extra]
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(argv)
    return DemoOutput(code, buffer.getvalue(), database.resolve(), chart.resolve())


def is_chart(path: Path) -> bool:
    """A PNG of the chart's size (what it shows: tests/bot/chart/)."""
    with Image.open(path) as image:
        image.load()
        return image.format == "PNG" and image.size == (WIDTH, HEIGHT)


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoOutput]:
    """One 12-week English demo, shared by the tests that only read what it made."""
    directory = tmp_path_factory.mktemp("english")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, directory)
        yield run_demo_cli(directory, "--weeks", "12")


def test_demo_tells_twelve_weeks(english: DemoOutput) -> None:
    assert english.exit_code == 0
    lines = english.out.splitlines()
    assert lines[0] == "Tryghed demo: a simulated team of 9 people through 12 weekly rounds"
    weeks = [int(m.group(1)) for line in lines if (m := WEEK_LINE.match(line))]
    assert weeks == list(range(1, 13))
    assert "The trend over 12 rounds (· = hidden, fewer than 5 answers)" in lines
    # The withheld week says so and shows no count, as its channel summary does.
    (hidden,) = [line for line in lines if "Results hidden" in line]
    assert WEEK_LINE.match(hidden)
    assert "answered" not in hidden.replace(
        "fewer than 5 besides the team's leaders and facilitators answered", ""
    )
    assert any(line.startswith("Your hack right now: ") for line in lines)
    assert lines[-2:] == [
        f"The database (counts only, no people): {english.database}",
        f"The chart: {english.chart}",
    ]


def test_demo_writes_a_chart(english: DemoOutput) -> None:
    assert is_chart(english.chart)


def test_the_demo_database_holds_no_member_ids(english: DemoOutput) -> None:
    found = tables(english.database)
    for store in ("salts", "members", "participation", "counts"):
        assert found[f"open_store.{store}"] == []
    assert len(found["rounds"]) == 12
    assert found["answer_counts"] != []
    for table, rows in found.items():
        for row in rows:
            cells = [str(cell) for cell in row]
            if table == "teams":
                # The team's roles name its leader and facilitator, by design (in the demo
                # they are not among the members who answer); nothing else names anyone.
                roles = {'["U-LEADER"]', '["U-FACILITATOR"]'}
                assert roles <= set(cells)
                cells = [c for c in cells if c not in roles]
            for member in MEMBERS:
                assert not any(member in cell for cell in cells), (table, member)
    # Those who only answered leave no trace anywhere in the files, free pages included.
    for path in english.database.parent.glob("demo.db*"):
        raw = path.read_bytes()
        for member in MEMBERS:
            assert member.encode() not in raw, (path.name, member)


def test_demo_in_danish(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_demo_cli(workdir, "--weeks", "4", lang="da")
    assert result.exit_code == 0
    lines = result.out.splitlines()
    assert any(line.startswith("  Uge 1 ") for line in lines)
    weeks = [int(m.group(1)) for line in lines if (m := WEEK_LINE.match(line))]
    assert weeks == [1, 2, 3, 4]
    assert any(line.startswith("Jeres hack lige nu: ") for line in lines)
    assert any(line.startswith("Udviklingen over 4 runder") for line in lines)
    assert not any(line.startswith("  Week ") for line in lines)
    # Danish typography: a space before %.
    (participation,) = [line for line in lines if line.startswith("  Svarprocent")]
    assert re.search(r"\d %", participation)
    assert not re.search(r"\d%", participation)
    assert is_chart(result.chart)


def test_demo_honours_the_configured_threshold(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRYGHED_MIN_RESPONDENTS", "7")
    result = run_demo_cli(workdir, "--weeks", "3")
    assert result.exit_code == 0
    lines = result.out.splitlines()
    assert lines[1].endswith("Results show only when at least 7 have answered.")
    assert "The trend over 3 rounds (· = hidden, fewer than 7 answers)" in lines


def test_the_same_seed_tells_the_same_story(workdir: Path) -> None:
    def told(name: str, seed: str) -> tuple[str, bytes]:
        result = run_demo_cli(workdir / name, "--weeks", "8", "--seed", seed)
        assert result.exit_code == 0
        text = result.out.replace(str(result.database), "DB").replace(str(result.chart), "PNG")
        return text, result.chart.read_bytes()

    first, again, other = told("a", "3"), told("b", "3"), told("c", "4")
    assert first == again
    assert first[0] != other[0]


def test_demo_starts_from_an_empty_database(workdir: Path) -> None:
    first = run_demo_cli(workdir, "--weeks", "2")
    again = run_demo_cli(workdir, "--weeks", "3")
    assert first.database == again.database
    assert len(tables(again.database)["rounds"]) == 3


# --- the installed script ------------------------------------------------------------------


def script(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGHED_")}
    return subprocess.run(
        [str(TRYGHED), *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_installed_script_checks_content(tmp_path: Path) -> None:
    assert TRYGHED.is_file()
    ok = script("content", "check", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"{BUILT_IN_DIR}: ok (")
    directory = broken_pack(tmp_path)
    broken = script("content", "check", str(directory), cwd=tmp_path)
    assert broken.returncode == 1
    assert broken.stdout.splitlines()[1:] == [f"  - {p}" for p in BROKEN_PROBLEMS]


def test_the_installed_script_exit_codes(tmp_path: Path) -> None:
    usage = script("demo", "--weeks", "0", cwd=tmp_path)
    assert usage.returncode == 2
    assert "must be between 1 and 260" in usage.stderr
    unknown = script("frobnicate", cwd=tmp_path)
    assert unknown.returncode == 2


def test_the_installed_script_runs_the_demo(tmp_path: Path) -> None:
    result = script(
        "demo",
        "--weeks",
        "3",
        "--lang",
        "en",
        "--database",
        "d.db",
        "--chart",
        "c.png",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "  Week 3 " in result.stdout
    assert f"The database (counts only, no people): {(tmp_path / 'd.db').resolve()}" in (
        result.stdout.splitlines()
    )
    assert is_chart(tmp_path / "c.png")
