"""A trainer edits a lesson in a draft, previews it, a second trainer approves, it is published."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/cuenta/entrar")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_a_lesson_goes_from_draft_to_review_to_a_new_version(page: Page, live_server: str):
    log_in(page, live_server, "formadora@ejemplo.hn")
    page.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name="Autoría"
    ).click()
    page.get_by_role("link", name="Curso de muestra: notificación consular").click()
    page.get_by_role("button", name="Editar: iniciar un borrador").click()
    page.get_by_role("link", name="La notificación consular", exact=True).click()

    body = page.locator("#body_es")
    body.fill(body.input_value() + "\n\nEl plazo es **sin dilación**. <script>alert(1)</script>\n")
    page.get_by_role("button", name="Vista previa sin guardar").click()
    preview = page.get_by_role("region", name="Vista previa (sin guardar)")
    expect(preview.get_by_text("<script>alert(1)</script>").first).to_be_visible()  # inert text
    page.get_by_role("button", name="Guardar en el borrador").click()
    expect(page.get_by_text("Lección guardada en el borrador.")).to_be_visible()
    expect(page.get_by_text("Inglés desactualizado")).to_be_visible()

    page.get_by_role("link", name="Publicar").first.click()
    expect(page.get_by_text("otra persona formadora debe aprobar el borrador")).to_be_visible()
    page.get_by_role("link", name="Volver al borrador").click()
    page.get_by_role("button", name="Pedir la revisión de otra persona formadora").click()
    expect(page.get_by_text("Revisión pedida")).to_be_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    log_in(page, live_server, "revisora@ejemplo.hn")
    page.goto(live_server + "/autoria/")
    page.get_by_role("region", name="Esperan su revisión").get_by_role("link").click()
    page.get_by_label("Comentario para quienes lo redactan").fill("Correcto.")
    page.get_by_role("button", name="Aprobar este borrador").click()
    expect(page.get_by_text("Borrador aprobado")).to_be_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    log_in(page, live_server, "formadora@ejemplo.hn")
    page.goto(live_server + "/autoria/cursos/muestra-consular/publicar")
    page.get_by_label("Qué cambió").fill("Precisa el plazo de la notificación.")
    page.get_by_role("button", name="Publicar como versión").click()
    expect(page.get_by_text("Versión 2 publicada")).to_be_visible()
    expect(page.get_by_role("cell", name="Precisa el plazo de la notificación.")).to_be_visible()


def test_a_question_is_written_in_the_form_previewed_and_saved(page: Page, live_server: str):
    log_in(page, live_server, "formadora@ejemplo.hn")
    page.goto(live_server + "/autoria/bancos/muestra")
    page.get_by_role("button", name="Editar: iniciar un borrador").click()
    page.get_by_label("Tipo").select_option(label="Verdadero o falso")
    page.get_by_label("Id", exact=True).fill("plazo-36-vf")
    page.get_by_role("button", name="Redactar la pregunta").click()

    page.get_by_label("Pregunta en español").fill(
        "La persona puede permanecer más de 36 horas en una estación migratoria."
    )
    page.get_by_label("Pregunta en inglés").fill(
        "A person may be held in a migration station for more than 36 hours."
    )
    page.get_by_label("Falso", exact=True).check()
    page.get_by_label("Retroalimentación para «verdadero», en español").fill(
        "No: desde el AR 388/2022 el máximo es de 36 horas."
    )
    page.get_by_label("Etiquetas").fill("detencion")
    page.get_by_role("button", name="Vista previa en inglés").click()
    preview = page.get_by_role("region", name="Vista previa")
    expect(preview.get_by_text("more than 36 hours")).to_be_visible()
    expect(preview.get_by_text("Respuesta correcta: Falso")).to_be_visible()

    page.get_by_role("button", name="Comprobar y guardar en el borrador").click()
    expect(page.get_by_text("Pregunta guardada en el borrador.")).to_be_visible()
    expect(page.get_by_label("Pregunta en inglés")).to_have_value(
        "A person may be held in a migration station for more than 36 hours."
    )
    page.get_by_role("link", name="muestra").click()
    expect(page.get_by_role("cell", name="plazo-36-vf detencion")).to_be_visible()
