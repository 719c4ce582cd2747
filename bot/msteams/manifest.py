"""The Teams app package: manifest.json (schema 1.29) and the two icons, zipped.

`tryghed teams-package --out tryghed-teams.zip` writes it; upload it in Teams (Apps → Manage
your apps → Upload an app) or in the Teams admin centre.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final
from urllib.parse import urlsplit

from bot.msteams.icons import ACCENT, color_icon, outline_icon
from content.schema import ContentPack

SCHEMA_URL: Final = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
)
MANIFEST_VERSION: Final = "1.29"
SHORT_NAME: Final = "Tryghed"
FULL_NAME: Final = "Tryghed: psychological safety, week after week"
SHORT_DESCRIPTION: Final = "A weekly anonymous pulse on your team's psychological safety."
FULL_DESCRIPTION: Final = (
    "Tryghed keeps a team's psychological safety visible. It posts a short anonymous pulse "
    "in the team's channel on the four pillars of psychological safety: Inkludere (include), "
    "Lære (learn), Bidrage (contribute) and Udfordre (challenge). When the round closes the "
    "team sees its results and a hack of the week: a small, concrete exercise for the pillar "
    "that needs it most. Leaders see the trend privately.\n\n"
    "Anonymity comes first. Tryghed is self-hosted, answers are stored only as counts, never "
    "linked to the person who gave them, and results show only when enough people answered."
)
TEAM_COMMANDS: Final = (
    "help",
    "setup",
    "pulse",
    "close",
    "status",
    "trend",
    "hack",
    "hacks",
    "about",
    "pause",
    "resume",
)
PERSONAL_COMMANDS: Final = ("help", "trend", "hacks", "about")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def teams_manifest(*, app_id: str, public_url: str, content: ContentPack) -> dict[str, Any]:
    """The manifest for the bot registered as `app_id`, served at `public_url`."""
    if not GUID.match(app_id):
        raise ValueError(
            "MICROSOFT_APP_ID must be the bot's Microsoft App ID (a GUID such as "
            "00000000-0000-0000-0000-000000000000)"
        )
    base = public_url.strip().rstrip("/")
    host = urlsplit(base).hostname if base.startswith("https://") else None
    if not host:
        raise ValueError(
            "TRYGHED_PUBLIC_URL must be an https:// URL, e.g. https://tryghed.example.org"
        )
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": _version(),
        "id": app_id,
        "developer": {
            "name": SHORT_NAME,
            "websiteUrl": base,
            "privacyUrl": base,
            "termsOfUseUrl": base,
        },
        "name": {"short": SHORT_NAME, "full": FULL_NAME},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": app_id,
                "scopes": ["team", "personal"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {"scopes": ["team"], "commands": _commands(TEAM_COMMANDS, content)},
                    {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS, content)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def teams_package(manifest: dict[str, Any]) -> bytes:
    """The zip Teams takes: manifest.json and the icons at its top level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        package.writestr("color.png", color_icon())
        package.writestr("outline.png", outline_icon())
    return buffer.getvalue()


def _commands(names: tuple[str, ...], content: ContentPack) -> list[dict[str, str]]:
    # Teams shows these in its command menu; it has one language per manifest, English here.
    return [
        {
            "title": name,
            "description": content.text("help-title" if name == "help" else f"help-{name}", "en"),
        }
        for name in names
    ]


def _version() -> str:
    try:
        return version("tryghed-bot")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"
