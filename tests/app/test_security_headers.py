"""Security headers, cookie flags, production settings and no third-party assets."""

import re

import pytest

from app import create_app
from tests.conftest import make_config


def test_csp_forbids_inline_scripts_and_other_origins(client):
    response = client.get("/cuenta/entrar")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_reference_no_other_origin_and_no_inline_script(client):
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    assert "<script" not in page
    assert " style=" not in page
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page)


def test_session_cookie_flags(client, learner):
    response = client.post(
        "/cuenta/entrar",
        data={"email": learner.email, "password": "Correcto-Caballo-Bateria-Grapa"},
    )
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("aula_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


PRODUCTION = {"ENVIRONMENT": "production", "BASE_URL": "https://aula.ejemplo.hn"}


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(make_config(**PRODUCTION, SECRET_KEY="dev-only-insecure-key"))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(make_config(**PRODUCTION, SECRET_KEY="short"))


def test_production_refuses_to_start_without_a_base_url():
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(make_config(ENVIRONMENT="production", SECRET_KEY="k" * 40))


def test_production_hardens_cookies_and_trusts_only_its_host():
    app = create_app(make_config(**PRODUCTION, SECRET_KEY="k" * 40))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.app_context():
        response = app.test_client().get("/healthz", headers={"Host": "malo.example"})
    assert response.status_code == 400


def test_reset_links_use_base_url_not_the_host_header(make_app):
    from app.extensions import db
    from app.seed import load_reference_data
    from tests.factories import make_user, message_text, read_outbox

    app = make_app(BASE_URL="https://aula.ejemplo.hn")
    with app.app_context():
        db.create_all()
        load_reference_data()
        user = make_user("victima@ejemplo.hn")
        app.test_client().post(
            "/cuenta/olvide-contrasena",
            data={"email": user.email},
            headers={"Host": "malo.example", "X-Forwarded-Host": "malo.example"},
        )
        body = message_text(read_outbox(app.config["MAIL_FILE_PATH"])[-1])
    assert "https://aula.ejemplo.hn/cuenta/restablecer/" in body
    assert "malo.example" not in body


def test_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("AULA_LOGIN_LOCK_MINUTES", "30")
    monkeypatch.setenv("AULA_RATELIMIT_STORAGE_URI", "memory://")
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert app.config["LOGIN_LOCK_MINUTES"] == 30
