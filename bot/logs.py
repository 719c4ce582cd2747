"""Logging: plain lines at INFO; the chat libraries never log request bodies."""

from __future__ import annotations

import logging
import traceback

# At DEBUG, bolt and slack_sdk log whole request and response bodies: user ids and answers.
# msrest (under botbuilder's connector) logs whole request bodies at DEBUG as well.
QUIET_LIBRARIES = (
    "slack_bolt",
    "slack_sdk",
    "botbuilder",
    "botframework",
    "msrest",
    "azure",
    "aiohttp.access",
)


def configure_logging(level: int = logging.INFO) -> None:
    """Set up the root logger and keep the chat libraries at INFO or above."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.INFO))


def failure(error: BaseException) -> str:
    """An exception as "Type at file:line in function", without its message.

    Messages of library errors can carry request details (user ids, URLs with queries), so
    the log gets the type and where it happened, which is enough to find the cause.
    """
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {frame.filename}:{frame.lineno} in {frame.name}" if frame else ""
    return f"{type(error).__name__}{where}"
