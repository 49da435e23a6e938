"""A learner takes a quiz with immediate feedback and passes it — in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_learner_journey import log_in

pytestmark = pytest.mark.browser


def test_learner_takes_and_passes_a_quiz(page: Page, live_server: str):
    log_in(page, live_server)
    page.goto(live_server + "/evaluaciones/muestra-rapida")
    page.get_by_role("button", name="Comenzar el intento 1").click()
    for _question in range(2):
        expect(page.get_by_role("heading", level=1)).to_contain_text("Pregunta")
        if page.get_by_label("36 horas").count():
            page.get_by_label("36 horas").check()
        else:
            page.get_by_role("textbox").fill("36")
        page.get_by_role("button", name="Comprobar mi respuesta").click()
        expect(page.get_by_text("Respuesta correcta:")).to_be_visible()
        expect(page.get_by_text("Referencias legales:")).to_be_visible()
        last = page.get_by_role("button", name="Guardar y revisar mis respuestas")
        (last if last.count() else page.get_by_role("button", name="Guardar y continuar")).click()
    expect(page.get_by_text("Todas las preguntas tienen respuesta.")).to_be_visible()
    page.get_by_role("button", name="Enviar para calificar").click()
    expect(page.get_by_text("Aprobado")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Puntuación")).to_have_attribute("value", "100.0")
