"""The content pack: the built-in pack is complete, broken packs say exactly what is wrong."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.loader import BUILT_IN_DIR, ContentPackError, check_pack, default_pack, load_pack
from content.schema import LANGUAGES, ContentPack, LevelKey, Localized, PillarKey, placeholders
from surveys.errors import (
    AnswersLost,
    CloseTooEarly,
    InvalidSettings,
    NotAMember,
    TryghedError,
)
from surveys.team import MIN_RESPONDENTS_FLOOR, TeamSettings

# --- helpers -------------------------------------------------------------------------------


def copy_pack(tmp_path: Path) -> Path:
    """A faithful copy of the built-in pack that a test may break."""
    directory = tmp_path / "pack"
    shutil.copytree(BUILT_IN_DIR, directory)
    return directory


def edit(directory: Path, name: str, change: Callable[[Any], None]) -> None:
    """Load `name`.yaml, let `change` mutate it in place, and write it back."""
    path = directory / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def assert_refused(directory: Path, expected: list[str]) -> None:
    """`check_pack` reports exactly `expected`, and `load_pack` raises listing all of them."""
    assert check_pack(directory) == expected
    with pytest.raises(ContentPackError) as caught:
        load_pack(directory)
    assert caught.value.problems == expected
    assert caught.value.directory == directory
    message = str(caught.value)
    assert message.startswith(f"content pack {directory} has {len(expected)} problem(s):\n")
    for problem in expected:
        assert f"\n  - {problem}" in message


def all_subclasses(cls: type[TryghedError]) -> list[type[TryghedError]]:
    found: list[type[TryghedError]] = []
    for sub in cls.__subclasses__():
        found.extend([sub, *all_subclasses(sub)])
    return found


# --- the built-in pack ---------------------------------------------------------------------


def test_the_built_in_pack_is_sound() -> None:
    assert check_pack(BUILT_IN_DIR) == []
    pack = load_pack(BUILT_IN_DIR)
    assert pack == default_pack()
    assert default_pack() is default_pack()  # loaded once


def test_a_faithful_copy_of_the_built_in_pack_is_sound(tmp_path: Path) -> None:
    # A copy is a custom pack, so it is also compared with the built-in messages.
    directory = copy_pack(tmp_path)
    assert check_pack(directory) == []
    assert load_pack(directory) == default_pack()


def test_the_pillars_come_in_the_order_the_house_is_built() -> None:
    pack = default_pack()
    assert [p.key for p in pack.pillars] == list(PillarKey)
    assert pack.pillar(PillarKey.LEARN) is pack.pillars[1]


@pytest.mark.parametrize("pillar", list(PillarKey))
def test_every_pillar_has_enough_statements_and_a_reverse_one(pillar: PillarKey) -> None:
    statements = default_pack().statements_for(pillar)
    assert len(statements) >= 4
    assert all(s.pillar is pillar for s in statements)
    assert sum(s.reverse for s in statements) >= 1
    # Reverse-keyed items are never the first a pillar asks.
    assert not statements[0].reverse


def test_statement_ids_are_unique_and_can_be_looked_up() -> None:
    pack = default_pack()
    ids = [s.id for s in pack.statements]
    assert len(ids) == len(set(ids))
    assert pack.statement(ids[-1]) is pack.statements[-1]
    with pytest.raises(KeyError):
        pack.statement("no-such-statement")


def test_the_scale_has_five_labels_from_disagree_to_agree() -> None:
    scale = default_pack().scale
    assert len(scale) == 5
    assert scale[0].en == "Strongly disagree"
    assert scale[-1].en == "Strongly agree"
    assert len({label.da for label in scale}) == 5


def test_thirteen_hacks_three_per_pillar_and_a_belonging_one() -> None:
    pack = default_pack()
    assert len(pack.hacks) == 13
    assert len({h.id for h in pack.hacks}) == 13
    per_pillar = {pillar: sum(pillar in h.pillars for h in pack.hacks) for pillar in PillarKey}
    assert per_pillar == {
        PillarKey.INCLUDE: 4,
        PillarKey.LEARN: 3,
        PillarKey.CONTRIBUTE: 3,
        PillarKey.CHALLENGE: 3,
    }
    assert pack.hack("what-i-bring").title.da == "Det bringer jeg med"
    for hack in pack.hacks:
        assert 3 <= len(hack.steps) <= 6
        assert 2 <= len(hack.reflection) <= 3
        assert pack.hack(hack.id) is hack
    with pytest.raises(KeyError):
        pack.hack("no-such-hack")


def test_three_traps_and_the_four_levels() -> None:
    pack = default_pack()
    assert len(pack.traps) == 3
    assert len({t.key for t in pack.traps}) == 3
    assert sorted(lv.key for lv in pack.levels) == sorted(LevelKey)


def test_every_message_uses_the_same_placeholders_in_both_languages() -> None:
    messages = default_pack().messages
    assert len(messages) > 50
    for key, message in messages.items():
        assert placeholders(message.da) == placeholders(message.en), key


# --- every domain error can be explained ---------------------------------------------------


def test_every_domain_error_has_a_message() -> None:
    classes: list[type[TryghedError]] = [TryghedError, *all_subclasses(TryghedError)]
    keyed = [cls for cls in classes if cls is not InvalidSettings]
    assert len(keyed) >= 10  # the base and every refusal of the use cases
    keys = {cls.key for cls in keyed}
    assert len(keys) == len(keyed), "two errors share a message key"
    missing = sorted(keys - default_pack().messages.keys())
    assert missing == []


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"weekday": 7}, "weekday"),
        ({"local_time": time(9, 0, tzinfo=UTC)}, "local_time"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"language": "fr"}, "language"),
        ({"round_hours": 0}, "round_hours"),
        ({"min_respondents": MIN_RESPONDENTS_FLOOR - 1}, "min_respondents"),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_invalid_setting_has_a_message_its_values_fill_in(
    settings: dict[str, object], field: str, language: str
) -> None:
    with pytest.raises(InvalidSettings) as caught:
        TeamSettings(**settings)  # type: ignore[arg-type]
    error = caught.value
    assert error.field == field
    assert error.key == f"error-setting-{field.replace('_', '-')}"
    pack = default_pack()
    assert error.key in pack.messages
    assert placeholders(pack.messages[error.key].en) <= error.values.keys()
    text = pack.text(error.key, language, **error.values)  # type: ignore[arg-type]
    assert "{" not in text


def test_the_k_floor_message_names_the_floor() -> None:
    with pytest.raises(InvalidSettings) as caught:
        TeamSettings(min_respondents=1)
    assert f" {MIN_RESPONDENTS_FLOOR} " in default_pack().text(
        caught.value.key, "en", **caught.value.values
    )


# --- broken packs: one problem each --------------------------------------------------------


def test_a_statement_without_its_english_text(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "statements", lambda items: items[0]["text"].pop("en"))
    assert_refused(
        directory, ["statements.yaml: item 1 (include-1): text.en: missing language 'en'"]
    )


def test_a_pillar_without_its_leader_question(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "pillars", lambda items: items[3].pop("leader_question"))
    assert_refused(
        directory,
        [
            "pillars.yaml: item 4 (challenge): leader_question: field is required",
            "pillars.yaml: missing pillar(s): challenge",
        ],
    )


def test_a_pack_without_a_trap_the_signals_name(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "knowledge", lambda data: data["traps"].pop(0))
    assert_refused(directory, ["knowledge.yaml: traps: missing trap(s): stress"])


def test_a_statement_with_blank_text(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "statements", lambda items: items[1]["text"].update(da="   "))
    assert_refused(directory, ["statements.yaml: item 2 (include-5): text.da: must not be empty"])


def test_a_pillar_without_a_reverse_keyed_statement(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)

    def plain_learn(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item["pillar"] == "learn":
                item["reverse"] = False

    edit(directory, "statements", plain_learn)
    assert_refused(directory, ["statements.yaml: pillar 'learn' has no reverse-keyed statement"])


def test_retiring_leaves_a_pillar_too_few_statements_to_ask(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)

    def retire_learn(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item["pillar"] == "learn" and item["id"] != "learn-1":
                item["retired"] = True

    edit(directory, "statements", retire_learn)
    assert_refused(
        directory,
        [
            "statements.yaml: pillar 'learn' has no reverse-keyed statement",
            "statements.yaml: pillar 'learn' has 1 statement(s) that are not retired; "
            "it needs at least 2",
        ],
    )


def test_a_retired_reverse_keyed_statement_does_not_count(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "statements", lambda items: items[2].update(retired=True))  # include-3
    assert_refused(directory, ["statements.yaml: pillar 'include' has no reverse-keyed statement"])


def test_retired_statements_are_kept_for_old_rounds() -> None:
    pack = default_pack()
    learn = pack.statements_for(PillarKey.LEARN)
    active = pack.active_statements_for(PillarKey.LEARN)
    assert [s.id for s in active] == ["learn-1", "learn-2", "learn-3", "learn-5"]
    assert [s.id for s in learn if s.retired] == ["learn-4"]
    assert pack.statement("learn-4").retired


def test_every_active_statement_speaks_of_the_team() -> None:
    # One referent throughout (review F5): "teamet", never "her", "hos os" or "holdet".
    for statement in default_pack().statements:
        if statement.retired or statement.id == "challenge-1":  # about "my leader"
            continue
        assert "team" in statement.text.da, statement.id
        assert "team" in statement.text.en, statement.id
        assert not statement.text.da.startswith("Her "), statement.id


def test_hacks_are_found_by_id_and_by_alias_in_either_language() -> None:
    pack = default_pack()
    manual = pack.hack("working-manual")
    assert manual.alias.da == "brugsanvisning"
    for word in ("working-manual", "brugsanvisning", "BRUGSANVISNING"):
        assert pack.hack_named(word) is manual
    # Danish letters may be typed as ae, oe, aa.
    assert pack.hack_named("ugens-laering") is pack.hack("lesson-of-the-week")
    assert pack.hack_named("ugens-læring") is pack.hack("lesson-of-the-week")
    assert pack.hack_named("dumme-spoergsmaal") is pack.hack("no-silly-questions")
    assert pack.hack_named("no-such-hack") is None


def test_a_hack_alias_used_by_two_hacks(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "hacks", lambda hacks: hacks[1]["alias"].update(da="check-in"))
    assert_refused(
        directory,
        ["hacks.yaml: 'check-in' names more than one hack (check-in-round, working-manual)"],
    )


def test_a_hack_alias_that_is_another_hacks_id_once_folded(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "hacks", lambda hacks: hacks[1]["alias"].update(en="pre-mortem"))
    assert_refused(
        directory,
        ["hacks.yaml: 'pre-mortem' names more than one hack (pre-mortem, working-manual)"],
    )


def test_a_hack_alias_that_is_a_pillar(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "hacks", lambda hacks: hacks[1]["alias"].update(da="lære"))
    assert_refused(directory, ["hacks.yaml: 'laere' is a pillar's name and cannot name a hack"])


def test_a_hack_alias_that_cannot_be_typed(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "hacks", lambda hacks: hacks[1]["alias"].update(da="Min brugsanvisning"))
    problems = check_pack(directory)
    assert len(problems) == 1
    assert problems[0].startswith("hacks.yaml: item 2 (working-manual): alias.da: ")
    assert_refused(directory, problems)


def test_the_four_steps_in_order_and_a_pack_missing_one(tmp_path: Path) -> None:
    assert [st.name.da for st in default_pack().steps] == [
        "Fælles viden",
        "Her er vi nu",
        "Det gør vi",
        "Vi holder fast",
    ]
    directory = copy_pack(tmp_path)
    edit(directory, "knowledge", lambda k: k["steps"].pop())
    assert_refused(directory, ["knowledge.yaml: steps: missing step(s): keep-it-up"])


def test_a_trap_kind_without_its_advice(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "knowledge", lambda k: k["traps"][1]["kinds"][0].pop("advice"))
    # The invalid trap is left out, so it is reported as missing too (as for every key set).
    assert_refused(
        directory,
        [
            "knowledge.yaml: traps: item 2 (resistance): kinds.0.advice: field is required",
            "knowledge.yaml: traps: missing trap(s): resistance",
        ],
    )


def test_a_pillar_without_statements(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)

    def drop_challenge(items: list[dict[str, Any]]) -> None:
        items[:] = [item for item in items if item["pillar"] != "challenge"]

    edit(directory, "statements", drop_challenge)
    assert_refused(directory, ["statements.yaml: pillar 'challenge' has no statements"])


def test_a_duplicate_statement_id(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "statements", lambda items: items[5].update(id="include-2"))
    assert_refused(directory, ["statements.yaml: duplicate statement id 'include-2' (2 times)"])


def test_a_statement_on_an_unknown_pillar(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "statements", lambda items: items[0].update(pillar="trust"))
    problems = check_pack(directory)
    assert len(problems) == 1
    prefix = "statements.yaml: item 1 (include-1): pillar: "
    assert problems[0].startswith(prefix)
    for key in PillarKey:
        assert f"'{key}'" in problems[0]  # it names what would have been right
    assert_refused(directory, problems)


def test_an_unknown_field_and_a_bad_id_are_both_named(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "statements", lambda items: items[0].update(id="Include 1", weight=2))
    problems = check_pack(directory)
    assert len(problems) == 2
    assert problems[0].startswith("statements.yaml: item 1 (Include 1): id: ")
    assert problems[1] == "statements.yaml: item 1 (Include 1): weight: unknown field"


@pytest.mark.parametrize("name", ["pillars", "statements", "scale", "hacks", "knowledge"])
def test_a_missing_file(tmp_path: Path, name: str) -> None:
    directory = copy_pack(tmp_path)
    (directory / f"{name}.yaml").unlink()
    problems = check_pack(directory)
    assert f"{name}.yaml: file is missing" in problems
    assert_refused(directory, problems)


def test_a_missing_scale_file_is_the_only_problem(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    (directory / "scale.yaml").unlink()
    assert_refused(directory, ["scale.yaml: file is missing"])


def test_invalid_yaml_is_reported_on_one_line(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    (directory / "hacks.yaml").write_text("- id: x\n  title: [unclosed\n", encoding="utf-8")
    problems = check_pack(directory)
    assert len(problems) == 1
    assert problems[0].startswith("hacks.yaml: not valid YAML (")
    assert problems[0].endswith(")")
    assert "line 3" in problems[0]
    assert "\n" not in problems[0]
    assert_refused(directory, problems)


def test_a_scale_with_four_labels(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "scale", lambda labels: labels.pop())
    assert_refused(directory, ["scale.yaml: expected 5 labels (1 to 5), found 4"])


def test_a_custom_pack_missing_a_message(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "messages", lambda messages: messages.pop("withheld"))
    assert_refused(directory, ["messages.yaml: missing message 'withheld'"])


# The chart's words and its alt text (bot/chart/): a pack from before charts lacks them.
CHART_MESSAGES = tuple(
    key for key in default_pack().messages if key.startswith("chart-") and key != "chart-title"
)


def test_a_pack_from_before_charts_is_told_every_chart_message_it_lacks(tmp_path: Path) -> None:
    assert len(CHART_MESSAGES) == 14
    directory = copy_pack(tmp_path)

    def without_charts(messages: dict[str, object]) -> None:
        for key in CHART_MESSAGES:
            del messages[key]

    edit(directory, "messages", without_charts)
    assert_refused(directory, [f"messages.yaml: missing message '{key}'" for key in CHART_MESSAGES])


# What a person is told when the database lost an open round, when they were not in the
# channel at open, when a round is closed too early, and why a round can be withheld.
ANONYMITY_MESSAGES = (
    "error-not-a-member",
    "error-round-restarting",
    "error-close-too-early",
    "round-restarted",
    "withheld",
    "withheld-overlap",
    "setup-threshold-lower",
)


@pytest.mark.parametrize("key", ANONYMITY_MESSAGES)
def test_a_custom_pack_must_explain_the_anonymity_rules(tmp_path: Path, key: str) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "messages", lambda messages: messages.pop(key))
    assert_refused(directory, [f"messages.yaml: missing message '{key}'"])


@pytest.mark.parametrize(
    ("error", "needle"),
    [
        (NotAMember(), {"da": "næste gang", "en": "next time"}),
        (AnswersLost(), {"da": "om et minut", "en": "in a minute"}),
        (CloseTooEarly(minutes=12), {"da": "om 12 min.", "en": "in 12 min"}),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_new_refusals_fill_in_from_their_own_values(
    error: TryghedError, needle: dict[str, str], language: str
) -> None:
    text = default_pack().text(error.key, language, **error.values)  # type: ignore[arg-type]
    assert needle[language] in text
    assert "{" not in text


def test_notices_about_lost_answers_and_overlap_need_no_values() -> None:
    pack = default_pack()
    for key in ("round-restarted", "withheld-overlap", "setup-threshold-lower"):
        assert placeholders(pack.messages[key].en) == frozenset(), key
    # The restart notice promises nobody is counted twice, in both languages.
    assert "counted twice" in pack.messages["round-restarted"].en
    assert "to gange" in pack.messages["round-restarted"].da


def test_a_custom_message_without_its_english_text(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "messages", lambda messages: messages["withheld"].pop("en"))
    problems = check_pack(directory)
    assert "messages.yaml: withheld: en: missing language 'en'" in problems
    assert_refused(directory, problems)


def test_an_empty_custom_messages_file_misses_every_message(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    (directory / "messages.yaml").write_text("", encoding="utf-8")
    assert_refused(
        directory,
        [
            "messages.yaml: is empty",
            *(f"messages.yaml: missing message '{key}'" for key in default_pack().messages),
        ],
    )


def test_a_scale_label_without_danish(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "scale", lambda labels: labels[1].pop("da"))
    problems = check_pack(directory)
    # A label has no id, so the item number alone says which one.
    assert "scale.yaml: item 2: da: missing language 'da'" in problems
    assert_refused(directory, problems)


def test_different_placeholders_in_danish_and_english(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(
        directory,
        "messages",
        lambda messages: messages["withheld"].update(da="Skjult – færre end {n} svarede."),
    )
    assert_refused(
        directory, ["messages.yaml: withheld: da and en use different placeholders ({n} vs {k})"]
    )


def test_a_custom_message_with_a_placeholder_the_bot_does_not_fill(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(
        directory,
        "messages",
        lambda messages: messages["withheld"].update(
            da="Skjult: under {k} svar ({team}).", en="Hidden: under {k} answers ({team})."
        ),
    )
    assert_refused(directory, ["messages.yaml: withheld: unknown placeholder(s) {team}"])


def test_a_hack_with_too_few_steps(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "hacks", lambda hacks: hacks[0].update(steps=hacks[0]["steps"][:2]))
    problems = check_pack(directory)
    assert len(problems) == 1
    assert problems[0].startswith("hacks.yaml: item 1 (check-in-round): steps: ")
    assert "at least 3" in problems[0]
    assert_refused(directory, problems)


def test_a_pillar_without_a_hack(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)

    def drop_learn(hacks: list[dict[str, Any]]) -> None:
        hacks[:] = [hack for hack in hacks if "learn" not in hack["pillars"]]

    edit(directory, "hacks", drop_learn)
    assert_refused(directory, ["hacks.yaml: pillar 'learn' has no hack"])


def test_a_missing_pillar_and_a_duplicate_level(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "pillars", lambda pillars: pillars.pop())
    edit(directory, "knowledge", lambda k: k["levels"].append(dict(k["levels"][0])))
    assert_refused(
        directory,
        [
            "pillars.yaml: missing pillar(s): challenge",
            "knowledge.yaml: levels: duplicate level 'organisation' (2 times)",
        ],
    )


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("statements", "include-1: {}\n", "statements.yaml: expected a list"),
        ("knowledge", "- traps\n", "knowledge.yaml: expected a mapping with 'traps' and 'levels'"),
        ("messages", "- withheld\n", "messages.yaml: expected a mapping of message keys"),
    ],
)
def test_a_file_of_the_wrong_shape(tmp_path: Path, name: str, text: str, problem: str) -> None:
    directory = copy_pack(tmp_path)
    (directory / f"{name}.yaml").write_text(text, encoding="utf-8")
    problems = check_pack(directory)
    assert problem in problems
    assert_refused(directory, problems)


def test_not_a_directory(tmp_path: Path) -> None:
    missing = tmp_path / "no-pack"
    assert_refused(missing, [f"{missing}: not a directory"])


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    edit(directory, "statements", lambda items: items[0]["text"].pop("en"))
    edit(directory, "statements", lambda items: items[5].update(id="include-2"))
    edit(directory, "scale", lambda labels: labels.pop())
    edit(directory, "hacks", lambda hacks: hacks[0].update(steps=hacks[0]["steps"][:2]))
    edit(directory, "messages", lambda messages: messages.pop("withheld"))
    (directory / "pillars.yaml").unlink()
    problems = check_pack(directory)
    expected = [
        "pillars.yaml: file is missing",
        "statements.yaml: item 1 (include-1): text.en: missing language 'en'",
        "statements.yaml: duplicate statement id 'include-2' (2 times)",
        "scale.yaml: expected 5 labels (1 to 5), found 4",
        "messages.yaml: missing message 'withheld'",
    ]
    for problem in expected:
        assert problem in problems
    assert any(p.startswith("hacks.yaml: item 1 (check-in-round): steps: ") for p in problems)
    assert len(problems) == len(expected) + 1
    assert_refused(directory, problems)


@pytest.mark.parametrize("name", ["pillars", "scale", "hacks", "knowledge"])
def test_an_empty_file_is_a_problem(tmp_path: Path, name: str) -> None:
    directory = copy_pack(tmp_path)
    (directory / f"{name}.yaml").write_text("", encoding="utf-8")
    problems = check_pack(directory)
    assert any(p.startswith(f"{name}.yaml: ") for p in problems)


# --- Localized, text and placeholders ------------------------------------------------------


def test_localized_in_picks_the_language() -> None:
    text = Localized(da="Hej", en="Hello")
    assert text.in_("da") == "Hej"
    assert text.in_("en") == "Hello"


def test_text_fills_in_placeholders_in_each_language() -> None:
    pack = default_pack()
    assert pack.text("demo-week", "da", week=3) == "Uge 3"
    assert pack.text("demo-week", "en", week=3) == "Week 3"
    assert pack.text("hack-of-the-week-title", "en", hack="Pre-mortem") == (
        "Your hack right now: Pre-mortem"
    )
    assert pack.text("withheld", "en", k=5) == (
        "Results hidden – fewer than 5 besides the team's leaders and facilitators answered, "
        "and someone could be recognised."
    )


def test_text_needs_every_placeholder_and_a_known_key() -> None:
    pack: ContentPack = default_pack()
    with pytest.raises(KeyError):
        pack.text("withheld", "en")
    with pytest.raises(KeyError):
        pack.text("no-such-message", "en")


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("", set()),
        ("No placeholders at all.", set()),
        ("{a} and {b}", {"a", "b"}),
        ("{a} again {a}", {"a"}),
        ("{when.day} {items[0]} {n:>3} {x!r}", {"when", "items", "n", "x"}),
        ("{{literal}} braces", set()),
    ],
)
def test_placeholders(template: str, names: set[str]) -> None:
    assert placeholders(template) == frozenset(names)


def test_a_hack_id_too_long_to_name_its_did_it_help_item(tmp_path: Path) -> None:
    directory = copy_pack(tmp_path)
    long_id = "a" * 34
    edit(directory, "hacks", lambda items: items[0].update(id=long_id))
    with pytest.raises(ContentPackError) as error:
        load_pack(directory)
    assert "hacks.yaml: item 1" in str(error.value)
    assert "at most 33 characters" in str(error.value)
