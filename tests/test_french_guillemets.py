"""French guillemets and colons never leave their word (issue 16): `« mot »` is written with no-break spaces
(U+00A0) inside the guillemets, and `mot :` with one before the colon (Canadian usage), in the program's
catalog and in every French rule text; `rules validate` points at (file:line:column) a guillemet or a colon
beside an ordinary space or a line break, and screener gives French texts their no-break spaces as it reads
them, so what a person sees is right even before the file is. The wrapped screen itself is checked in
tests/test_french_terminal.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from screener.cli import app
from screener.rulebook import load_rulebook

ROOT = Path(__file__).parent.parent
RULES = ROOT / "rules"
PO = ROOT / "screener" / "locale" / "fr" / "LC_MESSAGES" / "screener.po"
NBSP = "\u00a0"
LOOSE = re.compile(r"«(?: |$)|(?:^| )»")  # an ordinary space or nothing inside a guillemet


def catalog_texts() -> list[str]:
    with PO.open("rb") as stream:
        catalog = read_po(stream, locale="fr")
    texts: list[str] = []
    for message in catalog:
        if message.id:
            texts += list(message.string) if isinstance(message.string, tuple) else [message.string]
    return texts


def test_every_french_program_string_is_shown_with_no_break_spaces() -> None:
    """The catalog is written with ordinary spaces before most colons; each message is shown with a no-break one."""
    from screener.i18n import _, language, ngettext, pgettext

    with PO.open("rb") as stream:
        catalog = read_po(stream, locale="fr")
    shown: list[str] = []
    with language("fr"):
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                shown += [ngettext(message.id[0], message.id[1], count) for count in (1, 2)]
            else:
                shown.append(pgettext(message.context, message.id) if message.context else _(message.id))
    assert sum(" :" in text for text in catalog_texts()) > 100  # written loosely: the test is not vacuous
    assert sum(NBSP + ":" in text for text in shown) > 200
    assert [text for text in shown if " :" in text or LOOSE.search(text)] == []


def test_french_spacing_leaves_placeholders_and_other_marks_alone() -> None:
    from screener.i18n import french_spacing

    assert french_spacing("Exigé : {a : b} «  mot » ; oui ? non ! 10:30 https://x") == \
        f"Exigé{NBSP}: {{a : b}} «{NBSP}mot{NBSP}» ; oui ? non ! 10:30 https://x"


def test_the_catalog_holds_guillemets_with_no_break_spaces() -> None:
    texts = catalog_texts()
    quoting = [text for text in texts if "«" in text]
    assert len(quoting) > 50  # the catalog quotes a lot: the check is not vacuous
    assert [text for text in texts if LOOSE.search(text)] == []
    assert all("«\u00a0" in text for text in quoting if "«)" not in text)


def test_every_french_rule_text_holds_guillemets_and_colons_with_no_break_spaces() -> None:
    texts = list(load_rulebook(RULES).translations["fr"].texts.values())
    assert sum("«" in text for text in texts) > 20
    assert sum(NBSP + ":" in text for text in texts) > 50
    assert [text for text in texts if LOOSE.search(text) or " :" in text] == []


def validate(rules: Path) -> str:
    result = CliRunner().invoke(app, ["rules", "validate", "--rules", str(rules)],
                                env={"NO_COLOR": "1", "COLUMNS": "200", "SCREENER_RULES": ""})
    assert result.exit_code == 0, result.output  # a warning: the rules still load
    return result.output


def loosen(path: Path, old: str, new: str) -> tuple[int, int]:
    """Replace the first `old` in the file by `new`; the (line, column) where `new` now starts."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


def test_the_shipped_rules_have_no_guillemet_warning(copy: Path) -> None:
    assert "U+00A0" not in validate(copy)


def test_validate_points_at_a_guillemet_beside_an_ordinary_space(copy: Path) -> None:
    line, column = loosen(copy / "flags.fr.yaml", "«\u00a0", "« ")
    out = validate(copy)
    assert re.search(rf"flags\.fr\.yaml:{line}:{column}: warning: « must be followed by a no-break space", out), out
    assert out.count("U+00A0") == 1


@pytest.mark.parametrize(("mark", "message"), [("»", "» must come after"), (":", "':' must come after")])
def test_validate_points_at_a_mark_that_starts_a_folded_line(copy: Path, mark: str, message: str) -> None:
    """A folded text broken before » or : reads as an ordinary space: reported at the mark, on its own line."""
    file = copy / "flags.fr.yaml"
    text = file.read_text(encoding="utf-8")
    at = text.index(NBSP + mark)
    indent = " " * 6
    file.write_text(text[:at] + "\n" + indent + mark + text[at + 2:], encoding="utf-8")
    line = text.count("\n", 0, at) + 2
    out = validate(copy)
    assert f"flags.fr.yaml:{line}:{len(indent) + 1}: warning: {message} a no-break space" in out, out


def test_validate_points_at_a_colon_after_an_ordinary_space(copy: Path) -> None:
    line, column = loosen(copy / "flags.fr.yaml", NBSP + ":", " :")
    out = validate(copy)
    assert re.search(rf"flags\.fr\.yaml:{line}:{column + 1}: warning: ':' must come after a no-break space", out), out
    assert out.count("U+00A0") == 1


def test_validate_leaves_yaml_colons_and_comments_alone(copy: Path) -> None:
    file = copy / "flags.fr.yaml"
    file.write_text("# Note : un commentaire\n" + file.read_text(encoding="utf-8").replace("title:", "title :", 1),
                    encoding="utf-8")
    assert "U+00A0" not in validate(copy)


def test_a_colon_written_with_an_ordinary_space_is_shown_with_a_no_break_one(copy: Path) -> None:
    file = copy / "flags.fr.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace(NBSP + ":", " :"), encoding="utf-8")
    texts = list(load_rulebook(copy).translations["fr"].texts.values())
    assert sum(NBSP + ":" in text for text in texts) > 50
    assert [text for text in texts if " :" in text] == []


def test_validate_reports_in_french_too(copy: Path) -> None:
    line, column = loosen(copy / "flags.fr.yaml", "«\u00a0", "« ")
    result = CliRunner().invoke(app, ["rules", "validate", "--rules", str(copy), "--lang", "fr"],
                                env={"NO_COLOR": "1", "COLUMNS": "200", "SCREENER_RULES": ""})
    assert f"flags.fr.yaml:{line}:{column}:" in result.output
    assert "espace insécable (U+00A0)" in result.output


def test_joining_a_text_onto_one_line_keeps_its_no_break_spaces() -> None:
    from screener.i18n import one_line

    assert one_line("  la\n  «\u00a0mot\u00a0»\t et «\u202fmot\u202f»,  15\u00a0263\u00a0$ ") == \
        "la «\u00a0mot\u00a0» et «\u202fmot\u202f», 15\u00a0263\u00a0$"


def test_french_spacing_holds_an_amount_and_its_dollar_sign_together() -> None:
    """A `$` after an amount, and the digit groups of that amount, keep a no-break space (`28 878 $`, as
    `format_money` writes it), and so do the groups of any number (`10 000 personnes`, review 10); a `$` after a
    word is left alone, and two numbers side by side (`CNP 2021 72`) keep their ordinary space."""
    from screener.i18n import format_money, french_spacing, language

    assert french_spacing("seuil de 28 878 $ par année; {needed} $ en tout; le $ canadien; 10 000 personnes") == \
        f"seuil de 28{NBSP}878{NBSP}$ par année; {{needed}}{NBSP}$ en tout; le $ canadien; 10{NBSP}000 personnes"
    assert french_spacing("CNP 2021 72 sauf 726") == "CNP 2021 72 sauf 726"
    with language("fr"):
        assert french_spacing(f"il faut {format_money(15263)}") == f"il faut 15{NBSP}263{NBSP}$"


AMOUNT = re.compile(r"\d[ \t\u202f\u00a0]*\$")


def test_a_french_verdict_and_letter_never_split_an_amount_from_its_dollar_sign(tmp_path: Path) -> None:
    """The rule texts write `{ee_funds_required} $` and `2 500 $` with ordinary spaces: the verdict (at 68
    columns) and the letter a person reads show each amount with a no-break space before its `$`."""
    persona = ROOT / "tests" / "fixtures" / "personas" / "barista_working_year.yaml"
    result = CliRunner().invoke(app, ["check", "--lang", "fr", "--answers", str(persona), "--no-input",
                                      "--details", "--as-of", "2026-11-25"], env={"COLUMNS": "68", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert sum(line.count(f"{NBSP}$") for line in lines) > 5  # the verdict has amounts: the test is not vacuous
    assert [line for line in lines if line.lstrip().startswith("$") or re.search(r"\d[ \t]+\$", line)] == []
    source = tmp_path / "in.csv"
    answers = load_answers(persona)
    source.write_text("id," + ",".join(answers) + "\nb," + ",".join(answers.values()) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--lang", "fr",
                                      "--as-of", "2026-11-25", "--letters", str(tmp_path / "lettres")])
    assert result.exit_code == 0, result.output
    (letter,) = [path.read_text(encoding="utf-8") for path in (tmp_path / "lettres").iterdir()]
    amounts = AMOUNT.findall(letter)
    assert len(amounts) > 3 and all(amount[1:] == NBSP + "$" for amount in amounts), amounts


def load_answers(path: Path) -> dict[str, str]:
    """A persona's answers as CSV cells."""
    import yaml

    answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: "yes" if value is True else "no" if value is False else str(value) for key, value in answers.items()}
