"""Where the bot can reach a channel unprompted: a platform's stored conversation reference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from surveys.team import ChannelRef


@dataclass(frozen=True, slots=True)
class ChannelAddress:
    """A channel the bot was added to, and what the platform needs to post there later."""

    # For Teams: `group_id` is the team (in Teams' sense) the channel belongs to, `service_url`
    # the Bot Framework endpoint of the tenant, and `reference` the serialized conversation
    # reference, kept without any person in it.
    channel: ChannelRef
    group_id: str
    service_url: str
    updated_at: datetime
    name: str = ""
    reference: Mapping[str, object] = field(default_factory=dict)
