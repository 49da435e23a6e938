"""Issue 9's story, through the pages, from authoring to certificate.

A trainer builds a bilingual course with two lessons, a quiz of four question types and an
existing simulation; a second trainer approves; a learner takes it and earns the certificate.
"""

import re

from sqlalchemy import select

from app.extensions import db
from assessments import content_source as quiz_source
from assessments import services as quiz_services
from assessments.models import Attempt
from case_simulations import content_source as simulation_source
from case_simulations import services as simulation_services
from certificates.models import Certificate
from courses.authoring.models import CourseDraft
from courses.models import Course, Enrollment
from tests.assessments.test_attempts import answer_form
from tests.factories import make_user

COURSE = "/autoria/cursos/ninez-migrante"
QUIZ = "/autoria/evaluaciones/ninez-final"


def revision(part: str) -> int:
    """The current revision of one part of the open course draft."""
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.closed_at.is_(None)))
    db.session.refresh(draft)
    return (draft.part_revisions or {}).get(part, 0)


def lesson(key: str, title_es: str, title_en: str, body: str) -> dict:
    return {
        "revision": revision(f"lesson:{key}"),
        "title_es": title_es,
        "objectives_es": "Identificar el interés superior de la niñez.",
        "body_es": f"## {title_es}\n\n{body}\n",
        "title_en": title_en,
        "objectives_en": "Identify the best interests of the child.",
        "body_en": f"## {title_en}\n\nEnglish text.\n",
        "estimated_minutes": "10",
        "legal_refs": ["vccr-art36"],
        "review_notes": "",
        "action": "save",
    }


def test_a_course_built_on_the_web_is_reviewed_published_taken_and_certified(
    app, client, login, trainer
):
    quiz_services.sync_assessments(*quiz_source.load())
    simulation_services.sync_scenarios(simulation_source.load())
    db.session.commit()
    reviewer = make_user("revisora@ejemplo.hn", roles={"trainer"}, office="dgphm")
    learner = make_user("aprendiz@ejemplo.hn")
    login(trainer)

    # A quiz of four question types, drawn by id from an existing bank.
    client.post(
        "/autoria/evaluaciones/nueva",
        data={"slug": "ninez-final", "title_es": "Evaluación final", "bank": "muestra"},
    )
    draw = (
        "- bank: muestra\n"
        "  questions: [plazo-estacion, trata-elementos, notificacion-vf, siglas-comar]\n"
    )
    form = {
        "revision": "0",
        "title_es": "Evaluación final",
        "title_en": "Final quiz",
        "draw": draw,
        "pass_mark": "75",
        "max_attempts": "3",
        "grading": "highest",
        "feedback": "deferred",
        "show_score": "y",
        "show_correct": "y",
        "show_feedback": "y",
    }
    assert client.post(QUIZ, data=form).status_code == 302
    page = client.get(f"{QUIZ}/publicar").get_data(as_text=True)
    quiz_revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    client.post(f"{QUIZ}/publicar", data={"revision": quiz_revision, "change_note": "Nueva."})

    # The course: bilingual, two lessons, the quiz and an existing simulation.
    client.post(
        "/autoria/cursos/nuevo",
        data={
            "slug": "ninez-migrante",
            "code": "DH-201",
            "family": "derechos-humanos",
            "title_es": "Niñez migrante",
            "title_en": "Migrant children",
        },
    )
    client.post(
        f"{COURSE}/lecciones/leccion-1",
        data=lesson("leccion-1", "Interés superior", "Best interests", "Texto uno."),
    )
    for op in (
        {"kind": "lesson", "lesson_key": "leccion-2", "lesson_title": "No detención"},
        {"kind": "assessment", "assessment": "ninez-final"},
        {"kind": "simulation", "simulation": "muestra-reten"},
    ):
        response = client.post(
            f"{COURSE}/estructura",
            data={"revision": revision("structure"), "op": "add_item", "module_id": "modulo-1"}
            | op,
        )
        assert response.status_code == 302
    client.post(
        f"{COURSE}/estructura",
        data={
            "revision": revision("structure"),
            "op": "optional",
            "module": "modulo-1",
            "index": 3,
        },
    )
    client.post(
        f"{COURSE}/lecciones/leccion-2",
        data=lesson("leccion-2", "No detención", "No detention", "Texto dos."),
    )
    preview = client.get(f"{COURSE}/vista-previa/leccion-2").get_data(as_text=True)
    assert "No detención" in preview and "Texto dos." in preview
    client.post(f"{COURSE}/pedir-revision")

    login(reviewer)
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.closed_at.is_(None)))
    db.session.refresh(draft)
    client.post(f"{COURSE}/revisar", data={"revision": draft.revision, "decision": "approve"})
    login(trainer)
    response = client.post(
        f"{COURSE}/publicar", data={"revision": draft.revision, "change_note": "Primera versión."}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    course = db.session.scalar(select(Course).filter_by(slug="ninez-migrante"))
    db.session.refresh(course)
    assert course.current_version.title_en == "Migrant children"

    # The learner takes it: two lessons, the quiz passed; the simulation is optional.
    login(learner)
    client.post("/cursos/ninez-migrante/inscribirse")
    for key in ("leccion-1", "leccion-2"):
        assert client.get(f"/cursos/ninez-migrante/lecciones/{key}").status_code == 200
        client.post(f"/cursos/ninez-migrante/lecciones/{key}/completar")
    client.post("/evaluaciones/ninez-final/comenzar")
    attempt = db.session.scalar(select(Attempt).order_by(Attempt.id.desc()))
    assert {aq.snapshot["type"] for aq in attempt.questions} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
    }
    for aq in attempt.questions:
        client.post(f"/evaluaciones/intento/{attempt.id}/{aq.position}", data=answer_form(aq))
    client.post(f"/evaluaciones/intento/{attempt.id}/enviar")
    enrollment = db.session.scalar(select(Enrollment).filter_by(user_id=learner.id))
    db.session.refresh(enrollment)
    assert enrollment.completed_at is not None
    certificate = db.session.scalar(select(Certificate).filter_by(user_id=learner.id))
    assert certificate is not None and certificate.course_id == course.id
