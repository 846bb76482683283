"""What-if reuses unaffected results across variations: it must give exactly what a fresh evaluation gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import profiles

from screener.evaluation import Evaluation
from screener.rulebook import load_rulebook
from screener.whatif import Variations, changes

RULEBOOK = load_rulebook(Path(__file__).parent.parent / "rules")
TODAY = dt.date(2026, 11, 25)


@settings(max_examples=40, deadline=None)
@given(raw=profiles(RULEBOOK), pick=st.integers(min_value=0, max_value=10_000))
def test_variations_equal_fresh_evaluations(raw: dict[str, Any], pick: int) -> None:
    values = RULEBOOK.read_answers(raw)
    candidates = changes(RULEBOOK, values)
    variations = Variations(RULEBOOK, values, TODAY)
    for change in candidates[pick % max(len(candidates), 1):][:5]:
        changed = dict(change.values)
        fresh = Evaluation(RULEBOOK, {**values, **changed}, TODAY)
        for score_id in RULEBOOK.scores:
            assert variations.score(changed, score_id) == fresh.score(score_id).value
        for pathway_id in RULEBOOK.pathways:
            requirements = RULEBOOK.at(TODAY).requirements[pathway_id]
            statuses = [fresh.requirement(r)[0] for r in requirements]  # §13.25: bounds decide some
            outcome, _ = variations.outcome(changed, pathway_id)
            expected = ("ineligible" if any(s is False for s in statuses)
                        else "incomplete" if any(s is None for s in statuses) else "eligible")
            assert outcome == expected
