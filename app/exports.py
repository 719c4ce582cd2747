"""A team's export as CSV or JSON: the gated aggregates, and nothing about any person."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from surveys.anonymity import RoundSummary
from surveys.export import ExportedRound, TeamExport

FORMATS = ("csv", "json")
REPORTED = "reported"
# A withheld round is listed with why (too-few: fewer than k answered; overlap: another team's
# channel differs by fewer than k people) and with no number at all, not even its count.
WITHHELD = "withheld"
CSV_COLUMNS = (
    "opened_at",
    "closed_at",
    "kind",
    "status",
    "withheld_reason",
    "respondents",
    "channel_size",
    "pillar",
    "statement",
    "reverse",
    "score",
    "favourable",
    "mean",
    "answers",
)


def render(export: TeamExport, form: str) -> str:
    """The export in `form`, one of FORMATS."""
    if form == "json":
        return export_json(export)
    if form == "csv":
        return export_csv(export)
    raise ValueError(f"unknown export format {form!r}")


def export_json(export: TeamExport) -> str:
    """One JSON document: the team (no people) and its closed rounds, oldest first."""
    team = export.team
    document = {
        "team": {
            "id": team.id,
            "name": team.name,
            "platform": team.channel.platform,
            "workspace_id": team.channel.workspace_id,
            "channel_id": team.channel.channel_id,
            "min_respondents": team.settings.min_respondents,
        },
        "rounds": [_round_json(r) for r in export.rounds],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _round_json(exported: ExportedRound) -> dict[str, Any]:
    result = exported.result
    head: dict[str, Any] = {
        "opened_at": _when(exported.opened_at),
        "closed_at": _when(result.closed_at),
        "kind": result.kind.value,
    }
    if not isinstance(result, RoundSummary):
        return {**head, "status": WITHHELD, "withheld_reason": result.reason.value}
    return {
        **head,
        "status": REPORTED,
        "respondents": result.respondents,
        "channel_size": result.channel_size,
        "pillars": [
            {
                "pillar": key.value,
                "score": round(pillar.score.score, 1),
                "favourable": round(pillar.score.favourable, 1),
                "answers": pillar.score.answers,
            }
            for key, pillar in result.pillars.items()
        ],
        "statements": [
            {
                "statement": s.statement_id,
                "pillar": s.pillar.value,
                "reverse": s.reverse,
                "mean": round(s.mean, 2),
                "answers": s.answers,
            }
            for s in exported.statements
        ],
    }


def export_csv(export: TeamExport) -> str:
    """One row per pillar and per statement of each reported round; one bare row per
    withheld round. Spreadsheets read it as it is."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for exported in export.rounds:
        writer.writerows(_round_rows(exported))
    return out.getvalue()


def _round_rows(exported: ExportedRound) -> list[dict[str, object]]:
    result = exported.result
    head: dict[str, object] = {
        "opened_at": _when(exported.opened_at),
        "closed_at": _when(result.closed_at),
        "kind": result.kind.value,
    }
    if not isinstance(result, RoundSummary):
        return [{**head, "status": WITHHELD, "withheld_reason": result.reason.value}]
    head |= {
        "status": REPORTED,
        "respondents": result.respondents,
        "channel_size": "" if result.channel_size is None else result.channel_size,
    }
    rows: list[dict[str, object]] = [
        {
            **head,
            "pillar": key.value,
            "score": f"{pillar.score.score:.1f}",
            "favourable": f"{pillar.score.favourable:.1f}",
            "answers": pillar.score.answers,
        }
        for key, pillar in result.pillars.items()
    ]
    rows.extend(
        {
            **head,
            "pillar": s.pillar.value,
            "statement": s.statement_id,
            "reverse": "yes" if s.reverse else "no",
            "mean": f"{s.mean:.2f}",
            "answers": s.answers,
        }
        for s in exported.statements
    )
    return rows


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
