"""The program's message catalogs: extract, update and compile them with Babel (a development tool).

`python tests/catalog.py` re-extracts every `_()`/`ngettext()`/`N_()`/`pgettext()` string from screener/ and
every text `--help` shows (from the assembled app), merges them into
screener/locale/<lang>/LC_MESSAGES/screener.po (new strings get an empty translation, removed ones are
dropped, never guessed: no fuzzy matching) and compiles the .mo files that ship in the wheel.
tests/test_i18n.py uses the same functions to fail when a string lacks its translation or a .mo is stale.
No source locations are written, so catalogs do not change when code moves (fewer merge conflicts).
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "screener"
LOCALES = PACKAGE / "locale"
TRANSLATED = ("fr",)
PLURALS = {"fr": "nplurals=2; plural=(n > 1);"}  # gettext's usual French rule: 0 and 1 are singular
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "screener.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def fill(translations: dict[str, str], lang: str = "fr") -> None:
    """Write translations into the .po (a translator's shortcut; `update()` afterwards compiles)."""
    catalog = read(lang)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog, no_location=True, omit_header=False, sort_output=True, width=120,
             include_previous=False)
    po_path(lang).write_bytes(buffer.getvalue())


def extract() -> Catalog:
    """Every program string, as the template (.pot) would hold it."""
    template = Catalog(project="screener", domain="screener")
    for _filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS):
        template.add(message, None, [], auto_comments=comments, context=context)
        del lineno
    for context, message, where in command_help():
        if template.get(message, context=context) is None:
            template.add(message, None, [], auto_comments=[f"--help of {where}"], context=context)
    return template


def command_help() -> list[tuple[str | None, str, str]]:
    """The texts `--help` shows (docstrings, options' help, metavars), from the assembled app: they are
    English in the source and translated when help is formatted (screener/commands/help.py)."""
    from typer.main import get_command

    from screener.cli import app
    from screener.commands.help import help_messages

    return list(help_messages(get_command(app)))


def untranslated(message: Message) -> bool:
    """No translation, or a plural message with a form left empty."""
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(forms)


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as stream:
        return read_po(stream, locale=lang, domain="screener")


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    for lang in TRANSLATED:
        path = po_path(lang)
        if path.exists():
            catalog = read(lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, project="screener", domain="screener")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.creation_date = catalog.revision_date = FIXED_DATE  # no date churn in every update
        catalog.mime_headers = [*((k, v) for k, v in catalog.mime_headers if k.lower() != "plural-forms"),
                                ("Plural-Forms", PLURALS[lang])]
        buffer = io.BytesIO()
        write_po(buffer, catalog, no_location=True, omit_header=False, sort_output=True, width=120,
                 include_previous=False)
        path.write_bytes(buffer.getvalue())
        mo_path(lang).write_bytes(compiled(read(lang)))
        missing = [message.id for message in read(lang) if message.id and (untranslated(message) or message.fuzzy)]
        print(f"{path.relative_to(ROOT)}: {len(catalog) - 1} messages, {len(missing)} without translation")


if __name__ == "__main__":
    update()
