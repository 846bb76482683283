"""`screener batch`: screen a whole CSV intake at once."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from screener.commands import AsOfOption, LangOption, RulesOption, in_chosen_language, parse_as_of, stale_in_short
from screener.commands.help import HelpCommand
from screener.commands.inputs import EncodingOption, MapOption, SheetOption, check_intake_options, opened_intake
from screener.errors import ScreenerError
from screener.i18n import _, after_colon

PROGRESS_MIN_BYTES = 5_000_000


commands = typer.Typer()  # assembled into `screener` by screener/cli.py


@commands.command(
    "batch", cls=HelpCommand,
    short_help="Screen every row of an intake CSV: one output row per input row.")
def batch(
    input: Annotated[str, typer.Argument(metavar="FILE", help="Intake CSV or .xlsx ('-' reads stdin).")],
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE",
                                        help="Where to write the results ('-' writes stdout; a name ending in "
                                             ".xlsx writes a workbook).")],
    output_format: Annotated[str, typer.Option("--format", metavar="csv|jsonl",
                                               help="csv (one row per input row) or jsonl (a header record, "
                                                    "then one compact JSON record per row).")]
    = "csv",
    full: Annotated[bool, typer.Option("--full", help="With --format jsonl: the complete JSON report of "
                                                     "`check --json` on every line, no header record.")] = False,
    summary_file: Annotated[str | None, typer.Option("--summary", metavar="FILE",
                                                     help="Also write the run's summary there: a self-contained "
                                                          "HTML page (Markdown when FILE ends in .md).",
                                                     show_default=False)] = None,
    map_file: MapOption = None,
    columns: Annotated[str | None, typer.Option("--columns", metavar="FILE", hidden=True,
                                                help="The older name of --map.", show_default=False)] = None,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    excel: Annotated[bool | None, typer.Option("--excel/--no-excel",
                                               help="Start the CSV output with a BOM, so Excel on Windows shows "
                                                    "accents right (default: when the input came from Excel: a "
                                                    "BOM, Windows-1252 or UTF-16; never on standard output).",
                                               show_default=False)] = None,
    results_first: Annotated[bool, typer.Option("--results-first",
                                                help="Put the result columns right after the id columns.")] = False,
    ids: Annotated[list[str] | None, typer.Option("--id", metavar="COLUMN",
                                                  help="A column that says who a row is (repeatable; default: "
                                                       "every column that is not a field).",
                                                  show_default=False)] = None,
    letters: Annotated[Path | None, typer.Option("--letters", metavar="DIR",
                                                 help="Write one plain-language verdict per readable row there "
                                                      "(the text of `check --report`), named by the row number and "
                                                      "the --id column(s), else the columns headed like a name or an "
                                                      "id (never email, phone or notes).",
                                                 show_default=False)] = None,
    letters_html: Annotated[bool, typer.Option("--letters-html", help="Letters as HTML pages, not Markdown.")]
    = False,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
) -> None:
    """Screen every row of an intake CSV: one output row per input row, in order, with outcomes and errors.

    Reads CSV in UTF-8 (with or without BOM), UTF-16 or Windows-1252 (detected; --encoding to force),
    separated by ',', ';' or tab, or an .xlsx workbook (--sheet); headers match field ids ignoring
    case and spaces. The output is UTF-8, with the BOM Excel wants when the input came from Excel
    (--excel/--no-excel decide).
    Writes every input column, then one column per pathway, crs_score, fsw_points, flags, best_pathway,
    best_pathway_title, leads, missing (the answers that would decide the incomplete pathways, most
    decisive first), warnings and error. A summary goes to stderr (--summary FILE: an HTML page).
    Exit codes: 0 every row screened; 1 some rows are error rows (the output is still complete);
    2 the input, the map or an option cannot be used.

    \b
    Example:
        screener batch intake.csv -o screened.csv
    """
    import os
    import sys

    # polars allocates through jemalloc: one arena keeps the peak memory of a long run low (~15%)
    # at no cost in speed on small machines. Read when polars loads, so set before importing it.
    os.environ.setdefault("_RJEM_MALLOC_CONF", "narenas:1")
    from screener.batch import run_batch
    from screener.compiled import today
    from screener.csvio import atomic_output
    from screener.files import is_stream
    from screener.intake import load_intake_map
    from screener.render.batch_summary import render_summary
    from screener.render.console import make_console
    from screener.rulebook import load_rulebook, resolve_rules_path

    if output_format not in ("csv", "jsonl"):
        raise ScreenerError(_("--format: '{value}' is not csv or jsonl").format(value=output_format), exit_code=2)
    if full and output_format != "jsonl":
        raise ScreenerError(_("--full goes with --format jsonl"), exit_code=2)
    _check_not_the_input(input, output, "--output")
    if summary_file is not None:
        _check_not_the_input(input, summary_file, "--summary")
        _check_summary_target(summary_file, output)
    if output.lower().endswith(".xlsx"):
        if output_format != "csv":
            raise ScreenerError(_("--format jsonl cannot be written to an .xlsx file"), exit_code=2)
        output_format = "xlsx"
    workbook_input = check_intake_options(input, sheet, encoding)
    if output_format == "xlsx" or workbook_input:
        from screener.workbook import require_openpyxl

        require_openpyxl("--output" if output_format == "xlsx" else input)
    day = parse_as_of(as_of) or today()
    if map_file is not None and columns is not None:
        raise ScreenerError(_("--columns is the older name of --map: give one of them"), exit_code=2)
    map_option = "--columns" if columns is not None else "--map"
    map_path = map_file or columns
    if map_path:  # the firm's hand-made map is never written over either
        for option, target in (("--output", output), ("--summary", summary_file), ("--letters", letters)):
            if target is not None:
                check_not_overwritten(str(map_path), str(target), option, map_option)
    intake_map = load_intake_map(map_path, map_option) if map_path else None
    try:
        with _interruptible():
            rulebook = in_chosen_language(load_rulebook(resolve_rules_path(rules)))
            console = make_console(stderr=True)
            label = _("warning:")

            def warn(message: str) -> None:
                console.print(f"[yellow]{label}[/] {after_colon(message)}", soft_wrap=True)

            screen = functools.partial(run_batch, rulebook, as_of=day, warn=warn, intake_map=intake_map,
                                       map_option=map_option,
                                       output_format=output_format, encoding=encoding,
                                       excel=False if excel is None and output == "-" else excel,
                                       results_first=results_first, id_names=ids, full=full,
                                       detailed=summary_file is not None)
            if letters is not None:
                if output_format == "jsonl":
                    raise ScreenerError(_("--letters goes with a CSV or .xlsx output, not --format jsonl"),
                                        exit_code=2)
                from screener.render.letters import LetterWriter

                screen = functools.partial(screen, each_row=LetterWriter(letters, rulebook, day, html=letters_html))
            with (opened_intake(input, sheet, workbook_input) as (source, size),
                  atomic_output(output) as sink):  # names and answers: owner-only
                if sys.stderr.isatty() and size is not None and size >= PROGRESS_MIN_BYTES:
                    from rich.progress import Progress

                    with Progress(console=console, transient=True) as bar:
                        task = bar.add_task("Screening", total=size)
                        summary = screen(source, sink, progress=lambda done: bar.update(task, completed=done))
                else:
                    summary = screen(source, sink)
                if summary_file is not None:  # before the output is kept: a --summary it cannot write leaves none
                    from screener.render.batch_page import write_summary

                    write_summary(summary_file, summary, rulebook, day,
                                  "standard input" if input == "-" else Path(input).name)
    except Interrupted as stop:
        # The partial output is already gone (atomic_output cleaned up on the way out).
        where = _("standard output") if output == "-" else output
        what = (_("the output to {where} is incomplete").format(where=where) if is_stream(output)
                else _("{file} not written").format(file=output))
        sys.stderr.write(_("Interrupted: {what}").format(what=what) + "\n")
        raise typer.Exit(128 + stop.signum) from None
    for warning in stale_in_short(rulebook, day):  # after the run: never above an error that stops it
        console.print(f"[yellow]{label}[/] {after_colon(warning)}", soft_wrap=True)
    render_summary(console, summary)
    if summary.error_rows:
        raise typer.Exit(1)  # the output is complete; some rows could not be read (see their error cell)


def _check_not_the_input(input: str, target: str, option: str) -> None:
    """Writing over the intake would lose it (and half-read it): refused when `target` is the input file,
    under any name (a symlink, a hard link)."""
    check_not_overwritten(input, target, option)


def check_not_overwritten(input: str, target: str, option: str, given: str | None = None) -> None:
    """`target` is not the file `input` (the intake, or the file of the option `given`, like a --map), under
    any name (a symlink, a hard link): writing over it would lose it."""
    import os

    from screener.files import is_stream

    if input == "-" or target == "-" or is_stream(target):
        return
    try:
        same = os.path.samefile(input, target)
    except OSError:  # one of them does not exist (yet): not the same file
        return
    if same and given is not None:
        raise ScreenerError(_("{option}: {file} is the {given} file; write to another file, that file is kept")
                            .format(option=option, file=target, given=given), exit_code=2)
    if same:
        raise ScreenerError(_("{option}: {file} is the input file; write to another file, the input is kept")
                            .format(option=option, file=target), exit_code=2)


def _check_summary_target(summary: str, output: str) -> None:
    """The summary never lands on the results: not both on stdout, never the same file; a folder, or a file in
    no folder, is refused before the run, not after it (the rest is known only when writing)."""
    import errno
    import os

    from screener.files import cannot_write, is_stream

    if summary == "-" and output == "-":
        raise ScreenerError(_("--summary -: the results already go to standard output; give the summary a file"),
                            exit_code=2)
    if not is_stream(summary) and not is_stream(output) and os.path.realpath(summary) == os.path.realpath(output):
        raise ScreenerError(_("--summary: {file} is the output file; give the summary its own name").format(
            file=summary), exit_code=2)
    folder = os.path.dirname(summary) or "."
    if not is_stream(summary) and (os.path.isdir(summary) or not os.path.isdir(folder)):  # known before the run
        raise cannot_write("--summary", summary, IsADirectoryError(errno.EISDIR, _("is a folder; give a file name"))
                           if os.path.isdir(summary) else FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT)))


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM during a run: a BaseException, so only cleanup code (`finally`) sees it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM end the run through the normal cleanup (partial output removed), not mid-air.

    Without this, SIGTERM kills the process where it stands (leaving the temporary output) and Ctrl-C
    can land inside a worker's cleanup. The first signal raises `Interrupted` in the main thread; later
    ones are ignored while the cleanup (at most one block) finishes. A signal that lands inside a call from
    a native library (polars) cannot raise there: Python prints it as ignored and the library fails with
    some other error, which is then the interrupt's.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kinds = (signal.SIGINT, signal.SIGTERM)
    received: list[int] = []

    def stop(signum: int, frame: object) -> None:
        for kind in kinds:
            signal.signal(kind, signal.SIG_IGN)
        received.append(signum)
        raise Interrupted(signum)

    previous = {kind: signal.getsignal(kind) for kind in kinds}
    for kind in kinds:
        signal.signal(kind, stop)
    try:
        yield
    except Exception as error:
        if received:
            raise Interrupted(received[0]) from error
        raise
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler if handler is not None else signal.SIG_DFL)
