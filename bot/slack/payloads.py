"""A Slack payload: taken out of its form body, and its shape checked before bolt reads it.

bolt's context extractors and listener matchers assume Slack's own shapes: an empty `actions`
list, a `user` that is a string or a view without a callback id ends in a KeyError and an
HTTP 500. Slack never sends such payloads; whatever does gets a 400 here instead.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

# Parts that are objects whenever Slack sends them (some may be null).
OBJECTS = ("team", "user", "channel", "container", "view", "message", "event", "enterprise")
# Parts bolt reads as `body.get(part, {}).get(…)`: there, even null breaks it.
NEVER_NULL = ("event",)


FORM_FIELD = b"payload="


def form_payload(raw: bytes) -> str | None:
    """The JSON an interaction's form body carries in its one `payload` field (Slack sends
    buttons and forms so); None for any other body.

    urllib's unquoting walks every %XX escape in Python, and a form's payload holds the whole
    view, thousands of them: a fifth of an answer's cost (bench/p1). Percent-encoding is
    quoted-printable with `%` for `=`, which binascii decodes in C; a body that holds an `=`,
    a line break or a `%` that is not an escape (none is in Slack's encoding) is left to
    urllib."""
    if not raw.startswith(FORM_FIELD) or b"&" in raw:
        return None
    encoded = raw[len(FORM_FIELD) :].replace(b"+", b" ")
    if b"=" in encoded or b"\n" in encoded or b"\r" in encoded:  # quoted-printable's own
        return unquote_plus(encoded.decode("utf-8", "replace"))
    decoded = binascii.a2b_qp(encoded.replace(b"%", b"="))
    # Each %XX decodes to one byte, so a `%` that was not an escape shows in the length.
    if len(encoded) - len(decoded) != 2 * encoded.count(b"%"):
        return unquote_plus(encoded.decode("utf-8", "replace"))
    return decoded.decode("utf-8", "replace")


def payload_problem(body: object) -> str | None:
    """What is wrong with a parsed payload, in a fixed phrase (never its content); None when
    bolt and our listeners can read it."""
    if not isinstance(body, Mapping):
        return "not a JSON object"
    for part in OBJECTS:
        if body.get(part) is not None and not isinstance(body[part], Mapping):
            return f"{part} is not an object"
    for part in NEVER_NULL:
        if part in body and body[part] is None:
            return f"{part} is null"
    authorizations = body.get("authorizations")
    if authorizations is not None and not _objects(authorizations):
        return "authorizations are not objects"
    if "command" in body:
        return None if _text(body.get("user_id")) else "a command from nobody"
    kind = body.get("type")
    if kind == "event_callback":
        return _event_problem(body.get("event") or {})
    if kind in ("block_actions", "view_submission", "view_closed") and not _text(
        (body.get("user") or {}).get("id")
    ):
        return "an interaction from nobody"
    if kind == "block_actions":
        return _actions_problem(body.get("actions"))
    if kind in ("view_submission", "view_closed"):
        return _view_problem(body.get("view") or {})
    return None


def _event_problem(event: Mapping[str, Any]) -> str | None:
    if event.get("tokens") is not None and not isinstance(event["tokens"], Mapping):
        return "an event with tokens that are not an object"
    return None if _text(event.get("type")) else "an event without a type"


def _actions_problem(actions: Any) -> str | None:
    if not _objects(actions) or not actions or not _text(actions[0].get("action_id")):
        return "a button press without its action"
    return None


def _view_problem(view: Mapping[str, Any]) -> str | None:
    if not isinstance(view.get("callback_id"), str):
        return "a form without its callback id"
    state = view.get("state") or {}
    if not isinstance(state, Mapping) or not isinstance(state.get("values", {}), Mapping):
        return "a form without its state"
    return None


def _objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, Mapping) for item in value)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)
