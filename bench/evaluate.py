"""Per-person evaluation speed in-process: persons per second, outcomes only and with the full report.

Profiles are drawn once (seeded) over every question of the rulebook, about a third of the answers
left blank, so partial knowledge is exercised. Each mode runs over the same profiles several times
and the best run counts. Time is this process's CPU time (persons per second per core), which other
jobs on a shared machine disturb far less than wall time. Usage:

    python bench/evaluate.py [--persons 400] [--repeat 5] [--rules DIR] [--as-of 2026-11-25] [--baseline REV]

`--baseline REV` (default: 69dae7c, main before the closures of `screener.program`) also runs this same
benchmark on that git revision of screener, extracted to a temporary folder, in a child process taking
turns with this one, and prints the ratios of the two in the same run.

"outcomes only" is what `screener batch`'s Python fallback, the interview and `rules diff` need:
each pathway's outcome, score values, flags and the best pathway, with no text rendered.
"full report" is `rulebook.evaluate(...)`: every requirement explained, texts rendered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def profiles(rulebook: Any, count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Random readable answers, about a third left unanswered."""
    draw = random.Random(seed)
    people = []
    for _ in range(count):
        answers: dict[str, Any] = {}
        for qid, question in rulebook.questions.items():
            if draw.random() < 0.33:
                continue
            if question.type == "yes_no":
                answers[qid] = draw.choice(["yes", "no"])
            elif question.type in ("int", "money"):
                low = int(question.min if question.min is not None else 0)
                high = int(question.max if question.max is not None else 100_000)
                answers[qid] = draw.randint(low, min(high, low + 100_000))
            elif question.type == "choice":
                answers[qid] = draw.choice(question.choice_values)
            else:
                answers[qid] = dt.date(draw.randint(1960, 2024), draw.randint(1, 12), draw.randint(1, 28)).isoformat()
        for qid in list(answers):  # keep only answers this rulebook reads (e.g. a `number` out of its range)
            try:
                rulebook.read_answers({qid: answers[qid]})
            except Exception:
                del answers[qid]
        people.append(answers)
    return people


def outcomes_only(rulebook: Any) -> Callable[[dict[str, Any], dt.date], Any]:
    """The cheapest way this version of screener has to get outcomes, scores, flags and best pathway."""
    from screener import evaluation

    if hasattr(evaluation, "outcomes"):
        return lambda answers, as_of: evaluation.outcomes(rulebook, answers, as_of)

    # Before issue 10 there was no outcomes-only entry point: the closest is pathway_status per pathway
    # plus score totals and flag conditions on one Evaluation (what the interview used).
    def old(answers: dict[str, Any], as_of: dt.date) -> Any:
        state = evaluation.Evaluation(rulebook, rulebook.read_answers(answers), as_of)
        result = {p: evaluation.pathway_status(state, p)[0] for p in rulebook.pathways}
        scores = {s: state.score(s).value for s in rulebook.scores}
        flags = [f for f, flag in rulebook.flags.items()
                 if flag.in_force(as_of) and state.value(("flag", f)) is True]  # the old API
        return result, scores, flags

    return old


def persons_per_second(function: Callable[[dict[str, Any], dt.date], Any], people: list[dict[str, Any]],
                       as_of: dt.date, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for answers in people:
            function(answers, as_of)
        best = min(best, time.process_time() - start)
    return len(people) / best


def measure(args: argparse.Namespace) -> tuple[float, float]:
    """(outcomes only, full report) in persons per CPU second, with the screener found on sys.path."""
    from screener.rulebook import load_rulebook

    rulebook = load_rulebook(args.rules)
    people = profiles(rulebook, args.persons)
    fast = outcomes_only(rulebook)

    def full(answers: dict[str, Any], as_of: dt.date) -> Any:
        return rulebook.evaluate(answers, as_of=as_of)

    fast(people[0], args.as_of)  # warm up (lazy slices, closures, caches)
    full(people[0], args.as_of)
    return (persons_per_second(fast, people, args.as_of, args.repeat),
            persons_per_second(full, people, args.as_of, args.repeat))


def baseline(revision: str, args: argparse.Namespace) -> tuple[float, float]:
    """The same measurement on another git revision of screener, in a child process, with that revision's
    own default rules when `--rules` is the default (older code cannot read keys the rules gained since)."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "screener", "rules"], check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        child = subprocess.run(
            [sys.executable, __file__, "--child", "--persons", str(args.persons), "--repeat", str(args.repeat),
             "--rules", str(Path(folder) / "rules" if args.rules == ROOT / "rules" else args.rules),
             "--as-of", args.as_of.isoformat()],
            env={**os.environ, "PYTHONPATH": folder, "SCREENER_CACHE_DIR": "off"}, check=True, capture_output=True,
            text=True, cwd=folder)
    quick, report = child.stdout.split()
    return float(quick), float(report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 25))
    parser.add_argument("--baseline", default="69dae7c", help="git revision to compare with ('' for none)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(*measure(args))
        return 0

    sys.path.insert(0, str(ROOT))
    results: list[tuple[float, float]] = []
    olds: list[tuple[float, float]] = []
    for _ in range(2):  # taking turns, so both see the same machine
        if args.baseline:
            olds.append(baseline(args.baseline, args))
        results.append(measure(args))
    quick, report = max(r[0] for r in results), max(r[1] for r in results)
    print(f"{args.persons} persons, best of {args.repeat} x 2, as of {args.as_of}, CPU time of one core")
    print(f"outcomes only: {quick:8.0f} persons/s ({1000 / quick:.3f} ms/person)")
    print(f"full report:   {report:8.0f} persons/s ({1000 / report:.3f} ms/person)")
    if olds:
        old_quick, old_report = max(r[0] for r in olds), max(r[1] for r in olds)
        print(f"baseline {args.baseline}: outcomes only {old_quick:.0f}/s, full report {old_report:.0f}/s")
        print(f"ratio (this / baseline): outcomes only {quick / old_quick:.2f}x, "
              f"full report {report / old_report:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
