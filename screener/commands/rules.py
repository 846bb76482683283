"""`screener rules …`: tools for the people who maintain the rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from screener.commands import (
    AsOfOption,
    LangOption,
    RulesOption,
    in_chosen_language,
    long_lived,
    parse_as_of,
    stale_in_short,
)
from screener.commands.help import HelpCommand, HelpGroup
from screener.commands.inputs import (
    EncodingOption,
    MapOption,
    SheetOption,
    answer_file_as_intake,
    check_intake_options,
    is_answer_file,
    opened_intake,
)
from screener.errors import ScreenerError
from screener.i18n import _, after_colon, ngettext

if TYPE_CHECKING:
    import datetime as dt

    from rich.console import Console

    from screener.model import Case
    from screener.rulebook import Rulebook
    from screener.ruletests import CaseRun
    from screener.source import Position

commands = typer.Typer(cls=HelpGroup, help="Tools for the people who maintain the rules.", no_args_is_help=True)


def _one_folder(directory: Path | None, rules: Path | None) -> Path | None:
    """The rulebook named by the DIR argument or --rules: both may be given only when they agree."""
    if directory is not None and rules is not None and directory.resolve() != rules.resolve():
        raise ScreenerError(_("DIR and --rules name different rulebooks: give only one of them"), exit_code=2)
    return directory or rules


@commands.command("validate", cls=HelpCommand)
def rules_validate(
    directory: Annotated[Path | None, typer.Argument(
        metavar="DIR", help="Rulebook folder to check (the same as --rules DIR; give one or the other).",
        show_default=False)] = None,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Check a rulebook: exit 0 with a one-screen summary, or exit 1 listing every problem as file:line:col.

    \b
    Example:
        screener rules validate rules/
    """
    from rich.markup import escape

    from screener.render.console import make_console
    from screener.render.rules_summary import pathway_summary
    from screener.rulebook import load_cases, load_rulebook, resolve_rules_path, with_case_errors

    rulebook = with_case_errors(load_rulebook, resolve_rules_path(_one_folder(directory, rules)))
    cases = load_cases(rulebook.path, rulebook)
    console = make_console()
    info = in_chosen_language(rulebook).info
    console.print("[bold green]OK[/] " + escape(_("{path}: {title}, version {version}").format(
        path=rulebook.path, title=info.title, version=info.version)))
    sizes = {"questions": len(rulebook.questions), "derived": len(rulebook.derived), "tables": len(rulebook.tables),
             "scores": len(rulebook.scores), "pathways": len(rulebook.pathways), "flags": len(rulebook.flags),
             "cases": len(cases)}
    counts = [
        ngettext("{count} question", "{count} questions", sizes["questions"]),
        ngettext("{count} derived value", "{count} derived values", sizes["derived"]),
        ngettext("{count} table", "{count} tables", sizes["tables"]),
        ngettext("{count} score", "{count} scores", sizes["scores"]),
        ngettext("{count} pathway", "{count} pathways", sizes["pathways"]),
        ngettext("{count} flag", "{count} flags", sizes["flags"]),
        ngettext("{count} test case", "{count} test cases", sizes["cases"]),
    ]
    shown = (text.format(count=count) for text, count in zip(counts, sizes.values(), strict=True))
    console.print("  " + ", ".join(shown), soft_wrap=True)
    console.print(pathway_summary(in_chosen_language(rulebook)))
    label = escape(_("warning:"))
    for warning in rulebook.warnings:
        console.print(f"{warning.position}: [yellow]{label}[/] {escape(after_colon(warning.message))}",
                      soft_wrap=True)
    from screener.ruletests import untested_pathways

    for pathway_id in untested_pathways(rulebook, cases):
        console.print(f"[yellow]{label}[/] " + escape(_(
            "pathway '{pathway}' has no test case: add one under {folder}/ whose `expect: pathways:` checks it").format(
                pathway=pathway_id, folder=rulebook.path / "tests")), soft_wrap=True)
    _warn_stale(console, rulebook, full=True)


def _warn_stale(console: Console, *rulebooks: Rulebook, dates: tuple[dt.date, ...] = (),
                full: bool = False) -> None:
    """Past-due `review_by` dates, and `dates` outside a rulebook's coverage (`_stale_warnings`)."""
    _print_warnings(console, _stale_warnings(*rulebooks, dates=dates, full=full))


def _stale_warnings(*rulebooks: Rulebook, dates: tuple[dt.date, ...] = (), full: bool = False) -> list[str]:
    """Past-due `review_by` dates, and `dates` outside a rulebook's coverage, each said once even when
    several rulebooks share it. `full`: every item past its review date (the maintainer's commands,
    `rules validate` and `rules test`); else one line counting them (`stale_in_short`)."""
    from screener.compiled import today

    chosen = [in_chosen_language(rulebook) for rulebook in rulebooks]
    day = today()
    warnings = dict.fromkeys([warning for rulebook in chosen for date in dates for warning in rulebook.coverage(date)]
                             + [warning for rulebook in chosen
                                for warning in (rulebook.stale(day) if full else stale_in_short(rulebook, day))])
    return [after_colon(warning) for warning in warnings]


def _print_warnings(console: Console, warnings: list[str]) -> None:
    """Each warning on its line after a yellow `warning:`."""
    from rich.markup import escape

    label = escape(_("warning:"))
    for warning in warnings:
        console.print(f"[yellow]{label}[/] {escape(warning)}", soft_wrap=True)


def _select(cases: list[tuple[str, Case, Position]], match: str | None) -> list[tuple[str, Case, Position]]:
    """The cases whose name or file name contains `match` (any case)."""
    if match is None:
        return cases
    wanted = match.lower()
    return [entry for entry in cases if wanted in entry[1].name.lower() or wanted in Path(entry[0]).name.lower()]


@commands.command("test", cls=HelpCommand)
def rules_test(
    directory: Annotated[Path | None, typer.Argument(
        metavar="DIR", help="Rulebook folder (its tests/ folder holds the cases); the same as --rules DIR.",
        show_default=False)] = None,
    rules: RulesOption = None,
    update: Annotated[bool, typer.Option("--update", help="Rewrite failing expected values in place to what "
                                         "the rules now give, and print the diff for review.")] = False,
    match: Annotated[str | None, typer.Option("-k", "--match", metavar="TEXT",
                                              help="Run only the cases whose name or file name contains TEXT.",
                                              show_default=False)] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="List passing cases too.")] = False,
    show_coverage: Annotated[bool, typer.Option("--coverage", help="Then list the pathways, requirements, "
                                                "score lines and table rows that no case exercises.")] = False,
    lang: LangOption = None,
) -> None:
    """Run the rulebook's test cases (tests/*.yaml): exit 0 when all pass, 1 listing what differed.

    Each failure names the file, the case, and every expected value that did not come out (expected
    vs got), with the requirement that decided the outcome or the score's line-by-line breakdown.

    \b
    Examples:
        screener rules test rules/
        screener rules test rules/ -k "CLB 9"
        screener rules test rules/ -k atlantic --coverage
        screener rules test rules/ --update   # accept; review the diff
    """
    with long_lived():
        from screener.plain import as_is, plain_width
        from screener.rulebook import resolve_rules_path, with_case_errors
        from screener.rulecache import load_cases_cached, load_rulebook_cached
        from screener.ruletests import run_cases

        rulebook = with_case_errors(load_rulebook_cached,  # checked as a fresh load is
                                    resolve_rules_path(_one_folder(directory, rules)))
        cases = _select(load_cases_cached(rulebook.path, rulebook), match)
    # Into a pipe or a file, warnings and a passing run's summary are plain lines: written here, without rich.
    width = plain_width(sys.stdout)
    warnings = _stale_warnings(rulebook, full=True)
    plain = [f"{_('warning:')} {warning}" for warning in warnings]
    console: Console | None = None
    if width is not None and all(as_is(line) for line in plain):
        _write_plain(plain)
    else:
        console = _console()
        _print_warnings(console, warnings)
    if not cases:
        where = rulebook.path / "tests"
        raise ScreenerError(_("no test cases matching '{match}' in {folder} (see docs/rules.md, 'Test cases')").format(
            match=match, folder=where) if match else
            _("no test cases in {folder} (see docs/rules.md, 'Test cases')").format(folder=where))
    run = run_cases(rulebook, cases)
    summary = run.summary()
    if console is None and run.ok and not verbose and not show_coverage and "[" not in summary \
            and as_is(summary, width):
        _write_plain([summary])
        return
    _rules_test_rest(console or _console(), run, cases, rulebook, update=update, match=match, verbose=verbose,
                     show_coverage=show_coverage)


def _console() -> Console:
    from screener.render.console import make_console

    return make_console()


def _write_plain(lines: list[str]) -> None:
    """`lines` on stdout as a console writes them when it writes no styles (`screener.plain`)."""
    if lines:
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()


def _rules_test_rest(console: Console, run: CaseRun, cases: list[tuple[str, Case, Position]], rulebook: Rulebook,
                     *, update: bool, match: str | None, verbose: bool, show_coverage: bool) -> None:
    """`rules test` from its run on, with rich: the failures, the updates, the coverage."""
    from rich.markup import escape

    from screener.files import atomic_write
    from screener.render.rules_test import render_run, render_updates
    from screener.rulecache import load_cases_cached
    from screener.ruletests import run_cases, update_expectations

    render_run(console, run, verbose=verbose)
    if update and not run.ok:
        updates = update_expectations(run)
        for file_update in updates:
            if file_update.changed:
                with atomic_write(file_update.file, private=False) as stream:  # all of it or none of it
                    stream.write(file_update.new.encode("utf-8"))
        render_updates(console, updates)
        run = run_cases(rulebook, _select(load_cases_cached(rulebook.path, rulebook), match))  # the files as updated
        if not run.ok:
            console.print("[bold red]" + escape(ngettext("{count} case still fails", "{count} cases still fail",
                                                         len(run.failed)).format(count=len(run.failed)))
                          + "[/] " + escape(_("(see 'not updated' above)")))
    if show_coverage:
        from screener.ruletests import coverage

        found = coverage(rulebook, cases)
        heading = _("Coverage")
        console.print(f"\n[bold]{heading}[/]: " + (_("every pathway, requirement, score line and table row is "
                                                           "exercised by a case") if found.complete
                                                         else _("not exercised:")))
        for title, names in ((_("pathways no case checks"), found.pathways),
                             (_("requirements no case sees fail"), found.requirements),
                             (_("score lines no case checks with points"), found.score_lines),
                             (_("table rows no case reads"), found.table_rows)):
            if names:
                console.print(f"  {title} ({len(names)}): " + escape(", ".join(names)), soft_wrap=True)
    if not run.ok:
        raise typer.Exit(1)


@commands.command("schema", cls=HelpCommand)
def rules_schema(
    cases: Annotated[bool, typer.Option("--cases", help="The schema of test-case files (tests/*.yaml) instead.")]
    = False,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", metavar="FILE", help="Write to this file instead of stdout.", show_default=False)] = None,
    rules: Annotated[Path | None, typer.Option("--rules", metavar="DIR", show_default=False,
                                               help="Make the schema specific to this rulebook: its question, "
                                                    "pathway, score, flag and topic ids.")] = None,
    lang: LangOption = None,
) -> None:
    """Print the JSON Schema of the rulebook format, for editors to autocomplete and flag mistakes.

    \b
    Example (VS Code with the YAML extension, in .vscode/settings.json):
        screener rules schema -o rulebook.schema.json
        screener rules schema --cases -o cases.schema.json
        "yaml.schemas": {
          "rulebook.schema.json": ["rules/**/*.yaml", "!rules/tests/**"],
          "cases.schema.json": ["rules/tests/*.yaml"]}
    """
    import json

    from screener.schema import cases_schema, rulebook_schema, with_ids

    schema = cases_schema() if cases else rulebook_schema()
    if rules is not None:
        from screener.rulebook import load_rulebook

        schema = with_ids(schema, load_rulebook(rules))
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    from screener.files import atomic_write

    try:
        with atomic_write(output, private=False, option="--output") as stream:
            stream.write(text.encode("utf-8"))
    except OSError as error:
        raise ScreenerError(_("cannot write {file}: {reason}").format(file=output, reason=error.strerror)) from None


@commands.command("diff", cls=HelpCommand)
def rules_diff(
    old: Annotated[Path, typer.Argument(
        metavar="OLD", help="The rulebook as it is now (folder).", show_default=False)],
    new: Annotated[Path, typer.Argument(
        metavar="NEW", help="The rulebook with your change (folder).", show_default=False)],
    intake: Annotated[str | None, typer.Argument(
        metavar="INTAKE", show_default=False,
        help="Intake CSV or .xlsx, read as `screener batch` reads it: one row per person, headers matched to "
             "field ids, labels or questions ('-' reads stdin); or one person's answer file (.yaml, .json), "
             "read as `screener check --answers` reads it.")] = None,
    answers: Annotated[str | None, typer.Option("--answers", metavar="FILE", show_default=False,
                                                help="The intake or answer file, given as an option instead (the "
                                                     "same as INTAKE).")] = None,
    map_file: MapOption = None,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    as_of: AsOfOption = None,
    new_as_of: Annotated[str | None, typer.Option("--new-as-of", metavar="DATE", show_default=False,
                                                  help="Apply NEW as of this date instead (e.g. the day a "
                                                       "rule ends).")] = None,
    id_column: Annotated[str | None, typer.Option("--id", metavar="COLUMN", show_default=False,
                                                  help="CSV column that names each row (e.g. client_id).")] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="Changed rows to explain (0: all); every row is "
                                                       "still counted.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON (causes as data).")] = False,
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE", show_default=False,
                                              help="Also write a report a partner can read in a browser.")] = None,
    lang: LangOption = None,
) -> None:
    """Screen the same intake under two rulebooks: whose outcomes or scores change, and why.

    Prints, per pathway and score, how many rows change (eligible → ineligible: 3), pathways that only
    one rulebook has (counted apart), fields the intake lacks, then each changed row with the
    requirement (and amounts) or table row that caused it. OLD and NEW may be the same folder with
    --new-as-of to see what a dated change does.

    \b
    Examples:
        screener rules init proposal/ && $EDITOR proposal/tables/crs.yaml
        screener rules diff rules/ proposal/ intake.csv \\
            --id client_id --html impact.html
        screener rules diff rules/ proposal/ form.csv --map intake-map.yaml
        screener rules diff rules/ rules/ intake.csv \\
            --as-of 2025-03-24 --new-as-of 2025-03-25
    """
    from screener.compiled import today
    from screener.impact import diff_intake, impact_json
    from screener.intake import load_intake_map
    from screener.rulebook import load_rulebook

    if intake is not None and answers is not None and intake != answers:
        raise ScreenerError(_("--answers: the intake is already given as INTAKE; give it once"), exit_code=2)
    answers = intake or answers
    if answers is None:
        raise ScreenerError(_("no intake to compare on: give it after the two rulebooks, like `screener rules diff "
                              "OLD NEW intake.csv`"), exit_code=2)
    if html is not None:  # the intake and the map are never written over
        from screener.commands.batch import check_not_overwritten

        check_not_overwritten(answers, str(html), "--html")
        if map_file is not None:
            check_not_overwritten(str(map_file), str(html), "--html", "--map")
    one_person = is_answer_file(answers)
    if one_person:  # read (and refused) before any rulebook is loaded, as an intake's options are
        person = answer_file_as_intake(answers, {"--sheet": sheet, "--encoding": encoding, "--map": map_file,
                                                 "--id": id_column})
    workbook = not one_person and check_intake_options(answers, sheet, encoding)
    intake_map = load_intake_map(map_file) if map_file is not None else None
    old_book, new_book = load_rulebook(old), load_rulebook(new)
    date = parse_as_of(as_of) or today()
    new_date = parse_as_of(new_as_of) or date
    if one_person:
        impact = diff_intake(old_book, new_book, person, date, new_date, None, limit, one_person=True)
    else:
        with opened_intake(answers, sheet, workbook) as (stream, _size):
            impact = diff_intake(old_book, new_book, stream, date, new_date, id_column, limit, encoding, intake_map)
    if html is not None:
        from screener.files import atomic_write
        from screener.render.rules_diff import impact_html

        try:
            with atomic_write(html, private=False, option="--html") as out:
                out.write(impact_html(impact, answers, limit).encode("utf-8"))
        except OSError as error:
            raise ScreenerError(_("cannot write {file}: {reason}").format(file=html, reason=error.strerror)) from None
    if as_json:
        import json

        text = json.dumps(impact_json(impact, limit), indent=2, ensure_ascii=False, allow_nan=False, default=str)
        sys.stdout.write(text + "\n")
        return
    from screener.render.console import make_console
    from screener.render.rules_diff import render_impact

    console = make_console()
    _warn_stale(console, old_book, new_book, dates=(date, new_date))
    render_impact(console, impact, answers, limit)


@commands.command("explain", cls=HelpCommand)
def rules_explain(
    pathway: Annotated[str | None, typer.Argument(
        metavar="PATHWAY", help="Pathway id (omit to list them).", show_default=False)]
    = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown (to save, diff or review).")]
    = False,
    lang: LangOption = None,
) -> None:
    """Explain a pathway as the rulebook understands the law: requirements, tables, next steps, references.

    \b
    Examples:
        screener rules explain                       # list the pathways
        screener rules explain express_entry_fsw
        screener rules explain express_entry_fsw --markdown > fsw.md
    """
    from screener.compiled import today
    from screener.render.console import make_console
    from screener.render.rules_explain import pathway_list_markdown, pathway_markdown, print_markdown
    from screener.rulebook import load_rulebook
    from screener.suggest import did_you_mean

    rulebook = in_chosen_language(load_rulebook(rules))
    if pathway is not None and pathway not in rulebook.pathways:
        raise ScreenerError(_("no pathway '{pathway}' in {rulebook}").format(pathway=pathway, rulebook=rulebook.path)
                            + did_you_mean(pathway, rulebook.pathways),
                            details=[_("pathways: {ids}").format(ids=", ".join(rulebook.pathways))])
    date = parse_as_of(as_of) or today()
    text = (pathway_list_markdown(rulebook) if pathway is None
            else pathway_markdown(rulebook, pathway, date, today()))
    if markdown:
        sys.stdout.write(text)
        return
    console = make_console()
    _warn_stale(console, rulebook, dates=(date,))
    print_markdown(console, text)


@commands.command("init", cls=HelpCommand)
def rules_init(
    directory: Annotated[Path, typer.Argument(
        metavar="DIR", help="New folder for your copy of the rulebook.", show_default=False)],
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Copy the rulebook (the built-in one, or --rules / $SCREENER_RULES) to a new folder to edit.

    \b
    Example:
        screener rules init my-rules/
        export SCREENER_RULES=my-rules/      # every command now uses your copy
    """
    import shutil

    from screener.files import cannot_write
    from screener.rulebook import resolve_rules_path, rule_files

    source = resolve_rules_path(rules)
    if not source.is_dir() or not rule_files(source):
        raise ScreenerError(_("{folder}: not a rulebook folder (no *.yaml files)").format(folder=source))
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ScreenerError(_("{folder} already exists and is not empty; choose a new folder").format(folder=directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a folder that cannot be made: the argument's fault, before anything is copied
        raise cannot_write("DIR", directory, error) from None
    try:
        shutil.copytree(source, directory, dirs_exist_ok=True, copy_function=shutil.copyfile,
                        ignore=shutil.ignore_patterns("__pycache__", ".*"))
    except OSError as error:
        raise ScreenerError(_("cannot copy to {folder}: {reason}").format(folder=directory,
                                                                          reason=error.strerror or error)) from None
    count = sum(1 for _ in directory.rglob("*.yaml"))
    _relax_languages(directory)
    _write_editor_settings(directory)
    console_out = sys.stdout
    console_out.write(ngettext("Copied {count} rule and test file from {source} to {folder}.",
                               "Copied {count} rule and test files from {source} to {folder}.", count).format(
                                   count=count, source=source, folder=directory) + "\n"
                      + _("Open {folder} in VS Code (with the YAML extension) for completion and checks as you "
                          "type.").format(folder=directory) + "\n"
                      + _("Next: edit them, then  screener rules validate {folder}  and  "
                          "screener rules test {folder}").format(folder=directory) + "\n"
                      + _("Use it everywhere with  --rules {folder}  or  export SCREENER_RULES={folder}").format(
                          folder=directory) + "\n")


def _relax_languages(directory: Path) -> None:
    """A copy warns about texts without French instead of refusing them (the shipped rules refuse them):
    its `languages: required` line is commented out, to be restored once the copy's French is complete."""
    import re

    from screener.files import atomic_write

    path = directory / "rulebook.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    relaxed = re.sub(r"(?m)^(\s*)(languages:\s*\{\s*required:.*)$",
                     r"\1# \2  (copy: a missing translation is a warning)", text)
    if relaxed != text:
        with atomic_write(path, private=False) as stream:
            stream.write(relaxed.encode("utf-8"))


def _write_editor_settings(directory: Path) -> None:
    """`.vscode/` in the copy: its schemas and the globs that map them onto the copy's files."""
    from screener.rulebook import RulebookError, load_rulebook
    from screener.schema import editor_settings

    try:
        rulebook = load_rulebook(directory)
    except RulebookError:
        rulebook = None  # a broken rulebook still gets the general schema
    folder = directory / ".vscode"
    try:
        folder.mkdir(exist_ok=True)
        for name, text in editor_settings(rulebook).items():
            (folder / name).write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or error
        raise ScreenerError(_("cannot write {file}: {reason}").format(file=folder, reason=reason)) from None
