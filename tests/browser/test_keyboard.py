"""Keyboard only: sign in, take and pass a quiz, play a simulation's interview — no mouse.

Every step moves the focus with Tab (never by script), so a control that the keyboard cannot
reach, or that does nothing on Enter, Space or the arrow keys, fails the test.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_simulation_journey import BEST
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

MAX_TABS = 250


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


def test_a_simulation_interview_is_played_with_the_keyboard_alone(page: Page, live_server: str):
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
