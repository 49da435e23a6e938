"""Quizzes on the web: create, set draw rules and settings, publish; sync leaves them alone."""

from sqlalchemy import select

from app.content_registry import known_slugs
from app.extensions import db
from assessments import content_source
from assessments import services as quiz_services
from assessments.authoring.models import QuizDraft
from assessments.models import Assessment
from courses import content_source as course_source
from courses import services as course_services
from courses.authoring import services as course_authoring
from tests.factories import make_user

BASE = "/autoria/evaluaciones"


def settings(**changes) -> dict:
    """The quiz form, filled."""
    data = {
        "revision": "0",
        "title_es": "Evaluación sobre detención",
        "title_en": "Detention quiz",
        "description_es": "",
        "description_en": "",
        "draw": "- bank: muestra\n  tags: [detencion]\n  count: 1\n",
        "pass_mark": "70",
        "max_attempts": "2",
        "time_limit_minutes": "",
        "grading": "highest",
        "feedback": "deferred",
        "shuffle_questions": "y",
        "shuffle_options": "y",
        "show_score": "y",
        "show_correct": "y",
        "show_feedback": "y",
    }
    data.update(changes)
    return data


def publish(client, slug: str, note: str = "Primera versión."):
    revision = db.session.scalar(
        select(QuizDraft.revision)
        .join(Assessment)
        .where(Assessment.slug == slug, QuizDraft.closed_at.is_(None))
    )
    return client.post(
        f"{BASE}/{slug}/publicar",
        data={"revision": revision, "change_note": note},
        follow_redirects=True,
    )


def test_a_quiz_made_on_the_web_is_offered_and_can_join_a_course(quizzes, client, login, trainer):
    login(trainer)
    response = client.post(
        f"{BASE}/nueva",
        data={
            "slug": "detencion-36",
            "title_es": "Evaluación sobre detención",
            "title_en": "",
            "bank": "muestra",
        },
    )
    assert response.status_code == 302
    quiz = db.session.scalar(select(Assessment).filter_by(slug="detencion-36"))
    assert quiz.retired_at is not None and quiz.source == "web"  # not offered yet
    saved = client.post(f"{BASE}/detencion-36", data=settings())
    assert saved.status_code == 302
    page = publish(client, "detencion-36").get_data(as_text=True)
    assert "versión 1 de la evaluación publicada" in page.lower()
    assert "Primera versión." in page  # the change note, under "Publicaciones en la web"
    db.session.refresh(quiz)
    assert quiz.retired_at is None and quiz.version == 1
    assert quiz.definition["pass_mark"] == 70.0
    assert client.get("/evaluaciones/detencion-36").status_code == 200
    assert "detencion-36" in known_slugs("assessment")
    # Syncing the files neither retires nor changes it.
    banks, definitions = content_source.load()
    quiz_services.sync_assessments(banks, definitions)
    db.session.refresh(quiz)
    assert quiz.retired_at is None and quiz.version == 1
    # A course can now list it, and publishes.
    course_services.sync_courses(course_source.load())
    db.session.commit()
    course = db.session.scalar(select(course_authoring.Course).filter_by(slug="muestra-consular"))
    course.requires_review = False
    db.session.commit()
    client.post("/autoria/cursos/muestra-consular/borrador")
    client.post(
        "/autoria/cursos/muestra-consular/estructura",
        data={
            "revision": "0",
            "op": "add_item",
            "module_id": "practica",
            "kind": "assessment",
            "assessment": "detencion-36",
        },
    )
    draft = course_authoring.open_draft(course)
    assert {"assessment": "detencion-36"} in draft.content["modules"][1]["items"]
    assert course_authoring.blockers(draft) == []


def test_bad_draw_rules_are_refused_with_their_place(quizzes, client, login, trainer):
    login(trainer)
    client.post(f"{BASE}/muestra-final/borrador")
    bad_yaml = client.post(
        f"{BASE}/muestra-final", data=settings(draw="- bank: [muestra\n")
    ).get_data(as_text=True)
    assert "no es YAML válido" in bad_yaml and "línea" in bad_yaml
    unknown = client.post(
        f"{BASE}/muestra-final", data=settings(draw="- bank: inexistente\n  count: 1\n")
    ).get_data(as_text=True)
    assert "definitions/muestra-final.yaml" in unknown and "inexistente" in unknown
    assert 'value="Evaluación sobre detención"' in unknown  # the input is kept
    draft = db.session.scalar(select(QuizDraft))
    db.session.refresh(draft)
    assert draft.revision == 1


def test_new_settings_apply_to_new_attempts_only(quizzes, client, login, trainer):
    learner = make_user("aprende@ejemplo.hn")
    attempt = quiz_services.start_attempt(quizzes["muestra-final"], learner, "es")
    db.session.commit()
    before = attempt.settings["pass_mark"]
    login(trainer)
    client.post(f"{BASE}/muestra-final/borrador")
    draw = (
        "- bank: muestra\n  questions: [plazo-estacion, trata-elementos, notificacion-vf, "
        "relacionar-conceptos, pasos-entrevista, siglas-comar, horas-numerico]\n"
    )
    client.post(f"{BASE}/muestra-final", data=settings(draw=draw, pass_mark="95"))
    page = publish(client, "muestra-final", "Sube la nota mínima.").get_data(as_text=True)
    assert "versión 2 de la evaluación publicada" in page.lower()
    quiz = db.session.scalar(select(Assessment).filter_by(slug="muestra-final"))
    db.session.refresh(quiz)
    assert quiz.definition["pass_mark"] == 95.0 and quiz.diverged_at is not None
    db.session.refresh(attempt)
    assert attempt.settings["pass_mark"] == before != 95.0
    # Sync leaves the web-edited quiz alone.
    banks, definitions = content_source.load()
    summary = quiz_services.sync_assessments(banks, definitions)
    assert summary.diverged == ["muestra-final"]
    db.session.refresh(quiz)
    assert quiz.definition["pass_mark"] == 95.0


def test_a_quiz_whose_file_is_gone_still_opens(quizzes, client, login, trainer):
    db.session.add(
        Assessment(slug="fantasma", version=1, content_hash="x", title_es="Fantasma", definition={})
    )
    db.session.commit()
    login(trainer)
    assert client.get(f"{BASE}/fantasma").status_code == 200
    response = client.post(f"{BASE}/fantasma/borrador", follow_redirects=True)
    assert response.status_code == 200 and "no está en este servidor" in response.get_data(
        as_text=True
    )
