"""The expression language: parsing, three-valued evaluation, and type checking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from screener import expressions as ex


class Env(ex.Environment):
    """A plain dict of values; a missing or None value is unknown."""

    def __init__(self, **values: Any) -> None:
        self.values = values
        self.tables: dict[str, dict[Any, float]] = {"points": {1: 10.0, 2: 20.0}}

    def lookup(self, name: str) -> ex.Result:
        value = self.values.get(name)
        return (value, ex.EMPTY) if value is not None else (None, frozenset([name]))

    def table(self, name: str, key: Any, column: str) -> Any:
        return self.tables[name].get(key)


def run(source: str, **values: Any) -> Any:
    return ex.evaluate(ex.parse(source), Env(**values))[0]


def blockers(source: str, **values: Any) -> set[str]:
    return set(ex.evaluate(ex.parse(source), Env(**values))[1])


# ------------------------------------------------------------------------------------ operators


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("age >= 18", {"age": 18}, True),
        ("age >= 18", {"age": 17}, False),
        ("age > 18", {"age": 18}, False),
        ("age < 18", {"age": 17}, True),
        ("age <= 17", {"age": 17}, True),
        ("age == 30", {"age": 30}, True),
        ("age != 30", {"age": 30}, False),
        ('education == "masters"', {"education": "masters"}, True),
        ('education == "Masters"', {"education": "masters"}, True),
        ('education in ["masters", "doctoral"]', {"education": "doctoral"}, True),
        ('education in ["masters", "doctoral"]', {"education": "bachelors"}, False),
        ('education not in ["masters", "doctoral"]', {"education": "bachelors"}, True),
        ("a + b * 2", {"a": 1, "b": 3}, 7),
        ("(a + b) * 2", {"a": 1, "b": 3}, 8),
        ("a - b - 1", {"a": 10, "b": 3}, 6),
        ("a / 4", {"a": 10}, 2.5),
        ("-a + 1", {"a": 3}, -2),
        ("min(a, b, 7)", {"a": 9, "b": 8}, 7),
        ("max(a, b)", {"a": 9, "b": 8}, 9),
        ("if(flag, 1, 2)", {"flag": True}, 1),
        ("if(flag, 1, 2)", {"flag": False}, 2),
        ("not flag", {"flag": False}, True),
        ("known(a)", {"a": 0}, True),
        ("known(a)", {}, False),
        ("points(a)", {"a": 2}, 20.0),
        ('date("2018-12-18") < day', {"day": dt.date(2019, 1, 1)}, True),
        ("true and not false", {}, True),
        ("a >= 18 and a <= 35 or b", {"a": 40, "b": True}, True),
    ],
)
def test_operators(source: str, values: dict[str, Any], expected: Any) -> None:
    assert run(source, **values) == expected


def test_precedence_not_binds_looser_than_comparison() -> None:
    assert run("not a == 1", a=2) is True
    assert run("not a == 1", a=1) is False


def test_division_by_zero_is_unknown_not_a_crash() -> None:
    assert run("a / b", a=1, b=0) is None


# --------------------------------------------------------------------------- three-valued logic

KLEENE_AND = {
    (True, True): True, (True, False): False, (True, None): None,
    (False, True): False, (False, False): False, (False, None): False,
    (None, True): None, (None, False): False, (None, None): None,
}


@pytest.mark.parametrize(("pair", "expected"), KLEENE_AND.items())
def test_and_is_kleene(pair: tuple[bool | None, bool | None], expected: bool | None) -> None:
    assert run("p and q", p=pair[0], q=pair[1]) is expected


@pytest.mark.parametrize(("pair", "expected"), KLEENE_AND.items())
def test_or_is_the_dual_of_and(pair: tuple[bool | None, bool | None], expected: bool | None) -> None:
    negated = tuple(None if v is None else not v for v in pair)
    dual = None if expected is None else not expected
    assert run("p or q", p=negated[0], q=negated[1]) is dual


@pytest.mark.parametrize(
    "source",
    ["age >= 18", "age == 3", "age + 1", "-age", "not flag", "min(age, 3)", "max(3, age)",
     'edu in ["a"]', 'edu not in ["a"]', "points(age)", "age / 2"],
)
def test_unknown_propagates(source: str) -> None:
    assert run(source) is None
    assert blockers(source) <= {"age", "flag", "edu"}
    assert blockers(source)


def test_unknown_is_not_no() -> None:
    assert run("not flag") is None  # not "true": an unanswered question is not a "no"


def test_if_with_unknown_condition() -> None:
    assert run("if(flag, 1, 2)") is None
    assert run("if(flag, 5, 5)") == 5  # both branches agree: the answer cannot matter
    assert blockers("if(flag, a, b)", a=1) == {"flag"}


def test_if_is_lazy_in_the_branch_not_taken() -> None:
    assert run("if(single, 0, partner_points)", single=True) == 0


def test_known_is_never_unknown() -> None:
    assert run("known(x)") is False
    assert run("known(x) and x") is False  # false and unknown = false


def test_blockers_of_and_name_only_what_keeps_it_open() -> None:
    assert blockers("a >= 1 and b >= 1") == {"a", "b"}
    assert blockers("a >= 1 and b >= 1", a=2) == {"b"}
    assert blockers("a >= 1 and b >= 1", b=0) == set()  # already false


# ------------------------------------------------------------------------------------ syntax


@pytest.mark.parametrize(
    ("source", "offset", "fragment"),
    [
        ("age >= ", 7, "ends too early"),
        ("person.age >= 18", 6, "'.' is not allowed"),
        ("age = 18", 4, "use '=='"),
        ('education == "masters', 13, "unterminated"),
        ("age >= 18 18", 10, "unexpected '18'"),
        ("a < b < c", 6, "chained comparisons"),
        ("a in b", 5, "needs a list"),
        ("min(a, b", 8, "expected ',' or ')' at the end"),
        ('x in ["a" "b"]', 10, "expected ',' or ']'"),
        ("", 0, "empty expression"),
        ('date("2018-13-40") < x', 5, "not a date"),
        ("age >= 18 and", 13, "ends too early"),
        ("a ; b", 2, "unexpected character"),
    ],
)
def test_syntax_errors_point_at_the_character(source: str, offset: int, fragment: str) -> None:
    with pytest.raises(ex.ExpressionError) as caught:
        ex.parse(source)
    assert fragment in caught.value.message
    assert caught.value.offset == offset


def test_no_python_escape_hatches() -> None:
    for source in ["__import__('os')", "open('x')", "a.__class__", "eval('1')", "lambda: 1"]:
        try:
            node = ex.parse(source)
        except ex.ExpressionError:
            continue
        context = ex.TypeContext({"a": ex.NUMBER}, {})
        ex.check(node, context)
        assert context.errors, source


# ------------------------------------------------------------------------------------- types

EDUCATION = ex.Type("text", frozenset({"secondary", "masters", "doctoral"}))
NAMES = {"age": ex.NUMBER, "education": EDUCATION, "job_offer": ex.BOOL, "day": ex.DATE}
TABLES = {
    "crs_age": ex.TableSignature(ex.NUMBER, ("with_spouse", "without_spouse")),
    "edu_points": ex.TableSignature(ex.Type("text", frozenset({"masters", "phd"})), ("points",)),
}


def type_errors(source: str) -> list[str]:
    context = ex.TypeContext(NAMES, TABLES)
    ex.check(ex.parse(source), context)
    return [error.message for error in context.errors]


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("agee >= 18", "unknown name 'agee' (did you mean 'age'?)"),
        ('education == "phd"', "'phd' is not a choice of education"),
        ('education in ["masters", "master"]', "did you mean 'masters'?"),
        ('age == "thirty"', 'cannot compare a number with the text "thirty"'),
        ('age == "4"', "remove the quotes around the number"),
        ('job_offer == "true"', "write just `job_offer`"),
        ('job_offer == "no"', "write just `not job_offer`"),
        ('day > "July 7, 2026"', 'write a date as date("YYYY-MM-DD")'),
        ("eligible_age", "under `questions:`"),
        ("job_offer > 1", "compares numbers or dates"),
        ("age and job_offer", "'and' needs true/false"),
        ("not age", "'not' needs true/false"),
        ("age + job_offer", "'+' needs a number"),
        ("if(age, 1, 2)", "condition of if() needs true/false"),
        ('if(job_offer, 1, "a")', "both branches"),
        ("crs_age(age)", "takes two values"),
        ('crs_age(age, "with_spuse")', "did you mean 'with_spouse'?"),
        ("crs_age(education, \"with_spouse\")", "is looked up by a number"),
        ("edu_points(education)", "has a row for 'phd'"),
        ("crs_agee(age)", "unknown function or table 'crs_agee' (did you mean 'crs_age'?)"),
        ("sum(age)", "unknown function or table 'sum'"),
        ("crs_age > 1", "'crs_age' is a table"),
        ("min(age, day)", "all of one kind"),
    ],
)
def test_type_errors(source: str, fragment: str) -> None:
    errors = type_errors(source)
    assert any(fragment in error for error in errors), errors


@pytest.mark.parametrize(
    "source",
    ['education in ["masters", "doctoral"] and age >= 18', 'crs_age(age, "with_spouse") + 1',
     'if(job_offer, "masters", "doctoral") == "masters"', "known(age) or job_offer", "day >= date(\"2025-03-25\")"],
)
def test_well_typed(source: str) -> None:
    assert type_errors(source) == []


def test_if_of_two_texts_keeps_both_value_sets() -> None:
    context = ex.TypeContext(NAMES, TABLES)
    found = ex.check(ex.parse('if(job_offer, "english", "french")'), context)
    assert found == ex.Type("text", frozenset({"english", "french"}))
    assert type_errors('if(job_offer, "english", "french") == "spanish"')


@pytest.mark.parametrize(("source", "values", "expected"), [
    # true while x is unanswered, and still true once x is answered whatever the answer: nothing to ask
    ("x or not known(x) or y", {"y": True}, True),
    # true while x is unanswered, but an answer "no" would make it false: x is worth asking
    ("x or not known(x)", {}, None),
    ("if(known(x), x, true) and known(y)", {"y": 1}, None),
    ("known(z) or x", {"x": True}, True),  # another name's known() is left as it is
])
def test_assume_known_answers_whatever_the_answer(source: str, values: dict[str, Any], expected: Any) -> None:
    """A lead shown while x is unanswered: with known(x) assumed, true means every answer keeps it shown."""
    node = ex.parse(source)
    assert ex.evaluate(ex.assume_known(node, "x"), Env(**values))[0] is expected


def test_known_names_are_the_names_tested_with_known() -> None:
    assert ex.known_names(ex.parse("known(a) and b or not known(c) and known(a)")) == {"a", "c"}
