"""PyYAML's parser messages translated into the edit a lawyer should make, keeping file:line:col.

Each case is the mistake as people make it in a rule file; the checks are on the advice *and* the
position, through the real loader (C-accelerated when available, whose wording differs from pure PyYAML).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_loader import HEADER, PATHWAY, problems, write

CASES = [
    # (what the lawyer did, the pathways.yaml text, expected line:col, words the advice must contain)
    ("colon inside a text", PATHWAY.replace("text: 18 or older", "text: Note: see IRPA s. 12"),
     "8:19", "text that contains ': ' must be in quotes"),
    ("list item indented one space less", PATHWAY + "     - id: second\n       text: two\n       condition: true\n",
     "10:6", "indent this line like the one above"),
    ("key indented one space more", PATHWAY.replace("        condition: age >= 18", "         condition: age >= 18"),
     "9:19", "indent this line like the one above"),
    ("tab used to indent", PATHWAY.replace("        condition: age >= 18", "\tcondition: age >= 18"),
     "9:1", "indent with spaces only"),
    ("quote never closed", PATHWAY.replace("text: 18 or older", 'text: "18 or older'),
     None, "is never closed"),
    ("apostrophe inside single quotes", PATHWAY.replace("text: 18 or older", "text: 'the applicant's age'"),
     "8:30", "write it twice"),
    ("text starting with @", PATHWAY.replace("text: 18 or older", "text: @home"), "8:15",
     "text that starts with '@' must be in quotes"),
]


@pytest.mark.parametrize(("what", "text", "where", "advice"), CASES, ids=[case[0] for case in CASES])
def test_yaml_mistake_names_the_fix_at_its_position(tmp_path: Path, what: str, text: str, where: str | None,
                                                     advice: str) -> None:
    found = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": text}))
    assert len(found) == 1, found
    prefix = f"{tmp_path / 'pathways.yaml'}:" + (where or "")
    assert found[0].startswith(prefix), found
    assert advice in found[0], found
    assert "(YAML: " in found[0]  # PyYAML's own words stay, for whoever knows YAML


def test_unknown_yaml_problems_keep_pyyaml_words(tmp_path: Path) -> None:
    text = PATHWAY + "  - [unbalanced\n"
    found = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": text}))
    assert len(found) == 1 and "not closed with ']'" in found[0], found
