"""What a frightened person types at the prompt (review8 #12): "not sure", "I dont know", "pas sûr" are
understood (the question's "I am not sure" choice, else a skip: unknown, never no); a whole-number question's
error shows an example inside its own range; a misspelt choice gets "did you mean"."""

from __future__ import annotations

import pexpect
import pytest
from test_check_pty import PROMPT, REAL, answer, spawn


@pytest.mark.parametrize("reply", ["not sure", "I dont know", "I don't know", "dunno", "pas sûr", "je sais pas",
                                   "je ne sais pas"])
def test_unsure_words_pick_the_not_sure_choice(reply: str) -> None:
    child = spawn(rules=REAL)
    answer(child, "What do you want most?", "1")
    answer(child, "Are you already a Canadian citizen?", reply)
    child.expect_exact("Were you born in Canada?")  # "I am not sure" asks about birth; a refusal would ask again
    assert "Sorry" not in str(child.before)
    child.close(force=True)


@pytest.mark.parametrize("reply", ["not sure", "I dont know", "pas sûr", "je sais pas"])
def test_unsure_words_at_a_yes_no_question_leave_it_unknown(reply: str) -> None:
    child = spawn()
    answer(child, "Are you already a Canadian citizen?", "no")
    answer(child, "Were you born in Canada?", reply)
    child.expect_exact("Skipped: this stays unknown.")
    assert "Sorry" not in str(child.before)
    child.close(force=True)


def reach(child: pexpect.spawn, question: str) -> None:
    """Answer whatever comes (no, else skip) until `question` is asked."""
    while True:
        child.expect_exact(PROMPT)
        if question in str(child.before):
            return
        child.sendline("no" if "(yes or no)" in str(child.before) else "skip")


def test_a_whole_number_example_fits_the_question_and_a_misspelt_choice_gets_did_you_mean() -> None:
    child = spawn()
    answer(child, "Are you already a Canadian citizen?", "no")
    answer(child, "Were you born in Canada?", "no")
    answer(child, "When you were born, was either of your parents a Canadian citizen?", "3")
    answer(child, "How old are you today?", "forty")
    child.expect_exact("expected a whole number, like 30.")  # an age: 30 is one
    child.expect_exact(PROMPT)
    child.sendline("45")
    reach(child, "What is your marital status?")
    child.sendline("maried")
    child.expect_exact("(did you mean 'married'?)")
    child.expect_exact(PROMPT)
    child.sendline("single")
    reach(child, "Your English reading level (CLB)?")
    child.sendline("nine")
    child.expect_exact("expected a whole number, like 6.")  # a level of 0 to 12: never "like 30"
    child.close(force=True)
