"""Command-line tools: users create, seed (idempotent) and content check/sync."""

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.auth.models import Office, Position, User
from app.extensions import db


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Office, Position, User, AuditEvent)
    )


def test_seed_demo_is_idempotent(runner):
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "admin@ejemplo.hn" in first.output and "Lempira-Ceiba-Marea-71" in first.output
    after_first = counts()
    second = runner.invoke(args=["seed", "--demo"])
    assert second.exit_code == 0
    assert counts() == after_first


def test_seeded_offices_include_every_consulate(app):
    codes = set(db.session.scalars(select(Office.code)))
    assert codes == {
        "dgphm",
        "tapachula",
        "veracruz",
        "ciudad-de-mexico",
        "san-luis-potosi",
        "acayucan",
        "tenosique",
        "saltillo",
    }


def test_demo_accounts_log_in_and_see_their_home(app, runner):
    from app.seed import DEMO_ACCOUNTS

    runner.invoke(args=["seed", "--demo"])
    expected = {
        "admin": "Administración",
        "trainer": "Personal por oficina",
        "hr": "Personal por oficina",
        "learner": "Su lugar en la red",
    }
    for account in DEMO_ACCOUNTS:
        client = app.test_client()
        response = client.post(
            "/cuenta/entrar", data={"email": account.email, "password": account.password}
        )
        assert response.status_code == 302, account.email
        page = client.get("/inicio").get_data(as_text=True)
        assert expected[account.roles[0].value] in page


def test_users_create_command(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Consul@Ejemplo.hn",
            "--name",
            "Cónsul de Prueba",
            "--role",
            "learner",
            "--role",
            "trainer",
            "--office",
            "saltillo",
            "--position",
            "consul",
            "--password",
            "Tamarindo-Barco-Sol-Verde",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).filter_by(email="consul@ejemplo.hn"))
    assert user.office.code == "saltillo" and {r.value for r in user.roles} == {
        "learner",
        "trainer",
    }


def test_users_create_refuses_weak_password_and_unknown_office(runner):
    weak = runner.invoke(
        args=["users", "create", "--email", "a@ejemplo.hn", "--name", "A", "--password", "12345"]
    )
    assert weak.exit_code != 0 and "12" in weak.output
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@ejemplo.hn",
            "--name",
            "A",
            "--office",
            "narnia",
            "--password",
            "Tamarindo-Barco-Sol-Verde",
        ]
    )
    assert unknown.exit_code != 0 and "narnia" in unknown.output


def test_content_check_and_sync_run_with_no_content(runner):
    assert runner.invoke(args=["content", "check"]).exit_code == 0
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
