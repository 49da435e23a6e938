"""Shared helpers for the HR compliance tests."""

from sqlalchemy import select

from app.auth.models import Office, Position
from app.extensions import db
from certificates.compliance import services


def make_rule(course, hr_user, position="consul", office=None, days=60, renewal=None):
    """A training requirement starting today for a position and/or office code; commits."""
    rule = services.save_requirement(
        None,
        hr_user,
        course_id=course.id,
        position_id=db.session.scalar(select(Position.id).filter_by(code=position))
        if position
        else None,
        office_id=db.session.scalar(select(Office.id).filter_by(code=office)) if office else None,
        due_within_days=days,
        starts_on=services.today(),
        renewal_months=renewal,
        note=None,
    )
    db.session.commit()
    return rule
