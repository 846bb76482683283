"""Hostile files, paths and signals (issue 9): screener never destroys what it writes to, never loses a row.

Device nodes and FIFOs are made in a temporary folder, never the real /dev. Expected cells come from
the generated input itself, never from screener's own reader.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
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
    assert code == 0, stderr
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
    assert batch(str(source), "-o", str(regular))[0] == 0
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    done = cli("batch", str(source), "-o", str(fifo), "--rules", str(RULES), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
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
    assert code == 0, stderr
    assert link.is_symlink() and real.read_text().startswith("age,education,funds,")


def test_a_read_only_folder_error_names_the_output_not_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only file system refuses the temporary file; the person must hear about their output."""
    (tmp_path / "in.csv").write_bytes(SMALL)
    target = tmp_path / "out.csv"

    def read_only(*args: object, dir: str, prefix: str, suffix: str) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system", os.path.join(dir, prefix + "x1y2z3" + suffix))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    code, _, stderr = batch(str(tmp_path / "in.csv"), "-o", str(target))
    assert code == 1
    assert stderr.strip() == f"Error: {target}: Read-only file system"
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ANSWERS))
    saved = CliRunner().invoke(app, ["check", "--rules", str(CHECK_RULES), "--as-of", AS_OF, "--answers",
                                     str(answers), "--no-input", "--save", str(tmp_path / "me.yaml")])
    assert saved.exit_code == 1
    assert f"{tmp_path / 'me.yaml'} (Read-only file system)" in saved.stderr
    assert "x1y2z3" not in stderr + saved.stderr


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
    assert code == 1
    assert stderr.strip() == f"Error: {locked / 'out.csv'}: Permission denied"


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
