"""Question banks on the web: the per-question editor, GIFT import, review, publish, sync."""

import io
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from app.extensions import db
from assessments import content_source
from assessments import services as quiz_services
from assessments.authoring.models import BankDraft
from assessments.models import Question, QuestionBank
from courses import content_source as course_source
from courses import services as course_services
from courses.models import Course, CourseItem
from tests.factories import make_user

BASE = "/autoria/bancos/muestra"
GIFT_DIR = Path(__file__).resolve().parents[1] / "data" / "gift"
BANK_FILE = GIFT_DIR.parent / "assessments" / "banks" / "muestra.yaml"
PASOS = yaml.safe_dump(
    next(
        q
        for q in yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))["questions"]
        if q["id"] == "pasos-entrevista"
    ),
    allow_unicode=True,
)


@pytest.fixture
def reviewer(app):
    """A second trainer."""
    return make_user("revisor@ejemplo.hn", roles={"trainer"}, office="dgphm")


def revision_of(page: str) -> str:
    return re.search(r'name="revision" type="hidden" value="(-?\d+)"', page).group(1)


def editor(client, qid: str) -> tuple[str, dict]:
    page = client.get(f"{BASE}/preguntas/{qid}").get_data(as_text=True)
    spanish = re.search(r'<textarea[^>]*name="spanish"[^>]*>\n?(.*?)</textarea>', page, re.S)
    english = re.search(r'<textarea[^>]*name="english"[^>]*>\n?(.*?)</textarea>', page, re.S)
    from html import unescape

    return page, {
        "revision": revision_of(page),
        "spanish": unescape(spanish.group(1)),
        "english": unescape(english.group(1)),
        "action": "save",
    }


def test_a_question_is_edited_checked_and_previewed(drafted, client):
    page, form = editor(client, "plazo-estacion")
    assert "Vista previa" in page and "36 horas" in page  # rendered as learners see it
    assert "disabled" in page
    form["spanish"] = form["spanish"].replace("36 horas", "36 horas naturales")
    response = client.post(f"{BASE}/preguntas/plazo-estacion", data=form)
    assert response.status_code == 302
    db.session.refresh(drafted)
    first = drafted.content["es"]["questions"][0]
    assert first["options"][0]["text"] == "36 horas naturales"


def test_broken_yaml_and_invalid_questions_are_refused_with_their_place(drafted, client):
    _page, form = editor(client, "plazo-estacion")
    broken = client.post(
        f"{BASE}/preguntas/plazo-estacion", data={**form, "spanish": "id: x\n  prompt: [\n"}
    )
    page = broken.get_data(as_text=True)
    assert broken.status_code == 200 and "No se guardó nada" in page
    assert re.search(r"Español:\d+", page)  # the YAML problem names its line
    no_key = form["spanish"].replace("correct: true", "correct: false")
    response = client.post(f"{BASE}/preguntas/plazo-estacion", data={**form, "spanish": no_key})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "questions[0].options" in page
    assert "36 horas" in page  # the user's text is still in the box
    renamed = client.post(
        f"{BASE}/preguntas/plazo-estacion",
        data={**form, "spanish": form["spanish"].replace("id: plazo-estacion", "id: otra")},
    )
    assert "conserva su id" in renamed.get_data(as_text=True)
    db.session.refresh(drafted)
    assert drafted.revision == 1


def test_a_new_question_starts_from_its_type(drafted, client):
    page = client.get(f"{BASE}/preguntas/nueva?tipo=true_false&id=plazo-36-vf").get_data(
        as_text=True
    )
    assert "type: true_false" in page and "id: plazo-36-vf" in page
    spanish = (
        "id: plazo-36-vf\ntype: true_false\ntags: [detencion]\n"
        "prompt: El alojamiento en una estación migratoria puede durar más de 36 horas.\n"
        "answer: false\nfeedback_true: No, desde el AR 388/2022 el máximo es de 36 horas.\n"
        "legal_refs: [scjn-ar-388-2022-general]\n"
    )
    response = client.post(
        f"{BASE}/preguntas/nueva",
        data={"revision": "0", "spanish": spanish, "english": "", "action": "save"},
    )
    assert response.status_code == 302
    db.session.refresh(drafted)
    assert drafted.content["es"]["questions"][-1]["id"] == "plazo-36-vf"


def test_two_trainers_on_one_question_neither_edit_is_lost(drafted, client, app, reviewer):
    _page, form = editor(client, "plazo-estacion")
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = reviewer.get_id()
    theirs = form["spanish"].replace("36 horas", "treinta y seis horas")
    assert (
        other.post(f"{BASE}/preguntas/plazo-estacion", data={**form, "spanish": theirs}).status_code
        == 302
    )
    mine = form["spanish"].replace("15 días hábiles", "quince días hábiles")
    response = client.post(f"{BASE}/preguntas/plazo-estacion", data={**form, "spanish": mine})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "quince días hábiles" in page and "treinta y seis horas" in page


def test_gift_upload_is_previewed_then_added_or_refused_whole(drafted, client):
    text = (
        "// [id:gift-plazo] [tag:detencion] [legal:scjn-ar-388-2022-general]\n"
        "::Plazo::¿Cuántas horas como máximo? {#36}\n\n"
        "// [id:gift-trafico] [tag:trata]\n"
        "::Tráfico::El tráfico ilícito exige explotación. {FALSE#No: eso es propio de la trata.}\n"
    )
    preview = client.post(f"{BASE}/gift", data={"file": (io.BytesIO(text.encode()), "nuevas.gift")})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "gift-plazo" in page and "gift-trafico" in page
    db.session.refresh(drafted)
    assert drafted.revision == 1  # nothing saved by the preview
    added = client.post(
        f"{BASE}/gift/agregar", data={"revision": "0", "gift": text}, follow_redirects=True
    )
    assert "2 preguntas añadidas" in added.get_data(as_text=True)
    db.session.refresh(drafted)
    ids = [q["id"] for q in drafted.content["es"]["questions"]]
    assert ids[-2:] == ["gift-plazo", "gift-trafico"]
    broken = (GIFT_DIR / "three_broken.gift").read_bytes()
    refused = client.post(f"{BASE}/gift", data={"file": (io.BytesIO(broken), "rotas.gift")})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "No se importó nada" in page
    assert re.search(r"línea \d+", page)
    db.session.refresh(drafted)
    assert len(drafted.content["es"]["questions"]) == len(ids)


def use_in_a_course(quiz_slug: str) -> None:
    """Put the quiz in the sample course (which requires review, as courses do by default)."""
    course_services.sync_courses(course_source.load())
    course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
    db.session.add(
        CourseItem(
            course_version_id=course.current_version_id,
            position=99,
            module_key="practica",
            kind="assessment",
            ref=quiz_slug,
        )
    )
    db.session.commit()


def test_publish_needs_review_when_a_course_needs_it_and_keeps_old_attempts(
    drafted, client, login, trainer, reviewer, quizzes
):
    use_in_a_course("muestra-final")
    learner = make_user("aprende@ejemplo.hn")
    attempt = quiz_services.start_attempt(quizzes["muestra-final"], learner, "es")
    db.session.commit()
    shown = {aq.question_key: aq.question_id for aq in attempt.questions}
    assert "plazo-estacion" in shown
    _page, form = editor(client, "plazo-estacion")
    form["spanish"] = form["spanish"].replace("36 horas", "36 horas naturales")
    client.post(f"{BASE}/preguntas/plazo-estacion", data=form)
    revision = db.session.scalar(select(BankDraft.revision))
    data = {"revision": revision, "change_note": "Precisa el plazo."}
    refused = client.post(f"{BASE}/publicar", data=data)
    assert refused.status_code == 200 and "otra persona formadora" in refused.get_data(as_text=True)
    login(reviewer)
    client.post(f"{BASE}/revisar", data={"revision": revision, "decision": "approve"})
    login(trainer)
    response = client.post(f"{BASE}/publicar", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Banco publicado" in page
    assert "Publicaciones en la web" in page and "Precisa el plazo." in page  # the change note
    current = db.session.scalar(
        select(Question).where(Question.key == "plazo-estacion", Question.is_current)
    )
    assert current.version == 2
    assert current.spec_es["options"][0]["text"] == "36 horas naturales"
    db.session.refresh(attempt)
    kept = next(aq for aq in attempt.questions if aq.question_key == "plazo-estacion")
    assert kept.question_id == shown["plazo-estacion"] != current.id
    # Sync leaves the web-edited bank alone: its files did not change since the last sync.
    banks, definitions = content_source.load()
    summary = quiz_services.sync_assessments(banks, definitions)
    assert not summary.diverged
    db.session.expire_all()
    current = db.session.scalar(
        select(Question).where(Question.key == "plazo-estacion", Question.is_current)
    )
    assert current.version == 2


def test_sync_reports_a_web_edited_bank_whose_files_changed(quizzes, app):
    bank = db.session.scalar(select(QuestionBank).filter_by(slug="muestra"))
    from app.db import utcnow

    bank.diverged_at = utcnow()
    bank.files_hash = "0" * 64  # as if the files changed since the last sync
    db.session.commit()
    banks, definitions = content_source.load()
    summary = quiz_services.sync_assessments(banks, definitions)
    assert summary.diverged == ["muestra"] and "--force" in str(summary)
    summary = quiz_services.sync_assessments(banks, definitions, frozenset({"muestra"}))
    assert not summary.diverged
    db.session.flush()
    assert bank.diverged_at is None


def test_removed_questions_are_retired_on_publish_unless_a_quiz_needs_them(
    drafted, client, quizzes
):
    client.post(f"{BASE}/preguntas/pasos-entrevista/quitar", data={"revision": "0"})
    client.post(f"{BASE}/preguntas/contexto/quitar", data={"revision": "0"})
    db.session.refresh(drafted)
    ids = [q["id"] for q in drafted.content["es"]["questions"]]
    assert "pasos-entrevista" not in ids and "contexto" not in ids
    # muestra-final lists pasos-entrevista by id: publishing is refused, with the quiz's line.
    page = client.get(f"{BASE}/publicar").get_data(as_text=True)
    assert "definitions/muestra-final.yaml:6" in page
    # Put it back (from the published text) and publish the removal of the other one.
    back = client.post(
        f"{BASE}/preguntas/nueva",
        data={"revision": "0", "spanish": PASOS, "english": "", "action": "save"},
    )
    assert back.status_code == 302, back.get_data(as_text=True)
    db.session.refresh(drafted)
    response = client.post(
        f"{BASE}/publicar",
        data={"revision": drafted.revision, "change_note": "Quita el contexto."},
        follow_redirects=True,
    )
    assert "Banco publicado" in response.get_data(as_text=True)
    row = db.session.scalar(select(Question).where(Question.key == "contexto"))
    db.session.refresh(row)
    assert row.retired_at is not None and not row.is_current


def test_every_sample_question_comes_back_from_its_stored_version(quizzes):
    """raw_question + the loader give back exactly the stored Spanish and English specs."""
    from assessments.authoring import services

    bank = db.session.scalar(select(QuestionBank).filter_by(slug="muestra"))
    rows = list(db.session.scalars(select(Question).where(Question.bank_id == bank.id)))
    content = {"es": {"slug": "muestra", "title": "Muestra", "questions": []}, "en": None}
    overlay = {}
    for row in rows:
        entry, english = services.raw_question(row)
        content["es"]["questions"].append(entry)
        if english:
            overlay[row.key] = english
    content["en"] = {"questions": overlay}
    doc = services.check(content, "muestra")
    by_id = {q.id: q for q in doc.questions}
    for row in rows:
        assert by_id[row.key].spec_es == row.spec_es
        assert by_id[row.key].spec_en == row.spec_en


def test_a_question_version_is_compared_and_put_back(drafted, client, login, trainer):
    _page, form = editor(client, "plazo-estacion")
    form["spanish"] = form["spanish"].replace("36 horas", "36 horas naturales")
    client.post(f"{BASE}/preguntas/plazo-estacion", data=form)
    db.session.refresh(drafted)
    client.post(f"{BASE}/publicar", data={"revision": drafted.revision, "change_note": "Precisa."})
    page = client.get(f"{BASE}/preguntas/plazo-estacion/historial").get_data(as_text=True)
    assert "<ins>" in page and "36 horas naturales" in page  # version 1 → version 2
    client.post(f"{BASE}/borrador")
    response = client.post(f"{BASE}/preguntas/plazo-estacion/restaurar/1", follow_redirects=True)
    assert "La versión 1 volvió al borrador" in response.get_data(as_text=True)
    draft = db.session.scalar(select(BankDraft).where(BankDraft.closed_at.is_(None)))
    first = next(q for q in draft.content["es"]["questions"] if q["id"] == "plazo-estacion")
    assert first["options"][0]["text"] == "36 horas"


def test_a_bank_made_on_the_web_is_published_once_it_has_questions(quizzes, client, login, trainer):
    login(trainer)
    response = client.post(
        "/autoria/bancos/nuevo", data={"slug": "ninez", "title_es": "Niñez", "title_en": ""}
    )
    assert response.status_code == 302
    assert client.get("/autoria/bancos/ninez").status_code == 200
    empty = client.get("/autoria/bancos/ninez/publicar").get_data(as_text=True)
    assert "al menos una pregunta" in empty
    spanish = (
        "id: interes-superior\ntype: true_false\ntags: [ninez]\n"
        "prompt: El interés superior de la niñez guía toda decisión que la afecte.\n"
        "answer: true\n"
        "feedback_false: Es un principio de la Convención sobre los Derechos del Niño.\n"
    )
    saved = client.post(
        "/autoria/bancos/ninez/preguntas/nueva",
        data={"revision": "0", "spanish": spanish, "english": "", "action": "save"},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    draft = db.session.scalar(select(BankDraft).join(QuestionBank).filter_by(slug="ninez"))
    done = client.post(
        "/autoria/bancos/ninez/publicar",
        data={"revision": draft.revision, "change_note": "Primera pregunta."},
        follow_redirects=True,
    )
    assert "Banco publicado: 1 preguntas nuevas" in done.get_data(as_text=True)
    bank = db.session.scalar(select(QuestionBank).filter_by(slug="ninez"))
    db.session.refresh(bank)
    assert bank.retired_at is None and bank.web_content is not None
