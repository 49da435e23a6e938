"""Requirements, assignments that follow staff moves, compliance on any day, HR pages."""

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import HrOfficeScope, Office, Position, StaffPeriod
from app.db import utcnow
from app.extensions import db
from certificates.compliance import queries, services
from certificates.compliance.models import Assignment
from courses.models import Course
from tests.certificates.helpers import make_rule
from tests.factories import make_user


def _office(code):
    return db.session.scalar(select(Office).filter_by(code=code))


def _position(code):
    return db.session.scalar(select(Position).filter_by(code=code))


def _standing(user, day=None):
    rows = queries.rows_on(day or services.today(), queries.load_facts(user_id=user.id))
    return [r.standing for r in rows]


def test_a_rule_assigns_everyone_in_scope_with_its_deadline(course, hr_user):
    consul = make_user("consul@ejemplo.hn", position="consul")
    officer = make_user("oficial@ejemplo.hn", position="oficial-proteccion")
    rule = make_rule(course, hr_user)
    assignments = db.session.scalars(select(Assignment)).all()
    assert [(a.user_id, a.requirement_id) for a in assignments] == [(consul.id, rule.id)]
    assert assignments[0].due_on == services.today() + timedelta(days=60)
    assert officer.id not in {a.user_id for a in assignments}


def test_moving_into_a_position_assigns_leaving_ends(course, hr_user, admin):
    rule = make_rule(course, hr_user)
    person = make_user("movil@ejemplo.hn", position="oficial-proteccion")
    assert _standing(person) == []
    with time_machine.travel(utcnow() + timedelta(days=10)):
        auth_services.update_user(person, admin, position=_position("consul"))
        db.session.commit()
        moved = db.session.scalar(select(Assignment).where(Assignment.user_id == person.id))
        assert moved.requirement_id == rule.id
        assert moved.due_on == services.today() + timedelta(days=60)  # 60 days from the move
    with time_machine.travel(utcnow() + timedelta(days=20)):
        auth_services.update_user(person, admin, position=_position("asistente-consular"))
        db.session.commit()
        db.session.refresh(moved)
        assert moved.ended_on is not None and moved.end_reason == "left_scope"
    periods = db.session.scalars(
        select(StaffPeriod).where(StaffPeriod.user_id == person.id).order_by(StaffPeriod.started_on)
    ).all()
    assert len(periods) == 3 and periods[-1].ended_on is None


def test_completing_makes_compliant_and_expiry_lapses(course, hr_user, complete):
    person = make_user("cumple@ejemplo.hn", position="consul")
    make_rule(course, hr_user)
    assert [s.status for s in _standing(person)] == ["not_started"]
    complete(person)
    assert [(s.status, s.compliant) for s in _standing(person)] == [("certified", True)]
    later = services.today() + timedelta(days=800)
    assert [(s.status, s.compliant) for s in _standing(person, later)] == [("expired", False)]


def test_point_in_time_answers_from_history(course, hr_user, admin, complete):
    person = make_user("historia@ejemplo.hn", position="consul")
    make_rule(course, hr_user)
    start = services.today()
    with time_machine.travel(utcnow() + timedelta(days=100)):
        assert [s.status for s in _standing(person)] == ["overdue"]
        complete(person)
        auth_services.update_user(person, admin, office=_office("veracruz"))
        db.session.commit()
    # Looking back: on day 70 they were overdue, in Tapachula; on day 101 certified, in Veracruz.
    facts = queries.load_facts()
    then = queries.rows_on(start + timedelta(days=70), facts)
    assert [(r.standing.status, r.office_id) for r in then] == [
        ("overdue", _office("tapachula").id)
    ]
    later = queries.rows_on(start + timedelta(days=101), facts)
    assert [(r.standing.status, r.office_id) for r in later] == [
        ("certified", _office("veracruz").id)
    ]


def test_waivers_and_version_requirements(course, hr_user, complete):
    person = make_user("exento@ejemplo.hn", position="consul")
    make_rule(course, hr_user)
    assignment = db.session.scalar(select(Assignment))
    waiver = services.grant_waiver(assignment, hr_user, "Licencia médica.", None)
    db.session.commit()
    assert [s.status for s in _standing(person)] == ["waived"]
    services.revoke_waiver(waiver, hr_user)
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=1)):
        assert [s.status for s in _standing(person)] == ["not_started"]
    complete(person)
    services.require_version(
        course.id, 2, services.today() + timedelta(days=30), "Reforma.", hr_user
    )
    db.session.commit()
    assert _standing(person)[0].compliant
    late = services.today() + timedelta(days=31)
    assert [(s.status, s.compliant) for s in _standing(person, late)] == [("overdue", False)]


def test_hr_pages_render_and_scope_to_offices(client, login, course, hr_user, complete):
    make_user("tapa@ejemplo.hn", position="consul", display_name="Tania Tapachula")
    vera = make_user(
        "vera@ejemplo.hn", position="consul", office="veracruz", display_name="Víctor Veracruz"
    )
    make_rule(course, hr_user)
    complete(vera)
    login(hr_user)
    page = client.get("/rrhh/").get_data(as_text=True)
    assert "<svg" in page and "50" in page  # one of two compliant
    assert client.get(f"/rrhh/oficina/{_office('veracruz').id}").status_code == 200
    person = client.get(f"/rrhh/persona/{vera.id}").get_data(as_text=True)
    assert "AC-" in person
    assert "Víctor Veracruz" in client.get(f"/rrhh/persona/{vera.id}/expediente").get_data(
        as_text=True
    )
    with client.get(f"/rrhh/persona/{vera.id}/expediente.pdf") as pdf:
        assert pdf.data[:5] == b"%PDF-"
    db.session.add(HrOfficeScope(user_id=hr_user.id, office_id=_office("tapachula").id))
    db.session.commit()
    assert client.get(f"/rrhh/oficina/{_office('veracruz').id}").status_code == 403
    assert client.get(f"/rrhh/persona/{vera.id}").status_code == 403
    scoped = client.get("/rrhh/").get_data(as_text=True)
    assert "Víctor Veracruz" not in scoped


def test_requirement_pages_create_edit_and_retire(client, login, course, hr_user):
    make_user("alguien@ejemplo.hn", position="consul")
    login(hr_user)
    bad = client.post(
        "/rrhh/requisitos",
        data={
            "course_id": course.id,
            "position_id": 0,
            "office_id": 0,
            "due_within_days": 30,
            "starts_on": "2026-12-01",
        },
    )
    assert bad.status_code == 400  # no scope
    good = client.post(
        "/rrhh/requisitos",
        data={
            "course_id": course.id,
            "position_id": _position("consul").id,
            "office_id": 0,
            "due_within_days": 30,
            "starts_on": services.today().isoformat(),
        },
    )
    assert good.status_code == 302
    rule_id = db.session.scalar(select(Assignment.requirement_id))
    edited = client.post(
        f"/rrhh/requisitos/{rule_id}",
        data={
            "course_id": course.id,
            "position_id": _position("consul").id,
            "office_id": 0,
            "due_within_days": 90,
            "starts_on": services.today().isoformat(),
        },
    )
    assert edited.status_code == 302
    assert db.session.scalar(select(Assignment.due_on)) == services.today() + timedelta(days=90)
    assert client.post(f"/rrhh/requisitos/{rule_id}/retirar").status_code == 302
    assert db.session.scalar(select(Assignment.end_reason)) == "rule_retired"


def test_learners_and_trainers_cannot_open_hr_pages(client, login, learner, trainer):
    for user in (learner, trainer):
        login(user)
        assert client.get("/rrhh/").status_code == 403


def test_manual_assignment_and_course_filter(client, login, course, hr_user):
    person = make_user("manual@ejemplo.hn", position="asistente-consular")
    login(hr_user)
    due = (services.today() + timedelta(days=15)).isoformat()
    answer = client.post(
        f"/rrhh/persona/{person.id}/asignar", data={"course_id": course.id, "due_on": due}
    )
    assert answer.status_code == 302
    assert [s.status for s in _standing(person)] == ["due_soon"]
    assignment = db.session.scalar(select(Assignment))
    assert client.post(f"/rrhh/asignaciones/{assignment.id}/terminar").status_code == 302
    db.session.refresh(assignment)
    assert assignment.ended_on is not None
    assert db.session.get(Course, course.id) is not None


def test_a_staff_import_moves_people_into_requirements(course, hr_user, admin):
    from app.staff import importer

    person = make_user("importada@ejemplo.hn", position="oficial-proteccion")
    make_rule(course, hr_user, days=45)
    plan = importer.plan(
        [importer.Source("p.csv", b"correo,cargo,activo\nimportada@ejemplo.hn,consul,\n")], admin
    )
    importer.apply(plan, admin)
    db.session.commit()
    assignment = db.session.scalar(select(Assignment).where(Assignment.user_id == person.id))
    assert assignment.due_on == services.today() + timedelta(days=45)
    gone = importer.plan(
        [importer.Source("p.csv", b"correo,activo\nimportada@ejemplo.hn,no\n")], admin
    )
    importer.apply(gone, admin)
    db.session.commit()
    db.session.refresh(assignment)
    assert assignment.end_reason == "deactivated" and not person.is_active


def _sheet_rows(data: bytes, title: str) -> list[tuple]:
    from io import BytesIO

    from openpyxl import load_workbook

    return list(load_workbook(BytesIO(data), read_only=True)[title].iter_rows(values_only=True))


def test_moved_completed_expired_alike_on_screen_and_in_exports(
    client, login, course, hr_user, admin, complete
):
    person = make_user(
        "=cmd|' /C calc'!A0@ejemplo.hn".replace("=cmd|' /C calc'!A0", "ciclo"),
        position="oficial-proteccion",
        display_name='=HYPERLINK("http://x")',
    )
    make_rule(course, hr_user, days=30)
    auth_services.update_user(person, admin, position=_position("consul"))
    db.session.commit()
    assignment = db.session.scalar(select(Assignment).where(Assignment.user_id == person.id))
    assert assignment.due_on == services.today() + timedelta(days=30)
    complete(person)
    login(hr_user)
    today = services.today().isoformat()
    csv_text = client.get(f"/rrhh/matriz.csv?fecha={today}").data.decode("utf-8-sig")
    assert "Certificado" in csv_text
    assert "'=HYPERLINK" in csv_text  # a name never runs as a formula
    later = (services.today() + timedelta(days=800)).isoformat()
    dashboard = client.get(f"/rrhh/?fecha={later}").get_data(as_text=True)
    assert "0 %" in dashboard and "Caducado" in dashboard
    csv_later = client.get(f"/rrhh/matriz.csv?fecha={later}").data.decode("utf-8-sig")
    assert "Caducado" in csv_later
    xlsx = client.get(f"/rrhh/matriz.xlsx?fecha={later}")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    matrix = _sheet_rows(xlsx.data, "Matriz")
    assert matrix[0][:4] == ("Nombre", "Correo electrónico", "Oficina", "Puesto")
    assert matrix[1][0] == '\'=HYPERLINK("http://x")' and matrix[1][4] == "Caducado"
    by_office = _sheet_rows(xlsx.data, "Por oficina")
    tapachula = next(r for r in by_office if r[0] == _office("tapachula").name)
    assert tapachula[-3:] == (1, 0, 0.0)  # one assignment, none compliant, 0 %


def test_transcript_exports(client, login, course, hr_user, complete):
    person = make_user("exporta@ejemplo.hn", position="consul")
    complete(person)
    login(hr_user)
    csv_text = client.get(f"/rrhh/persona/{person.id}/expediente.csv").data.decode("utf-8-sig")
    assert "Curso" in csv_text and "Certificado" in csv_text and "AC-" in csv_text
    xlsx = client.get(f"/rrhh/persona/{person.id}/expediente.xlsx")
    rows = _sheet_rows(xlsx.data, "Expediente de formación")
    assert rows[0][0] == "Tipo" and len(rows) >= 3


def test_exports_respect_the_hr_scope(client, login, course, hr_user):
    vera = make_user("alcance@ejemplo.hn", position="consul", office="veracruz")
    make_rule(course, hr_user)
    db.session.add(HrOfficeScope(user_id=hr_user.id, office_id=_office("tapachula").id))
    db.session.commit()
    login(hr_user)
    assert vera.email not in client.get("/rrhh/matriz.csv").data.decode("utf-8-sig")
    assert client.get(f"/rrhh/matriz.csv?oficina={_office('veracruz').id}").status_code == 403
    assert client.get(f"/rrhh/persona/{vera.id}/expediente.xlsx").status_code == 403


def test_cached_answers_follow_every_change_but_not_logins(
    client, login, course, hr_user, complete
):
    from sqlalchemy import update

    from certificates.compliance import cache
    from certificates.compliance.models import ComplianceState

    person = make_user("cache@ejemplo.hn", position="consul")
    make_rule(course, hr_user)
    login(hr_user)

    def percent():
        return queries.cached_rows(queries.snapshot(), services.today())[0].standing.compliant

    assert client.get("/rrhh/").status_code == 200
    assert percent() is False
    before = cache.stamp()
    login(hr_user)  # a login changes users.last_login_at: not a compliance fact
    assert cache.stamp() == before
    complete(person)
    after = cache.stamp()
    assert after[1] > before[1] and after[2] == before[2]  # today only: history kept
    assert percent() is True
    assert "100" in client.get("/rrhh/").get_data(as_text=True)
    # A rule edit can change the past: history moves too.
    rule = db.session.scalar(select(Assignment)).requirement
    rule.renewal_months = 6
    db.session.commit()
    assert cache.stamp()[2] > after[2]
    # Bulk SQL through the session is noticed as well.
    stamp = cache.stamp()
    db.session.execute(update(Assignment).values(due_on=services.today()))
    db.session.commit()
    assert cache.stamp()[1:] > stamp[1:]
    assert db.session.scalar(select(ComplianceState.token)) == stamp[0]


def test_refresh_command_moves_both_versions(runner, course, hr_user):
    from certificates.compliance import cache

    make_user("refresco@ejemplo.hn", position="consul")
    make_rule(course, hr_user)
    before = cache.stamp()
    assert runner.invoke(args=["hr", "refresh"]).exit_code == 0
    after = cache.stamp()
    assert after[1] == before[1] + 1 and after[2] == before[2] + 1


def test_cached_facts_are_patched_person_by_person_and_match_a_full_reading(
    course, hr_user, admin, complete, monkeypatch
):
    from certificates.compliance import cache

    people = [make_user(f"parche{n}@ejemplo.hn", position="consul") for n in range(4)]
    make_rule(course, hr_user)
    complete(people[0])
    today = services.today()

    def key(rows):
        return sorted((r.assignment_id, r.user_id, r.office_id, r.standing) for r in rows)

    queries.cached_rows(queries.snapshot(), today)  # warm
    full_reads = []
    real = queries.load_facts

    def counting(*args, **kwargs):
        if not args and not kwargs:
            full_reads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "load_facts", counting)
    changes = [
        lambda: complete(people[1]),
        lambda: auth_services.update_user(people[2], admin, office=_office("veracruz")),
        lambda: services.grant_waiver(
            db.session.scalar(select(Assignment).where(Assignment.user_id == people[3].id)),
            hr_user,
            "Licencia.",
            None,
        ),
        lambda: auth_services.update_user(people[0], admin, is_active=False),
    ]
    for change in changes:
        change()
        db.session.commit()
        rows = queries.cached_rows(queries.snapshot(), today)
        assert key(rows) == key(queries.rows_on(today, real()))
    assert full_reads == []  # every change was applied person by person
    # A rule edit concerns anyone: read everything again.
    db.session.scalar(select(Assignment)).requirement.due_within_days = 10
    db.session.commit()
    assert cache.changed_people(*[cache.stamp()[1] - 1, cache.stamp()[1]]) is None
    queries.cached_rows(queries.snapshot(), today)
    assert full_reads == [1]
