"""`Rulebook.read_answers` remembers how each yes/no and choice text reads (the fast path of one person's
screening): what it gives, read once or again, is what `answers.read_answers` gives, in each language, and a
translated rulebook keeps its own memory (its labels read differently)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_columnar_property import cell, rulebook_named

from screener import answers as plain
from screener.answers import AnswerError


@pytest.mark.parametrize("lang", ["en", "fr"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_remembered_readings_are_the_plain_readings(lang: str, data: st.DataObject) -> None:
    rulebook = rulebook_named("rules").in_language(lang)
    raw = data.draw(st.fixed_dictionaries({qid: cell(q, with_bad=data.draw(st.booleans()))
                                           for qid, q in rulebook.questions.items()}))
    try:
        expected = plain.read_answers(rulebook.questions, raw)
    except AnswerError as error:
        for _ in range(2):  # the second read finds some texts remembered
            with pytest.raises(AnswerError) as caught:
                rulebook.read_answers(raw)
            assert caught.value.problems == error.problems
        return
    assert rulebook.read_answers(raw) == expected
    assert rulebook.read_answers(raw) == expected
    assert rulebook._readings  # the texts were remembered (the fast path is taken)


def test_each_language_remembers_its_own_readings() -> None:
    english = rulebook_named("rules")
    french = english.in_language("fr")
    english.read_answers({"us_citizen": "yes"})
    assert ("us_citizen", "yes") in english._readings
    assert french._readings is not english._readings
