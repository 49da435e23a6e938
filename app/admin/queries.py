"""Read side for the administration pages and the staff panels."""

from sqlalchemy import Select, func, or_, select

from app.audit import AuditEvent
from app.auth.models import HrOfficeScope, Office, Position, User, UserRole
from app.extensions import db


def users_query(
    text: str | None = None,
    office_id: int | None = None,
    role: str | None = None,
    status: str | None = None,
) -> Select:
    """Users matching the filters, ordered by name."""
    query = select(User).order_by(User.display_name, User.id)
    if text:
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(like), User.email.like(like)))
    if office_id:
        query = query.where(User.office_id == office_id)
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status == "active":
        query = query.where(User.is_active.is_(True))
    elif status == "inactive":
        query = query.where(User.is_active.is_(False))
    return query


def offices_with_staff() -> list[tuple[Office, int]]:
    """Every office (open first) with its number of active users."""
    staff = (
        select(User.office_id, func.count(User.id).label("n"))
        .where(User.is_active.is_(True))
        .group_by(User.office_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Office, func.coalesce(staff.c.n, 0))
        .outerjoin(staff, staff.c.office_id == Office.id)
        .order_by(Office.closed_at.is_not(None), Office.kind.desc(), Office.name)
    )
    return [(office, count) for office, count in rows]


def open_offices() -> list[Office]:
    """Offices that are open, by name."""
    return list(
        db.session.scalars(select(Office).where(Office.closed_at.is_(None)).order_by(Office.name))
    )


def all_positions() -> list[Position]:
    """Every position, by Spanish name."""
    return list(db.session.scalars(select(Position).order_by(Position.name_es)))


def role_counts() -> dict[str, int]:
    """Active users per role."""
    rows = db.session.execute(
        select(UserRole.role, func.count(UserRole.id))
        .join(User, User.id == UserRole.user_id)
        .where(User.is_active.is_(True))
        .group_by(UserRole.role)
    )
    return dict(rows.all())


def staff_by_office_and_position() -> list[tuple[Office, Position | None, int]]:
    """Active staff counted per open office and position."""
    rows = db.session.execute(
        select(Office, Position, func.count(User.id))
        .join(User, User.office_id == Office.id)
        .outerjoin(Position, Position.id == User.position_id)
        .where(User.is_active.is_(True), Office.closed_at.is_(None))
        .group_by(Office.id, Position.id)
        .order_by(Office.name, Position.name_es)
    )
    return list(rows.tuples())


def audit_query(action: str | None = None, actor: str | None = None) -> Select:
    """Audit events, newest first, filtered by action prefix and actor e-mail."""
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action.strip()))
    if actor:
        query = query.where(AuditEvent.actor_email.like(f"%{actor.strip().lower()}%"))
    return query


def recent_audit_events(limit: int = 8) -> list[AuditEvent]:
    """The latest audit events."""
    return list(db.session.scalars(audit_query().limit(limit)))


def manager_candidates(office: Office) -> list[User]:
    """Active people who may manage the office: its staff first, then everyone else."""
    users = db.session.scalars(
        select(User).where(User.is_active.is_(True)).order_by(User.display_name)
    ).all()
    return sorted(users, key=lambda u: u.office_id != office.id)


def hr_offices(user: User) -> set[int]:
    """The offices a human-resources user is limited to (empty: all)."""
    return set(
        db.session.scalars(select(HrOfficeScope.office_id).where(HrOfficeScope.user_id == user.id))
    )
