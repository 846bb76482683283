"""The rulebook format as pydantic models: what a lawyer may write, and nothing else.

Every model forbids unknown keys, so a misspelled `refrence:` is an error instead of a silently
dropped value (the failure OpenFisca and PolicyEngine users keep reporting). Expressions are kept as
text here; `screener.rulebook` parses and type-checks them once everything is loaded.
"""

import datetime as dt
import functools
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic.fields import FieldInfo

from screener.i18n import N_

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


def _expression_text(value: object) -> object:
    """`points: 5` and `condition: true` are expressions too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


Expression = Annotated[str, BeforeValidator(_expression_text), StringConstraints(min_length=1)]
Text = Annotated[str, StringConstraints(min_length=1)]
# A score's name inside a sentence ("Your CRS score: 480."): an acronym or a word or two, never a title.
SHORT_TITLE_LENGTH = 20
ShortTitle = Annotated[str, StringConstraints(min_length=1, max_length=SHORT_TITLE_LENGTH)]
Scalar = str | int | float | bool


class RuleProblem(ValueError):
    """A rule file's mistake found by a model check: an English template (a catalog msgid) and its values,
    so that the loader words it in the reader's language (`rulebook._describe`)."""

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template.format(**values))
        self.template = template
        self.values = values


class Strict(BaseModel):
    # defer_build: validators are built on first validation, so a cached load (model_construct)
    # never pays for them
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Dated(Strict):
    """Anything that exists only between two dates (both inclusive)."""

    effective_from: dt.date | None = None
    effective_until: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Dated":
        if self.effective_from and self.effective_until and self.effective_until < self.effective_from:
            raise RuleProblem(N_("effective_until is before effective_from"))
        return self


class Cited(Strict):
    reference: Text | None = None
    source: Text | None = None


class Languages(Strict):
    """Which translations must be complete (a missing text is then an error, not a warning)."""

    required: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]] = Field(
        default=[], description="Language codes (e.g. fr) whose translation files must have every text.")


class RulebookInfo(Strict):
    id: Identifier
    title: Text
    version: Text
    jurisdiction: Text | None = None
    disclaimer: Text
    review_by: dt.date | None = None
    covers_from: dt.date | None = Field(default=None, description="The earliest date the rules model: an as-of "
                                        "date before it gets a warning (rules that began later would be applied).")
    languages: Languages | None = Field(default=None, description="Languages whose translation files (*.fr.yaml) "
                                        "must have every text: a missing one is then an error, not a warning.")


class Topic(Strict):
    id: Identifier
    title: Text


class Choice(Strict):
    value: Text
    label: Text | None = None
    aliases: list[Text] = []  # other spellings forms use ("Colombie-Britannique"); see screener.labels


NUMERIC_TYPES = ("int", "number", "money")


class Implied(Strict):
    """`implied: {when: not english_test, value: 0}`: no test means level 0, without asking four times."""

    when: Expression
    value: Scalar


class Scale(Strict):
    """The answers a numeric question takes when `when` holds: a test's own scale once the test is known."""

    when: Expression
    min: float
    max: float
    step: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _in_order(self) -> "Scale":
        if self.min > self.max:
            raise RuleProblem(N_("min is greater than max"))
        return self


class AskedAs(Strict):
    """`prompts: [{when: not has_partner, prompt: "Do you have a brother or sister...?"}]`: the words that fit
    once an earlier answer says so (a single person is not asked about a partner)."""

    when: Expression
    prompt: Text


class Question(Strict):
    id: Identifier
    type: Literal["yes_no", "int", "number", "money", "choice", "date"]  # number: decimal, e.g. IELTS 6.5
    prompt: Text
    help: Text | None = None
    url: Text | None = None  # an official page where the person can look the answer up (a list to check)
    topic: Identifier
    min: float | None = None
    max: float | None = None
    choices: list[Choice] | None = None
    relevant_if: Expression | None = None
    label: Text | None = None  # a short name for summaries ("English writing (CLB)"); default: the id in words
    what_if: bool | Text = False  # something a person can change; a text groups questions changed together
    implied: Implied | None = None  # the answer this question has, unasked, when a condition holds
    step: float | None = Field(default=None, gt=0)  # answers are whole multiples of it (0.5: IELTS half bands)
    scales: list[Scale] = []  # the interview's range (and step) once an earlier answer says which scale
    prompts: list[AskedAs] = []  # the question in other words, the first whose `when` holds (else `prompt`)

    @property
    def short_label(self) -> str:
        return self.label or self.id.replace("_", " ")

    @field_validator("choices", mode="before")
    @classmethod
    def _plain_choices(cls, value: object) -> object:
        """`choices: [a, b]` is short for `choices: [{value: a}, {value: b}]`."""
        if isinstance(value, list):
            return [{"value": str(item)} if isinstance(item, str | int) else item for item in value]
        return value

    @model_validator(mode="after")
    def _fits_type(self) -> "Question":
        if self.type == "choice" and not self.choices:
            raise RuleProblem(N_("a choice question needs 'choices'"))
        if self.type != "choice" and self.choices is not None:
            raise RuleProblem(N_("only choice questions have 'choices' (this one is {type})"), type=self.type)
        if self.type not in NUMERIC_TYPES and (self.min is not None or self.max is not None):
            raise RuleProblem(N_("only int, number and money questions have 'min'/'max' (this one is {type})"),
                              type=self.type)
        if self.type not in NUMERIC_TYPES and (self.step is not None or self.scales):
            raise RuleProblem(N_("only int, number and money questions have 'step'/'scales' (this one is {type})"),
                              type=self.type)
        if self.min is not None and self.max is not None and self.min > self.max:
            raise RuleProblem(N_("min is greater than max"))
        return self

    @property
    def choice_values(self) -> list[str]:
        return [choice.value for choice in self.choices or []]

    def choice_label(self, value: str) -> str:
        for choice in self.choices or []:
            if choice.value == value:
                return choice.label or value
        return value


class DerivedVersion(Dated, Cited):
    expr: Expression
    review_by: dt.date | None = None


class Derived(Cited):
    id: Identifier
    text: Text | None = None
    expr: Expression | None = None
    versions: list[DerivedVersion] | None = None

    @model_validator(mode="after")
    def _expr_or_versions(self) -> "Derived":
        if (self.expr is None) == (self.versions is None):
            raise RuleProblem(N_("a derived value needs exactly one of 'expr' or 'versions'"))
        if self.versions is not None and not self.versions:
            raise RuleProblem(N_("'versions' is empty"))
        return self


class TableRow(Dated):
    """One row: how it matches (at / in / from-to) and its cells (column name -> number)."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)
    at: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    from_: float | None = Field(default=None, alias="from")
    to: float | None = None

    @property
    def cells(self) -> dict[str, object]:
        return dict(self.model_extra or {})


class Table(Cited):
    id: Identifier
    title: Text
    key: Literal["number", "text"]
    columns: list[Identifier] | None = None
    default: float | None = None
    review_by: dt.date | None = None
    rows: list[TableRow] = Field(min_length=1)


class ScoreGroup(Strict):
    id: Identifier
    title: Text
    max: float | None = None
    parent: Identifier | None = None


class ScoreLine(Dated):
    id: Identifier
    text: Text
    points: Expression
    group: Identifier | None = None


class Round(Strict):
    date: dt.date
    type: Text
    cutoff: int
    invitations: int | None = None
    source: Text | None = None


class RoundCategory(Dated, Cited):
    """Who may be invited in the rounds of one type (a category of category-based selection).

    A person meets it when `condition` holds on their answers and nothing is `unchecked`; what the
    intake does not ask (an occupation's code) is `unchecked`, so the category is at best a "maybe"
    for anyone `condition` does not rule out. Unknown is not no (three-valued)."""

    id: Identifier
    type: Text
    condition: Expression | None = None
    unchecked: Text | None = None


class Cutoffs(Strict):
    review_by: dt.date | None = None
    window_days: int = 365
    categories: list[RoundCategory] = []
    rounds: list[Round]


class Score(Cited):
    id: Identifier
    title: Text
    short_title: ShortTitle | None = Field(
        default=None, description="The score's short name, as sentences use it: 'CRS' reads \"Your CRS score: "
        f"480.\" (at most {SHORT_TITLE_LENGTH} characters; without it: \"Your score: 480.\").")
    max: float | None = None
    groups: list[ScoreGroup] = []
    lines: list[ScoreLine] = Field(min_length=1)
    cutoffs: Cutoffs | None = None


class Requirement(Dated, Cited):
    id: Identifier
    text: Text
    condition: Expression
    advice: Text | None = None
    actual: Expression | None = None
    needed: Scalar | None = None


class NextStep(Dated):
    text: Text
    url: Text | None = None
    only_if: Expression | None = None


class SummaryVersion(Dated):
    """One dated wording of a pathway's summary: the law it describes changed on a date."""

    text: Text


class Pathway(Cited):
    id: Identifier
    title: Text
    kind: Literal["citizenship", "permanent_residence", "temporary_residence", "protection"]
    rank: int = 100
    summary: Text | Annotated[list[SummaryVersion], Field(min_length=1)]  # a list: dated wordings
    goals: list[Identifier] = []  # the answers to a `goal` question this pathway serves: orders the interview
    scores: list[Identifier] = []
    requirements: list[Requirement] = Field(min_length=1)
    next_steps: list[NextStep] = []
    notes: list[Text] = []


class Flag(Dated, Cited):
    id: Identifier
    severity: Literal["serious", "warning", "info"]
    title: Text
    condition: Expression
    text: Text


class Lead(Dated, Cited):
    """A route worth exploring that has no legal test (issue 11, §13.22): shown, never an outcome."""

    id: Identifier = Field(description="lower_snake_case, unique among leads; reported in the report's "
                                       "`leads` and the batch column `leads`.")
    title: Text = Field(description="Plain-language title, e.g. 'Compare provincial nominee streams'.")
    condition: Expression = Field(description="Shown only when this expression is true (unknown: not shown).")
    text: Text = Field(description="What the route is and why it may fit; may contain {expression} placeholders.")
    next_steps: list[NextStep] = Field(default=[], description="Steps shown with the lead, as a pathway's.")
    goals: list[Identifier] = Field(default=[], description=(
        "Answers to the `goal` question for which the interview asks what decides this lead (like a pathway's "
        "`goals`); empty: only what pathways and flags need is asked."))
    safety: bool = Field(default=False, description=(
        "Safety advice (e.g. for a person who fears return): its text and first step are shown in full on "
        "the first screen in every language and width, never shortened to fit."))


class AnswerWarning(Dated, Cited):
    """A problem with the answers themselves, e.g. two that contradict each other (§13.19, §13.29)."""

    id: Identifier = Field(description="lower_snake_case, unique among warnings; reported in the report's "
                                       "`warnings` and the batch column `warnings`.")
    title: Text | None = Field(default=None, description="A short title (default: the id in words).")
    condition: Expression = Field(description="Shown only when this expression is true (unknown: not shown).")
    text: Text = Field(description="What is wrong and how to fix it; may contain {expression} placeholders.")


class RuleFile(Strict):
    """The top level of one rule file: any of the sections."""

    rulebook: RulebookInfo | None = None
    topics: list[Topic] = []
    questions: list[Question] = []
    derived: list[Derived] = []
    tables: list[Table] = []
    scores: list[Score] = []
    pathways: list[Pathway] = []
    flags: list[Flag] = []
    leads: list[Lead] = []
    warnings: list[AnswerWarning] = []


SECTIONS = tuple(RuleFile.model_fields)


# ------------------------------------------------------------------ test cases (rules/tests/*.yaml)


class Expectation(Strict):
    pathways: dict[str, Literal["eligible", "ineligible", "incomplete"]] = {}
    scores: dict[str, float | None] = {}
    score_lines: dict[str, dict[str, float | None]] = {}
    flags: list[str] | None = None
    leads: list[str] | None = Field(default=None, description="The exact set of leads shown (any order).")
    warnings: list[str] | None = Field(default=None, description="The exact set of answer warnings (any order).")
    best_pathway: str | None = None
    categories: dict[str, dict[str, Literal["yes", "no", "maybe"]]] = Field(
        default={}, description="Per score, round category id -> whether the person may be invited in its "
                                "rounds: yes, no, or maybe (the answers cannot show it).")
    texts: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")], list[Text]] = Field(
        default={}, description="Texts the report must show, per language (en, fr): each must appear within "
                                "some text of the report (a requirement, advice, next step, flag, lead...).")


class Case(Strict):
    name: Text
    source: Text
    as_of: dt.date | None = None
    answers: dict[str, Scalar | None] = {}
    expect: Expectation


class CaseFile(Strict):
    tests: list[Case] = Field(min_length=1)


# ------------------------------------------------------------------ models made from checked values


M = TypeVar("M", bound=BaseModel)
_REQUIRED: Any = object()
_CONSTANTS = frozenset((type(None), bool, int, float, str))


def construct(model: type[M], values: dict[str, Any], fields_set: set[str], extra: dict[str, Any] | None = None) -> M:
    """`model.model_construct(fields_set, **values, **extra)`, for `values` keyed by field name (no alias) and `extra`
    the keys that name no field: the same object, without asking each field for its default on every item (a load
    makes ~900 items; pydantic's way was a third of a cached load). `tests/test_construct.py` compares both."""
    if model.__pydantic_post_init__ or model.__pydantic_root_model__:
        return model.model_construct(fields_set, **values, **(extra or {}))
    fields: dict[str, Any] = {}
    for name, default in _defaults(model):
        if name in values:
            fields[name] = values[name]
        elif type(default) is FieldInfo:  # made for each object: a list, a factory's value
            fields[name] = default.get_default(call_default_factory=True, validated_data=fields)
        elif default is not _REQUIRED:
            fields[name] = default
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "__pydantic_fields_set__", fields_set)
    allowed = model.model_config.get("extra") == "allow"
    object.__setattr__(made, "__pydantic_extra__", (extra or {}) if allowed else None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


@functools.cache
def _defaults(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """Each field of `model` in order, with its default when that is one immutable value (None, a number, a text),
    `_REQUIRED` when it has none, else its `FieldInfo` (pydantic makes that default anew for each object)."""
    return tuple((name, _REQUIRED if info.is_required() else info.default
                  if info.default_factory is None and type(info.default) in _CONSTANTS else info)
                 for name, info in model.__pydantic_fields__.items())
