"""A person's training record: courses, certificates, assessments and simulations."""

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from assessments.models import Assessment, Attempt
from case_simulations.models import ScenarioVersion, SimulationRun
from certificates.models import Certificate
from courses.models import CourseVersion, Enrollment


@dataclass
class Transcript:
    """Everything a person has done, newest first in each part."""

    enrollments: list
    certificates: list
    attempts: list
    runs: list


def transcript_of(user) -> Transcript:
    """The person's training record."""
    enrollments = db.session.execute(
        select(Enrollment, CourseVersion)
        .join(CourseVersion, CourseVersion.id == Enrollment.course_version_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.enrolled_at.desc())
    ).all()
    certificates = list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )
    attempts = db.session.execute(
        select(Attempt, Assessment)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .where(Attempt.user_id == user.id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.submitted_at.desc())
    ).all()
    runs = db.session.execute(
        select(SimulationRun, ScenarioVersion)
        .join(ScenarioVersion, ScenarioVersion.id == SimulationRun.version_id)
        .where(SimulationRun.user_id == user.id, SimulationRun.submitted_at.is_not(None))
        .order_by(SimulationRun.submitted_at.desc())
    ).all()
    return Transcript(enrollments, certificates, attempts, runs)
