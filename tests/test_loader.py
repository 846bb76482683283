"""Loading rulebooks: every kind of mistake is reported as file:line:col with a useful message."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from screener.rulebook import RulebookError, load_rulebook

HEADER = """\
rulebook:
  id: demo
  title: Demo rules
  version: "1"
  disclaimer: A screening, not legal advice.
topics:
  - {id: about_you, title: About you}
questions:
  - id: age
    type: int
    min: 0
    max: 120
    topic: about_you
    prompt: How old are you?
  - id: education
    type: choice
    choices: [secondary, masters, doctoral]
    topic: about_you
    prompt: Highest education?
  - id: job_offer
    type: yes_no
    topic: about_you
    prompt: Do you have a job offer?
"""

COMPACT_HEADER = """\
rulebook: {id: demo, title: Demo, version: "1", disclaimer: Not legal advice.}
topics: [{id: main, title: Main}]
questions:
  - {id: age, type: int, topic: main, prompt: Age?}
"""  # the same demo in flow style, for tests that add a derived value or a question

PATHWAY = """\
pathways:
  - id: work
    title: Work
    kind: permanent_residence
    summary: A work route.
    requirements:
      - id: adult
        text: 18 or older
        condition: age >= 18
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(RulebookError) as caught:
        load_rulebook(folder)
    return caught.value.details


def test_a_valid_rulebook_loads(tmp_path: Path) -> None:
    rulebook = load_rulebook(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": PATHWAY}))
    assert list(rulebook.questions) == ["age", "education", "job_offer"]
    assert rulebook.questions["education"].choice_values == ["secondary", "masters", "doctoral"]
    assert rulebook.evaluate({"age": 30}).outcomes() == {"work": "eligible"}


def test_misspelled_name_is_reported_with_file_line_column_and_suggestion(tmp_path: Path) -> None:
    text = PATHWAY.replace("condition: age >= 18", "condition: agee >= 18")
    found = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": text}))
    assert found == [f"{tmp_path / 'pathways.yaml'}:9:20: unknown name 'agee' (did you mean 'age'?)"]


def test_choice_value_that_does_not_exist(tmp_path: Path) -> None:
    text = PATHWAY.replace("condition: age >= 18", 'condition: education == "phd"')
    (message,) = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": text}))
    assert message.startswith(f"{tmp_path / 'pathways.yaml'}:9:33: 'phd' is not a choice of education")


def test_quoted_expressions_keep_exact_columns(tmp_path: Path) -> None:
    text = PATHWAY.replace("condition: age >= 18", 'condition: "age >= eighteen"')
    (message,) = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": text}))
    assert message.startswith(f"{tmp_path / 'pathways.yaml'}:9:28: unknown name 'eighteen': a name is the id of a "
                              "question (under `questions:`)")


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = PATHWAY.replace("        text: 18 or older", "        text: 18 or older\n        refrence: IRPR s.1")
    (message,) = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": text}))
    assert message == f"{tmp_path / 'pathways.yaml'}:9:9: unknown key 'refrence' (did you mean 'reference'?)"


def test_unknown_section(tmp_path: Path) -> None:
    (message,) = problems(write(tmp_path, {"main.yaml": HEADER, "extra.yaml": "pathway:\n  - id: x\n"}))
    assert message.startswith(f"{tmp_path / 'extra.yaml'}:1:1: unknown section 'pathway' (did you mean 'pathways'?)")


def test_wrong_types_and_missing_keys(tmp_path: Path) -> None:
    text = HEADER.replace("    min: 0\n", "    min: zero\n").replace("    prompt: Highest education?\n", "")
    found = problems(write(tmp_path, {"main.yaml": text, "pathways.yaml": PATHWAY}))
    main = tmp_path / "main.yaml"
    assert f"{main}:11:10: min: must be a number" in found
    assert f"{main}:15:5: missing required key 'prompt'" in found
    assert len(found) == 2  # the broken question's users are not reported a second time


def test_duplicate_ids_name_the_first_definition(tmp_path: Path) -> None:
    text = HEADER + "  - id: age\n    type: yes_no\n    topic: about_you\n    prompt: Again?\n"
    (message,) = problems(write(tmp_path, {"main.yaml": text, "pathways.yaml": PATHWAY}))
    assert message == (f"{tmp_path / 'main.yaml'}:24:9: duplicate question id 'age': also defined at "
                       f"{tmp_path / 'main.yaml'}:9:9; rename or remove one of them")


def test_cycles_among_derived_values(tmp_path: Path) -> None:
    derived = """\
    derived:
      - id: a
        expr: b + 1
      - id: b
        expr: c + 1
      - id: c
        expr: a + 1
    """
    found = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": PATHWAY, "derived.yaml": derived}))
    assert found == [f"{tmp_path / 'derived.yaml'}:2:9: cycle among derived values: a → b → c → a"]


def test_yaml_syntax_error_and_duplicate_key(tmp_path: Path) -> None:
    broken = "pathways:\n  - id: x\n    title: [unclosed\n"
    duplicated = "flags:\n  - id: f\n    id: g\n"
    found = problems(write(tmp_path, {"main.yaml": HEADER, "a.yaml": broken, "b.yaml": duplicated}))
    assert any(line.startswith(f"{tmp_path / 'a.yaml'}:4:1:") for line in found), found
    assert f"{tmp_path / 'b.yaml'}:3:5: duplicate key 'id'" in found


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    text = PATHWAY.replace("condition: age >= 18", "condition: agee >= 18 and jobb_offer")
    text += "      - id: edu\n        text: Degree\n        condition: education == \"phd\"\n"
    found = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": text}))
    assert len(found) == 3
    assert "did you mean 'job_offer'?" in found[1]


def test_yes_and_no_are_text_not_booleans(tmp_path: Path) -> None:
    text = HEADER + "  - id: citizen\n    type: choice\n    choices: [yes, no, unsure]\n    topic: about_you\n" \
                    "    prompt: Citizen?\n"
    rulebook = load_rulebook(write(tmp_path, {"main.yaml": text, "pathways.yaml": PATHWAY}))
    assert rulebook.questions["citizen"].choice_values == ["yes", "no", "unsure"]


def test_table_mistakes(tmp_path: Path) -> None:
    tables = """\
    tables:
      - id: age_points
        title: Age
        key: number
        columns: [single, couple]
        rows:
          - {to: 17, single: 0, coupel: 0}
          - {from: 18, single: 12}
          - {at: old, single: 1, couple: 1}
    """
    found = problems(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": PATHWAY, "tables.yaml": tables}))
    tables_file = tmp_path / "tables.yaml"
    assert f"{tables_file}:7:29: unknown column 'coupel' (did you mean 'couple'?)" in found
    assert f"{tables_file}:7:9: row has no value for column 'couple'" in found
    assert f"{tables_file}:8:9: row has no value for column 'couple'" in found
    assert f"{tables_file}:9:9: table 'age_points' has number keys, not 'old'" in found


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope") == [f"{tmp_path / 'nope'}:1:1: no such rulebook folder"]
    assert problems(tmp_path) == [f"{tmp_path}:1:1: no rule files (*.yaml) found in this folder"]


def test_misspelled_field_in_a_copy_of_the_shipped_rules(tmp_path: Path) -> None:
    """The issue's acceptance check: a lawyer's typo in a copy of rules/ names file, line and fix."""
    copy = tmp_path / "rules"
    shutil.copytree(Path(__file__).parent.parent / "rules", copy)
    field = "partner_status"
    path = copy / "pathways" / "spousal_sponsorship.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if "condition:" in line and field in line)
    line = lines[number - 1]
    lines[number - 1] = line.replace(field, field + "s", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems(copy)
    column = line.index(field) + 1
    assert found == [f"{path}:{number}:{column}: unknown name '{field}s' (did you mean '{field}'?)"]


def test_unused_questions_derived_values_and_tables_are_warnings(tmp_path: Path) -> None:
    extra = "derived:\n  - id: never_read\n    expr: age + 1\n"
    rulebook = load_rulebook(write(tmp_path, {"main.yaml": HEADER, "pathways.yaml": PATHWAY, "extra.yaml": extra}))
    assert [str(w) for w in rulebook.warnings] == [
        f"{tmp_path / 'main.yaml'}:15:9: question 'education' is never used",
        f"{tmp_path / 'main.yaml'}:20:9: question 'job_offer' is never used",
        f"{tmp_path / 'extra.yaml'}:2:9: derived value 'never_read' is never used",
    ]


def test_the_shipped_rulebook_has_nothing_unused() -> None:
    assert load_rulebook(Path(__file__).parent.parent / "rules").warnings == []


def test_a_load_reads_each_file_once_and_hashes_the_bytes_it_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rulebook's content hash is `content_hash` of its folder, computed from the bytes the load read (each
    rule and translation file is opened once, not read again to be hashed)."""
    from collections import Counter

    import screener.rulebook as rulebook

    rules = Path(__file__).parent.parent / "rules"
    reads: Counter[Path] = Counter()
    original = rulebook.read_file_bytes

    def counted(path: Path, name: str) -> bytes:
        reads[path] += 1
        return original(path, name)

    monkeypatch.setattr(rulebook, "read_file_bytes", counted)
    loaded = load_rulebook(rules)
    assert len(reads) == len(rulebook.rule_files(rules)) + len(rulebook.translation_files(rules))
    assert set(reads.values()) == {1}
    assert loaded.content_hash == rulebook.content_hash(rules)


def test_each_expression_text_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text that recurs (a third of the shipped rulebook's expressions) is parsed once and its tree shared;
    each use keeps its own position."""
    from collections import Counter

    import screener.expressions as ex

    rules = Path(__file__).parent.parent / "rules"
    parsed: Counter[str] = Counter()
    original = ex.parse

    def counted(source: str) -> ex.Node:
        parsed[source] += 1
        return original(source)

    monkeypatch.setattr(ex, "parse", counted)
    loaded = load_rulebook(rules)
    assert parsed and set(parsed.values()) == {1}
    uses: dict[str, list[object]] = {}
    for rule in loaded.rules.flags.values():
        uses.setdefault(rule.condition.source, []).append(rule.condition)
    for pathway in loaded.rules.pathways.values():
        for requirement in pathway.requirements:
            uses.setdefault(requirement.condition.source, []).append(requirement.condition)
    shared = [found for found in uses.values() if len(found) > 1]
    assert shared  # the shipped rules repeat conditions
    for found in shared:
        assert len({id(compiled.node) for compiled in found}) == 1  # type: ignore[attr-defined]
        assert len({compiled.position for compiled in found}) == len(found)  # type: ignore[attr-defined]
