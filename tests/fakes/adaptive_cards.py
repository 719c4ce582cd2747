"""Adaptive Cards checked against the published schema 1.5 (from ../shared/reference/)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped, unused-ignore]

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference"
SCHEMA_PATH = REFERENCE_DIR / "adaptive-card-1.5.schema.json"


@functools.cache
def _validator() -> Draft6Validator | None:
    if not SCHEMA_PATH.exists():
        return None
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # The root is anyOf[AdaptiveCard]: validating the definition itself gives readable errors.
    root = {key: value for key, value in schema.items() if key != "anyOf"}
    return Draft6Validator({**root, "$ref": "#/definitions/AdaptiveCard"})


def schema_available() -> bool:
    """Whether the reference schema is present (CI has it)."""
    return _validator() is not None


def card_problems(card: Any) -> list[str]:
    """Every way `card` breaks the Adaptive Card 1.5 schema, plus the rules Teams adds."""
    validator = _validator()
    problems: list[str] = []
    if validator is not None:
        error = best_match(validator.iter_errors(card))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(card)"
            problems.append(f"{where}: {error.message[:300]}")
    if isinstance(card, dict):
        if card.get("version") != "1.5":
            problems.append(f"version is {card.get('version')!r}, not '1.5'")
        ids = _input_ids(card)
        if len(ids) != len(set(ids)):
            problems.append(f"input ids repeat: {ids}")
    return problems


def _input_ids(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["id"]] if str(node.get("type", "")).startswith("Input.") else []
        return found + [i for value in node.values() for i in _input_ids(value)]
    if isinstance(node, list):
        return [i for item in node for i in _input_ids(item)]
    return []
