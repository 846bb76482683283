"""The rule expression language: parsed by us, type-checked at load, evaluated in three-valued logic.

Expressions are data. We tokenize and parse them ourselves (no `eval`, no Python AST), so the only
things an expression can do are the operators and the handful of functions listed in `FUNCTIONS`,
plus lookups in the rulebook's own tables. Unknown (an unanswered question) is `None` and flows
through everything: comparisons and arithmetic on unknown are unknown, and `and`/`or`/`not` follow
Kleene's logic (false and unknown = false, true or unknown = true).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from screener.suggest import did_you_mean

Kind = Literal["bool", "number", "text", "date", "list"]


@dataclass(frozen=True)
class Type:
    """The static type of an expression; text may carry its set of allowed values."""

    kind: Kind
    values: frozenset[str] | None = None

    def __str__(self) -> str:
        if self.kind == "text" and self.values is not None:
            return "text (one of " + ", ".join(sorted(self.values)) + ")"
        return {"bool": "true/false", "number": "a number", "text": "text", "date": "a date",
                "list": "a list"}[self.kind]


BOOL = Type("bool")
NUMBER = Type("number")
TEXT = Type("text")
DATE = Type("date")


class ExpressionError(Exception):
    """A problem in an expression, at a character offset inside it."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# ---------------------------------------------------------------------------------------------
# Syntax tree (named tuples: immutable, cheap to create, and quick to import)


class Literal_(NamedTuple):
    value: Any
    type: Type
    offset: int


class Name(NamedTuple):
    name: str
    offset: int


class ListOf(NamedTuple):
    items: tuple[Literal_, ...]
    offset: int


class Not(NamedTuple):
    operand: Node
    offset: int


class Negate(NamedTuple):
    operand: Node
    offset: int


class Logic(NamedTuple):
    op: Literal["and", "or"]
    operands: tuple[Node, ...]
    offset: int


class Compare(NamedTuple):
    op: str  # == != < <= > >= in "not in"
    left: Node
    right: Node
    offset: int


class Arith(NamedTuple):
    op: str  # + - * /
    left: Node
    right: Node
    offset: int


class Call(NamedTuple):
    function: str
    args: tuple[Node, ...]
    offset: int


Node = Literal_ | Name | ListOf | Not | Negate | Logic | Compare | Arith | Call

FUNCTIONS = ("min", "max", "if", "known", "date")
KEYWORDS = {"and", "or", "not", "in", "true", "false"}

# ---------------------------------------------------------------------------------------------
# Tokenizer

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      |(?P<number>\d+(?:\.\d+)?)
      |(?P<string>"[^"\\\n]*"|'[^'\\\n]*')
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      |(?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    kind: str  # number string name op end
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    offset = 0
    while offset < len(source):
        match = _TOKEN.match(source, offset)
        if match is None:
            char = source[offset]
            if char == ".":
                raise ExpressionError("'.' is not allowed: expressions cannot reach inside values", offset)
            if char in "\"'":
                raise ExpressionError("unterminated text: add the closing quote", offset)
            if char == "=":
                raise ExpressionError("use '==' to compare", offset)
            raise ExpressionError(f"unexpected character {char!r}", offset)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), offset))
        offset = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


# ---------------------------------------------------------------------------------------------
# Parser (recursive descent; precedence: or < and < not < comparison < + - < * / < unary -)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_word(self, word: str) -> bool:
        return self.current.kind == "name" and self.current.text == word

    def at_op(self, op: str) -> bool:
        return self.current.kind == "op" and self.current.text == op

    def expect_op(self, op: str) -> Token:
        if not self.at_op(op):
            raise ExpressionError(f"expected '{op}' {self.describe_current()}", self.current.offset)
        return self.advance()

    def describe_current(self) -> str:
        return "at the end" if self.current.kind == "end" else f"but found '{self.current.text}'"

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError("empty expression", 0)
        node = self.parse_or()
        if self.current.kind != "end":
            raise ExpressionError(f"unexpected '{self.current.text}'", self.current.offset)
        return node

    def parse_or(self) -> Node:
        first = self.parse_and()
        operands = [first]
        while self.at_word("or"):
            self.advance()
            operands.append(self.parse_and())
        return first if len(operands) == 1 else Logic("or", tuple(operands), _offset(first))

    def parse_and(self) -> Node:
        first = self.parse_not()
        operands = [first]
        while self.at_word("and"):
            self.advance()
            operands.append(self.parse_not())
        return first if len(operands) == 1 else Logic("and", tuple(operands), _offset(first))

    def parse_not(self) -> Node:
        if self.at_word("not"):
            token = self.advance()
            return Not(self.parse_not(), token.offset)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_sum()
        op: str | None = None
        token = self.current
        if token.kind == "op" and token.text in ("==", "!=", "<", "<=", ">", ">="):
            op = self.advance().text
        elif self.at_word("in"):
            self.advance()
            op = "in"
        elif self.at_word("not") and self.tokens[self.index + 1].text == "in":
            self.advance()
            self.advance()
            op = "not in"
        if op is None:
            return left
        right = self.parse_list() if op in ("in", "not in") else self.parse_sum()
        nxt = self.current
        if nxt.kind == "op" and nxt.text in ("==", "!=", "<", "<=", ">", ">="):
            raise ExpressionError("chained comparisons are not allowed: join them with 'and'", nxt.offset)
        return Compare(op, left, right, token.offset)

    def parse_list(self) -> ListOf:
        start = self.current
        if not self.at_op("["):
            raise ExpressionError(
                "'in' needs a list of values in square brackets, like [\"masters\", \"doctoral\"]",
                start.offset,
            )
        self.advance()
        items: list[Literal_] = []
        while not self.at_op("]"):
            item = self.parse_unary()
            if not isinstance(item, Literal_):
                raise ExpressionError("a list may hold only plain values", _offset(item))
            items.append(item)
            if not self.at_op("]") and not self.at_op(","):
                raise ExpressionError(f"expected ',' or ']' {self.describe_current()}", self.current.offset)
            if self.at_op(","):
                self.advance()
        self.advance()
        if not items:
            raise ExpressionError("empty list", start.offset)
        return ListOf(tuple(items), start.offset)

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while self.current.kind == "op" and self.current.text in ("+", "-"):
            token = self.advance()
            node = Arith(token.text, node, self.parse_product(), token.offset)
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while self.current.kind == "op" and self.current.text in ("*", "/"):
            token = self.advance()
            node = Arith(token.text, node, self.parse_unary(), token.offset)
        return node

    def parse_unary(self) -> Node:
        if self.at_op("-"):
            token = self.advance()
            operand = self.parse_unary()
            if isinstance(operand, Literal_) and operand.type == NUMBER:
                return Literal_(-operand.value, NUMBER, token.offset)
            return Negate(operand, token.offset)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            value: Any = float(token.text) if "." in token.text else int(token.text)
            return Literal_(value, NUMBER, token.offset)
        if token.kind == "string":
            self.advance()
            text = token.text[1:-1]
            return Literal_(text, Type("text", frozenset([text])), token.offset)
        if token.kind == "name":
            self.advance()
            if token.text in ("true", "false"):
                return Literal_(token.text == "true", BOOL, token.offset)
            if token.text in KEYWORDS:
                raise ExpressionError(f"'{token.text}' cannot stand here", token.offset)
            if self.at_op("("):
                return self.parse_call(token)
            return Name(token.text, token.offset)
        if self.at_op("("):
            self.advance()
            node = self.parse_or()
            self.expect_op(")")
            return node
        if self.at_op("["):
            raise ExpressionError("a list can only follow 'in' or 'not in'", token.offset)
        if token.kind == "end":
            raise ExpressionError("the expression ends too early", token.offset)
        raise ExpressionError(f"unexpected '{token.text}'", token.offset)

    def parse_call(self, name: Token) -> Node:
        self.expect_op("(")
        args: list[Node] = []
        while not self.at_op(")"):
            args.append(self.parse_or())
            if not self.at_op(")") and not self.at_op(","):
                raise ExpressionError(f"expected ',' or ')' {self.describe_current()}", self.current.offset)
            if self.at_op(","):
                self.advance()
        self.advance()
        if name.text == "date":
            if len(args) != 1 or not isinstance(args[0], Literal_) or not isinstance(args[0].value, str):
                raise ExpressionError('date() takes one text like date("2018-12-18")', name.offset)
            try:
                return Literal_(dt.date.fromisoformat(args[0].value), DATE, name.offset)
            except ValueError:
                raise ExpressionError(f"'{args[0].value}' is not a date (YYYY-MM-DD)", args[0].offset) from None
        return Call(name.text, tuple(args), name.offset)


def _offset(node: Node) -> int:
    return node.offset


def parse(source: str) -> Node:
    """Parse an expression, raising ExpressionError with the offending character's offset."""
    if not isinstance(source, str):
        source = str(source)
    return _Parser(source).parse()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents first."""
    yield node
    if isinstance(node, (Not, Negate)):
        yield from walk(node.operand)
    elif isinstance(node, Logic):
        for operand in node.operands:
            yield from walk(operand)
    elif isinstance(node, (Compare, Arith)):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)
    elif isinstance(node, ListOf):
        yield from node.items


def names_in(node: Node) -> set[str]:
    """The names an expression reads (table names in calls included)."""
    found: set[str] = set()
    for sub in walk(node):
        if isinstance(sub, Name):
            found.add(sub.name)
        elif isinstance(sub, Call) and sub.function not in FUNCTIONS:
            found.add(sub.function)
    return found


# ---------------------------------------------------------------------------------------------
# Type checking


@dataclass(frozen=True)
class TableSignature:
    """What the type checker needs to know about a table used as a function."""

    key: Type
    columns: tuple[str, ...]
    row_values: tuple[tuple[str, int], ...] = ()  # text keys named by rows, with offsets unused


@dataclass
class TypeContext:
    names: Mapping[str, Type]
    tables: Mapping[str, TableSignature]
    errors: list[ExpressionError] = field(default_factory=list)
    ignored: set[str] = field(default_factory=set)  # names whose definitions were already reported broken


def check(node: Node, context: TypeContext) -> Type | None:
    """The type of `node`; problems are appended to context.errors (None where unknowable)."""
    return _Checker(context).check(node)


def _choice_error(value: str, allowed: frozenset[str], offset: int, what: str = "") -> ExpressionError:
    hint = did_you_mean(value, allowed)
    where = f" of {what}" if what else ""
    return ExpressionError(
        f"'{value}' is not a choice{where}; the choices are: {', '.join(sorted(allowed))}{hint}", offset
    )


class _Checker:
    def __init__(self, context: TypeContext) -> None:
        self.context = context

    def error(self, message: str, offset: int) -> None:
        self.context.errors.append(ExpressionError(message, offset))

    def check(self, node: Node) -> Type | None:
        method: Callable[[Any], Type | None] = getattr(self, "check_" + type(node).__name__.lower())
        return method(node)

    def check_literal_(self, node: Literal_) -> Type:
        return node.type

    def check_name(self, node: Name) -> Type | None:
        found = self.context.names.get(node.name)
        if found is None and node.name not in self.context.ignored:
            if node.name in self.context.tables:
                self.error(f"'{node.name}' is a table: look a value up with {node.name}(key)", node.offset)
                return None
            hint = did_you_mean(node.name, self.context.names)
            self.error(f"unknown name '{node.name}'{hint}", node.offset)
        return found

    def check_listof(self, node: ListOf) -> Type:
        kinds = {item.type.kind for item in node.items}
        if len(kinds) > 1:
            self.error("a list must hold values of one kind", node.offset)
        return Type("list")

    def expect(self, node: Node, kind: Kind, what: str) -> Type | None:
        found = self.check(node)
        if found is not None and found.kind != kind:
            self.error(f"{what} needs {Type(kind)}, but this is {found}", node.offset)
            return None
        return found

    def check_not(self, node: Not) -> Type:
        self.expect(node.operand, "bool", "'not'")
        return BOOL

    def check_negate(self, node: Negate) -> Type:
        self.expect(node.operand, "number", "'-'")
        return NUMBER

    def check_logic(self, node: Logic) -> Type:
        for operand in node.operands:
            self.expect(operand, "bool", f"'{node.op}'")
        return BOOL

    def check_arith(self, node: Arith) -> Type:
        self.expect(node.left, "number", f"'{node.op}'")
        self.expect(node.right, "number", f"'{node.op}'")
        return NUMBER

    def check_compare(self, node: Compare) -> Type:
        left = self.check(node.left)
        if node.op in ("in", "not in"):
            assert isinstance(node.right, ListOf)
            self.check(node.right)
            if left is not None:
                for item in node.right.items:
                    self.compatible(left, item.type, item.offset, node.left)
            return BOOL
        right = self.check(node.right)
        if left is None or right is None:
            return BOOL
        if node.op in ("<", "<=", ">", ">=") and left.kind not in ("number", "date"):
            self.error(f"'{node.op}' compares numbers or dates, not {left}", node.offset)
        else:
            self.compatible(left, right, node.right.offset, node.left)
        return BOOL

    def compatible(self, left: Type, right: Type, offset: int, left_node: Node) -> None:
        if left.kind != right.kind:
            self.error(f"cannot compare {left} with {right}", offset)
            return
        if left.kind == "text" and left.values is not None and right.values is not None:
            unknown = right.values - left.values
            if unknown:
                what = left_node.name if isinstance(left_node, Name) else ""
                self.context.errors.append(_choice_error(sorted(unknown)[0], left.values, offset, what))

    def check_call(self, node: Call) -> Type | None:
        if node.function in ("min", "max"):
            if not node.args:
                self.error(f"{node.function}() needs at least one value", node.offset)
            kinds = set()
            for arg in node.args:
                found = self.check(arg)
                if found is not None:
                    kinds.add(found.kind)
            if kinds - {"number", "date"} or len(kinds) > 1:
                self.error(f"{node.function}() takes numbers (or dates), all of one kind", node.offset)
                return None
            return Type(kinds.pop()) if kinds else NUMBER
        if node.function == "known":
            if len(node.args) != 1:
                self.error("known() takes exactly one value", node.offset)
            for arg in node.args:
                self.check(arg)
            return BOOL
        if node.function == "if":
            if len(node.args) != 3:
                self.error("if() takes three values: if(condition, then, otherwise)", node.offset)
                return None
            self.expect(node.args[0], "bool", "the condition of if()")
            then, otherwise = self.check(node.args[1]), self.check(node.args[2])
            if then is None or otherwise is None:
                return then or otherwise
            if then.kind != otherwise.kind:
                self.error(f"both branches of if() must be of one kind ({then} vs {otherwise})", node.offset)
                return None
            if then.kind == "text":
                values = None if then.values is None or otherwise.values is None else then.values | otherwise.values
                return Type("text", values)
            return then
        table = self.context.tables.get(node.function)
        if table is None and node.function in self.context.ignored:
            return None
        if table is None:
            choices = list(self.context.tables) + [f for f in FUNCTIONS if f != "date"]
            hint = did_you_mean(node.function, choices)
            self.error(f"unknown function or table '{node.function}'{hint}", node.offset)
            for arg in node.args:
                self.check(arg)
            return None
        return self.check_table_call(node, table)

    def check_table_call(self, node: Call, table: TableSignature) -> Type:
        single = table.columns == ("points",)
        arity = "one value (the key)" if single else "two values: the key and a column"
        if len(node.args) != (1 if single else 2):
            self.error(f"table '{node.function}' takes {arity}", node.offset)
            return NUMBER
        key = self.check(node.args[0])
        if key is not None:
            if key.kind != table.key.kind:
                self.error(f"table '{node.function}' is looked up by {table.key}, not {key}", node.args[0].offset)
            elif (key.kind == "text" and key.values is not None and table.key.values is not None
                  and not isinstance(node.args[0], Literal_)):  # a fixed key may pick one row on purpose
                for value in sorted(table.key.values - key.values):
                    self.context.errors.append(
                        ExpressionError(
                            f"table '{node.function}' has a row for '{value}', which this key can never be"
                            f" (it is one of {', '.join(sorted(key.values))}){did_you_mean(value, key.values)}",
                            node.args[0].offset,
                        )
                    )
        if not single:
            column = self.expect(node.args[1], "text", f"the column of table '{node.function}'")
            if column is not None and column.values is not None:
                for value in sorted(column.values - set(table.columns)):
                    self.context.errors.append(
                        ExpressionError(
                            f"table '{node.function}' has no column '{value}'; its columns are"
                            f" {', '.join(table.columns)}{did_you_mean(value, table.columns)}",
                            node.args[1].offset,
                        )
                    )
        return NUMBER


# ---------------------------------------------------------------------------------------------
# Evaluation (three-valued). Each result is (value, blockers): blockers are the unanswered questions
# that keep an unknown result unknown, so the interview can ask exactly those.

EMPTY: frozenset[str] = frozenset()
Result = tuple[Any, frozenset[str]]


class Environment:
    """What an expression can read: names and tables. Subclassed by the rulebook evaluator."""

    def lookup(self, name: str) -> Result:  # pragma: no cover - interface
        raise NotImplementedError

    def table(self, name: str, key: Any, column: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError


def evaluate(node: Node, env: Environment) -> Result:
    """The value of `node` (None when unknown) and the unanswered questions that keep it unknown."""
    if isinstance(node, Literal_):
        return node.value, EMPTY
    if isinstance(node, Name):
        return env.lookup(node.name)
    if isinstance(node, Compare):
        return _compare(node, env)
    if isinstance(node, Logic):
        return _logic(node, env)
    if isinstance(node, Not):
        value, blockers = evaluate(node.operand, env)
        return (None, blockers) if value is None else (not value, EMPTY)
    if isinstance(node, Arith):
        return _arith(node, env)
    if isinstance(node, Negate):
        value, blockers = evaluate(node.operand, env)
        return (None, blockers) if value is None else (-value, EMPTY)
    if isinstance(node, Call):
        return _call(node, env)
    raise ExpressionError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover - lists are never values


def _compare(node: Compare, env: Environment) -> Result:
    left, left_blockers = evaluate(node.left, env)
    if node.op in ("in", "not in"):
        if left is None:
            return None, left_blockers
        assert isinstance(node.right, ListOf)
        inside = any(same_value(left, item.value) for item in node.right.items)
        return inside if node.op == "in" else not inside, EMPTY
    right, right_blockers = evaluate(node.right, env)
    if left is None or right is None:
        return None, left_blockers | right_blockers
    op = node.op
    if op == "==":
        return same_value(left, right), EMPTY
    if op == "!=":
        return not same_value(left, right), EMPTY
    if op == "<":
        return left < right, EMPTY
    if op == "<=":
        return left <= right, EMPTY
    if op == ">":
        return left > right, EMPTY
    return left >= right, EMPTY


def same_value(left: Any, right: Any) -> bool:
    """How the rules compare two known values: text without regard to case, anything else exactly."""
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return bool(left == right)


def _logic(node: Logic, env: Environment) -> Result:
    decisive = node.op == "or"  # the value that settles the whole: True for or, False for and
    blockers: frozenset[str] = EMPTY
    unknown = False
    for operand in node.operands:
        value, operand_blockers = evaluate(operand, env)
        if value is None:
            unknown = True
            blockers |= operand_blockers
        elif bool(value) is decisive:
            return decisive, EMPTY
    return (None, blockers) if unknown else (not decisive, EMPTY)


def _arith(node: Arith, env: Environment) -> Result:
    left, left_blockers = evaluate(node.left, env)
    right, right_blockers = evaluate(node.right, env)
    if left is None or right is None:
        return None, left_blockers | right_blockers
    if node.op == "+":
        return left + right, EMPTY
    if node.op == "-":
        return left - right, EMPTY
    if node.op == "*":
        return left * right, EMPTY
    if right == 0:
        return None, EMPTY
    return left / right, EMPTY


def _call(node: Call, env: Environment) -> Result:
    function = node.function
    if function == "if":
        condition, blockers = evaluate(node.args[0], env)
        if condition is True:
            return evaluate(node.args[1], env)
        if condition is False:
            return evaluate(node.args[2], env)
        then, _ = evaluate(node.args[1], env)
        otherwise, _ = evaluate(node.args[2], env)
        if then is not None and otherwise is not None and same_value(then, otherwise):
            return then, EMPTY
        return None, blockers
    if function == "known":
        value, _ = evaluate(node.args[0], env)
        return value is not None, EMPTY
    values = []
    blockers = EMPTY
    for arg in node.args:
        value, arg_blockers = evaluate(arg, env)
        values.append(value)
        blockers |= arg_blockers
    if any(value is None for value in values):
        return None, blockers
    if function == "min":
        return min(values), EMPTY
    if function == "max":
        return max(values), EMPTY
    column = values[1] if len(values) > 1 else "points"
    return env.table(function, values[0], column), EMPTY
