"""The end of an interview without --save offers to keep the answers (review6 #4): the full detail then
needs no second interview. Never with --json, --no-input or without a terminal."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from test_check_pty import PROMPT, answer, converse, finish, spawn

SPOUSE = {
    "When you were born, was either of your parents a Canadian citizen?": "no",
    "How old are you today?": "34",
    "Have you ever been arrested": "no",
    "What is your marital status?": "2",
    "What is your spouse's or partner's status in Canada?": "1",
}


def interview(child: object, offer: str) -> str:
    """The spouse of a citizen answers, then replies `offer` to the save offer; what was shown after it."""
    answer(child, "Are you already a Canadian citizen?", "no")  # type: ignore[arg-type]
    answer(child, "Were you born in Canada?", "n")  # type: ignore[arg-type]
    converse(child, {"Save your answers?": offer, **SPOUSE}, default="skip")  # type: ignore[arg-type]
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", str(child.before)).split())  # type: ignore[attr-defined]


def test_yes_keeps_the_answers_owner_only_and_the_details_need_no_new_interview(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    rest = interview(child, "yes")
    child.close()
    assert child.exitstatus == 0
    saved = tmp_path / "my-answers.yaml"
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert 'canadian_citizen: "no"' in saved.read_text() and "age: 34" in saved.read_text()
    assert "Answers saved to my-answers.yaml (readable only by you)." in rest
    assert "screener check --answers my-answers.yaml --details says why" in rest  # the verdict's own hint
    again = spawn("--answers", str(saved), "--details", cwd=tmp_path)
    shown = finish(again)
    assert again.exitstatus == 0
    assert PROMPT not in shown and "Spousal sponsorship" in shown  # nothing asked again


def test_an_existing_file_is_never_the_default(tmp_path: Path) -> None:
    (tmp_path / "my-answers.yaml").write_text("kept: by someone else\n")
    child = spawn(cwd=tmp_path)
    rest = interview(child, "y")
    child.close()
    assert (tmp_path / "my-answers.yaml").read_text() == "kept: by someone else\n"
    assert "age: 34" in (tmp_path / "my-answers-2.yaml").read_text()
    assert "screener check --answers my-answers-2.yaml --details" in rest


def test_enter_saves_nothing(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    rest = interview(child, "")
    child.close()
    assert child.exitstatus == 0
    assert list(tmp_path.iterdir()) == []
    assert "--save" not in rest  # the person said no to keeping them (review10 #8)
    assert "screener check --details says why" in rest


def test_no_offer_with_json(tmp_path: Path) -> None:
    child = spawn("--json", cwd=tmp_path)
    answer(child, "Are you already a Canadian citizen?", "no")
    answer(child, "Were you born in Canada?", "n")
    asked = converse(child, {"Save your answers?": "", **SPOUSE}, default="skip")
    child.close()
    assert child.exitstatus == 0
    assert "Save your answers?" not in asked
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_cannot_be_written_is_said_in_one_line_and_the_verdict_still_comes(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    rest = interview(child, "no-such-folder/me.yaml")
    child.close()
    assert child.exitstatus == 0
    assert "Not saved: cannot write in no-such-folder (no such folder)" in rest and "Traceback" not in rest
    assert "Open to you: Spousal sponsorship." in rest


def resumed(tmp_path: Path, offer: str) -> tuple[Path, str]:
    """A person resumes from their own commented file (citizen question answered) and replies `offer`."""
    own = tmp_path / "mine.yaml"
    own.write_text('# my notes: ask Maria about the birth certificate\ncanadian_citizen: "no"\n')
    child = spawn("--answers", str(own.name), cwd=tmp_path)
    answer(child, "Were you born in Canada?", "n")  # type: ignore[arg-type]
    converse(child, {"Save your answers?": offer, **SPOUSE}, default="skip")  # type: ignore[arg-type]
    child.close()
    assert child.exitstatus == 0
    return own, " ".join(re.sub(r"\x1b\[[0-9;]*m", "", str(child.before)).split())


def test_yes_after_answers_file_never_rewrites_it_but_saves_a_new_file(tmp_path: Path) -> None:
    """review8 #9: "yes" rewrote the --answers file and dropped the person's comments."""
    own, rest = resumed(tmp_path, "yes")
    assert own.read_text() == '# my notes: ask Maria about the birth certificate\ncanadian_citizen: "no"\n'
    assert "age: 34" in (tmp_path / "my-answers.yaml").read_text()
    assert "screener check --answers my-answers.yaml --details says why" in rest


def test_a_failed_save_after_answers_file_names_no_file_lacking_the_answers(tmp_path: Path) -> None:
    """review8 #9: after "Not saved", the hint named the --answers file, which lacks the answers just given."""
    own, rest = resumed(tmp_path, "no-such-folder/me.yaml")
    assert "Not saved: cannot write in no-such-folder" in rest
    assert "--answers mine.yaml" not in rest
    assert "age:" not in own.read_text()  # nor was the person's own file rewritten instead
    assert "screener check --save my-answers.yaml --details says why" in rest


def test_a_french_saved_file_opens_with_a_french_comment(tmp_path: Path) -> None:
    """review8 #14c: the comment at the top of mes-reponses.yaml was English."""
    from typer.testing import CliRunner

    from screener.cli import app

    own = tmp_path / "in.yaml"
    own.write_text('canadian_citizen: "no"\nage: 30\n')
    saved = tmp_path / "mes-reponses.yaml"
    result = CliRunner().invoke(app, ["check", "--rules", str(Path(__file__).parent.parent / "rules"), "--answers",
                                      str(own), "--no-input", "--save", str(saved), "--lang", "fr",
                                      "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    first = saved.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# réponses de screener") and "edit" not in first
    assert "age: 30" in saved.read_text(encoding="utf-8")
