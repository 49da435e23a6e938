"""Certificate fixtures: the sample course synced, and a helper that completes it."""

import pytest

from app.extensions import db
from courses import services
from tests.courses.conftest import course  # noqa: F401 - the sample course, synced


@pytest.fixture
def complete(course):  # noqa: F811 - the imported fixture
    """Complete the sample course for a user (returns the enrolment); commits."""

    def do_complete(user, retake: bool = False):
        enrollment = services.enroll(course, user, retake=retake)
        for item in enrollment.version.items:
            if not item.is_optional:
                services.complete_item(enrollment, item, user)
        db.session.commit()
        return enrollment

    return do_complete
