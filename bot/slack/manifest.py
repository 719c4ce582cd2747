"""The Slack app manifest (v1 schema, classic Bolt app) for one deployment's public URL.

`tryghed slack-manifest` prints it as YAML; paste that into "Create an app → From a manifest"
at https://api.slack.com/apps. Everything Slack calls (events, interactivity, the slash command,
the OAuth redirect) points at the deployment's public https base URL.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

import yaml

DEFAULT_APP_NAME: Final = "Tryghed"
BOT_DISPLAY_NAME: Final = "Tryghed"
COMMAND: Final = "/tryghed"
# The platform named in the channels and origins Slack requests bring.
PLATFORM: Final = "slack"
BACKGROUND_COLOR: Final = "#2f5d50"

EVENTS_PATH: Final = "/slack/events"
OAUTH_REDIRECT_PATH: Final = "/slack/oauth_redirect"

#: Bot token scopes, each for the Web API methods (or feature) that need it.
BOT_SCOPES: Final[tuple[str, ...]] = (
    "channels:read",  # conversations.members on public channels
    "groups:read",  # conversations.members on private channels
    "chat:write",  # chat.postMessage, chat.update, chat.postEphemeral
    "commands",  # the /tryghed slash command
    "files:write",  # the trend chart: files.getUploadURLExternal, files.completeUploadExternal
    "im:write",  # conversations.open (direct messages with the pulse)
    "users:read",  # users.info (time zone, locale, is_bot)
)
BOT_EVENTS: Final[tuple[str, ...]] = ("app_home_opened", "app_uninstalled", "tokens_revoked")

USAGE_HINT: Final = (
    "help · setup · pulse · close · status · trend [N] · hack [pillar] · hacks · about"
    " · pause · resume"
)
COMMAND_DESCRIPTION: Final = "Psychological safety pulse, trends and hacks for this channel's team"

DESCRIPTION: Final = (
    "A weekly anonymous pulse on your team's psychological safety, with trends and a hack of "
    "the week."
)
LONG_DESCRIPTION: Final = (
    "Tryghed keeps a team's psychological safety visible. Every week it sends each member of "
    "the team's channel a short anonymous pulse on the four pillars of psychological safety: "
    "Inkludere (include), Lære (learn), Bidrage (contribute) and Udfordre (challenge). "
    "The team and its leaders see the trend for each pillar over the weeks, and Tryghed "
    "suggests a hack of the week: a small, concrete practice for the pillar that needs it "
    "most.\n\n"
    "Anonymity comes first. Tryghed is self-hosted, so the data stays on your own server. "
    "Answers are stored only as counts, never linked to the person who gave them, and results "
    "are shown only when at least 5 people have responded."
)

NAME_MAX: Final = 35
DESCRIPTION_MAX: Final = 139
LONG_DESCRIPTION_MIN: Final = 175
LONG_DESCRIPTION_MAX: Final = 4000

PUBLIC_URL_ERROR: Final = (
    "TRYGHED_PUBLIC_URL must be an https:// URL, e.g. https://tryghed.example.org"
)


def normalize_public_url(public_url: str) -> str:
    """Return the public base URL without its trailing slash, or raise ValueError.

    Slack only calls https endpoints, so plain http (even http://localhost) is refused; use a
    tunnel with an https address for local development. The base may have a path (a reverse
    proxy prefix) but no query string, fragment or user info.
    """
    url = public_url.strip().rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(PUBLIC_URL_ERROR)
    if "?" in url or "#" in url:
        raise ValueError(
            "TRYGHED_PUBLIC_URL must not have a query string or fragment, "
            "e.g. https://tryghed.example.org"
        )
    if "@" in url or any(c.isspace() for c in url):
        raise ValueError(PUBLIC_URL_ERROR)
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        raise ValueError(PUBLIC_URL_ERROR) from None
    if not parts.hostname:
        raise ValueError(PUBLIC_URL_ERROR)
    return url


def slack_manifest(public_url: str, *, app_name: str = DEFAULT_APP_NAME) -> dict[str, Any]:
    """Build the Slack app manifest (v1 schema) for a deployment served at `public_url`."""
    base = normalize_public_url(public_url)
    name = app_name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValueError(f"the Slack app name must be 1 to {NAME_MAX} characters, got {name!r}")
    events_url = base + EVENTS_PATH
    return {
        "display_information": {
            "name": name,
            "description": DESCRIPTION,
            "background_color": BACKGROUND_COLOR,
            "long_description": LONG_DESCRIPTION,
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": BOT_DISPLAY_NAME, "always_online": True},
            "slash_commands": [
                {
                    "command": COMMAND,
                    "url": events_url,
                    "description": COMMAND_DESCRIPTION,
                    "usage_hint": USAGE_HINT,
                    "should_escape": False,
                }
            ],
        },
        "oauth_config": {
            "redirect_urls": [base + OAUTH_REDIRECT_PATH],
            "scopes": {"bot": list(BOT_SCOPES)},
        },
        "settings": {
            "event_subscriptions": {"request_url": events_url, "bot_events": list(BOT_EVENTS)},
            "interactivity": {"is_enabled": True, "request_url": events_url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(manifest: dict[str, Any]) -> str:
    """Render a manifest as YAML, keys in the order they were built, non-ASCII kept as is."""
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
