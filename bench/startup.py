"""Startup cost of `screener check --answers F --no-input --json` against bare imports, in one run.

The budget (issue 4) is 2.5x `python -c "import typer, rich, pydantic, yaml"`: the libraries any
typer+rich+pydantic CLI pays for. Both are timed in the same run, interleaved, several times, and the
medians compared, so the ratio does not depend on the machine. Usage:

    python bench/startup.py [--repeat 9] [--rules DIR] [--answers FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 2.5
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


def once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--answers", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        answers = args.answers
        if answers is None:
            answers = Path(folder) / "answers.json"
            answers.write_text(json.dumps(APPLICANT))
        baseline = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
        check = [*command(), "check", "--rules", str(args.rules), "--answers", str(answers), "--no-input", "--json",
                 "--as-of", "2026-11-25"]
        subprocess.run(check, check=True, stdout=subprocess.DEVNULL)  # fail loudly, and warm the disk cache
        once(baseline)
        base_times: list[float] = []
        check_times: list[float] = []
        for _ in range(args.repeat):
            base_times.append(once(baseline))
            check_times.append(once(check))
    base, cost = statistics.median(base_times), statistics.median(check_times)
    ratio = cost / base
    print(f"baseline  python -c 'import typer, rich, pydantic, yaml': median {base * 1000:7.1f} ms")
    print(f"screener check --answers F --no-input --json:          median {cost * 1000:7.1f} ms")
    print(f"ratio {ratio:.2f}x (budget {BUDGET}x, {args.repeat} runs each, interleaved)")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
