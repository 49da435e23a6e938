"""Certificates and accounts in a real browser.

A learner finishes a course, downloads the certificate and anyone verifies it; an admin adds a
user.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from courses import services as course_services
from courses.models import Course
from tests.browser.test_learner_journey import log_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def test_learner_finishes_downloads_the_certificate_and_it_verifies(
    page: Page, live_server: str, served_app, tmp_path
):
    # Everything but the last required item is done already (the other journeys walk them).
    with served_app.app_context():
        user = db.session.scalar(select(User).filter_by(email="navegador@ejemplo.hn"))
        course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
        enrollment = course_services.enroll(course, user)
        required = [i for i in enrollment.version.items if not i.is_optional]
        lessons = [i for i in required if i.kind == "lesson"]
        last = lessons[-1]
        for item in required:
            if item.id != last.id:
                course_services.complete_item(enrollment, item, user)
        db.session.commit()
        last_key = last.ref

    log_in(page, live_server)
    page.goto(f"{live_server}/cursos/muestra-consular/lecciones/{last_key}")
    page.get_by_role("button", name=re.compile("Marcar como terminada")).click()
    page.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name="Certificados"
    ).click()
    row = page.get_by_role("row").filter(has_text="Curso de muestra")
    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "certificado.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    public = row.get_by_role("link", name="Página pública").get_attribute("href")

    # Anyone, signed out, verifies it on the public page.
    page.get_by_role("button", name="Cerrar sesión").click()
    page.goto(live_server + public)
    expect(page.get_by_role("heading", level=2)).to_have_text("Válido")
    expect(page.get_by_text("R*** N*********")).to_be_visible()  # the public page masks names
    expect(page.get_by_text("Curso de muestra: notificación consular")).to_be_visible()


def test_admin_creates_a_user_who_can_sign_in(page: Page, live_server: str, served_app):
    page.goto(live_server + "/cuenta/entrar")
    page.get_by_label("Correo electrónico").fill("admin@ejemplo.hn")
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.goto(live_server + "/admin/usuarios/nuevo")
    page.get_by_label("Correo electrónico").fill("nueva@ejemplo.hn")
    page.get_by_label("Nombre", exact=True).fill("Nora Nueva")
    page.get_by_label("Oficina").select_option(label="Consulado de Honduras en Tapachula")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Se creó la cuenta de nueva@ejemplo.hn")).to_be_visible()
    page.goto(live_server + "/admin/usuarios")
    expect(page.get_by_role("rowheader", name="Nora Nueva")).to_be_visible()
    with served_app.app_context():
        assert db.session.scalar(select(User).filter_by(email="nueva@ejemplo.hn")).is_active
