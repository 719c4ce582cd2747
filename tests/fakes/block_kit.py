"""A checker of Slack's documented Block Kit limits (tests only).

Limits are those of the Block Kit reference (docs.slack.dev/reference/block-kit). block_id must
be unique in the whole message or view; action_id only within its block, as documented. The
checker is shallow about what it does not know: unknown element types are walked for the
common fields (action_id, placeholder, confirm) but not rejected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_SURFACE_BLOCKS = 100  # modal and home views
MAX_ID = 255  # block_id, action_id, callback_id, external_id
MAX_PRIVATE_METADATA = 3000

TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
VIEW_TYPES = frozenset({"modal", "home"})
BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
# Elements with options: (max options, whether option text may be mrkdwn).
OPTION_ELEMENTS: Mapping[str, tuple[int, bool]] = {
    "radio_buttons": (10, True),
    "checkboxes": (10, True),
    "static_select": (100, False),
    "multi_static_select": (100, False),
    "overflow": (5, False),
}


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)
    block_ids: dict[str, str] = field(default_factory=dict)
    action_ids: dict[str, str] = field(default_factory=dict)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def length(self, path: str, value: object, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.problem(path, f"{len(value)} > {limit} characters")

    def count(self, path: str, value: object, limit: int, what: str) -> None:
        if isinstance(value, list) and len(value) > limit:
            self.problem(path, f"{len(value)} > {limit} {what}")

    def unique(self, seen: dict[str, str], path: str, value: object, name: str) -> None:
        if not isinstance(value, str):
            if value is not None:
                self.problem(path, f"{name} must be a string")
            return
        self.length(path, value, MAX_ID)
        if value in seen:
            self.problem(path, f"{name} {value!r} is repeated (first at {seen[value]})")
        else:
            seen[value] = path

    # -- composition objects -------------------------------------------------------------

    def text(
        self,
        path: str,
        obj: object,
        limit: int,
        *,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.problem(path, "a text object is required")
            return
        if not isinstance(obj, dict):
            self.problem(path, "a text object must be an object")
            return
        kind = obj.get("type")
        if kind not in TEXT_TYPES:
            self.problem(path, f"text type {kind!r} is not plain_text or mrkdwn")
        elif plain_only and kind != "plain_text":
            self.problem(path, f"must be plain_text, not {kind}")
        value = obj.get("text")
        if not isinstance(value, str):
            self.problem(path, "text must be a string")
        elif not value:
            self.problem(path, "text must not be empty")
        else:
            self.length(path, value, limit)

    def option(self, path: str, option: object, *, mrkdwn_ok: bool) -> None:
        if not isinstance(option, dict):
            self.problem(path, "an option must be an object")
            return
        self.text(f"{path}.text", option.get("text"), 75, plain_only=not mrkdwn_ok)
        value = option.get("value")
        if value is not None:
            self.length(f"{path}.value", value, 150)
        self.text(f"{path}.description", option.get("description"), 75, required=False)
        self.length(f"{path}.url", option.get("url"), 3000)

    def confirm(self, path: str, dialog: object) -> None:
        if not isinstance(dialog, dict):
            self.problem(path, "a confirm dialog must be an object")
            return
        self.text(f"{path}.title", dialog.get("title"), 100, plain_only=True)
        self.text(f"{path}.text", dialog.get("text"), 300)
        self.text(f"{path}.confirm", dialog.get("confirm"), 30, plain_only=True)
        self.text(f"{path}.deny", dialog.get("deny"), 30, plain_only=True)

    # -- elements ------------------------------------------------------------------------

    def element(self, path: str, element: object) -> None:
        if not isinstance(element, dict):
            self.problem(path, "an element must be an object")
            return
        kind = element.get("type")
        if not isinstance(kind, str):
            self.problem(path, "an element needs a type")
            return
        if "action_id" in element:
            self.unique(self.action_ids, f"{path}.action_id", element["action_id"], "action_id")
        if "placeholder" in element:
            self.text(f"{path}.placeholder", element["placeholder"], 150, plain_only=True)
        if "confirm" in element:
            self.confirm(f"{path}.confirm", element["confirm"])
        if kind == "button":
            self.text(f"{path}.text", element.get("text"), 75, plain_only=True)
            self.length(f"{path}.value", element.get("value"), 2000)
            self.length(f"{path}.url", element.get("url"), 3000)
            self.length(f"{path}.accessibility_label", element.get("accessibility_label"), 75)
        elif kind == "image":
            self.image(path, element)
        elif kind in OPTION_ELEMENTS:
            self.options(path, element, *OPTION_ELEMENTS[kind])
        elif kind in TEXT_TYPES:  # context elements may be bare text objects
            self.text(path, element, 3000)

    def options(self, path: str, element: dict[str, Any], limit: int, mrkdwn_ok: bool) -> None:
        options = element.get("options")
        groups = element.get("option_groups")
        if options is None and groups is None:
            self.problem(path, f"{element['type']} needs options")
        if isinstance(options, list):
            self.count(f"{path}.options", options, limit, "options")
            for i, option in enumerate(options):
                self.option(f"{path}.options[{i}]", option, mrkdwn_ok=mrkdwn_ok)
        if isinstance(groups, list):
            self.count(f"{path}.option_groups", groups, 100, "option groups")
            for g, group in enumerate(groups):
                group_path = f"{path}.option_groups[{g}]"
                if not isinstance(group, dict):
                    self.problem(group_path, "an option group must be an object")
                    continue
                self.text(f"{group_path}.label", group.get("label"), 75, plain_only=True)
                group_options = group.get("options")
                self.count(f"{group_path}.options", group_options, 100, "options")
                for i, option in enumerate(group_options or []):
                    self.option(f"{group_path}.options[{i}]", option, mrkdwn_ok=False)

    # -- blocks --------------------------------------------------------------------------

    def blocks(self, path: str, blocks: object, limit: int) -> None:
        if not isinstance(blocks, list):
            self.problem(path, "blocks must be a list")
            return
        self.count(path, blocks, limit, "blocks")
        for i, block in enumerate(blocks):
            self.block(f"{path}[{i}]", block)

    def block(self, path: str, block: object) -> None:
        if not isinstance(block, dict):
            self.problem(path, "a block must be an object")
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.problem(path, f"unknown block type {kind!r}")
            return
        if "block_id" in block:
            self.unique(self.block_ids, f"{path}.block_id", block["block_id"], "block_id")
        self.action_ids = {}  # action_ids need only be unique within their block
        if kind == "header":
            self.text(f"{path}.text", block.get("text"), 150, plain_only=True)
        elif kind == "section":
            self.section(path, block)
        elif kind == "context":
            self.element_list(path, block, 10, required=True)
        elif kind == "actions":
            self.element_list(path, block, 25, required=True)
        elif kind == "input":
            self.input(path, block)
        elif kind == "image":
            self.element(path, block)
            self.text(f"{path}.title", block.get("title"), 2000, plain_only=True, required=False)

    def image(self, path: str, image: dict[str, Any]) -> None:
        """An image block or element: a public URL or a Slack file (its id or its URL, one of
        them), and alt text."""
        self.length(f"{path}.image_url", image.get("image_url"), 3000)
        self.length(f"{path}.alt_text", image.get("alt_text"), 2000)
        if not isinstance(image.get("alt_text"), str) or not image["alt_text"]:
            self.problem(path, "an image needs alt_text")
        source = image.get("slack_file")
        if ("image_url" in image) == (source is not None):
            self.problem(path, "an image needs either image_url or slack_file")
        if source is not None and (
            not isinstance(source, dict) or ("id" in source) == ("url" in source)
        ):
            self.problem(f"{path}.slack_file", "a Slack file object needs either id or url")

    def section(self, path: str, block: dict[str, Any]) -> None:
        text, fields = block.get("text"), block.get("fields")
        if text is None and fields is None:
            self.problem(path, "a section needs text or fields")
        if text is not None:
            self.text(f"{path}.text", text, 3000)
        if fields is not None:
            if not isinstance(fields, list):
                self.problem(f"{path}.fields", "fields must be a list")
            else:
                self.count(f"{path}.fields", fields, 10, "fields")
                for i, item in enumerate(fields):
                    self.text(f"{path}.fields[{i}]", item, 2000)
        if "accessory" in block:
            self.element(f"{path}.accessory", block["accessory"])

    def element_list(self, path: str, block: dict[str, Any], limit: int, *, required: bool) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or (required and not elements):
            self.problem(f"{path}.elements", "a non-empty list of elements is required")
            return
        self.count(f"{path}.elements", elements, limit, "elements")
        for i, element in enumerate(elements):
            self.element(f"{path}.elements[{i}]", element)

    def input(self, path: str, block: dict[str, Any]) -> None:
        self.text(f"{path}.label", block.get("label"), 2000, plain_only=True)
        self.text(f"{path}.hint", block.get("hint"), 2000, plain_only=True, required=False)
        if "element" not in block:
            self.problem(f"{path}.element", "an input block needs an element")
        else:
            self.element(f"{path}.element", block["element"])

    def view(self, view: object) -> None:
        if not isinstance(view, dict):
            self.problem("view", "a view must be an object")
            return
        kind = view.get("type")
        if kind not in VIEW_TYPES:
            self.problem("view.type", f"{kind!r} is not 'modal' or 'home'")
        if kind == "modal":
            self.text("view.title", view.get("title"), 24, plain_only=True)
            has_input = any(
                isinstance(block, dict) and block.get("type") == "input"
                for block in view.get("blocks") or []
            )
            if has_input and "submit" not in view:
                self.problem("view.submit", "a modal with input blocks needs a submit button")
        for button in ("submit", "close"):
            if button in view:
                self.text(f"view.{button}", view[button], 24, plain_only=True)
        self.length("view.private_metadata", view.get("private_metadata"), MAX_PRIVATE_METADATA)
        self.length("view.callback_id", view.get("callback_id"), MAX_ID)
        self.length("view.external_id", view.get("external_id"), MAX_ID)
        self.blocks("view.blocks", view.get("blocks"), MAX_SURFACE_BLOCKS)


def block_kit_problems(
    *,
    blocks: Sequence[Mapping[str, Any]] | None = None,
    view: Mapping[str, Any] | None = None,
) -> list[str]:
    """Problems with a message's `blocks` and/or a modal or home `view`, each with its path."""
    problems: list[str] = []
    if blocks is not None:
        checker = _Checker()
        checker.blocks("blocks", list(blocks), MAX_MESSAGE_BLOCKS)
        problems += checker.problems
    if view is not None:
        checker = _Checker()
        checker.view(dict(view))
        problems += checker.problems
    return problems
