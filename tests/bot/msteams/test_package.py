"""`tryghed teams-package`: a zip Teams accepts, checked against the manifest schema 1.29."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator  # type: ignore[import-untyped, unused-ignore]

from app.cli import main
from bot.msteams.icons import color_icon, outline_icon
from bot.msteams.manifest import teams_manifest
from content.loader import default_pack
from tests.reference import TEAMS_MANIFEST_SCHEMA, load

APP_ID = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PUBLIC_URL = "https://tryghed.example.org"


def validator() -> Draft7Validator:
    # Draft 7, because the draft-04 schema uses `const`; no check_schema(), because of its
    # one `\p{L}` pattern Python cannot compile (see tests/reference/README.md).
    return Draft7Validator(load(TEAMS_MANIFEST_SCHEMA))


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    assert length == 13
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def png_pixels(data: bytes) -> list[tuple[int, int, int, int]]:
    """The RGBA pixels of a PNG written without filters (as ours are)."""
    width, height, _, _ = png_header(data)
    idat = b""
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    pixels: list[tuple[int, int, int, int]] = []
    for y in range(height):
        row = raw[y * stride : (y + 1) * stride]
        assert row[0] == 0
        pixels += [tuple(row[1 + 4 * x : 5 + 4 * x]) for x in range(width)]  # type: ignore[misc]
    return pixels


def test_the_package_validates_and_has_the_right_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "secret")
    monkeypatch.setenv("MICROSOFT_APP_TENANT_ID", "tenant-1")
    monkeypatch.setenv("TRYGHED_PUBLIC_URL", PUBLIC_URL + "/")
    out = tmp_path / "tryghed-teams.zip"
    assert main(["teams-package", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest: dict[str, Any] = json.loads(package.read("manifest.json"))
        color, outline = package.read("color.png"), package.read("outline.png")
    errors = sorted(validator().iter_errors(manifest), key=str)
    assert errors == []
    assert manifest["manifestVersion"] == "1.29"
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["bots"][0]["scopes"] == ["team", "personal"]
    assert manifest["validDomains"] == ["tryghed.example.org"]
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert titles[:3] == ["help", "setup", "pulse"]
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}

    assert png_header(color) == (192, 192, 8, 6)
    assert png_header(outline) == (32, 32, 8, 6)
    outline_pixels = png_pixels(outline)
    # The outline icon is white on transparency, nothing else.
    assert set(outline_pixels) == {(255, 255, 255, 255), (0, 0, 0, 0)}
    assert all(alpha == 255 for *_, alpha in png_pixels(color))


def test_the_schema_catches_a_bad_manifest() -> None:
    manifest = teams_manifest(app_id=APP_ID, public_url=PUBLIC_URL, content=default_pack())
    manifest["manifestVersion"] = "1.28"
    del manifest["developer"]["privacyUrl"]
    assert len(list(validator().iter_errors(manifest))) == 2


def test_icons_are_deterministic() -> None:
    assert color_icon() == color_icon()
    assert outline_icon() == outline_icon()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TRYGHED_PUBLIC_URL": PUBLIC_URL}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": "not-a-guid", "TRYGHED_PUBLIC_URL": PUBLIC_URL}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": APP_ID}, "TRYGHED_PUBLIC_URL"),
        ({"MICROSOFT_APP_ID": APP_ID, "TRYGHED_PUBLIC_URL": "http://x.example"}, "https"),
    ],
)
def test_what_is_missing_is_named(
    env: dict[str, str],
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "package.zip"
    assert main(["teams-package", "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert named in error
    assert error.count("\n") == 1
    assert not out.exists()


def test_an_unwritable_place_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("TRYGHED_PUBLIC_URL", PUBLIC_URL)
    assert main(["teams-package", "--out", str(tmp_path / "missing" / "p.zip")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_out_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["teams-package"])
    assert exit_.value.code == 2
