"""Issue 15: the polars fast path of `CsvReader` reads exactly what Python's path reads, and is taken.

`parse` sends a block to polars (`read_plain`, `read_quoted`) without scanning it for blank lines or counting
its separators: the cells' lengths show a short or blank line. The polars behaviours this relies on are
pinned here, and random hostile blocks are read both ways; expected cells come from the input itself.
"""

from __future__ import annotations

import io
import random

import polars as pl
import pytest

from screener.csvio import TEXT, CsvReader


def polars_cells(data: bytes, quote: str | None = None) -> list[tuple[str, ...]] | str:
    try:
        return pl.read_csv(data, has_header=False, separator=",", quote_char=quote,
                           schema=dict.fromkeys(["c0", "c1", "c2"], pl.String), empty_string_is_null=False).rows()
    except pl.exceptions.PolarsError:
        return "refused"


@pytest.mark.parametrize("quote", [None, '"'])
def test_the_polars_csv_behaviour_the_length_check_relies_on(quote: str | None) -> None:
    """A blank line is a row of empty cells (its missing separators show in the lengths); polars drops a CR
    that ends a cell and a BOM that starts the buffer (the reader keeps both, so such blocks are not polars');
    a last line without its line end may have one empty cell too many (the reader gives it one)."""
    assert polars_cells(b"1,2,3\n\n4,5,6\r\n\r\n", quote) == [("1", "2", "3"), ("", "", ""), ("4", "5", "6"),
                                                             ("", "", "")]
    assert polars_cells(b"1,2\r,3\n", quote) == [("1", "2", "3")]
    assert polars_cells(b"1,2,3\r\r\n", quote) == [("1", "2", "3\r")]
    assert polars_cells(b"\xef\xbb\xbf1,2,3\n4,\xef\xbb\xbf5,6\n", quote) == [("1", "2", "3"), ("4", "\ufeff5", "6")]
    assert polars_cells(b"1,2,3\n4,5,6,", quote) == [("1", "2", "3"), ("4", "5", "6")]
    assert polars_cells(b"1,2,3\n4,5,6,\n", quote) == "refused"
    assert polars_cells(b'"1","2"\r,"3"\n', '"') == [("1", "2", "3")]


def rows(data: bytes, block_bytes: int, *, fast: bool = True, lines: bool = True) -> list[tuple[object, ...]]:
    """Every row the reader yields (cells, line, problem); with `fast=False` no block goes to polars. The
    TEXT of a row, when there is one, is checked to be its cells joined (or to hold a CR: written anew)."""
    reader = CsvReader(io.BytesIO(data), block_bytes=block_bytes, lines=lines)
    if not fast:
        reader.read_plain = reader.read_quoted = lambda *args: None  # type: ignore[method-assign]
    found: list[tuple[object, ...]] = []
    for chunk in reader.chunks():
        frame = chunk.frame
        if TEXT in frame.columns:
            for *cells, text in frame.select(*reader.columns, TEXT).rows():
                assert "\r" in text or text == ",".join(cell or "" for cell in cells), (data, cells, text)
            frame = frame.drop(TEXT)
        found += frame.rows()
    return found


@pytest.mark.parametrize("case", [
    (b"a,b,c\n1,2\r,3\n4,5,6\n", [("1", "2\r", "3", 2, None), ("4", "5", "6", 3, None)]),
    (b'a,b,c\n"1","2"\r,"3"\n', [('"1"', '"2"\r', '"3"', 2, "line 2 of the file: broken quotes")]),  # text kept
    (b"a,b,c\n1,2,3\r\r\n", [("1", "2", "3\r", 2, None)]),
    (b"a,b,c\n1,2,3\n\n4,5,6\n", [("1", "2", "3", 2, None), ("4", "5", "6", 4, None)]),
    # the dropped CR would make up for the short line's missing separator in the lengths
    (b"a,b,c\n1\r,2,3\n4,5\n", [("1\r", "2", "3", 2, None), ("4", "5", None, 3, None)]),
])
@pytest.mark.parametrize("lines", [True, False], ids=["lines", "cells"])
def test_a_block_polars_would_read_otherwise_is_read_by_python(case: tuple[bytes, list[tuple[object, ...]]],
                                                               lines: bool) -> None:
    data, expected = case
    assert rows(data, 1 << 20, lines=lines) == expected


def test_a_bom_starting_a_block_stays_in_its_cell() -> None:
    data = b"a,b,c\n1,2,3\n\xef\xbb\xbf4,5,6\n7,8,9\n"
    for block in (6, 7, 12, 1 << 20):  # the second line starts a block, or not
        assert [row[0] for row in rows(data, block)] == ["1", "\ufeff4", "7"], block


def test_a_last_line_with_one_cell_too_many_is_an_error_row_even_beside_a_short_one() -> None:
    """The short line's missing separator would make up for the last line's extra one in a count of the block."""
    found = rows(b"a,b,c\n1,2,3\n4,5\n7,8,9,", 1 << 20)
    assert found[:2] == [("1", "2", "3", 2, None), ("4", "5", None, 3, None)]
    assert found[2] == ("7", "8", "9,", 4, "line 4 of the file: 4 cells, expected 3 (the header's)")


def hostile(rng: random.Random, quoted: bool) -> bytes:
    """A random file: plain, 1-3 columns of a soup of separators, line ends, lone CRs, BOMs and text; quoted,
    2-3 columns, lines of 0-4 cells, each plain or quoted whole (polars is laxer than Python with a stray
    quote, and a one-column file's `"a","b"` has one)."""
    header = b",".join(b"h%d" % i for i in range(rng.choice([2, 3] if quoted else [1, 2, 3]))) + b"\n"
    if not quoted:
        return header + b"".join(rng.choice(PLAIN) for _ in range(rng.randint(0, 50)))
    lines = [b",".join(rng.choice(QUOTED) if rng.random() < 0.5 else b"".join(rng.choices(TEXTS, k=rng.randint(0, 3)))
                       for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(0, 8))]
    return header + b"".join(line + rng.choice([b"\n", b"\r\n", b"\r\r\n", b""]) for line in lines)


TEXTS = [b"a", b"b", "é".encode(), b" ", b"\r", b"\xef\xbb\xbf", b"=1"]
PLAIN = [*TEXTS, b",", b",", b",", b"\n", b"\n", b"\r\n"]
QUOTED = [b'"a,b"', b'"x""y"', b'"\r\n"', b'"\n"', b'""', b'"c"', b'"\r"', b'"\xef\xbb\xbf"']


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_random_hostile_files_read_the_same_with_and_without_polars(quoted: bool) -> None:
    rng = random.Random(15)
    taken = 0
    for _ in range(400):
        data = hostile(rng, quoted)
        block = rng.choice([5, 16, 64, 1000])
        fast = rows(data, block)
        assert fast == rows(data, block, fast=False) == rows(data, block, lines=False), data
        taken += bool(fast)
    assert taken > 200


@pytest.mark.parametrize("end", [b"\n", b"\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_clean_files_take_the_polars_path_with_their_lines(monkeypatch: pytest.MonkeyPatch, end: bytes,
                                                           quoted: bool) -> None:
    """Every block is polars', and (to be written as read) comes with its lines' text, last line included."""
    def fallback(*args: object, **kwargs: object) -> object:
        raise AssertionError("a clean block left the fast path")

    monkeypatch.setattr(CsvReader, "split_plain", fallback)
    monkeypatch.setattr(CsvReader, "recover", fallback)
    cell = (lambda text: b'"' + text + b'"') if quoted else (lambda text: text)
    lines = [b",".join(cell(b"%d" % (i * 3 + j)) if (i + j) % 5 else b"" for j in range(3)) for i in range(3000)]
    data = b"a,b,c" + end + end.join(lines)  # no line end after the last
    reader = CsvReader(io.BytesIO(data), block_bytes=4096, lines=True)
    chunks = list(reader.chunks())
    assert len(chunks) > 3 and all(TEXT in chunk.frame.columns for chunk in chunks)
    texts = [text for chunk in chunks for text in chunk.frame[TEXT].to_list()]
    assert texts == [line.replace(b'"', b"").decode() for line in lines]
    assert chunks[-1].frame.rows()[-1][3] == 3001
