"""Events API callbacks checked against the envelope of Slack's published AsyncAPI spec
(tests/reference/slack-events-asyncapi-v2.json)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft7Validator  # type: ignore[import-untyped, unused-ignore]

from tests.reference import SLACK_EVENTS_SPEC, load


@functools.cache
def _validator() -> Draft7Validator:
    wrapper = dict(load(SLACK_EVENTS_SPEC)["components"]["schemas"]["GenericEventWrapper"])
    # The 2020 spec still requires `authed_users`, which Slack has since replaced with
    # `authorizations` (see tests/reference/README.md).
    wrapper["required"] = [name for name in wrapper["required"] if name != "authed_users"]
    return Draft7Validator(wrapper)


def envelope_problems(body: Mapping[str, Any]) -> list[str]:
    """Every way an `event_callback` body breaks Slack's standard event wrapper."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
        for error in _validator().iter_errors(dict(body))
    ]
