"""Rules for offices and positions (users are handled by app.auth.services)."""

from sqlalchemy import select

from app.audit import record_event
from app.auth.models import HrOfficeScope, Office, Position, User
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l


class CodeTaken(DomainError):
    """The code is already used."""

    message = _l("This code is already in use; choose another one.")


def _check_code(model, code: str) -> None:
    if db.session.scalar(select(model.id).where(model.code == code)) is not None:
        raise CodeTaken()


def create_office(**fields) -> Office:
    """Add an office.

    :raises CodeTaken: when another office has the code.
    """
    _check_code(Office, fields["code"])
    office = Office(**fields)
    db.session.add(office)
    db.session.flush()
    record_event("office.created", target=office, name=office.name)
    return office


def update_record(row: Office | Position, **fields) -> None:
    """Rename or re-describe an office or position (its code never changes); audit the change."""
    fields.pop("code", None)
    changes = {k: [getattr(row, k), v] for k, v in fields.items() if getattr(row, k) != v}
    for key, (_before, after) in changes.items():
        setattr(row, key, after)
    if changes:
        kind = "office" if isinstance(row, Office) else "position"
        record_event(f"{kind}.updated", target=row, changes=changes)


def close_office(office: Office) -> None:
    """Close an office; its staff and history stay."""
    if office.closed_at is None:
        office.closed_at = utcnow()
        record_event("office.closed", target=office)


def reopen_office(office: Office) -> None:
    """Reopen a closed office."""
    if office.closed_at is not None:
        office.closed_at = None
        record_event("office.reopened", target=office)


def create_position(**fields) -> Position:
    """Add a position.

    :raises CodeTaken: when another position has the code.
    """
    _check_code(Position, fields["code"])
    position = Position(**fields)
    db.session.add(position)
    db.session.flush()
    record_event("position.created", target=position, name=position.name_es)
    return position


def set_manager(office: Office, manager: User | None) -> None:
    """Name the office's manager (None: nobody), who gets the overdue reminders' copies."""
    if office.manager_id != (manager.id if manager else None):
        office.manager = manager
        record_event(
            "office.manager_set", target=office, manager=manager.email if manager else None
        )


def set_hr_offices(user: User, office_ids: set[int]) -> None:
    """Limit a human-resources user to these offices (empty: every office)."""
    current = {
        scope.office_id: scope
        for scope in db.session.scalars(
            select(HrOfficeScope).where(HrOfficeScope.user_id == user.id)
        )
    }
    if set(current) == office_ids:
        return
    for office_id, scope in current.items():
        if office_id not in office_ids:
            db.session.delete(scope)
    for office_id in office_ids - set(current):
        db.session.add(HrOfficeScope(user_id=user.id, office_id=office_id))
    record_event("user.hr_offices_set", target=user, offices=sorted(office_ids))
