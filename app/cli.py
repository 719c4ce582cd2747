"""The `tryghed` command line. Exit codes: 0 ok, 1 user error (one line), 2 usage error."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from app import stored_teams
from app.demo.report import render_demo
from app.demo.story import run_demo
from app.exports import FORMATS, render
from app.logs import configure_logging
from app.main import serve
from app.settings import Settings, SettingsError, load_settings
from bot.chart.pictures import trend_chart
from bot.msteams.manifest import teams_manifest, teams_package
from bot.slack.manifest import manifest_yaml, slack_manifest
from content.loader import BUILT_IN_DIR, ContentPackError, check_pack, default_pack, load_pack
from content.schema import ContentPack
from storage.engine import BadDatabaseUrl, create_engine
from storage.migrate import DatabaseUnavailable, upgrade
from surveys.errors import TeamNotSetUp
from surveys.export import NothingToExport
from surveys.team import Team

USER_ERROR = 1
T = TypeVar("T")


class UserError(Exception):
    """A problem the person running the command can fix; printed as one line."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `tryghed` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (UserError, SettingsError) as error:
        print(f"tryghed: {error}", file=sys.stderr)
        return USER_ERROR
    except ContentPackError as error:
        print(f"tryghed: {error}", file=sys.stderr)
        return USER_ERROR
    except BadDatabaseUrl as error:
        print(f"tryghed: TRYGHED_DATABASE_URL: {error}", file=sys.stderr)
        return USER_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tryghed", description="Tryghed: psychological safety, visible week after week."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="run a simulated team through many rounds")
    demo.add_argument("--weeks", type=_bounded(1, 260), default=12, help="rounds to run (12)")
    demo.add_argument("--team-size", type=_bounded(3, 1000), default=9, help="members (9)")
    demo.add_argument("--seed", type=int, default=5, help="random seed (5)")
    demo.add_argument("--lang", choices=("da", "en"), default="da", help="language (da)")
    demo.add_argument(
        "--database", type=Path, default=Path("tryghed-demo.db"), help="SQLite file, made anew"
    )
    demo.add_argument(
        "--chart", type=Path, default=Path("tryghed-demo.png"), help="the trend chart (PNG)"
    )
    demo.set_defaults(run=_demo)

    serve = commands.add_parser("serve", help="run the service (Slack, Teams, health)")
    serve.add_argument("--host", help="where to listen (TRYGHED_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=_bounded(1, 65535), help="port (TRYGHED_PORT, 3978)")
    roles = serve.add_mutually_exclusive_group()
    roles.add_argument(
        "--no-scheduler", action="store_true", help="web only: another replica runs the timers"
    )
    roles.add_argument(
        "--no-web", action="store_true", help="timers only: no Slack/Teams routes (health stays)"
    )
    serve.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not apply migrations on start (run `tryghed db upgrade` yourself)",
    )
    serve.set_defaults(run=_serve)

    manifest = commands.add_parser("slack-manifest", help="print the Slack app manifest (YAML)")
    manifest.set_defaults(run=_slack_manifest)

    package = commands.add_parser("teams-package", help="write the Teams app package (zip)")
    package.add_argument("--out", type=Path, required=True, help="the zip file to write")
    package.set_defaults(run=_teams_package)

    export = commands.add_parser("export", help="a team's results, aggregates only (CSV/JSON)")
    export.add_argument("--team", required=True, metavar="ID", help="see `tryghed team list`")
    export.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or json")
    export.set_defaults(run=_export)

    team = commands.add_parser("team", help="the stored teams")
    team_commands = team.add_subparsers(required=True, metavar="ACTION")
    team_commands.add_parser("list", help="every team and its id").set_defaults(run=_team_list)
    delete = team_commands.add_parser("delete", help="delete a team and everything stored of it")
    delete.add_argument("--team", required=True, metavar="ID", help="see `tryghed team list`")
    delete.set_defaults(run=_team_delete)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(run=_db_upgrade)

    content = commands.add_parser("content", help="content packs")
    content_commands = content.add_subparsers(required=True, metavar="ACTION")
    check = content_commands.add_parser("check", help="validate a content pack")
    check.add_argument("directory", nargs="?", type=Path, default=BUILT_IN_DIR)
    check.set_defaults(run=_content_check)
    return parser


def _demo(args: argparse.Namespace) -> int:
    settings = load_settings()
    content = _content(settings)
    run = asyncio.run(
        run_demo(
            weeks=args.weeks,
            team_size=args.team_size,
            seed=args.seed,
            language=args.lang,
            database=args.database.resolve(),
            content=content,
            min_respondents=settings.min_respondents,
        )
    )
    chart = args.chart.resolve()
    chart.parent.mkdir(parents=True, exist_ok=True)
    chart.write_bytes(
        trend_chart(run.trend, content, language=args.lang, zone=run.team.settings.zone).png
    )
    print(render_demo(run, content, chart=chart))
    return 0


def _serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_format)
    asyncio.run(
        serve(
            settings,
            _content(settings),
            host=args.host or settings.host,
            port=args.port or settings.port,
            platforms=not args.no_web,
            schedule=not args.no_scheduler,
            migrate=not args.no_migrate,
        )
    )
    return 0


def _slack_manifest(_args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.public_url:
        raise UserError(
            "TRYGHED_PUBLIC_URL is not set: give the public https address of this service, "
            "e.g. TRYGHED_PUBLIC_URL=https://tryghed.example.org tryghed slack-manifest"
        )
    try:
        print(manifest_yaml(slack_manifest(settings.public_url)), end="")
    except ValueError as error:
        raise UserError(str(error)) from None
    return 0


def _teams_package(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        manifest = teams_manifest(
            app_id=settings.microsoft_app_id or "",
            public_url=settings.public_url or "",
            content=_content(settings),
        )
    except ValueError as error:
        raise UserError(str(error)) from None
    try:
        args.out.write_bytes(teams_package(manifest))
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error.strerror}") from None
    print(f"tryghed: wrote {args.out} (manifest.json, color.png, outline.png)")
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    settings = load_settings()

    async def migrate() -> None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(migrate())
    except DatabaseUnavailable as error:
        raise UserError(f"cannot use the database in TRYGHED_DATABASE_URL: {error}") from None
    print("tryghed: the database schema is up to date")
    return 0


def _content_check(args: argparse.Namespace) -> int:
    problems = check_pack(args.directory)
    if problems:
        print(f"{args.directory}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  - {problem}")
        return USER_ERROR
    pack = load_pack(args.directory)
    print(
        f"{args.directory}: ok ({len(pack.statements)} statements, {len(pack.hacks)} hacks, "
        f"{len(pack.messages)} messages)"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        export = _on_database(stored_teams.export(settings, _content(settings), args.team))
    except TeamNotSetUp:
        raise UserError(_no_team(args.team)) from None
    except NothingToExport:
        raise UserError(
            f"team {args.team} has no closed round with at least its anonymity threshold of "
            "respondents yet, so there is nothing to export"
        ) from None
    sys.stdout.write(render(export, args.format))
    return 0


def _team_list(_args: argparse.Namespace) -> int:
    teams = _on_database(stored_teams.list_teams(load_settings()))
    if not teams:
        print("tryghed: no teams yet")
    for team in teams:
        channel = team.channel
        print(
            f"{team.id}  {channel.platform}  {channel.workspace_id}  {channel.channel_id}  "
            f"{_state(team)}  {team.name}".rstrip()
        )
    return 0


def _team_delete(args: argparse.Namespace) -> int:
    try:
        team = _on_database(stored_teams.delete(load_settings(), args.team))
    except TeamNotSetUp:
        raise UserError(_no_team(args.team)) from None
    channel = team.channel
    print(
        f"tryghed: deleted team {team.id} ({channel.platform} {channel.workspace_id} "
        f"{channel.channel_id}) with its rounds, answer counts, hack log and claims"
    )
    return 0


def _on_database(work: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(work)
    except DatabaseUnavailable as error:
        raise UserError(f"cannot use the database in TRYGHED_DATABASE_URL: {error}") from None


def _no_team(team_id: str) -> str:
    return f"no team with the id {team_id!r} (`tryghed team list` shows every team and its id)"


def _state(team: Team) -> str:
    if team.deactivated_at is not None:
        return f"switched-off-since-{team.deactivated_at.date().isoformat()}"
    return "paused" if team.paused else "active"


def _content(settings: Settings) -> ContentPack:
    if settings.content_dir is None:
        return default_pack()
    try:
        return load_pack(settings.content_dir)
    except ContentPackError as error:
        raise UserError(f"TRYGHED_CONTENT_DIR: {error}") from None


def _bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse type for a whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse
