"""The interview at a terminal: one question at a time, typed prompts, help, back and skip.

All decisions (what to ask, what a reply means) are in `screener.interview`; this module only prints
and reads. Ctrl-C and end of input propagate (KeyboardInterrupt / EOFError) for the command to handle.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from screener.i18n import N_, _, ngettext
from screener.interview import (
    CLOSE,
    SKIP_WORDS,
    UNSURE,
    Answer,
    Back,
    Help,
    Interview,
    Invalid,
    Skip,
    hint,
    parse_reply,
)
from screener.model import Question
from screener.render.console import whole
from screener.render.verdict import Link, hang, where_to_check

Reader = Callable[[], str]

INTRO = N_("Answer each question and press Enter. Type ? for help, back to change your previous answer, "
           "skip if you don't know. Ctrl-C stops.")
YES_WORDS = frozenset({"y", "yes", "o", "oui"})
NO_WORDS = frozenset({"n", "no", "non", ""})


def ask(console: Console, question: Question) -> None:
    console.print(Text(question.prompt, style="bold"))
    if question.type == "choice":
        for number, choice in enumerate(question.choices or [], start=1):  # a long label wraps under itself
            console.print(hang(f"{number}. ", choice.label or choice.value.replace("_", " "), indent=2))
    console.print(Text(f"({hint(question)})", style="dim"))


def _check_others(interview: Interview, console: Console, read: Reader, count: int) -> bool:
    """The goal's routes are decided: ask whether to go on with the others. True to go on."""
    interview.offered = True
    decided = interview.goal_words()
    console.print(Text("\n" + decided, style="bold"))
    offer = ngettext("Check the other routes too? (at most {count} more question) yes or no",
                     "Check the other routes too? (at most {count} more questions) yes or no",
                     count).format(count=count) if count <= CLOSE else _("Check the other routes too? yes or no")
    console.print(Text(offer, style="bold"))  # a far-off bound only deters: counted once small (see Progress)
    while True:
        console.print("> ", end="")
        word = read().strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            interview.only_goal = True
            return False
        console.print(Text(_("Sorry: please type yes or no."), style="red"))


def run_interview(interview: Interview, console: Console, read: Reader) -> None:
    """Ask until nothing that matters is left. `read` returns one line (raising EOFError at the end)."""
    console.print(Text(_(INTRO), style="dim"))
    topic: str | None = None
    while (question := interview.next_question()) is not None:
        if (others := interview.offer_others()) and not _check_others(interview, console, read, others):
            continue
        progress = interview.progress()
        question = interview.asked(question)  # on the chosen test's own scale, where the rules give one
        if question.topic != topic:
            topic = question.topic
            console.print(Text("\n" + progress.heading(), style="bold underline"))
        if line := progress.line():
            console.print(Text(line, style="dim"))
        ask(console, question)
        while True:
            console.print("> ", end="")
            reply = parse_reply(question, read())
            if isinstance(reply, Help):
                console.print(Text(question.help or _("No more help for this question."), style="cyan"))
                _print_where_to_check(console, question)
                console.print(Text(_("({hint}; or skip if you don't know)").format(hint=hint(question)), style="dim"))
                continue
            if isinstance(reply, Invalid):
                console.print(Text(_("Sorry: {reason}. Please try again.").format(reason=reply.reason), style="red"))
                continue
            if isinstance(reply, Back):
                previous = interview.back()
                if previous is None:
                    console.print(Text(_("This is the first question; there is nothing to go back to."),
                                       style="red"))
                    continue
                console.print(Text(_("Going back to: {question}").format(question=previous.prompt), style="dim"))
            elif isinstance(reply, Skip):
                interview.decline(question)
                console.print(Text(_("Skipped: this stays unknown."), style="dim"))
                _print_where_to_check(console, question)
            elif isinstance(reply, Answer):
                interview.answer(question, reply.value)
                if reply.value == UNSURE:
                    _print_where_to_check(console, question)
                for line in interview.shown_back(question):  # a test's scores shown back as their levels
                    console.print(Text(_("= {line}").format(line=line), style="cyan"))
            break
    console.print()


def _print_where_to_check(console: Console, question: Question) -> None:
    """The official page where the answer can be looked up (a list of professions), whole on its line."""
    for words, url in where_to_check({question.id: question}, [question.id]):
        console.print(Link(f"{words} {url}", style="cyan"), soft_wrap=True)


def keep_answers(console: Console, read: Reader, default: str, command: str) -> str | None:
    """The questions are over: offer to keep the answers, so that the full detail (`command`) needs no
    second interview. Nothing is written unless the person says so (a shared computer). Returns the
    file name chosen (`default` on yes) or None."""
    console.print(Text(_("Save your answers? Then {command} shows the full detail without answering again.").format(
        command=whole(command)), style="bold"))
    console.print(Text(_("Type yes to save them to {file} (readable only by you), another file name, or press Enter "
                         "not to save.").format(file=default), style="dim"))
    console.print("> ", end="")
    try:
        word = read().strip()
    except (KeyboardInterrupt, EOFError):
        console.print()
        return None
    return chosen_file(word, default)


def chosen_file(reply: str, default: str) -> str | None:
    """What a reply to an offer to save means (the one reading for every such offer): yes/oui is `default`,
    no/non, skip or Enter is None (nothing written), anything else is the file name typed."""
    word = reply.strip()
    if word.lower() in YES_WORDS:
        return default
    return None if word.lower() in NO_WORDS | SKIP_WORDS else word
