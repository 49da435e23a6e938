"""Reminder ladder: each reminder once, in the recipient's language, manager copy when overdue."""

import threading
from datetime import date, timedelta
from email.header import decode_header, make_header

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth.models import Office
from app.db import utcnow
from app.extensions import db
from app.seed import load_reference_data
from certificates.compliance import reminders, services
from certificates.compliance.models import ReminderSent
from courses import content_source
from courses import services as course_services
from courses.models import Course
from tests.certificates.helpers import make_rule
from tests.conftest import run_together
from tests.factories import make_user, message_text


@pytest.mark.parametrize(
    ("left", "rung"),
    [
        (45, None),
        (31, None),
        (30, "before-30"),
        (8, "before-30"),
        (7, "before-7"),
        (1, "before-7"),
        (0, "due"),
        (-1, "overdue-w1"),
        (-7, "overdue-w1"),
        (-8, "overdue-w2"),
        (-15, "overdue-w3"),
    ],
)
def test_the_ladder(left, rung):
    deadline = date(2027, 3, 1)
    assert reminders.rung_for(deadline - timedelta(days=left), deadline) == rung


def test_the_ladder_follows_configured_offsets():
    deadline = date(2027, 3, 1)
    assert reminders.rung_for(deadline - timedelta(days=50), deadline, (60, 14, 1)) == "before-60"
    assert reminders.rung_for(deadline - timedelta(days=1), deadline, (60, 14, 1)) == "before-1"
    assert reminders.rung_for(deadline + timedelta(days=3), deadline, (), 2) == "overdue-w2"


def _office(code):
    return db.session.scalar(select(Office).filter_by(code=code))


def _send(runner, day):
    return runner.invoke(args=["hr", "send-reminders", "--date", day.isoformat()])


def test_running_twice_sends_each_reminder_once(runner, outbox, course, hr_user):
    person = make_user("recordar@ejemplo.hn", position="consul", display_name="Rosa Recordar")
    make_rule(course, hr_user, days=60)
    due = services.today() + timedelta(days=60)
    assert _send(runner, due - timedelta(days=40)).exit_code == 0
    assert outbox() == []  # too early
    first = _send(runner, due - timedelta(days=30))
    second = _send(runner, due - timedelta(days=29))
    assert first.exit_code == second.exit_code == 0
    assert "1 se habían enviado antes" in second.output
    messages = outbox()
    assert len(messages) == 1
    assert messages[0]["To"] == person.email
    body = message_text(messages[0])
    assert "Rosa Recordar" in body and "Curso de muestra" in body  # Spanish course title
    assert "/cursos/" in body
    _send(runner, due - timedelta(days=7))
    _send(runner, due)
    _send(runner, due)
    assert len(outbox()) == 3


def test_overdue_copy_goes_to_the_office_manager_in_their_language(runner, outbox, course, hr_user):
    manager = make_user(
        "jefa@ejemplo.hn", position="consul", office="veracruz", language="en", display_name="Jefa"
    )
    _office("tapachula").manager_id = manager.id
    _office("veracruz").manager_id = None
    db.session.commit()
    person = make_user("tarde@ejemplo.hn", position="consul", display_name="Tomás Tarde")
    make_rule(course, hr_user, days=10)
    due = services.today() + timedelta(days=10)
    with time_machine.travel(utcnow() + timedelta(days=11)):
        _send(runner, due + timedelta(days=1))
        _send(runner, due + timedelta(days=3))
    messages = outbox()
    to = sorted(m["To"] for m in messages)
    # Person: overdue week 1; manager (in Veracruz, no manager of hers): her own reminder.
    # The copy about Tomás goes to the Tapachula manager, once.
    copies = [m for m in messages if "Tomás Tarde" in message_text(m) and m["To"] == manager.email]
    assert len(copies) == 1
    assert "As manager of the office" in message_text(copies[0])
    assert "Overdue training" in str(make_header(decode_header(copies[0]["Subject"])))
    assert to.count(person.email) == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(ReminderSent).where(ReminderSent.is_manager_copy)
        )
        == 1
    )
    # Next week: one more reminder each, one more copy.
    with time_machine.travel(utcnow() + timedelta(days=19)):
        _send(runner, due + timedelta(days=8))
    assert len([m for m in outbox() if m["To"] == person.email]) == 2


def test_waived_and_certified_people_get_nothing(runner, outbox, course, hr_user, complete):
    certified = make_user("certificada@ejemplo.hn", position="consul")
    waived = make_user("exenta@ejemplo.hn", position="consul")
    make_rule(course, hr_user, days=5)
    complete(certified)
    assignment = next(a for a in services_assignments() if a.user_id == waived.id)
    services.grant_waiver(assignment, hr_user, "Licencia.", None)
    db.session.commit()
    _send(runner, services.today() + timedelta(days=5))
    assert outbox() == []


def services_assignments():
    from certificates.compliance.models import Assignment

    return db.session.scalars(select(Assignment)).all()


def test_a_failed_send_is_retried_next_run(runner, outbox, course, hr_user, monkeypatch):
    make_user("fallo@ejemplo.hn", position="consul")
    make_rule(course, hr_user, days=3)

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(reminders, "send_templated_email", broken)
    failed = _send(runner, services.today())
    assert failed.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0
    monkeypatch.undo()
    assert _send(runner, services.today()).exit_code == 0
    assert len(outbox()) == 1


def test_dry_run_sends_nothing(runner, outbox, course, hr_user):
    make_user("ensayo@ejemplo.hn", position="consul")
    make_rule(course, hr_user, days=3)
    result = runner.invoke(args=["hr", "send-reminders", "--dry-run"])
    assert result.exit_code == 0 and "before-7" in result.output
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0


def test_two_runs_at_once_send_once(race_app):
    app = race_app
    with app.app_context():
        db.create_all()
        load_reference_data()
        course_services.sync_courses(content_source.load())
        hr = make_user("rrhh-carrera@ejemplo.hn", roles=("hr",))
        make_user("carrera-rec@ejemplo.hn", position="consul")
        course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
        make_rule(course, hr, days=3)
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        with app.app_context():
            barrier.wait()
            outcomes.append(reminders.send_reminders(services.today()))

    run_together(run)
    assert sorted(o.sent for o in outcomes) == [0, 1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 1


def test_the_person_page_lists_reminders_sent(runner, client, login, course, hr_user):
    person = make_user("pagina-rec@ejemplo.hn", position="consul")
    make_rule(course, hr_user, days=3)
    _send(runner, services.today())
    login(hr_user)
    page = client.get(f"/rrhh/persona/{person.id}").get_data(as_text=True)
    assert "Recordatorios enviados" in page and "7 días antes" in page
