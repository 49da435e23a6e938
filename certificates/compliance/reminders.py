"""Reminder e-mails on a ladder: before the deadline, on it, weekly when overdue.

Safe to run as often as wanted (cron, by hand, two at once): each reminder is first claimed by
inserting its ``ReminderSent`` row, which the database allows once per assignment, rung and
recipient, then sent; a failed send releases the claim so the next run tries again.

The deadline is the certificate's end when one is in force or has lapsed (renewal), otherwise
the assignment's due date. The rung key carries that deadline, so the ladder starts again for
the next renewal and when HR moves a due date.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import record_event
from app.auth.models import Office, User
from app.extensions import db
from app.i18n import _, force_locale
from app.mail import send_templated_email
from certificates.compliance.models import ReminderSent
from certificates.compliance.queries import Row, load_facts, rows_on
from courses.models import Course

DEFAULT_DAYS_BEFORE = (30, 7)
DEFAULT_OVERDUE_EVERY = 7


def rung_for(
    day: date,
    deadline: date,
    days_before: Iterable[int] = DEFAULT_DAYS_BEFORE,
    overdue_every: int = DEFAULT_OVERDUE_EVERY,
) -> str | None:
    """The ladder's rung on ``day`` for ``deadline`` (None: too early for any reminder).

    Before the deadline, the nearest rung already reached (``before-7`` five days ahead, so a
    late assignment gets one reminder, not the whole ladder); ``due`` on the day; then
    ``overdue-w1``, ``overdue-w2``… one per ``overdue_every`` days.
    """
    offsets = sorted(d for d in days_before if d > 0)
    left = (deadline - day).days
    if left > 0:
        reached = [d for d in offsets if d >= left]
        return f"before-{reached[0]}" if reached else None
    if left == 0:
        return "due"
    return f"overdue-w{(-left - 1) // overdue_every + 1}"


def deadline_of(row: Row) -> date | None:
    """The date a reminder counts towards (None: nothing to remind, e.g. waived)."""
    standing = row.standing
    if standing.status == "waived":
        return None
    if standing.valid_until is not None and standing.status in ("certified", "due_soon", "expired"):
        return standing.valid_until
    return standing.due_on


@dataclass(frozen=True)
class Reminder:
    """One e-mail to send: to the person, or the overdue copy to their office's manager."""

    assignment_id: int
    rung: str  # "<deadline>/<rung>"
    recipient_id: int
    person_id: int
    course_id: int
    deadline: date
    kind: str  # before, due, overdue
    manager_copy: bool = False


@dataclass
class Outcome:
    """What a run did."""

    sent: int = 0
    manager_copies: int = 0
    already_sent: int = 0
    failed: int = 0
    planned: list[Reminder] | None = None


def due_reminders(day: date) -> list[Reminder]:
    """Every reminder the ladder calls for on ``day`` (sent or not)."""
    config = current_app.config
    days_before = config.get("HR_REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE)
    every = config.get("HR_REMINDER_OVERDUE_EVERY_DAYS", DEFAULT_OVERDUE_EVERY)
    rows = rows_on(day, load_facts())
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_({r.user_id for r in rows})))
    }
    managers = dict(
        db.session.execute(
            select(Office.id, Office.manager_id).where(Office.manager_id.is_not(None))
        ).all()
    )
    out = []
    for row in rows:
        person = users.get(row.user_id)
        deadline = deadline_of(row)
        if person is None or not person.is_active or deadline is None:
            continue
        rung = rung_for(day, deadline, days_before, every)
        if rung is None:
            continue
        kind = rung.split("-")[0]
        key = f"{deadline.isoformat()}/{rung}"
        base = {
            "assignment_id": row.assignment_id,
            "rung": key,
            "person_id": person.id,
            "course_id": row.course_id,
            "deadline": deadline,
            "kind": kind,
        }
        out.append(Reminder(recipient_id=person.id, **base))
        manager_id = managers.get(person.office_id)
        if kind == "overdue" and manager_id and manager_id != person.id:
            out.append(Reminder(recipient_id=manager_id, manager_copy=True, **base))
    return out


def _claim(reminder: Reminder) -> bool:
    """Record the reminder as sent; False if another run already did."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderSent(
                    assignment_id=reminder.assignment_id,
                    rung=reminder.rung,
                    recipient_id=reminder.recipient_id,
                    is_manager_copy=reminder.manager_copy,
                )
            )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _release(reminder: Reminder) -> None:
    db.session.execute(
        ReminderSent.__table__.delete().where(
            ReminderSent.assignment_id == reminder.assignment_id,
            ReminderSent.rung == reminder.rung,
            ReminderSent.recipient_id == reminder.recipient_id,
        )
    )
    db.session.commit()


def _subject(reminder: Reminder, person: User, course_title: str) -> str:
    """The subject line, in the active locale."""
    if reminder.manager_copy:
        return _(
            "Overdue training in your office: %(name)s, %(course)s",
            name=person.display_name,
            course=course_title,
        )
    if reminder.kind == "before":
        return _(
            "Training due on %(date)s: %(course)s",
            date=format_date(reminder.deadline, "long"),
            course=course_title,
        )
    if reminder.kind == "due":
        return _("Training due today: %(course)s", course=course_title)
    return _("Training overdue: %(course)s", course=course_title)


def _send(reminder: Reminder, recipients: dict[int, User], courses: dict[int, Course]) -> None:
    from certificates.services import public_url

    recipient = recipients[reminder.recipient_id]
    person = recipients[reminder.person_id]
    course = courses[reminder.course_id]
    lang = recipient.language
    course_title = course.current_version.title(lang) if course.current_version else course.code
    with force_locale(lang):
        subject = _subject(reminder, person, course_title)
    send_templated_email(
        recipient.email,
        lang,
        "training_reminder_manager" if reminder.manager_copy else "training_reminder",
        subject,
        recipient=recipient,
        person=person,
        course_title=course_title,
        course_code=course.code,
        deadline=reminder.deadline,
        kind=reminder.kind,
        link=public_url("courses.detail", slug=course.slug),
    )


def send_reminders(
    day: date, *, dry_run: bool = False, progress: Callable[[Iterable], Iterable] | None = None
) -> Outcome:
    """Send every reminder due on ``day`` that no run has sent yet."""
    planned = due_reminders(day)
    already = set(
        db.session.execute(
            select(ReminderSent.assignment_id, ReminderSent.rung, ReminderSent.recipient_id)
        ).all()
    )
    outcome = Outcome()
    to_send = []
    for reminder in planned:
        if (reminder.assignment_id, reminder.rung, reminder.recipient_id) in already:
            outcome.already_sent += 1
        else:
            to_send.append(reminder)
    if dry_run:
        outcome.planned = to_send
        return outcome
    people = {r.recipient_id for r in to_send} | {r.person_id for r in to_send}
    recipients = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people)))}
    courses = {
        c.id: c
        for c in db.session.scalars(
            select(Course).where(Course.id.in_({r.course_id for r in to_send}))
        )
    }
    for reminder in progress(to_send) if progress else to_send:
        if not recipients[reminder.recipient_id].is_active:
            continue
        if not _claim(reminder):
            outcome.already_sent += 1
            continue
        try:
            _send(reminder, recipients, courses)
        except Exception:  # noqa: BLE001 - SMTP, DNS, disk: retried on the next run
            current_app.logger.exception("could not send reminder %s", reminder)
            _release(reminder)
            record_event(
                "mail.failed", target=recipients[reminder.recipient_id], template="reminder"
            )
            db.session.commit()
            outcome.failed += 1
            continue
        if reminder.manager_copy:
            outcome.manager_copies += 1
        else:
            outcome.sent += 1
    return outcome
