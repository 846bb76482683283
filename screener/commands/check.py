"""`screener check`: the interview and the verdict."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from screener.commands import AsOfOption, LangOption, RulesOption, in_chosen_language, long_lived, parse_as_of
from screener.commands.help import HelpCommand
from screener.i18n import _

if TYPE_CHECKING:  # imported lazily at run time: `screener --help` stays fast
    import datetime as dt

    from rich.console import Console

    from screener.interview import Interview
    from screener.render.verdict import Context
    from screener.report import Report
    from screener.rulebook import Rulebook


commands = typer.Typer()  # assembled into `screener` by screener/cli.py


@commands.command(
    "check", cls=HelpCommand,
    short_help="Answer a few questions: which routes to Canada are open to you.")
def check(
    answers: Annotated[Path | None, typer.Option(
        "--answers", metavar="FILE",
        help="Pre-fill answers from a YAML or JSON file (- reads standard input: then nothing is asked); only the "
             "rest are asked.",
        show_default=False)] = None,
    save: Annotated[Path | None, typer.Option(
        "--save", metavar="FILE",
        help="Write your answers to FILE (readable only by you), to reuse with --answers; - writes them to standard "
             "output, and the verdict to standard error.",
        show_default=False)] = None,
    no_input: Annotated[bool, typer.Option(
        "--no-input", help="Never ask: questions not answered in --answers stay unknown.")] = False,
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the JSON report (and nothing else) on standard output; with --answers, ask nothing.")]
    = False,
    with_what_if: Annotated[bool, typer.Option(
        "--what-if", help="With --json: add the what-if suggestions (--details always shows them).")] = False,
    details: Annotated[bool, typer.Option(
        "--details", help="The full verdict: every requirement, scores, what-if, references (paged on a terminal).")]
    = False,
    report_file: Annotated[Path | None, typer.Option(
        "--report", metavar="FILE",
        help="Also write the full verdict to FILE: Markdown (.md) or HTML (.html); - for Markdown on stdout.",
        show_default=False)] = None,
    lang: LangOption = None,
) -> None:
    """Can I move to Canada, and how? Answer a few questions and get a verdict on every pathway.

    Only questions that can still change a result are asked. Type ? for help on a question, back to
    change your previous answer, skip if you don't know (unknown is never taken as no).

    \b
    Examples:
        screener check
        screener check --save me.yaml
        screener check --answers me.yaml --details
        screener check --answers me.yaml --report verdict.html
        screener check --answers me.yaml --no-input --json
    """
    to_stdout = save is not None and str(save) == "-"  # the answers on stdout: the verdict goes to stderr
    if to_stdout and (as_json or str(report_file) == "-"):
        from screener.errors import ScreenerError

        raise ScreenerError((_("--save - with --json: both would go to standard output; save the answers to a file")
                             if as_json else _("--save - with --report -: both would go to standard output; save the "
                                               "answers to a file")), exit_code=2)
    from_stdin = answers is not None and str(answers) == "-"  # standard input holds the answers: nobody to ask
    with long_lived():
        from screener.answerfile import read_answer_file
        from screener.compiled import today
        from screener.rulebook import resolve_rules_path
        from screener.rulecache import load_rulebook_cached

        when = parse_as_of(as_of) or today()
        rulebook = in_chosen_language(load_rulebook_cached(resolve_rules_path(rules)))
    _warn_coverage(rulebook, when)
    prefilled = read_answer_file(answers) if answers is not None else None
    values = rulebook.read_answers(prefilled.answers) if prefilled else {}
    asking = not no_input and not from_stdin and not (as_json and answers is not None)  # a program's file and JSON
    if as_json and not asking and save is None:  # the answers as they are: no interview to hold them
        _print_json(rulebook, values, when, with_what_if=with_what_if)
        return
    from screener.answers import says_unsure
    from screener.interview import Interview

    declined = {q for q in (prefilled.declined if prefilled else set()) if q in rulebook.questions}
    # "unsure" in a file for a question with no "not sure" choice (a yes/no): unknown, as the interview takes it at
    # its prompt (never asked again), and marked "not sure" with where to check, as a skipped one is (review12 B2)
    not_sure = {q for q, raw in (prefilled.answers.items() if prefilled else ())
                if q in rulebook.questions and q not in values and says_unsure(raw)}
    declined |= not_sure
    interview = Interview.start(rulebook, when, values, declined)
    offered: Path | None = None
    refused = False  # the person was offered to keep the answers and did not
    if asking and _can_ask():
        _interview(interview, save, answers)
        if save is None and not as_json and interview.history and not interview.settled():  # a citizen needs proof
            offered, refused = _offer_keep(interview)
    elif asking and interview.next_question() is not None:
        from screener.render.console import make_console

        make_console(stderr=True).print(
            _("Not a terminal: no questions asked; unanswered ones stay unknown (use --answers FILE, --no-input)."),
            soft_wrap=True)
    if save is not None:
        _save(interview, save)

    if as_json:
        _print_json(rulebook, interview.answers, when, with_what_if=with_what_if)
        return
    from screener.evaluation import evaluate

    report = evaluate(rulebook, interview.answers, when)
    from screener.guidance import stale_figures
    from screener.render.verdict import Context

    kept = offered or (None if to_stdout else save) or (None if interview.history else answers)
    # ^ a file holding every answer given (`-`: the same input again)
    if kept is not None:
        rerun = f"screener check --answers {shlex.quote(str(kept))} --details"
    elif interview.history and not refused:  # answered here, kept nowhere: the details need them again, so keep them
        rerun = f"screener check --save {_('my-answers')}.yaml --details"
    else:
        rerun = "screener check --details"
    suggestions = None
    if details or report_file is not None or not report.goal_open(interview.goal()):  # the screen's what-if
        from screener.whatif import what_if

        suggestions = what_if(rulebook, interview.answers, report)
    context = Context(rulebook.questions, interview.answers, stale_figures(rulebook, interview.answers, when), rerun,
                      interview.reach().stuck, frozenset(interview.declined), suggestions,
                      frozenset(not_sure & interview.declined))
    if details or report_file is not None:
        _full(rulebook, report, context, details=details, report_file=report_file, stderr=to_stdout)
    if not details and str(report_file) != "-":  # `--report -` asked for the full verdict alone on stdout
        from screener.render.console import make_console
        from screener.render.verdict import print_verdict

        print_verdict(make_console(stderr=to_stdout), report, rulebook.questions, context=context)


def _warn_coverage(rulebook: Rulebook, when: dt.date) -> None:
    """One line on stderr when the as-of date is before what the rulebook models (never an error)."""
    notes = rulebook.coverage(when)
    if notes:
        from rich.markup import escape

        from screener.render.console import make_console

        console = make_console(stderr=True)
        for note in notes:
            console.print(f"[yellow]{escape(_('warning:'))}[/] {escape(note)}", soft_wrap=True)


def _print_json(rulebook: Rulebook, answers: dict[str, Any], when: dt.date, *, with_what_if: bool) -> None:
    """The contract's report on standard output, as `screener batch --format jsonl` writes it per row."""
    from screener.evaluation import evaluate

    report = evaluate(rulebook, answers, when)
    data = report.to_json()
    if with_what_if:
        from screener.whatif import what_if

        data["what_if"] = what_if(rulebook, answers, report).to_json()
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _full(rulebook: Rulebook, report: Report, context: Context, *, details: bool, report_file: Path | None,
          stderr: bool = False) -> None:
    """The full verdict: paged on a terminal (--details), and/or kept in a file (--report); on stderr, never
    paged, when the answers go to stdout (`--save -`)."""
    suggestions = context.what_if
    if report_file is not None:
        from screener.render.report_file import write_report

        write_report(report_file, report, suggestions, context)
        from screener.render.console import make_console

        if str(report_file) != "-":
            make_console(stderr=True).print(_("Full verdict written to {file}.").format(file=report_file), markup=False,
                                            soft_wrap=True)
    if details:
        from screener.render.console import make_console
        from screener.render.verdict import page_parts, print_parts, verdict

        console = make_console(stderr=stderr)
        parts = verdict(report, rulebook.questions, suggestions, context)
        if not stderr and console.is_terminal and sys.stdin.isatty() and sys.stdout.isatty():  # FORCE_COLOR: no pager
            page_parts(console, parts)
        else:
            print_parts(console, parts)


def _can_ask() -> bool:
    """Questions need a person at a keyboard: a script piping stdin gets --no-input behaviour, so a
    half-filled answers file never starts an interview nobody can see."""
    return sys.stdin.isatty()


def _interview(interview: Interview, save: Path | None, resumed: Path | None = None) -> None:
    """Run the questions at the terminal; on Ctrl-C or end of input, offer to save and exit cleanly.

    The interview talks on stderr (the terminal), so `screener check > verdict.txt` and `--json` keep
    standard output for the result alone.
    """
    from screener.render.console import make_console
    from screener.render.prompt import run_interview

    console = make_console(stderr=True)
    kept = _recovery_file()
    from_kept = kept is not None and resumed is not None and resumed.resolve() == kept.resolve()
    if not from_kept:
        _recovered_hint(console, kept)
    previous = _on_hangup()
    try:
        run_interview(interview, console, input)
        if from_kept and kept is not None:
            kept.unlink(missing_ok=True)  # resumed and finished: the kept answers have served
    except HangUp:
        _save_after_hangup(interview, save, console)
        raise typer.Exit(129) from None
    except (KeyboardInterrupt, EOFError) as stop:
        interrupted = isinstance(stop, KeyboardInterrupt)
        console.print("\n" + (_("Interrupted.") if interrupted
                              else _("End of input: the interview stopped before the verdict.")))
        _offer_save(interview, save, console)
        raise typer.Exit(130 if interrupted else 1) from None
    finally:
        _restore_hangup(previous)


class HangUp(Exception):
    """The terminal went away (SIGHUP) during the interview."""


def _on_hangup() -> object:
    """Turn SIGHUP into `HangUp` while the interview runs (the default would kill the process and lose
    the answers). Returns the previous handler, or None where there is no SIGHUP."""
    import signal

    if not hasattr(signal, "SIGHUP"):
        return None

    def hung_up(signum: int, frame: object) -> None:
        raise HangUp()

    return signal.signal(signal.SIGHUP, hung_up)


def _restore_hangup(previous: object) -> None:
    import signal

    if previous is not None and hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, previous)  # type: ignore[arg-type]


def _recovery_file() -> Path | None:
    """Where answers are kept when the terminal hangs up without --save: the per-user cache folder."""
    from screener.rulecache import cache_dir

    folder = cache_dir()
    return None if folder is None else folder / "interrupted-answers.yaml"


KEEP_DAYS = 7  # a cut-off interview's answers are kept this long, then deleted unread (a shared computer)


def _save_after_hangup(interview: Interview, save: Path | None, console: Console) -> None:
    """Nobody is left to ask: keep the answers (to --save, else the recovery file, owner-only) and say
    so where it can still be read (the next interview repeats it)."""
    if not interview.history:
        return
    target = save if save is not None else _recovery_file()
    if target is None:
        return
    if save is None:
        import os

        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(target.parent, 0o700)
    from screener.answerfile import write_answer_file

    write_answer_file(target, interview.answers, interview.declined)
    import contextlib

    words = (_("Hung up. Answers kept for {days} days: continue with {command}") if save is None
             else _("Hung up. Answers kept: continue with {command}"))
    with contextlib.suppress(OSError):  # the terminal is gone; the next interview names the file
        command = f"screener check --answers {shlex.quote(str(target))}"
        console.print("\n" + words.format(days=KEEP_DAYS, command=command), soft_wrap=True, markup=False)


def _recovered_hint(console: Console, kept: Path | None) -> None:
    """One line when an earlier interview was cut off by a hang-up and its answers were kept: when, how to
    go on and how to delete them. After KEEP_DAYS they are deleted instead: on a shared account the line
    would otherwise point every later user at someone's answers for ever."""
    if kept is None or not kept.is_file():
        return
    import contextlib
    import datetime as dt

    from screener.i18n import format_date

    with contextlib.suppress(OSError):
        written = dt.datetime.fromtimestamp(kept.stat().st_mtime)
        until = written + dt.timedelta(days=KEEP_DAYS)
        if dt.datetime.now() >= until:
            kept.unlink(missing_ok=True)
            return
        console.print(_("An earlier interview was cut off on {date}; its answers are kept until {until}: continue with "
                        "{command}, or delete them now with {delete}").format(
            date=format_date(written.date()), until=format_date(until.date()),
            command=f"screener check --answers {shlex.quote(str(kept))}", delete=f"rm {shlex.quote(str(kept))}"),
            soft_wrap=True, markup=False, style="dim")


def _offer_save(interview: Interview, save: Path | None, console: Console) -> None:
    """Keep what was answered so far: to --save if given, else ask for a file name on a terminal."""
    if not interview.history:
        return  # nothing new since the answers file (if any)
    if save is None:
        if not sys.stdin.isatty():
            return
        from screener.render.prompt import chosen_file

        default = _free_name(_("my-answers"))
        try:
            console.print(_("Save your answers to continue later? Type yes to save them to {file} (readable only by "
                            "you), another file name, or press Enter to leave without saving.").format(file=default),
                          markup=False)
            console.print("> ", end="")
            name = chosen_file(input(), default)
        except (KeyboardInterrupt, EOFError):
            console.print()
            return
        if name is None:
            return
        save = Path(name).expanduser()
    _save(interview, save, console)
    console.print(_("Continue with: {command}").format(command=f"screener check --answers {shlex.quote(str(save))}"),
                  soft_wrap=True, markup=False)


def _offer_keep(interview: Interview) -> tuple[Path | None, bool]:
    """After an interview at the terminal without --save: offer to keep the answers (owner-only) in a new file
    of the current folder. Never the --answers file: rewriting it would drop the person's own comments and
    layout unasked. Returns where they were kept, and whether the person said no."""
    from screener.errors import ScreenerError
    from screener.render.console import make_console
    from screener.render.prompt import keep_answers

    console = make_console(stderr=True)
    default = _free_name(_("my-answers"))
    command = f"screener check --answers {shlex.quote(default)} --details"
    chosen = keep_answers(console, input, default, command)
    if chosen is None:
        return None, True
    path = Path(chosen).expanduser()
    try:
        _save(interview, path, console, option=None)
    except ScreenerError as error:  # the verdict still comes; the person may save with --save next time
        console.print(_("Not saved: {reason}").format(reason=error.message), markup=False, soft_wrap=True, style="red")
        return None, False
    console.print()
    return path, False


def _free_name(stem: str) -> str:
    """A file name in the current folder that holds nothing yet: my-answers.yaml, then my-answers-2.yaml, ..."""
    number = 1
    while True:
        name = f"{stem}.yaml" if number == 1 else f"{stem}-{number}.yaml"
        if not Path(name).exists():
            return name
        number += 1


def _save(interview: Interview, path: Path, console: Console | None = None, option: str | None = "--save") -> None:
    from screener.answerfile import write_answer_file
    from screener.render.console import make_console

    write_answer_file(path, interview.answers, interview.declined, option)
    out = console or make_console(stderr=True)
    from screener.files import is_stream

    message = (_("Answers written to standard output.") if str(path) == "-"
               else _("Answers saved to {file}.") if is_stream(path)  # a device or FIFO keeps its own mode
               else _("Answers saved to {file} (readable only by you)."))
    out.print(message.format(file=path), markup=False, soft_wrap=True)
