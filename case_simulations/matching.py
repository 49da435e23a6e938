"""Matching helpers for rubric scoring (§B.2): sets, dates, places, optimal assignment.

Pure functions over plain data.
"""

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable


def normalise(text: str | None) -> str:
    """Lower case, no accents, single spaces: for comparing place names and keywords."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def f1(gold: Iterable[str], got: Iterable[str], weight: Callable[[str], float] | None = None):
    """F1 of ``got`` against ``gold``; ``weight`` weighs gold items in recall (critical ×3).

    An empty gold scores 1 (nothing could be missed); an empty answer to a non-empty gold, 0.
    """
    gold, got = set(gold), set(got)
    if not gold:
        return 1.0
    if not got:
        return 0.0
    weigh = weight or (lambda _code: 1.0)
    recall = sum(weigh(c) for c in gold & got) / sum(weigh(c) for c in gold)
    precision = len(gold & got) / len(got)
    return 0.0 if not recall + precision else 2 * recall * precision / (recall + precision)


def precision_of(date: dict | None) -> int:
    """3 for a day, 2 for a month, 1 for a year, 0 for nothing."""
    if not date or not date.get("year"):
        return 0
    if date.get("day"):
        return 3
    return 2 if date.get("month") else 1


def date_score(gold: dict, got: dict | None) -> float:
    """Score a partial date against the key's (§B.2).

    1 inside the gold window at its precision; 0.5 if coarser or finer than known, or when
    "exact" is claimed for an estimate; 0 when wrong or missing.
    """
    got_precision, gold_precision = precision_of(got), precision_of(gold)
    if not got_precision:
        return 0.0
    shared = min(got_precision, gold_precision)
    if got["year"] != gold["year"]:
        return 0.0
    if shared >= 2 and got["month"] != gold["month"]:
        return 0.0
    if shared == 3:
        tolerance = gold.get("day_tolerance") or 0
        try:
            delta = abs(
                dt.date(got["year"], got["month"], got["day"])
                - dt.date(gold["year"], gold["month"], gold["day"])
            )
        except ValueError:
            return 0.0
        if delta.days > tolerance:
            return 0.0
    score = 1.0 if got_precision == gold_precision else 0.5
    if got.get("type") == "exact" and gold.get("type") != "exact":
        score = min(score, 0.5)
    return score


def place_score(gold: dict, got: dict | None) -> float:
    """1 at municipality level (or region, when the key has no municipality), 0.5 at region."""
    if not got or got.get("country") != gold.get("country"):
        return 0.0
    if gold.get("region") and got.get("region") != gold["region"]:
        return 0.0
    names = {normalise(m) for m in gold.get("municipality") or []}
    if not names:
        return 1.0
    return 1.0 if normalise(got.get("municipality")) in names else 0.5


def assign(rows: int, cols: int, weight: Callable[[int, int], float], floor: float = 0.0):
    """Optimal one-to-one assignment of rows to columns maximising total weight.

    Pairs weighing less than ``floor`` are never made. Exact (dynamic programming over the
    set of used columns), fine for the handful of acts a case has.
    """
    if cols > 16:
        raise ValueError("too many columns for exact assignment")
    memo: dict[tuple[int, int], tuple[float, tuple[tuple[int, int], ...]]] = {}

    def best(row: int, used: int):
        if row == rows:
            return (0.0, ())
        key = (row, used)
        if key in memo:
            return memo[key]
        result = best(row + 1, used)  # leave this row unmatched
        for col in range(cols):
            if used & (1 << col):
                continue
            w = weight(row, col)
            if w < floor:
                continue
            total, pairs = best(row + 1, used | (1 << col))
            if total + w > result[0]:
                result = (total + w, ((row, col), *pairs))
        memo[key] = result
        return result

    return list(best(0, 0)[1])
