"""Startup cost of `screener check --answers F --no-input --json` against bare imports, in one run.

The budget (issue 4) is 2.5x `python -c "import typer, rich, pydantic, yaml"`: the libraries any
typer+rich+pydantic CLI pays for (issue 15: 2.0x with the rulebook cache). Both are timed in the same
run, interleaved, several times, and the medians compared, so the ratio does not depend on the machine.
Wall time is the budget; CPU time (user + system of the child) is printed too, as it moves far less on a
shared machine. `screener rules test` on the same rules is timed in the same turns against one
`check --json` (budget 2x, issue 15). Children run with bytecode written and read, as an installed
package has it (`PYTHONDONTWRITEBYTECODE` would recompile every module on every run). `--no-cache` runs
screener without its rulebook cache (`SCREENER_CACHE_DIR=off`; budget 2.5x); the baseline is the same. Usage:

    python bench/startup.py [--repeat 9] [--rules DIR] [--answers FILE] [--no-cache]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 2.5
TEST_BUDGET = 2.0  # rules test against one check --json
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
# A complete applicant (every field of the intake contract), so nothing is skipped for being unknown.
APPLICANT = {
    "age": 31, "us_citizen": "yes", "mexican_citizen": "no", "canadian_citizen": "no", "born_in_canada": "no",
    "canadian_parent": "no", "in_us_now": "yes", "criminal_record": "no", "impaired_driving": "none",
    "misrepresentation": "no", "serious_health_condition": "no", "marital_status": "married",
    "partner_status": "foreign", "partner_lives_in_canada": "no", "partner_accompanying": "yes",
    "partner_education": "bachelors", "partner_clb_reading": 8, "partner_clb_writing": 7,
    "partner_clb_listening": 8, "partner_clb_speaking": 7, "partner_canadian_work_years": 0,
    "dependent_children": 1, "sibling_in_canada": "no", "relative_in_canada": "no",
    "english_clb_reading": 9, "english_clb_writing": 8, "english_clb_listening": 9, "english_clb_speaking": 8,
    "french_nclc_reading": 0, "french_nclc_writing": 0, "french_nclc_listening": 0, "french_nclc_speaking": 0,
    "education": "masters", "education_assessed": "yes", "canadian_education": "none", "occupation_teer": 1,
    "foreign_work_years": 5, "canadian_work_years": 0, "canadian_work_years_last_3": 0, "continuous_year": "yes",
    "trade_occupation": "no", "work_authorized_in_canada": "no", "job_offer": "no",
    "employer_canadian_affiliate": "no", "provincial_nomination": "no", "intended_province": "ON",
    "dli_acceptance": "no", "settlement_funds_cad": "$40,000", "fear_of_return": "no",
}


def command() -> list[str]:
    script = Path(sys.executable).parent / "screener"
    found = str(script) if script.exists() else shutil.which("screener")
    return [found] if found else [sys.executable, "-m", "screener"]


def once(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # rules test exits 1 when a case fails
        raise SystemExit(f"{argv} failed")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--answers", type=Path)
    parser.add_argument("--no-cache", action="store_true", help="run screener with SCREENER_CACHE_DIR=off")
    args = parser.parse_args()
    if args.no_cache:
        ENV["SCREENER_CACHE_DIR"] = "off"
    with tempfile.TemporaryDirectory() as folder:
        answers = args.answers
        if answers is None:
            answers = Path(folder) / "answers.json"
            answers.write_text(json.dumps(APPLICANT))
        baseline = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
        check = [*command(), "check", "--rules", str(args.rules), "--answers", str(answers), "--no-input", "--json",
                 "--as-of", "2026-11-25"]
        tests = [*command(), "rules", "test", str(args.rules)]
        subprocess.run(check, check=True, stdout=subprocess.DEVNULL, env=ENV)  # fail loudly, warm the disk cache
        once(baseline)
        once(tests)
        times: dict[str, list[tuple[float, float]]] = {"base": [], "check": [], "tests": []}
        for _ in range(args.repeat):
            times["base"].append(once(baseline))
            times["check"].append(once(check))
            times["tests"].append(once(tests))
    wall = {name: statistics.median(t[0] for t in found) for name, found in times.items()}
    cpu = {name: statistics.median(t[1] for t in found) for name, found in times.items()}
    ratio, test_ratio = wall["check"] / wall["base"], wall["tests"] / wall["check"]
    print(f"baseline  python -c 'import typer, rich, pydantic, yaml': median {wall['base'] * 1000:7.1f} ms "
          f"(CPU {cpu['base'] * 1000:.1f} ms)")
    print(f"screener check --answers F --no-input --json:          median {wall['check'] * 1000:7.1f} ms "
          f"(CPU {cpu['check'] * 1000:.1f} ms)")
    print(f"screener rules test {args.rules.name}/:                            median {wall['tests'] * 1000:7.1f} ms "
          f"(CPU {cpu['tests'] * 1000:.1f} ms)")
    print(f"check / baseline: ratio {ratio:.2f}x, CPU {cpu['check'] / cpu['base']:.2f}x (budget {BUDGET}x, "
          f"{args.repeat} runs each, interleaved, {'without' if args.no_cache else 'with'} the rulebook cache)")
    print(f"rules test / check: ratio {test_ratio:.2f}x, CPU {cpu['tests'] / cpu['check']:.2f}x "
          f"(budget {TEST_BUDGET}x)")
    return 0 if ratio <= BUDGET and test_ratio <= TEST_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
