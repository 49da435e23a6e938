"""Every page of the journeys, in Spanish and English: WCAG 2.1 A and AA (axe-core), no third party.

axe-core comes from npm (tests/browser/package.json, installed by `make browser-deps`); it is
injected by Playwright into a context opened with ``bypass_csp``, since the app's policy rightly
forbids inline scripts. The app never serves it.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Course
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make browser-deps` (npm ci in tests/browser)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def certified(served_app):
    """The learner has finished the sample course and holds its certificate."""
    with served_app.app_context():
        user = db.session.scalar(select(User).filter_by(email="navegador@ejemplo.hn"))
        course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
        enrollment = course_services.enroll(course, user)
        for item in enrollment.version.items:
            if not item.is_optional:
                course_services.complete_item(enrollment, item, user)
        db.session.commit()
        cert = db.session.scalar(select(Certificate).filter_by(user_id=user.id))
        return {"serial": cert.serial, "code": cert.code}


class Auditor:
    """Runs axe on pages and keeps every violation, named by page."""

    def __init__(self, page: Page, source: str):
        self.page, self.source, self.found, self.pages = page, source, [], 0

    def check(self, label: str) -> None:
        self.page.wait_for_load_state("domcontentloaded")
        self.page.add_script_tag(content=self.source)
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
        )
        self.pages += 1
        for violation in result["violations"]:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            self.found.append(
                f"{label} {self.page.url}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} — {targets}"
            )

    def visit(self, url: str, label: str | None = None) -> None:
        self.page.goto(url)
        self.check(label or url)


def go(locator) -> None:
    """Click a button or link that leads to another page, and wait for that page."""
    with locator.page.expect_navigation():
        locator.click()


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/cuenta/entrar")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEFAULT_PASSWORD)
    go(page.locator("#contenido button[type=submit]"))
    assert "/cuenta/entrar" not in page.url


def set_language(page: Page, base: str, language: str) -> None:
    page.goto(base + "/inicio")
    page.locator("#header-language").select_option(language)
    go(page.locator(".lang-form button[type=submit]"))


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_journey_page_has_no_wcag_violation(
    browser: Browser, live_server: str, axe_source: str, certified: dict, language: str
):
    base = live_server
    found, pages = [], 0

    requested: set[str] = set()

    def session(email: str | None):
        context = browser.new_context(bypass_csp=True, locale="es-MX")
        context.on("request", lambda request: requested.add(request.url))
        page = context.new_page()
        if email:
            log_in(page, base, email)
            set_language(page, base, language)
            assert page.locator("html").get_attribute("lang") == language
        return context, Auditor(page, axe_source)

    # Anonymous visitors: home, sign in, password help, public verification.
    context, audit = session(None)
    for path in ("/", "/cuenta/entrar", "/cuenta/olvide-contrasena", "/certificados/verificar"):
        audit.visit(base + path)
    audit.visit(f"{base}/certificados/verificar/{certified['code']}", "verified certificate")
    found += audit.found
    pages += audit.pages
    context.close()

    # Learner: catalogue, course, lessons, quiz, simulation, certificates, profile.
    context, audit = session("navegador@ejemplo.hn")
    page = audit.page
    for path in ("/inicio", "/cursos/", "/cursos/muestra-consular", "/certificados/"):
        audit.visit(base + path)
    audit.visit(base + "/cursos/muestra-consular/lecciones/03-registro", "lesson")
    audit.visit(base + "/cuenta/perfil")
    audit.visit(base + "/evaluaciones/muestra-rapida", "quiz intro")
    go(page.locator("form[action$='/comenzar'] button"))
    for number in range(1, 10):
        audit.check(f"quiz question {number}")
        choice = page.locator(".question input[type=radio], .question input[type=checkbox]")
        if choice.count():
            choice.first.check()
        else:
            page.locator(".question input[type=text], .question input[inputmode]").first.fill("36")
        go(page.locator("button[name=go][value=check]"))
        audit.check(f"quiz feedback {number}")
        finish = page.locator("button[name=go][value=finish]")
        if finish.count():
            go(finish)
            break
        go(page.locator("button[name=go][value=next]"))
    audit.check("quiz summary")
    go(page.locator("form[action$='/enviar'] button"))
    audit.check("quiz result")
    audit.visit(base + "/simulaciones/")
    audit.visit(base + "/simulaciones/muestra-reten", "simulation briefing")
    go(page.locator("form[action$='/comenzar'] button"))
    audit.check("simulation node")
    found += audit.found
    pages += audit.pages
    context.close()

    # Trainer: authoring, question form, review queue, item analysis, scenario map.
    context, audit = session("formadora@ejemplo.hn")
    for path in (
        "/autoria/",
        "/autoria/cursos/muestra-consular",
        "/autoria/bancos/",
        "/autoria/bancos/muestra",
        "/autoria/evaluaciones/",
        "/autoria/simulaciones/",
        "/autoria/simulaciones/muestra-reten",
        "/simulaciones/revision",
        "/simulaciones/muestra-reten/mapa",
        "/evaluaciones/muestra-rapida/analisis",
    ):
        audit.visit(base + path)
    audit.page.goto(base + "/autoria/bancos/muestra")
    go(audit.page.locator("form[action$='/borrador'] button"))
    audit.visit(base + "/autoria/bancos/muestra/preguntas/plazo-estacion/formulario", "q form")
    audit.visit(base + "/autoria/bancos/muestra/preguntas/nueva/formulario?tipo=numeric&id=n")
    audit.visit(base + "/autoria/bancos/muestra/preguntas/plazo-estacion", "question YAML")
    found += audit.found
    pages += audit.pages
    context.close()

    # HR: dashboard, drill-down, requirements, person.
    context, audit = session("rrhh@ejemplo.hn")
    for path in ("/rrhh/", "/rrhh/requisitos", "/certificados/gestion"):
        audit.visit(base + path)
    audit.page.goto(base + "/rrhh/")
    link = audit.page.locator("a[href*='/rrhh/oficina/']").first
    if link.count():
        go(link)
        audit.check("office drill-down")
    found += audit.found
    pages += audit.pages
    context.close()

    # Admin: users, the new-user form, offices, audit log.
    context, audit = session("admin@ejemplo.hn")
    for path in ("/admin/usuarios", "/admin/usuarios/nuevo", "/admin/oficinas", "/admin/auditoria"):
        audit.visit(base + path)
    found += audit.found
    pages += audit.pages
    context.close()

    assert pages >= 30
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    others = sorted(u for u in requested if not u.startswith((base + "/", "data:", "about:")))
    assert not others, f"requests to another origin: {others}"


def test_axe_finds_what_it_should(browser: Browser, axe_source: str):
    """The check itself works: a page with known faults is reported."""
    context = browser.new_context(bypass_csp=True)
    audit = Auditor(context.new_page(), axe_source)
    audit.page.set_content("<html><body><img src='x.png'><input type=text></body></html>")
    audit.check("faulty page")
    context.close()
    assert {f.split(": ")[1].split(" ")[0] for f in audit.found} >= {"image-alt", "label"}
