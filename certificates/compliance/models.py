"""Training requirements, the assignments they create, waivers, version rules and reminders.

Nothing is deleted: rules are retired, assignments ended, waivers revoked; the history is
what point-in-time questions ("who was compliant on date D") are answered from.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.extensions import db


class Requirement(db.Model):
    """Staff in a position (and/or an office) must hold a course, by a deadline, renewed."""

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    due_within_days: Mapped[int]  # of joining the scope, or of the rule's start
    starts_on: Mapped[date]
    renewal_months: Mapped[int | None]  # None: the course's certificate validity
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    course = relationship("Course")
    position = relationship("Position")
    office = relationship("Office")

    def applies_to(self, office_id: int | None, position_id: int | None) -> bool:
        """True when a person in that office and position falls under the rule."""
        return (self.position_id is None or self.position_id == position_id) and (
            self.office_id is None or self.office_id == office_id
        )

    def __repr__(self) -> str:
        return f"<Requirement {self.id} course={self.course_id}>"


class Assignment(db.Model):
    """A person must hold a course by a date: from a rule, or assigned by hand."""

    __tablename__ = "assignments"
    __table_args__ = (
        # One open assignment per person and rule (manual ones have no rule).
        Index(
            "uq_assignments_open",
            "user_id",
            "requirement_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL AND requirement_id IS NOT NULL"),
            postgresql_where=text("ended_on IS NULL AND requirement_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("requirements.id"), index=True)
    due_on: Mapped[date]
    started_on: Mapped[date]  # in force from this day…
    ended_on: Mapped[date | None]  # …until this day (exclusive); None: still in force
    end_reason: Mapped[str | None] = mapped_column(String(40))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    requirement: Mapped[Requirement | None] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    course = relationship("Course")
    waivers: Mapped[list["Waiver"]] = relationship(
        back_populates="assignment", order_by="Waiver.id"
    )

    @property
    def source(self) -> str:
        """``rule`` or ``manual``."""
        return "rule" if self.requirement_id else "manual"

    def __repr__(self) -> str:
        return f"<Assignment {self.user_id} course={self.course_id} due={self.due_on}>"


class Waiver(db.Model):
    """An exemption from an assignment: approved by someone, for a reason, until a date."""

    __tablename__ = "waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    expires_on: Mapped[date | None]
    revoked_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="waivers")
    approver = relationship("User")

    def __repr__(self) -> str:
        return f"<Waiver {self.assignment_id}>"


class VersionRequirement(db.Model):
    """From a date on, only certificates of a course version or later count (law changes)."""

    __tablename__ = "version_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    min_version: Mapped[int]
    required_by: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    course = relationship("Course")

    def __repr__(self) -> str:
        return f"<VersionRequirement course={self.course_id} v{self.min_version}>"


class ReminderSent(db.Model):
    """A reminder e-mailed for an assignment: the database refuses to send the same one twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("assignment_id", "rung", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    rung: Mapped[str] = mapped_column(String(40))  # e.g. before-30, due, overdue-w2
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_manager_copy: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReminderSent {self.assignment_id}:{self.rung}>"


class ComplianceState(db.Model):
    """One row: this database's random token and two counters (``certificates.compliance.cache``).

    ``version`` moves with every change to a compliance fact; ``history`` only with changes that
    can alter answers for days already past (rule edits, back-dated rows, deletions).
    """

    __tablename__ = "compliance_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=0)
    history: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ComplianceState {self.version}>"


class ComplianceChange(db.Model):
    """Whose facts a data version changed (``user_id`` None: anyone's, read everything again).

    Lets every process bring its cached facts up to date by re-reading only those people.
    """

    __tablename__ = "compliance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<ComplianceChange v{self.version} user={self.user_id}>"
