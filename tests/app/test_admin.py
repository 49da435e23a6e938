"""Administration: users, roles, offices, positions and the audit log."""

import pytest
from sqlalchemy import select

from app.audit import AuditEvent, AuditLogIsAppendOnly
from app.auth.models import Office, Position, User
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, message_text


@pytest.fixture
def as_admin(client, admin, login):
    login(admin)
    return client


def office_id(code):
    return db.session.scalar(select(Office.id).filter_by(code=code))


def user_form(**overrides):
    data = {
        "email": "nuevo@ejemplo.hn",
        "display_name": "Nuevo Oficial",
        "language": "es",
        "office_id": office_id("veracruz"),
        "position_id": 0,
        "hire_date": "2025-02-01",
        "roles": ["learner"],
    }
    data.update(overrides)
    return data


def test_user_list_filters_by_role_and_office(as_admin, learner, trainer):
    page = as_admin.get("/admin/usuarios?role=trainer").get_data(as_text=True)
    assert trainer.email in page and learner.email not in page
    page = as_admin.get(f"/admin/usuarios?office={office_id('tapachula')}").get_data(as_text=True)
    assert learner.email in page and trainer.email not in page


def test_create_user_with_password(as_admin, client):
    response = as_admin.post(
        "/admin/usuarios/nuevo", data=user_form(password="Copal-Jaguar-Lago-Verde")
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).filter_by(email="nuevo@ejemplo.hn"))
    assert user.office.code == "veracruz" and user.hire_date.isoformat() == "2025-02-01"
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.created" in events


def test_create_user_without_password_emails_a_setup_link(as_admin, outbox):
    as_admin.post("/admin/usuarios/nuevo", data=user_form(roles=["learner", "trainer"]))
    message = outbox()[-1]
    assert message["To"] == "nuevo@ejemplo.hn"
    assert "/cuenta/restablecer/" in message_text(message)
    user = db.session.scalar(select(User).filter_by(email="nuevo@ejemplo.hn"))
    assert {r.value for r in user.roles} == {"learner", "trainer"}


def test_create_user_with_taken_email_rerenders_with_error(as_admin, learner):
    response = as_admin.post("/admin/usuarios/nuevo", data=user_form(email=learner.email.upper()))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Otra cuenta ya usa este correo electrónico." in page
    assert "Nuevo Oficial" in page  # nothing typed is lost


def test_create_user_refuses_overlong_name_and_no_roles(as_admin):
    page = as_admin.post(
        "/admin/usuarios/nuevo", data=user_form(display_name="x" * 500, roles=[])
    ).get_data(as_text=True)
    assert "120" in page
    assert "Elija al menos un rol." in page


def test_edit_user_changes_roles_and_deactivates(as_admin, learner, client):
    response = as_admin.post(
        f"/admin/usuarios/{learner.id}",
        data=user_form(
            email=learner.email,
            display_name="Otro Nombre",
            roles=["learner", "hr"],
            office_id=office_id("saltillo"),
        ),
    )
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.display_name == "Otro Nombre" and learner.office.code == "saltillo"
    assert {r.value for r in learner.roles} == {"learner", "hr"}
    assert learner.is_active is False  # the unchecked box deactivates
    change = db.session.scalar(
        select(AuditEvent).filter_by(action="user.updated").order_by(AuditEvent.id.desc())
    )
    assert "roles" in change.details["changes"]


def test_deactivated_user_is_signed_out_and_cannot_log_in(app, admin, learner):
    learner_client = app.test_client()
    learner_client.post(
        "/cuenta/entrar", data={"email": learner.email, "password": DEFAULT_PASSWORD}
    )
    assert learner_client.get("/inicio").status_code == 200
    admin_client = app.test_client()
    with admin_client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    admin_client.post(f"/admin/usuarios/{learner.id}", data=user_form(email=learner.email))
    assert learner_client.get("/inicio").status_code == 302


def test_admin_cannot_lock_themself_out(as_admin, admin):
    page = as_admin.post(
        f"/admin/usuarios/{admin.id}",
        data=user_form(email=admin.email, roles=["learner"], is_active="y"),
    ).get_data(as_text=True)
    assert "No puede desactivar su propia cuenta" in page
    db.session.refresh(admin)
    assert "admin" in {r.value for r in admin.roles}


def test_unlock_clears_the_lock(as_admin, learner):
    from datetime import timedelta

    from app.db import utcnow

    learner.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    as_admin.post(f"/admin/usuarios/{learner.id}/desbloquear")
    db.session.refresh(learner)
    assert learner.locked_until is None


def test_offices_add_rename_close_reopen(as_admin):
    data = {
        "code": "monterrey",
        "name": "Consulado de Honduras en Monterrey",
        "kind": "consulate",
        "city": "Monterrey",
        "country": "MX",
        "timezone": "America/Monterrey",
    }
    assert as_admin.post("/admin/oficinas", data=data).status_code == 302
    office = db.session.scalar(select(Office).filter_by(code="monterrey"))
    page = as_admin.post("/admin/oficinas", data=data).get_data(as_text=True)
    assert "Este código ya está en uso" in page
    as_admin.post(f"/admin/oficinas/{office.id}", data={**data, "name": "Consulado en Monterrey"})
    as_admin.post(f"/admin/oficinas/{office.id}/cerrar")
    db.session.refresh(office)
    assert office.name == "Consulado en Monterrey" and office.closed_at is not None
    as_admin.post(f"/admin/oficinas/{office.id}/reabrir")
    db.session.refresh(office)
    assert office.is_open
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"office.created", "office.updated", "office.closed", "office.reopened"} <= set(actions)


def test_office_code_must_be_a_slug(as_admin):
    page = as_admin.post(
        "/admin/oficinas",
        data={
            "code": "Mal Código",
            "name": "X",
            "kind": "consulate",
            "city": "X",
            "country": "MX",
            "timezone": "America/Mexico_City",
        },
    ).get_data(as_text=True)
    assert "minúsculas" in page


def test_positions_add_and_rename(as_admin):
    as_admin.post(
        "/admin/puestos", data={"code": "chofer", "name_es": "Chofer", "name_en": "Driver"}
    )
    position = db.session.scalar(select(Position).filter_by(code="chofer"))
    as_admin.post(
        f"/admin/puestos/{position.id}",
        data={"code": "x", "name_es": "Conductor", "name_en": "Driver"},
    )
    db.session.refresh(position)
    assert position.code == "chofer" and position.name_es == "Conductor"


def test_audit_log_lists_and_filters(as_admin, learner):
    as_admin.post(f"/admin/usuarios/{learner.id}/desbloquear")
    page = as_admin.get("/admin/auditoria?action=user.unlocked").get_data(as_text=True)
    assert "user.unlocked" in page and "user.created" not in page


def test_audit_events_cannot_be_changed_or_deleted(app, learner):
    event = db.session.scalars(select(AuditEvent)).first()
    event.action = "forged"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    event = db.session.scalars(select(AuditEvent)).first()
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_office_manager_and_hr_offices(as_admin, learner, hr_user):
    from app.auth.models import HrOfficeScope

    tapachula = db.session.scalar(select(Office).filter_by(code="tapachula"))
    page = as_admin.get(f"/admin/oficinas/{tapachula.id}").get_data(as_text=True)
    assert "Jefatura" in page and learner.email in page
    data = {
        "code": "tapachula",
        "name": tapachula.name,
        "kind": tapachula.kind,
        "city": tapachula.city,
        "country": tapachula.country,
        "timezone": tapachula.timezone,
        "manager_id": learner.id,
    }
    assert as_admin.post(f"/admin/oficinas/{tapachula.id}", data=data).status_code == 302
    db.session.refresh(tapachula)
    assert tapachula.manager_id == learner.id
    assert (
        as_admin.post(f"/admin/oficinas/{tapachula.id}", data={**data, "manager_id": 0}).status_code
        == 302
    )
    db.session.refresh(tapachula)
    assert tapachula.manager_id is None
    saved = as_admin.post(
        f"/admin/usuarios/{hr_user.id}",
        data=user_form(
            email=hr_user.email,
            roles=["hr"],
            is_active="y",
            hr_offices=[office_id("veracruz"), office_id("saltillo")],
        ),
    )
    assert saved.status_code == 302
    scoped = set(
        db.session.scalars(
            select(HrOfficeScope.office_id).where(HrOfficeScope.user_id == hr_user.id)
        )
    )
    assert scoped == {office_id("veracruz"), office_id("saltillo")}
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"office.manager_set", "user.hr_offices_set"} <= actions
