"""Hostile rulebooks: every attack must end in a one-line `file:line:col` error or a right answer, never a traceback.

Each case is driven the way a user would: `screener rules validate DIR`, `screener check --rules DIR --answers F
--no-input --json` and `screener batch`. The rulebook is a tiny one written here, with the attack spliced in.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from screener import expressions as ex
from screener.cli import app

RULEBOOK = """\
rulebook: {{id: hostile, title: Hostile, version: "1", disclaimer: Test rules only.}}
topics: [{{id: main, title: Main}}]
questions:
  - {{id: age, type: int, min: 0, max: 120, topic: main, prompt: Age?}}
  - {{id: citizen, type: yes_no, topic: main, prompt: Citizen?}}
derived:
  - id: value
    expr: '{expr}'
{more}pathways:
  - id: probe
    title: Probe
    kind: temporary_residence
    rank: 10
    summary: Probe.
    requirements:
      - id: check
        text: Check
        condition: '{condition}'
"""
CONDITION_LINE = 18  # the line of `condition:` above, for positioned errors


def write_rules(folder: Path, expr: str = "age", condition: str = "value >= 0 or citizen", more: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rules.yaml").write_text(RULEBOOK.format(expr=expr, condition=condition, more=more), encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    output = result.output
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, output


def validate(folder: Path) -> tuple[int, str]:
    return run("rules", "validate", str(folder))


def check(folder: Path, tmp_path: Path, **answers: object) -> tuple[int, str]:
    answer_file = tmp_path / "answers.json"
    answer_file.write_text(json.dumps(answers))
    return run("check", "--rules", str(folder), "--answers", str(answer_file), "--no-input", "--json")


def probe_outcome(folder: Path, tmp_path: Path, **answers: object) -> str:
    code, output = check(folder, tmp_path, **answers)
    assert code == 0, output
    outcome: str = json.loads(output)["pathways"]["probe"]["outcome"]
    return outcome


def batch_outcomes(folder: Path, tmp_path: Path, ages: list[int]) -> list[str]:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("age,citizen\n" + "".join(f"{age},no\n" for age in ages))
    code, output = run("batch", str(source), "--rules", str(folder), "-o", str(target))
    assert code == 0, output
    with target.open(newline="") as stream:
        return [row["probe"] for row in csv.DictReader(stream)]


def nested_sum(levels: int) -> str:
    """`(age + (age + (… age)))`: `levels` sums inside one another (a tree levels + 1 deep)."""
    return "(age + " * levels + "age" + ")" * levels


# ------------------------------------------------------------------------ deep and long expressions


@pytest.mark.parametrize(
    ("expr", "at_30"),
    [
        (" + ".join(["age"] * 500), 30 * 500),
        (" - ".join(["age"] * 500), 30 - 30 * 499),
        (" * ".join(["1"] * 499 + ["age"]), 30),
        ("age" + " + 2 * age - 1" * 300, 30 + 300 * 59),
        ("if(" + " and ".join(["age >= 1"] * 500) + ", age, 0)", 30),
        ("if(" + " or ".join(["age > 99"] * 499 + ["citizen"]) + ", 0, age)", 30),
    ],
    ids=["sum", "difference", "product", "mixed", "and", "or"],
)
def test_a_flat_chain_of_500_terms_works_in_every_engine(tmp_path: Path, expr: str, at_30: int) -> None:
    folder = write_rules(tmp_path / "rules", expr=expr, condition=f"value == {at_30}")
    assert validate(folder)[0] == 0
    assert probe_outcome(folder, tmp_path, age=30, citizen="no") == "eligible"
    assert probe_outcome(folder, tmp_path, age=31, citizen="no") == "ineligible"
    assert batch_outcomes(folder, tmp_path, [30, 31]) == ["eligible", "ineligible"]


def test_a_long_chain_is_one_level_of_the_tree() -> None:
    assert ex.depth(ex.parse(" + ".join(["age"] * 500))) == 2
    assert ex.depth(ex.parse(" and ".join(["a"] * 500))) == 2
    assert ex.depth(ex.parse("(" * 5000 + "age" + ")" * 5000)) == 1  # parentheses alone add nothing


def test_nesting_at_the_limit_works_in_every_engine(tmp_path: Path) -> None:
    levels = ex.MAX_DEPTH - 2  # the sums, the age at the bottom, and the comparison on top
    condition = f"{nested_sum(levels)} == {30 * (levels + 1)}"
    assert ex.depth(ex.parse(condition)) == ex.MAX_DEPTH
    folder = write_rules(tmp_path / "rules", condition=condition)
    assert validate(folder)[0] == 0
    assert probe_outcome(folder, tmp_path, age=30, citizen="no") == "eligible"
    assert probe_outcome(folder, tmp_path, age=29, citizen="no") == "ineligible"
    assert batch_outcomes(folder, tmp_path, [30, 29]) == ["eligible", "ineligible"]


@pytest.mark.parametrize(
    "condition",
    [
        nested_sum(ex.MAX_DEPTH) + " > 0",
        "not (" * 250 + "citizen" + ")" * 250,
        "not " * 5000 + "citizen",
        "-(" * 3000 + "age" + ")" * 3000 + " > 0",
        "min(" * 400 + "age" + ")" * 400 + " > 0",
        "if(citizen, " * 300 + "1" + ", 2)" * 300 + " > 0",
    ],
    ids=["sums", "not-parens", "not", "negation", "min", "if"],
)
def test_nesting_past_the_limit_is_a_positioned_error(tmp_path: Path, condition: str) -> None:
    folder = write_rules(tmp_path / "rules", condition=condition)
    code, output = validate(folder)
    assert code == 1
    assert f"rules.yaml:{CONDITION_LINE}:" in output
    assert f"expression nested too deeply (limit {ex.MAX_DEPTH})" in output
    code, output = check(folder, tmp_path, age=30)
    assert code == 1 and "nested too deeply" in output


def chain_of_derived(count: int) -> str:
    """Derived values step_1 … step_count, each reading the one before."""
    lines = ["  - {id: step_1, expr: age + 1}\n"]
    lines += [f"  - {{id: step_{n}, expr: step_{n - 1} + 1}}\n" for n in range(2, count + 1)]
    return "".join(lines)


def test_a_chain_of_derived_values_within_the_limit_evaluates(tmp_path: Path) -> None:
    count = 40
    folder = write_rules(tmp_path / "rules", condition=f"step_{count} == {30 + count}", more=chain_of_derived(count))
    assert validate(folder)[0] == 0
    assert probe_outcome(folder, tmp_path, age=30, citizen="no") == "eligible"
    assert batch_outcomes(folder, tmp_path, [30, 31]) == ["eligible", "ineligible"]


def test_a_chain_of_derived_values_too_deep_to_evaluate_is_rejected(tmp_path: Path) -> None:
    count = 1500  # also far past Python's recursion limit if any walker recursed per step
    folder = write_rules(tmp_path / "rules", condition=f"step_{count} > 0", more=chain_of_derived(count))
    code, output = validate(folder)
    assert code == 1
    assert "nested too deeply" in output and "counting the derived values it reads" in output
    assert output.count("nested too deeply") == 1  # reported where the limit is passed, not at every later step


def test_a_long_cycle_of_derived_values_is_reported_not_recursed(tmp_path: Path) -> None:
    count = 1500
    cycle = chain_of_derived(count).replace("expr: age + 1", f"expr: step_{count} + 1")
    code, output = validate(write_rules(tmp_path / "rules", condition="step_1 > 0", more=cycle))
    assert code == 1 and f"cycle among derived values: step_1 → step_{count} → step_{count - 1} → " in output


# ------------------------------------------------------------------------------------ big numbers


@pytest.mark.parametrize("digits", [16, 400, 4301, 100_000])
def test_a_number_too_large_in_an_expression_is_a_positioned_error(tmp_path: Path, digits: int) -> None:
    folder = write_rules(tmp_path / "rules", condition=f"age < {'9' * digits}")
    code, output = validate(folder)
    assert code == 1
    assert f"rules.yaml:{CONDITION_LINE}:27: number too large" in output  # the column of the number
    assert check(folder, tmp_path, age=30)[0] == 1


def test_fifteen_digits_and_long_decimals_are_fine(tmp_path: Path) -> None:
    folder = write_rules(tmp_path / "rules", condition=f"age < {'9' * 15} and age > 0.{'0' * 5000}1")
    assert validate(folder)[0] == 0
    assert probe_outcome(folder, tmp_path, age=30, citizen="no") == "eligible"


# ------------------------------------------------------------------------------- random expressions

NAMES = ["age", "citizen", "value", "as_of", "nope", "min", "if", "not", "and", "in"]
TOKENS = ["+", "-", "*", "/", "==", "!=", "<", ">=", "and", "or", "not", "in", "not in", "(", ")", "[", "]", ",",
          "min(", "max(", "if(", "known(", 'date("2020-13-45")', 'date("2020-01-01")', '"text"', "true", "0"]


def expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(NAMES),
        st.integers(min_value=0, max_value=10**30).map(str),
        st.text("0123456789", min_size=1, max_size=5000),
        st.sampled_from(['"a"', '"b"', "true", "false", "1.5"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "==", "<", "and", "or", "!="]), inner).map(" ".join),
            inner.map(lambda e: f"({e})"),
            inner.map(lambda e: f"not {e}"),
            inner.map(lambda e: f"-{e}"),
            st.tuples(st.sampled_from(["min", "max", "known", "if"]), st.lists(inner, min_size=1, max_size=3)).map(
                lambda call: f"{call[0]}({', '.join(call[1])})"),
            inner.map(lambda e: f"{e} in [1, 2]"),
            st.tuples(st.integers(1, 400), inner).map(lambda pair: "(" * pair[0] + pair[1] + ")" * pair[0]),
            st.tuples(st.integers(1, 300), inner).map(lambda pair: "not " * pair[0] + pair[1]),
            st.tuples(st.integers(2, 600), inner).map(lambda pair: " + ".join([pair[1]] * pair[0])),
        )

    structured = st.recursive(leaves, extend, max_leaves=12)
    junk = st.lists(st.sampled_from(TOKENS + NAMES), max_size=30).map(" ".join)
    return st.one_of(structured, junk)


def never_crashes(folder: Path, tmp_path: Path, condition: str, *, batch: bool = False) -> None:
    folder = write_rules(folder, condition=condition.replace("'", '"'))
    code, output = validate(folder)
    assert code in (0, 1, 2), output
    if code == 0:
        assert check(folder, tmp_path, age=30, citizen="yes")[0] in (0, 1, 2)
        if batch:
            assert len(batch_outcomes(folder, tmp_path, [30, 0])) == 2


SOME = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MANY = settings(SOME, max_examples=120)


@SOME
@given(condition=expressions())
def test_random_expressions_never_crash(tmp_path: Path, condition: str) -> None:
    never_crashes(tmp_path / "rules", tmp_path, condition)


@pytest.mark.slow
@MANY
@given(condition=expressions())
def test_many_random_expressions_never_crash_in_any_engine(tmp_path: Path, condition: str) -> None:
    never_crashes(tmp_path / "rules", tmp_path, condition, batch=True)


# ------------------------------------------------------------------------------ YAML bombs and sizes


def billion_laughs(levels: int = 9) -> str:
    """Ten reused anchors per level: 10^levels values once expanded, in a few hundred bytes."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def reused_anchors(size: int = 420_000) -> str:
    """A ~420 KB file whose one anchor of 1,000 values is reused by every later line (quadratic)."""
    head = "big: &big [" + ", ".join(["x"] * 1000) + "]\nmany:\n"
    return head + "  - *big\n" * ((size - len(head)) // 9)


def merged_mappings(count: int = 3000) -> str:
    """Every mapping merges (`<<`) one big mapping, which PyYAML copies into each of them."""
    head = "big: &big {" + ", ".join(f"k{n}: 1" for n in range(1000)) + "}\nmany:\n"
    return head + "  - {<<: *big, extra: 1}\n" * count


def merged_chain(count: int = 3000) -> str:
    """Each mapping merges the one before, which PyYAML flattens recursively."""
    lines = ["m0: &m0 {k0: 1}"] + [f"m{n}: &m{n} {{<<: *m{n - 1}, k{n}: 1}}" for n in range(1, count)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (billion_laughs(), "too many values once aliases are expanded", None),
        (reused_anchors(), "too many values once aliases are expanded", None),
        (merged_mappings(), "too many values once aliases are expanded", None),
        (merged_chain(), "nested too deeply (limit 100)", 100),
        ("deep: " + "[" * 150 + "]" * 150 + "\n", "nested too deeply (limit 100)", 1),
        ("loop: &loop [*loop]\n", "an alias refers to a value that contains it", 1),
    ],
    ids=["billion-laughs", "reused-anchors", "merges", "merge-chain", "nesting", "self-reference"],
)
def test_yaml_bombs_are_refused_before_they_are_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str, line: int | None
) -> None:
    from screener.rulebook import RulebookError, load_rulebook

    folder = write_rules(tmp_path / "rules")
    (folder / "bomb.yaml").write_text(text)
    built = original = yaml.constructor.BaseConstructor.construct_document

    def construct_document(loader: Any, node: Any) -> Any:
        # The limits must refuse the bomb before PyYAML builds a single value of it (building is what
        # took minutes); no timing is asserted, the machine may be busy.
        assert not str(getattr(loader, "filename", "")).endswith("bomb.yaml"), "the bomb was built"
        return built(loader, node)

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", construct_document)
    with pytest.raises(RulebookError) as caught:
        load_rulebook(folder)
    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", original)
    [problem] = caught.value.errors
    assert problem.position.file.endswith("bomb.yaml") and message in problem.message
    if line is not None:
        assert problem.position.line == line
    code, output = validate(folder)
    assert code == 1 and "bomb.yaml:" in output and message in output


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    from screener.rulebook import RulebookError, load_rulebook
    from screener.source import MAX_FILE_BYTES

    folder = write_rules(tmp_path / "rules")
    with (folder / "huge.yaml").open("wb") as stream:
        stream.truncate(100_000_000)  # 100 MB (sparse: nothing to write, but too large to read)
    (folder / "big.yaml").write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(RulebookError) as caught:
        load_rulebook(folder)
    found = {Path(error.position.file).name: error.message for error in caught.value.errors}
    assert set(found) == {"huge.yaml", "big.yaml"}
    assert all(message.startswith("file too large") for message in found.values())
    code, output = check(folder, tmp_path, age=30)
    assert code == 1 and "huge.yaml:1:1: file too large (100,000,000 bytes" in output


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('version: "1"', 'version: "1", review_by: 2020-13-45', "not a valid date (month must be in 1..12)"),
        ('version: "1"', 'version: "1", review_by: 2021-02-29', "not a valid date (day is out of range"),
        ('version: "1"', 'version: "1", review_by: !!timestamp tomorrow', "not a valid date"),
        ('version: "1"', "version: " + "7" * 5000, "number too large"),
    ],
    ids=["month", "day", "tagged", "huge-int"],
)
def test_impossible_yaml_values_are_positioned_errors(tmp_path: Path, replace: str, by: str, message: str) -> None:
    folder = write_rules(tmp_path / "rules")
    path = folder / "rules.yaml"
    path.write_text(path.read_text().replace(replace, by))
    code, output = validate(folder)
    assert code == 1
    assert "rules.yaml:1:" in output and message in output
    assert check(folder, tmp_path, age=30)[0] == 1


TABLE = """\
tables:
  - id: points
    title: Points
    key: number
    rows:
      - {{at: {key}, points: {cell}}}
"""


@pytest.mark.parametrize(
    ("key", "cell", "message"),
    [
        ("1", "9" * 5000, "number too large"),
        ("1", "9" * 400, "'points' must be a finite number below 10^15"),
        ("1", "9" * 16, "'points' must be a finite number below 10^15"),
        ("1", ".nan", "'points' must be a finite number below 10^15"),
        ("1", "-.inf", "'points' must be a finite number below 10^15"),
        ("9" * 400, "1", "a key must be a finite number below 10^15"),
    ],
    ids=["4300-digits", "400-digits", "16-digits", "nan", "infinity", "key"],
)
def test_table_numbers_out_of_range_are_positioned_errors(tmp_path: Path, key: str, cell: str, message: str) -> None:
    folder = write_rules(tmp_path / "rules", expr="points(age)", more=TABLE.format(key=key, cell=cell))
    code, output = validate(folder)
    assert code == 1
    assert "rules.yaml:14:" in output and message in output  # the row's line


def test_table_numbers_in_range_work_in_both_engines(tmp_path: Path) -> None:
    big = "9" * 15
    folder = write_rules(tmp_path / "rules", expr="points(age)", condition=f"value == {big}",
                         more=TABLE.format(key="30", cell=big))
    assert validate(folder)[0] == 0
    assert probe_outcome(folder, tmp_path, age=30, citizen="no") == "eligible"
    assert batch_outcomes(folder, tmp_path, [30, 31]) == ["eligible", "incomplete"]


# --------------------------------------------------------------------- what a rules folder may hold


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed CLI in its own process, so a hang fails the test instead of stalling the suite."""
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SCREENER_CACHE_DIR": "off"})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_dangling_link_named_yaml_is_reported_and_never_opened(tmp_path: Path) -> None:
    folder = write_rules(tmp_path / "rules")
    os.mkfifo(folder / "pipe.yaml")  # opening this for reading would wait for a writer forever
    (folder / "gone.yaml").symlink_to(folder / "missing.yaml")
    (folder / "tests").mkdir()
    os.mkfifo(folder / "tests" / "cases.yaml")
    for args in (["rules", "validate", str(folder)],
                 ["check", "--rules", str(folder), "--answers", str(tmp_path / "a.json"), "--no-input", "--json"]):
        (tmp_path / "a.json").write_text('{"age": 30}')
        result = run_process(*args)
        assert result.returncode == 1, result.stderr
        assert f"{folder / 'pipe.yaml'}:1:1: not a regular file" in result.stderr
        assert f"{folder / 'gone.yaml'}:1:1: broken link" in result.stderr
        assert "Traceback" not in result.stderr
    (folder / "pipe.yaml").unlink()
    (folder / "gone.yaml").unlink()
    result = run_process("rules", "test", str(folder))
    assert result.returncode == 1 and f"{folder / 'tests' / 'cases.yaml'}:1:1: not a regular file" in result.stderr


def test_a_link_to_a_rule_file_is_read_and_a_linked_folder_is_not_followed(tmp_path: Path) -> None:
    elsewhere = write_rules(tmp_path / "elsewhere")
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "rules.yaml").symlink_to(elsewhere / "rules.yaml")
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # would repeat every file if followed
    assert validate(folder)[0] == 0


# ------------------------------------------------------------------------------- the rulebook cache

SHIPPED = Path(__file__).resolve().parent.parent / "rules"
IEC_AT_50 = {"canadian_citizen": "no", "born_in_canada": False, "canadian_parent": "no", "us_citizen": True,
             "age": 50}


@pytest.fixture
def cached_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The shipped rulebook (copied) and a private cache folder of its own."""
    import shutil

    cache = tmp_path / "cache"
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(cache))
    rules = tmp_path / "shipped"
    shutil.copytree(SHIPPED, rules)
    return rules, cache


def iec_outcome(rules: Path, tmp_path: Path) -> str:
    code, output = check(rules, tmp_path, **IEC_AT_50)
    assert code == 0, output
    outcome: str = json.loads(output)["pathways"]["iec_working_holiday"]["outcome"]
    return outcome


def the_entry(cache: Path) -> Path:
    [entry] = cache.glob("rulebook-*.json")
    return entry


def test_a_tampered_cache_entry_never_changes_a_verdict(cached_rules: tuple[Path, Path], tmp_path: Path) -> None:
    rules, cache = cached_rules
    assert iec_outcome(rules, tmp_path) == "ineligible"  # the working holiday ends at 35
    entry = the_entry(cache)
    original = entry.read_bytes()
    assert original.count(b'"condition":"age <= 35"') == 1
    entry.write_bytes(original.replace(b'"condition":"age <= 35"', b'"condition":"age <= 99"'))
    assert iec_outcome(rules, tmp_path) == "ineligible"  # the verdict of the real rules
    assert entry.read_bytes() == original  # and the entry was rebuilt from the YAML


def test_an_entry_signed_without_the_secret_is_not_trusted(cached_rules: tuple[Path, Path], tmp_path: Path) -> None:
    import hashlib
    import hmac

    rules, cache = cached_rules
    iec_outcome(rules, tmp_path)
    entry = the_entry(cache)
    payload = entry.read_bytes().partition(b"\n")[2]
    forged = payload.replace(b'"condition":"age <= 35"', b'"condition":"age <= 99"')
    for key in (b"", b"guess", hashlib.sha256(forged).hexdigest().encode()):  # signatures an attacker can make
        mac = hmac.new(key, entry.name.encode() + b"\0" + forged, hashlib.sha256).hexdigest().encode()
        entry.write_bytes(b"hmac-sha256:" + mac + b"\n" + forged)
        assert iec_outcome(rules, tmp_path) == "ineligible"
    entry.write_bytes(b"hmac-sha256:" + hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    assert iec_outcome(rules, tmp_path) == "ineligible"  # a plain hash of the content is no signature either


def test_a_genuine_entry_for_other_rules_is_not_reused(cached_rules: tuple[Path, Path], tmp_path: Path) -> None:
    rules, cache = cached_rules
    iec_outcome(rules, tmp_path)
    genuine = the_entry(cache).read_bytes()
    path = rules / "pathways" / "temporary.yaml"
    path.write_text(path.read_text().replace("condition: age <= 35", "condition: age <= 99"))
    assert iec_outcome(rules, tmp_path) == "eligible"  # the edited rules
    edited_entry = next(e for e in cache.glob("rulebook-*.json") if e.read_bytes() != genuine)
    path.write_text(path.read_text().replace("condition: age <= 99", "condition: age <= 35"))
    for entry in cache.glob("rulebook-*.json"):  # both names now hold the edited rules' genuine entry
        entry.write_bytes(edited_entry.read_bytes())
    assert iec_outcome(rules, tmp_path) == "ineligible"


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage", "no-header"])
def test_a_damaged_entry_falls_back_and_is_rewritten(cached_rules: tuple[Path, Path], tmp_path: Path,
                                                       damage: str) -> None:
    rules, cache = cached_rules
    iec_outcome(rules, tmp_path)
    entry = the_entry(cache)
    original = entry.read_bytes()
    damaged = {"truncate": original[: len(original) // 2], "empty": b"", "garbage": os.urandom(4096),
               "no-header": original.partition(b"\n")[2]}[damage]
    entry.write_bytes(damaged)
    assert iec_outcome(rules, tmp_path) == "ineligible"
    assert entry.read_bytes() == original


def test_the_secret_is_private_created_once_and_shared(cached_rules: tuple[Path, Path], tmp_path: Path) -> None:
    from screener.rulecache import load_rulebook_cached

    rules, cache = cached_rules
    iec_outcome(rules, tmp_path)
    secret = cache / "secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    key = secret.read_bytes()
    assert len(key) == 64
    entry = the_entry(cache)
    written, content = entry.stat().st_ino, entry.read_bytes()
    load_rulebook_cached(rules)  # a second run verifies with the same secret and reads the entry as it is
    # not rewritten (a rewrite is a new file); a hit only touches its mtime, for pruning
    assert secret.read_bytes() == key and entry.stat().st_ino == written and entry.read_bytes() == content
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_a_secret_others_could_read_is_replaced(cached_rules: tuple[Path, Path], tmp_path: Path) -> None:
    rules, cache = cached_rules
    iec_outcome(rules, tmp_path)
    secret = cache / "secret"
    old = secret.read_bytes()
    secret.chmod(0o644)
    assert iec_outcome(rules, tmp_path) == "ineligible"
    assert secret.read_bytes() != old and secret.stat().st_mode & 0o777 == 0o600


def test_a_secret_that_is_a_link_disables_the_cache(cached_rules: tuple[Path, Path], tmp_path: Path) -> None:
    rules, cache = cached_rules
    cache.mkdir(mode=0o700)
    elsewhere = tmp_path / "planted"
    elsewhere.write_text("0" * 64)
    elsewhere.chmod(0o600)
    (cache / "secret").symlink_to(elsewhere)
    assert iec_outcome(rules, tmp_path) == "ineligible"
    assert not list(cache.glob("rulebook-*.json"))


def test_a_broken_link_added_after_caching_is_still_reported(cached_rules: tuple[Path, Path], tmp_path: Path) -> None:
    rules, _ = cached_rules
    assert iec_outcome(rules, tmp_path) == "ineligible"  # cached now
    (rules / "later.yaml").symlink_to(rules / "nowhere.yaml")
    code, output = check(rules, tmp_path, **IEC_AT_50)
    assert code == 1 and "later.yaml:1:1: broken link" in output
