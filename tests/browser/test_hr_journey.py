"""HR defines a requirement, reads the dashboard, drills down, exempts someone, downloads Excel."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def test_hr_sets_a_rule_and_follows_compliance(page: Page, live_server: str, tmp_path):
    page.goto(live_server + "/")
    page.get_by_label("Correo electrónico").fill("rrhh@ejemplo.hn")
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name="Cumplimiento"
    ).click()
    expect(page.get_by_text("En esta fecha no se aplica ningún requisito")).to_be_visible()

    page.get_by_role("link", name="Requisitos de formación").click()
    page.get_by_label("Curso").select_option(
        label="TEST-001 · Curso de muestra: notificación consular"
    )
    page.get_by_label("Puesto").select_option(label="Oficial de protección")
    page.get_by_label("Días para completarlo").fill("99999")
    page.get_by_label("Regla en vigor desde").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Guardar el requisito").click()
    # A bad number comes back with the field's error and nothing lost.
    expect(page.get_by_text("Escriba un número entero de 0 a 3650.")).to_be_visible()
    expect(page.get_by_label("Puesto")).not_to_have_value("0")  # the choice was kept
    page.get_by_label("Días para completarlo").fill("20")
    page.get_by_role("button", name="Guardar el requisito").click()
    expect(
        page.get_by_text("La regla se guardó y las asignaciones se actualizaron.")
    ).to_be_visible()

    page.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name="Cumplimiento"
    ).click()
    expect(page.locator("svg").first).to_be_visible()  # the charts, drawn on the server
    expect(page.get_by_text("0 %").first).to_be_visible()
    page.get_by_role("link", name="Consulado de Honduras en Tapachula").first.click()
    page.get_by_role("link", name="Rosa Navegadora").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Navegadora")
    expect(page.get_by_text("Próximo a vencer")).to_be_visible()

    page.get_by_text("Eximir", exact=True).click()
    page.get_by_label("Motivo").fill("Licencia por maternidad.")
    page.get_by_role("button", name="Registrar la exención").click()
    expect(page.get_by_text("La exención se registró.")).to_be_visible()
    expect(page.get_by_text("Exento", exact=True)).to_be_visible()

    page.get_by_role("link", name="← Cumplimiento").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    path = tmp_path / "matriz.xlsx"
    download.value.save_as(path)
    from openpyxl import load_workbook

    rows = list(load_workbook(path, read_only=True)["Matriz"].iter_rows(values_only=True))
    rosa = next(r for r in rows[1:] if r[0] == "Rosa Navegadora")
    assert rosa[1] == "navegador@ejemplo.hn" and rosa[4] == "Exento"
