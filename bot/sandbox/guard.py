"""Who is asking, and whether a request may change anything: sessions, a CSRF token per
session, and the Host and Origin checks that keep other sites (and DNS rebinding) out.

The sandbox has no accounts: a session is one browser's view of the channel (who it is
playing, the form it has open). Every POST must carry the session's token in its body and
come from this very page (Origin, or Referer when a browser leaves Origin out); the cookie
is SameSite=Strict, so another site's form does not even bring it along.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.sandbox.people import YOU
from bot.views.card import Form

COOKIE = "tryghed_sandbox"
# Sessions kept at most (each is a browser tab's worth of state); the oldest go first.
SESSIONS_KEPT = 500
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class Session:
    """One browser's view: its token, who it plays, the form it has open, a word for it."""

    id: str
    token: str
    person: str = YOU
    form: Form | None = None
    errors: dict[str, str] = field(default_factory=dict)
    flash: str | None = None


class Sessions:
    """The sessions this process knows, by the id in their cookie."""

    def __init__(self, kept: int = SESSIONS_KEPT) -> None:
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._kept = kept

    def find(self, session_id: str | None) -> Session | None:
        """The session with this id, if it exists."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is not None:
            self._sessions.move_to_end(session_id)
        return session

    def new(self) -> Session:
        """A fresh session with its own token."""
        session = Session(id=secrets.token_urlsafe(24), token=secrets.token_urlsafe(24))
        self._sessions[session.id] = session
        while len(self._sessions) > self._kept:
            self._sessions.popitem(last=False)
        return session


def host_allowed(host: str | None, allowed: frozenset[str]) -> bool:
    """Whether the Host header names this service (a rebinding site's name does not)."""
    name = _hostname(host)
    return name is not None and name in allowed


def post_allowed(
    *,
    host: str | None,
    origin: str | None,
    referer: str | None,
    token: str | None,
    session: Session | None,
) -> bool:
    """Whether a POST may act: it names a known session, carries that session's token, and
    was sent from a page of this very host."""
    if session is None or not token or not secrets.compare_digest(token, session.token):
        return False
    sender = origin if origin and origin != "null" else referer
    if not sender or not host:
        return False
    parts = urlsplit(sender)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def _hostname(host: str | None) -> str | None:
    if not host:
        return None
    try:
        return urlsplit(f"//{host}").hostname
    except ValueError:
        return None
