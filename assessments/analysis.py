"""Item analysis for trainers, computed by SQL aggregation (never by loading every attempt).

Per question: facility (mean share of marks), discrimination (corrected item-total
correlation: the item against the rest of the test), how often each option was chosen, and
flags. Per quiz: attempts, mean and standard deviation of the percent, and Cronbach's alpha.
With questions drawn at random, alpha weights each item by the share of attempts that saw it
(exact for fixed forms, an approximation otherwise).
"""

import csv
import io
import math
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from app.extensions import db
from assessments.models import (
    AnswerChoice,
    Assessment,
    Attempt,
    AttemptQuestion,
    Question,
    QuestionBank,
)

TOO_EASY, TOO_HARD, WEAK = 0.9, 0.2, 0.2


@dataclass
class ItemStats:
    """Figures for one question."""

    key: str
    type: str
    prompt: str
    answers: int
    facility: float | None
    discrimination: float | None
    options: list[tuple[str, str, int]] = field(default_factory=list)  # (id, text, times)
    bank: str = ""  # the bank's slug, for the link to the question's editor

    @property
    def flags(self) -> list[str]:
        """Codes for what a trainer should look at."""
        flags = []
        if self.facility is not None and self.facility > TOO_EASY:
            flags.append("too_easy")
        if self.facility is not None and self.facility < TOO_HARD:
            flags.append("too_hard")
        if self.discrimination is not None and self.discrimination < 0:
            flags.append("negative_discrimination")
        elif self.discrimination is not None and self.discrimination < WEAK:
            flags.append("weak_discrimination")
        return flags


@dataclass
class TestStats:
    """Figures for the whole quiz."""

    attempts: int
    mean_percent: float | None
    sd_percent: float | None
    alpha: float | None
    items: list[ItemStats]


def _scope(assessment: Assessment, first_only: bool):
    conditions = [Attempt.assessment_id == assessment.id, Attempt.submitted_at.is_not(None)]
    if first_only:
        conditions.append(Attempt.number == 1)
    return and_(*conditions)


def _correlation(n, sx, sxx, sy, syy, sxy) -> float | None:
    numerator = n * sxy - sx * sy
    variance_x, variance_y = n * sxx - sx * sx, n * syy - sy * sy
    if n < 2 or variance_x <= 1e-12 or variance_y <= 1e-12:
        return None
    return numerator / math.sqrt(variance_x * variance_y)


def analyse(assessment: Assessment, *, first_only: bool = False) -> TestStats:
    """Compute the report with three aggregate queries, whatever the number of attempts."""
    scope = _scope(assessment, first_only)
    totals = db.session.execute(
        select(
            func.count(Attempt.id),
            func.sum(Attempt.percent),
            func.sum(Attempt.percent * Attempt.percent),
        ).where(scope)
    ).one()
    attempts = totals[0] or 0
    x, total = AttemptQuestion.score, Attempt.score
    # Keys are unique within a bank only: group by bank and key.
    rows = db.session.execute(
        select(
            Question.bank_id,
            AttemptQuestion.question_key,
            func.count(),
            func.sum(x),
            func.sum(x * x),
            func.sum(total),
            func.sum(total * total),
            func.sum(x * total),
            func.max(AttemptQuestion.max_score),
        )
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .where(scope, AttemptQuestion.max_score > 0)
        .group_by(Question.bank_id, AttemptQuestion.question_key)
    ).all()
    choices = db.session.execute(
        select(
            Question.bank_id, AttemptQuestion.question_key, AnswerChoice.option_key, func.count()
        )
        .join(AttemptQuestion, AttemptQuestion.id == AnswerChoice.attempt_question_id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .where(scope)
        .group_by(Question.bank_id, AttemptQuestion.question_key, AnswerChoice.option_key)
    ).all()
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for bank_id, key, option, times in choices:
        counts.setdefault((bank_id, key), {})[option] = times
    labels = _labels([(row[0], row[1]) for row in rows])
    bank_slugs = dict(
        db.session.execute(
            select(QuestionBank.id, QuestionBank.slug).where(
                QuestionBank.id.in_({row[0] for row in rows})
            )
        ).all()
    )
    items, variance_sum, items_per_attempt = [], 0.0, 0.0
    for bank_id, key, n, sx, sxx, st, stt, sxt, max_score in rows:
        sx, sxx, st, stt, sxt = (float(v or 0) for v in (sx, sxx, st, stt, sxt))
        # The rest of the test (total minus this item): y = T - x.
        sy, syy, sxy = st - sx, stt - 2 * sxt + sxx, sxt - sxx
        facility = sx / (n * max_score) if n and max_score else None
        kind, prompt, options = labels.get((bank_id, key), ("", key, []))
        items.append(
            ItemStats(
                key=key,
                type=kind,
                prompt=prompt,
                answers=n,
                facility=facility,
                discrimination=_correlation(n, sx, sxx, sy, syy, sxy),
                options=[
                    (oid, text, counts.get((bank_id, key), {}).get(oid, 0)) for oid, text in options
                ],
                bank=bank_slugs.get(bank_id, ""),
            )
        )
        if attempts:
            share = n / attempts
            variance_sum += share * (sxx / n - (sx / n) ** 2)
            items_per_attempt += share
    mean = sd = alpha = None
    if attempts:
        mean = float(totals[1]) / attempts
        if attempts > 1:
            sd = math.sqrt(max(0.0, (float(totals[2]) - attempts * mean * mean) / (attempts - 1)))
        alpha = _alpha(assessment, scope, attempts, items_per_attempt, variance_sum)
    items.sort(key=lambda item: item.key)
    return TestStats(attempts, mean, sd, alpha, items)


def _alpha(assessment, scope, attempts, k, variance_sum) -> float | None:
    score_sum, score_squares = db.session.execute(
        select(func.sum(Attempt.score), func.sum(Attempt.score * Attempt.score)).where(scope)
    ).one()
    mean = float(score_sum) / attempts
    variance = float(score_squares) / attempts - mean * mean
    if k <= 1 or variance <= 1e-12:
        return None
    return (k / (k - 1)) * (1 - variance_sum / variance)


def _labels(keys: list[tuple[int, str]]) -> dict[tuple[int, str], tuple[str, str, list]]:
    """(type, prompt, [(option id, text)]) per (bank, question key), from the latest version."""
    if not keys:
        return {}
    banks = {bank for bank, _key in keys}
    rows = db.session.scalars(
        select(Question)
        .where(Question.bank_id.in_(banks), Question.key.in_({key for _bank, key in keys}))
        .order_by(Question.version)
    )
    labels = {}
    for question in rows:
        spec = question.spec_es
        options = [(str(o["id"]), o["text"]) for o in spec.get("options", [])]
        if question.type == "true_false":
            options = [("true", "V"), ("false", "F")]
        labels[(question.bank_id, question.key)] = (question.type, spec["prompt"], options)
    return labels


def to_csv(stats: TestStats, headers: list[str]) -> str:
    """The item figures as CSV (one row per question; options as "id=times" pairs)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for item in stats.items:
        writer.writerow(
            [
                item.key,
                item.type,
                item.answers,
                "" if item.facility is None else f"{item.facility:.4f}",
                "" if item.discrimination is None else f"{item.discrimination:.4f}",
                " ".join(item.flags),
                "; ".join(f"{oid}={times}" for oid, _t, times in item.options),
            ]
        )
    return out.getvalue()
