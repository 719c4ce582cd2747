"""The published schemas and API specs the fakes and tests check against, kept in the repository
so that every clone checks what CI checks (sources and licences: README.md beside this file)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

DIRECTORY = Path(__file__).resolve().parent
ADAPTIVE_CARD_SCHEMA = DIRECTORY / "adaptive-card-1.5.schema.json"
TEAMS_MANIFEST_SCHEMA = DIRECTORY / "teams-manifest-1.29.schema.json"
SLACK_WEB_API_SPEC = DIRECTORY / "slack-web-openapi-v2.json"
SLACK_EVENTS_SPEC = DIRECTORY / "slack-events-asyncapi-v2.json"
SLACK_MANIFEST_SCHEMA = DIRECTORY / "slack-app-manifest.schema.json"


@functools.cache
def load(path: Path) -> Any:
    """A reference file's JSON (read once per run; treat it as read-only)."""
    return json.loads(path.read_text(encoding="utf-8"))
