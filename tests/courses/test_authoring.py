"""Course authoring on the web: drafts, locking, preview, review, publish, versions, sync."""

import io
import re
import shutil

import pytest
from PIL import Image
from sqlalchemy import func, select

from app import drafts
from app.audit import AuditEvent
from app.extensions import db
from courses import content_source
from courses import services as course_services
from courses.authoring import services
from courses.authoring.models import CourseDraft, CourseImage
from courses.models import Course, CourseVersion
from tests.conftest import DATA
from tests.factories import make_user

BASE = "/autoria/cursos/muestra-consular"
LESSON = f"{BASE}/lecciones/01-notificacion"


@pytest.fixture
def reviewer(app):
    """A second trainer, who reviews."""
    return make_user("revisor@ejemplo.hn", roles={"trainer"}, office="dgphm")


def revision_of(page: str) -> str:
    """The optimistic-locking revision a form carries."""
    return re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)


def lesson_form(client, **changes) -> dict:
    """The lesson form as the editor shows it, with ``changes``."""
    page = client.get(LESSON).get_data(as_text=True)
    data = {
        "revision": revision_of(page),
        "title_es": "La notificación consular",
        "objectives_es": "Explicar la notificación consular.",
        "body_es": "## Qué es\n\nTexto en español.\n",
        "title_en": "Consular notification",
        "objectives_en": "Explain consular notification.",
        "body_en": "## What it is\n\nText in English.\n",
        "estimated_minutes": "12",
        "legal_refs": ["vccr-art36"],
        "review_notes": "",
        "action": "save",
    }
    data.update(changes)
    return data


def errors_in(response) -> list[str]:
    """The field errors and flashed messages of a re-rendered form."""
    page = response.get_data(as_text=True)
    return re.findall(r'class="(?:error|flash[^"]*)"[^>]*>(.*?)</', page, re.S)


def start(client) -> None:
    assert client.post(f"{BASE}/borrador").status_code == 302


def approve(client, login, reviewer) -> None:
    login(reviewer)
    page = client.get(BASE).get_data(as_text=True)
    response = client.post(
        f"{BASE}/revisar",
        data={"revision": revision_of(page), "decision": "approve", "comment": "Correcto."},
    )
    assert response.status_code == 302


def publish(client, note="Aclara el plazo de notificación.") -> object:
    """Publish the open draft at its current revision (as the publish page would)."""
    assert client.get(f"{BASE}/publicar").status_code == 200
    revision = db.session.scalar(
        select(CourseDraft.revision).where(CourseDraft.closed_at.is_(None))
    )
    response = client.post(f"{BASE}/publicar", data={"revision": revision, "change_note": note})
    return response


def test_a_draft_is_invisible_to_learners_until_reviewed_and_published(
    course, client, login, trainer, reviewer, learner
):
    course_services.enroll(course, learner)  # a learner mid-course, on version 1
    db.session.commit()
    login(trainer)
    start(client)
    response = client.post(
        LESSON, data=lesson_form(client, body_es="## Nuevo\n\nTexto **nuevo**.\n")
    )
    assert response.status_code == 302, errors_in(response)
    # The learner still reads version 1.
    login(learner)
    page = client.get("/cursos/muestra-consular/lecciones/01-notificacion").get_data(as_text=True)
    assert "Texto <strong>nuevo</strong>" not in page
    # Publishing needs another trainer's approval.
    login(trainer)
    refused = publish(client).get_data(as_text=True)
    assert "otra persona formadora debe aprobar" in refused.lower() or "aprobar" in refused
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 1
    approve(client, login, reviewer)
    login(trainer)
    response = publish(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/versiones")
    db.session.expire_all()
    course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
    version = course.current_version
    assert version.number == 2 and version.origin == "web"
    assert version.change_note == "Aclara el plazo de notificación."
    assert version.reviewed_by_id == reviewer.id and version.published_by_id == trainer.id
    assert course.diverged_at is not None
    # The learner mid-course stays on version 1; a new learner gets version 2.
    login(learner)
    page = client.get("/cursos/muestra-consular/lecciones/01-notificacion").get_data(as_text=True)
    assert "Texto <strong>nuevo</strong>" not in page
    newcomer = make_user("nueva@ejemplo.hn")
    login(newcomer)
    client.post("/cursos/muestra-consular/inscribirse")
    page = client.get("/cursos/muestra-consular/lecciones/01-notificacion").get_data(as_text=True)
    assert "Texto <strong>nuevo</strong>" in page
    # The comparison shows the change, side by side.
    login(trainer)
    compare = client.get(f"{BASE}/comparar?de=1&a=2").get_data(as_text=True)
    assert "<ins>Texto **nuevo**.</ins>" in compare
    assert "01-notificacion · Español" in compare
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"course.draft_started", "course.draft_saved", "course.approved"} <= actions
    assert "course.published" in actions


def test_an_editor_cannot_approve_their_own_draft(course, client, login, trainer):
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client))
    page = client.get(BASE).get_data(as_text=True)
    assert "Aprobar este borrador" not in page
    draft = db.session.scalar(select(CourseDraft))
    client.post(f"{BASE}/revisar", data={"revision": draft.revision, "decision": "approve"})
    db.session.refresh(draft)
    assert draft.approved_by_id is None


def test_an_edit_after_approval_needs_a_new_review(course, client, login, trainer, reviewer):
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client))
    approve(client, login, reviewer)
    login(trainer)
    client.post(LESSON, data=lesson_form(client, body_es="## Otra\n\nOtro cambio.\n"))
    page = client.get(BASE).get_data(as_text=True)
    assert "necesita una nueva revisión" in page
    publish(client)
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 1


def test_two_trainers_editing_one_lesson_neither_edit_is_lost(
    course, client, app, login, trainer, reviewer
):
    login(trainer)
    start(client)
    stale = lesson_form(client, body_es="## Mía\n\nVersión de la primera.\n")
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = reviewer.get_id()
    theirs = other.get(LESSON).get_data(as_text=True)
    first = other.post(
        LESSON,
        data={
            **stale,
            "revision": revision_of(theirs),
            "body_es": "## Suya\n\nVersión de la otra.\n",
        },
    )
    assert first.status_code == 302
    second = client.post(LESSON, data=stale)
    page = second.get_data(as_text=True)
    assert second.status_code == 200
    assert "guardó esta parte después de que usted la abriera" in page
    assert "Versión de la primera." in page  # the user's text stays in the form
    assert "Versión de la otra." in page  # the saved text is shown beside it
    draft = db.session.scalar(select(CourseDraft))
    db.session.refresh(draft)
    assert "Versión de la otra." in draft.content["lessons"]["01-notificacion"]["es"]["body"]
    # Saving again, on purpose, goes through.
    again = client.post(LESSON, data={**stale, "revision": revision_of(page)})
    assert again.status_code == 302
    db.session.refresh(draft)
    assert "Versión de la primera." in draft.content["lessons"]["01-notificacion"]["es"]["body"]


def test_edits_to_different_parts_do_not_collide(course, client, login, trainer):
    login(trainer)
    start(client)
    lesson = lesson_form(client)
    data_page = client.get(f"{BASE}/datos").get_data(as_text=True)
    assert client.post(LESSON, data=lesson).status_code == 302
    form = {
        "revision": revision_of(data_page),
        "title_es": "Curso de muestra renombrado",
        "title_en": "Sample course",
        "summary_es": "Resumen.",
        "summary_en": "",
        "code": "TEST-001",
        "version": "2026.2",
        "family": "derechos-humanos",
        "audience": ["consul"],
        "estimated_minutes": "40",
        "certificate_validity_months": "24",
        "completion_lessons": "all",
        "completion_assessments": "pass-all",
        "completion_simulations": "pass-all",
    }
    assert client.post(f"{BASE}/datos", data=form).status_code == 302
    draft = db.session.scalar(select(CourseDraft))
    db.session.refresh(draft)
    assert draft.content["title"]["es"] == "Curso de muestra renombrado"
    assert draft.content["lessons"]["01-notificacion"]["es"]["body"].startswith("## Qué es")
    assert draft.content["version"] == "2026.2"


def test_bad_course_data_re_renders_with_errors_and_keeps_the_input(course, client, login, trainer):
    login(trainer)
    start(client)
    page = client.get(f"{BASE}/datos").get_data(as_text=True)
    response = client.post(
        f"{BASE}/datos",
        data={"revision": revision_of(page), "title_es": "Mi título", "estimated_minutes": "-3"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Mi título"' in page and "Dé un número entero" in page


def test_unsafe_html_is_inert_in_preview_and_after_publishing(
    course, client, login, trainer, reviewer
):
    login(trainer)
    start(client)
    evil = (
        "## Prueba\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n"
        "[enlace](javascript:alert(3))\n"
    )
    preview = client.post(LESSON, data=lesson_form(client, body_es=evil, action="preview"))
    page = preview.get_data(as_text=True)
    assert "<script>alert(1)" not in page and not re.search(r"<img[^>]*onerror", page)
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert db.session.scalar(select(CourseDraft)).revision == 1  # a preview saves nothing
    client.post(LESSON, data=lesson_form(client, body_es=evil))
    approve(client, login, reviewer)
    login(trainer)
    assert publish(client).status_code == 302
    login(make_user("lectora@ejemplo.hn"))
    client.post("/cursos/muestra-consular/inscribirse")
    page = client.get("/cursos/muestra-consular/lecciones/01-notificacion").get_data(as_text=True)
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page


def test_publishing_twice_makes_one_version(course, client, login, trainer, admin):
    course.requires_review = False
    db.session.commit()
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client))
    page = client.get(f"{BASE}/publicar").get_data(as_text=True)
    data = {"revision": revision_of(page), "change_note": "Cambio."}
    first = client.post(f"{BASE}/publicar", data=data)
    second = client.post(f"{BASE}/publicar", data=data)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 2
    assert "ya se publicó" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_publish_lists_every_problem_by_file_and_line(course, client, login, trainer):
    course.requires_review = False
    db.session.commit()
    login(trainer)
    start(client)
    client.post(
        LESSON, data=lesson_form(client, body_es="# Título de nivel uno\n\n[[no-existe]]\n")
    )
    page = client.get(f"{BASE}/publicar").get_data(as_text=True)
    assert "lessons/01-notificacion.md" in page
    assert "[[no-existe]]" in page
    assert "##" in page  # the level-1 heading rule
    response = publish(client)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 1


def test_structure_edits_add_move_and_remove(course, client, login, trainer):
    login(trainer)
    start(client)
    page = client.get(BASE).get_data(as_text=True)
    rev = re.search(r'name="revision" value="(\d+)"', page).group(1)
    response = client.post(
        f"{BASE}/estructura",
        data={
            "revision": rev,
            "op": "add_item",
            "module_id": "practica",
            "kind": "lesson",
            "lesson_key": "05-nueva",
            "lesson_title": "Una lección nueva",
        },
    )
    assert response.status_code == 302
    draft = db.session.scalar(select(CourseDraft))
    db.session.refresh(draft)
    assert draft.content["modules"][1]["items"][-1] == {"lesson": "05-nueva"}
    # A stale outline form changes nothing and says so.
    stale = client.post(
        f"{BASE}/estructura",
        data={"revision": rev, "op": "item_up", "module": "fundamentos", "index": "1"},
        follow_redirects=True,
    )
    assert "cambió el índice del curso" in stale.get_data(as_text=True)
    rev = str(drafts.part_revision(draft, "structure"))
    client.post(
        f"{BASE}/estructura",
        data={"revision": rev, "op": "item_up", "module": "practica", "index": "0"},
    )
    db.session.refresh(draft)
    assert draft.content["modules"][0]["items"][-1] == {"lesson": "03-registro"}
    rev = str(drafts.part_revision(draft, "structure"))
    client.post(
        f"{BASE}/estructura",
        data={"revision": rev, "op": "remove_item", "module": "practica", "index": "1"},
    )
    db.session.refresh(draft)
    assert "05-nueva" not in draft.content["lessons"]


def test_translation_state_follows_the_spanish(course, client, login, trainer):
    login(trainer)
    start(client)
    draft = db.session.scalar(select(CourseDraft))
    assert services.translation_state(draft, "01-notificacion") == "current"
    assert services.translation_state(draft, "03-registro") == "missing"
    form = lesson_form(client)
    client.post(LESSON, data=form)
    db.session.refresh(draft)
    assert services.translation_state(draft, "01-notificacion") == "current"
    client.post(LESSON, data=lesson_form(client, body_es="## Qué es\n\nTexto cambiado.\n"))
    db.session.refresh(draft)
    assert services.translation_state(draft, "01-notificacion") == "outdated"
    assert "Inglés desactualizado" in client.get(BASE).get_data(as_text=True)
    client.post(
        LESSON,
        data=lesson_form(client, body_es="## Qué es\n\nTexto cambiado.\n", english_checked="y"),
    )
    db.session.refresh(draft)
    assert services.translation_state(draft, "01-notificacion") == "current"


def test_rollback_publishes_an_old_version_again(course, client, login, trainer):
    course.requires_review = False
    db.session.commit()
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client, body_es="## V2\n\nSegunda.\n"))
    publish(client)
    response = client.post(f"{BASE}/versiones/1/restaurar")
    assert response.status_code == 302
    assert publish(client, "Vuelve a la versión 1.").status_code == 302
    db.session.expire_all()
    course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
    versions = course.versions
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[2].content_hash != versions[1].content_hash
    first, third = (course_services.version_as_dict(v) for v in (versions[0], versions[2]))
    assert first["lessons"] == third["lessons"]
    assert [v.label for v in versions] == ["2026.1", "2026.2", "2026.3"]


def test_sync_never_undoes_a_web_edit(course, client, login, trainer, app, tmp_path, runner):
    course.requires_review = False
    db.session.commit()
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client, body_es="## Web\n\nEditado en la web.\n"))
    assert publish(client).status_code == 302
    db.session.expire_all()  # the test's session outlives the requests
    # The same files again: nothing happens.
    summary = course_services.sync_courses(content_source.load())
    assert summary.unchanged == ["muestra-consular"] and not summary.new_versions
    db.session.commit()
    # The files change: the course is reported as diverged and left alone...
    folder = tmp_path / "courses"
    shutil.copytree(DATA / "courses", folder)
    lesson = folder / "muestra-consular" / "lessons" / "02-acceso.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nUna línea más.\n", encoding="utf-8")
    app.config["COURSES_CONTENT_DIR"] = str(folder)
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    assert "muestra-consular" in result.output and "--force" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 2
    # ...unless forced.
    result = runner.invoke(args=["content", "sync", "--force", "muestra-consular"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
    assert course.current_version.number == 3 and course.current_version.origin == "files"
    assert course.diverged_at is None


def test_a_course_created_on_the_web_is_never_retired_by_sync(client, login, trainer):
    login(trainer)
    response = client.post(
        "/autoria/cursos/nuevo",
        data={
            "slug": "ninez-migrante",
            "code": "DH-201",
            "family": "derechos-humanos",
            "title_es": "Niñez migrante",
            "title_en": "Migrant children",
        },
    )
    assert response.status_code == 302
    course = db.session.scalar(select(Course).filter_by(slug="ninez-migrante"))
    assert course.source == "web" and services.owner_ids(course) == {trainer.id}
    duplicate = client.post(
        "/autoria/cursos/nuevo",
        data={
            "slug": "ninez-migrante",
            "code": "DH-202",
            "family": "derechos-humanos",
            "title_es": "Otro",
        },
    )
    assert "Ya existe un curso con este nombre corto" in duplicate.get_data(as_text=True)
    summary = course_services.sync_courses(content_source.load())
    assert "ninez-migrante" not in summary.retired
    db.session.refresh(course)
    assert course.retired_at is None


def test_owners_limit_who_edits(course, client, login, trainer, reviewer):
    login(trainer)
    client.post(f"{BASE}/ajustes", data={"owners": [str(trainer.id)], "requires_review": "y"})
    assert services.owner_ids(course) == {trainer.id}
    login(reviewer)
    assert client.post(f"{BASE}/borrador").status_code == 403
    assert client.get(f"{BASE}/datos").status_code == 403
    assert client.get(BASE).status_code == 200  # may still read and review


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_images_are_checked_by_content_and_served_to_staff(
    course, client, login, trainer, app, tmp_path
):
    app.config["COURSE_IMAGES_DIR"] = str(tmp_path / "images")
    login(trainer)
    start(client)
    ok = client.post(
        f"{BASE}/imagenes",
        data={"image": (io.BytesIO(png_bytes()), "mapa.png"), "alt": "Mapa", "back": LESSON},
        follow_redirects=True,
    )
    image = db.session.scalar(select(CourseImage))
    assert image is not None and f"![Mapa](/medios/{image.filename})" in ok.get_data(as_text=True)
    served = client.get(f"/medios/{image.filename}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    served.close()
    fake = client.post(
        f"{BASE}/imagenes",
        data={"image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png"), "alt": "x"},
        follow_redirects=True,
    )
    assert "no es una imagen" in fake.get_data(as_text=True)
    big = client.post(
        f"{BASE}/imagenes",
        data={
            "image": (io.BytesIO(b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10)), "g.png"),
            "alt": "g",
        },
        follow_redirects=True,
    )
    assert "más de 2 MB" in big.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CourseImage)) == 1
    client.post("/cuenta/salir")
    assert client.get(f"/medios/{image.filename}").status_code == 302


def test_saving_a_lesson_unchanged_changes_nothing_a_reader_sees(course, client, login, trainer):
    """Checkbox lists come back in the form's order: the saved order must stay the author's."""
    login(trainer)
    start(client)
    draft = db.session.scalar(select(CourseDraft))
    before = draft.content["lessons"]["02-acceso"]
    page = client.get(f"{BASE}/lecciones/02-acceso").get_data(as_text=True)
    es, en = before["es"], before["en"]
    client.post(
        f"{BASE}/lecciones/02-acceso",
        data={
            "revision": revision_of(page),
            "title_es": es["title"],
            "objectives_es": "\n".join(es["objectives"]),
            "body_es": es["body"],
            "title_en": en["title"],
            "objectives_en": "\n".join(en["objectives"]),
            "body_en": en["body"],
            "estimated_minutes": before["estimated_minutes"],
            "legal_refs": sorted(before["legal_refs"], reverse=True),
            "review_notes": "\n".join(before["review_notes"]),
            "action": "save",
        },
    )
    db.session.refresh(draft)
    assert draft.content["lessons"]["02-acceso"] == before


def test_checkbox_lists_keep_the_authors_order():
    from courses.authoring import edits

    content = {"lessons": {"x": {"legal_refs": ["b", "a"], "es": {}}}}
    data = {
        "estimated_minutes": 5,
        "legal_refs": ["a", "b", "c"],
        "title_es": "T",
        "objectives_es": "O",
        "body_es": "B",
    }
    edits.set_lesson(content, {}, "x", data, False)
    assert content["lessons"]["x"]["legal_refs"] == ["b", "a", "c"]


def test_the_review_queue_lists_drafts_waiting_for_others(course, client, login, trainer, reviewer):
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client))
    client.post(f"{BASE}/pedir-revision")
    assert "Esperan su revisión" not in client.get("/autoria/").get_data(as_text=True)
    login(reviewer)
    page = client.get("/autoria/").get_data(as_text=True)
    assert "Esperan su revisión" in page and f'href="{BASE}"' in page


def test_a_draft_warns_when_a_newer_version_was_published_meanwhile(
    course, client, login, trainer, app, tmp_path, runner
):
    login(trainer)
    start(client)
    draft = db.session.scalar(select(CourseDraft))
    assert draft.base_version_id == course.current_version_id
    # The files change and are force-loaded while the draft is open.
    folder = tmp_path / "courses"
    shutil.copytree(DATA / "courses", folder)
    lesson = folder / "muestra-consular" / "lessons" / "02-acceso.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOtra línea.\n", encoding="utf-8")
    app.config["COURSES_CONTENT_DIR"] = str(folder)
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    assert "Se publicó una versión más reciente" in client.get(BASE).get_data(as_text=True)


def test_force_reloads_the_files_even_when_they_did_not_change(course, client, login, trainer):
    course.requires_review = False
    db.session.commit()
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client, body_es="## Web\n\nEditado en la web.\n"))
    assert publish(client).status_code == 302
    db.session.expire_all()
    summary = course_services.sync_courses(
        content_source.load(), force=frozenset({"muestra-consular"})
    )
    db.session.commit()
    db.session.expire_all()
    course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
    assert summary.new_versions == ["muestra-consular"]
    assert course.current_version.origin == "files" and course.diverged_at is None


def test_whoever_starts_a_rollback_cannot_approve_it(course, client, login, trainer, reviewer):
    course.requires_review = False
    db.session.commit()
    login(trainer)
    start(client)
    client.post(LESSON, data=lesson_form(client, body_es="## V2\n\nSegunda.\n"))
    publish(client)
    course.requires_review = True
    db.session.commit()
    login(reviewer)
    client.post(f"{BASE}/versiones/1/restaurar")
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.closed_at.is_(None)))
    client.post(f"{BASE}/revisar", data={"revision": draft.revision, "decision": "approve"})
    db.session.refresh(draft)
    assert reviewer.id in draft.editor_ids and draft.approved_by_id is None


def test_a_course_made_on_the_web_can_be_reopened_after_its_draft_was_discarded(
    client, login, trainer
):
    login(trainer)
    client.post(
        "/autoria/cursos/nuevo",
        data={
            "slug": "nuevo-curso",
            "code": "DH-301",
            "family": "derechos-humanos",
            "title_es": "Nuevo",
        },
    )
    client.post("/autoria/cursos/nuevo-curso/descartar")
    assert "Editar: iniciar un borrador" in client.get("/autoria/cursos/nuevo-curso").get_data(
        as_text=True
    )
    assert client.post("/autoria/cursos/nuevo-curso/borrador").status_code == 302
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.closed_at.is_(None)))
    assert draft is not None and draft.content["slug"] == "nuevo-curso"


def test_a_lesson_added_again_is_a_new_part(course, client, login, trainer):
    login(trainer)
    start(client)
    stale = lesson_form(client)  # opened before the lesson is removed and added again
    draft = db.session.scalar(select(CourseDraft))
    for data in (
        {"op": "remove_item", "module": "fundamentos", "index": "0"},
        {
            "op": "add_item",
            "module_id": "fundamentos",
            "kind": "lesson",
            "lesson_key": "01-notificacion",
            "lesson_title": "Otra lección",
        },
    ):
        db.session.refresh(draft)
        data["revision"] = str(drafts.part_revision(draft, "structure"))
        assert client.post(f"{BASE}/estructura", data=data).status_code == 302
    response = client.post(LESSON, data=stale)
    assert response.status_code == 200  # refused: the lesson changed since the form was opened
    db.session.refresh(draft)
    assert draft.content["lessons"]["01-notificacion"]["es"]["title"] == "Otra lección"
