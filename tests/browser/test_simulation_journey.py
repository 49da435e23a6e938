"""A case simulation in a real browser, from the briefing to the trainer's review.

A learner plays, documents the case, leaves and resumes, submits and sees the report; a trainer
reviews it; the learner sees the final result. An English speaker plays and is told, in English,
what is missing.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.case_simulations.test_views import GOOD_SECTIONS
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

BEST = [
    "Pedir con cortesía hablar a solas con Ana en la sala privada.",
    "Explicar propósito, usos, derechos y límites, y pedir consentimiento por separado",
    "«Cuénteme lo que pasó, empezando donde usted quiera.»",
    "«Describa a las personas que la detuvieron.»",
    "«¿Qué pasaría si usted regresara a Honduras?»",
    "Acordar los próximos pasos, sin prometer resultados.",
]


def log_in(page: Page, base: str, email: str, heading: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Cerrar sesión|Log out")).click()


def choose(page: Page, text: str, confirm="Confirmar mi elección", go_on="Continuar") -> None:
    """Continue through narrative pages, then pick the choice whose text starts with ``text``."""
    while not page.get_by_role("radio").count():
        page.get_by_role("button", name=go_on).click()
    page.get_by_label(text, exact=False).check()
    page.get_by_role("button", name=confirm).click()


def test_learner_plays_documents_resumes_submits_and_trainer_reviews(page: Page, live_server: str):
    log_in(page, live_server, "navegador@ejemplo.hn", "Hola, Rosa Navegadora")
    page.get_by_role("link", name="Simulaciones").click()
    page.get_by_role("link", name="Muestra: el retén").click()
    expect(
        page.get_by_text("Todas las personas y los lugares de esta simulación son ficticios.")
    ).to_be_visible()
    page.get_by_role("button", name="Comenzar la entrevista").click()
    for text in BEST[:2]:
        choose(page, text)
    expect(page.locator(".notebook-list").get_by_text("que su caso se comparta")).to_be_visible()

    # Leave, come back from the home page, and carry on where the interview stopped.
    page.goto(live_server + "/inicio")
    page.get_by_role("link", name="Muestra: el retén").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("El relato")
    for text in BEST[2:]:
        choose(page, text)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Revisar y enviar el registro del caso"
    )

    # The record, section by section.
    page.get_by_role("link", name="Caso, entrevista y consentimiento").first.click()
    page.locator("#intake_channel").select_option("walk_in")
    page.locator("#priority").select_option("020000000000")
    page.locator("#confidentiality").select_option("confidential")
    page.locator("#setting").select_option("consulate_private_room")
    for code in GOOD_SECTIONS["caso"]["information"]:
        page.locator(f"input[name=information][value={code}]").check()
    page.locator("#scope-interview").select_option("granted")
    page.locator("#scope-share_mx_prosecutor").select_option("granted")
    page.locator("#scope-share_mx_comar").select_option("granted")
    page.locator("#scope-contact_family").select_option("refused")
    page.get_by_role("button", name="Guardar y continuar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Personas")
    page.locator("#P1-fear_of_return").select_option("yes")
    page.locator("#P2-included").check()
    page.locator("#P2-counting_unit").select_option("030000000000")
    page.locator("#P2 summary").filter(has_text="Tipo de perpetrador").click()  # a long list
    page.locator("input[name=P2-perpetrator_types][value=L-010104-MUN]").check()
    page.locator("#P2-features").fill("Uniforme azul; patrulla número 27.")
    page.get_by_role("button", name="Guardar y continuar").click()

    # Leave in the middle of the record and come back: nothing is lost.
    page.get_by_role("link", name="Simulaciones").click()
    page.get_by_role("link", name="Muestra: el retén").click()
    page.get_by_role("link", name="Continuar mi intento").click()
    page.get_by_role("link", name="Personas").click()
    expect(page.locator("#P2-features")).to_have_value("Uniforme azul; patrulla número 27.")
    page.get_by_role("button", name="Guardar y continuar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Evento y actos")
    page.locator("#title").fill("Cobro por agentes municipales en un retén, Huixtla, Chiapas")
    page.locator("#date-year").fill("2026")
    page.locator("#date-month").select_option("11")
    page.locator("#date-type").select_option("020000000000")
    page.locator("#country").select_option("MX")
    page.locator("#region").select_option("MX-CHP")
    page.locator("#municipality").fill("Huixtla")
    page.locator("#acts-0-victim").select_option("P1")
    page.locator("#acts-0-type").select_option("130104000000")
    page.locator("#acts-0-date-year").fill("2026")
    page.locator("#acts-0-date-month").select_option("11")
    page.locator("#acts-0-date-day").fill("31")  # November has 30 days
    page.locator("#acts-0-date-type").select_option("exact")
    page.get_by_role("button", name="Guardar y continuar").click()
    expect(page.get_by_text("Esa fecha no existe")).to_be_visible()  # kept, and explained
    expect(page.locator("#title")).to_have_value(
        "Cobro por agentes municipales en un retén, Huixtla, Chiapas"
    )
    page.locator("#acts-0-date-day").fill("")
    page.locator("#acts-0-date-type").select_option("020000000000")
    page.get_by_role("button", name="Guardar y continuar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Participación en cada acto")
    page.locator("#involvements-0-act").select_option("0")
    page.locator("#involvements-0-perpetrator").select_option("P2")
    page.locator("#involvements-0-degree").select_option("010100000000")
    page.get_by_role("button", name="Guardar y continuar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Fuentes y hechos")
    page.locator("#sources-0-person").select_option("P1")
    page.locator("#sources-0-connection").select_option("010100000000")
    page.locator("#sources-0-reliability").select_option("020000000000")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.locator("#risk_level").select_option("medium")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.locator("#referrals-0-destination").select_option("mx_comar")
    page.locator("#referrals-0-priority").select_option("020000000000")
    page.locator("#referrals-0-status").select_option("sent")
    page.locator("#referrals-0-follow_up").fill("2026-12-08")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.locator("#standard").select_option("allegation_recorded")
    page.locator("#violation_status").select_option("030000000000")
    page.locator("#summary").fill(
        "Según Ana, en noviembre de 2026, en un retén cerca de Huixtla, "
        "dos agentes le quitaron 2 000 pesos y su teléfono."
    )
    page.locator("#next_steps").fill("Cita con COMAR; denuncia solo si ella lo decide.")
    page.locator("#record-form").get_by_role("button", name="Guardar y revisar el registro").click()

    expect(page.get_by_text("suficientemente completo")).to_be_visible()
    page.get_by_role("button", name="Enviar el registro del caso").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Informe de su caso")
    expect(page.get_by_text("Pendiente de revisión").first).to_be_visible()
    expect(page.get_by_role("img", name="Puntuación por criterio")).to_be_visible()
    log_out(page)

    # A trainer reviews it.
    log_in(page, live_server, "formadora@ejemplo.hn", "Hola, Marta Formadora")
    page.get_by_role("link", name="Revisiones").first.click()
    page.get_by_role("link", name="Revisar").first.click()
    expect(page.get_by_text("Cobro por agentes municipales en un retén").first).to_be_visible()
    for code in ("c8", "c10", "c11", "c12"):
        page.locator(f"input[name={code}][value='2']").check()
    page.locator("#feedback").fill("Registro claro; faltó derivar a la fiscalía con su acuerdo.")
    page.get_by_role("button", name="Guardar la revisión").click()
    expect(page.get_by_text("Revisión guardada")).to_be_visible()
    log_out(page)

    # The learner sees the final result.
    log_in(page, live_server, "navegador@ejemplo.hn", "Hola, Rosa Navegadora")
    page.goto(live_server + "/simulaciones/muestra-reten")
    page.locator("table").get_by_role("link").first.click()
    expect(page.get_by_text("Puntuación final")).to_be_visible()
    expect(page.get_by_text("faltó derivar a la fiscalía")).to_be_visible()


def test_an_english_speaker_plays_documents_and_submits_in_english(page: Page, live_server: str):
    log_in(page, live_server, "reader@ejemplo.hn", "Hello, Ruth Reader")
    page.goto(live_server + "/simulaciones/muestra-reten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sample: the checkpoint")
    page.get_by_role("button", name="Start the interview").click()
    choose(page, "Politely ask to speak with Ana alone", "Confirm my choice", "Continue")
    expect(page.get_by_text("The companion goes to the waiting room.")).to_be_visible()
    for text in BEST[1:]:
        choose(page, text, "Confirm my choice", "Continue")
    expect(page.get_by_text("two uniformed officers took 2,000 pesos")).to_be_visible()
    page.get_by_role("button", name="Submit the case record").click()
    expect(page.get_by_text("The record cannot be sent yet")).to_be_visible()
    expect(page.get_by_text("Record whether the person consented to the interview")).to_be_visible()

    page.get_by_role("link", name="Case, interview and consent").first.click()
    page.locator("#intake_channel").select_option("walk_in")
    page.locator("#priority").select_option("020000000000")
    page.locator("#confidentiality").select_option("confidential")
    page.locator("input[name=information][value=purpose]").check()
    page.locator("#scope-interview").select_option("granted")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.locator("#P1-fear_of_return").select_option("yes")
    page.get_by_role("button", name="Save and continue").click()
    page.locator("#title").fill("Shakedown at a checkpoint, Huixtla, Chiapas")
    page.locator("#date-year").fill("2026")
    page.locator("#date-type").select_option("030000000000")
    page.locator("#country").select_option("MX")
    page.locator("#region").select_option("MX-CHP")
    page.locator("#acts-0-victim").select_option("P1")
    page.locator("#acts-0-type").select_option("130104000000")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # involvement: none known
    page.locator("#sources-0-person").select_option("P1")
    page.locator("#sources-0-connection").select_option("010100000000")
    page.get_by_role("button", name="Save and continue").click()
    page.locator("#risk_level").select_option("medium")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # referrals: none
    page.locator("#standard").select_option("allegation_recorded")
    page.locator("#summary").fill("According to Ana, officers at a checkpoint took her money.")
    page.locator("#next_steps").fill("She will decide whether to file a complaint.")
    page.locator("#record-form").get_by_role("button", name="Save and check the record").click()
    expect(page.get_by_text("complete enough to submit")).to_be_visible()
    page.get_by_role("button", name="Submit the case record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your case report")
    expect(page.get_by_text("Pending review").first).to_be_visible()
    expect(page.get_by_text("Referral missing").first).to_be_visible()
