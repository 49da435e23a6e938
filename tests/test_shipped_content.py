"""Everything shipped validates, and the teaching content meets the authoring rules.

Walks every shipped lesson and question: each lesson has objectives, at least one legal
reference and both a Spanish and an English file; each question has feedback and a legal
reference; nothing says "tráfico de personas" (it confuses trafficking with smuggling).
"""

import re

import pytest

from app.legal import load_registry
from assessments.content_source import PACKAGE as ASSESSMENTS_PACKAGE
from assessments.loader import References as QuizReferences
from assessments.loader import load_all as load_quizzes
from courses.content_source import PACKAGE_CONTENT
from courses.loader import discover_courses, load_course

MISNOMER = re.compile(r"tr[aá]fico de personas", re.IGNORECASE)
COURSES = discover_courses(PACKAGE_CONTENT)


def test_legal_registry_is_valid():
    registry = load_registry()
    assert "vccr-art36" in registry.provisions
    assert "ley-migracion-mx-art111" in registry.provisions
    # Trafficking and smuggling are two instruments, never one.
    assert registry.instruments["protocolo-trata"] != registry.instruments["protocolo-trafico"]


def test_shipped_content_passes_every_check(app):
    from app.content_registry import content_sources

    app.config["COURSES_CONTENT_DIR"] = str(PACKAGE_CONTENT)
    app.config["ASSESSMENTS_BANKS_DIR"] = str(ASSESSMENTS_PACKAGE / "banks")
    app.config["ASSESSMENTS_DEFINITIONS_DIR"] = str(ASSESSMENTS_PACKAGE / "definitions")
    problems = {source.name: source.check() for source in content_sources()}
    assert problems == {name: [] for name in problems}


@pytest.mark.parametrize("folder", COURSES, ids=[f.name for f in COURSES])
def test_every_shipped_lesson_meets_the_rules(folder):
    course = load_course(folder)
    assert course.title.en and course.summary.en, "the course needs an English title and summary"
    for key, lesson in course.lessons.items():
        assert lesson.es.objectives, f"{key}: learning objectives"
        assert lesson.legal_refs, f"{key}: at least one legal reference"
        assert lesson.en is not None and lesson.en.objectives, f"{key}: English version"
        words = len(lesson.es.body.split())
        assert 800 <= words <= 1600, f"{key}: {words} words in Spanish"
        for text in (lesson.es.body, lesson.en.body):
            assert not MISNOMER.search(text), f"{key}: 'tráfico de personas'"


def test_every_shipped_question_has_feedback_and_a_reference():
    banks, _definitions = load_quizzes(
        ASSESSMENTS_PACKAGE / "banks", ASSESSMENTS_PACKAGE / "definitions", QuizReferences()
    )
    for bank in banks:
        for question in bank.questions:
            if question.type == "description":
                continue
            spec = question.spec_es
            assert question.legal_refs, f"{bank.slug}/{question.id}: legal reference"
            has_feedback = bool(spec.get("explanation")) or any(
                option.get("feedback") for option in spec.get("options", [])
            )
            assert has_feedback, f"{bank.slug}/{question.id}: feedback"
            assert question.spec_en is not None, f"{bank.slug}/{question.id}: English"
            assert not MISNOMER.search(str(spec)), f"{bank.slug}/{question.id}: misnomer"


def test_shipped_gift_example_produces_the_same_bank():
    """assessments/banks/doc-101.gift is the GIFT twin of doc-101.yaml (Spanish)."""
    from assessments import gift
    from assessments.loader import load_bank
    from tests.assessments.test_gift import question_key

    bank = load_bank(ASSESSMENTS_PACKAGE / "banks" / "doc-101.yaml")
    text = (ASSESSMENTS_PACKAGE / "banks" / "doc-101.gift").read_text(encoding="utf-8")
    imported, problems = gift.parse(text, legal_ids=frozenset(load_registry().provisions))
    assert problems == []
    assert [q.data["id"] for q in imported] == [q.id for q in bank.questions]
    for entry, question in zip((q.data for q in imported), bank.questions, strict=True):
        expected = {
            "id": question.id,
            "tags": list(question.tags),
            "difficulty": question.difficulty,
            "legal_refs": list(question.legal_refs),
            **question.spec_es,
        }
        for key in ("type", "prompt", "explanation", "tags", "legal_refs", "difficulty"):
            assert entry.get(key) == expected.get(key), (question.id, key)
        assert float(entry.get("points", 1)) == question.points, question.id
        assert question_key(entry) == question_key(expected), question.id


def test_rulings_are_cited_once_by_their_name():
    registry = load_registry()
    assert registry.provisions["scjn-ar-388-2022-general"].citation("es") == "AR 388/2022"
    assert registry.provisions["vccr-art36"].citation("en") == "VCCR, Art. 36"
