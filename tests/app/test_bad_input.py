"""Hostile or odd input gets a clear answer, never a 500."""

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Office
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

HUGE = "99999999999999999999999"


@pytest.fixture
def as_admin(client, admin, login):
    login(admin)
    return client


def test_anonymous_options_on_admin_is_refused_not_crashed(client):
    assert client.open("/admin/usuarios", method="OPTIONS").status_code in (302, 403)


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/usuarios/{HUGE}",
        "/admin/usuarios/3000000000",
        f"/admin/oficinas/{HUGE}",
        "/admin/puestos/0",
        "/admin/usuarios/-1",
    ],
)
def test_out_of_range_ids_are_404(as_admin, path):
    assert as_admin.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        f"?page={HUGE}",
        "?page=-3",
        f"?office={HUGE}",
        "?office=3000000000",
        "?office=abc",
        "?role=emperor",
        "?status=x",
        "?endpoint=x&_method=DELETE&page=2",
    ],
)
def test_odd_list_arguments_are_ignored(as_admin, query):
    assert as_admin.get("/admin/usuarios" + query).status_code == 200
    assert as_admin.get("/admin/auditoria" + query).status_code == 200


def test_pagination_links_carry_only_known_filters(as_admin):
    for number in range(30):
        make_user(f"p{number}@ejemplo.hn", commit=False)
    db.session.commit()
    page = as_admin.get("/admin/usuarios?endpoint=x&_method=DELETE&role=learner").get_data(
        as_text=True
    )
    next_link = re.search(r'<a href="([^"]+)" rel="next"', page).group(1)
    assert next_link == "/admin/usuarios?page=2&amp;role=learner"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/admin/usuarios?q=%00", None),
        ("GET", "/admin/auditoria?actor=%00", None),
        ("POST", "/cuenta/perfil", {"display_name": "a\x00b", "language": "es"}),
    ],
)
def test_nul_bytes_are_a_400(as_admin, method, path, data):
    assert as_admin.open(path, method=method, data=data).status_code == 400


def test_whitespace_only_names_are_refused(client, login, learner):
    login(learner)
    page = client.post("/cuenta/perfil", data={"display_name": "   ", "language": "es"})
    assert "Escriba su nombre." in page.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.display_name.strip()


def test_unknown_address_locks_exactly_like_a_real_one(make_app):
    from app.seed import load_reference_data

    app = make_app(LOGIN_RATE_LIMIT="100 per minute")
    with app.app_context():
        db.create_all()
        load_reference_data()
        learner = make_user("real@ejemplo.hn")
        client = app.test_client()

        def attempts(email):
            return [
                client.post(
                    "/cuenta/entrar", data={"email": email, "password": "mala-mala-mala"}
                ).get_data(as_text=True)
                for _attempt in range(app.config["LOGIN_MAX_FAILURES"] + 1)
            ]

        real, unknown = attempts(learner.email), attempts("fantasma@ejemplo.hn")
    for real_page, unknown_page in zip(real, unknown, strict=True):
        assert ("bloqueada" in real_page) == ("bloqueada" in unknown_page)
    assert "bloqueada durante 15 minutos" in unknown[-2]


def test_wrong_current_passwords_lock_and_sign_out(app, client, login, learner):
    login(learner)
    data = {
        "current_password": "no-es-esta",
        "password": "Marimba-Lluvia-Cacao-Tinta",
        "confirm": "Marimba-Lluvia-Cacao-Tinta",
    }
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert client.post("/cuenta/contrasena", data=data).status_code == 200
    response = client.post("/cuenta/contrasena", data=data, follow_redirects=True)
    assert "bloqueada" in response.get_data(as_text=True)
    assert client.get("/inicio").status_code == 302
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"auth.password_check_failed", "auth.account_locked"} <= actions


def test_closed_office_stays_on_its_staff_when_editing(as_admin, learner):
    office = learner.office
    as_admin.post(f"/admin/oficinas/{office.id}/cerrar")
    page = as_admin.get(f"/admin/usuarios/{learner.id}").get_data(as_text=True)
    assert "(cerrada)" in page
    response = as_admin.post(
        f"/admin/usuarios/{learner.id}",
        data={
            "email": learner.email,
            "display_name": "Nuevo Nombre",
            "language": "es",
            "office_id": office.id,
            "position_id": 0,
            "roles": ["learner"],
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.office_id == db.session.scalar(select(Office.id).filter_by(code="tapachula"))


def test_csrf_and_rate_limit_refusals_are_audited(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        client.post("/cuenta/entrar", data={"email": "a@b.hn", "password": "x"})
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "security.csrf_rejected" in actions


def test_rate_limit_refusal_is_audited(make_app):
    app = make_app(LOGIN_RATE_LIMIT="1 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        for _attempt in range(2):
            client.post("/cuenta/entrar", data={"email": "a@b.hn", "password": "x"})
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "security.rate_limited" in actions


def test_mail_failure_neither_crashes_nor_reveals_the_account(client, learner, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("app.auth.services.send_templated_email", broken)
    known = client.post(
        "/cuenta/olvide-contrasena", data={"email": learner.email}, follow_redirects=True
    )
    unknown = client.post(
        "/cuenta/olvide-contrasena", data={"email": "nadie@ejemplo.hn"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    assert "Si una cuenta activa usa" in known.get_data(as_text=True)
    assert "mail.failed" in set(db.session.scalars(select(AuditEvent.action)))


def test_admin_is_told_when_the_setup_mail_fails(as_admin, monkeypatch):
    monkeypatch.setattr(
        "app.auth.services.send_templated_email",
        lambda *a, **k: (_ for _ in ()).throw(OSError("no route")),
    )
    page = as_admin.post(
        "/admin/usuarios/nuevo",
        data={
            "email": "sin-correo@ejemplo.hn",
            "display_name": "Sin Correo",
            "language": "es",
            "office_id": 0,
            "position_id": 0,
            "roles": ["learner"],
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "No se pudo enviar el correo" in page


def test_password_change_keeps_remember_me(client, learner):
    client.post(
        "/cuenta/entrar",
        data={"email": learner.email, "password": DEFAULT_PASSWORD, "remember": "y"},
    )
    response = client.post(
        "/cuenta/contrasena",
        data={
            "current_password": DEFAULT_PASSWORD,
            "password": "Marimba-Lluvia-Cacao-Tinta",
            "confirm": "Marimba-Lluvia-Cacao-Tinta",
        },
    )
    assert any(
        c.startswith("aula_remember=") and "Expires=" in c
        for c in response.headers.getlist("Set-Cookie")
    )
