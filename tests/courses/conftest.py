"""Course fixtures: the sample course synced, and a learner enrolled in it."""

import pytest
from sqlalchemy import select

from app.extensions import db
from courses import content_source, services
from courses.models import Course


@pytest.fixture
def course(app):
    """The sample course from tests/data/courses, synced into the database."""
    services.sync_courses(content_source.load())
    db.session.commit()
    return db.session.scalar(select(Course).filter_by(slug="muestra-consular"))


@pytest.fixture
def enrolled(course, learner, client, login):
    """The learner, logged in and enrolled in the sample course."""
    login(learner)
    services.enroll(course, learner)
    db.session.commit()
    return learner
