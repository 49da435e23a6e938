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


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(make_config(ENVIRONMENT="production", SECRET_KEY="dev-only-insecure-key"))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(make_config(ENVIRONMENT="production", SECRET_KEY="short"))


def test_production_hardens_cookies(monkeypatch):
    app = create_app(make_config(ENVIRONMENT="production", SECRET_KEY="k" * 40))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("AULA_LOGIN_LOCK_MINUTES", "30")
    monkeypatch.setenv("AULA_RATELIMIT_STORAGE_URI", "memory://")
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert app.config["LOGIN_LOCK_MINUTES"] == 30
