"""Assessment fixtures: the sample bank and quizzes synced."""

import pytest
from sqlalchemy import select

from app.extensions import db
from assessments import content_source, services
from assessments.models import Assessment


@pytest.fixture
def quizzes(app):
    """The sample quizzes from tests/data/assessments, synced."""
    banks, definitions = content_source.load()
    services.sync_assessments(banks, definitions)
    db.session.commit()
    return {a.slug: a for a in db.session.scalars(select(Assessment))}
