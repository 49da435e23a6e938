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


@pytest.fixture
def drafted(quizzes, client, login, trainer):
    """The trainer, logged in, with a draft of the sample bank open."""
    from assessments.authoring.models import BankDraft

    login(trainer)
    assert client.post("/autoria/bancos/muestra/borrador").status_code == 302
    return db.session.scalar(select(BankDraft))
