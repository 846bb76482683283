"""The columnar floor: what polars alone costs to read an intake CSV, compute ~40 expressions and write it.

    python bench/floor.py IN.csv OUT.csv

`bench/batch.py` runs this beside `screener batch` on the same file: a lower bound for any columnar
screener (no rulebook, no coercion rules, no error rows, no `missing`), measured in the same run. Each of
the first 40 columns gets one result column: the cell read as a number (`$` and `,` dropped) compared
with a threshold, else the cell read as a yes/no word — the kind of work one requirement does.
"""

from __future__ import annotations

import sys

import polars as pl

EXPRESSIONS = 40


def plan(source: str) -> pl.LazyFrame:
    frame = pl.scan_csv(source, infer_schema=False)
    results = []
    for name in frame.collect_schema().names()[:EXPRESSIONS]:
        cell = pl.col(name)
        number = cell.str.replace_all(r"[$,]", "").cast(pl.Float64, strict=False)
        word = cell.str.to_lowercase().is_in(["yes", "y", "true"])
        results.append(pl.when(number.is_not_null()).then(number >= 5).otherwise(word).alias(f"result_{name}"))
    return frame.with_columns(results)


def main() -> None:
    plan(sys.argv[1]).sink_csv(sys.argv[2])


if __name__ == "__main__":
    main()
