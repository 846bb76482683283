"""What a change adds to a score, and which rules the verdict applied, said as each language says it (issue 16,
review7): "600 more CRS points (total 786)" / « 600 points de plus au SCG (total : 786) », never
"+600 Note du Système de classement global…" (the English "+600 <title>" made the French a calque); the
footer names the rulebook by its title and the date its rules were in force, not by its id
("Rules canada version 2026.11")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from screener.cli import app

HERE = Path(__file__).parent
RULES = HERE.parent / "rules"
PERSONA = HERE / "fixtures" / "personas" / "lawyer_with_dui.yaml"  # no nomination yet: the what-if offers one
NBSP = "\u00a0"
NOMINATION = {"en": r"Provincial nomination: no → yes: 600 more CRS points \(total [\d,]+\)",
              "fr": r"Désignation provinciale : non → oui : 600 points de plus au SCG \(total : [\d ]+\)"}
FOOTER = {"en": "Based on the rules in force on 25 November 2026 (“{title}”, version ",
          "fr": "Selon les règles en vigueur le 25 novembre 2026 (« {title} », version "}


def title(lang: str) -> str:
    name = "rulebook.yaml" if lang == "en" else "rulebook.fr.yaml"
    return str(yaml.safe_load((RULES / name).read_text(encoding="utf-8"))["rulebook"]["title"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_score_gain_and_the_rules_footer_read_naturally(lang: str) -> None:
    for extra in (["--details"], ["--report", "-"]):
        result = CliRunner().invoke(app, ["check", "--lang", lang, "--answers", str(PERSONA), "--no-input",
                                          "--as-of", "2026-11-25", *extra], env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert result.exit_code == 0, result.output
        shown = " ".join(result.stdout.replace(NBSP, " ").replace("\\", "").split())
        assert re.search(NOMINATION[lang], shown), shown[-1500:]
        assert not re.search(r"\+\d+ (Express Entry|Note du)", shown)  # no "+600 <the score's title>"
        assert FOOTER[lang].format(title=title(lang)) in shown
        assert "Rules canada" not in shown and "Règles canada" not in shown
