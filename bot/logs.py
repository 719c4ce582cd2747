"""Logging: plain lines at INFO; the Slack libraries never log request bodies."""

from __future__ import annotations

import logging

# At DEBUG, bolt and slack_sdk log whole request and response bodies: user ids and answers.
QUIET_LIBRARIES = ("slack_bolt", "slack_sdk", "botbuilder", "aiohttp.access")


def configure_logging(level: int = logging.INFO) -> None:
    """Set up the root logger and keep the chat libraries at INFO or above."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
