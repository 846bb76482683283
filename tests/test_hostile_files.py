"""Hostile files, paths and signals (issue 9): screener never destroys what it writes to, never loses a row.

Device nodes and FIFOs are made in a temporary folder, never the real /dev. Expected cells come from
the generated input itself, never from screener's own reader.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from french_kit import nb
from typer.testing import CliRunner

from screener.cli import app

ROOT = Path(__file__).parent.parent
RULES = Path(__file__).parent / "fixtures" / "batch" / "rules"
CHECK_RULES = Path(__file__).parent / "fixtures" / "check" / "rules"
AS_OF = "2026-11-25"
SMALL = b"age,education,funds\n25,doctoral,15000\n40,bachelors,=1+1\n"
ANSWERS = {"canadian_citizen": "no", "born_in_canada": "no", "age": 30}


def batch(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["batch", *args, "--rules", str(RULES), "--as-of", AS_OF], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """The real command line in a child process (for FIFOs and signals)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True, env=env, timeout=timeout)


def device(folder: Path, name: str, minor: int) -> Path:
    """A character device node like /dev/null (1, 3) or /dev/full (1, 7), made here; needs root."""
    node = folder / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node (mknod) needs root")
    return node


def is_char_device(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


class FifoReader:
    """Reads everything written to a FIFO in a thread (so the writer's open() does not block forever)."""

    def __init__(self, path: Path) -> None:
        self.data = b""
        self.thread = threading.Thread(target=self.read, args=(path,), daemon=True)
        self.thread.start()

    def read(self, path: Path) -> None:
        with open(path, "rb") as stream:
            self.data = stream.read()

    def result(self) -> bytes:
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the FIFO was never closed by the writer"
        return self.data


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


# ---------------------------------------------------------------- writing onto things that are not files


def test_batch_to_a_null_device_streams_into_it_and_leaves_the_node(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(SMALL)
    null = device(tmp_path, "null", 3)
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(null))
    assert code == 1, stderr  # written whole; SMALL has one error row (=1+1 is no amount)
    assert is_char_device(null) and os.major(os.lstat(null).st_rdev) == 1
    assert leftovers(tmp_path) == []


def test_batch_to_a_full_device_is_one_error_naming_it_and_the_node_stays(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(SMALL)
    full = device(tmp_path, "full", 7)
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(full))
    assert code == 1
    assert stderr.strip().splitlines()[-1] == f"Error: {full}: No space left on device"
    assert is_char_device(full) and leftovers(tmp_path) == []


def test_save_to_a_null_device_leaves_the_node(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ANSWERS))
    null = device(tmp_path, "null", 3)
    result = CliRunner().invoke(app, ["check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers",
                                      str(answers), "--no-input", "--save", str(null)])
    assert result.exit_code == 0, result.output
    assert is_char_device(null) and leftovers(tmp_path) == []


def test_batch_to_a_fifo_streams_everything_to_its_reader(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(SMALL)
    regular = tmp_path / "regular.csv"
    assert batch(str(source), "-o", str(regular))[0] == 1  # SMALL has one error row
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    done = cli("batch", str(source), "-o", str(fifo), "--rules", str(RULES), "--as-of", AS_OF)
    assert done.returncode == 1, done.stderr  # SMALL has one error row
    assert reader.result() == regular.read_bytes()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and leftovers(tmp_path) == []


def test_save_to_a_fifo_streams_the_answers_to_its_reader(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ANSWERS))
    fifo = tmp_path / "me.json"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    done = cli("check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers", str(answers), "--no-input",
               "--save", str(fifo))
    assert done.returncode == 0, done.stderr
    assert json.loads(reader.result())["age"] == 30
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert b"Answers saved to" in done.stderr and b"readable only by you" not in done.stderr  # a FIFO keeps its mode


def test_report_to_a_fifo_and_a_device_streams_and_leaves_the_nodes(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ANSWERS))
    fifo = tmp_path / "report.md"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    done = cli("check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers", str(answers), "--no-input",
               "--report", str(fifo))
    assert done.returncode == 0, done.stderr
    assert reader.result().startswith(b"#")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    null = device(tmp_path, "null.md", 3)
    done = cli("check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers", str(answers), "--no-input",
               "--report", str(null))
    assert done.returncode == 0, done.stderr
    assert is_char_device(null) and leftovers(tmp_path) == []


def test_save_to_dash_writes_the_answers_to_stdout_and_no_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ANSWERS))
    monkeypatch.chdir(tmp_path)
    done = cli("check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers", str(answers), "--no-input",
               "--save", "-")
    assert done.returncode == 0, done.stderr
    assert b"# screener answers" in done.stdout and b"\nage: 30\n" in done.stdout  # the YAML answer file
    assert yaml.safe_load(done.stdout)["age"] == 30  # and nothing else (review11 #13): the verdict went to stderr
    assert b"Answers written to standard output." in done.stderr and b"legal advice" in done.stderr
    assert not (tmp_path / "-").exists()
    both = cli("check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers", str(answers), "--no-input",
               "--json", "--save", "-")  # the YAML would corrupt the JSON on the same stream: refused
    assert both.returncode == 2 and both.stdout == b"" and b"--save - with --json" in both.stderr
    assert not (tmp_path / "-").exists()


def test_batch_refuses_a_block_device(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(SMALL)
    disk = tmp_path / "disk"
    try:
        os.mknod(disk, stat.S_IFBLK | 0o600, os.makedev(7, 0))
    except PermissionError:
        pytest.skip("making a device node (mknod) needs root")
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(disk))
    assert code == 2
    assert "block device" in stderr and str(disk) in stderr
    assert stat.S_ISBLK(os.lstat(disk).st_mode)


def test_batch_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(SMALL)
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(link))
    assert code == 1, stderr  # written whole; SMALL has one error row (=1+1 is no amount)
    assert link.is_symlink() and real.read_text().startswith("age,education,funds,")


def test_a_read_only_folder_error_names_the_output_not_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only file system refuses the temporary file; the person must hear about their output."""
    (tmp_path / "in.csv").write_bytes(SMALL)
    target = tmp_path / "out.csv"

    real_open = os.open

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_EXCL:  # the writer creating its temporary file
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(target))
    assert code == 2  # a path that cannot be written: the option's bad argument (screener.files)
    assert stderr.strip() == f"Error: --output: cannot write {target} (Read-only file system)"
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ANSWERS))
    saved = CliRunner().invoke(app, ["check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers",
                                     str(answers), "--no-input", "--save", str(tmp_path / "me.yaml")])
    assert saved.exit_code == 2
    assert f"--save: cannot write {tmp_path / 'me.yaml'} (Read-only file system)" in saved.stderr
    assert ".out.csv." not in stderr and ".me.yaml." not in saved.stderr  # no temporary file's name


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_folder_without_write_permission_names_the_output(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(SMALL)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(locked / "out.csv"))
    finally:
        locked.chmod(0o700)
    assert code == 2
    assert stderr.strip() == f"Error: --output: cannot write {locked / 'out.csv'} (Permission denied)"


def test_rules_test_update_keeps_the_case_files_permissions(tmp_path: Path) -> None:
    from lawyer_kit import copy_book, edit

    book = copy_book(tmp_path)
    cases = book / "tests" / "cases.yaml"
    cases.chmod(0o644)
    edit(book / "pathways.yaml", "english_clb >= 7", "english_clb >= 10")
    done = cli("rules", "test", str(book), "--update")
    assert b"updated" in done.stdout, done.stdout + done.stderr
    assert stat.S_IMODE(os.stat(cases).st_mode) == 0o644
    assert leftovers(cases.parent) == []


# ---------------------------------------------------------------- interrupted runs


def big_input(path: Path, rows: int) -> None:
    """An intake file large enough that a run lasts a few seconds."""
    pool = [["25", "doctoral", "15000"], ["40", "bachelors", "$9,000"], ["", "secondary", "n/a"]]
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["age", "education", "funds"])
        for index in range(rows):
            writer.writerow(pool[index % len(pool)])


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_batch_keeps_the_old_output_and_removes_the_partial(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    big_input(source, 600_000)
    target.write_text("old results\n")
    env = {**os.environ, "NO_COLOR": "1"}
    child = subprocess.Popen([sys.executable, "-m", "screener", "batch", str(source), "-o", str(target),
                              "--rules", str(RULES), "--as-of", AS_OF],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        while not [n for n in leftovers(tmp_path) if n.endswith(".partial")]:
            assert child.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline, "the run never started writing"
            time.sleep(0.01)
        child.send_signal(sig)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    stderr = err.decode()
    assert child.returncode == code, stderr
    assert stderr.strip().splitlines()[-1] == f"Interrupted: {target} not written"
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert stderr.count("Interrupted") == 1
    assert target.read_text() == "old results\n"
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- reading hostile CSVs


def screened(tmp_path: Path, content: bytes, *extra: str) -> tuple[list[list[str]], str]:
    """The output rows (header first) of a batch run that must succeed, read back by Python's csv module."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    code, _, stderr = batch(str(source), "-o", str(target), *extra)
    with open(target, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert code == (1 if any(row[-1] for row in rows[1:]) else 0), stderr  # 1: some rows are error rows
    return rows, stderr


def test_lone_cr_line_endings_from_old_mac_excel_are_read(tmp_path: Path) -> None:
    rows, _ = screened(tmp_path, b'age,note\r25,"two\nlines"\r40,plain\r')
    assert [row[:2] for row in rows] == [["age", "note"], ["25", "two\nlines"], ["40", "plain"]]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_a_quoted_cell_holding_crlf_comes_back_byte_for_byte(tmp_path: Path, ending: bytes) -> None:
    """On every read path: polars' fast paths (one block) and Python's record recovery (a broken row)."""
    lines = [b"age,note", b'25,"a\r\nb"', b'26,"c\rd"', b'27,"e\nf"', b"28,plain"]
    rows, _ = screened(tmp_path, ending.join(lines) + ending)
    assert [row[1] for row in rows[1:]] == ["a\r\nb", "c\rd", "e\nf", "plain"]
    broken = [*lines, b'29,"unterminated']  # forces the Python recovery path for the block
    rows, _ = screened(tmp_path, ending.join(broken) + ending)
    assert [row[1] for row in rows[1:5]] == ["a\r\nb", "c\rd", "e\nf", "plain"]
    assert rows[5][-1].startswith("row 5, line ") and rows[5][-1].endswith(" of the file: unterminated quote")


@pytest.mark.parametrize("block_bytes", [1, 2, 3, 5, 8, 13])
def test_tiny_blocks_keep_multi_line_cells_exact(block_bytes: int) -> None:
    from screener.csvio import CsvReader

    for ending in (b"\n", b"\r\n", b"\r"):
        data = ending.join([b"age,note", b'25,"a\r\nb"', b"26,x", b'27,"c\rd\ne"', b""])
        reader = CsvReader(io.BytesIO(data), block_bytes=block_bytes)
        cells = [row[:2] for chunk in reader.chunks() for row in chunk.frame.rows()]
        assert reader.header == ["age", "note"]
        assert cells == [("25", "a\r\nb"), ("26", "x"), ("27", "c\rd\ne")], (ending, block_bytes)


def test_blank_lines_before_the_header_are_skipped_and_line_numbers_stay_true(tmp_path: Path) -> None:
    rows, _ = screened(tmp_path, b"\n\r\n   \nage,note\n25,ok\n26,a,b\n")
    assert [row[:2] for row in rows] == [["age", "note"], ["25", "ok"], ["26", "a,b"]]
    assert rows[2][-1] == "row 2, line 6 of the file: 3 cells, expected 2 (the header's)"  # blank lines counted


@pytest.mark.parametrize("quoted", [False, True])  # polars' fast split, and Python's record-by-record recovery
def test_row_errors_are_in_the_chosen_language_with_the_right_plural(tmp_path: Path, quoted: bool) -> None:
    tail = b'28,"open\n' if quoted else b""
    rows, _ = screened(tmp_path, b"age,note\n25,ok\n26,a,b\n27\n" + tail, "--lang", "fr")
    assert [row[-1] for row in rows[2:4]] == [
        nb("ligne 2 des données, ligne 3 du fichier : 3 cellules, 2 attendues (comme l'en-tête)"), ""]
    if quoted:
        assert rows[4][-1] == nb("ligne 4 des données, ligne 5 du fichier : guillemet non fermé")
    rows, _ = screened(tmp_path, b"age,note\n27,a,b,c\n" + tail)
    assert rows[1][-1] == "row 1, line 2 of the file: 4 cells, expected 2 (the header's)"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "Error: the input is empty: the first line must name the columns"),
    (b"\n\r\n  \n", "Error: the input has only blank lines: the first non-blank line must name the columns"),
])
def test_an_input_without_a_header_is_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "in.csv").write_bytes(content)
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert (code, stderr.strip()) == (2, message)


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "  @SUM(A1)", "\u00a0+1", "\t=1", "\n=1", "\r=1", "\nplain",
                                  "\x00x", "-5", " -5"])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(tmp_path: Path, cell: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["age", "note"], ["25", cell]])
    rows, _ = screened(tmp_path, buffer.getvalue().encode("utf-8"), "--encoding", "utf-8")  # NUL: named text
    assert rows[1][1] == "'" + cell


@pytest.mark.parametrize("cell", ["a=1", "plain text", "5", "'quoted", "x -5", ""])
def test_harmless_cells_are_not_escaped(tmp_path: Path, cell: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["age", "note"], ["25", cell]])
    rows, _ = screened(tmp_path, buffer.getvalue().encode("utf-8"))
    assert rows[1][1] == cell


def test_a_plain_file_takes_the_polars_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: no quotes, no ragged or blank lines -> `read_plain` parses every block, nothing falls back."""
    from screener.csvio import CsvReader

    def fallback(*args: object, **kwargs: object) -> object:
        raise AssertionError("a plain block left the fast path")

    monkeypatch.setattr(CsvReader, "split_plain", fallback)
    monkeypatch.setattr(CsvReader, "recover", fallback)
    monkeypatch.setattr(CsvReader, "read_quoted", fallback)
    data = b"age,education,note\n" + b"".join(b"%d,bachelors,n%d\r\n" % (20 + i % 40, i) for i in range(5000))
    reader = CsvReader(io.BytesIO(data), block_bytes=4096)
    rows = [row for chunk in reader.chunks() for row in chunk.frame.rows()]
    assert len(rows) == 5000
    assert rows[0][:3] == ("20", "bachelors", "n0") and rows[-1][:4] == ("59", "bachelors", "n4999", 5001)


def test_only_rows_with_every_cell_empty_are_blank_rows() -> None:
    """`blanks_marked` narrows column by column: a row is blank only when its last cell is empty too, and
    a row whose first cells are empty (null or "") but not a later one is a person."""
    import polars as pl

    from screener.csvio import BLANK_ROW, PROBLEM, CsvReader

    reader = CsvReader(io.BytesIO(b"a,b,c\n"))
    frame = pl.DataFrame({"c0": ["", None, "", "x", "", None], "c1": ["", "", "y", "", None, ""],
                          "c2": ["", None, "", "", "z", ""], PROBLEM: [None, None, None, None, None, "bad"]},
                         schema={"c0": pl.String, "c1": pl.String, "c2": pl.String, PROBLEM: pl.String})
    marked, last = reader.blanks_marked(frame)
    assert marked[PROBLEM].to_list() == [BLANK_ROW, BLANK_ROW, None, None, None, BLANK_ROW]
    assert last == 4
    assert reader.blanks_marked(frame.head(2))[1] == -1  # blank rows only
    marked, last = reader.blanks_marked(frame.slice(2, 3))  # people only
    assert marked[PROBLEM].to_list() == [None, None, None] and last == 2


def test_the_polars_csv_behaviour_the_fast_path_relies_on() -> None:
    """`read_plain` and `read_quoted` trust polars' reader for these; a polars upgrade that changes one fails here.

    A short line is padded with empty cells (so the separator count, not polars, finds it), a long line
    is refused, CRLF loses its CR, an empty cell is "" and a lone CR inside a cell is data.
    """
    import polars as pl

    from screener.csvio import CsvReader

    def cells(data: bytes) -> list[tuple[str, ...]] | str:
        try:
            return pl.read_csv(io.BytesIO(data), has_header=False, separator=",", quote_char=None,
                               schema=dict.fromkeys(["c0", "c1", "c2"], pl.String), empty_string_is_null=False).rows()
        except pl.exceptions.PolarsError:
            return "refused"

    assert cells(b"1,2,3\n4,5\n") == [("1", "2", "3"), ("4", "5", "")]
    assert cells(b"1,2,3\n4,5,6,7\n") == "refused"
    assert cells(b"1,,3\r\n4,a\rb,6") == [("1", "", "3"), ("4", "a\rb", "6")]
    def quoted(data: bytes) -> list[tuple[str, ...]] | str:
        try:
            return pl.read_csv(io.BytesIO(data), has_header=False, separator=",", quote_char='"',
                               schema=dict.fromkeys(["c0", "c1", "c2"], pl.String), empty_string_is_null=False).rows()
        except pl.exceptions.PolarsError:
            return "refused"

    assert quoted(b'"1","2","3"\n"4","5"\n') == [("1", "2", "3"), ("4", "5", "")]  # short: padded
    assert quoted(b'"1","2","3"\n"4","5","6","7"\n') == "refused"
    for stray in (b'4,5"x,6\n', b'4,"5"x,6\n', b'4,"5,6', b'4,5,""6\n', b'4,5,6"\n'):
        assert quoted(b'"1","2","3"\n' + stray) == "refused", stray
    assert quoted(b'"1","a\nb","say ""hi"""\n') == [("1", "a\nb", 'say "hi"')]  # one record over two lines
    reader = CsvReader(io.BytesIO(b"a,b,c\n"))
    assert reader.read_plain(b"1,2,3\n4,5\n", 2, 2) is None  # the short line goes to the path that reports it
    assert reader.read_quoted(b'"1","2","3"\n"4","5"\n', 2, 2) is None
    assert reader.read_quoted(b'"1","a\nb","3"\n', 2, 2) is None  # a record over two lines: recovery reads it
    both = reader.read_quoted(b'"1","x,y","3"\n4,"",6\n', 2, 2)
    assert both is not None and both.rows() == [("1", "x,y", "3", 2, None), ("4", "", "6", 3, None)]
    plain = reader.read_plain(b"1,2,3\n4,,6\n", 2, 2)
    assert plain is not None and plain.rows() == [("1", "2", "3", 2, None), ("4", "", "6", 3, None)]


def test_a_columns_map_with_broken_yaml_points_at_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(SMALL)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Age: age\nEducation: [education\n")
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--columns", str(mapping))
    assert code == 2
    line = stderr.strip()
    assert line.startswith(f"Error: --columns: {mapping}:") and len(stderr.strip().splitlines()) == 1
    position = line.removeprefix(f"Error: --columns: {mapping}:").split(":")[:2]
    assert all(part.isdigit() for part in position), line


@pytest.mark.parametrize(("text", "where"), [
    ("Age: age\nEducation: [education\n", ":3:1: "),  # unclosed flow sequence: found at the end
    ("Age: age\nAge: education\n", ":2:1: duplicate key 'Age'"),
    ("Age: age\nEducation: 3\n", ":2:12: each entry maps a header name to a field id"),
    ("- age\n", ":1:1: must map header names to field ids"),
])
def test_columns_map_errors_carry_file_line_and_column(tmp_path: Path, text: str, where: str) -> None:
    (tmp_path / "in.csv").write_bytes(SMALL)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(text)
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--columns", str(mapping))
    assert code == 2
    assert stderr.startswith(f"Error: --columns: {mapping}{where}"), stderr
    assert len(stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- fuzzing CSV bytes through `screener batch`

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Characters that break naive CSV handling: quotes, both delimiters, line breaks, NUL, formula starts,
# blanks, and non-ASCII that cp1252/latin-1 encode as bytes that are not UTF-8.
CELL_CHARS = 'ab1 ,;"\r\n\x00=+-@\t\'é'
FIELDS = ["age", "education", "note", "name", "city"]
# What a spreadsheet could run (see the module's tests above): an oracle written apart from screener's.
BLANKS = "\t\n\x0b\x0c\r \u00a0"


def spreadsheet_safe(cell: str) -> str:
    risky = cell[:1] in ("\t", "\r", "\n", "\x00") or cell.lstrip(BLANKS)[:1] in ("=", "+", "-", "@")
    return "'" + cell if risky else cell


@st.composite
def intake_files(draw: st.DrawFn) -> tuple[bytes, str, str, list[list[str] | None]]:
    """CSV bytes, its delimiter and encoding, and each data row's cells when they must come back unchanged
    (None: an error row). cp1252, Latin-1 and UTF-16 files are detected and read as text. Rows are written by
    Python's csv module, so any cell with a quote, delimiter or line break is quoted; rows end with one
    of LF, CRLF or a lone CR per file."""
    columns = draw(st.integers(min_value=2, max_value=4))
    header = draw(st.permutations(FIELDS))[:columns]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    cell = st.text(alphabet=CELL_CHARS, max_size=8)
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        ragged = draw(st.integers(min_value=0, max_value=9)) == 0
        width = draw(st.integers(min_value=1, max_value=columns + 2)) if ragged else columns
        cells = draw(st.lists(cell, min_size=width, max_size=width))
        # A record spanning lines is accepted only with the header's cell count (a stray quote must not
        # swallow the rows after it), so a ragged row is kept on one line here: one input row, one output row.
        rows.append([c.replace("\r", "").replace("\n", "") for c in cells] if ragged else cells)
    lines = []
    for row in [header, *rows]:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)  # quotes CR and LF
        lines.append(buffer.getvalue().removesuffix("\r\n"))
    leading = ending * draw(st.integers(min_value=0, max_value=2))  # stray blank lines before the header
    text = leading + ending.join(lines) + (ending if draw(st.booleans()) else "")
    data = text.encode(encoding)
    # a short row's missing trailing cells are empty (Excel leaves them out); a long row is an error row
    expected: list[list[str] | None] = [[*row, *[""] * (columns - len(row))] if len(row) <= columns else None
                                        for row in rows]
    # a ragged row of one empty cell is a blank line, which is no row at all; so are rows of empty cells,
    # at most the header's count, after the last row that is not one (a blank row between two others is
    # kept, marked blank); a row of more empty cells than the header's (`,,` under two columns) carries
    # separators as content: an error row, never dropped
    keep = [i for i, line in enumerate(lines[1:]) if line != ""]
    while keep and len(rows[keep[-1]]) <= columns and not any(rows[keep[-1]]):
        keep.pop()
    return data, delimiter, encoding, [expected[i] for i in keep]


FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@settings(FUZZ, max_examples=60)
@given(case=intake_files())
def test_any_csv_bytes_come_back_row_for_row_or_give_one_clear_error(
    tmp_path: Path, case: tuple[bytes, str, str, list[list[str] | None]]
) -> None:
    batch_round_trip(tmp_path, case)


@pytest.mark.slow
@settings(FUZZ, max_examples=120)
@given(case=intake_files())
def test_any_csv_bytes_come_back_row_for_row_more_examples(
    tmp_path: Path, case: tuple[bytes, str, str, list[list[str] | None]]
) -> None:
    batch_round_trip(tmp_path, case)


def batch_round_trip(tmp_path: Path, case: tuple[bytes, str, str, list[list[str] | None]]) -> None:
    """Exit 0/1/2/130/143, never a traceback; when screened, every row back in order, cells unchanged."""
    data, delimiter, encoding, expected = case
    source, target = tmp_path / "fuzz.csv", tmp_path / "fuzz.out.csv"
    source.write_bytes(data)
    target.unlink(missing_ok=True)
    # Detection refuses a file holding NUL (likely UTF-16 without a BOM); naming the encoding reads it.
    named = ["--encoding", encoding] if b"\x00" in data else []
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--rules", str(RULES),
                                      "--as-of", AS_OF, *named])
    code, stderr = result.exit_code, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert code in (0, 1, 2, 130, 143), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    if code not in (0, 1):
        assert len([line for line in stderr.splitlines() if line.startswith("Error:")]) == 1
        return
    assert target.exists(), (data, code, stderr)
    with open(target, newline="", encoding="utf-8") as stream:
        out = list(csv.reader(stream, delimiter=delimiter))
    rows = out[1:]
    assert len(rows) == len(expected), (data, rows)
    for got, want in zip(rows, expected, strict=True):
        if want is None:
            assert got[-1] != "", f"a broken row has no error: {got}"
        else:
            assert got[:len(want)] == [spreadsheet_safe(cell) for cell in want], (data, got)


@settings(max_examples=150, deadline=None)
@given(case=intake_files(), block_bytes=st.integers(min_value=1, max_value=64))
def test_any_csv_bytes_read_the_same_in_tiny_blocks(case: tuple[bytes, str, str, list[list[str] | None]],
                                                    block_bytes: int) -> None:
    """Block boundaries anywhere (inside a quoted CRLF, a BOM, a multi-byte character): the same rows.

    The encoding is named (as with --encoding): detection reads the first block, too small here.
    """
    from screener.csvio import PROBLEM, CsvReader

    data, _, encoding, expected = case
    reader = CsvReader(io.BytesIO(data), block_bytes=block_bytes, encoding=encoding)
    frames = [chunk.frame for chunk in reader.chunks()]
    rows = [row for frame in frames for row in frame.select([*reader.columns, PROBLEM]).rows()]
    assert len(rows) == len(expected), (data, rows)
    for got, want in zip(rows, expected, strict=True):
        if want is None:
            assert got[-1] is not None, got
        else:
            assert [cell or "" for cell in got[:-1]] == want, (data, got)


@pytest.mark.parametrize("block_bytes", [1, 7, 64])
def test_a_trailing_ragged_row_of_empty_cells_is_an_error_row_not_a_dropped_blank(block_bytes: int) -> None:
    """`,,` under two columns has the wrong cell count: an error on its own row (nothing lost), unlike a
    trailing blank row of the header's count (`,`), which is no row at all (hypothesis found this case)."""
    from screener.csvio import PROBLEM, CsvReader

    def rows(data: bytes) -> list[tuple[str | None, ...]]:
        reader = CsvReader(io.BytesIO(data), block_bytes=block_bytes, encoding="utf-8")
        return [row for chunk in reader.chunks() for row in chunk.frame.select([*reader.columns, PROBLEM]).rows()]

    ragged = rows(b"age,education\n,,")
    assert len(ragged) == 1 and ragged[0][-1] and "3" in ragged[0][-1]
    assert rows(b"age,education\n30,none\n,\n") == [("30", "none", None)]


def test_a_file_read_whole_even_when_it_grew_after_its_size_was_taken(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`read_file_bytes` reads a buffer sized to the file; a file larger than its `fstat` said (growing,
    or a special file reporting 0) is still read whole, and refused past the limit."""
    from screener import source
    from screener.source import MAX_FILE_BYTES, YamlSyntaxError, read_file_bytes

    small, big = tmp_path / "small.yaml", tmp_path / "big.yaml"
    small.write_bytes(b"a: 1\n" * 1000)
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 5))
    assert read_file_bytes(small, "small.yaml") == small.read_bytes()
    real_fstat = os.fstat

    def shrunk(handle: int) -> os.stat_result:
        info = real_fstat(handle)
        return os.stat_result((*info[:6], 10, *info[7:]))  # st_size 10: the file grew since

    monkeypatch.setattr(source.os, "fstat", shrunk)
    assert read_file_bytes(small, "small.yaml") == small.read_bytes()
    with pytest.raises(YamlSyntaxError) as refused:
        read_file_bytes(big, "big.yaml")
    assert refused.value.position.file == "big.yaml" and f"{MAX_FILE_BYTES:,}" in refused.value.message
