"""The sandbox's guard: a session's token and the page's own origin on every POST, and only
this service's names in the Host header."""

from __future__ import annotations

import pytest

from bot.sandbox.guard import LOOPBACK_NAMES, Session, Sessions, host_allowed, post_allowed

HOST = "127.0.0.1:3978"


@pytest.fixture
def session() -> Session:
    return Sessions().new()


def allowed(session: Session | None, **overrides: str | None) -> bool:
    request: dict[str, str | None] = {
        "host": HOST,
        "origin": f"http://{HOST}",
        "referer": None,
        "token": session.token if session else "x",
    }
    request.update(overrides)
    return post_allowed(session=session, **request)


def test_the_pages_own_post_is_allowed(session: Session) -> None:
    assert allowed(session)
    assert allowed(session, origin=None, referer=f"http://{HOST}/")  # no Origin: the Referer


@pytest.mark.parametrize(
    "overrides",
    [
        {"token": None},
        {"token": ""},
        {"token": "not-the-token"},
        {"origin": "http://evil.example"},
        {"origin": "http://127.0.0.1:9999"},  # another service on this computer
        {"origin": "null"},
        {"origin": None},  # neither Origin nor Referer
        {"origin": None, "referer": "http://evil.example/"},
        {"origin": "file://", "referer": None},
        {"host": None},
    ],
)
def test_a_post_from_elsewhere_or_without_the_token_is_refused(
    session: Session, overrides: dict[str, str | None]
) -> None:
    assert not allowed(session, **overrides)


def test_a_post_without_a_session_is_refused() -> None:
    assert not allowed(None)


def test_each_session_has_its_own_token() -> None:
    sessions = Sessions()
    one, two = sessions.new(), sessions.new()
    assert one.token != two.token
    assert not allowed(one, token=two.token)
    assert sessions.find(one.id) is one
    assert sessions.find("forged") is None
    assert sessions.find(None) is None


def test_the_oldest_sessions_go_first() -> None:
    sessions = Sessions(kept=2)
    first, second = sessions.new(), sessions.new()
    assert sessions.find(first.id) is first  # used: now the newest
    sessions.new()
    assert sessions.find(second.id) is None
    assert sessions.find(first.id) is first


@pytest.mark.parametrize("host", ["127.0.0.1:3978", "localhost:3978", "[::1]:3978", "LOCALHOST"])
def test_loopback_names_are_this_service(host: str) -> None:
    assert host_allowed(host, LOOPBACK_NAMES)


@pytest.mark.parametrize("host", [None, "", "rebind.example:3978", "127.0.0.2:3978", "[::1"])
def test_any_other_host_is_not(host: str | None) -> None:
    assert not host_allowed(host, LOOPBACK_NAMES)
