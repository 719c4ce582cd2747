"""The trend chart as a Slack file, through the files API v2 (files.getUploadURLExternal, a
POST of the bytes, files.completeUploadExternal: slack_sdk's `files_upload_v2`).

Where a chart may go is decided here and nowhere else: a team's summary chart into the team's
channel, a person's private trend into their direct message with the app (a file shared in a
channel is seen by the whole channel, so a private chart never goes there), and the App Home's
charts uploaded once without a channel, private to the app, and shown by their file id.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from bot.slack.clients import SlackClients
from bot.views.card import ChartImage

FILENAME = "tryghed-trend.png"
# files.getUploadURLExternal refuses alt text beyond 1000 characters (alt_txt_too_large).
ALT_TXT_MAX = 1000
PRIVATE_FILES_KEPT = 256


class ChartFiles:
    """Uploads charts for one Slack installation set (single workspace or OAuth)."""

    def __init__(self, clients: SlackClients) -> None:
        self._clients = clients
        # Home pages ask again on every visit: the same picture is uploaded once.
        self._private: OrderedDict[tuple[str, str], str] = OrderedDict()

    async def share(self, workspace: str, chart: ChartImage, *, channel: str) -> str:
        """Share `chart` into `channel` (the team's own, for its summary); its file id."""
        return await self._upload(workspace, chart, channel=channel)

    async def send_privately(self, workspace: str, user_id: str, chart: ChartImage) -> str:
        """Share `chart` into the person's direct message with the app, never a channel."""
        client = await self._clients.for_workspace(workspace)
        opened = await client.conversations_open(users=user_id)
        return await self._upload(workspace, chart, channel=str(opened["channel"]["id"]))

    async def private_ids(
        self, workspace: str, charts: Iterable[ChartImage]
    ) -> Mapping[ChartImage, str]:
        """Each chart uploaded without a channel (private to the app), for image blocks."""
        ids: dict[ChartImage, str] = {}
        for chart in charts:
            key = (workspace, hashlib.sha256(chart.png).hexdigest())
            file_id = self._private.get(key)
            if file_id is None:
                file_id = await self._upload(workspace, chart, channel=None)
                self._private[key] = file_id
                while len(self._private) > PRIVATE_FILES_KEPT:
                    self._private.popitem(last=False)
            else:
                self._private.move_to_end(key)
            ids[chart] = file_id
        return ids

    async def _upload(self, workspace: str, chart: ChartImage, *, channel: str | None) -> str:
        client = await self._clients.for_workspace(workspace)
        answer = await client.files_upload_v2(
            file=chart.png,
            filename=FILENAME,
            title=chart.title,
            alt_txt=_cut(chart.alt_text, ALT_TXT_MAX),
            channel=channel,
        )
        return str(answer["file"]["id"])


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
