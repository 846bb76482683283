"""Issue 16's Done-when in a real terminal: a whole interview in French (`LANG=fr_CA.UTF-8 screener check`),
answered with oui/non, French choice labels, decimal commas and French amounts; the French first screen at
80 columns as reviewed snapshots (tests/snapshots/check_*.fr.txt; regenerate deliberately with
`SCREENER_UPDATE_SNAPSHOTS=1`, then read the diff).

The questions a French speaker is asked are the ones an English speaker is asked (the same library
choice), and the verdict is the same verdict, in French."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml
from test_personas import assert_calm_offer, assert_true_progress, interview, progress_numbers
from typer.testing import CliRunner

from screener.cli import app
from screener.model import Question
from screener.rulebook import Rulebook, load_rulebook

HERE = Path(__file__).parent
PERSONAS = HERE / "fixtures" / "personas"
REAL = HERE.parent / "rules"
SNAPSHOTS = HERE / "snapshots"
AS_OF = dt.date(2026, 11, 25)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
NBSP = "\u00a0"
SIX = sorted(path.stem for path in PERSONAS.glob("*.yaml"))


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(REAL)


def person(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((PERSONAS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def french_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SCREENER_LANG", "LC_ALL", "LC_MESSAGES", "SCREENER_RULES")}
    return {**env, "LANG": "fr_CA.UTF-8", "NO_COLOR": "1", "COLUMNS": "80", "LINES": "24"}


def typed_in_french(question: Question, value: Any) -> str:
    """What a French speaker types: oui/non, the choice's French label, 6,5 and 15 263 $."""
    if question.type == "yes_no":
        return "oui" if value is True or str(value).lower() in ("yes", "true") else "non"
    if question.type == "choice":
        return question.choice_label(str(value))
    if question.type == "money":
        return f"{int(value):,}".replace(",", " ") + " $"
    if question.type == "number" and isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


def drive(book: Rulebook, name: str) -> tuple[list[str], list[str], str]:
    """The interview of `name` in a pty in French: (questions asked, replies typed, what the terminal showed)."""
    answers = person(name)
    french = book.in_language("fr")
    prompts: dict[str, list[str]] = {}
    for question in french.questions.values():
        for words in [question.prompt, *(asked.prompt for asked in question.prompts)]:  # the words that fit too
            prompts.setdefault(" ".join(words.split()), []).append(question.id)
    executable = shutil.which("screener")
    command, lead = (executable, []) if executable else (sys.executable, ["-m", "screener"])
    child = pexpect.spawn(command, [*lead, "check", "--rules", str(REAL), "--as-of", AS_OF.isoformat()],
                          env=french_env(), encoding="utf-8", timeout=30, dimensions=(24, 80))
    asked: list[str] = []
    typed: list[str] = []
    shown: list[tuple[int | None, int | None]] = []
    while child.expect([re.escape("> "), pexpect.EOF]) == 0:
        before = " ".join(ANSI.sub("", str(child.before)).replace(NBSP, " ").split())
        if "Vérifier aussi les autres voies?" in before:
            assert_calm_offer(before, r"au plus (\d+) autres? questions?")
            child.sendline("non")
            continue
        if "Enregistrer vos réponses?" in before:  # the end of the questions, in French too: non saves nothing
            child.sendline("non")
            continue
        found = [qid for prompt, ids in prompts.items() if prompt in before for qid in ids if qid not in asked]
        found.sort(key=lambda qid: qid not in answers)
        assert found, before[-300:]
        shown.append(progress_numbers(before, r"(\d+) réponses?", r"; au plus (\d+) autres? questions?"))
        asked.append(found[0])
        reply = typed_in_french(french.questions[found[0]], answers[found[0]]) if found[0] in answers else "passer"
        typed.append(reply)
        child.sendline(reply)
    child.close()
    assert child.exitstatus == 0
    assert_true_progress(shown, len(asked))  # every number shown is true, in French too
    return asked, typed, ANSI.sub("", str(child.before)).replace(NBSP, " ")


@pytest.mark.parametrize(("name", "headline"), [
    ("barista_working_year", "Voie ouverte : Expérience internationale Canada (EIC)"),
    ("climate_scientist", "Voie ouverte : permis de travail de professionnel de l'ACEUM."),
    ("lawyer_with_dui", "Un motif d'interdiction de territoire doit être réglé avant toute demande."),
])
def test_a_whole_interview_in_french(book: Rulebook, name: str, headline: str) -> None:
    asked, typed, shown = drive(book, name)
    assert asked == interview(book, person(name))  # the same questions as in English
    assert {"oui", "non"} & set(typed)  # answered the French way
    french_labels = {c.label for q in book.in_language("fr").questions.values() for c in q.choices or []}
    assert french_labels & set(typed)
    flat = " ".join(shown.split())
    assert headline in flat
    assert "Il s'agit d'une présélection, et non d'un avis juridique." in flat
    for english in ("Open to you", "answered", "This is a screening", "Sorry:"):
        assert english not in flat


def test_french_commands_in_the_interview(book: Rulebook) -> None:
    """aide, retour and passer work like ?, back and skip; a wrong answer is refused in French."""
    child = pexpect.spawn(shutil.which("screener") or sys.executable,
                          ([] if shutil.which("screener") else ["-m", "screener"])
                          + ["check", "--rules", str(REAL), "--as-of", AS_OF.isoformat()],
                          env=french_env(), encoding="utf-8", timeout=30, dimensions=(24, 80))
    goal = book.in_language("fr").questions["goal"]
    child.expect(re.escape("> "))
    child.sendline("aide")
    child.expect(re.escape("> "))
    assert goal.help is not None and " ".join(goal.help.split())[:40] in " ".join(str(child.before).split())
    child.sendline("xyz")
    child.expect(re.escape("> "))
    assert "Désolé" in str(child.before) and "Réessayez" in " ".join(str(child.before).split())
    assert str(child.before).lower().count("veuillez") <= 1  # review10 #8: never "veuillez … Veuillez réessayer"
    child.sendline(goal.choice_label("work"))
    child.expect(re.escape("> "))
    child.sendline("retour")
    child.expect(re.escape("> "))
    assert "Retour à" in str(child.before)
    child.sendline("passer")
    child.expect(re.escape("> "))
    assert "Question passée" in str(child.before)
    child.sendeof()
    child.expect("Fin de l'entrée")
    child.expect("Enregistrer vos réponses pour continuer plus tard")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()


# ------------------------------------------------------------------------------------------ snapshots


def first_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> str:
    monkeypatch.chdir(tmp_path)  # the screen names the answers file: keep its name the same every run
    shutil.copy(PERSONAS / f"{name}.yaml", f"{name}.yaml")
    result = CliRunner().invoke(app, ["check", "--rules", str(REAL), "--answers", f"{name}.yaml", "--no-input",
                                      "--as-of", AS_OF.isoformat(), "--lang", "fr"],
                                env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name", SIX)
def test_french_first_screen_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    screen = first_screen(tmp_path, monkeypatch, name)
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 and line == line.rstrip() for line in lines)
    snapshot = SNAPSHOTS / f"check_{name}.fr.txt"
    if os.environ.get("SCREENER_UPDATE_SNAPSHOTS"):
        snapshot.write_text(screen, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot yet: run with SCREENER_UPDATE_SNAPSHOTS=1 and review {snapshot}"
    assert screen == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("columns", [80, 68])
@pytest.mark.parametrize("name", SIX)
def test_french_spacing_keeps_colons_and_guillemets_with_their_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, columns: int) -> None:
    """« … » and « mot : » hold their words with no-break spaces: no line ends with « or starts with » or
    with ":", in the details too (where the reviewer saw « end a line, and ": n'attendez donc pas." start one
    at 68 columns)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(PERSONAS / f"{name}.yaml", f"{name}.yaml")
    result = CliRunner().invoke(app, ["check", "--rules", str(REAL), "--answers", f"{name}.yaml", "--no-input",
                                      "--details", "--as-of", AS_OF.isoformat(), "--lang", "fr"],
                                env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("«" in line for line in lines)  # the persona's French verdict quotes something
    assert sum(line.count(NBSP + ":") for line in lines) > 3  # and has colons, with their no-break space
    assert [line for line in lines if " :" in line] == []
    assert [line for line in lines if line.rstrip().endswith("«")] == []
    assert [line for line in lines if line.lstrip().startswith(("»", ":"))] == []


@pytest.mark.parametrize("width", range(12, 40))
def test_rich_never_breaks_a_line_before_a_french_colon(width: int) -> None:
    """The wrap itself: whatever the width, a colon written after a no-break space stays on its word's line
    (rich alone breaks at U+00A0; screener.render makes it not)."""
    from rich.console import Console
    from rich.text import Text

    import screener.render  # noqa: F401  (the wrap rule every renderer uses)

    console = Console(width=width, record=True, color_system=None)
    console.print(Text(f"Exigé{NBSP}: être citoyen des États-Unis{NBSP}: la règle, ou{NBSP}: «{NBSP}passer{NBSP}»"))
    lines = console.export_text().splitlines()
    assert len(lines) > 1
    assert [line for line in lines if line.lstrip().startswith((":", "»")) or line.rstrip().endswith("«")] == []
