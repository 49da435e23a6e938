"""Login, logout, remember-me, throttling and the temporary account lock."""

from datetime import timedelta

import pytest
import time_machine

from app.audit import AuditEvent
from app.db import utcnow
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

LOGIN = "/cuenta/entrar"


def post_login(client, email, password, **extra):
    return client.post(LOGIN, data={"email": email, "password": password, **extra})


def test_index_sends_visitor_to_spanish_login(client):
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == LOGIN
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page or "Entrar" in page


def test_login_success_redirects_home_and_records_event(client, learner):
    response = post_login(client, learner.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/inicio"
    assert client.get("/inicio").status_code == 200
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "auth.login" in actions


def test_login_email_is_case_insensitive(client, learner):
    response = post_login(client, "  PARTICIPANTE@Ejemplo.HN ", DEFAULT_PASSWORD)
    assert response.status_code == 302


@pytest.mark.parametrize("email", ["participante@ejemplo.hn", "nadie@ejemplo.hn"])
def test_login_failure_gives_same_spanish_message(client, learner, email):
    response = post_login(client, email, "incorrecta-del-todo")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "El correo electrónico o la contraseña no son correctos." in page
    assert 'value="' + email + '"' in page  # the e-mail is kept


def test_login_with_empty_fields_shows_field_errors(client):
    page = client.post(LOGIN, data={"email": "", "password": ""}).get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert "Escriba su correo electrónico." in page


def test_login_with_overlong_fields_is_refused_cleanly(client):
    response = post_login(client, "a" * 300 + "@ejemplo.hn", "x" * 500)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "254" in page and "128" in page


def test_login_next_parameter_only_allows_local_paths(client, learner):
    ok = client.post(
        LOGIN + "?next=/cuenta/perfil", data={"email": learner.email, "password": DEFAULT_PASSWORD}
    )
    assert ok.headers["Location"] == "/cuenta/perfil"
    client.post("/cuenta/salir")
    evil = client.post(
        LOGIN + "?next=https://malo.example/x",
        data={"email": learner.email, "password": DEFAULT_PASSWORD},
    )
    assert evil.headers["Location"] == "/inicio"


def test_account_locks_after_repeated_failures_and_unlocks_later(app, client, learner):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        post_login(client, learner.email, "contraseña-equivocada")
    page = post_login(client, learner.email, "contraseña-equivocada").get_data(as_text=True)
    assert "bloqueada durante 15 minutos" in page
    # Even the right password is refused while locked.
    page = post_login(client, learner.email, DEFAULT_PASSWORD).get_data(as_text=True)
    assert "bloqueada" in page
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert post_login(client, learner.email, DEFAULT_PASSWORD).status_code == 302
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "auth.account_locked" in actions


def test_login_is_throttled_per_address_with_429_page(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        codes = [post_login(client, "x@ejemplo.hn", "y").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        response = post_login(client, "x@ejemplo.hn", "y")
        assert "Demasiados intentos" in response.get_data(as_text=True)
        assert client.get(LOGIN).status_code == 200  # reading the form is never throttled


def test_inactive_user_cannot_log_in(client):
    user = make_user("baja@ejemplo.hn")
    user.is_active = False
    db.session.commit()
    page = post_login(client, user.email, DEFAULT_PASSWORD).get_data(as_text=True)
    assert "desactivada" in page


def test_logout_requires_post_and_ends_session(client, learner, login):
    login(learner)
    assert client.get("/cuenta/salir").status_code == 405
    response = client.post("/cuenta/salir")
    assert response.headers["Location"] == LOGIN
    assert client.get("/inicio").status_code == 302


def test_remember_me_sets_a_persistent_http_only_cookie(client, learner):
    response = post_login(client, learner.email, DEFAULT_PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("aula_remember=")]
    assert remember and "HttpOnly" in remember[0] and "Expires=" in remember[0]


def test_session_cookie_is_renewed_at_login(client, learner):
    client.get(LOGIN)
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    post_login(client, learner.email, DEFAULT_PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_session_version_change_signs_out_other_sessions(client, learner, login):
    login(learner)
    assert client.get("/inicio").status_code == 200
    learner.session_version += 1
    db.session.commit()
    assert client.get("/inicio").status_code == 302
