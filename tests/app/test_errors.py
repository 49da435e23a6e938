"""Error pages in the user's language, as HTML or JSON, CSRF failures and /healthz."""

import re

import pytest

from app.extensions import db
from tests.factories import DEFAULT_PASSWORD


def test_404_html_in_spanish(client):
    response = client.get("/no-existe")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Página no encontrada" in page and '<html lang="es">' in page


def test_404_html_in_english(client):
    page = client.get("/no-existe", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page not found" in page


def test_404_json_for_api_paths_and_json_clients(client):
    for response in (
        client.get("/api/nada"),
        client.get("/no-existe", headers={"Accept": "application/json"}),
    ):
        assert response.status_code == 404
        assert response.is_json
        assert response.json["error"]["code"] == 404
        assert response.json["error"]["title"] == "Página no encontrada"


def test_405(client):
    response = client.delete("/cuenta/entrar")
    assert response.status_code == 405
    assert "Método no permitido" in response.get_data(as_text=True)


def test_413_for_an_oversized_body(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        response = app.test_client().post("/cuenta/olvide-contrasena", data={"email": "x" * 4096})
        assert response.status_code == 413
        assert "demasiado grande" in response.get_data(as_text=True).lower()


def test_500_page_rolls_back_and_renders(make_app):
    app = make_app(PROPAGATE_TEST_ERRORS=False)

    @app.get("/explota")
    def explode():
        raise RuntimeError("boom")

    with app.app_context():
        db.create_all()
        response = app.test_client().get("/explota")
        assert response.status_code == 500
        assert "Algo salió mal" in response.get_data(as_text=True)


def test_missing_csrf_token_gets_a_clear_400(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        response = client.post("/cuenta/entrar", data={"email": "a@b.hn", "password": "x"})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "token de seguridad" in page


def test_valid_csrf_token_is_accepted(make_app):
    from app.seed import load_reference_data
    from tests.factories import make_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        load_reference_data()
        user = make_user("csrf@ejemplo.hn")
        client = app.test_client()
        page = client.get("/cuenta/entrar").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/cuenta/entrar",
            data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302


@pytest.mark.parametrize("path", ["/idioma", "/cuenta/salir", "/admin/oficinas/1/cerrar"])
def test_every_state_change_needs_the_token(make_app, path):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        assert app.test_client().post(path).status_code == 400


def test_healthz_reports_version_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "version": "0.1.0", "database": True}


def test_healthz_reports_a_database_that_does_not_answer(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] is False


def test_403_page_in_spanish(client, login, learner):
    login(learner)
    response = client.get("/admin/usuarios")
    assert response.status_code == 403
    assert "Acceso denegado" in response.get_data(as_text=True)


def test_wtforms_own_messages_are_spanish_too(client, login, admin):
    login(admin)
    page = client.post(
        "/admin/usuarios/nuevo",
        data={
            "email": "a@ejemplo.hn",
            "display_name": "A",
            "language": "es",
            "office_id": 0,
            "position_id": 0,
            "hire_date": "31/31/2025",
            "roles": ["learner"],
        },
    ).get_data(as_text=True)
    assert "No es una fecha válida." in page
