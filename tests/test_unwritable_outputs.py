"""An output path that cannot be written is a bad argument like any other (review6 #10: `--report /proc/x.md`
exited 1 where every other unusable argument exits 2): one line naming the option, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
ANSWERS = FIXTURES / "check" / "us_developer_no_offer.yaml"
RULES = Path(__file__).parent.parent / "rules"


@pytest.mark.parametrize(("args", "option"), [
    (["check", "--answers", str(ANSWERS), "--no-input", "--report", "{bad}/verdict.md"], "--report"),
    (["check", "--answers", str(ANSWERS), "--no-input", "--save", "{bad}/me.yaml"], "--save"),
    (["batch", "{intake}", "-o", "{bad}/out.csv"], "--output"),
    (["batch", "{intake}", "-o", "{out}", "--summary", "{bad}/summary.html"], "--summary"),
    (["batch", "{intake}", "-o", "{out}", "--letters", "{bad}/letters"], "--letters"),
    (["rules", "schema", "-o", "{bad}/rulebook.schema.json"], "--output"),
    (["intake", "doc", "-o", "{bad}/intake.md"], "--output"),
    (["rules", "diff", str(RULES), str(RULES), "--answers", "{intake}", "--html", "{bad}/diff.html"], "--html"),
    (["rules", "init", "{bad}/my-rules"], "DIR"),
    (["intake", "template", "{bad}/intake"], "DIR"),
])
def test_an_output_path_that_cannot_be_written_is_the_options_bad_argument(
        tmp_path: Path, args: list[str], option: str) -> None:
    bad = tmp_path / "a-file"  # a file where a folder should be: nothing can be created under it
    bad.write_text("not a folder\n", encoding="utf-8")
    intake, out = tmp_path / "intake.csv", tmp_path / "out.csv"
    intake.write_text("Name,age\nAnn,30\n", encoding="utf-8")
    argv = [arg.format(bad=bad, intake=intake, out=out) for arg in args]
    result = CliRunner().invoke(app, argv, env={"SCREENER_RULES": "", "COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {option}: "), result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()  # the batch output is not kept when its summary or letters cannot be written


def test_a_summary_that_cannot_be_written_is_refused_before_the_run(tmp_path: Path) -> None:
    """A folder, or a file in no folder, is known before screening a whole intake: refused first."""
    intake, out = tmp_path / "intake.csv", tmp_path / "out.csv"
    intake.write_text("Name,age\nAnn,30\n", encoding="utf-8")
    for target in (tmp_path, tmp_path / "no-such-folder" / "summary.html"):
        result = CliRunner().invoke(app, ["batch", str(intake), "-o", str(out), "--summary", str(target)],
                                    env={"SCREENER_RULES": ""})
        assert result.exit_code == 2, result.output
        assert f"Error: --summary: cannot write {target} (" in result.stderr
        assert "screened" not in result.stderr and not out.exists()  # nothing was run
