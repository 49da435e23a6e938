"""A learner logs in, enrols, reads lessons and keeps their place — in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page: Page, base: str) -> None:
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Correo electrónico").fill("navegador@ejemplo.hn")
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Rosa Navegadora")


def test_learner_enrols_reads_a_lesson_and_resumes(page: Page, live_server: str):
    log_in(page, live_server)
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Cursos").click()
    page.get_by_role("link", name="Curso de muestra: notificación consular").click()
    page.get_by_role("button", name="Inscribirme y comenzar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("La notificación consular")
    expect(page.get_by_role("heading", name="Referencias legales")).to_be_visible()
    expect(page.get_by_text("CVRC, Art. 36").first).to_be_visible()
    # The glossary term links to its definition on the same page, no JavaScript needed.
    page.locator(".lesson-body").get_by_role("link", name="notificación consular").click()
    expect(page).to_have_url(re.compile(r"#g-notificacion-consular$"))

    page.get_by_role("button", name="Marcar como terminada y continuar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comunicación y acceso")
    expect(page.get_by_text("33% completado (1 de 3)")).to_be_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    log_in(page, live_server)
    page.get_by_role("link", name="Curso de muestra: notificación consular").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comunicación y acceso")


def test_learner_reads_in_english_with_spanish_fallback(page: Page, live_server: str):
    log_in(page, live_server)
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar").click()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Sample course: consular notification").click()
    page.get_by_role("button", name="Enrol and start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consular notification")
    page.goto(live_server + "/cursos/muestra-consular/lecciones/03-registro")
    expect(page.get_by_text("not translated into English yet")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrar el caso")
