"""Read side of assessments: quizzes, attempts and results."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from assessments.models import Assessment, Attempt


def assessment_by_slug(slug: str) -> Assessment | None:
    """A quiz by slug."""
    return db.session.scalar(select(Assessment).where(Assessment.slug == slug))


def attempts_of(assessment: Assessment, user) -> list[Attempt]:
    """The learner's attempts at a quiz, oldest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.assessment_id == assessment.id, Attempt.user_id == user.id)
            .order_by(Attempt.number)
        )
    )


def passed_slugs(user, slugs: list[str]) -> set[str]:
    """Which of these quizzes the learner has already passed (any version)."""
    if not slugs:
        return set()
    return set(
        db.session.scalars(
            select(Assessment.slug)
            .join(Attempt, Attempt.assessment_id == Assessment.id)
            .where(Attempt.user_id == user.id, Attempt.passed.is_(True), Assessment.slug.in_(slugs))
            .distinct()
        )
    )


def attempt_of(attempt_id: int, user) -> Attempt | None:
    """An attempt with its questions, only if it belongs to ``user`` (others get None)."""
    return db.session.scalar(
        select(Attempt)
        .options(selectinload(Attempt.questions))
        .where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    )
