"""Logging: plain lines or JSON at INFO; the chat libraries never log request bodies."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from enum import StrEnum
from types import TracebackType

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.failures import failure

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
ACCESS_LOGGER = "tryghed.access"
# What an access line carries besides the message (see AccessLog).
ACCESS_FIELDS = ("method", "route", "status", "duration_ms")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class LogFormat(StrEnum):
    """How log lines look: `text` for people, `json` for a container's log collector."""

    TEXT = "text"
    JSON = "json"


def configure_logging(log_format: LogFormat = LogFormat.TEXT, level: int = logging.INFO) -> None:
    """Set up the root logger and keep the chat libraries at INFO or above."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format is LogFormat.JSON else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.INFO))


class TextFormatter(logging.Formatter):
    """Plain lines; an exception appears as its type and place, never its text."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 (logging's name)
        """The exception without its message (library errors can quote request details)."""
        return failure(ei[1]) if ei[1] is not None else ""


class JsonFormatter(logging.Formatter):
    """One JSON object per line; an exception appears as its type and place, never its text."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ACCESS_FIELDS:
            if field in record.__dict__:
                line[field] = record.__dict__[field]
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = failure(record.exc_info[1])
        return json.dumps(line, ensure_ascii=False)


class AccessLog(AbstractAccessLogger):
    """One line per request: method, the route's pattern and status; never the query string
    (OAuth redirects carry codes in it), a body or a header."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """Log a served request."""
        match_info = getattr(request, "match_info", None)
        resource = match_info.route.resource if match_info is not None else None
        route = resource.canonical if resource is not None else "unmatched"
        self.logger.info(
            "%s %s %d",
            request.method,
            route,
            response.status,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status,
                "duration_ms": round(time * 1000, 1),
            },
        )

    @property
    def enabled(self) -> bool:
        """Whether the access logger logs at all."""
        return self.logger.isEnabledFor(logging.INFO)
