"""Certificates, their history and the log of public verifications; nothing is ever deleted.

One certificate per person, course and certification period.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.extensions import db

STATUSES = ("valid", "expiring", "expired", "revoked", "superseded")


class Certificate(db.Model):
    """A certificate as issued: the facts it states are frozen at issue and never re-dated."""

    __tablename__ = "certificates"
    __table_args__ = (
        # Exactly one certificate per person, course and certification period.
        UniqueConstraint("user_id", "course_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str | None] = mapped_column(String(20), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # verification code
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"), index=True)
    period: Mapped[int]
    holder_name: Mapped[str] = mapped_column(String(120))
    course_code: Mapped[str] = mapped_column(String(20))
    course_title_es: Mapped[str] = mapped_column(String(200))
    course_title_en: Mapped[str | None] = mapped_column(String(200))
    version_label: Mapped[str] = mapped_column(String(40))
    hours: Mapped[float] = mapped_column(Float)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    renewal_required_at: Mapped[datetime | None]  # HR asked for a new period on completion
    credential: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # signed OB 3.0 credential
    token: Mapped[str | None] = mapped_column(Text)  # compact signed payload (JWS)
    pdf_path: Mapped[str | None] = mapped_column(String(255))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_rendered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    course = relationship("Course")
    supersedes: Mapped["Certificate | None"] = relationship(
        foreign_keys=[supersedes_id], remote_side="Certificate.id"
    )
    superseded_by: Mapped["Certificate | None"] = relationship(
        foreign_keys=[superseded_by_id], remote_side="Certificate.id", post_update=True
    )
    events: Mapped[list["CertificateEvent"]] = relationship(
        back_populates="certificate", order_by="CertificateEvent.id"
    )

    def title(self, locale: str) -> str:
        """The course title in ``locale``, falling back to Spanish."""
        if str(locale).startswith("en") and self.course_title_en:
            return self.course_title_en
        return self.course_title_es

    def status(self, now: datetime, expiring_days: int) -> str:
        """Lifecycle state: valid, expiring (soon), expired, revoked or superseded."""
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_by_id is not None:
            return "superseded"
        if now >= self.expires_at:
            return "expired"
        if now >= self.expires_at - timedelta(days=expiring_days):
            return "expiring"
        return "valid"

    @classmethod
    def status_is(cls, status: str, now: datetime, expiring_days: int):
        """The SQL twin of ``status()``: a condition true for certificates in ``status``."""
        if status == "revoked":
            return cls.revoked_at.is_not(None)
        if status == "superseded":
            return and_(cls.revoked_at.is_(None), cls.superseded_by_id.is_not(None))
        live = and_(cls.revoked_at.is_(None), cls.superseded_by_id.is_(None))
        if status == "expired":
            return and_(live, cls.expires_at <= now)
        soon = now + timedelta(days=expiring_days)
        if status == "expiring":
            return and_(live, cls.expires_at > now, cls.expires_at <= soon)
        return and_(live, cls.expires_at > soon)

    def __repr__(self) -> str:
        return f"<Certificate {self.serial}>"


class CertificateEvent(db.Model):
    """One step in a certificate's history (issued, revoked, superseded, re-rendered…)."""

    __tablename__ = "certificate_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    certificate: Mapped[Certificate] = relationship(back_populates="events")
    actor = relationship("User")

    def __repr__(self) -> str:
        return f"<CertificateEvent {self.kind}>"


class CertificateVerification(db.Model):
    """A public verification attempt (found or not), for the audit of who checked what."""

    __tablename__ = "certificate_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    found: Mapped[bool]
    channel: Mapped[str] = mapped_column(String(10))  # code | token | json
    status: Mapped[str | None] = mapped_column(String(12))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return f"<CertificateVerification {self.channel} {self.found}>"
