"""Courses still being written (courses/drafts/) are never loaded, but what exists must be valid."""

import re

import pytest

from app.content import ContentErrors
from courses.content_source import DRAFTS
from courses.loader import discover_courses, load_course

DRAFT_FOLDERS = discover_courses(DRAFTS)
TRAFFICKING_MISNOMER = re.compile(r"tr[aá]fico de personas", re.IGNORECASE)


@pytest.mark.parametrize("folder", DRAFT_FOLDERS, ids=[f.name for f in DRAFT_FOLDERS])
def test_draft_course_and_written_lessons_are_valid(app, folder):
    from courses.content_source import references

    try:
        course = load_course(folder, references(), draft=True)
    except ContentErrors as exc:
        pytest.fail("\n".join(str(e) for e in exc.errors))
    for key, lesson in course.lessons.items():
        assert lesson.legal_refs, f"{key}: cite at least one legal reference"
        assert lesson.en is not None, f"{key}: the English version is missing"
        for text in (lesson.es.body, lesson.en.body):
            assert not TRAFFICKING_MISNOMER.search(text), (
                f"{key}: 'tráfico de personas' confuses trafficking with smuggling"
            )
