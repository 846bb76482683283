"""What a translation file (`X.<lang>.yaml`) may hold, as strict pydantic models.

Only a load that reads translation files needs these (a rule-cache hit takes the checked texts from its
entry), so they live apart from `screener.translations`, which every load imports.
"""

from typing import Annotated

from pydantic import Field

from screener.model import ShortTitle, Strict, Text

# The law as this language cites it (LIPR/RIPR for IRPA/IRPR): needed wherever the English item cites the law.
Citation = Annotated[Text | None, Field(description="the law cited in this language (LIPR/RIPR for IRPA/IRPR); "
                                        "needed where the English item cites the law")]


class RulebookText(Strict):
    title: Text | None = None
    disclaimer: Text | None = None
    jurisdiction: Text | None = None


class QuestionText(Strict):
    prompt: Text | None = None
    help: Text | None = None
    url: Text | None = Field(default=None, description="the page in this language, where it has one")
    label: Text | None = None
    choices: dict[str, Text] = Field(default_factory=dict, description="choice value -> its label in this language")
    prompts: list[Text] = Field(default_factory=list, description="the English `prompts`' words, in their order")
    what_if: Text | None = Field(default=None, description="the what-if group's name (questions sharing it change "
                                 "together), when the English `what_if` is a text")


class DerivedVersionText(Strict):
    reference: Citation = None


class DerivedText(Strict):
    text: Text | None = None
    reference: Citation = None
    versions: list[DerivedVersionText] = Field(default_factory=list, description="the English `versions`, in "
                                               "order: each one's citation in this language")


class TableText(Strict):
    title: Text | None = None
    reference: Citation = None


class ScoreText(Strict):
    title: Text | None = None
    short_title: ShortTitle | None = Field(default=None, description="the score's short name in this language "
                                           "(SCG for CRS)")
    reference: Citation = None
    groups: dict[str, Text] = Field(default_factory=dict)
    lines: dict[str, Text] = Field(default_factory=dict)
    round_types: dict[str, Text] = Field(default_factory=dict, description="English round type -> this language")
    categories: dict[str, Text] = Field(default_factory=dict, description="round category id -> what it needs "
                                        "that the answers cannot show (`unchecked`), in this language")


class StepText(Strict):
    text: Text
    url: Text | None = None


class RequirementText(Strict):
    text: Text | None = None
    advice: Text | None = None
    needed: Text | None = None
    reference: Citation = None


class PathwayText(Strict):
    title: Text | None = None
    summary: Text | list[Text] | None = Field(default=None, description="the summary; a list when the English "
                                             "summary is a list of dated wordings, one text each, in order")
    reference: Citation = None
    requirements: dict[str, RequirementText] = Field(default_factory=dict)
    next_steps: list[StepText] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)


class FlagText(Strict):
    title: Text | None = None
    text: Text | None = None
    reference: Citation = None


class LeadText(Strict):
    title: Text | None = None
    text: Text | None = None
    reference: Citation = None
    next_steps: list[StepText] = Field(default_factory=list)


class TranslationFile(Strict):
    """The top level of `X.<lang>.yaml`: the sections of a rule file, items keyed by id, texts only."""

    rulebook: RulebookText | None = None
    topics: dict[str, Text] = Field(default_factory=dict)
    questions: dict[str, QuestionText] = Field(default_factory=dict)
    derived: dict[str, DerivedText] = Field(default_factory=dict)
    tables: dict[str, TableText] = Field(default_factory=dict)
    scores: dict[str, ScoreText] = Field(default_factory=dict)
    pathways: dict[str, PathwayText] = Field(default_factory=dict)
    flags: dict[str, FlagText] = Field(default_factory=dict)
    leads: dict[str, LeadText] = Field(default_factory=dict)
    warnings: dict[str, FlagText] = Field(default_factory=dict)
