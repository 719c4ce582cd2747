"""The Slack app manifest: valid against the v1 schema, https only, scopes that cover the bot."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator  # type: ignore[import-untyped, unused-ignore]

from bot.slack.manifest import (
    BOT_SCOPES,
    DESCRIPTION_MAX,
    LONG_DESCRIPTION_MAX,
    LONG_DESCRIPTION_MIN,
    PUBLIC_URL_ERROR,
    manifest_yaml,
    normalize_public_url,
    slack_manifest,
)

# tests/bot/slack/test_manifest.py -> parents[3] is the repository root; the reference data
# sits next to it, in ../shared/reference.
REFERENCE = (Path(__file__).resolve().parents[3] / ".." / "shared" / "reference").resolve()
MANIFEST_SCHEMA = REFERENCE / "slack-app-manifest.schema.json"
WEB_API_SPEC = REFERENCE / "slack-web-openapi-v2.json"

URL = "https://tryghed.example.org"

#: The Web API methods the bot calls, and the granular bot scope each needs.
METHOD_SCOPES: dict[str, set[str]] = {
    "chat.postMessage": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    # public channels need channels:read, private ones groups:read
    "conversations.members": {"channels:read", "groups:read"},
    "users.info": {"users:read"},
    "conversations.open": {"im:write"},
    "files.getUploadURLExternal": {"files:write"},
    "files.completeUploadExternal": {"files:write"},
}
# Newer than the 2020 spec: their scope is the one Slack's method docs name (files:write).
NEWER_THAN_THE_SPEC = frozenset({"files.getUploadURLExternal", "files.completeUploadExternal"})


def load_json(path: Path) -> Any:
    if not path.is_file():
        pytest.skip(f"reference file {path} is absent (it comes from ../shared/reference)")
    with path.open(encoding="utf-8") as file:
        return json.load(file)


@pytest.fixture(scope="module")
def manifest_schema() -> dict[str, Any]:
    schema: dict[str, Any] = load_json(MANIFEST_SCHEMA)
    Draft7Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def web_api_spec() -> dict[str, Any]:
    spec: dict[str, Any] = load_json(WEB_API_SPEC)
    return spec


def request_urls(manifest: dict[str, Any]) -> list[str]:
    settings = manifest["settings"]
    return [
        *(command["url"] for command in manifest["features"]["slash_commands"]),
        *manifest["oauth_config"]["redirect_urls"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]


@pytest.mark.parametrize(
    "public_url",
    [URL, "https://bots.example.org/tryghed", "https://tryghed.example.org:8443"],
)
def test_manifest_validates_against_the_slack_schema(
    manifest_schema: dict[str, Any], public_url: str
) -> None:
    errors = sorted(
        Draft7Validator(manifest_schema).iter_errors(slack_manifest(public_url)),
        key=lambda error: list(error.absolute_path),
    )
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_display_information() -> None:
    info = slack_manifest(URL)["display_information"]
    assert info["name"] == "Tryghed"
    assert 1 <= len(info["description"]) <= DESCRIPTION_MAX
    assert LONG_DESCRIPTION_MIN <= len(info["long_description"]) <= LONG_DESCRIPTION_MAX
    # The schema spells this constraint "regex", which no validator enforces: check it here.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])
    assert info["background_color"] == "#2f5d50"
    long = info["long_description"]
    for word in ("Inkludere", "Lære", "Bidrage", "Udfordre", "hack of the week", "self-hosted"):
        assert word in long
    assert "counts" in long
    assert "at least 5" in long


def test_app_name_is_configurable_and_bounded() -> None:
    assert slack_manifest(URL, app_name="Tryghed (test)")["display_information"]["name"] == (
        "Tryghed (test)"
    )
    with pytest.raises(ValueError, match="app name"):
        slack_manifest(URL, app_name="")
    with pytest.raises(ValueError, match="app name"):
        slack_manifest(URL, app_name="x" * 36)


def test_features() -> None:
    features = slack_manifest(URL)["features"]
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": True,
    }
    assert features["bot_user"] == {"display_name": "Tryghed", "always_online": True}
    [command] = features["slash_commands"]
    assert command["command"] == "/tryghed"
    assert command["url"] == f"{URL}/slack/events"
    assert command["should_escape"] is False
    assert command["usage_hint"] == (
        "help · setup · pulse · close · status · trend [N] · hack [pillar] · hacks · about"
        " · pause · resume"
    )
    assert command["description"]


def test_settings_and_oauth() -> None:
    manifest = slack_manifest(URL)
    settings = manifest["settings"]
    assert settings["event_subscriptions"] == {
        "request_url": f"{URL}/slack/events",
        "bot_events": ["app_home_opened", "app_uninstalled", "tokens_revoked"],
    }
    assert settings["interactivity"] == {"is_enabled": True, "request_url": f"{URL}/slack/events"}
    assert settings["org_deploy_enabled"] is False
    assert settings["socket_mode_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    assert manifest["oauth_config"]["redirect_urls"] == [f"{URL}/slack/oauth_redirect"]
    assert len(set(BOT_SCOPES)) == len(BOT_SCOPES)


def test_yaml_round_trips() -> None:
    manifest = slack_manifest(URL)
    text = manifest_yaml(manifest)
    assert yaml.safe_load(text) == manifest
    assert text.startswith("display_information:\n")  # built order, not sorted
    assert "·" in text  # allow_unicode: no \xB7 escapes
    assert "Lære" in text


@pytest.mark.parametrize(
    "public_url", [URL, "https://bots.example.org/tryghed", "https://tryghed.example.org:8443"]
)
def test_every_request_url_starts_with_the_public_url(public_url: str) -> None:
    urls = request_urls(slack_manifest(public_url))
    assert len(urls) == 4
    for url in urls:
        assert url.startswith(public_url + "/slack/")
        assert "//slack" not in url


@pytest.mark.parametrize("suffix", ["/", "//", " ", "/\n"])
def test_a_trailing_slash_is_dropped(suffix: str) -> None:
    assert normalize_public_url(URL + suffix) == URL
    assert slack_manifest(URL + suffix) == slack_manifest(URL)


@pytest.mark.parametrize(
    "public_url",
    [
        "http://tryghed.example.org",
        "http://localhost:3000",
        "HTTPS://tryghed.example.org",
        "ftp://tryghed.example.org",
        "tryghed.example.org",
        "https://",
        "https:///slack",
        "https://:443",
        "https://tryghed.example.org:port",
        "https://user:secret@tryghed.example.org",
        "https://tryghed example.org",
        "",
    ],
)
def test_anything_but_an_https_url_is_refused(public_url: str) -> None:
    with pytest.raises(ValueError, match=re.escape(PUBLIC_URL_ERROR)):
        slack_manifest(public_url)


def test_the_error_message_names_the_setting() -> None:
    assert PUBLIC_URL_ERROR == (
        "TRYGHED_PUBLIC_URL must be an https:// URL, e.g. https://tryghed.example.org"
    )


@pytest.mark.parametrize(
    "public_url",
    [
        f"{URL}?team=T1",
        f"{URL}/?",
        f"{URL}#top",
        f"{URL}/base?x=1#y",
    ],
)
def test_a_query_or_fragment_is_refused(public_url: str) -> None:
    with pytest.raises(ValueError, match="query string or fragment"):
        slack_manifest(public_url)


def bot_scopes() -> set[str]:
    scopes: list[str] = slack_manifest(URL)["oauth_config"]["scopes"]["bot"]
    return set(scopes)


@pytest.mark.parametrize(("method", "needed"), sorted(METHOD_SCOPES.items()))
def test_bot_scopes_cover_the_web_api_methods(method: str, needed: set[str]) -> None:
    assert needed <= bot_scopes()


def test_bot_scopes_cover_the_slash_command() -> None:
    assert "commands" in bot_scopes()


def test_bot_scopes_are_exactly_what_the_bot_needs() -> None:
    assert bot_scopes() == set().union(*METHOD_SCOPES.values(), {"commands"})


def test_the_upload_methods_are_newer_than_the_spec(web_api_spec: dict[str, Any]) -> None:
    assert not NEWER_THAN_THE_SPEC & {path.lstrip("/") for path in web_api_spec["paths"]}


@pytest.mark.parametrize(
    ("method", "needed"),
    sorted((m, needed) for m, needed in METHOD_SCOPES.items() if m not in NEWER_THAN_THE_SPEC),
)
def test_method_scopes_agree_with_the_web_api_spec(
    web_api_spec: dict[str, Any], method: str, needed: set[str]
) -> None:
    """Each scope we rely on is one the (2020) spec accepts for that method.

    The spec still lists the classic `chat:write:bot`/`chat:write:user`; the granular bot scope
    that replaced them is `chat:write`.
    """
    operations: dict[str, Any] = web_api_spec["paths"][f"/{method}"]
    accepted: set[str] = set()
    for operation in operations.values():
        for requirement in operation.get("security", []):
            for scope in requirement.get("slackAuth", []):
                accepted.add(re.sub(r":(bot|user)$", "", scope))
    assert needed <= accepted
