"""Page weight: the lesson, course and quiz pages each transfer at most 30 KB on a first visit.

A first visit means an empty cache: each page is opened in a new browser context that only
carries the signed-in session cookie. Everything the page loads counts (HTML, CSS, JavaScript,
fonts, images), headers included, as Chromium reports it. Moodle's course page transfers
about 1.2 MB (reference/lms_peers.md).
"""

import pytest
from playwright.sync_api import Browser

from tests.browser.test_accessibility import go, log_in

pytestmark = pytest.mark.browser

BUDGET = 30 * 1024
PAGES = {
    "course": "/cursos/muestra-consular",
    "lesson": "/cursos/muestra-consular/lecciones/03-registro",
    "quiz": "/evaluaciones/muestra-rapida",
}


def first_visit(browser: Browser, base: str, state: dict, path: str) -> tuple[int, list]:
    """Bytes transferred by every request of one page load in a fresh context."""
    context = browser.new_context(storage_state=state)
    page = context.new_page()
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request))
    page.goto(base + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    rows = []
    for request in loaded:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        rows.append((request.url.removeprefix(base), size))
    context.close()
    return sum(size for _url, size in rows), rows


def test_course_lesson_and_quiz_pages_weigh_at_most_30_kb(browser: Browser, live_server: str):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server, "navegador@ejemplo.hn")
    page.goto(live_server + "/cursos/muestra-consular")
    go(page.locator("#contenido form[method=post] button").first)  # enrol
    state = context.storage_state()
    context.close()
    report = {}
    for name, path in PAGES.items():
        total, rows = first_visit(browser, live_server, state, path)
        report[name] = (total, rows)
        assert any(url == path for url, _size in rows), rows  # the page itself was measured
        assert any(url.endswith(".css") for url, _size in rows), rows  # and its stylesheet
    print({name: total for name, (total, _rows) in report.items()})
    heavy = {name: rows for name, (total, rows) in report.items() if total > BUDGET}
    assert not heavy, heavy
