"""Bodies of `adaptiveCard/action` invoke responses: what only the clicker sees."""

from __future__ import annotations

from bot.msteams.cards import CARD_CONTENT_TYPE, Json

MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
ERROR_TYPE = "application/vnd.microsoft.error"


def card_response(card: Json) -> Json:
    """Replace the card, for the person who pressed the button only."""
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def message_response(text: str) -> Json:
    """A short message for the person who pressed the button; the card stays as it is."""
    return {"statusCode": 200, "type": MESSAGE_TYPE, "value": text}


def error_response(status: int, code: str, message: str) -> Json:
    """A request the bot cannot act on (unknown button, malformed data)."""
    return {"statusCode": status, "type": ERROR_TYPE, "value": {"code": code, "message": message}}
