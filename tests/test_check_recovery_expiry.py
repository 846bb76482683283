"""The answers a hang-up kept (review6 #11) do not haunt every later `screener check`: the notice says
until when they are kept and how to delete them, and after KEEP_DAYS they are deleted unread."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_check_pty import PROMPT, finish, spawn

from screener.commands.check import KEEP_DAYS


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Path]:
    """An interrupted interview's answers, owner-only, in this test's own cache folder."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    answers = cache / "interrupted-answers.yaml"
    answers.write_text('canadian_citizen: "no"\n')
    answers.chmod(0o600)
    os.environ["SCREENER_CACHE_DIR"] = str(cache)
    try:
        yield answers
    finally:
        del os.environ["SCREENER_CACHE_DIR"]


def first_screen(tmp_path: Path) -> str:
    child = spawn(cwd=tmp_path)
    child.expect_exact(PROMPT)
    shown = " ".join(str(child.before).split())
    child.sendintr()
    finish(child)
    return shown


def test_recent_answers_are_named_with_their_expiry_and_how_to_delete_them(kept: Path, tmp_path: Path) -> None:
    shown = first_screen(tmp_path)
    assert "An earlier interview was cut off on" in shown
    assert f"continue with screener check --answers {kept}" in shown
    assert f"or delete them now with rm {kept}" in shown
    assert kept.exists()


def test_answers_older_than_the_keeping_time_are_deleted_unread(kept: Path, tmp_path: Path) -> None:
    old = time.time() - (KEEP_DAYS * 86400 + 3600)
    os.utime(kept, (old, old))
    shown = first_screen(tmp_path)
    assert "An earlier interview" not in shown
    assert not kept.exists()
