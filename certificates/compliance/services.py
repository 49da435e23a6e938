"""Compliance rules: requirements, assignments kept in step with staff moves, waivers, versions.

Assignments follow the rules automatically: when a person joins, moves or leaves (the core's
``staff_changed``) and when a rule is created, changed or retired. Nothing is deleted: an
assignment that no longer applies is ended, with the reason. State changes flush; the caller
commits once.
"""

from datetime import date, timedelta

from sqlalchemy import select

from app.audit import record_event
from app.auth.models import StaffPeriod, User
from app.auth.services import today
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from certificates.compliance.models import Assignment, Requirement, VersionRequirement, Waiver


class InvalidRule(DomainError):
    """A requirement needs a course and a scope (a position, an office or both)."""

    message = _l("Choose the course and at least a position or an office.")


class WaiverNotAllowed(DomainError):
    """Waivers need a reason and an end after their start."""

    message = _l("A waiver needs a reason, and its end date must come after today.")


def _entered_on(user: User) -> date:
    """When the person entered their current office and position (their staff period)."""
    period = db.session.scalar(
        select(StaffPeriod).where(StaffPeriod.user_id == user.id, StaffPeriod.ended_on.is_(None))
    )
    return period.started_on if period is not None else today()


def due_date(requirement: Requirement, entered_on: date) -> date:
    """N days from joining the scope, or from the rule's start if that is later."""
    return max(entered_on, requirement.starts_on) + timedelta(days=requirement.due_within_days)


def _active_requirements() -> list[Requirement]:
    return list(db.session.scalars(select(Requirement).where(Requirement.retired_at.is_(None))))


def _open_rule_assignments(user_id: int) -> dict[int, Assignment]:
    rows = db.session.scalars(
        select(Assignment).where(
            Assignment.user_id == user_id,
            Assignment.ended_on.is_(None),
            Assignment.requirement_id.is_not(None),
        )
    )
    return {a.requirement_id: a for a in rows}


def _end(assignment: Assignment, reason: str, day: date) -> None:
    if assignment.started_on >= day:
        # Ended on the day it began: it never applied. Mark it so, keeping the row.
        assignment.ended_on = assignment.started_on
    else:
        assignment.ended_on = day
    assignment.end_reason = reason


def sync_user(user: User, day: date | None = None) -> None:
    """Make the person's rule assignments match the rules for their office and position."""
    day = day or today()
    wanted = {
        r.id: r
        for r in _active_requirements()
        if user.is_active and r.applies_to(user.office_id, user.position_id)
    }
    existing = _open_rule_assignments(user.id)
    for requirement_id, assignment in existing.items():
        if requirement_id not in wanted:
            _end(assignment, "deactivated" if not user.is_active else "left_scope", day)
    entered = _entered_on(user) if set(wanted) - set(existing) else day
    for requirement_id, requirement in wanted.items():
        if requirement_id not in existing:
            db.session.add(
                Assignment(
                    user_id=user.id,
                    course_id=requirement.course_id,
                    requirement_id=requirement.id,
                    due_on=due_date(requirement, entered),
                    started_on=day,
                )
            )
    db.session.flush()


def on_staff_changed(sender, user, **extra) -> None:
    """Receiver for the core's ``staff_changed``: follow the person's move."""
    sync_user(user)


def sync_requirement(requirement: Requirement, day: date | None = None) -> tuple[int, int]:
    """Create and end the rule's assignments for every active person; returns (added, ended).

    Open assignments keep their start but get the rule's new deadline.
    """
    day = day or today()
    open_rows = {
        a.user_id: a
        for a in db.session.scalars(
            select(Assignment).where(
                Assignment.requirement_id == requirement.id, Assignment.ended_on.is_(None)
            )
        )
    }
    added = ended = 0
    if requirement.retired_at is None:
        query = (
            select(User, StaffPeriod.started_on)
            .outerjoin(
                StaffPeriod, (StaffPeriod.user_id == User.id) & StaffPeriod.ended_on.is_(None)
            )
            .where(User.is_active.is_(True))
        )
        if requirement.position_id is not None:
            query = query.where(User.position_id == requirement.position_id)
        if requirement.office_id is not None:
            query = query.where(User.office_id == requirement.office_id)
        in_scope = {user.id: (user, entered or day) for user, entered in db.session.execute(query)}
    else:
        in_scope = {}
    for user_id, assignment in open_rows.items():
        if user_id not in in_scope:
            _end(assignment, "rule_retired" if requirement.retired_at else "left_scope", day)
            ended += 1
    for user_id, (_user, entered) in in_scope.items():
        assignment = open_rows.get(user_id)
        if assignment is None:
            db.session.add(
                Assignment(
                    user_id=user_id,
                    course_id=requirement.course_id,
                    requirement_id=requirement.id,
                    due_on=due_date(requirement, entered),
                    started_on=day,
                )
            )
            added += 1
        else:
            assignment.due_on = due_date(requirement, entered)
    db.session.flush()
    return added, ended


def save_requirement(
    requirement: Requirement | None,
    actor,
    *,
    course_id: int,
    position_id: int | None,
    office_id: int | None,
    due_within_days: int,
    starts_on: date,
    renewal_months: int | None,
    note: str | None,
) -> Requirement:
    """Create or change a rule and bring its assignments in line.

    :raises InvalidRule: without a course or without any scope.
    """
    if not course_id or (position_id is None and office_id is None):
        raise InvalidRule()
    created = requirement is None
    requirement = requirement or Requirement(created_by_id=getattr(actor, "id", None))
    requirement.course_id, requirement.position_id, requirement.office_id = (
        course_id,
        position_id,
        office_id,
    )
    requirement.due_within_days, requirement.starts_on = due_within_days, starts_on
    requirement.renewal_months, requirement.note = renewal_months, note or None
    requirement.updated_at = utcnow()
    db.session.add(requirement)
    db.session.flush()
    added, ended = sync_requirement(requirement)
    record_event(
        "requirement.created" if created else "requirement.updated",
        actor=actor,
        target=requirement,
        assignments_added=added,
        assignments_ended=ended,
    )
    return requirement


def retire_requirement(requirement: Requirement, actor) -> int:
    """Retire a rule: its open assignments end. Returns how many."""
    requirement.retired_at = utcnow()
    _added, ended = sync_requirement(requirement)
    record_event("requirement.retired", actor=actor, target=requirement, assignments_ended=ended)
    return ended


def assign(user: User, course_id: int, due_on: date, actor, note: str | None = None) -> Assignment:
    """Assign a course to a person by hand, with a due date."""
    assignment = Assignment(
        user_id=user.id,
        course_id=course_id,
        due_on=due_on,
        started_on=today(),
        assigned_by_id=getattr(actor, "id", None),
        note=note or None,
    )
    db.session.add(assignment)
    db.session.flush()
    record_event(
        "assignment.created",
        actor=actor,
        target=assignment,
        user=user.id,
        course=course_id,
        due_on=due_on.isoformat(),
    )
    return assignment


def end_assignment(assignment: Assignment, actor, reason: str = "ended_by_hr") -> None:
    """End an assignment made by hand (rule assignments follow their rule)."""
    if assignment.ended_on is None:
        _end(assignment, reason, today())
        record_event("assignment.ended", actor=actor, target=assignment, reason=reason)
        db.session.flush()


def grant_waiver(assignment: Assignment, approver, reason: str, expires_on: date | None) -> Waiver:
    """Exempt a person from an assignment until ``expires_on`` (None: until revoked).

    :raises WaiverNotAllowed: without a reason, or with an end date not after today.
    """
    reason = (reason or "").strip()
    if not reason or (expires_on is not None and expires_on <= today()):
        raise WaiverNotAllowed()
    waiver = Waiver(
        assignment_id=assignment.id,
        approver_id=approver.id,
        reason=reason,
        starts_on=today(),
        expires_on=expires_on,
    )
    db.session.add(waiver)
    db.session.flush()
    record_event(
        "waiver.granted",
        actor=approver,
        target=waiver,
        assignment=assignment.id,
        expires_on=expires_on.isoformat() if expires_on else None,
    )
    return waiver


def revoke_waiver(waiver: Waiver, actor) -> None:
    """End a waiver today."""
    if waiver.revoked_on is None:
        waiver.revoked_on = max(today(), waiver.starts_on)
        record_event("waiver.revoked", actor=actor, target=waiver)
        db.session.flush()


def require_version(
    course_id: int, min_version: int, required_by: date, reason: str, actor
) -> VersionRequirement:
    """From ``required_by``, only certificates of ``min_version`` or later count for the course."""
    rule = VersionRequirement(
        course_id=course_id,
        min_version=min_version,
        required_by=required_by,
        reason=reason,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(rule)
    db.session.flush()
    record_event(
        "version.required",
        actor=actor,
        target=rule,
        course=course_id,
        min_version=min_version,
        required_by=required_by.isoformat(),
    )
    return rule
