"""User, role membership, Office and Position tables."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import TimestampMixin, utcnow
from app.extensions import db
from app.security import Role


class Office(TimestampMixin, db.Model):
    """A consulate or the Dirección General; closed offices keep their history."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20), default="consulate")  # consulate | directorate
    city: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64), default="America/Mexico_City")
    closed_at: Mapped[datetime | None]
    # Who receives copies of overdue-training reminders for the office's staff.
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, name="fk_offices_manager_id_users")
    )

    users: Mapped[list["User"]] = relationship(
        back_populates="office", foreign_keys="User.office_id"
    )
    manager: Mapped["User | None"] = relationship(foreign_keys=[manager_id], post_update=True)

    @property
    def is_open(self) -> bool:
        """True while the office has not been closed."""
        return self.closed_at is None

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class Position(TimestampMixin, db.Model):
    """A job role in the network (protection officer, consul…), named in both languages."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_es: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    retired_at: Mapped[datetime | None]

    users: Mapped[list["User"]] = relationship(back_populates="position")

    def name_for(self, locale: str) -> str:
        """Return the name in ``locale`` (Spanish unless English is asked for)."""
        return self.name_en if str(locale).startswith("en") else self.name_es

    def __repr__(self) -> str:
        return f"<Position {self.code}>"


class UserRole(db.Model):
    """Membership of one user in one role."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User"] = relationship(back_populates="role_links")

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id}:{self.role}>"


class User(UserMixin, TimestampMixin, db.Model):
    """A person with an account; deactivated users keep their records but cannot log in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="es")
    is_active: Mapped[bool] = mapped_column(default=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    hire_date: Mapped[date | None]
    last_login_at: Mapped[datetime | None]
    previous_login_at: Mapped[datetime | None]
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Part of the login session id: bumping it signs out every other session of this user.
    session_version: Mapped[int] = mapped_column(default=1)

    office: Mapped[Office | None] = relationship(back_populates="users", foreign_keys=[office_id])
    position: Mapped[Position | None] = relationship(back_populates="users")
    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def get_id(self) -> str:
        """Return the Flask-Login id: user id and session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> set[Role]:
        """The roles this user holds."""
        return {Role(link.role) for link in self.role_links}

    def has_role(self, role: Role) -> bool:
        """True if the user holds ``role``."""
        return role in self.roles

    def has_any_role(self, *roles: Role) -> bool:
        """True if the user holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[Role]) -> None:
        """Replace the user's roles with ``roles``."""
        wanted = {Role(r) for r in roles}
        self.role_links = [link for link in self.role_links if Role(link.role) in wanted]
        have = self.roles
        self.role_links.extend(UserRole(role=r.value) for r in sorted(wanted - have))

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class StaffPeriod(db.Model):
    """A stretch of time a person spent in one office and position (active or not).

    The core keeps this history so that "who had to hold what on date D" can be answered
    from the past, not from today's state.
    """

    __tablename__ = "staff_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]  # the day the next period started

    def __repr__(self) -> str:
        return f"<StaffPeriod {self.user_id} {self.started_on}>"


class HrOfficeScope(db.Model):
    """An office a human-resources user is limited to (none: every office)."""

    __tablename__ = "hr_office_scopes"
    __table_args__ = (UniqueConstraint("user_id", "office_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))

    def __repr__(self) -> str:
        return f"<HrOfficeScope {self.user_id}:{self.office_id}>"
