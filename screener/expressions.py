"""The rule expression language: parsed by us, type-checked at load, evaluated in three-valued logic.

Expressions are data. We tokenize and parse them ourselves (no `eval`, no Python AST), so the only
things an expression can do are the operators and the handful of functions listed in `FUNCTIONS`,
plus lookups in the rulebook's own tables. Unknown (an unanswered question) is `None` and flows
through everything: comparisons and arithmetic on unknown are unknown, and `and`/`or`/`not` follow
Kleene's logic (false and unknown = false, true or unknown = true).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from screener.i18n import N_, _
from screener.suggest import did_you_mean

Kind = Literal["bool", "number", "text", "date", "list"]


@dataclass(frozen=True)
class Type:
    """The static type of an expression; text may carry its set of allowed values."""

    kind: Kind
    values: frozenset[str] | None = None

    def __str__(self) -> str:
        if self.kind == "text" and self.values is not None:
            return _("text (one of {values})").format(values=", ".join(sorted(self.values)))
        return _(_KIND_NAMES[self.kind])


_KIND_NAMES = {"bool": N_("true/false"), "number": N_("a number"), "text": N_("text"), "date": N_("a date"),
               "list": N_("a list")}


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
    """A chain of + and - (or of * and /) at one level, left to right: `a - b + c` is one node.

    A flat chain of any length is a single level of the tree, so walking a 500-term sum needs no deep
    recursion; `ops[i]` joins `operands[i]` and `operands[i + 1]`.
    """

    ops: tuple[str, ...]  # + - * /
    operands: tuple[Node, ...]
    offset: int  # the first operator


class Call(NamedTuple):
    function: str
    args: tuple[Node, ...]
    offset: int


Node = Literal_ | Name | ListOf | Not | Negate | Logic | Compare | Arith | Call

FUNCTIONS = ("min", "max", "if", "known", "date")
KEYWORDS = {"and", "or", "not", "in", "true", "false"}

# ---------------------------------------------------------------------------------------------
# Tokenizer

@functools.cache
def _token() -> re.Pattern[str]:
    """The tokens, compiled when an expression is first parsed (a cached rulebook parses none)."""
    return re.compile(
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
    token = _token().match
    while offset < len(source):
        match = token(source, offset)
        if match is None:
            char = source[offset]
            if char == ".":
                raise ExpressionError(_("'.' is not allowed: expressions cannot reach inside values"), offset)
            if char in "\"'":
                raise ExpressionError(_("unterminated text: add the closing quote"), offset)
            if char == "=":
                raise ExpressionError(_("use '==' to compare"), offset)
            raise ExpressionError(_("unexpected character {char}").format(char=repr(char)), offset)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), offset))
        offset = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


# ---------------------------------------------------------------------------------------------
# Parser: operator precedence with explicit stacks, so no input can exhaust Python's recursion limit.
# Precedence, loosest first: or < and < not < comparison < + - < * / < unary -.

MAX_DEPTH = 200
"""How deeply an expression may nest (operators, calls and lists inside one another). A flat chain such as
`a + b + … + z` or `a and b and … and z` is one level however long it is. The limit keeps every walker over
the tree (type checker, both evaluators) far inside Python's recursion limit."""

MAX_DIGITS = 15
"""Digits allowed before the decimal point of a number: below 10^15 every whole number is exact in the
64-bit floats the batch engine computes with, so both engines agree."""

_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


@dataclass
class _Pending:
    """An operator still waiting for its last operand; chains collect their operands as they go."""

    kind: str  # or and not compare sum product negate
    precedence: int
    token: Token  # the (first) operator
    ops: list[str] = field(default_factory=list)
    operands: list[tuple[Node, int]] = field(default_factory=list)  # (node, depth)


@dataclass
class _Group:
    """An open parenthesis, function call or list."""

    kind: Literal["(", "call", "["]
    token: Token  # the opening token (the function name for a call)
    items: list[tuple[Node, int]] = field(default_factory=list)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0
        self.operands: list[tuple[Node, int]] = []
        self.stack: list[_Pending | _Group] = []
        self.closed_comparison = False  # the last operand is a finished `x in [...]`

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def describe_current(self) -> str:
        return _("at the end") if self.current.kind == "end" else _("but found '{text}'").format(text=self.current.text)

    def group(self) -> _Group | None:
        """The innermost open parenthesis, call or list."""
        for entry in reversed(self.stack):
            if isinstance(entry, _Group):
                return entry
        return None

    def unexpected(self) -> ExpressionError:
        """The current token cannot continue here: say what the innermost open group needs instead."""
        token, group = self.current, self.group()
        needed = {"(": "')'", "call": "',' or ')'", "[": "',' or ']'"}
        if group is None:
            return ExpressionError(_("unexpected '{text}'").format(text=token.text), token.offset)
        return ExpressionError(_("expected {needed} {found}").format(needed=needed[group.kind],
                                                                     found=self.describe_current()), token.offset)

    def push(self, node: Node, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ExpressionError(_("expression nested too deeply (limit {limit})").format(limit=MAX_DEPTH),
                                  node.offset)
        self.operands.append((node, depth))
        self.closed_comparison = False

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError(_("empty expression"), 0)
        want_operand = True
        while True:
            if want_operand:
                want_operand = self.operand()
            elif self.current.kind == "end":
                self.finish_item()
                self.reduce(0)
                if self.group() is not None:
                    raise self.unexpected()
                return self.operands.pop()[0]
            else:
                want_operand = self.operator()

    # -- operands: prefixes, values, and the openings of groups

    def operand(self) -> bool:
        """Read one token where a value belongs; True while a value is still wanted."""
        token = self.current
        top = self.stack[-1] if self.stack else None
        if token.kind == "name":
            if token.text == "not":
                if top is not None and not ((isinstance(top, _Group) and top.kind != "[")
                                            or (isinstance(top, _Pending) and top.kind in ("and", "or", "not"))):
                    raise ExpressionError(_("'not' cannot stand here"), token.offset)
                self.stack.append(_Pending("not", 3, self.advance()))
                return True
            self.advance()
            if token.text in ("true", "false"):
                self.push(Literal_(token.text == "true", BOOL, token.offset), 1)
                return False
            if token.text in KEYWORDS:
                raise ExpressionError(_("'{text}' cannot stand here").format(text=token.text), token.offset)
            if self.current.kind == "op" and self.current.text == "(":
                self.advance()
                self.stack.append(_Group("call", token))
                return True
            self.push(Name(token.text, token.offset), 1)
            return False
        if token.kind == "number":
            self.advance()
            self.push(Literal_(_number(token), NUMBER, token.offset), 1)
            return False
        if token.kind == "string":
            self.advance()
            text = token.text[1:-1]
            self.push(Literal_(text, Type("text", frozenset([text])), token.offset), 1)
            return False
        if token.kind == "end":
            raise ExpressionError(_("the expression ends too early"), token.offset)
        if token.text == "-":
            self.stack.append(_Pending("negate", 7, self.advance()))
            return True
        if token.text == "(":
            self.stack.append(_Group("(", self.advance()))
            return True
        if token.text == "[":
            raise ExpressionError(_("a list can only follow 'in' or 'not in'"), token.offset)
        if isinstance(top, _Group) and (top.kind, token.text) in (("call", ")"), ("[", "]")):
            self.advance()  # `f()`, or a trailing comma as in `min(a, b,)` or `[1, 2,]`
            self.close(top)
            return False
        raise ExpressionError(_("unexpected '{text}'").format(text=token.text), token.offset)

    # -- operators, separators and closings, after a value

    def operator(self) -> bool:
        """Read one token after a value; True when a value must follow."""
        token = self.current
        text = token.text if token.kind in ("op", "name") else ""
        if self.finish_item():  # inside a list: only ',' or ']' may follow an item
            group = self.group()
            assert group is not None
            if text not in (",", "]"):
                raise self.unexpected()
            self.advance()
            group.items.append(self.operands.pop())
            if text == "]":
                self.close(group)
                return False
            return True
        if text in ("+", "-", "*", "/"):
            if self.closed_comparison:
                raise self.unexpected()
            kind, precedence = ("sum", 5) if text in ("+", "-") else ("product", 6)
            self.chain(kind, precedence)
            return True
        if text in ("and", "or") and token.kind == "name":
            self.chain(text, 2 if text == "and" else 1)
            return True
        negated_in = text == "not" and token.kind == "name" and self.tokens[self.index + 1].text == "in"
        if (text in _COMPARISONS and token.kind == "op") or (text == "in" and token.kind == "name") or negated_in:
            self.reduce(4)
            top = self.stack[-1] if self.stack else None
            if self.closed_comparison or (isinstance(top, _Pending) and top.kind == "compare"):
                if text in _COMPARISONS:
                    raise ExpressionError(_("chained comparisons are not allowed: join them with 'and'"),
                                          token.offset)
                raise self.unexpected()
            self.advance()
            op = "not in" if negated_in else text
            if negated_in:
                self.advance()
            self.stack.append(_Pending("compare", 4, token, [op], [self.operands.pop()]))
            if op in ("in", "not in"):
                if not (self.current.kind == "op" and self.current.text == "["):
                    raise ExpressionError(
                        "'in' needs a list of values in square brackets, like [\"masters\", \"doctoral\"]",
                        self.current.offset,
                    )
                self.stack.append(_Group("[", self.advance()))
            return True
        if text in (",", ")") and token.kind == "op":
            self.reduce(0)
            group = self.group()
            if group is None or (group.kind == "(" and text == ","):
                raise self.unexpected()
            self.advance()
            if group.kind == "(":
                self.stack.pop()
                node, depth = self.operands.pop()
                self.push(node, depth)  # a parenthesised comparison may be followed by anything
                return False
            group.items.append(self.operands.pop())
            if text == ",":
                return True
            self.close(group)
            return False
        raise self.unexpected()

    def finish_item(self) -> bool:
        """Inside a list, complete the current item (a plain value, maybe negated); True if in a list."""
        group = self.group()
        if group is None or group.kind != "[":
            return False
        self.reduce(0)
        node = self.operands[-1][0]
        if not isinstance(node, Literal_):
            raise ExpressionError(_("a list may hold only plain values"), node.offset)
        return True

    def chain(self, kind: str, precedence: int) -> None:
        """Add a binary operator: extend the chain of the same level, or start one."""
        self.reduce(precedence)
        token = self.advance()
        top = self.stack[-1] if self.stack else None
        if isinstance(top, _Pending) and top.kind == kind:
            top.operands.append(self.operands.pop())
            top.ops.append(token.text)
        else:
            self.stack.append(_Pending(kind, precedence, token, [token.text], [self.operands.pop()]))

    def reduce(self, precedence: int) -> None:
        """Complete every pending operator that binds tighter than `precedence`."""
        while self.stack:
            top = self.stack[-1]
            if not isinstance(top, _Pending) or top.precedence <= precedence:
                return
            self.stack.pop()
            last, depth = self.operands.pop()
            operands = [*top.operands, (last, depth)]
            depth = 1 + max(d for _, d in operands)
            nodes = tuple(node for node, _ in operands)
            offset = top.token.offset
            if top.kind == "not":
                self.push(Not(last, offset), depth)
            elif top.kind == "negate":
                if isinstance(last, Literal_) and last.type == NUMBER:
                    self.push(Literal_(-last.value, NUMBER, offset), 1)
                else:
                    self.push(Negate(last, offset), depth)
            elif top.kind in ("and", "or"):
                self.push(Logic("and" if top.kind == "and" else "or", nodes, nodes[0].offset), depth)
            elif top.kind == "compare":
                self.push(Compare(top.ops[0], nodes[0], nodes[1], offset), depth)
            else:
                self.push(Arith(tuple(top.ops), nodes, offset), depth)

    def close(self, group: _Group) -> None:
        """Finish a call or a list whose closing token has been read."""
        self.stack.pop()
        nodes = tuple(node for node, _ in group.items)
        depth = 1 + max((d for _, d in group.items), default=0)
        if group.kind == "call":
            name = group.token
            if name.text != "date":
                self.push(Call(name.text, nodes, name.offset), depth)
                return
            if len(nodes) != 1 or not isinstance(nodes[0], Literal_) or not isinstance(nodes[0].value, str):
                raise ExpressionError(_('date() takes one text like date("2018-12-18")'), name.offset)
            try:
                self.push(Literal_(dt.date.fromisoformat(nodes[0].value), DATE, name.offset), 1)
            except ValueError:
                raise ExpressionError(_("'{value}' is not a date (YYYY-MM-DD)").format(value=nodes[0].value),
                                      nodes[0].offset) from None
            return
        if not nodes:
            raise ExpressionError(_("empty list"), group.token.offset)
        items = tuple(node for node in nodes if isinstance(node, Literal_))
        self.push(ListOf(items, group.token.offset), 2)
        self.reduce(3)  # the comparison that opened the list is complete: nothing may extend it
        self.closed_comparison = True


def _number(token: Token) -> int | float:
    whole, _dot, fraction = token.text.partition(".")
    whole = whole.lstrip("0")
    if len(whole) > MAX_DIGITS:
        raise ExpressionError(
            _("number too large: at most {digits} digits before the decimal point").format(digits=MAX_DIGITS),
            token.offset)
    return float(f"{whole or 0}.{fraction}") if fraction else int(whole or "0")


def parse(source: str) -> Node:
    """Parse an expression, raising ExpressionError with the offending character's offset."""
    if not isinstance(source, str):
        source = str(source)
    return _Parser(source).parse()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents first (without recursion)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, (Not, Negate)):
            pending.append(current.operand)
        elif isinstance(current, Logic | Arith):
            pending.extend(reversed(current.operands))
        elif isinstance(current, Compare):
            pending.extend((current.right, current.left))
        elif isinstance(current, Call):
            pending.extend(reversed(current.args))
        elif isinstance(current, ListOf):
            pending.extend(reversed(current.items))


def depth(node: Node) -> int:
    """How many levels the tree has (a Name is 1), without recursion."""
    deepest = 0
    pending = [(node, 1)]
    while pending:
        current, level = pending.pop()
        deepest = max(deepest, level)
        children: tuple[Node, ...] = ()
        if isinstance(current, (Not, Negate)):
            children = (current.operand,)
        elif isinstance(current, Logic | Arith):
            children = current.operands
        elif isinstance(current, Compare):
            children = (current.left, current.right)
        elif isinstance(current, Call):
            children = current.args
        elif isinstance(current, ListOf):
            children = current.items
        pending.extend((child, level + 1) for child in children)
    return deepest


def names_in(node: Node) -> set[str]:
    """The names an expression reads (table names in calls included)."""
    found: set[str] = set()
    for sub in walk(node):
        if isinstance(sub, Name):
            found.add(sub.name)
        elif isinstance(sub, Call) and sub.function not in FUNCTIONS:
            found.add(sub.function)
    return found


def known_names(node: Node) -> set[str]:
    """The names an expression tests with `known(name)`."""
    return {sub.args[0].name for sub in walk(node)
            if isinstance(sub, Call) and sub.function == "known" and len(sub.args) == 1
            and isinstance(sub.args[0], Name)}


def assume_known(node: Node, name: str) -> Node:
    """`node` with `known(name)` taken as true: its value once `name` is answered, whatever the answer (by
    three-valued logic, true then means true for every answer). Expressions are at most MAX_DEPTH deep."""
    if isinstance(node, Call):
        if node.function == "known" and isinstance(node.args[0], Name) and node.args[0].name == name:
            return Literal_(True, BOOL, node.offset)  # known() takes exactly one value (checked when parsed)
        return node._replace(args=tuple(assume_known(arg, name) for arg in node.args))
    if isinstance(node, Not | Negate):
        return node._replace(operand=assume_known(node.operand, name))
    if isinstance(node, Logic | Arith):
        return node._replace(operands=tuple(assume_known(operand, name) for operand in node.operands))
    if isinstance(node, Compare):
        return node._replace(left=assume_known(node.left, name), right=assume_known(node.right, name))
    return node


# ---------------------------------------------------------------------------------------------
# Type checking


@dataclass(frozen=True)
class TableSignature:
    """What the type checker needs to know about a table used as a function."""

    key: Type
    columns: tuple[str, ...]


@dataclass
class TypeContext:
    """What the type checker knows (names, tables) and the problems it found."""

    names: Mapping[str, Type]
    tables: Mapping[str, TableSignature]
    errors: list[ExpressionError] = field(default_factory=list)
    ignored: Container[str] = field(default_factory=set)  # names whose problems are reported elsewhere


def check(node: Node, context: TypeContext) -> Type | None:
    """The type of `node`; problems are appended to context.errors (None where unknowable)."""
    return _Checker(context).check(node)


def _choice_error(value: str, allowed: frozenset[str], offset: int, what: str = "") -> ExpressionError:
    hint = did_you_mean(value, allowed)
    choices = ", ".join(sorted(allowed))
    message = (_("'{value}' is not a choice of {what}; the choices are: {choices}") if what
               else _("'{value}' is not a choice; the choices are: {choices}"))
    return ExpressionError(message.format(value=value, what=what, choices=choices) + hint, offset)


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
                self.error(_("'{name}' is a table: look a value up with {name}(key)").format(name=node.name),
                           node.offset)
                return None
            hint = did_you_mean(node.name, self.context.names) or _(
                ": a name is the id of a question (under `questions:`), a derived value (under `derived:`) "
                "or a score (under `scores:`); text needs quotes")
            self.error(_("unknown name '{name}'").format(name=node.name) + hint, node.offset)
        return found

    def check_listof(self, node: ListOf) -> Type:
        kinds = {item.type.kind for item in node.items}
        if len(kinds) > 1:
            self.error(_("a list must hold values of one kind"), node.offset)
        return Type("list")

    def expect(self, node: Node, kind: Kind, what: str) -> Type | None:
        found = self.check(node)
        if found is not None and found.kind != kind:
            self.error(_("{what} needs {kind}, but this is {found}").format(what=what, kind=Type(kind), found=found),
                       node.offset)
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
        for index, operand in enumerate(node.operands):
            self.expect(operand, "number", f"'{node.ops[max(index - 1, 0)]}'")
        return NUMBER

    def check_compare(self, node: Compare) -> Type:
        left = self.check(node.left)
        if node.op in ("in", "not in"):
            assert isinstance(node.right, ListOf)
            self.check(node.right)
            if left is not None:
                for item in node.right.items:
                    self.compatible(left, item.type, item.offset, node.left, item)
            return BOOL
        right = self.check(node.right)
        if left is None or right is None:
            return BOOL
        if node.op in ("<", "<=", ">", ">=") and left.kind not in ("number", "date"):
            self.error(_("'{op}' compares numbers or dates, not {found}").format(op=node.op, found=left), node.offset)
        else:
            self.compatible(left, right, node.right.offset, node.left, node.right)
        return BOOL

    def compatible(self, left: Type, right: Type, offset: int, left_node: Node, right_node: Node | None = None) -> None:
        if left.kind != right.kind:
            shown = (_('the text "{value}"').format(value=right_node.value)
                     if isinstance(right_node, Literal_) and right.kind == "text" else str(right))
            self.error(_("cannot compare {left} with {right}").format(left=left, right=shown)
                       + _compare_fix(left, right, left_node, right_node), offset)
            return
        if left.kind == "text" and left.values is not None and right.values is not None:
            unknown = right.values - left.values
            if unknown:
                what = left_node.name if isinstance(left_node, Name) else ""
                self.context.errors.append(_choice_error(sorted(unknown)[0], left.values, offset, what))

    def check_call(self, node: Call) -> Type | None:
        if node.function in ("min", "max"):
            if not node.args:
                self.error(_("{function}() needs at least one value").format(function=node.function), node.offset)
            kinds = set()
            for arg in node.args:
                found = self.check(arg)
                if found is not None:
                    kinds.add(found.kind)
            if kinds - {"number", "date"} or len(kinds) > 1:
                self.error(_("{function}() takes numbers (or dates), all of one kind").format(function=node.function),
                           node.offset)
                return None
            return Type(kinds.pop()) if kinds else NUMBER
        if node.function == "known":
            if len(node.args) != 1:
                self.error(_("known() takes exactly one value"), node.offset)
            for arg in node.args:
                self.check(arg)
            return BOOL
        if node.function == "if":
            if len(node.args) != 3:
                self.error(_("if() takes three values: if(condition, then, otherwise)"), node.offset)
                return None
            self.expect(node.args[0], "bool", _("the condition of if()"))
            then, otherwise = self.check(node.args[1]), self.check(node.args[2])
            if then is None or otherwise is None:
                return then or otherwise
            if then.kind != otherwise.kind:
                self.error(_("both branches of if() must be of one kind ({then} vs {otherwise})").format(
                    then=then, otherwise=otherwise), node.offset)
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
            self.error(_("unknown function or table '{name}'").format(name=node.function) + hint, node.offset)
            for arg in node.args:
                self.check(arg)
            return None
        return self.check_table_call(node, table)

    def check_table_call(self, node: Call, table: TableSignature) -> Type:
        single = table.columns == ("points",)
        if len(node.args) != (1 if single else 2):
            message = (_("table '{table}' takes one value (the key)") if single
                       else _("table '{table}' takes two values: the key and a column"))
            self.error(message.format(table=node.function), node.offset)
            return NUMBER
        key = self.check(node.args[0])
        if key is not None:
            if key.kind != table.key.kind:
                self.error(_("table '{table}' is looked up by {key}, not {found}").format(
                    table=node.function, key=table.key, found=key), node.args[0].offset)
            elif (key.kind == "text" and key.values is not None and table.key.values is not None
                  and not isinstance(node.args[0], Literal_)):  # a fixed key may pick one row on purpose
                for value in sorted(table.key.values - key.values):
                    self.context.errors.append(
                        ExpressionError(
                            _("table '{table}' has a row for '{value}', which this key can never be"
                              " (it is one of {values})").format(table=node.function, value=value,
                                                                  values=", ".join(sorted(key.values)))
                            + did_you_mean(value, key.values),
                            node.args[0].offset,
                        )
                    )
        if not single:
            column = self.expect(node.args[1], "text", _("the column of table '{table}'").format(table=node.function))
            if column is not None and column.values is not None:
                for value in sorted(column.values - set(table.columns)):
                    self.context.errors.append(
                        ExpressionError(
                            _("table '{table}' has no column '{value}'; its columns are {columns}").format(
                                table=node.function, value=value, columns=", ".join(table.columns))
                            + did_you_mean(value, table.columns),
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


def _compare_fix(left: Type, right: Type, left_node: Node, right_node: Node | None) -> str:
    """The edit that usually fixes a comparison of two kinds: quotes around a number, `== "true"`, a date."""
    literal = right_node if isinstance(right_node, Literal_) else None
    name = left_node.name if isinstance(left_node, Name) else None
    if literal is None or right.kind != "text":
        return ""
    if left.kind == "number":
        return _(": remove the quotes around the number")
    if left.kind == "bool":
        subject = name or _("the yes/no value")
        negative = str(literal.value).strip().lower() in ("false", "no", "n", "0")
        return _(": write just `{expression}` instead of comparing it with text").format(
            expression=f"{'not ' if negative else ''}{subject}")
    if left.kind == "date":
        return _(': write a date as date("YYYY-MM-DD")')
    return ""


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


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """One step of `+ - * /` on known numbers; division by zero is unknown (None). The one place
    both row engines (this tree walker and `screener.program`'s closures) decide it."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return None if right == 0 else left / right


def _arith(node: Arith, env: Environment) -> Result:
    """Left to right; unknown if any operand is, and division by zero is unknown too."""
    value, blockers = evaluate(node.operands[0], env)
    for op, operand in zip(node.ops, node.operands[1:], strict=True):
        right, right_blockers = evaluate(operand, env)
        if value is None or right is None:
            value, blockers = None, blockers | right_blockers
        else:
            value, blockers = arithmetic(op, value, right), EMPTY
    return value, blockers


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
