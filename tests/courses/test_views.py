"""Learner pages: catalogue, course, enrolment, lessons in two languages, progress, print."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.markdown import render_markdown
from courses import services
from courses.models import Enrollment, ItemProgress
from tests.factories import DEFAULT_PASSWORD

LESSON = "/cursos/muestra-consular/lecciones/01-notificacion"


def test_catalogue_lists_and_filters(course, client, login, learner):
    login(learner)
    page = client.get("/cursos/").get_data(as_text=True)
    assert "Curso de muestra: notificación consular" in page
    assert "muestra-consular" in client.get("/cursos/?familia=derechos-humanos").get_data(
        as_text=True
    )
    assert "muestra-consular" not in client.get("/cursos/?familia=ley-mexicana").get_data(
        as_text=True
    )
    # One lesson has no English version, so the course is not offered as English.
    assert "muestra-consular" not in client.get("/cursos/?idioma=en").get_data(as_text=True)
    assert client.get("/cursos/?familia=%3Cscript%3E&idioma=zz").status_code == 200


def test_enrol_then_double_submit_is_harmless(course, client, login, learner):
    login(learner)
    assert "Inscribirme y comenzar" in client.get("/cursos/muestra-consular").get_data(as_text=True)
    first = client.post("/cursos/muestra-consular/inscribirse")
    second = client.post("/cursos/muestra-consular/inscribirse")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"].endswith("/cursos/muestra-consular/continuar")
    assert len(db.session.scalars(select(Enrollment)).all()) == 1


def test_lesson_needs_enrolment(course, client, login, learner):
    login(learner)
    response = client.get(LESSON)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cursos/muestra-consular"


def test_lesson_page_in_spanish(enrolled, client):
    page = client.get(LESSON).get_data(as_text=True)
    assert "<h1>La notificación consular</h1>" in page
    assert "<strong>sin dilación</strong>" in page
    assert "Referencias legales" in page and "CVRC, Art. 36" in page
    assert 'href="#g-notificacion-consular"' in page and 'id="g-notificacion-consular"' in page
    assert "<table>" in page
    assert "Marcar como terminada y continuar" in page


def test_lesson_page_in_english_and_spanish_fallback(enrolled, client):
    client.post("/idioma", data={"language": "en", "next": "/"})
    page = client.get(LESSON).get_data(as_text=True)
    assert "<h1>Consular notification</h1>" in page and "VCCR, Art. 36" in page
    fallback = client.get("/cursos/muestra-consular/lecciones/03-registro").get_data(as_text=True)
    assert "<h1>Registrar el caso</h1>" in fallback
    assert "not translated into English yet" in fallback
    assert 'lang="es"' in fallback


def test_mark_done_advances_records_progress_and_completes(enrolled, client, course):
    keys = ["01-notificacion", "02-acceso", "03-registro"]
    for index, key in enumerate(keys):
        response = client.post(f"/cursos/muestra-consular/lecciones/{key}/completar")
        if index + 1 < len(keys):
            assert response.headers["Location"].endswith(keys[index + 1])
    assert response.headers["Location"] == "/cursos/muestra-consular"
    page = client.get("/cursos/muestra-consular").get_data(as_text=True)
    assert "Terminado el" in page and "100%" in page
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.completed_at is not None
    # Marking again changes nothing.
    client.post("/cursos/muestra-consular/lecciones/01-notificacion/completar")
    assert len(db.session.scalars(select(ItemProgress)).all()) == 3


def test_resume_after_logout_and_login(enrolled, client):
    client.get("/cursos/muestra-consular/lecciones/02-acceso")
    client.post("/cuenta/salir")
    client.post("/cuenta/entrar", data={"email": enrolled.email, "password": DEFAULT_PASSWORD})
    response = client.get("/cursos/muestra-consular/continuar")
    assert response.headers["Location"].endswith("/lecciones/02-acceso")


def test_home_shows_my_learning_with_progress(enrolled, client):
    client.post("/cursos/muestra-consular/lecciones/01-notificacion/completar")
    page = client.get("/inicio").get_data(as_text=True)
    assert "Mi aprendizaje" in page and "Curso de muestra" in page
    assert "33% completado (1 de 3)" in page


def test_unknown_course_and_lesson_are_404(enrolled, client):
    assert client.get("/cursos/no-existe").status_code == 404
    assert client.get("/cursos/muestra-consular/lecciones/no-existe").status_code == 404
    assert client.get("/cursos/" + "x" * 200).status_code == 404


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "[clic](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "[x](JaVaScRiPt:alert(1))",
        "![img](javascript:alert(1))",
        "<iframe src='https://malo.example'></iframe>",
    ],
)
def test_markdown_renders_hostile_input_inert(markdown):
    html = str(render_markdown(markdown))
    assert_inert(html)
    assert "<img" not in html


def test_hostile_lesson_renders_inert_on_the_page(enrolled, client, course):
    lesson = course.current_version.items[0].lesson
    lesson.body_es = '<script>alert(1)</script> [x](javascript:alert(1)) <b onmouseover="x">y</b>'
    db.session.commit()
    assert_inert(client.get(LESSON).get_data(as_text=True))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """No script-capable element, no event handler, no javascript: URL survives."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "object", "embed"}, tag
        if tag == "img":
            assert attrs.get("src", "").startswith("/static/"), attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:")


def _count_queries(app, client, path):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def test_lesson_page_runs_a_bounded_number_of_queries(app, enrolled, client, tmp_path):
    small = _count_queries(app, client, LESSON)
    # A course ten times larger costs the same number of queries.
    import shutil

    from courses.loader import load_all
    from tests.courses.test_loader import REFS, SAMPLE, edit

    root = tmp_path / "courses"
    shutil.copytree(SAMPLE, root / "grande")
    edit(root / "grande" / "course.yaml", "slug: muestra-consular", "slug: grande")
    edit(root / "grande" / "course.yaml", "code: TEST-001", "code: TEST-999")
    extra = ""
    for number in range(40):
        key = f"extra-{number:02d}"
        (root / "grande" / "lessons" / f"{key}.md").write_text(
            f"---\ntitle: Extra {number}\nobjectives: [Leer]\nestimated_minutes: 1\n"
            f"legal_refs: [vccr-art36]\n---\n## Extra\n\nTexto {number}.\n",
            encoding="utf-8",
        )
        extra += f"      - lesson: {key}\n"
    edit(
        root / "grande" / "course.yaml",
        "      - lesson: 03-registro\n",
        "      - lesson: 03-registro\n" + extra,
    )
    services.sync_courses(load_all(root, REFS) + [])
    from courses.models import Course

    big = db.session.scalar(select(Course).filter_by(slug="grande"))
    services.enroll(big, enrolled)
    db.session.commit()
    large = _count_queries(app, client, "/cursos/grande/lecciones/extra-20")
    assert large == small
    assert small <= 12


@pytest.mark.slow
def test_printable_course_is_a_pdf(enrolled, client):
    response = client.get("/cursos/muestra-consular/imprimir")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")


def test_glossary_links_survive_backslashes_quotes_and_code(course):
    from courses.pages import GlossaryEntry, render_body

    glossary = {"t": GlossaryEntry("t", "término", 'Dice "hola" y termina en \\')}
    html = str(render_body("Un [[t]] y `[[t]]` y [[t|**x**]].", glossary))
    assert html.count('href="#g-t"') == 2
    assert "<code>[[t]]</code>" in html
    assert "[[" not in html.replace("<code>[[t]]</code>", "")


def test_assigned_courses_have_their_own_section(enrolled, client, course):
    enrollment = db.session.scalar(select(Enrollment))
    enrollment.source = "assigned"
    db.session.commit()
    page = client.get("/inicio").get_data(as_text=True)
    assert "Asignados a usted" in page
    assert 'aria-label="Avance: Curso de muestra' in page
