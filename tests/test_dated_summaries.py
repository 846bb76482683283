"""A pathway's summary can be dated like the law it describes (issue 14): `rules validate` checks the
wordings cover every date once (file:line:col errors naming the fix), the French gives one text per
wording, and every reader (verdict, explanation, web API) gets the wording in force on its date."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lawyer_kit import cli

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "the first generation born abroad to a parent who was a Canadian citizen"
AFTER = "people born abroad to a parent who was a Canadian citizen and passed citizenship on"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("as_of", "shown", "hidden"), [("2025-06-01", BEFORE, AFTER), ("2025-12-14", BEFORE, AFTER),
                                                       ("2025-12-15", AFTER, BEFORE), ("2026-11-25", AFTER, BEFORE)])
def test_the_wording_in_force_is_the_one_explained(as_of: str, shown: str, hidden: str) -> None:
    result = cli("rules", "explain", "citizenship_by_descent", "--rules", str(ROOT / "rules"), "--as-of", as_of)
    assert result.exit_code == 0, result.output
    assert shown in flat(result.output) and hidden not in flat(result.output)


def test_the_verdict_and_french_follow_the_date(tmp_path: Path) -> None:
    answers = ROOT / "tests" / "fixtures" / "personas" / "citizen_by_descent.yaml"
    dated = (("2025-06-01", "the first generation born abroad"), ("2026-11-25", "and passed citizenship on"))
    for as_of, wording in dated:
        result = cli("check", "--rules", str(ROOT / "rules"), "--answers", str(answers), "--as-of", as_of,
                     "--details", "--no-input")
        assert result.exit_code == 0, result.output
        assert wording in flat(result.output)
    french = cli("rules", "explain", "citizenship_by_descent", "--rules", str(ROOT / "rules"), "--as-of", "2025-06-01",
                 "--lang", "fr")
    assert "la première génération née à l'étranger" in flat(french.output)


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def validate_with(tmp_path: Path, old: str, new: str, file: str = "citizenship_by_descent.yaml") -> str:
    rules = copy_rules(tmp_path)
    path = rules / "pathways" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    result = cli("rules", "validate", "--rules", str(rules))
    assert result.exit_code != 0, result.output
    return result.output


def test_overlapping_wordings_are_an_error_naming_both(tmp_path: Path) -> None:
    out = validate_with(tmp_path, "effective_until: 2025-12-14", "effective_until: 2025-12-31")
    assert re.search(r"citizenship_by_descent\.yaml:\d+:\d+: summary version 1 of 'citizenship_by_descent' "
                     r"\(.*:\d+:\d+\) and summary version 2 of 'citizenship_by_descent' \(.*:\d+:\d+\) are both "
                     r"in force from 2025-12-15 to "
                     r"2025-12-31: close summary version 1 of 'citizenship_by_descent' with `effective_until: "
                     r"2025-12-14`", flat(out))


def test_a_gap_between_wordings_is_an_error_with_the_fix(tmp_path: Path) -> None:
    out = flat(validate_with(tmp_path, "effective_until: 2025-12-14", "effective_until: 2025-12-01"))
    assert "neither is in force from 2025-12-02 to 2025-12-14, so the pathway has no summary then" in out
    assert "`effective_from: 2025-12-02`" in out


def test_every_date_needs_a_wording(tmp_path: Path) -> None:
    out = flat(validate_with(tmp_path, "effective_until: 2025-12-14\n", "effective_until: 2025-12-14\n"
                                                                        "        effective_from: 2020-01-01\n"))
    assert re.search(r"citizenship_by_descent\.yaml:\d+:\d+: summary version 1 of 'citizenship_by_descent' starts "
                     r"on 2020-01-01: no summary is in force before it; remove its `effective_from`", out)


def test_the_french_needs_one_text_per_wording(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    french = rules / "pathways" / "citizenship_by_descent.fr.yaml"
    text = french.read_text()
    start = text.index("    summary:\n") + len("    summary:\n")
    second = text.index("      - >\n", text.index("      - >\n", start) + 1)
    end = text.index("    requirements:", second)
    french.write_text(text[:second] + text[end:])  # only the first wording translated
    result = cli("rules", "validate", "--rules", str(rules))
    assert result.exit_code != 0
    assert re.search(r"citizenship_by_descent\.yaml:\d+:\d+: no French \(fr\) text for pathway "
                     r"'citizenship_by_descent' summary version #2", flat(result.output)), result.output
