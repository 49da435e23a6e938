"""Certificate fixtures: the sample course synced, and a helper that completes it."""

import pytest
from sqlalchemy import select

from app.extensions import db
from courses import content_source, services
from courses.models import Course


@pytest.fixture
def course(app):
    """The sample course (24-month validity) synced into the database."""
    services.sync_courses(content_source.load())
    db.session.commit()
    return db.session.scalar(select(Course).filter_by(slug="muestra-consular"))


@pytest.fixture
def complete(course):
    """Complete the sample course for a user (returns the enrolment); commits."""

    def do_complete(user, retake: bool = False):
        enrollment = services.enroll(course, user, retake=retake)
        for item in enrollment.version.items:
            if not item.is_optional:
                services.complete_item(enrollment, item, user)
        db.session.commit()
        return enrollment

    return do_complete
