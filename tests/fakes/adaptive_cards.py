"""Adaptive Cards checked against the published schema 1.5 (tests/reference/)."""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft6Validator  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped, unused-ignore]

from tests.reference import ADAPTIVE_CARD_SCHEMA, load


@functools.cache
def _validator() -> Draft6Validator:
    schema = load(ADAPTIVE_CARD_SCHEMA)
    # The root is anyOf[AdaptiveCard]: validating the definition itself gives readable errors.
    root = {key: value for key, value in schema.items() if key != "anyOf"}
    return Draft6Validator({**root, "$ref": "#/definitions/AdaptiveCard"})


def card_problems(card: Any) -> list[str]:
    """Every way `card` breaks the Adaptive Card 1.5 schema, plus the rules Teams adds."""
    problems: list[str] = []
    error = best_match(_validator().iter_errors(card))
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
