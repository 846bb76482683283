"""Writing files so that nobody ever reads half of one.

Saved answers, batch output and the rulebook cache are all written the same way: into a new
owner-only (0600) file beside the target, flushed to disk, then renamed over the target in one step.
If anything fails, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(target: Path, *, suffix: str = ".tmp") -> Iterator[IO[bytes]]:
    """A binary stream that becomes `target` when the block ends without error, and vanishes otherwise."""
    folder = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=suffix)  # created 0600
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
