"""Staff import: row-by-row errors that change nothing, all-or-nothing apply, deactivation."""

import io
from pathlib import Path

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.auth.models import Office, Position, StaffPeriod, User
from app.extensions import db
from app.staff import importer
from tests.factories import make_user

PEOPLE = (
    "correo,nombre,oficina,cargo,idioma,fecha_ingreso,activo,roles\n"
    "ana@consulado.hn,Ana Uno,tapachula,consul,es,2026-01-15,sí,learner\n"
    "bruno@consulado.hn,Bruno Dos,veracruz,oficial-proteccion,en,15/03/2026,,learner;trainer\n"
)


def _plan(*files, actor=None, **options):
    return importer.plan(
        [importer.Source(name, text.encode()) for name, text in files], actor, **options
    )


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_malformed_file_is_reported_row_by_row_and_changes_nothing(runner, tmp_path):
    make_user("existe@consulado.hn")
    before = (_count(User), _count(Office), _count(Position), _count(StaffPeriod))
    bad = tmp_path / "personal.csv"
    bad.write_text(
        "correo,nombre,oficina,cargo\n"
        "bien@consulado.hn,Bien,tapachula,consul\n"
        "no-es-correo,Mal Correo,tapachula,consul\n"
        "otra@consulado.hn,Oficina Rara,atlantida,consul\n"
        "bien@consulado.hn,Repetida,veracruz,consul\n"
        "nueva@consulado.hn,,tapachula,consul\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["staff", "import", str(bad)])
    assert result.exit_code != 0
    out = result.output
    assert "personal.csv:3: correo: «no-es-correo» no es una dirección de correo válida." in out
    assert "personal.csv:4: oficina: Oficina desconocida «atlantida»." in out
    assert "personal.csv:5: correo: Repite la línea 2" in out
    assert "personal.csv:6: nombre:" in out
    assert "4 errores; no se cambió nada." in out
    assert (_count(User), _count(Office), _count(Position), _count(StaffPeriod)) == before


def test_offices_positions_and_people_are_applied_together(runner, tmp_path):
    offices = tmp_path / "oficinas.csv"
    offices.write_text(
        "codigo;nombre;tipo;ciudad;pais;zona_horaria;jefatura\n"
        "houston;Consulado en Houston;consulado;Houston;US;America/Chicago;jefa@consulado.hn\n",
        encoding="cp1252",
    )
    positions = tmp_path / "cargos.csv"
    positions.write_text(
        "codigo,nombre_es,nombre_en\nenlace-comunitario,Enlace comunitario,Community liaison\n"
    )
    people = tmp_path / "personal.csv"
    people.write_text(
        "correo,nombre,oficina,cargo\n"
        "jefa@consulado.hn,Jefa Houston,houston,consul\n"
        "enlace@consulado.hn,Enlace Uno,houston,enlace-comunitario\n"
    )
    dry = runner.invoke(
        args=["staff", "import", "--dry-run", str(people), str(offices), str(positions)]
    )
    assert dry.exit_code == 0, dry.output
    assert "4 por crear" in dry.output and _count(User) == 0
    real = runner.invoke(args=["staff", "import", str(people), str(offices), str(positions)])
    assert real.exit_code == 0, real.output
    houston = db.session.scalar(select(Office).filter_by(code="houston"))
    assert houston.timezone == "America/Chicago" and houston.manager.email == "jefa@consulado.hn"
    liaison = db.session.scalar(select(User).filter_by(email="enlace@consulado.hn"))
    assert liaison.position.name_en == "Community liaison"
    assert liaison.password_hash == "!unusable"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "staff.imported")
        )
        == 1
    )
    again = runner.invoke(args=["staff", "import", str(people), str(offices), str(positions)])
    assert "0 creadas, 0 actualizadas" in again.output  # idempotent


def test_updates_moves_and_deactivation_keep_history(admin):
    person = make_user("mover@consulado.hn", office="tapachula", position="consul")
    stays = make_user("queda@consulado.hn", office="tapachula")
    gone = make_user("se-fue@consulado.hn", office="tapachula")
    other_office = make_user("otra-oficina@consulado.hn", office="veracruz")
    plan = _plan(
        (
            "p.csv",
            "correo,oficina,activo\n"
            "mover@consulado.hn,saltillo,\n"
            "queda@consulado.hn,tapachula,sí\n",
        ),
        actor=admin,
        deactivate_missing=True,
    )
    assert plan.ok, plan.errors
    assert [r.action for r in plan.rows] == ["update", "unchanged"]
    assert {u.email for u in plan.missing} == {"se-fue@consulado.hn"}  # only listed offices
    importer.apply(plan, admin)
    db.session.commit()
    assert person.office.code == "saltillo"
    assert stays.is_active and other_office.is_active
    assert not gone.is_active and db.session.get(User, gone.id) is not None
    periods = db.session.scalars(select(StaffPeriod).where(StaffPeriod.user_id == person.id)).all()
    assert periods[-1].office_id == person.office_id and periods[-1].ended_on is None


def test_row_checks(app):
    plan = _plan(
        (
            "p.csv",
            "correo,nombre,oficina,idioma,fecha_ingreso,activo,roles,extra\n"
            "a@consulado.hn,A,tapachula,fr,31/02/2026,quizá,admin,\n",
        )
    )
    messages = {(e.line, e.column): e.message for e in plan.errors}
    assert (1, "extra") in messages
    assert {(2, c) for c in ("idioma", "fecha_ingreso", "activo", "roles")} <= set(messages)
    assert not _plan(("vacío.csv", "")).ok
    assert "Tipo de archivo desconocido" in str(_plan(("x.csv", "uno,dos\n1,2\n")).errors[0])


def test_one_cannot_deactivate_oneself_by_import(app, hr_user):
    plan = _plan(("p.csv", f"correo,activo\n{hr_user.email},no\n"), actor=hr_user)
    assert not plan.ok


def test_upload_check_then_apply_once(client, login, hr_user, outbox):
    login(hr_user)
    page = client.get("/personal/importar")
    assert page.status_code == 200 and "correo, nombre, oficina" in page.get_data(as_text=True)
    checked = client.post(
        "/personal/importar",
        data={"files": (io.BytesIO(PEOPLE.encode()), "personal.csv"), "invite": "y"},
        content_type="multipart/form-data",
    )
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Aplicar la importación" in html
    assert _count(User) == 1  # only the HR user: nothing applied yet
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    data = {"token": token, "invite": "1", "deactivate_missing": ""}
    first = client.post("/personal/importar/aplicar", data=data, follow_redirects=True)
    assert "2 creadas" in first.get_data(as_text=True)
    second = client.post("/personal/importar/aplicar", data=data, follow_redirects=True)
    assert "ya se aplicó" in second.get_data(as_text=True)
    assert _count(User) == 3
    assert sorted(m["To"] for m in outbox()) == ["ana@consulado.hn", "bruno@consulado.hn"]
    bruno = db.session.scalar(select(User).filter_by(email="bruno@consulado.hn"))
    assert bruno.language == "en" and {r.value for r in bruno.roles} == {"learner", "trainer"}


def test_upload_with_errors_shows_them_and_keeps_nothing(client, login, hr_user, app):
    login(hr_user)
    answer = client.post(
        "/personal/importar",
        data={"files": (io.BytesIO(b"correo,oficina\nmal,tapachula\n"), "malo.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "1 error: no se cambió nada." in html and "malo.csv" in html
    assert "Aplicar la importación" not in html
    assert not any(Path(app.config["STAFF_IMPORT_DIR"]).glob("*"))


def test_learners_cannot_import(client, login, learner):
    login(learner)
    assert client.get("/personal/importar").status_code == 403
