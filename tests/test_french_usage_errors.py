"""click's own usage errors ("No such option", "Missing argument"…) speak the command's language (issue 16).

They are raised while click parses the command line, before any of screener's code runs, so these tests
drive the whole app with CliRunner in French (by `--lang fr`, `SCREENER_LANG` and the locale) and in
English, and check what a person sees on stderr and the exit code.
"""

from __future__ import annotations

import pytest
from french_kit import nb
from typer.testing import CliRunner

from screener.cli import app

runner = CliRunner()
ENGLISH = {"SCREENER_LANG": "en", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}
FRENCH = {**ENGLISH, "SCREENER_LANG": "fr"}


def run(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    result = runner.invoke(app, args, env={**env, "COLUMNS": "200"}, prog_name="screener")
    return result.exit_code, [line for line in result.stderr.splitlines() if line.strip()]


CASES = [  # (arguments, the French error line, the English one)
    (["check", "--nope"], nb("Erreur : Option inconnue : --nope (options possibles : --no-input)"),
     "Error: No such option: --nope (Possible options: --no-input)"),
    (["rules", "diff", "old"], nb("Erreur : Il manque l'argument 'NOUVEAU'."), "Error: Missing argument 'NEW'."),
    (["batch", "in.csv"], nb("Erreur : Il manque l'option '--output' / '-o'."),
     "Error: Missing option '--output' / '-o'."),
    (["serve", "--port", "abc"], nb("Erreur : Valeur non valide pour '--port' : ce n'est pas un nombre entier"),
     "Error: Invalid value for '--port': not a whole number"),
    (["rules", "validate", "a", "b", "c"], nb("Erreur : Arguments en trop : b c"),
     "Error: Unexpected extra arguments: b c"),
    (["rules", "explain", "a", "b"], nb("Erreur : Argument en trop : b"), "Error: Unexpected extra argument: b"),
    (["rules", "diff", "--limit"], nb("Erreur : L'option '--limit' exige une valeur."),
     "Error: Option '--limit' needs a value."),
    (["check", "--no-input=3"], nb("Erreur : L'option '--no-input' ne prend pas de valeur."),
     "Error: Option '--no-input' does not take a value."),
    (["ruls"], nb("Erreur : Commande inconnue : 'ruls'. Vouliez-vous dire 'rules'?"),
     "Error: No such command 'ruls'. Did you mean 'rules'?"),
    (["--nope"], nb("Erreur : Option inconnue : --nope"), "Error: No such option: --nope"),
]


@pytest.mark.parametrize(("args", "french", "english"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_errors_in_french_and_english(args: list[str], french: str, english: str) -> None:
    code, lines = run(args, FRENCH)
    assert (code, lines[-1]) == (2, french)
    code, lines = run(args, ENGLISH)
    assert (code, lines[-1]) == (2, english)


def test_the_usage_line_and_the_help_hint_are_french_too() -> None:
    code, lines = run(["rules", "diff", "old"], FRENCH)
    assert code == 2
    assert lines == [nb("Utilisation : screener rules diff [OPTIONS] ANCIEN NOUVEAU [ACCUEIL]"),
                     "Essayez «\u00a0screener rules diff -h\u00a0» pour obtenir de l'aide.",
                     nb("Erreur : Il manque l'argument 'NOUVEAU'.")]
    code, lines = run(["rules", "diff", "old"], ENGLISH)
    assert lines == ["Usage: screener rules diff [OPTIONS] OLD NEW [INTAKE]", "Try 'screener rules diff -h' for help.",
                     "Error: Missing argument 'NEW'."]


@pytest.mark.parametrize("args", [["check", "--lang", "fr", "--nope"], ["check", "--nope", "--lang=fr"],
                                  ["rules", "validate", "--lang", "fr", "a", "b"]])
def test_lang_fr_on_the_command_line_speaks_even_when_click_fails_before_reading_it(args: list[str]) -> None:
    """click stops at the first unknown option, before the eager `--lang` has run: the boundary reads it."""
    code, lines = run(args, ENGLISH)
    assert code == 2
    assert lines[0].startswith(nb("Utilisation : screener "))
    assert lines[-1].startswith(nb("Erreur : "))
    assert "Essayez «\u00a0screener" in lines[1]


def test_the_locale_chooses_french_for_usage_errors() -> None:
    env = {**ENGLISH, "SCREENER_LANG": "", "LC_ALL": "fr_CA.UTF-8"}
    assert run(["check", "--nope"], env)[1][-1] == CASES[0][1]


def test_an_unknown_lang_on_the_command_line_is_not_taken_and_is_reported_by_the_option() -> None:
    code, lines = run(["check", "--lang", "de", "--no-input"], ENGLISH)
    assert code == 2
    assert lines[-1] == "Error: --lang: 'de' is not a language screener speaks (use one of: en, fr)"


def test_help_for_a_group_without_a_command_is_still_help_not_an_error() -> None:
    """`screener rules` alone shows the group's help (click's NoArgsIsHelpError), in French."""
    result = runner.invoke(app, ["rules"], env={**FRENCH, "COLUMNS": "200"}, prog_name="screener")
    assert "Erreur" not in result.output
    assert nb("Utilisation : screener rules") in result.output


def help_first_line(args: list[str], env: dict[str, str]) -> str:
    result = runner.invoke(app, args, env={**env, "COLUMNS": "200"}, prog_name="screener")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[0]


@pytest.mark.parametrize(("args", "env", "first"), [
    (["--lang", "fr", "--help"], ENGLISH, nb("Utilisation : screener [OPTIONS] COMMANDE [ARGUMENTS]...")),
    (["--lang=fr", "-h"], ENGLISH, nb("Utilisation : screener [OPTIONS] COMMANDE [ARGUMENTS]...")),
    (["--lang", "en", "--help"], FRENCH, "Usage: screener [OPTIONS] COMMAND [ARGS]..."),
    (["--lang", "fr", "check", "--help"], ENGLISH, nb("Utilisation : screener check [OPTIONS]")),
    (["--lang", "fr", "check", "--lang", "en", "--help"], ENGLISH, "Usage: screener check [OPTIONS]"),
    (["--lang", "en", "rules", "diff", "--lang", "fr", "--help"], ENGLISH,
     nb("Utilisation : screener rules diff [OPTIONS] ANCIEN NOUVEAU [ACCUEIL]")),
], ids=["root-fr", "root-fr-equals", "root-en-over-env", "root-to-command", "command-wins", "command-wins-fr"])
def test_lang_at_the_root_sets_help_and_the_command(args: list[str], env: dict[str, str], first: str) -> None:
    """`screener --lang fr --help` (review7 E): the root takes `--lang` too, for its help and the command
    below it, unless that command gives its own."""
    assert help_first_line(args, env) == first


def test_a_root_lang_reaches_the_verdict() -> None:
    result = runner.invoke(app, ["--lang", "fr", "check", "--no-input"], env={**ENGLISH, "COLUMNS": "80"},
                           prog_name="screener")
    assert result.exit_code == 0, result.output
    assert "présélection" in result.stdout
    assert "This is a screening" not in result.stdout


def test_an_unknown_root_lang_is_one_line() -> None:
    code, lines = run(["--lang", "de", "--help"], ENGLISH)
    assert (code, lines) == (2, ["Error: --lang: 'de' is not a language screener speaks (use one of: en, fr)"])
