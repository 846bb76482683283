"""Text written into a Markdown report or letter reads back as exactly that text: no heading, list, link,
HTML or emphasis can be smuggled in by a rule text or a spreadsheet cell, and nothing harmless is
escaped (a person opening the .md file reads "(fédéral)", not "\\(fédéral\\)")."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from screener.render.report_file import md

PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def rendered(text: str) -> tuple[list[str], str]:
    """The block token types and the plain text CommonMark makes of `text` as a paragraph of its own."""
    tokens = PARSER.parse(text)
    blocks = [token.type for token in tokens]
    inline = [child for token in tokens if token.type == "inline" for child in token.children or []]
    kinds = {child.type for child in inline}
    assert kinds <= {"text", "softbreak", "text_special"}, kinds
    return blocks, "".join(child.content for child in inline)


SYNTAX = st.text(alphabet="#+-=*_`[]()<>!|~\\&.1234567890 aéZ:/", max_size=30)


@settings(max_examples=400, deadline=None)
@given(SYNTAX)
def test_any_text_reads_back_as_itself(text: str) -> None:
    flat = " ".join(text.split())
    if not flat:
        return
    blocks, plain = rendered(md(text))
    assert blocks == ["paragraph_open", "inline", "paragraph_close"]
    assert html.unescape(plain) == html.unescape(flat) or plain == flat


def test_parentheses_and_plain_punctuation_stay_unescaped() -> None:
    text = "Programme des travailleurs qualifiés (fédéral) : 67 points + 2 ans!"
    assert md(text) == text


def test_what_would_be_syntax_is_escaped() -> None:
    for text in ("# Heading", "1. item", "- item", "[link](https://example.com)", "<b>bold</b>", "a | b", "*x*"):
        blocks, plain = rendered(md(text))
        assert blocks == ["paragraph_open", "inline", "paragraph_close"], text
        assert plain == text
