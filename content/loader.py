"""Load a content pack from YAML, collecting every problem instead of stopping at the first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from content.schema import (
    LANGUAGES,
    ContentPack,
    Hack,
    Level,
    LevelKey,
    Localized,
    Pillar,
    PillarKey,
    Statement,
    Step,
    StepKey,
    Trap,
    TrapKey,
    fold,
    hack_names,
    placeholders,
)

BUILT_IN_DIR = Path(__file__).parent / "pack"
SCALE_POINTS = 5
MIN_ACTIVE_STATEMENTS = 2

_Model = TypeVar("_Model", bound=BaseModel)


class ContentPackError(Exception):
    """A content pack has problems; `problems` lists every one of them."""

    def __init__(self, directory: Path, problems: list[str]) -> None:
        self.directory = directory
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"content pack {directory} has {len(problems)} problem(s):\n{listing}")


@cache
def default_pack() -> ContentPack:
    """The built-in content pack (loaded once)."""
    return load_pack(BUILT_IN_DIR)


def load_pack(directory: Path) -> ContentPack:
    """Load and validate the pack in `directory`; raise ContentPackError listing every problem."""
    pack, problems = _read(directory)
    if problems or pack is None:
        raise ContentPackError(directory, problems)
    return pack


def check_pack(directory: Path) -> list[str]:
    """Every problem in the pack in `directory` (empty when it is sound)."""
    return _read(directory)[1]


def _read(directory: Path) -> tuple[ContentPack | None, list[str]]:
    if not directory.is_dir():
        return None, [f"{directory}: not a directory"]
    problems: list[str] = []
    raw = {name: _yaml(directory / f"{name}.yaml", problems) for name in _FILES}

    pillars = _items(raw["pillars"], "pillars.yaml", Pillar, problems)
    statements = _items(raw["statements"], "statements.yaml", Statement, problems)
    scale = _items(raw["scale"], "scale.yaml", Localized, problems)
    hacks = _items(raw["hacks"], "hacks.yaml", Hack, problems)
    knowledge = raw["knowledge"] if isinstance(raw["knowledge"], dict) else {}
    if raw["knowledge"] is not None and not isinstance(raw["knowledge"], dict):
        problems.append("knowledge.yaml: expected a mapping with 'traps' and 'levels'")
    for part in _KNOWLEDGE:
        if isinstance(raw["knowledge"], dict) and part not in knowledge:
            problems.append(f"knowledge.yaml: '{part}' is missing")
    traps = _items(knowledge.get("traps"), "knowledge.yaml: traps", Trap, problems)
    levels = _items(knowledge.get("levels"), "knowledge.yaml: levels", Level, problems)
    steps = _items(knowledge.get("steps"), "knowledge.yaml: steps", Step, problems)
    messages = _messages(raw["messages"], problems)

    _check_keys("pillars.yaml", "pillar", [p.key for p in pillars], list(PillarKey), problems)
    _check_keys(
        "knowledge.yaml: levels", "level", [lv.key for lv in levels], list(LevelKey), problems
    )
    _check_keys("knowledge.yaml: steps", "step", [st.key for st in steps], list(StepKey), problems)
    _check_unique("statements.yaml", "statement id", [s.id for s in statements], problems)
    _check_unique("hacks.yaml", "hack id", [h.id for h in hacks], problems)
    _check_keys("knowledge.yaml: traps", "trap", [t.key for t in traps], list(TrapKey), problems)
    _check_statements(statements, problems)
    _check_hacks(hacks, problems)
    _check_hack_names(hacks, pillars, problems)
    if isinstance(raw["scale"], list) and len(raw["scale"]) != SCALE_POINTS:
        problems.append(
            f"scale.yaml: expected {SCALE_POINTS} labels (1 to 5), found {len(raw['scale'])}"
        )
    if directory.resolve() != BUILT_IN_DIR.resolve():
        written = raw["messages"] if isinstance(raw["messages"], dict) else {}
        _check_against_built_in(messages, set(map(str, written)), problems)

    if problems:
        return None, problems
    return (
        ContentPack(
            pillars=tuple(sorted(pillars, key=lambda p: list(PillarKey).index(p.key))),
            statements=tuple(statements),
            scale=tuple(scale),
            hacks=tuple(hacks),
            traps=tuple(traps),
            levels=tuple(levels),
            steps=tuple(sorted(steps, key=lambda st: list(StepKey).index(st.key))),
            messages=messages,
        ),
        [],
    )


_FILES = ("pillars", "statements", "scale", "hacks", "knowledge", "messages")
# libyaml's safe loader reads the pack about five times faster than the pure-Python one (every
# start, every `content check`); the same safe constructors, so the same data.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KNOWLEDGE = ("traps", "levels", "steps")


def _yaml(path: Path, problems: list[str]) -> Any:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
    except yaml.YAMLError as error:
        problems.append(f"{path.name}: not valid YAML ({_one_line(str(error))})")
    else:
        if data is None:
            problems.append(f"{path.name}: is empty")
        return data
    return None


def _items(data: Any, where: str, model: type[_Model], problems: list[str]) -> list[_Model]:
    """Validate each item on its own so that one bad item does not hide the others."""
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(f"{where}: expected a list")
        return []
    valid: list[_Model] = []
    for index, item in enumerate(data, start=1):
        try:
            valid.append(model.model_validate(item))
        except ValidationError as error:
            label = f"item {index}"
            if isinstance(item, dict) and isinstance(item.get("id", item.get("key")), str):
                label += f" ({item.get('id', item.get('key'))})"
            problems.extend(f"{where}: {label}: {msg}" for msg in _errors(error))
    return valid


def _messages(data: Any, problems: list[str]) -> dict[str, Localized]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append("messages.yaml: expected a mapping of message keys")
        return {}
    messages: dict[str, Localized] = {}
    for key, value in data.items():
        try:
            message = Localized.model_validate(value)
        except ValidationError as error:
            problems.extend(f"messages.yaml: {key}: {msg}" for msg in _errors(error))
            continue
        da, en = (placeholders(message.in_(lang)) for lang in LANGUAGES)
        if da != en:
            problems.append(
                f"messages.yaml: {key}: da and en use different placeholders "
                f"({_names(da)} vs {_names(en)})"
            )
        messages[str(key)] = message
    return messages


def _errors(error: ValidationError) -> Iterable[str]:
    for detail in error.errors():
        location = ".".join(str(part) for part in detail["loc"])
        text = _FRIENDLY.get(detail["type"], detail["msg"])
        if detail["type"] == "missing" and detail["loc"][-1:] in (("da",), ("en",)):
            text = f"missing language '{detail['loc'][-1]}'"
        yield f"{location}: {text}" if location else text


_FRIENDLY = {
    "missing": "field is required",
    "extra_forbidden": "unknown field",
    "string_too_short": "must not be empty",
}


def _check_keys(
    where: str, what: str, found: list[Any], expected: list[Any], problems: list[str]
) -> None:
    _check_unique(where, what, found, problems)
    missing = [str(key) for key in expected if key not in found]
    if found and missing:
        problems.append(f"{where}: missing {what}(s): {', '.join(missing)}")


def _check_unique(where: str, what: str, values: list[Any], problems: list[str]) -> None:
    for value, count in Counter(values).items():
        if count > 1:
            problems.append(f"{where}: duplicate {what} '{value}' ({count} times)")


def _check_statements(statements: list[Statement], problems: list[str]) -> None:
    # Retired statements only score old rounds: what a pulse asks must still rotate and
    # still hold a reverse-keyed item on every pillar.
    for pillar in PillarKey:
        on_pillar = [s for s in statements if s.pillar == pillar]
        active = [s for s in on_pillar if not s.retired]
        if not on_pillar:
            problems.append(f"statements.yaml: pillar '{pillar}' has no statements")
        elif not any(s.reverse for s in active):
            problems.append(f"statements.yaml: pillar '{pillar}' has no reverse-keyed statement")
        if on_pillar and len(active) < MIN_ACTIVE_STATEMENTS:
            problems.append(
                f"statements.yaml: pillar '{pillar}' has {len(active)} statement(s) that are "
                f"not retired; it needs at least {MIN_ACTIVE_STATEMENTS}"
            )


def _check_hacks(hacks: list[Hack], problems: list[str]) -> None:
    for pillar in PillarKey:
        if hacks and not any(pillar in h.pillars for h in hacks):
            problems.append(f"hacks.yaml: pillar '{pillar}' has no hack")


def _check_hack_names(hacks: list[Hack], pillars: list[Pillar], problems: list[str]) -> None:
    """`hack <word>` must name one hack: ids and aliases are unique, and no pillar's."""
    owners: dict[str, set[str]] = {}
    for hack in hacks:
        for name in hack_names(hack):
            owners.setdefault(fold(name), set()).add(hack.id)
    for name, ids in owners.items():
        if len(ids) > 1:
            hacks_named = ", ".join(sorted(ids))
            problems.append(f"hacks.yaml: '{name}' names more than one hack ({hacks_named})")
    pillar_words: set[str] = set()
    for pillar in pillars:
        pillar_words |= {fold(pillar.key), fold(pillar.name.da), fold(pillar.name.en)}
    for name in sorted(owners.keys() & pillar_words):
        problems.append(f"hacks.yaml: '{name}' is a pillar's name and cannot name a hack")


def _check_against_built_in(
    messages: Mapping[str, Localized], written: set[str], problems: list[str]
) -> None:
    """A custom pack must say everything the bot says, using no placeholder the bot lacks."""
    reference = default_pack().messages
    for key, message in reference.items():
        if key not in written:
            problems.append(f"messages.yaml: missing message '{key}'")
        if key not in messages:
            continue
        expected = placeholders(message.en)
        found = placeholders(messages[key].en)
        if found - expected:
            problems.append(
                f"messages.yaml: {key}: unknown placeholder(s) {_names(found - expected)}"
            )


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(f"{{{n}}}" for n in names)) or "none"


def _one_line(text: str) -> str:
    return " ".join(text.split())
