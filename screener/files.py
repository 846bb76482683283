"""Writing files so that nobody ever reads half of one, and nothing that is not a file is ever replaced.

Saved answers, batch output, rule-test updates and the rulebook cache are all written the same way.
What happens depends on what the target is:

- a regular file, or a path that does not exist yet: a new file is written beside it, flushed to disk,
  then renamed over the target in one step (through a symlink: the file it points to is replaced, the
  link stays). If anything fails, the temporary file is removed and the target is untouched;
- a character device (`/dev/null`, a terminal) or a FIFO: streamed to directly. Renaming over such a
  node would destroy it (as root) and leave a FIFO's reader waiting forever;
- `-`: standard output, streamed to;
- a folder, a block device (a disk) or a socket: refused, never written.

Errors name the target the person gave, never the hidden temporary file. Given the option that named
the target (`option="--report"`), a target that cannot be opened or created (no such folder, a folder,
permission denied, a read-only or special file system) is that option's bad argument: one line naming
the option, exit 2, like every other unusable argument, before a byte is written. A failure while
writing (a full disk) stays an error of the run (exit 1).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from screener.errors import ScreenerError
from screener.i18n import _

OWNER_ONLY = 0o600
# Errors a write itself raises without naming a file: reported as errors of the target.
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def is_stream(target: Path | str) -> bool:
    """True when `target` is `-`, a character device or a FIFO: written to in place, never replaced."""
    if str(target) == "-":
        return True
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def cannot_write(option: str, target: Path | str, error: OSError) -> ScreenerError:
    """An output path that cannot be used, as its option's bad argument (exit 2)."""
    reason = error.strerror or type(error).__name__
    return ScreenerError(_("{option}: cannot write {path} ({reason})").format(option=option, path=target,
                                                                            reason=reason), exit_code=2)


@contextlib.contextmanager
def _opening(target: Path | str, option: str | None) -> Iterator[None]:
    """Opening or creating the target: an OSError is the option's bad argument when an option named it."""
    try:
        yield
    except OSError as error:
        if option is None or isinstance(error, BrokenPipeError):
            raise
        raise cannot_write(option, target, error) from None


@contextlib.contextmanager
def atomic_write(target: Path | str, *, suffix: str = ".tmp", private: bool = True,
                 option: str | None = None) -> Iterator[IO[bytes]]:
    """A binary stream to `target`: a whole new file when the block ends without error, nothing otherwise.

    `private` makes a new or replaced file owner-only (0600); otherwise a new file gets the usual
    permissions (0666 less the umask) and a replaced one keeps its own. Devices, FIFOs and `-` are
    streamed to (see the module docstring), so for them "nothing otherwise" cannot hold. `option`: the
    option that named the target, for a target that cannot be opened (see the module docstring).
    """
    name = str(target)
    if name == "-":
        try:
            yield sys.stdout.buffer
        finally:
            sys.stdout.buffer.flush()
        return
    with _opening(target, option):
        fd = _open_node(name)
    if fd is not None:
        stream = os.fdopen(fd, "wb")
        try:
            with _named(name, only_write_errors=True):
                yield stream
            with _named(name):
                stream.flush()
        finally:
            with contextlib.suppress(OSError):  # after a failure: the first error is the one to report
                stream.close()
        return
    real = Path(os.path.realpath(name))
    with _opening(target, option), _named(name):
        mode = _mode_for(real, private)
    # The temporary's name is known before the file exists, so an interrupt that lands anywhere from its
    # creation on (even inside the call that creates it) still removes it.
    temporary = real.parent / f".{real.name}.{secrets.token_hex(8)}{suffix}"
    output: IO[bytes] | None = None
    try:
        with _opening(target, option), _named(name):
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        output = os.fdopen(handle, "wb")
        with _named(name, only_write_errors=True):
            yield output
        with _named(name):
            output.flush()
            os.fsync(output.fileno())
            if mode != OWNER_ONLY:
                os.fchmod(output.fileno(), mode)
            output.close()
            os.replace(temporary, real)
    except BaseException as failure:
        if output is not None:
            with contextlib.suppress(OSError):
                output.close()
        if not isinstance(failure, FileExistsError):  # never remove a file this call did not create
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise


def _open_node(name: str) -> int | None:
    """A descriptor for writing to the device or FIFO at `name`; None for a regular file or a new path."""
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, _("is a folder; give a file name"), name)
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        message = _("{name}: is a block device (a disk); refusing to write to it") if stat.S_ISBLK(mode) \
            else _("{name}: is not a file, device or pipe; refusing to write to it")
        raise ScreenerError(message.format(name=name), exit_code=2)
    # No O_CREAT and no O_TRUNC: this never makes or empties a file, even if the node was just swapped.
    with _named(name):
        fd = os.open(name, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
    return fd


def _mode_for(real: Path, private: bool) -> int:
    if private:
        return OWNER_ONLY
    try:
        return stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def _named(name: str, *, only_write_errors: bool = False) -> Iterator[None]:
    """Re-raise an OSError as one about `name` (the person's path, not a temporary file's)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        number = exc.errno if exc.errno is not None else _rust_errno(str(exc))
        if only_write_errors and (exc.filename is not None or number not in _WRITE_ERRORS):
            raise
        raise OSError(number, os.strerror(number) if number else exc.strerror or str(exc), name) from None


def _rust_errno(message: str) -> int | None:
    """polars reports a failed write as OSError('No space left on device (os error 28)') or
    OSError('[Errno 28] No space left on device'): the number only in the text."""
    found = re.search(r"\(os error (\d+)\)|\[Errno (\d+)\]", message)
    return int(found.group(1) or found.group(2)) if found else None
