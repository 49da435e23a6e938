"""Keyboard only: sign in, take and pass a quiz, play a simulation and submit its case record.

Every step moves the focus with Tab (never by script), so a control that the keyboard cannot
reach, or that does nothing on Enter, Space or the arrow keys, fails the test.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_simulation_journey import BEST
from tests.case_simulations.test_views import GOOD_SECTIONS
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

MAX_TABS = 600


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the keyboard never reaches {selector} on {page.url}")


def arrow_to(page: Page, text: str) -> None:
    """In the focused radio group, press the down arrow until the label holds ``text``."""
    for _ in range(20):
        label = page.evaluate("() => document.activeElement.labels?.[0]?.textContent || ''")
        if text in label:
            page.keyboard.press("Space")  # checked already by the arrow; Space keeps it
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no choice '{text}' in the radio group on {page.url}")


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/cuenta/entrar")
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/cuenta/entrar" not in page.url


def type_into(page: Page, selector: str, text: str) -> None:
    """Tab to a text field, clear it and type."""
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def pick(page: Page, selector: str, value: str) -> None:
    """Tab to a drop-down and move to the option ``value`` with the arrow keys."""
    tab_to(page, selector)
    steps = page.evaluate(
        """([s, v]) => {
            const el = document.activeElement;
            const target = [...el.options].findIndex(o => o.value === v);
            return target - el.selectedIndex;
        }""",
        [selector, value],
    )
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert page.evaluate("() => document.activeElement.value") == value, (selector, value)


def tick(page: Page, selector: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    tab_to(page, selector)
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")


def press(page: Page, selector: str) -> None:
    """Tab to a button or link and press Enter; wait for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_quiz_is_taken_and_passed_with_the_keyboard_alone(page: Page, live_server: str):
    sign_in(page, live_server, "navegador@ejemplo.hn")
    page.goto(live_server + "/evaluaciones/muestra-rapida")
    press(page, "form[action$='/comenzar'] button")
    for _question in range(10):
        expect(page.get_by_role("heading", level=1)).to_contain_text("Pregunta")
        if page.locator(".question input[type=radio]").count():
            tab_to(page, ".question input[type=radio]")
            arrow_to(page, "36 horas")
        else:
            tab_to(page, ".question input:not([type=hidden])")
            page.keyboard.type("36")
        finish = page.locator("button[name=go][value=finish]")
        if finish.count():
            press(page, "button[name=go][value=finish]")
            break
        press(page, "button[name=go][value=next]")
    expect(page.get_by_text("Todas las preguntas tienen respuesta.")).to_be_visible()
    press(page, "form[action$='/enviar'] button")
    expect(page.get_by_text("Aprobado")).to_be_visible()


def test_a_simulation_is_played_documented_and_submitted_with_the_keyboard_alone(
    page: Page, live_server: str
):
    sign_in(page, live_server, "navegador@ejemplo.hn")
    page.goto(live_server + "/simulaciones/muestra-reten")
    press(page, "form[action$='/comenzar'] button")
    for text in BEST:
        while not page.locator(".scene input[type=radio]").count():
            press(page, ".scene button[type=submit]")  # narrative: Continue
        tab_to(page, ".scene input[type=radio]")
        arrow_to(page, text)
        press(page, ".scene button[type=submit]")  # Confirm my choice
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Revisar y enviar el registro del caso"
    )

    # The case record, section by section, then submitted — still with the keyboard alone.
    save = "#record-form button[name=go][value=next]"
    press(page, "a[href$='/registro/caso']")
    pick(page, "#intake_channel", "walk_in")
    pick(page, "#priority", "020000000000")
    pick(page, "#confidentiality", "confidential")
    pick(page, "#setting", "consulate_private_room")
    for code in GOOD_SECTIONS["caso"]["information"]:
        tick(page, f"input[name=information][value={code}]")
    pick(page, "#scope-interview", "granted")
    pick(page, "#scope-share_mx_prosecutor", "granted")
    pick(page, "#scope-share_mx_comar", "granted")
    pick(page, "#scope-contact_family", "refused")
    press(page, save)
    expect(page.get_by_role("heading", level=1)).to_have_text("Personas")
    pick(page, "#P1-fear_of_return", "yes")
    tick(page, "#P2-included")
    pick(page, "#P2-counting_unit", "030000000000")
    tab_to(page, "#P2 summary")
    page.keyboard.press("Enter")  # opens the long list of perpetrator types
    tick(page, "input[name=P2-perpetrator_types][value=L-010104-MUN]")
    type_into(page, "#P2-features", "Uniforme azul; patrulla número 27.")
    press(page, save)
    expect(page.get_by_role("heading", level=1)).to_have_text("Evento y actos")
    type_into(page, "#title", "Cobro por agentes municipales en un retén, Huixtla, Chiapas")
    type_into(page, "#date-year", "2026")
    pick(page, "#date-month", "11")
    pick(page, "#date-type", "020000000000")
    pick(page, "#country", "MX")
    pick(page, "#region", "MX-CHP")
    type_into(page, "#municipality", "Huixtla")
    pick(page, "#acts-0-victim", "P1")
    pick(page, "#acts-0-type", "130104000000")
    type_into(page, "#acts-0-date-year", "2026")
    pick(page, "#acts-0-date-month", "11")
    pick(page, "#acts-0-date-type", "020000000000")
    press(page, save)
    expect(page.get_by_role("heading", level=1)).to_have_text("Participación en cada acto")
    pick(page, "#involvements-0-act", "0")
    pick(page, "#involvements-0-perpetrator", "P2")
    pick(page, "#involvements-0-degree", "010100000000")
    press(page, save)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fuentes y hechos")
    pick(page, "#sources-0-person", "P1")
    pick(page, "#sources-0-connection", "010100000000")
    pick(page, "#sources-0-reliability", "020000000000")
    press(page, save)
    pick(page, "#risk_level", "medium")
    press(page, save)
    pick(page, "#referrals-0-destination", "mx_comar")
    pick(page, "#referrals-0-priority", "020000000000")
    pick(page, "#referrals-0-status", "sent")
    type_into(page, "#referrals-0-follow_up", "2026-12-08")
    press(page, save)
    pick(page, "#standard", "allegation_recorded")
    pick(page, "#violation_status", "030000000000")
    type_into(
        page,
        "#summary",
        "Según Ana, en noviembre de 2026, en un retén cerca de Huixtla, dos agentes le quitaron "
        "2 000 pesos y su teléfono.",
    )
    type_into(page, "#next_steps", "Cita con COMAR; denuncia solo si ella lo decide.")
    press(page, "#record-form button[name=go][value=summary]")
    expect(page.get_by_text("suficientemente completo")).to_be_visible()
    press(page, "form[action$='/enviar'] button")
    expect(page.get_by_role("heading", level=1)).to_have_text("Informe de su caso")
