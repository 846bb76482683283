"""`screener intake …`: what a firm needs to build its intake form, generated from the rulebook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screener.commands import LangOption, RulesOption, in_chosen_language
from screener.commands.help import HelpCommand, HelpGroup
from screener.errors import ScreenerError
from screener.i18n import _

commands = typer.Typer(cls=HelpGroup, help="The intake contract: templates and docs for the forms firms build.",
                         no_args_is_help=True)


@commands.command("template", cls=HelpCommand)
def intake_template(
    folder: Annotated[Path, typer.Argument(
        metavar="DIR", help="Folder to write the four files into (created if needed).")],
    force: Annotated[bool, typer.Option("--force", help="Replace files that already exist there.")] = False,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Write a CSV header, a data dictionary (Markdown and CSV) and a ready intake-map.yaml to edit.

    The dictionary lists every field: id, question, type, allowed values with their labels, and which
    pathways and scores read it. The map starts with each question text as its header: replace those
    with your form's headers, add your form's own answer wording, and pass it to `batch --map`.

    \b
    Example:
        screener intake template intake/
        screener batch responses.csv --map intake/intake-map.yaml -o screened.csv
    """
    from screener.files import atomic_write, cannot_write
    from screener.intake import template_files
    from screener.rulebook import load_rulebook, resolve_rules_path

    rulebook = in_chosen_language(load_rulebook(resolve_rules_path(rules)))
    files = template_files(rulebook)
    if folder.exists() and not folder.is_dir():
        raise ScreenerError(_("{folder}: is not a folder").format(folder=folder), exit_code=2)
    existing = [name for name in files if (folder / name).exists()]
    if existing and not force:
        raise ScreenerError(_("{folder}: {files} already there (your edits?); use --force to replace them").format(
            folder=folder, files=", ".join(existing)), exit_code=2)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot_write("DIR", folder, error) from None
    for name, content in files.items():
        with atomic_write(folder / name, private=False, option="DIR") as stream:
            stream.write(content.encode("utf-8"))
    typer.echo(_("Wrote {files} to {folder}").format(files=", ".join(files), folder=folder))


@commands.command("doc", cls=HelpCommand)
def intake_doc(
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="Where to write ('-': stdout).")]
    = "-",
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Write the intake contract as Markdown (docs/intake.md is this, for the default rules).

    \b
    Example:
        screener intake doc -o docs/intake.md
    """
    from screener.files import atomic_write
    from screener.intake import intake_doc as render
    from screener.rulebook import load_rulebook, resolve_rules_path

    text = render(in_chosen_language(load_rulebook(resolve_rules_path(rules))))
    with atomic_write(output, private=False, option="--output") as stream:
        stream.write(text.encode("utf-8"))
