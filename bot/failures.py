"""Failures for the log: the type and the place, never the message."""

from __future__ import annotations

import traceback


def failure(error: BaseException) -> str:
    """An exception as "Type at file:line in function", without its message.

    Messages of library errors can carry request details (user ids, URLs with queries), so
    the log gets the type and where it happened, which is enough to find the cause.
    """
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {frame.filename}:{frame.lineno} in {frame.name}" if frame else ""
    return f"{type(error).__name__}{where}"
