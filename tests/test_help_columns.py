"""Every `--help` fits 80 columns in English and French, with one metavar style (review5 item 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from french_kit import nb
from lawyer_kit import cli
from typer.main import get_command

from screener.cli import app

RULES = Path(__file__).resolve().parent.parent / "rules"


def command_paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(get_command(app), ())
    return paths


PATHS = command_paths()


def test_every_command_is_walked() -> None:
    assert ("rules", "diff") in PATHS and ("intake", "template") in PATHS and ("serve",) in PATHS


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "screener")
def test_help_fits_80_columns_with_one_metavar_style(path: tuple[str, ...], lang: str) -> None:
    result = cli(*path, "--help", env={"COLUMNS": "80", "SCREENER_LANG": lang})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(("Usage:", nb("Utilisation :")))
    wide = [line for line in lines if len(line) > 80]
    assert not wide, wide
    # no typer type labels (`<path>`, `<int range>`), no `{ARG}`, no lower-case argument names
    assert not re.search(r"<[a-z ]+>|<(chemin|texte|entier)[^>]*>|\{[A-Z]", result.output), result.output
    usage = " ".join(lines[: next(i for i, line in enumerate(lines) if not line.strip())])
    assert not re.search(r"\[[a-z]+\]", usage), usage


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_help_names_folders_and_files_the_same_way_everywhere(lang: str) -> None:
    folder, file = ("DIR", "FILE") if lang == "en" else ("DOSSIER", "FICHIER")
    seen = {" ".join(path): cli(*path, "--help", env={"COLUMNS": "80", "SCREENER_LANG": lang}).output
            for path in PATHS}
    assert f"--rules {folder}" in seen["check"] and f"--rules {folder}" in seen["rules validate"]
    assert f"--output {file}" in seen["batch"] and f"--output {file}" in seen["rules schema"]
    assert f"--answers {file}" in seen["rules diff"] and f"--map {file}" in seen["batch"]
    assert f"[{folder}]" in seen["rules validate"] and f"init [OPTIONS] {folder}" in seen["rules init"]


def test_validate_with_a_folder_and_a_different_rules_says_so(tmp_path: Path) -> None:
    result = cli("rules", "validate", str(RULES), "--rules", str(tmp_path), "--lang", "en")
    assert result.exit_code == 2
    assert "DIR and --rules name different rulebooks" in result.output and "Traceback" not in result.output
    french = cli("rules", "test", str(RULES), "--rules", str(tmp_path), "--lang", "fr")
    assert french.exit_code == 2 and "DOSSIER et --rules" in french.output


def test_validate_with_the_same_folder_twice_runs() -> None:
    result = cli("rules", "validate", str(RULES), "--rules", str(RULES) + "/", "--lang", "en")
    assert result.exit_code == 0, result.output
